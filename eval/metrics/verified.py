"""The verification badge, measured against the gold set.

An answer that is not refused and whose own citation check passed carries the badge 已核实 (every
sentence cited, every figure found in a cited clause). A reader takes the badge to mean "correct",
so two figures are kept apart:

- `badge_rate`: the share of (non-refused) answers that carry the badge — what the system claims;
- `verified`: of the badged answers, the share whose claim holds against the gold set — the
  question is answerable, the answer is correct (the CRAG rule: enough of the gold key facts, or
  ROUGE-L for a row without key facts) and it cites no clause outside the gold clauses. A badge on
  an answer to an unanswerable question, on an answer that misses the key facts, or on one that
  cites a non-gold clause is a badge failure (0.0).
"""
from __future__ import annotations

import math

NAN = float("nan")


def badge_rate(answer_verified: bool, refused: bool) -> float:
    """1.0 when the answer carries the badge, 0.0 when not; NaN on a refusal, which claims nothing."""
    if refused:
        return NAN
    return 1.0 if answer_verified else 0.0


def verified(answer_verified: bool, refused: bool, answerable: bool, correct: bool, citation_precision: float) -> float:
    """1.0 when a badged answer's badge holds, 0.0 when it does not; NaN for refusals and unbadged
    answers (they make no claim) and for an answerable row whose evidence did not resolve (no gold
    clauses to judge the citations by: `citation_precision` is NaN then)."""
    if refused or not answer_verified:
        return NAN
    if not answerable:
        return 0.0
    if math.isnan(citation_precision):
        return NAN
    return 1.0 if correct and citation_precision >= 1.0 else 0.0
