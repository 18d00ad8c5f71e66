"""Fusing the dense and BM25 ranked lists into one, and collapsing parts of a clause.

Two methods over each retriever's top-N candidates: reciprocal rank fusion (optionally weighted)
and a linear blend of min-max normalised scores; which one, and the weights, are tuning knobs
(qa.core.config.FusionConfig, where the measurements behind the default are noted).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from qa.core.config import FusionConfig
from qa.core.types import Clause, Hit

Ranked = Sequence[tuple[Clause, float]]  # a retriever's output, best first


def _min_max(ranked: Ranked) -> dict[str, float]:
    if not ranked:
        return {}
    scores = [score for _, score in ranked]
    low, high = min(scores), max(scores)
    span = high - low
    return {c.clause_id: (score - low) / span if span > 0 else 1.0 for c, score in ranked}


def fuse(dense: Ranked, bm25: Ranked, config: FusionConfig) -> list[Hit]:
    """One list of part-level hits, best first. A part missing from one list gets nothing
    from it (RRF) or a normalised score of 0 (linear)."""
    clauses: dict[str, Clause] = {}
    ranks: dict[str, dict[str, tuple[int, float]]] = {"dense": {}, "bm25": {}}
    for name, ranked in (("dense", dense), ("bm25", bm25)):
        for rank, (clause, score) in enumerate(ranked, start=1):
            clauses.setdefault(clause.clause_id, clause)
            ranks[name].setdefault(clause.clause_id, (rank, score))

    weights = {"dense": config.dense_weight, "bm25": config.bm25_weight}
    if config.method == "rrf":
        contribution = {
            name: {cid: weights[name] / (config.rrf_k + rank) for cid, (rank, _) in found.items()}
            for name, found in ranks.items()
        }
    else:
        contribution = {
            "dense": {cid: weights["dense"] * v for cid, v in _min_max(dense).items()},
            "bm25": {cid: weights["bm25"] * v for cid, v in _min_max(bm25).items()},
        }

    hits = []
    for cid, clause in clauses.items():
        dense_hit, bm25_hit = ranks["dense"].get(cid), ranks["bm25"].get(cid)
        hits.append(
            Hit(
                clause=clause,
                score=contribution["dense"].get(cid, 0.0) + contribution["bm25"].get(cid, 0.0),
                dense_rank=dense_hit[0] if dense_hit else None,
                bm25_rank=bm25_hit[0] if bm25_hit else None,
                dense_score=dense_hit[1] if dense_hit else None,
                bm25_score=bm25_hit[1] if bm25_hit else None,
            )
        )
    # Ties (common in RRF) go to the better single-list rank, then to document order.
    hits.sort(key=lambda h: (-h.score, _best_rank(h), h.clause.doc_id, h.clause.ordinal, h.clause.part))
    return hits


def _best_rank(hit: Hit) -> int:
    return min(r for r in (hit.dense_rank, hit.bm25_rank, 10**9) if r is not None)


def collapse_parts(hits: Iterable[Hit]) -> list[Hit]:
    """Keep the best-scoring part of each clause (hits must be sorted best first)."""
    seen: set[str] = set()
    kept = []
    for hit in hits:
        if hit.clause.base_id not in seen:
            seen.add(hit.clause.base_id)
            kept.append(hit)
    return kept
