"""Data that crosses the answering stages. Defined once; every qa/ stage imports from here."""
from __future__ import annotations

from dataclasses import dataclass, field

from index.types import Clause, Filters  # noqa: F401  (Filters is re-exported for qa/ callers)


@dataclass(frozen=True)
class Hit:
    """A retrieved clause. Parts of one clause are collapsed: `clause` is the best part,
    `text` the whole clause text (all parts joined)."""

    clause: Clause
    score: float  # fused score (higher is better)
    dense_rank: int | None = None  # 1-based rank in the dense list, None if absent
    bm25_rank: int | None = None
    dense_score: float | None = None  # cosine similarity
    bm25_score: float | None = None
    text: str = ""  # the whole clause (all parts joined); "" only if built outside the retriever

    @property
    def clause_id(self) -> str:
        return self.clause.base_id


@dataclass(frozen=True)
class ContextItem:
    """A clause as numbered [n] in the prompt / the extractive answer."""

    n: int
    hit: Hit
    text: str  # the text given to the answerer (may be the whole clause)


@dataclass(frozen=True)
class Citation:
    n: int
    clause_id: str
    doc_id: str
    doc_title: str
    ref: str
    text: str  # the cited clause's text
    quote: str = ""  # the sentence(s) of the clause that support the answer, when known
    issuer: str = ""
    date: str = ""


@dataclass(frozen=True)
class SentenceCheck:
    """Verification of one answer sentence."""

    sentence: str
    markers: tuple[int, ...]  # citation numbers the sentence carries
    figures: tuple[str, ...]  # figures the sentence states
    missing_figures: tuple[str, ...]  # figures not found in any cited clause
    verified: bool
    reason: str = ""  # "" when verified; "uncited" | "figure-not-in-cited-clause"


@dataclass(frozen=True)
class Answer:
    question: str  # as the user asked it
    text: str  # answer text with [n] markers
    citations: tuple[Citation, ...]
    refused: bool
    backend: str  # "offline" or the LLM model name
    verified: bool  # every sentence cited and every figure found in a cited clause
    checks: tuple[SentenceCheck, ...] = ()
    dropped_markers: tuple[int, ...] = ()  # markers that pointed outside the context
    nearest: tuple[Hit, ...] = ()  # for refusals: clauses the user may check
    standalone_question: str = ""  # the follow-up rewritten, when it was rewritten
    notice: str = ""  # e.g. why the LLM answer fell back to the offline answerer
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    @property
    def unverified(self) -> tuple[SentenceCheck, ...]:
        return tuple(c for c in self.checks if not c.verified)
