"""Cleaned document text → clause tree.

Each paragraph of the cleaned text (one per line) either opens a clause (a numbering label, an
unnumbered heading line, a lead phrase where no numbering is in force, a TOC-aligned paragraph of a
PDF whose headings were lost) or continues the clause before it. Levels come from the order in which
numbering styles appear in the document: a stack of open clauses, popped back when a style already
on it reappears, so 三、（二）5. nest however a particular document orders its styles.

A clause's text is exactly document.text[start:end]: from its heading line through its continuation
paragraphs, never its children's text.
"""
from __future__ import annotations

import re

from index.ingest import toc_align
from index.ingest.clause_tree import Para, TreeBuilder
from index.ingest.numbering import HEADING_MAX_CHARS, Numbering, lead_phrase, match_numbering
from qa.core.dates import DATE_AT_START
from qa.core.text import SENTENCE_END, ends_sentence, fold, squash
from qa.core.types import Clause, Document

HEAD_NOTE_LABEL = "题注"  # the adoption line under a title: 「（2020年7月15日…全体会议通过）」
END_NOTE_LABEL = "附注"  # a closing source note: 「（本文摘自…的讲话。）」
HEADER_SCAN_LINES = 25
_CAPTION = re.compile(r"^[图表圖]\s*\d+")
_SOURCE_WORDS = ("来源", "來源", "发布", "發布")


def parse_clauses(document: Document) -> list[Clause]:
    paras = split_paragraphs(document.text)
    body_from, notes = _header(paras, document.meta.title)
    builder = TreeBuilder(document.toc)
    for para in notes:
        builder.add_note(para, HEAD_NOTE_LABEL)
    body = paras[body_from:]
    body, end_notes = _split_end_notes(body)
    if toc_align.headings_lost([p.text for p in body], document.toc):
        _walk_lost_headings(builder, body, document)
    else:
        _walk_numbered(builder, body)
    for para in end_notes:
        builder.add_note(para, END_NOTE_LABEL)
    return builder.clauses(document)


def split_paragraphs(text: str) -> list[Para]:
    paras, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            paras.append(Para(pos + lead, pos + len(line.rstrip()), line.strip()))
        pos += len(line) + 1
    return paras


# --- header and end notes ---------------------------------------------------------------------


def _is_note(text: str) -> bool:
    """A paragraph wholly in parentheses: 「（2020年7月15日…全体会议通过）」, 「（本文摘自…）」."""
    folded = fold(text)
    return len(folded) >= 8 and folded.startswith("(") and folded.endswith(")") and match_numbering(text) is None


def _header(paras: list[Para], title: str) -> tuple[int, list[Para]]:
    """Where the body starts, and the notes (adoption line) found in the title block. Title lines,
    the date line under them and anything before them (site captions, a news lead) are in no clause."""
    wanted = squash(title)
    last_title = -1
    for i, para in enumerate(paras[:HEADER_SCAN_LINES]):
        number = match_numbering(para.text)
        if number and number.style != "dash":
            break
        key = squash(para.text)
        if wanted and len(key) >= 6 and (key in wanted or wanted in key):
            last_title = i
    notes = [p for p in paras[: last_title + 1] if _is_note(p.text) and squash(p.text) not in wanted]
    body_from = last_title + 1
    while body_from < len(paras):
        text = paras[body_from].text
        if _is_note(text):
            notes.append(paras[body_from])
        elif not (DATE_AT_START.match(text) and (len(text) <= 16 or any(w in text for w in _SOURCE_WORDS))):
            break
        body_from += 1
    return body_from, notes


def _split_end_notes(body: list[Para]) -> tuple[list[Para], list[Para]]:
    """A parenthesised paragraph closing the document (「（本文摘自…讲话。）」) is a note of its
    own, not part of the last clause. Short credit lines after it (「转自…杂志」) are left out."""
    for i in range(len(body) - 1, max(len(body) - 4, 0), -1):
        if _is_note(body[i].text) and all(len(p.text) < 30 and not ends_sentence(p.text) for p in body[i + 1 :]):
            return body[:i], [body[i]]
    return body, []


# --- the numbered walk --------------------------------------------------------------------------


def _walk_numbered(builder: TreeBuilder, body: list[Para]) -> None:
    headings = _unnumbered_headings(body)
    # Lead phrases before the first heading belong to the preamble, unless the document has no
    # headings at all and its lead phrases are the only structure it has.
    builder.leads_at_top = not headings and not any(
        (number := match_numbering(p.text)) and number.style != "dash" for p in body
    )
    for i, para in enumerate(body):
        number = match_numbering(para.text)
        prev = body[i - 1].text if i else ""
        nxt = body[i + 1].text if i + 1 < len(body) else ""
        if number and number.style == "dash":
            builder.open_bullet(para, number)
        elif number and is_footnote(para.text, number, prev, nxt):
            builder.continue_with(para)
        elif number and builder.accepts(number):
            builder.open_numbered(para, number)
        elif i in headings:
            builder.open_heading(para)
        elif (phrase := lead_phrase(para.text)) and builder.lead_allowed():
            builder.open_lead(para, phrase)
        else:
            builder.continue_with(para)


def _unnumbered_headings(body: list[Para]) -> set[int]:
    """Short lines without sentence punctuation that introduce longer body paragraphs (the
    xianfeng article's 「正确处理好…的关系,努力在…」). Needs two or more, so a stray short line
    (a broken PDF line, a caption) does not become a section."""
    found = set()
    for i, para in enumerate(body[:-1]):
        text = fold(para.text)
        if (
            len(text) <= HEADING_MAX_CHARS
            and not any(ch in text for ch in SENTENCE_END)
            and not text.endswith(":")
            and match_numbering(para.text) is None
            and not _CAPTION.match(text)
            and not _is_note(text)
            and len(body[i + 1].text) > len(text)
            and (i - 1) not in found
        ):
            found.add(i)
    return found if len(found) >= 2 else set()


def is_footnote(text: str, number: Numbering, prev: str, nxt: str) -> bool:
    """「1.“3+9+n”总部经济产业体系:…」 right after a paragraph that reads 「“3+9+n”1总部经济…」 is
    that paragraph's footnote, not list item 1: the previous paragraph carries the footnote mark
    inside the very term the note explains, and no item 2 follows."""
    if number.style not in ("ar.", "（ar）", "circled") or not prev:
        return False
    follower = match_numbering(nxt) if nxt else None
    if follower and follower.style == number.style and follower.value == (number.value or 0) + 1:
        return False
    term = re.split(r"[:：。,，;；]", text[number.end :], maxsplit=1)[0][:15]
    if len(term) < 3:
        return False
    mark = number.label.strip("（）")
    for found in re.finditer(re.escape(mark), prev):
        i = found.start()
        if i and prev[i - 1].isdigit() or prev[found.end() : found.end() + 1].isdigit():
            continue
        unmarked = prev[:i] + prev[found.end() :]
        for j in range(max(0, i - len(term)), i + 1):
            if unmarked.startswith(term, j) and j < i < j + len(term) + 1:
                return True
    return False


def _walk_lost_headings(builder: TreeBuilder, body: list[Para], document: Document) -> None:
    plan = toc_align.plan([p.text for p in body], document.toc)
    for i, (para, placement) in enumerate(zip(body, plan)):
        prev = body[i - 1].text if i else ""
        nxt = body[i + 1].text if i + 1 < len(body) else ""
        if placement.kind in ("anchor", "slot"):
            cut = para.start + placement.split_at if placement.split_at else para.end
            heading_line = document.text[para.start : cut].rstrip()
            head = Para(para.start, para.start + len(heading_line), heading_line)
            builder.open_toc(head, toc_align.chain(document.toc, placement.toc_index), placement.kind == "slot")
            if placement.split_at:
                builder.open_free(Para(cut, para.end, document.text[cut : para.end]))
            continue
        if placement.kind == "intro":
            builder.continue_with(para)
            continue
        builder.enter_toc(toc_align.chain(document.toc, placement.toc_index) if placement.toc_index is not None else [])
        number = match_numbering(para.text)
        if number and number.style == "dash":
            builder.open_bullet(para, number)
        elif number and is_footnote(para.text, number, prev, nxt) or _CAPTION.match(para.text) or builder.awaits_body():
            builder.continue_with(para)
        else:
            builder.open_free(para)


