"""Clauses → parts that fit a token budget.

A clause longer than the budget is cut at sentence ends (。！？；), a sentence longer than the budget
at commas, and a comma phrase longer than the budget at the last character that fits. Nothing is
truncated or dropped: the parts of a clause, in order, are exactly its text, and each part's
start/end point into the document. A tiny tail is merged into its neighbour of the same clause, never
into another clause.
"""
from __future__ import annotations

import re
from dataclasses import replace

from qa.core.text import SENTENCE_END, to_search_text
from qa.core.token_count import count_tokens
from qa.core.types import Clause

MIN_PART_TOKENS = 20
_CLOSERS = "”’」』）)】》\"'"
_SENTENCE = re.compile(rf"[{SENTENCE_END}][{re.escape(_CLOSERS)}]*\s*|\n\s*")
_COMMA = re.compile(rf"[，,、：:][{re.escape(_CLOSERS)}]*\s*")


def chunk_clauses(clauses: list[Clause], max_tokens: int = 512) -> list[Clause]:
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}")
    out: list[Clause] = []
    for clause in clauses:
        if count_tokens(clause.text) <= max_tokens:
            out.append(clause)
            continue
        spans = split_spans(clause.text, max_tokens)
        context = search_context(clause)
        for i, (start, end) in enumerate(spans, start=1):
            text = clause.text[start:end]
            out.append(
                replace(
                    clause,
                    clause_id=f"{clause.clause_id}#{i}",
                    text=text,
                    search_text=context + to_search_text(text),
                    start=clause.start + start,
                    end=clause.start + end,
                    part=i,
                    parts=len(spans),
                )
            )
    return out


def search_context(clause: Clause) -> str:
    """The headings a clause is searched with besides its own text (第二章 总则 when the chapter is
    no clause of its own): every part of the clause carries them."""
    own = to_search_text(clause.text)
    return clause.search_text[: -len(own)] if own and clause.search_text.endswith(own) else ""


def split_spans(text: str, max_tokens: int, min_tokens: int = MIN_PART_TOKENS) -> list[tuple[int, int]]:
    """(start, end) spans covering `text` end to end, each within `max_tokens`."""
    pieces = [span for sentence in _cut(text, 0, len(text), _SENTENCE) for span in _fit(text, sentence, max_tokens)]
    parts: list[tuple[int, int]] = []
    for start, end in pieces:
        if parts and _tokens(text, parts[-1][0], end) <= max_tokens:
            parts[-1] = (parts[-1][0], end)
        else:
            parts.append((start, end))
    # Moving a cut to rescue a tiny part may use comma boundaries too, not only sentence ends.
    cuts = sorted({end for _, end in pieces} | {m.end() for m in _COMMA.finditer(text)})
    return _merge_tiny(text, parts, cuts, max_tokens, min_tokens)


def _cut(text: str, start: int, end: int, boundary: re.Pattern) -> list[tuple[int, int]]:
    spans, pos = [], start
    for match in boundary.finditer(text, start, end):
        if match.end() > pos:
            spans.append((pos, match.end()))
            pos = match.end()
    if pos < end:
        spans.append((pos, end))
    return spans


def _fit(text: str, span: tuple[int, int], max_tokens: int) -> list[tuple[int, int]]:
    """A sentence within budget as is; else its comma phrases; else hard cuts."""
    start, end = span
    if count_tokens(text[start:end]) <= max_tokens:
        return [span]
    phrases = _cut(text, start, end, _COMMA)
    if len(phrases) > 1:
        return [piece for phrase in phrases for piece in _fit(text, phrase, max_tokens)]
    return _hard_cut(text, start, end, max_tokens)


def _hard_cut(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int]]:
    out = []
    while start < end:
        low, high = start + 1, end  # the longest prefix within budget, by bisection
        while low < high:
            mid = (low + high + 1) // 2
            if count_tokens(text[start:mid]) <= max_tokens:
                low = mid
            else:
                high = mid - 1
        out.append((start, low))
        start = low
    return out


def _merge_tiny(
    text: str, parts: list[tuple[int, int]], cuts: list[int], max_tokens: int, min_tokens: int
) -> list[tuple[int, int]]:
    """Fold a part under `min_tokens` into a neighbour; when the neighbour is too full for that,
    move the cut between them so both parts are big enough (and still within budget)."""
    merged = list(parts)
    i = 0
    while len(merged) > 1 and i < len(merged):
        start, end = merged[i]
        if _tokens(text, start, end) >= min_tokens:
            i += 1
            continue
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(merged)]
        fitting = [j for j in neighbours if _tokens(text, min(start, merged[j][0]), max(end, merged[j][1])) <= max_tokens]
        if fitting:
            j = min(fitting, key=lambda k: _tokens(text, *merged[k]))
            lo, hi = min(i, j), max(i, j)
            merged[lo : hi + 1] = [(merged[lo][0], merged[hi][1])]
            i = lo
            continue
        lo, hi = (i - 1, i) if i > 0 else (i, i + 1)
        cut = _balanced_cut(text, merged[lo][0], merged[hi][1], cuts, max_tokens, min_tokens)
        if cut is not None:
            merged[lo], merged[hi] = (merged[lo][0], cut), (cut, merged[hi][1])
        i += 1
    return merged


def _balanced_cut(text: str, start: int, end: int, cuts: list[int], max_tokens: int, min_tokens: int) -> int | None:
    for cut in sorted((c for c in cuts if start < c < end), key=lambda c: abs(_tokens(text, start, c) - _tokens(text, c, end))):
        left, right = _tokens(text, start, cut), _tokens(text, cut, end)
        if min_tokens <= left <= max_tokens and min_tokens <= right <= max_tokens:
            return cut
    return None


def _tokens(text: str, start: int, end: int) -> int:
    return count_tokens(text[start:end])
