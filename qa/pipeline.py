"""The answer pipeline in plain Python: condense → retrieve → number → prompt → answer → verify.

Each stage takes a frozen ChainState and returns a new one. `AnswerPipeline.run` calls them in
order; qa/chain.py wraps the same stage functions as LangChain RunnableLambdas (AnswerChain), so
the two give the same Answer. PolicyQA.ask runs offline questions here directly: building and
invoking Runnables needs langchain_core's runnables and tracers, about a second of a cold
`policyqa ask`, and an offline answer calls no model a LangChain callback could trace.
The question is cleaned and checked once, at the entry (`start`), whichever face asked it.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from qa.answer.citations import Verification, verify
from qa.answer.context import build_context, render_context
from qa.answer.refusal import is_refusal
from qa.core import messages
from qa.core.errors import BadQuestion, LLMError
from qa.core.messages import refusal_phrase
from qa.core.text import detect_script, foreign_script, question_language
from qa.core.types import OFFLINE_BACKEND, Answer, AnswerMode, Citation, ContextItem, Filters, Hit, Language, Script
from qa.followup import Turn, cited_clause, condense, rule_condense
from qa.question import as_filters, clean_question

if TYPE_CHECKING:
    from qa.answer.extractive import ExtractiveAnswerer
    from qa.retrieve.strategies import Retrieval

MODES = tuple(mode.value for mode in AnswerMode)
Stage = Callable[["ChainState"], "ChainState"]


@dataclass(frozen=True)
class ChainState:
    """What flows between the stages; each stage returns a new one."""

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


def timed(stage: str, step: Stage) -> Stage:
    """`step`, recording its wall time in the state's timings under `stage`."""
    def run(state: ChainState) -> ChainState:
        started = time.perf_counter()
        result = step(state)
        return replace(result, timings=result.timings + ((stage, time.perf_counter() - started),))

    return run


class AnswerPipeline:
    def __init__(self, retrieval: Retrieval, extractive: ExtractiveAnswerer, context_tokens: int,
                 llm=None, llm_configured: bool = False) -> None:
        """`llm` is a qa.answer.llm.LLMAnswerer (or None offline); `llm_configured` says
        whether mode "auto" should use it."""
        self.retrieval = retrieval
        self.extractive = extractive
        self.context_tokens = context_tokens
        self.llm = llm
        self.llm_configured = llm_configured
        # (name, step) in order: AnswerChain wraps these very functions as RunnableLambdas.
        self.prepare_stages: tuple[tuple[str, Stage], ...] = tuple(
            (name, timed(name, step)) for name, step in
            (("condense", self._condense), ("retrieve", self._retrieve), ("context", self._number),
             ("prompt", self._prompt)))
        self.answer_stage: Stage = timed("answer", self._answer)
        self.verify_stage: Stage = timed("verify", self._verify)

    # --- entry points ------------------------------------------------------------------------
    def start(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
              filters: Filters | Mapping | None = None, mode: AnswerMode | str = AnswerMode.AUTO) -> ChainState:
        """The first state of a question, after every check a request must pass: the question
        cleaned (or BadQuestion), a known mode, an LLM for mode "llm", filters that leave a document."""
        question = clean_question(question, self.retrieval.retriever.max_question_chars)
        if mode not in MODES:
            raise BadQuestion(f"Unknown answer mode {mode!r}.", hint="Use one of: " + ", ".join(MODES) + ".")
        use_llm = mode == AnswerMode.LLM or (mode == AnswerMode.AUTO and self.llm_configured)
        if use_llm and self.llm is None:
            raise LLMError("No LLM is configured, so --mode llm cannot be used.",
                           hint="Set OPENAI_BASE_URL and/or OPENAI_API_KEY (and POLICYQA_LLM_MODEL), or use --mode offline.")
        filters = as_filters(filters)
        self.retrieval.check_filters(filters)
        return ChainState(question=question, history=tuple(history), k=k, filters=filters, use_llm=use_llm,
                          language=question_language(question), backend=self.llm.model if use_llm else OFFLINE_BACKEND)

    def to_state(self, request: Mapping | str | ChainState) -> ChainState:
        """A question string or an AnswerRequest dict (qa/chain.py) as the first state."""
        if isinstance(request, ChainState):
            return request  # already started (PolicyQA.ask)
        if isinstance(request, str):
            return self.start(request)
        if not isinstance(request, Mapping) or "question" not in request:
            raise BadQuestion(f"The answer chain takes a question, or a dict with a \"question\" key; "
                              f"got {type(request).__name__}.")
        return self.start(request["question"], request.get("history") or (), k=request.get("k"),
                          filters=request.get("filters"), mode=request.get("mode") or AnswerMode.AUTO)

    def run(self, request: Mapping | str | ChainState) -> Answer:
        """Every stage in order, as the chain's `invoke` runs them, without LangChain."""
        state = self.to_state(request)
        for _name, stage in self.prepare_stages:
            state = stage(state)
        return self.finish(self.answer_stage(state))

    def finish(self, state: ChainState) -> Answer:
        return self.to_answer(self.verify_stage(state))

    # --- stages ------------------------------------------------------------------------------
    def _condense(self, state: ChainState) -> ChainState:
        if not state.history:
            return replace(state, standalone=state.question)
        state = replace(state, anchor=cited_clause(state.question, state.history))
        if not state.use_llm:
            return replace(state, standalone=rule_condense(state.question, state.history))
        from qa.answer.prompts import defuse, load_prompt  # LangChain prompt templates: the model's path only

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
        from qa.answer.prompts import defuse, load_prompt

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
            return self.take_llm_text(state, self.llm.complete(list(state.messages)))
        except LLMError as exc:
            return self.fallback(state, exc)

    def _extract(self, state: ChainState) -> ChainState:
        script = foreign_script(state.standalone)
        if script:
            return replace(state, draft=refusal_phrase(state.language), refused=True, quotes=MappingProxyType({}),
                           notices=state.notices + (messages.foreign_script_notice(script),))
        draft = self.extractive.answer(state.standalone, state.items, state.language,
                                       documents=dict(state.named_documents), topic=state.topic,
                                       library=self.retrieval.retriever.reader)
        notices = state.notices + ((draft.notice,) if draft.notice else ())
        premises = draft.evidence.unsupported_premises if draft.refused and draft.evidence else ()
        if premises:
            notices += (messages.unsupported_premise_notice(premises, state.language),)
        if not draft.refused and any(_is_traditional(item) for item in state.items if item.n in draft.quotes):
            notices += (messages.traditional_quote_notice(state.language),)
        return replace(state, draft=draft.text, refused=draft.refused, quotes=draft.quotes, notices=notices,
                       items=draft.items or state.items)

    def take_llm_text(self, state: ChainState, text: str) -> ChainState:
        """The model's whole answer as the draft; its refusal phrase as a refusal."""
        if is_refusal(text):
            notice = self.extractive.missing_notice(state.standalone, state.items, state.language)
            return replace(state, draft=refusal_phrase(state.language), refused=True,
                           notices=state.notices + (notice,))
        return replace(state, draft=text.strip())

    def fallback(self, state: ChainState, exc: LLMError) -> ChainState:
        """The model failed for good: the extractive answer, with a notice saying why."""
        state = replace(state, backend=OFFLINE_BACKEND, notices=state.notices + (self._notice("answer", exc, state),))
        return self._extract(state)

    @staticmethod
    def _notice(stage: str, exc: LLMError, state: ChainState) -> str:
        return messages.llm_failed_notice(stage, exc.message, state.language)

    def _verify(self, state: ChainState) -> ChainState:
        if state.refused:
            return state
        return replace(state, verification=verify(
            state.draft, state.items, state.quotes, question=state.standalone, weights=self.extractive.weights(),
            documents=self.retrieval.documents()))

    def to_answer(self, state: ChainState) -> Answer:
        result = state.verification
        return Answer(
            question=state.question,
            text=result.text if result else state.draft,
            citations=result.citations if result else (),
            refused=state.refused,
            backend=state.backend,
            # A refusal checked nothing, so it is never "verified"; an answer must pass every check.
            verified=result.verified if result else False,
            checks=result.checks if result else (),
            dropped_markers=result.dropped_markers if result else (),
            nearest=tuple(state.hits[: self.retrieval.strategy.nearest]) if state.refused else (),
            standalone_question=state.standalone if state.standalone != state.question else "",
            notice=" ".join(state.notices),
            timings=state.timings,
            evidence=result.evidence if result else None,
        )


def _is_traditional(item: ContextItem) -> bool:
    return detect_script(item.text) == Script.TRADITIONAL
