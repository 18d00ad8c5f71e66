"""Scores one answered question with every metric; the runner calls this, the reports read it."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eval.goldset import GoldRow
from eval.metrics.citation_precision import citation_precision
from eval.metrics.citation_recall import citation_recall
from eval.metrics.crag import crag_score, is_correct
from eval.metrics.false_refusal import false_refusal
from eval.metrics.hit_at_k import hit_at_k
from eval.metrics.key_fact_recall import derive_key_facts, key_fact_recall
from eval.metrics.mrr import reciprocal_rank
from eval.metrics.ndcg import ndcg_at_k
from eval.metrics.recall_at_k import recall_at_k
from eval.metrics.refusal_accuracy import refusal_accuracy
from eval.metrics.refusal_recall import refusal_recall
from eval.metrics.rouge_l import rouge_l_f1
from eval.metrics.token_f1 import token_f1
from eval.metrics.verified import badge_rate, verified

NAN = float("nan")
RETRIEVAL_DEPTH = 10  # clauses retrieved for the retrieval metrics (hit@10, MRR@10, nDCG@10)


@dataclass(frozen=True)
class Observation:
    """What the system did for one question."""

    retrieved: tuple[str, ...]  # base clause ids, best first
    answer: str
    refused: bool
    verified: bool
    cited: tuple[str, ...]  # base clause ids of the answer's citations


def score(row: GoldRow, gold: Sequence[frozenset[str]], seen: Observation) -> dict[str, float]:
    """Every metric for one question. `gold` holds one set of acceptable clause ids per evidence
    quote that resolved; when none resolved the gold-based metrics are NaN, not 0."""
    ranked = seen.retrieved
    values = {
        "hit@1": hit_at_k(ranked, gold, 1),
        "hit@5": hit_at_k(ranked, gold, 5),
        "hit@10": hit_at_k(ranked, gold, 10),
        "recall@5": recall_at_k(ranked, gold, 5),
        "recall@10": recall_at_k(ranked, gold, 10),
        "mrr@10": reciprocal_rank(ranked, gold, 10),
        "ndcg@10": ndcg_at_k(ranked, gold, 10),
        "citation_precision": citation_precision(seen.cited, gold),
        "citation_recall": citation_recall(seen.cited, gold),
        "badge_rate": badge_rate(seen.verified, seen.refused),
        "refusal_recall": refusal_recall(seen.refused, row.answerable),
        "false_refusal": false_refusal(seen.refused, row.answerable),
        "refusal_accuracy": refusal_accuracy(seen.refused, row.answerable),
    }
    if row.answerable:
        facts = row.key_facts or derive_key_facts(row.answer)
        values["key_fact_recall"] = key_fact_recall(seen.answer, facts)
        values["rouge_l"] = rouge_l_f1(seen.answer, row.answer)
        values["token_f1"] = token_f1(seen.answer, row.answer)
    else:  # the refusal metrics judge these; overlap with the refusal phrase means nothing
        values["key_fact_recall"] = values["rouge_l"] = values["token_f1"] = NAN
    correct = is_correct(values["key_fact_recall"], values["rouge_l"])
    values["crag"] = crag_score(row.answerable, seen.refused, correct)
    values["verified"] = verified(seen.verified, seen.refused, row.answerable, correct, values["citation_precision"])
    return values
