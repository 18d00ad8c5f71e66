"""Citation recall: the share of evidence quotes whose clause the answer cites."""
from __future__ import annotations

from collections.abc import Sequence


def citation_recall(cited: Sequence[str], gold: Sequence[frozenset[str]]) -> float:
    """An answer that cites nothing on an answerable question scores 0; NaN without gold."""
    if not gold:
        return float("nan")
    distinct = set(cited)
    return sum(1 for group in gold if group & distinct) / len(gold)
