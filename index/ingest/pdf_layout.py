"""PDF → paragraphs, read with the layout: every character's position, size and weight.

PDFium (pypdfium2, the engine of Chrome's viewer) reads the text layer. pdfminer.six (under
pdfplumber) was measured first and returned no characters at all for CID fonts whose
encoding CMap is embedded under a name it does not know (what fpdf2 and several office
exporters write); pypdf reads them but puts a space between every two characters and gives no
font sizes. With positions and sizes:
- running headers, footers and page numbers are the lines in a page's top or bottom band
  that recur on other pages (digits aside) or are page-number shaped, and are dropped;
- a line set bigger or bolder than the body text is a heading and stays a line of its own,
  so a chapter heading at the foot of a page is never glued to the article before it;
- a line continues the paragraph above unless it is indented, or the line above stopped
  short of the right margin, or a vertical gap separates them;
- pages are separated by form feeds placed at paragraph starts, for the page of each clause.
Text that extracts as garbage (broken font encodings) is refused with GarbledText.
"""
from __future__ import annotations

import ctypes
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from qa.core.errors import GarbledText, UnreadableFile

PAGE_BREAK = "\f"
_BAND = 0.08  # share of the page height at top and bottom where headers and footers sit
_PAGE_NUMBER = re.compile(r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,4}(?:\s*/\s*\d{1,4})?|"
                          r"[Pp]age\s*\d{1,4}(?:\s*of\s*\d+)?)$")
_HEADING_SCALE = 1.12  # a line this much bigger than the body text is a heading
_BOLD = 600
_HEADING_MAX_CHARS = 40
_CJK = re.compile(r"[\u3400-\u9fff]")
# Kangxi radicals and CJK compatibility ideographs that many Chinese PDFs map common characters
# to (⼀ for 一, ⼈ for 人): their compatibility decomposition is the character meant.
_COMPAT = re.compile(r"[\u2f00-\u2fdf\uf900-\ufaff]")
# Characters a broken font encoding produces: private use, replacement, unmapped radicals.
_GARBAGE = re.compile(r"[\ue000-\uf8ff\ufffd\u2e80-\u2eff\u2f00-\u2fdf\u31c0-\u31ef\U000f0000-\U0010ffff]")
GARBAGE_SHARE = 0.15


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    y: float  # baseline, from the top of the page
    size: float
    bold: bool


def read_pdf(path: Path) -> str:
    """The text of a PDF as paragraphs, one per line, pages separated by form feeds."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableFile(f"{path.name}: PDF is password-protected",
                                 hint="Remove the password and add it again.") from exc
        raise UnreadableFile(f"{path.name}: not a readable PDF ({exc})") from exc
    try:
        pages = [(_page_lines(document[i]), document[i].get_height()) for i in range(len(document))]
    finally:
        document.close()
    check_text(path.name, "".join(line.text for lines, _ in pages for line in lines), len(pages))
    furniture = _furniture_shapes(pages)
    body = [[line for line in lines if not _is_furniture(line, height, furniture)] for lines, height in pages]
    return _paragraphs(body)


def check_text(name: str, text: str, pages: int) -> None:
    """Refuse a text layer that is missing or garbage, naming why."""
    visible = re.sub(r"\s", "", text)
    if len(visible) < 10 * max(1, pages) // 2:
        raise UnreadableFile(f"{name}: PDF has no text layer (scanned images?)",
                             hint="Run OCR on it first, or add a text version of the document.")
    garbage = len(_GARBAGE.findall(visible)) / len(visible)
    if garbage > GARBAGE_SHARE:
        raise GarbledText(f"{name}: the PDF's text extracts as garbage ({garbage:.0%} unreadable characters: "
                          "its fonts have no usable character mapping)",
                          hint="Export the document again with embedded fonts, or add a text/DOCX version.")
    if _CJK.search(name) and not _CJK.search(visible):
        raise GarbledText(f"{name}: the PDF's text has no Chinese characters although its name is Chinese "
                          "(its fonts have no usable character mapping)",
                          hint="Export the document again with embedded fonts, or add a text/DOCX version.")


def _page_lines(page) -> list[Line]:
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    height = page.get_height()
    chars = []
    x, y = ctypes.c_double(), ctypes.c_double()
    for i in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(textpage.raw, i)
        if raw.FPDFText_IsGenerated(textpage.raw, i) or code in (0, 10, 13):
            continue  # line breaks and spaces PDFium inferred: the layout says where lines are
        raw.FPDFText_GetCharOrigin(textpage.raw, i, x, y)
        char = chr(code)
        if _COMPAT.match(char):
            char = unicodedata.normalize("NFKC", char)
        chars.append((char, x.value, height - y.value, raw.FPDFText_GetFontSize(textpage.raw, i),
                      raw.FPDFText_GetFontWeight(textpage.raw, i)))
    textpage.close()
    return _group_lines(chars)


def _group_lines(chars: list[tuple]) -> list[Line]:
    """Characters in reading order → lines: a character within half its size of a line's
    baseline belongs to it."""
    lines: list[list[tuple]] = []
    for char in chars:
        if lines and abs(lines[-1][-1][2] - char[2]) <= 0.5 * max(char[3], 1.0):
            lines[-1].append(char)
        else:
            lines.append([char])
    out = []
    for group in lines:
        group.sort(key=lambda c: c[1])
        while group and group[0][0].isspace():  # an indent typed as spaces: the text starts after it
            group.pop(0)
        text = "".join(c[0] for c in group).strip()
        if text:
            size = Counter(round(c[3], 1) for c in group).most_common(1)[0][0]
            bold = sum(1 for c in group if c[4] >= _BOLD) > len(group) / 2
            out.append(Line(text, group[0][1], group[-1][1] + group[-1][3], group[0][2], size, bold))
    return out


def _shape(line: Line) -> tuple[str, float]:
    """A line as furniture recurs: same words (numbers aside) in the same size."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text)), round(line.size)


def _in_band(line: Line, height: float) -> bool:
    return line.y < _BAND * height + line.size or line.y > (1 - _BAND) * height


def _furniture_shapes(pages: list[tuple[list[Line], float]]) -> set[tuple[str, float]]:
    """Shapes of band lines that recur on at least half of the pages (two at least)."""
    counts = Counter()
    for lines, height in pages:
        counts.update({_shape(line) for line in lines if _in_band(line, height)})
    return {shape for shape, n in counts.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)}


def _is_furniture(line: Line, height: float, shapes: set[tuple[str, float]]) -> bool:
    return _in_band(line, height) and (_shape(line) in shapes or bool(_PAGE_NUMBER.match(line.text)))


def _paragraphs(pages: list[list[Line]]) -> str:
    lines = [line for page in pages for line in page]
    if not lines:
        return ""
    body_size = Counter(line.size for line in lines for _ in line.text).most_common(1)[0][0]
    body_bold = sum(len(line.text) for line in lines if line.bold) > sum(len(line.text) for line in lines) / 2
    left = min(line.x0 for line in lines if line.size == body_size)
    right = max(line.x1 for line in lines if line.size == body_size)

    def heading(line: Line) -> bool:
        bigger = line.size >= body_size * _HEADING_SCALE
        return len(line.text) <= _HEADING_MAX_CHARS and (bigger or (line.bold and not body_bold))

    out: list[str] = []
    previous: Line | None = None
    breaks = 0  # page breaks not yet written: they go before the next paragraph's start
    for page_no, page in enumerate(pages):
        breaks += 1 if page_no else 0
        for i, line in enumerate(page):
            full = previous is not None and previous.x1 >= right - 2 * previous.size
            margins = (line.x0 - left, right - line.x1)
            centred = min(margins) > 3 * line.size and abs(margins[0] - margins[1]) < line.size
            starts = (previous is None or heading(line) or heading(previous) or line.size != previous.size
                      or not full or (line.x0 > left + 1.5 * line.size and not centred)
                      or (i > 0 and line.y - previous.y > 2.2 * line.size))
            if starts:
                out.append(PAGE_BREAK * breaks + line.text)
                breaks = 0
            else:
                out[-1] = _glue(out[-1], line.text)
            previous = line
    return "\n".join(out) + PAGE_BREAK * breaks


def _glue(left: str, right: str) -> str:
    """Latin words and numbers cut at a line end keep a space between them; Chinese never does."""
    if re.search(r"[A-Za-z0-9]$", left) and re.match(r"[A-Za-z0-9]", right):
        return f"{left} {right}"
    return left + right
