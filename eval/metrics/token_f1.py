"""Token F1 over jieba words (SQuAD-style bag-of-words overlap, adapted to Chinese)."""
from __future__ import annotations

from collections import Counter

from eval.metrics.textprep import word_tokens


def token_f1(candidate: str, reference: str) -> float:
    """F1 of the multiset overlap of jieba tokens. NaN when the reference has no tokens; 0 for
    an empty candidate."""
    ref = Counter(word_tokens(reference))
    if not ref:
        return float("nan")
    cand = Counter(word_tokens(candidate))
    overlap = sum((cand & ref).values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / sum(cand.values()), overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)
