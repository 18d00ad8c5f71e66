"""Fusing the dense and BM25 ranked lists into one, and collapsing parts of a clause.

Three methods over each retriever's top-N candidates: reciprocal rank fusion (optionally
weighted), a linear blend of min-max normalised scores, and a blend of z-scores (each score as
standard deviations above its own list's mean); which one, and the weights, are tuning knobs
(qa.core.config.FusionConfig, where the measurements behind the default are noted).

Why z-scores: min-max stretches every list to [0, 1] whatever its shape, so a retriever whose
top hit barely differs from the rest (BM25 on a paraphrased question: every article of the right
law shares its words) counts as much as one whose top hit stands far out. A z-score keeps that
margin: a flat list moves the fused order little, an outlier moves it a lot, question by question.
"""
from __future__ import annotations

import statistics
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


def _z_scores(ranked: Ranked) -> dict[str, float]:
    if len(ranked) < 2:
        return {c.clause_id: 1.0 for c, _ in ranked}
    scores = [score for _, score in ranked]
    mean, spread = statistics.fmean(scores), statistics.pstdev(scores)
    return {c.clause_id: (score - mean) / spread if spread > 0 else 0.0 for c, score in ranked}


def _contributions(dense: Ranked, bm25: Ranked, ranks: dict[str, dict[str, tuple[int, float]]],
                   config: FusionConfig) -> dict[str, dict[str, float]]:
    weights = {"dense": config.dense_weight, "bm25": config.bm25_weight}
    if config.method == "rrf":
        return {name: {cid: weights[name] / (config.rrf_k + rank) for cid, (rank, _) in found.items()}
                for name, found in ranks.items()}
    normalise = _min_max if config.method == "linear" else _z_scores
    out = {}
    for name, ranked in (("dense", dense), ("bm25", bm25)):
        normalised = normalise(ranked)
        # z-scores: a part one list did not return ranks below all it did, so it gets that
        # list's lowest score (a min-max 0 says the same for linear).
        floor = min(normalised.values(), default=0.0) if config.method == "zscore" else 0.0
        everyone = set(ranks["dense"]) | set(ranks["bm25"])
        out[name] = {cid: weights[name] * normalised.get(cid, floor) for cid in everyone}
    return out


def with_sentences(dense: Ranked, sentences: Ranked, share: float, depth: int) -> list[tuple[Clause, float]]:
    """The dense list scored by (1 - share) × the clause's cosine + share × its closest sentence's
    (`sentences`, by clause). A long clause's one vector blurs the sentence that answers; a
    sentence vector keeps it. A clause one list lacks takes that list's lowest score, so a
    clause found only by its sentence can enter the list."""
    if not sentences or share <= 0:
        return list(dense)
    by_clause = {clause.base_id: score for clause, score in sentences}
    sentence_floor = min(by_clause.values())
    clause_floor = min((score for _, score in dense), default=0.0)
    blended = {clause.clause_id: (clause, (1 - share) * score + share * by_clause.get(clause.base_id, sentence_floor))
               for clause, score in dense}
    listed = {clause.base_id for clause, _ in dense}
    for clause, score in sentences:
        if clause.base_id not in listed:
            blended[clause.clause_id] = (clause, (1 - share) * clause_floor + share * score)
    return sorted(blended.values(), key=lambda pair: -pair[1])[:depth]


def fuse(dense: Ranked, bm25: Ranked, config: FusionConfig) -> list[Hit]:
    """One list of part-level hits, best first. A part missing from one list gets nothing
    from it (RRF), a normalised score of 0 (linear) or that list's lowest z-score (zscore)."""
    clauses: dict[str, Clause] = {}
    ranks: dict[str, dict[str, tuple[int, float]]] = {"dense": {}, "bm25": {}}
    for name, ranked in (("dense", dense), ("bm25", bm25)):
        for rank, (clause, score) in enumerate(ranked, start=1):
            clauses.setdefault(clause.clause_id, clause)
            ranks[name].setdefault(clause.clause_id, (rank, score))

    contribution = _contributions(dense, bm25, ranks, config)

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
