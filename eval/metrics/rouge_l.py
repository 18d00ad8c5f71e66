"""Character-level ROUGE-L F1. Chinese has no spaces, so word-level ROUGE with a whitespace
tokenizer scores every Chinese answer 0; the longest common subsequence is taken over characters
(normalised, punctuation dropped) instead."""
from __future__ import annotations

from eval.metrics.textprep import content_chars


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence, O(len(a)·len(b)) time, O(len(b)) memory."""
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0]
        for j, other in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if char == other else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l_f1(candidate: str, reference: str) -> float:
    """F1 of LCS precision (over the candidate) and recall (over the reference). NaN when the
    reference has no content characters; 0 for an empty candidate."""
    ref = content_chars(reference)
    if not ref:
        return float("nan")
    cand = content_chars(candidate)
    lcs = lcs_length(cand, ref) if cand else 0
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(cand), lcs / len(ref)
    return 2 * precision * recall / (precision + recall)
