"""CRAG-style score: +1 for a correct answer, 0 for a refusal, −1 for a wrong answer, so a
hallucination costs more than admitting ignorance.

"Correct" is judged offline, without an LLM: key-fact recall ≥ KEY_FACT_THRESHOLD, or, for a
gold row without key facts, character ROUGE-L F1 ≥ ROUGE_THRESHOLD. On an unanswerable question
the refusal is the correct answer (+1) and any answer is a hallucination (−1)."""
from __future__ import annotations

import math

KEY_FACT_THRESHOLD = 0.5
ROUGE_THRESHOLD = 0.4


def is_correct(key_fact_recall: float, rouge_l: float) -> bool:
    if not math.isnan(key_fact_recall):
        return key_fact_recall >= KEY_FACT_THRESHOLD
    return not math.isnan(rouge_l) and rouge_l >= ROUGE_THRESHOLD


def crag_score(answerable: bool, refused: bool, correct: bool) -> float:
    if not answerable:
        return 1.0 if refused else -1.0
    if refused:
        return 0.0
    return 1.0 if correct else -1.0
