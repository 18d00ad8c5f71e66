"""Retrieval nDCG@k with binary gains over evidence quotes."""
from __future__ import annotations

import math
from collections.abc import Sequence


def ndcg_at_k(ranked: Sequence[str], gold: Sequence[frozenset[str]], k: int = 10) -> float:
    """A retrieved clause gains 1 when it satisfies an evidence quote not satisfied by an earlier
    clause; duplicates of one quote earn nothing, so the ideal ranking is one clause per quote.
    DCG uses the usual 1/log2(rank+1) discount. NaN without gold."""
    if not gold:
        return float("nan")
    pending = list(gold)
    dcg = 0.0
    for rank, clause_id in enumerate(ranked[:k], start=1):
        satisfied = [group for group in pending if clause_id in group]
        if satisfied:
            pending.remove(satisfied[0])
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold), k) + 1))
    return dcg / ideal
