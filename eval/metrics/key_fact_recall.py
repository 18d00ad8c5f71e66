"""Key-fact recall: the share of the figures and terms a correct answer must contain that the
answer does contain (compared after normalisation: script, width, case, spacing, digit grouping)."""
from __future__ import annotations

import re
from collections.abc import Sequence

from eval.metrics.textprep import normalise

# A figure with its unit when one follows: 2100亿元, 75%, 1.5亿美元, 4.8公里, 2027年.
_FIGURE = re.compile(
    r"\d+(?:[.,]\d+)*\s*(?:%|％|‰|㎡|[万亿千百]*(?:美元|元|人|个|项|天|公里|平方公里|平方米|米|年|月|日|小时|家|条|所|次)?)"
)
_QUOTED = re.compile(r"[“「『《\"]([^”」』》\"]{1,40})[”」』》\"]")


def derive_key_facts(reference: str) -> tuple[str, ...]:
    """The figures (with units) and the quoted terms of a reference answer, for gold rows that
    list no key facts themselves. Empty when the reference has neither."""
    facts = [match.group(0).strip() for match in _FIGURE.finditer(reference)]
    facts += [match.group(1).strip() for match in _QUOTED.finditer(reference)]
    return tuple(dict.fromkeys(fact for fact in facts if fact))


def key_fact_recall(answer: str, key_facts: Sequence[str]) -> float:
    """NaN when there are no key facts to look for."""
    facts = [normalise(fact) for fact in key_facts if normalise(fact)]
    if not facts:
        return float("nan")
    text = normalise(answer)
    return sum(1 for fact in facts if fact in text) / len(facts)
