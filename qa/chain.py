"""The answer chain, in LCEL: condense → retrieve → number → answer → verify → Answer.

    prepare = condense | retrieve | number | prompt      (RunnableLambdas over a frozen Turn)
    chain   = prepare | answer | finish                  (finish = verify → Answer)

`invoke` runs the whole chain; `stream` runs `prepare`, streams the model's text deltas, then
runs `finish`. The answer step is the LLM when one is configured (or asked for) and the
extractive answerer otherwise; when the LLM fails for good, the extractive answer is given
with a notice saying why.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from langchain_core.runnables import Runnable, RunnableLambda

from qa.answer.citations import Verification, verify
from qa.answer.context import build_context, render_context
from qa.answer.extractive import ExtractiveAnswerer
from qa.answer.prompts import defuse, load_prompt
from qa.answer.refusal import is_refusal
from qa.core import messages
from qa.core.errors import BadQuestion, LLMError
from qa.core.messages import refusal_phrase
from qa.core.text import detect_script, foreign_script, question_language
from qa.core.types import OFFLINE_BACKEND, Answer, AnswerMode, Citation, ContextItem, Filters, Hit, Language, Script
from qa.followup import Turn, cited_clause, condense, rule_condense
from qa.retrieve.strategies import Retrieval

MODES = tuple(mode.value for mode in AnswerMode)


@dataclass(frozen=True)
class ChainState:
    """What flows between the chain's stages; each stage returns a new one."""

    question: str
    history: tuple[Turn, ...] = ()
    k: int | None = None
    filters: Filters | None = None
    use_llm: bool = False
    language: Language = Language.ZH
    standalone: str = ""
    anchor: Citation | None = None  # the earlier citation a 「第N条」 follow-up names
    named_documents: tuple[tuple[str, str], ...] = ()  # (doc_id, name) when the question names two or more
    topic: str = ""  # the question without those document names
    hits: tuple[Hit, ...] = ()
    items: tuple[ContextItem, ...] = ()
    messages: tuple = ()  # prompt messages for the LLM
    draft: str = ""
    refused: bool = False
    quotes: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))  # [n] → sentence(s) quoted
    backend: str = OFFLINE_BACKEND
    notices: tuple[str, ...] = ()
    verification: Verification | None = None
    timings: tuple[tuple[str, float], ...] = ()


def _timed(stage: str, step: Callable[[ChainState], ChainState]) -> RunnableLambda:
    def run(state: ChainState) -> ChainState:
        started = time.perf_counter()
        result = step(state)
        return replace(result, timings=result.timings + ((stage, time.perf_counter() - started),))

    return RunnableLambda(run, name=stage)


class AnswerChain:
    def __init__(self, retrieval: Retrieval, extractive: ExtractiveAnswerer, context_tokens: int,
                 llm=None, llm_configured: bool = False) -> None:
        """`llm` is a qa.answer.llm.LLMAnswerer (or None offline); `llm_configured` says
        whether mode "auto" should use it."""
        self.retrieval = retrieval
        self.extractive = extractive
        self.context_tokens = context_tokens
        self.llm = llm
        self.llm_configured = llm_configured
        self.prepare: Runnable = (
            _timed("condense", self._condense)
            | _timed("retrieve", self._retrieve)
            | _timed("context", self._number)
            | _timed("prompt", self._prompt)
        )
        self.answer_step: Runnable = _timed("answer", self._answer)
        self.finish: Runnable = _timed("verify", self._verify) | RunnableLambda(self._to_answer, name="answer_out")
        self.chain: Runnable = self.prepare | self.answer_step | self.finish

    # --- entry points ------------------------------------------------------------------------
    def start(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
              filters: Filters | None = None, mode: AnswerMode | str = AnswerMode.AUTO) -> ChainState:
        if mode not in MODES:
            raise BadQuestion(f"Unknown answer mode {mode!r}.", hint="Use one of: " + ", ".join(MODES) + ".")
        use_llm = mode == AnswerMode.LLM or (mode == AnswerMode.AUTO and self.llm_configured)
        if use_llm and self.llm is None:
            raise LLMError("No LLM is configured, so --mode llm cannot be used.",
                           hint="Set OPENAI_BASE_URL and/or OPENAI_API_KEY (and POLICYQA_LLM_MODEL), or use --mode offline.")
        return ChainState(question=question, history=tuple(history), k=k, filters=filters, use_llm=use_llm,
                     language=question_language(question), backend=self.llm.model if use_llm else OFFLINE_BACKEND)

    def invoke(self, state: ChainState) -> Answer:
        return self.chain.invoke(state)

    def stream(self, state: ChainState) -> Iterator[str | Answer]:
        """Text deltas of the answer as it is written, then the final Answer. When the model fails
        midway the final Answer is the offline one: show Answer.text, not the deltas, at the end."""
        state = self.prepare.invoke(state)
        if not state.messages:
            state = self.answer_step.invoke(state)
            yield state.draft
            yield self.finish.invoke(state)
            return
        started, parts = time.perf_counter(), []
        try:
            for delta in self.llm.stream(list(state.messages)):
                parts.append(delta)
                yield delta
            state = self._take_llm_text(state, "".join(parts))
        except LLMError as exc:
            state = self._fallback(state, exc)
        state = replace(state, timings=state.timings + (("answer", time.perf_counter() - started),))
        yield self.finish.invoke(state)

    # --- stages ------------------------------------------------------------------------------
    def _condense(self, state: ChainState) -> ChainState:
        if not state.history:
            return replace(state, standalone=state.question)
        state = replace(state, anchor=cited_clause(state.question, state.history))
        if not state.use_llm:
            return replace(state, standalone=rule_condense(state.question, state.history))
        prompt = load_prompt("condense", state.language)
        try:
            rewritten = condense(state.question, state.history, rewrite=lambda history, question: self.llm.complete(
                prompt.invoke({"history": defuse(history), "question": defuse(question)}).to_messages()))
        except LLMError as exc:
            rule = rule_condense(state.question, state.history)
            return replace(state, standalone=rule, notices=state.notices + (self._notice("condense", exc, state),))
        return replace(state, standalone=rewritten.strip().strip("“”\"'").splitlines()[0].strip() or state.question)

    def _retrieve(self, state: ChainState) -> ChainState:
        if state.anchor is not None:
            found = self.retrieval.for_cited_clause(state.anchor, state.k)
        else:
            found = self.retrieval.for_question(state.standalone, state.k, state.filters)
        return replace(state, hits=found.hits, named_documents=found.named_documents, topic=found.topic)

    def _number(self, state: ChainState) -> ChainState:
        return replace(state, items=build_context(state.hits, self.context_tokens))

    def _prompt(self, state: ChainState) -> ChainState:
        if not state.use_llm or not state.items:
            return state
        prompt = load_prompt("answer", state.language)
        messages = prompt.invoke({
            "refusal": refusal_phrase(state.language),
            "context": render_context(state.items),
            "question": defuse(state.standalone),
        }).to_messages()
        return replace(state, messages=tuple(messages))

    def _answer(self, state: ChainState) -> ChainState:
        if not state.items:
            return replace(state, draft=refusal_phrase(state.language), refused=True)
        if not state.messages:
            return self._extract(state)
        try:
            return self._take_llm_text(state, self.llm.complete(list(state.messages)))
        except LLMError as exc:
            return self._fallback(state, exc)

    def _extract(self, state: ChainState) -> ChainState:
        script = foreign_script(state.standalone)
        if script:
            return replace(state, draft=refusal_phrase(state.language), refused=True, quotes=MappingProxyType({}),
                           notices=state.notices + (messages.foreign_script_notice(script),))
        draft = self.extractive.answer(state.standalone, state.items, state.language,
                                       documents=dict(state.named_documents), topic=state.topic)
        notices = state.notices
        premises = draft.evidence.unsupported_premises if draft.refused and draft.evidence else ()
        if premises:
            notices += (messages.unsupported_premise_notice(premises, state.language),)
        if not draft.refused and any(_is_traditional(item) for item in state.items if item.n in draft.quotes):
            notices += (messages.traditional_quote_notice(state.language),)
        return replace(state, draft=draft.text, refused=draft.refused, quotes=draft.quotes, notices=notices)

    def _take_llm_text(self, state: ChainState, text: str) -> ChainState:
        if is_refusal(text):
            return replace(state, draft=refusal_phrase(state.language), refused=True)
        return replace(state, draft=text.strip())

    def _fallback(self, state: ChainState, exc: LLMError) -> ChainState:
        state = replace(state, backend=OFFLINE_BACKEND, notices=state.notices + (self._notice("answer", exc, state),))
        return self._extract(state)

    @staticmethod
    def _notice(stage: str, exc: LLMError, state: ChainState) -> str:
        return messages.llm_failed_notice(stage, exc.message, state.language)

    def _verify(self, state: ChainState) -> ChainState:
        if state.refused:
            return state
        return replace(state, verification=verify(state.draft, state.items, state.quotes))

    def _to_answer(self, state: ChainState) -> Answer:
        result = state.verification
        return Answer(
            question=state.question,
            text=result.text if result else state.draft,
            citations=result.citations if result else (),
            refused=state.refused,
            backend=state.backend,
            # A refusal states nothing that could be wrong; an answer must pass every check.
            verified=result.verified if result else state.refused,
            checks=result.checks if result else (),
            dropped_markers=result.dropped_markers if result else (),
            nearest=tuple(state.hits[: self.retrieval.strategy.nearest]) if state.refused else (),
            standalone_question=state.standalone if state.standalone != state.question else "",
            notice=" ".join(state.notices),
            timings=state.timings,
        )


def _is_traditional(item: ContextItem) -> bool:
    return detect_script(item.text) == Script.TRADITIONAL
