"""Citation precision: the share of distinct cited clauses that are gold clauses."""
from __future__ import annotations

from collections.abc import Sequence


def citation_precision(cited: Sequence[str], gold: Sequence[frozenset[str]]) -> float:
    """NaN when nothing is cited (a refusal) or the question has no gold clauses; those cases are
    judged by the refusal metrics instead."""
    distinct = set(cited)
    if not distinct or not gold:
        return float("nan")
    relevant = frozenset().union(*gold)
    return len(distinct & relevant) / len(distinct)
