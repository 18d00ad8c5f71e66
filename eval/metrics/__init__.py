"""One metric per module; each returns float('nan') when the metric is undefined.

This module only describes the metrics for reports (name, group, direction, definition) and
averages per-question values, skipping the undefined ones."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from eval.metrics.faithfulness import NAME as FAITHFULNESS


@dataclass(frozen=True)
class MetricInfo:
    name: str
    group: str  # "retrieval" | "citations" | "answers" | "refusal" | "model-judged"
    higher_is_better: bool
    definition: str


METRICS: tuple[MetricInfo, ...] = (
    MetricInfo("hit@1", "retrieval", True, "a gold clause is the first retrieved clause"),
    MetricInfo("hit@5", "retrieval", True, "a gold clause is among the first 5 retrieved clauses"),
    MetricInfo("hit@10", "retrieval", True, "a gold clause is among the first 10 retrieved clauses"),
    MetricInfo("recall@5", "retrieval", True, "share of evidence quotes with a clause in the first 5"),
    MetricInfo("recall@10", "retrieval", True, "share of evidence quotes with a clause in the first 10"),
    MetricInfo("mrr@10", "retrieval", True, "1/rank of the first gold clause within 10 (0 if none)"),
    MetricInfo("ndcg@10", "retrieval", True, "nDCG@10, binary gain per evidence quote satisfied"),
    MetricInfo("citation_precision", "citations", True, "share of cited clauses that are gold clauses"),
    MetricInfo("citation_recall", "citations", True, "share of evidence quotes whose clause is cited"),
    MetricInfo("badge_rate", "citations", True, "share of (non-refused) answers that carry the 已核实 badge (their own citation check passed)"),
    MetricInfo("verified", "citations", True, "share of badged answers whose badge holds: the question is answerable, the "
               "answer is correct (CRAG rule) and every cited clause is a gold clause; a badge on a wrong answer, on a "
               "non-gold citation or on an unanswerable question is a failure"),
    MetricInfo("key_fact_recall", "answers", True, "share of key figures/terms present in the answer"),
    MetricInfo("rouge_l", "answers", True, "character-level ROUGE-L F1 against the reference answer"),
    MetricInfo("token_f1", "answers", True, "jieba-token F1 against the reference answer"),
    MetricInfo("refusal_recall", "refusal", True, "share of unanswerable questions refused"),
    MetricInfo("false_refusal", "refusal", False, "share of answerable questions refused"),
    MetricInfo("refusal_accuracy", "refusal", True, "share of questions where answer-or-refuse was right"),
    MetricInfo("crag", "refusal", True, "CRAG score: +1 correct, 0 refused, -1 wrong (mean)"),
)
METRIC_NAMES = tuple(metric.name for metric in METRICS)
# Scored only when a run is judged by a language model (`eval run --judge`). Kept out of METRICS
# so offline reports, CSVs and comparisons are unchanged, and so nothing can mistake a model's
# opinion for an offline measurement; eval/gate.py refuses to gate on these.
JUDGED_METRICS: tuple[MetricInfo, ...] = (
    MetricInfo(FAITHFULNESS, "model-judged", True,
               "share of the answer's claims that the judge model found supported by the clauses they cite"),
)
JUDGED_NAMES = tuple(metric.name for metric in JUDGED_METRICS)
BY_NAME = {metric.name: metric for metric in METRICS + JUDGED_METRICS}


def mean_defined(values: Iterable[float]) -> tuple[float, int]:
    """Mean of the defined (non-NaN) values and how many there were; NaN when none are."""
    defined = [value for value in values if not math.isnan(value)]
    return (sum(defined) / len(defined) if defined else float("nan")), len(defined)
