"""Retrieval MRR@k: reciprocal rank of the first gold clause within the first k (0 when none)."""
from __future__ import annotations

from collections.abc import Sequence


def reciprocal_rank(ranked: Sequence[str], gold: Sequence[frozenset[str]], k: int = 10) -> float:
    """Averaged over questions this is MRR@k. NaN without gold."""
    if not gold:
        return float("nan")
    relevant = frozenset().union(*gold)
    for rank, clause_id in enumerate(ranked[:k], start=1):
        if clause_id in relevant:
            return 1.0 / rank
    return 0.0
