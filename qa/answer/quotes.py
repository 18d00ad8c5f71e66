"""Shaping what the offline answerer quotes: a heading continued with the sentences after it,
a long sentence trimmed to its best phrases, a list answered item by item, and [n] after every
quoted sentence. Every quote is verbatim text of a context clause."""
from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answer.terms import Weights, coverage, uniform
from qa.core.config import TUNING, AnswerSelection
from qa.core.numerals import extract_figures
from qa.core.text import sentence_ends, sentences, to_search_text
from qa.core.types import ContextItem

_PHRASE = re.compile(r"[^，,：:]+[，,：:]?")
_LIST_LINE = re.compile(r"^\s*(?:——|—|[-•·]|\d{1,2}[.、)）]|[（(][一二三四五六七八九十\d]{1,3}[)）]|[①-⑳])\s*")
SELECTION = TUNING.answer


def with_following(quote: str, clause_text: str, min_chars: int = SELECTION.min_quote_chars) -> str:
    """A clause's heading quoted alone (「6.助力全市建设长江上游航运中心。」: it opens the clause
    and is too short to say anything) continued, verbatim, with the clause's next sentences up
    to `min_chars`. Any other quote is returned as it is."""
    quote = quote.strip()
    start = clause_text.find(quote) if quote else -1
    if start < 0 or len(quote) >= min_chars or clause_text[:start].strip():
        return quote
    end = start + len(quote)
    for end in sentence_ends(clause_text, end):
        if end - start >= min_chars:
            break
    return clause_text[start:end].strip()


def kept(chosen: str, quoted: str) -> int:
    """How much of `quoted` trimming must keep: all of a heading that `with_following` lengthened."""
    return len(chosen.strip()) if quoted != chosen.strip() else 0


def trim(sentence: str, terms: Sequence[str], asks_figure: bool, keep: int = 0,
         max_chars: int = SELECTION.max_quote_chars) -> str:
    """A long sentence cut to the run of phrases around the best one, with …… for the cuts. The
    phrases holding the first `keep` characters stay whatever their words (the sentence chosen,
    when `with_following` lengthened it)."""
    sentence = sentence.strip().rstrip("。；;!！?？")
    if len(sentence) <= max_chars:
        return sentence
    phrases = [m.group(0) for m in _PHRASE.finditer(sentence)]

    def value(phrase: str) -> float:
        flat = to_search_text(phrase)
        return sum(1 for t in terms if t in flat) + (0.5 if asks_figure and extract_figures(phrase) else 0.0)

    values = [value(p) for p in phrases]
    best = max(range(len(phrases)), key=lambda i: values[i])
    start = end = best
    while True:
        grown = False
        for nxt in (start - 1, end + 1):
            if 0 <= nxt < len(phrases) and values[nxt] > 0 and values[nxt] >= 0.6 * values[best]:
                span = "".join(phrases[min(start, nxt) : max(end, nxt) + 1])
                if len(span) <= max_chars:
                    start, end, grown = min(start, nxt), max(end, nxt), True
        if not grown:
            break
    covered, must = 0, -1
    while covered < keep and must + 1 < len(phrases):
        must += 1
        covered += len(phrases[must])
    if must >= 0:
        start, end = 0, max(end, must)
    quote = "".join(phrases[start : end + 1]).rstrip("，,：:")
    return ("……" if start > 0 else "") + quote + ("……" if end < len(phrases) - 1 else "")


def cite(quote: str, n: int, language: str) -> str:
    """The quote with its [n] after every sentence of it: a heading quoted with the sentence
    after it is two sentences, and each must carry its citation."""
    pieces = [p.rstrip("。；;!！?？") for p in sentences(quote)] or [quote]
    if language == "en":
        return "The documents state: " + "; ".join(f"“{p}” [{n}]" for p in pieces) + "."
    return "".join(f"{p}[{n}]。" for p in pieces)


def heading_list(terms: Sequence[str], items: Sequence[ContextItem], weights: Weights = uniform,
                 selection: AnswerSelection = SELECTION) -> tuple[str, dict[int, str]] | None:
    """「基本原则有哪几条？」: a heading in the context that names what is asked
    (「（三）基本原则」), with two or more of its clauses in the context, is answered with them."""
    best_heading, best_coverage = None, selection.heading_match
    for item in items:
        if len(item.text.strip()) >= selection.min_quote_chars:
            continue
        children = [i for i in items if i.hit.clause.parent_id == item.hit.clause_id]
        own = [t for t in terms if t not in to_search_text(item.hit.clause.doc_title)]
        covered = coverage(own, item.text, "", "", weights) if own else 0.0
        if len(children) >= 2 and covered >= best_coverage:
            best_heading, best_coverage = (item, children), covered
    if best_heading is None:
        return None
    return _entries_answer([(i.n, item_label(i.text, selection.max_quote_chars)) for i in sorted(best_heading[1], key=lambda i: i.hit.clause.ordinal)])


def _entries_answer(entries: Sequence[tuple[int, str]]) -> tuple[str, dict[int, str]]:
    # No lead-in line: every line of an answer must carry its citation.
    body = "\n".join(f"{k}. {label}[{n}]" for k, (n, label) in enumerate(entries, start=1))
    quotes: dict[int, str] = {}
    for n, label in entries:
        quotes[n] = (quotes[n] + "；" + label) if n in quotes else label
    return body, quotes


def list_answer(best_sentence: str, best_item: ContextItem, items: Sequence[ContextItem],
                max_chars: int = SELECTION.max_quote_chars) -> tuple[str, dict[int, str]] | None:
    """The list a list question asks for, or None when the best sentence already enumerates it
    (「打造A、B、C」 is answered by quoting it). Otherwise: the sibling clauses of the best one
    (—— items, numbered sub-clauses) or its children, when the context holds two or more; else
    the list lines inside the best clause."""
    if len(re.findall(r"[、；;]", best_sentence)) >= 2:
        return None
    clause = best_item.hit.clause
    siblings = [i for i in items if clause.parent_id and i.hit.clause.parent_id == clause.parent_id]
    children = [i for i in items if i.hit.clause.parent_id == clause.base_id]
    group = children if len(children) >= 2 else siblings
    if len(group) >= 2:
        group = sorted(group, key=lambda i: i.hit.clause.ordinal)
        entries = [(i.n, item_label(i.text, max_chars)) for i in group]
    else:
        lines = [line for line in best_item.text.splitlines() if _LIST_LINE.match(line)]
        if len(lines) < 2:
            return None
        entries = [(best_item.n, item_label(_LIST_LINE.sub("", line, count=1), max_chars)) for line in lines]
    return _entries_answer(entries)


def item_label(text: str, max_chars: int = SELECTION.max_quote_chars) -> str:
    """A list item's lead: its first sentence, trimmed to a readable length."""
    first = sentences(_LIST_LINE.sub("", text.strip(), count=1))
    label = (first[0] if first else text.strip()).rstrip("。；;")
    return label if len(label) <= max_chars else label[: max_chars - 2].rstrip("，,") + "……"
