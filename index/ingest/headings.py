"""Unnumbered headings: short lines that title the paragraphs under them, told apart from what
looks the same — a line broken at a hyperlink, a caption, a parenthesised note, the cells of a
table flattened one per line."""
from __future__ import annotations

import re

from index.ingest.clause_tree import Para
from index.ingest.numbering import HEADING_MAX_CHARS, match_numbering
from qa.core.text import SENTENCE_END, ends_sentence, fold

# a figure or table caption, or a box set into a plan's text (「专栏1 …」): never a section heading
CAPTION = re.compile(r"^([图表圖]|专栏|專欄)\s*\d+")
_CONNECTIVES = tuple("和与及或并的")  # a heading never ends on these; 「…新作为」 may
_CONTINUATION = set(",，、。；;:)）》”’」")
_BARE_FIGURE = re.compile(r"[\d.,%％~～\-—]+[\u4e00-\u9fff]{0,3}")  # a table cell 「200辆」 titles nothing
TABLE_CELL_RUN = 3  # short unpunctuated unnumbered lines in a row that make a flattened table row


def is_parenthesised(text: str) -> bool:
    """A paragraph wholly in parentheses: 「（2020年7月15日…全体会议通过）」, 「（本文摘自…）」."""
    folded = fold(text)
    return len(folded) >= 8 and folded.startswith("(") and folded.endswith(")") and match_numbering(text) is None


def unnumbered_headings(body: list[Para]) -> set[int]:
    """Short lines without sentence punctuation that introduce longer body paragraphs (the
    xianfeng article's 「正确处理好…的关系,努力在…」). Needs two or more, so a stray short line
    (a broken PDF line, a caption) does not become a section. Three or more such lines in a row
    are the cells of a table flattened one per line (牵头部门 / 配合部门 / 实施主体), not headings."""
    cells = _table_cells(body)
    found = set()
    for i, para in enumerate(body[:-1]):
        if i in cells:
            continue
        text = fold(para.text)
        if (
            _bare(para.text)
            and not text.endswith(":")
            and not CAPTION.match(text)
            and not is_parenthesised(text)
            and not _BARE_FIGURE.fullmatch(text)
            and len(body[i + 1].text) > len(text)
            and (i - 1) not in found
            and not broken_line(body[i - 1].text if i else "", para.text, body[i + 1].text)
        ):
            found.add(i)
    return found if len(found) >= 2 else set()


def _bare(text: str) -> bool:
    """Short, unnumbered, without sentence punctuation: what a heading and a table cell both look like."""
    folded = fold(text)
    return len(folded) <= HEADING_MAX_CHARS and not any(ch in folded for ch in SENTENCE_END) and match_numbering(text) is None


def _table_cells(body: list[Para]) -> set[int]:
    cells: set[int] = set()
    run: list[int] = []
    for i, para in enumerate(body + [Para(0, 0, "。")]):  # a closing sentence ends the last run
        if _bare(para.text):
            run.append(i)
            continue
        if len(run) >= TABLE_CELL_RUN:
            cells.update(run)
        run = []
    return cells


def broken_line(prev: str, text: str, nxt: str) -> bool:
    """A piece of a sentence broken at a hyperlink in a web capture (「我们要深入学习」「党的二十大
    精神」「和」「第三个历史决议」「，全面贯彻…」) is no heading: a heading follows a finished
    paragraph (or a numbered line), does not end on a word that needs a continuation, and is not
    continued by the next line's punctuation."""
    after_finished = not prev or ends_sentence(prev) or fold(prev).endswith(":") or match_numbering(prev) is not None
    return not after_finished or text.endswith(_CONNECTIVES) or fold(nxt)[:1] in _CONTINUATION
