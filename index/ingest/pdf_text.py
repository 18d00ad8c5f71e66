"""Repairs for text that went through a PDF text layer: a table of contents, page numbers and
running headers mixed into the body, spaces between Chinese characters, paragraphs cut at every
line or page end. index/ingest/clean.py runs them on PDF text, and on plain text (.txt/.md) that
shows a PDF text layer's gaps; never on DOCX or HTML, whose paragraphs are marked up.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from index.ingest.numbering import HEADING_MAX_CHARS, UNIT_RANK, match_numbering
from qa.core.dates import DATE_ONLY_LINE
from qa.core.numerals import CN_NUMERAL_CHARS
from qa.core.text import has_sentence_end
from qa.core.types import TocEntry

PAGE_BREAK = "\f"
_CN = CN_NUMERAL_CHARS
_LEADERS = r"(?:\.{2,}|…+|·{3,}|_{3,}|-{4,})"
_TOC_ENTRY = re.compile(
    rf"(?P<label>第[{_CN}\d]+[编篇章节条編節條])?\s*(?P<title>[^\s.…·_][^.…·_]*?)\s*{_LEADERS}\s*"
    r"(?P<page>[-—–]\s*\d{1,4}\s*[-—–]|\d{1,4})"
)
_TOC_HEADING = re.compile(r"^目\s*[录錄]$")
PAGE_MARKER = re.compile(r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4}|"
                         r"[Pp]age\s*\d{1,4}(?:\s*of\s*\d+)?)$")
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
# Characters between which a space is an extraction artefact in Chinese typesetting.
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’《》〈〉「」『』—…·]"
_IDEOGRAPH = r"[\u3400-\u9fff\uf900-\ufaff]"
_CJK_GAP = re.compile(rf"(?<={_CJK})[ \t\u3000]+(?={_CJK})")
_PUNCT_GAP = re.compile(rf"(?<={_CJK}[,.;:!?)\]])[ \t]+(?={_CJK})|(?<={_CJK})[ \t]+(?=[(\[])")
_LINE_END = "。！？；：!?;:”’」』）)》…"
# A document's title ends with its type: a short line so ending, at the top, is the whole title.
_TITLE_END = re.compile(r"^.{4,40}(通知|意见|意見|办法|辦法|方案|规定|規定|决定|決定|细则|細則|条例|條例|规划|規劃|计划|計劃|纲要|綱要|"
                        r"公告|通告|报告|報告|批复|批復|函)([(（][^)）]{1,12}[)）])?$")
_INLINE_HEADING = re.compile(rf"[{_LINE_END}]\s*(第[{_CN}\d]+[编篇章节編節][^{_LINE_END}]{{1,40}})$")


def split_toc(lines: list[str]) -> tuple[list[str], list[TocEntry]]:
    """Remove table-of-contents lines (dot leaders + page numbers, several entries on one line
    included) and return them as entries; levels rank the 第X units the TOC uses."""
    kept, found = [], []
    for line in lines:
        entries = toc_entries(line.strip())
        if entries is None:
            kept.append(line)
        else:
            found.extend(entries)
    if found:  # a 目录 heading just before where the TOC was
        kept = [line for line in kept if not _TOC_HEADING.match(line.strip().replace(" ", ""))]
    units = sorted({_unit(label) for label, _, _ in found if label}, key=UNIT_RANK.get)
    toc = [TocEntry(label, fix_spacing(title), units.index(_unit(label)) + 1, page)
           for label, title, page in found if label]
    return kept, toc


def toc_entries(line: str) -> list[tuple[str, str, int]] | None:
    """(label, title, page) for each entry when the whole line is TOC entries, else None."""
    entries, pos = [], 0
    while pos < len(line):
        m = _TOC_ENTRY.match(line, pos)
        if not m:
            return None
        entries.append((m.group("label") or "", m.group("title").strip(), int(re.sub(r"\D", "", m.group("page")))))
        pos = m.end()
        while pos < len(line) and line[pos].isspace():
            pos += 1
    return entries or None


def _unit(label: str) -> str:
    return {"編": "编", "節": "节", "條": "条"}.get(label[-1], label[-1])


def has_extraction_gaps(text: str) -> bool:
    """True when spaces inside runs of Chinese characters are common: the mark of a PDF text
    layer, not of typeset text (where a space between Chinese phrases is rare and deliberate).
    The space a typesetter puts after a line's label (「第一条  」「第二章 」) is not a gap."""
    text = _LABEL_GAP.sub("", text)
    ideographs = len(re.findall(_IDEOGRAPH, text))
    gaps = len(re.findall(rf"{_IDEOGRAPH}[ \t]+{_IDEOGRAPH}", text))
    return ideographs > 0 and gaps >= 10 and gaps / ideographs > 0.002


_LABEL_GAP = re.compile(rf"(?m)^[ \t\u3000]*第[{_CN}\d]+[编篇章节条款編節條款][ \t\u3000]+")


def page_starts(raw: str, cleaned: str) -> tuple[int, ...]:
    """Where each page of `raw` (pages separated by form feeds) begins in `cleaned`: the first
    words of each page are looked up in order, spaces ignored. A page whose opening cannot be
    found (it held only furniture) starts where the page before it does."""
    compact, where = [], []  # cleaned text without whitespace, and each kept char's offset
    for i, ch in enumerate(cleaned):
        if not ch.isspace():
            compact.append(ch)
            where.append(i)
    flat = "".join(compact)
    pages = raw.split(PAGE_BREAK)
    starts, pos = [0], 0
    for before, page in zip(pages, pages[1:]):
        reach = pos + 2 * len(re.sub(r"\s", "", before)) + 200  # a running header may recur far ahead
        found = -1
        for line in (line for line in page.split("\n") if len(re.sub(r"\s", "", line)) >= 6):
            found = flat.find(re.sub(r"\s", "", line)[:12], pos, reach)
            if found >= 0:
                break
        if found < 0:
            starts.append(starts[-1])
            continue
        pos = found
        starts.append(where[found])
    return tuple(starts)


def fix_spacing(line: str) -> str:
    return _PUNCT_GAP.sub("", _CJK_GAP.sub("", line))


def drop_page_furniture(lines: list[str]) -> tuple[list[str], int]:
    """Remove page numbers and running headers/footers: lines at a page's top or bottom that
    recur (digits aside) on at least half of the pages. Blank lines stay: they mark paragraphs."""
    pages: list[list[str]] = [[]]
    for line in lines:
        if line == PAGE_BREAK:
            pages.append([])
        else:
            pages[-1].append(line)
    edges = Counter()
    for page in pages:
        edges.update({_shape(line) for line in _edge_lines(page)})
    recurring = {shape for shape, n in edges.items() if len(pages) >= 3 and n >= max(3, len(pages) / 2)}
    kept, removed = [], 0
    for page_no, page in enumerate(pages):
        edge = {id(line) for line in _edge_lines(page)}
        for line in page:
            text = line.strip()
            furniture = id(line) in edge and (_shape(line) in recurring or _BARE_NUMBER.match(text))
            if furniture or PAGE_MARKER.match(text):
                removed += 1
            else:
                kept.append(line)
        if page_no < len(pages) - 1:
            kept.append(PAGE_BREAK)
    return kept, removed


def _edge_lines(page: list[str]) -> list[str]:
    text_lines = [line for line in page if line.strip()]
    return text_lines[:2] + text_lines[-2:]


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def join_broken_lines(lines: list[str], toc: list[TocEntry], standalone: Callable[[str], bool]
                      ) -> tuple[list[str], int]:
    """Glue lines back into paragraphs. Where paragraphs are marked (indents, blank lines between
    them), an unmarked line continues the one before; otherwise a line continues the one before when that one stops mid-sentence
    and neither is a heading. Page breaks never end a paragraph by themselves. A `standalone`
    line (page furniture, a caption) always opens a paragraph; without indentation to go by,
    nothing is glued onto it either."""
    body = [line for line in lines if line != PAGE_BREAK]
    headings = {re.sub(r"\s+", "", f"{e.label}{e.title}") for e in toc}
    # Indents and blank lines, where a text has enough of them, mark every paragraph start.
    marked = sum(1 for line in body if not line.strip() or line[:1].isspace()) >= 0.15 * max(1, len(body))
    out: list[str] = []
    joined = 0
    new_paragraph = True
    for line in body:
        text = line.strip()
        if not text:  # a blank line, or one holding only an indent: the next line opens a paragraph
            new_paragraph = True
            continue
        if not out or new_paragraph or standalone(text):
            starts = True
        elif marked:
            starts = line[:1].isspace()
        else:
            starts = (standalone(out[-1]) or _starts_paragraph(out[-1], text, headings)
                      or (len(out) <= 2 and bool(_TITLE_END.search(out[-1]))))  # the title line, above the addressee
        if starts:
            out.append(text)
        else:
            out[-1] = _glue(out[-1], text)
            joined += 1
        new_paragraph = False
    return out, joined


def _starts_paragraph(previous: str, text: str, headings: set[str]) -> bool:
    if previous.endswith(tuple(_LINE_END)) or _is_heading(previous, headings) or DATE_ONLY_LINE.match(previous):
        return True
    number = match_numbering(text)
    if number and number.style not in ("dash", "ar.", "ar.ar", "ar␣"):
        return True
    note = text.startswith(("(", "（")) and text.endswith((")", "）"))
    return bool(note or DATE_ONLY_LINE.match(text) or PAGE_MARKER.match(text))


def _is_heading(line: str, headings: set[str]) -> bool:
    compact = re.sub(r"\s+", "", line)
    if compact in headings or (m := _INLINE_HEADING.search(compact)) and (not headings or m.group(1) in headings):
        return True
    number = match_numbering(line)
    return bool(number and number.style not in ("dash", "ar.ar", "ar␣") and len(line) <= HEADING_MAX_CHARS
                and not has_sentence_end(line))


def _glue(left: str, right: str) -> str:
    """Latin words and numbers cut at a line end keep a space between them; Chinese never does."""
    if re.search(r"[A-Za-z0-9]$", left) and re.match(r"[A-Za-z0-9]", right):
        return f"{left} {right}"
    return left + right
