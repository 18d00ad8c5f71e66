"""Request bodies, the untrusted edge: validated with pydantic and turned into the project's frozen
types (Filters, Answer) before anything else sees them. And response bodies: the project's types
as plain JSON data, answers as qa.core.serialize.answer_view (the shape `policyqa ask --json`
prints, so the CLI and the API agree).

Every string is `Text`: a lone surrogate (valid in JSON, not in Unicode text) or a control
character other than tab and line breaks is refused with 422 instead of reaching the parser,
the index or a response encoder. Unknown fields are refused too, so a typo is not ignored.
"""
from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from qa.compare import Comparison
from qa.conversations import Conversation, ConversationSummary
from qa.core.dates import span_bound
from qa.core.serialize import answer_view, to_data
from qa.core.types import Answer, AnswerMode, Citation, Clause, DocumentMeta, EvidenceStrength, Filters, Hit, SentenceCheck

MAX_LIST = 100  # documents, issuers, history turns or answers in one request


def _clean_text(value: str) -> str:
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cs":
            raise ValueError(f"contains a lone surrogate (U+{ord(ch):04X}), which is not text")
        if category == "Cc" and ch not in "\t\n\r":
            raise ValueError(f"contains the control character U+{ord(ch):04X}")
    return value


Text = Annotated[str, AfterValidator(_clean_text)]
ShortText = Annotated[str, Field(max_length=500), AfterValidator(_clean_text)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FiltersIn(Body):
    """Which documents to search. Dates may be partial: 2020 means from 2020-01-01 (date_from)
    or up to 2020-12-31 (date_to); 2021-02 likewise."""

    doc_ids: list[ShortText] = Field(default_factory=list, max_length=MAX_LIST)
    issuers: list[ShortText] = Field(default_factory=list, max_length=MAX_LIST)
    lead_units: list[ShortText] = Field(default_factory=list, max_length=MAX_LIST,
                                        description="Only clauses led by one of these units (GET /api/lead-units)")
    date_from: ShortText = ""
    date_to: ShortText = ""

    @field_validator("date_from", "date_to")
    @classmethod
    def _readable_date(cls, value: str) -> str:
        if value.strip() and span_bound(value.strip()) is None:
            raise ValueError(f"'{value}' is not a date; write 2020, 2020-07 or 2020-07-15")
        return value.strip()

    def to_filters(self) -> Filters:
        def bound(value: str, upper: bool) -> str:
            return span_bound(value, upper).isoformat() if value else ""
        return Filters(doc_ids=tuple(self.doc_ids), issuers=tuple(self.issuers), lead_units=tuple(self.lead_units),
                       date_from=bound(self.date_from, False), date_to=bound(self.date_to, True))


def filters_of(filters: FiltersIn | None) -> Filters:
    return filters.to_filters() if filters else Filters()


class HistoryTurn(Body):
    question: Text
    answer: Text


class AskRequest(Body):
    question: Text
    history: list[HistoryTurn] = Field(default_factory=list, max_length=MAX_LIST,
                                       description="Earlier turns, oldest first; or give conversation_id instead.")
    conversation_id: ShortText | None = Field(None, description="A saved conversation: its turns are the history, "
                                                                "and this question and answer are appended to it.")
    filters: FiltersIn | None = None
    k: int | None = Field(None, ge=1, le=100, description="Clauses to retrieve (default POLICYQA_TOP_K).")
    mode: AnswerMode = AnswerMode.AUTO

    @model_validator(mode="after")
    def _one_history(self) -> AskRequest:
        if self.history and self.conversation_id:
            raise ValueError("give history or conversation_id, not both")
        return self


class RetrieveRequest(Body):
    question: Text
    filters: FiltersIn | None = None
    k: int | None = Field(None, ge=1, le=100)


class CompareRequest(Body):
    question: Text
    filters: FiltersIn | None = Field(None, description="The documents to compare (default: all).")
    k: int | None = Field(None, ge=1, le=100)


class RetagRequest(Body):
    """Fields left out stay as they are; an empty issuer or date clears it."""

    title: ShortText | None = None
    issuer: ShortText | None = None
    date: ShortText | None = Field(None, description="yyyy-mm-dd, or empty to clear")

    @model_validator(mode="after")
    def _something(self) -> RetagRequest:
        if self.title is None and self.issuer is None and self.date is None:
            raise ValueError("give at least one of title, issuer, date")
        return self


class NewConversation(Body):
    title: ShortText = ""


# --- answers sent back for a memo: the shape /api/ask returns, other keys ignored --------------
class CitationIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    n: int = Field(ge=1)
    clause_id: ShortText
    doc_id: ShortText
    doc_title: Text = ""
    ref: Text = ""
    text: Text = ""
    quote: Text = ""


class UnverifiedIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sentence: Text
    reason: ShortText = ""
    missing_figures: list[ShortText] = Field(default_factory=list, max_length=MAX_LIST)


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    score: float = Field(0.0, ge=0.0, le=1.0)
    level: Literal["strong", "partial", "weak"] = "weak"
    missing: list[ShortText] = Field(default_factory=list, max_length=MAX_LIST)


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question: Text
    answer: Text
    refused: bool = False
    backend: ShortText = "offline"
    verified: bool = False
    citations: list[CitationIn] = Field(default_factory=list, max_length=MAX_LIST)
    unverified: list[UnverifiedIn] = Field(default_factory=list, max_length=MAX_LIST)
    evidence: EvidenceIn | None = None

    def to_answer(self) -> Answer:
        checks = tuple(SentenceCheck(sentence=u.sentence, markers=(), figures=tuple(u.missing_figures),
                                     missing_figures=tuple(u.missing_figures), verified=False, reason=u.reason)
                       for u in self.unverified)
        citations = tuple(Citation(n=c.n, clause_id=c.clause_id, doc_id=c.doc_id, doc_title=c.doc_title, ref=c.ref,
                                   text=c.text, quote=c.quote) for c in self.citations)
        return Answer(question=self.question, text=self.answer, citations=citations, refused=self.refused,
                      backend=self.backend, verified=self.verified, checks=checks,
                      evidence=EvidenceStrength(self.evidence.score, self.evidence.level, tuple(self.evidence.missing))
                      if self.evidence else None)


class MemoRequest(Body):
    format: Literal["md", "docx"] = "md"
    answers: list[AnswerIn] = Field(default_factory=list, max_length=MAX_LIST,
                                    description="Answers as /api/ask returned them; or give conversation_id.")
    conversation_id: ShortText | None = None
    title: ShortText = ""

    @model_validator(mode="after")
    def _one_source(self) -> MemoRequest:
        if bool(self.answers) == bool(self.conversation_id):
            raise ValueError("give answers or conversation_id (one of them)")
        return self


# --- responses ---------------------------------------------------------------------------------------
def document_view(meta: DocumentMeta, origin: str, clauses: int | None = None) -> dict:
    """`origin` is "upload" (added through the app or API) or "corpus" (the corpus folder)."""
    view = {"doc_id": meta.doc_id, "title": meta.title, "short_title": meta.short_title, "issuer": meta.issuer,
            "date": meta.date, "kind": meta.kind, "source": meta.source, "origin": origin}
    if clauses is not None:
        view["clauses"] = clauses
    return view


def clause_view(clause: Clause) -> dict:
    return {"clause_id": clause.clause_id, "ref": clause.ref,
            "path": list(clause.path), "heading": clause.heading, "text": clause.text,
            "part": clause.part, "parts": clause.parts, "page": clause.page,
            "lead_units": list(clause.lead_units), "responsible_units": list(clause.responsible_units)}


def hit_view(rank: int, hit: Hit, documents: dict[str, DocumentMeta]) -> dict:
    clause = hit.clause
    meta = documents.get(clause.doc_id)
    return {
        "rank": rank, "clause_id": hit.clause_id, "doc_id": clause.doc_id, "doc_title": clause.doc_title,
        "issuer": meta.issuer if meta else "", "date": meta.date if meta else "",
        "ref": clause.ref, "path": list(clause.path), "heading": clause.heading, "text": hit.text or clause.text,
        "page": clause.page, "lead_units": list(clause.lead_units), "responsible_units": list(clause.responsible_units),
        "score": round(hit.score, 6), "dense_rank": hit.dense_rank, "bm25_rank": hit.bm25_rank,
        "dense_score": hit.dense_score, "bm25_score": hit.bm25_score,
    }


def comparison_view(comparison: Comparison) -> dict:
    return {"question": comparison.question, "rows": [
        {"doc_id": row.meta.doc_id, "title": row.meta.title, "short_title": row.meta.short_title,
         "issuer": row.meta.issuer, "date": row.meta.date, "addressed": row.addressed,
         "citations": [{"n": c.n, "clause_id": c.clause_id, "ref": c.ref, "quote": c.quote, "text": c.text}
                       for c in row.citations]}
        for row in comparison.rows]}


def summary_view(summary: ConversationSummary) -> dict:
    return to_data(summary)


def conversation_view(conversation: Conversation) -> dict:
    return {"id": conversation.id, "title": conversation.title, "created": conversation.created,
            "updated": conversation.updated,
            "turns": [{"n": t.n, "asked": t.asked, "mode": t.mode, "filters": to_data(t.filters),
                       "answer": answer_view(t.answer)} for t in conversation.turns]}
