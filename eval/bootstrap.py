"""Paired bootstrap confidence intervals for the change of a metric between two runs.

Two runs of the same gold set answer the same questions, so the change is measured question by
question: d_i = after_i − before_i over the questions where the metric is defined in both runs.
The interval is the percentile interval of the mean of d over `resamples` resamples of the
questions (with replacement, the same question keeping its pair), from a fixed seed, so the same
two runs always give the same verdict. A change whose interval excludes 0 is significant; on the
worse side of 0 it is a significant regression, and `eval compare` exits non-zero."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

RESAMPLES = 2000
SEED = 20261130
LEVEL = 0.95


@dataclass(frozen=True)
class PairedInterval:
    name: str
    n: int  # questions where the metric is defined in both runs
    before: float  # means over those same questions
    after: float
    low: float  # the interval of after − before; NaN when fewer than two pairs
    high: float
    higher_is_better: bool = True

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def significant(self) -> bool:
        return not math.isnan(self.low) and (self.low > 0 or self.high < 0)

    @property
    def direction(self) -> int:
        """+1 significantly better, −1 significantly worse, 0 not significant."""
        if not self.significant:
            return 0
        up = self.low > 0
        return 1 if up == self.higher_is_better else -1


def paired_interval(before: Sequence[float], after: Sequence[float], resamples: int = RESAMPLES,
                    seed: int = SEED, level: float = LEVEL) -> tuple[float, float]:
    """The percentile interval of mean(after − before) under resampling of the pairs."""
    diffs = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    if diffs.size < 2:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    means = diffs[rng.integers(0, diffs.size, size=(resamples, diffs.size))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def metric_intervals(questions_a: Sequence[Mapping], questions_b: Sequence[Mapping], names: Sequence[str],
                     higher_is_better: Mapping[str, bool], resamples: int = RESAMPLES, seed: int = SEED
                     ) -> tuple[PairedInterval, ...]:
    """One interval per metric over the questions both runs answered (matched by id); a question
    whose value is null (undefined) in either run is left out of that metric's pairs."""
    after_by_id = {q["id"]: q for q in questions_b}
    intervals = []
    for name in names:
        pairs = [(q["metrics"].get(name), after_by_id[q["id"]]["metrics"].get(name))
                 for q in questions_a if q["id"] in after_by_id]
        pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
        before = [a for a, _ in pairs]
        after = [b for _, b in pairs]
        low, high = paired_interval(before, after, resamples, seed)
        intervals.append(PairedInterval(
            name, len(pairs), float(np.mean(before)) if pairs else math.nan,
            float(np.mean(after)) if pairs else math.nan, low, high, higher_is_better[name]))
    return tuple(intervals)
