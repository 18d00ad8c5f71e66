"""Answers that are lists: the items under a heading the question names (「基本原则有哪几条」,
「十项行动有哪些」: every item, fetched from the document when the context holds only some),
the sibling clauses whose headings all say the question's words (「正确处理好哪些关系」: every
「正确处理好…的关系」), the sibling items of the best clause, the numbered lines inside it, and the items a sentence
ending in a colon introduces (「应当符合下列规定：」 is no answer without what follows it).
Every line quotes its own clause and carries its [n]; items the context lacked join it.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from qa.answer.asks import Asks
from qa.answer.drafts import Candidate
from qa.answer.quotes import LIST_LINE, entries_answer, item_label
from qa.answer.shelf import Shelf, parent
from qa.answer.terms import Weights, coverage, uniform
from qa.core.config import TUNING, AnswerSelection
from qa.core.ids import ancestors, parent_of
from qa.core.numerals import cn_to_int, numeric_form
from qa.core.text import sentences
from qa.core.types import Clause, ContextItem

SELECTION = TUNING.answer
_COLON_END = re.compile(r"[：:]\s*$")


def _headings(shelf: Shelf, items: Sequence[ContextItem]) -> list[tuple[Clause, str]]:
    """The context's clauses and every clause above them: where a list named by the question may be."""
    seen, out = set(), []
    for item in items:
        clause = item.hit.clause
        for depth, cid in enumerate(ancestors(clause.base_id)):
            if cid in seen:
                continue
            seen.add(cid)
            found = next(((c, t) for c, t in shelf.clauses(clause.doc_id) if c.base_id == cid), None)
            if found is None and cid == clause.base_id:
                found = (clause, item.text)
            if found is None:
                found = _bare_heading(clause, cid, depth)
            if found:
                out.append(found)
    return out


def _bare_heading(clause: Clause, cid: str, depth: int) -> tuple[Clause, str] | None:
    """A heading with no text of its own (「第二节 主要原则」) is no stored clause; its items'
    paths still name it, and their parent ids point at it."""
    keep = len(clause.path) - depth
    if keep < 1 or depth == 0:
        return None
    heading = clause.path[keep - 1]
    return replace(clause, clause_id=cid, path=clause.path[:keep], labels=clause.labels[:keep], heading=heading,
                   text=heading, parent_id=parent_of(cid), part=1, parts=1), heading


def named_list(terms: Sequence[str], asks: Asks, shelf: Shelf, weights: Weights = uniform,
               selection: AnswerSelection = SELECTION, counted: bool = False) -> tuple[str, dict[int, str]] | None:
    """The clauses under the heading the question names: a heading carrying the question's own
    words (those not in its document's title); or, when `counted`, a group of exactly as many
    items as the question counts (「十项」, 「哪三个」) whose leads share a question word."""
    best, best_score = None, 0.0
    for clause, text in _headings(shelf, list(shelf.items)):
        children = shelf.children(clause)
        if len(children) < 2:
            continue
        if counted:
            # 「一是……五是……」 paragraphs among other children of one heading are a group of their own.
            run = _ordinal_run(children)
            children = run if run and len(run) == asks.count and len(children) != asks.count else children
            # Every item of 「十项行动」 is a 「…行动」: most leads carry the word the question counts.
            leads = [numeric_form(f"{c.heading} {item_label(t)}") for c, t in children]
            shared = any(2 * sum(term in lead for lead in leads) >= len(leads) for term in terms)
            score = 1.0 if asks.count == len(children) and shared else 0.0
        else:
            own = [t for t in terms if t not in numeric_form(clause.doc_title)]
            named = coverage(own, f"{clause.heading} {' '.join(clause.path)}", "", "", weights) if own else 0.0
            # A heading alone needs half the words; a clause with its own text must carry nearly all.
            heading_only = len(text.strip()) < selection.min_quote_chars
            score = named if heading_only or named >= selection.named_list_match else 0.0
        if score >= selection.heading_match and score > best_score:
            best, best_score = children, score
    if best is None:
        return None if counted else shared_words_list(terms, shelf, selection)
    best = best[: selection.max_list_items]
    entries = [(shelf.item_for(c, t).n, item_label(t, selection.max_quote_chars)) for c, t in best]
    return entries_answer(entries)


# An article's heading is its first sentence (「第四十三条」「9」 label it): articles are no items of a list.
_ARTICLE = re.compile(r"^(?:第[〇零一二两三四五六七八九十百千\d]+条|\d+(?:#\d+)?)$")


def _is_article(clause: Clause) -> bool:
    return bool(_ARTICLE.match(clause.labels[-1] if clause.labels else ""))


_SHARED_BY = 3  # 「推进飞行检查常态化」「推进专项整治常态化」「推进日常监管常态化」: a pattern, not a coincidence


def shared_words_list(terms: Sequence[str], shelf: Shelf,
                      selection: AnswerSelection = SELECTION) -> tuple[str, dict[int, str]] | None:
    """The items a question names by the words each of them says, no heading above them naming the
    list: 「推进哪几项监管工作常态化」 is answered by the sibling clauses 「推进…常态化」, 「正确处理好哪些
    关系」 by the clauses 「正确处理好…的关系」. Siblings (one parent, or the top level of one document)
    whose headings share two or more of the question's words, three clauses at least; the
    document's other siblings sharing them join. None when no such group is in the context."""
    groups: dict[tuple[str, str | None], list[Clause]] = {}
    for item in shelf.items:
        if not _is_article(item.hit.clause):
            groups.setdefault((item.hit.clause.doc_id, parent(item.hit.clause)), []).append(item.hit.clause)
    best: tuple[frozenset[str], list[Clause]] | None = None
    for members in groups.values():
        held = [frozenset(t for t in terms if t in numeric_form(c.heading)) for c in members]
        shared = frozenset(t for t in terms if sum(t in h for h in held) >= _SHARED_BY)
        named = [c for c, h in zip(members, held) if shared <= h]
        if len(shared) >= 2 and len(named) >= _SHARED_BY and (best is None or len(named) > len(best[1])):
            best = (shared, named)
    if best is None:
        return None
    shared, named = best
    doc_id, above = named[0].doc_id, parent(named[0])
    said = numeric_form(shelf.text_of(above, doc_id)) if above else ""
    if said and all(numeric_form(c.heading) in said for c in named):
        return None  # the clause above says the list in a sentence (「实现A能级提升、B能级提升…」): it answers
    found = sorted(((c, text) for c, text in shelf.clauses(doc_id)  # the document's, or the context's
                    if parent(c) == above and all(t in numeric_form(c.heading) for t in shared)),
                   key=lambda pair: pair[0].ordinal)
    entries = [(shelf.item_for(c, t).n, item_label(t, selection.max_quote_chars))
               for c, t in found[: selection.max_list_items]]
    return entries_answer(entries)


def sibling_list(best_sentence: str, best_item: ContextItem, shelf: Shelf,
                 max_chars: int = SELECTION.max_quote_chars) -> tuple[str, dict[int, str]] | None:
    """The list a list question asks for, or None when the best sentence already enumerates it
    (「打造A、B、C」 is answered by quoting it). Otherwise: the children of the best clause or its
    siblings (—— items, numbered sub-clauses), when two or more are in the context; else the
    list lines inside the best clause."""
    if len(re.findall(r"[、；;]", best_sentence)) >= 2:
        return None
    clause = best_item.hit.clause
    items = [i for i in shelf.items if not _is_article(i.hit.clause)]  # a law's articles are no list's items
    siblings = [i for i in items if parent(clause) and parent(i.hit.clause) == parent(clause)]
    children = [i for i in items if parent(i.hit.clause) == clause.base_id]
    group = children if len(children) >= 2 else siblings
    if len(group) >= 2:
        group = sorted(group, key=lambda i: i.hit.clause.ordinal)
        return entries_answer([(i.n, item_label(i.text, max_chars)) for i in group])
    lines = [line for line in best_item.text.splitlines() if LIST_LINE.match(line)]
    if len(lines) < 2:
        return None
    return entries_answer([(best_item.n, item_label(LIST_LINE.sub("", line, count=1), max_chars)) for line in lines])


# 「不得從事下列行為：一、燃放爆竹。二、神壇…。三、…」: numbered items run on inside one paragraph.
_NUMERAL = "[一二三四五六七八九十]{1,2}"
_INLINE_ITEM = re.compile(rf"(?<=[：:。；;])(?:({_NUMERAL})、|[（(]({_NUMERAL})[)）])")
_INLINE_FIRST = re.compile(r"一、|[（(]一[)）]")
_INLINE_LABEL = re.compile(rf"^(?:{_NUMERAL}、|[（(]{_NUMERAL}[)）])")
# A colon's announcement with its first item run on: 「…不得從事下列行為：一、燃放爆竹。」
INLINE_FIRST_ITEM = re.compile(rf"(?<=[：:])(?:{_INLINE_FIRST.pattern})[^：:]*$")


def after_colon(quote: str, item: ContextItem, shelf: Shelf,
                selection: AnswerSelection = SELECTION) -> list[tuple[int, str]]:
    """The items a quote ending in a colon introduces: the lines after it in its clause, else
    the clauses under it. [] when the quote does not end in a colon or nothing follows."""
    if not _COLON_END.search(quote.rstrip("。")):
        return []
    start = item.text.find(quote.rstrip("。").strip())
    rest = item.text[start + len(quote.rstrip("。").strip()):] if start >= 0 else ""
    lines = [line.strip() for line in rest.splitlines() if line.strip()]
    if lines and len(starts := [0] + [m.start() for m in _INLINE_ITEM.finditer(lines[0])]) >= 3 \
            and _INLINE_FIRST.match(lines[0]):  # 「一、燃放爆竹。二、神壇…。」 on the colon's own line
        parts = [lines[0][a:b].strip() for a, b in zip(starts, starts[1:] + [len(lines[0])])]  # not the note below
        lines = [_INLINE_LABEL.sub("", part) for part in parts]
    if not lines:
        lines = [s for s in re.split(r"(?<=[；;。])", rest) if s.strip()]
    if lines:
        return [(item.n, item_label(line, selection.max_quote_chars)) for line in lines[: selection.max_list_items]]
    children = shelf.children(item.hit.clause)[: selection.max_list_items]
    return [(shelf.item_for(c, t).n, item_label(t, selection.max_quote_chars)) for c, t in children]


# 「一是实施产业链式发展行动。……二是实施技术创新突破行动。」, 「第一次是…。第二次是…。第三次则是…」:
# items counted in the running text.
_ORDINAL_ITEM = re.compile(r"(?:^|(?<=[。；;！\s>]))(?:第(?=[一二三四五六七八九十]{1,2}[次轮步批]))?"
                           r"([一二三四五六七八九十]{1,2})(?:[次轮步批](?:则|就)?)?是")


def _ordinal_number(text: str) -> int | None:
    opened = _ORDINAL_ITEM.match(text.strip())
    return cn_to_int(opened.group(1)) if opened else None


def _longest_run(numbers: Sequence[int | None]) -> list[int]:
    """Positions of the longest stretch numbered 1, 2, 3… without a gap (two or more), or []."""
    best: list[int] = []
    run: list[int] = []
    for position, number in enumerate(numbers):
        if number == len(run) + 1:
            run.append(position)
        elif number == 1:
            run = [position]
        best = run if len(run) > len(best) else best
    return list(best) if len(best) >= 2 else []


def _ordinal_run(children: Sequence[tuple[Clause, str]]) -> list[tuple[Clause, str]]:
    """The children that open 一是, 二是, 三是… in order (the longest such run), or []."""
    return [children[i] for i in _longest_run([_ordinal_number(text) for _, text in children])]


def ordinal_list(best_item: ContextItem, count: int | None,
                 selection: AnswerSelection = SELECTION) -> tuple[str, dict[int, str]] | None:
    """The items a clause counts in its running text (一是……二是……三是……, or 「：一、…。二、…」),
    each by its first sentence, when they run 一, 二, 三… without a gap and there are as many as
    asked (if counted)."""
    text = best_item.text
    run: list[int] = []
    for pattern in (_ORDINAL_ITEM, _INLINE_ITEM):
        found = list(pattern.finditer(text))
        numbers = [cn_to_int(next(g for g in m.groups() if g)) for m in found]  # 「二、」 or 「（二）」
        starts = [found[i].start() for i in _longest_run(numbers)]
        run = starts if len(starts) > len(run) else run
    if not run or (count and len(run) != count):
        return None
    labels = [item_label(text[start:], selection.max_quote_chars) for start in run[: selection.max_list_items]]
    return entries_answer([(best_item.n, label) for label in labels])


_ANNOUNCED = re.compile(r"([一二两三四五六七八九十\d]{1,2})\s*(?:大|个|项|类|种|方面)")


def announced_list(best_item: ContextItem, count: int | None, terms: Sequence[str],
                   selection: AnswerSelection = SELECTION) -> tuple[str, dict[int, str]] | None:
    """A short sentence of the best clause announcing a counted list on the question's topic
    (「加快发展三大先导产业。」) whose items are the sentences after it (「集成电路聚焦…。生物医药…。
    人工智能…。」): the announcement, then as many sentences as it counts. None unless such a
    sentence says the count the question asks for and that many sentences follow it."""
    if not count:
        return None
    text = best_item.text
    for head in (s.strip() for s in sentences(text)):
        said = [cn_to_int(m.group(1)) for m in _ANNOUNCED.finditer(head)]
        if count not in said or len(head) > selection.min_quote_chars or not any(t in head for t in terms):
            continue
        start = text.find(head)
        following = [f for f in sentences(text[start + len(head):]) if f.strip()][:count]
        if len(following) < count:
            return None
        body, quotes = entries_answer([(best_item.n, item_label(f, selection.max_quote_chars)) for f in following])
        lead = head.rstrip("。；;：:")
        quotes[best_item.n] = f"{lead}；{quotes[best_item.n]}"
        return f"{lead}[{best_item.n}]：\n{body}", quotes
    return None


_SEPARATOR = re.compile(r"[、；;]")  # between the items a sentence lists
_ITEM_BREAK = re.compile(r"[，,、；;]")  # between the items after a colon (「目标是：A增长5%，B增长6%」)


def list_drafts(best: Candidate, terms: Sequence[str], asks: Asks, shelf: Shelf, sentence: tuple[str, dict[int, str]],
                weights: Weights, selection: AnswerSelection,
                quote_lead: Callable[[Candidate], tuple[str, dict[int, str]]]) -> list[tuple[str, dict[int, str]]]:
    """A list question's possible answers, preferred first (the strongest evidence wins, the
    earlier on a tie): the items under the heading it names; then the best sentence when it
    enumerates as many items as asked (「提出A、B、C、D四大功能定位」 says them as the document
    does), else the group of as many items as counted, or the siblings of the best clause.
    A sentence that announces its items with a colon and lists them (「主要预期目标是：地区生产
    总值增长5%以上，规上工业增加值增长6%，……」) comes first: it is the list, in the document's words."""
    heading = named_list(terms, asks, shelf, weights, selection)
    counted = named_list(terms, asks, shelf, weights, selection, counted=True) if asks.count else None
    needed = max(2, (asks.count or 3) - 1)  # separators between as many items as asked
    says_all = len(_SEPARATOR.findall(best.sentence)) >= needed
    if counted and not says_all:  # exactly as many items as asked, sharing the word counted
        return [d for d in (heading, counted) if d]
    other = counted or announced_list(best.item, asks.count, terms, selection) \
        or ordinal_list(best.item, asks.count, selection) \
        or sibling_list(best.sentence, best.item, shelf, selection.max_quote_chars)
    announced = re.search(r"[：:]([^：:]+)$", best.sentence)
    if announced and len(_ITEM_BREAK.findall(announced.group(1))) >= needed:
        return [d for d in (sentence, heading, other) if d]
    # 「建设单位应当履行下列职责：」 with its items after it (the best sentence, or the line the
    # best item hangs on): the list the clause itself announces.
    announcing = best.lead or best.sentence
    announcing = INLINE_FIRST_ITEM.sub("", announcing)  # the announcement without its first item run on
    if len(after_colon(announcing, best.item, shelf, selection)) >= 2:
        lead = replace(best, sentence=announcing, lead="")
        return [d for d in (quote_lead(lead), heading) if d]
    ordered = [heading] + ([sentence, other] if says_all else [other, sentence])
    return [d for d in ordered if d]
