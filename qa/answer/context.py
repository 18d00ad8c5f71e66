"""Numbering retrieved clauses [1]..[k] for the answerer, within a token budget.

Clauses are taken best first while they fit `budget_tokens` (counted with qa.core.token_count, the
same tokenizer the chunker uses). A whole clause that does not fit is replaced by its
best-matching part when that fits, and otherwise skipped so a shorter clause further down can
still be used; the first clause is always given, cut to the budget if it must be.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from qa.answer.prompts import defuse
from qa.core.token_count import count_tokens
from qa.core.types import ContextItem, Hit



def header(item: ContextItem) -> str:
    clause = item.hit.clause
    return f"[{item.n}] 《{clause.doc_title}》{clause.ref}".rstrip()


def render_context(items: Sequence[ContextItem]) -> str:
    """The numbered clause block the prompt's {context} receives."""
    return "\n\n".join(f"{header(item)}\n{defuse(item.text)}" for item in items)


def _cut(text: str, budget: int, count: Callable[[str], int]) -> str:
    """The longest prefix of `text` within `budget` tokens (binary search on characters)."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if count(text[:mid]) <= budget:
            low = mid
        else:
            high = mid - 1
    return text[:low]


def build_context(
    hits: Sequence[Hit], budget_tokens: int, count: Callable[[str], int] = count_tokens
) -> tuple[ContextItem, ...]:
    items: list[ContextItem] = []
    used = 0
    for hit in hits:
        n = len(items) + 1
        candidates = [hit.text or hit.clause.text]
        if hit.clause.parts > 1 and hit.clause.text not in candidates:
            candidates.append(hit.clause.text)  # the part that matched the question
        for text in candidates:
            probe = ContextItem(n=n, hit=hit, text=text)
            cost = count(header(probe)) + count(text) + 2
            if used + cost <= budget_tokens:
                items.append(probe)
                used += cost
                break
        else:
            if not items:
                room = budget_tokens - count(header(ContextItem(n=1, hit=hit, text=""))) - 2
                items.append(ContextItem(n=1, hit=hit, text=_cut(candidates[-1], max(room, 0), count)))
                used = budget_tokens
    return tuple(items)
