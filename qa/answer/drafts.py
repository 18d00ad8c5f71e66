"""What the offline answerer's steps pass each other: a scored candidate sentence and a draft
answer (qa/answer/extractive.py)."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from qa.answer.refusal import Evidence
from qa.core.types import ContextItem, EvidenceStrength

if TYPE_CHECKING:
    import numpy as np

# [(clause id, sentence text as embedded)] → the vector the index holds for each, or None
StoredVectors = Callable[[Sequence[tuple[str, str]]], Sequence["np.ndarray | None"]]


@dataclass(frozen=True)
class Candidate:
    item: ContextItem
    sentence: str  # original script, as in the clause
    coverage: float
    similarity: float = 0.0
    score: float = 0.0  # coverage and similarity weighed together (AnswerSelection), times fit
    fit: float = 1.0  # how well it fits the year, measure and unit asked (asks.fit)
    lead: str = ""  # the colon line an enumerated item hangs on (quotes.lead_of)


def best_per_clause(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The first (best-ranked) candidate of each context clause, in the order given."""
    firsts: dict[int, Candidate] = {}
    for c in candidates:
        firsts.setdefault(c.item.n, c)
    return list(firsts.values())


@dataclass(frozen=True)
class Draft:
    text: str
    refused: bool
    quotes: Mapping[int, str]  # context number → the clause sentence(s) quoted (read-only)
    evidence: Evidence | None = None
    items: tuple[ContextItem, ...] = ()  # the context with the clauses the answer brought in (list items)
    notice: str = ""  # for a refusal: what was not found
    strength: EvidenceStrength | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "quotes", MappingProxyType(dict(self.quotes)))
