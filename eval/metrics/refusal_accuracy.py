"""Refusal accuracy: 1.0 when the answer-or-refuse decision was right (refused exactly when the
documents cannot answer)."""
from __future__ import annotations


def refusal_accuracy(refused: bool, answerable: bool) -> float:
    return 1.0 if refused != answerable else 0.0
