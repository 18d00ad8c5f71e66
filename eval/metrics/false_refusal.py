"""False-refusal rate: on an answerable question, 1.0 when the system refused anyway (lower is better)."""
from __future__ import annotations


def false_refusal(refused: bool, answerable: bool) -> float:
    """Averaged over questions: the share of answerable questions refused. NaN on unanswerable ones."""
    if not answerable:
        return float("nan")
    return 1.0 if refused else 0.0
