"""Retrieval hit@k: 1.0 when any gold clause is among the first k retrieved clauses."""
from __future__ import annotations

from collections.abc import Sequence


def hit_at_k(ranked: Sequence[str], gold: Sequence[frozenset[str]], k: int) -> float:
    """`ranked`: retrieved clause ids, best first. `gold`: one set of acceptable clause ids per
    evidence quote. NaN when there is no gold (an unanswerable question)."""
    if not gold:
        return float("nan")
    relevant = frozenset().union(*gold)
    return 1.0 if any(clause_id in relevant for clause_id in ranked[:k]) else 0.0
