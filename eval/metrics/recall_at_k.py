"""Retrieval recall@k: the share of evidence quotes with a clause among the first k retrieved."""
from __future__ import annotations

from collections.abc import Sequence


def recall_at_k(ranked: Sequence[str], gold: Sequence[frozenset[str]], k: int) -> float:
    """Each evidence quote is one unit, satisfied by any of its acceptable clauses, so a quote
    found in two clauses does not demand that both are retrieved. NaN without gold."""
    if not gold:
        return float("nan")
    top = set(ranked[:k])
    return sum(1 for group in gold if group & top) / len(gold)
