"""Refusal recall: on a question the documents cannot answer, 1.0 when the system refused."""
from __future__ import annotations


def refusal_recall(refused: bool, answerable: bool) -> float:
    """Averaged over questions: the share of unanswerable questions refused. NaN on answerable ones."""
    if answerable:
        return float("nan")
    return 1.0 if refused else 0.0
