"""Verified answers: 1.0 when the answer's own citation check passed (every sentence cited, every
figure found in a cited clause), 0.0 when it did not."""
from __future__ import annotations


def verified(answer_verified: bool, refused: bool) -> float:
    """Averaged over questions this is the share of answers fully verified. A refusal makes no
    claim to verify, so it is NaN."""
    if refused:
        return float("nan")
    return 1.0 if answer_verified else 0.0
