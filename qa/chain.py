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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from langchain_core.runnables import Runnable, RunnableLambda

from qa.core.errors import BadQuestion, LLMError
from qa.core.types import DocumentMeta
from qa.core.text import detect_script
from qa.answer.extractive import MIN_QUOTE_CHARS, ExtractiveAnswerer
from qa.answer.citations import Verification, verify
from qa.followup import Turn, cited_clause, condense, rule_condense
from qa.answer.context import build_context, defuse, render_context
from qa.retrieve.docnames import Mention, document_mentions, without_mentions
from qa.answer.prompts import foreign_script, load_prompt, question_language
from qa.answer.refusal import is_refusal, refusal_phrase
from qa.core.types import Answer, Citation, ContextItem, Filters, Hit

MODES = ("auto", "offline", "llm")
NEAREST = 3  # clauses listed with a refusal
OFFLINE = "offline"
ANCHOR_CHARS = 300  # of a cited clause's text, used as the query that finds it again
HEADINGS_EXPANDED = 5  # of the best hits, the ones whose clauses are brought in when they are headings
MAX_CHILDREN = 12
MIN_HITS_PER_DOCUMENT = 3  # clauses per named document when a question names several

Retrieve = Callable[[str, "int | None", "Filters | None"], list[Hit]]


@dataclass(frozen=True)
class ChainState:
    """What flows between the chain's stages; each stage returns a new one."""

    question: str
    history: tuple[Turn, ...] = ()
    k: int | None = None
    filters: Filters | None = None
    use_llm: bool = False
    language: str = "zh"
    standalone: str = ""
    anchor: Citation | None = None  # the earlier citation a 「第N条」 follow-up names
    named_documents: tuple[tuple[str, str], ...] = ()  # (doc_id, name) when the question names two or more
    topic: str = ""  # the question without those document names
    hits: tuple[Hit, ...] = ()
    items: tuple[ContextItem, ...] = ()
    messages: tuple = ()  # prompt messages for the LLM
    draft: str = ""
    refused: bool = False
    quotes: dict[int, str] = field(default_factory=dict)
    backend: str = OFFLINE
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
    def __init__(self, retrieve: Retrieve, extractive: ExtractiveAnswerer, context_tokens: int,
                 llm=None, llm_configured: bool = False,
                 clause_family: Callable[[str], list[Hit]] | None = None,
                 documents: Callable[[], list[DocumentMeta]] | None = None, default_k: int = 8) -> None:
        """`llm` is a qa.answer.llm.LLMAnswerer (or None offline); `llm_configured` says
        whether mode "auto" should use it. `clause_family(clause_id)` gives a clause and the
        clauses under it, as hits, for follow-ups that name a clause (「第二条」)."""
        self.retrieve = retrieve
        self.clause_family = clause_family
        self.documents = documents  # the indexed documents, to recognise the ones a question names
        self.default_k = default_k
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
              filters: Filters | None = None, mode: str = "auto") -> ChainState:
        if mode not in MODES:
            raise BadQuestion(f"Unknown answer mode {mode!r}.", hint="Use one of: " + ", ".join(MODES) + ".")
        use_llm = mode == "llm" or (mode == "auto" and self.llm_configured)
        if use_llm and self.llm is None:
            raise LLMError("No LLM is configured, so --mode llm cannot be used.",
                           hint="Set OPENAI_BASE_URL and/or OPENAI_API_KEY (and POLICYQA_LLM_MODEL), or use --mode offline.")
        return ChainState(question=question, history=tuple(history), k=k, filters=filters, use_llm=use_llm,
                     language=question_language(question), backend=self.llm.model if use_llm else OFFLINE)

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
            # 「第二条说了什么？」: the clause is known; its own text finds it (and its neighbours).
            # The named clause (and what sits under a heading-only one) comes first, whatever
            # the retriever ranks.
            anchor = state.anchor
            named = self.clause_family(anchor.clause_id) if self.clause_family else []
            hits = self.retrieve(anchor.text[:ANCHOR_CHARS], state.k, Filters(doc_ids=(anchor.doc_id,)))
            seen = {h.clause_id for h in named}
            merged = named + [h for h in hits if h.clause_id not in seen]
            return replace(state, hits=tuple(merged[: max(state.k or len(hits), len(named))]))
        documents = self.documents() if self.documents is not None else []
        named_documents = self._named_documents(state, documents)
        if not named_documents:
            hits = self.retrieve(state.standalone, state.k, state.filters)
            return replace(state, hits=tuple(self._with_children(hits)))
        # 「成都市委决定和四川省委决定都提出…」: each named document is searched on its own, so
        # none is crowded out of the context by the other's closer clauses.
        mentions, topic = named_documents
        base = state.filters or Filters()
        each = max(MIN_HITS_PER_DOCUMENT, (state.k or self.default_k) // len(mentions))
        lists = [self.retrieve(state.standalone, each, replace(base, doc_ids=(m.doc_id,))) for m in mentions]
        hits = [found[rank] for rank in range(each) for found in lists if rank < len(found)]
        names = {d.doc_id: d.short_title or d.title for d in documents}
        return replace(state, hits=tuple(hits), topic=topic,
                       named_documents=tuple((m.doc_id, names[m.doc_id]) for m in mentions))

    def _with_children(self, hits: list[Hit]) -> list[Hit]:
        """A heading found among the best hits (「（三）基本原则」, 「第二节 主要原则」) says only
        what its clauses are about: they follow it into the context, in document order."""
        if self.clause_family is None:
            return hits
        out, seen = [], {h.clause_id for h in hits}
        for rank, hit in enumerate(hits):
            out.append(hit)
            if rank < HEADINGS_EXPANDED and len(hit.text.strip()) < MIN_QUOTE_CHARS:
                children = [h for h in self.clause_family(hit.clause_id)
                            if h.clause.parent_id == hit.clause_id and h.clause_id not in seen][:MAX_CHILDREN]
                out.extend(replace(child, score=hit.score) for child in children)
                seen.update(child.clause_id for child in children)
        return out

    @staticmethod
    def _named_documents(state: ChainState, documents: list[DocumentMeta]) -> tuple[list[Mention], str] | tuple[()]:
        """(mentions, topic) when the question names two or more documents and the user has not
        chosen documents already; () otherwise."""
        if not documents or (state.filters and state.filters.doc_ids):
            return ()
        mentions = document_mentions(state.standalone, documents)
        return (mentions, without_mentions(state.standalone, mentions)) if len(mentions) >= 2 else ()

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
            notice = (f"离线回答只能理解中文或英文提问（此问题使用 {script} 文字）；可改用中文或英文提问，或配置大模型。")
            return replace(state, draft=refusal_phrase(state.language), refused=True, quotes={},
                           notices=state.notices + (notice,))
        draft = self.extractive.answer(state.standalone, state.items, state.language,
                                       documents=dict(state.named_documents), topic=state.topic)
        notices = state.notices
        premises = draft.evidence.unsupported_premises if draft.refused and draft.evidence else ()
        if premises:
            listed = "、".join(f"「{p}」" for p in premises)
            notices += (f"问题中的{listed}在检索到的条款中未出现，问题的前提可能与文件不符。" if state.language == "zh"
                        else f"The question states {', '.join(premises)}, which no retrieved clause contains; "
                             "its premise may not match the documents.",)
        if not draft.refused and any(_is_traditional(item) for item in state.items if item.n in draft.quotes):
            notices += ("引文按原文字形（繁体）照录。" if state.language == "zh"
                        else "Quotations keep the document's original (traditional) script.",)
        return replace(state, draft=draft.text, refused=draft.refused, quotes=draft.quotes, notices=notices)

    def _take_llm_text(self, state: ChainState, text: str) -> ChainState:
        if is_refusal(text):
            return replace(state, draft=refusal_phrase(state.language), refused=True)
        return replace(state, draft=text.strip())

    def _fallback(self, state: ChainState, exc: LLMError) -> ChainState:
        state = replace(state, backend=OFFLINE, notices=state.notices + (self._notice("answer", exc, state),))
        return self._extract(state)

    @staticmethod
    def _notice(stage: str, exc: LLMError, state: ChainState) -> str:
        if state.language == "en":
            what = "rewriting the follow-up by rule" if stage == "condense" else "showing the offline extractive answer"
            return f"The language model failed, so policyqa is {what}: {exc.message}"
        what = "已按规则改写追问" if stage == "condense" else "已改用离线抽取式回答"
        return f"大模型调用失败，{what}。原因：{exc.message}"

    def _verify(self, state: ChainState) -> ChainState:
        if state.refused:
            return state
        return replace(state, verification=verify(state.draft, state.items, state.quotes))

    @staticmethod
    def _to_answer(state: ChainState) -> Answer:
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
            nearest=tuple(state.hits[:NEAREST]) if state.refused else (),
            standalone_question=state.standalone if state.standalone != state.question else "",
            notice=" ".join(state.notices),
            timings=dict(state.timings),
        )


def _is_traditional(item: ContextItem) -> bool:
    return detect_script(item.text) == "traditional"
