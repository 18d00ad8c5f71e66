"""The numbering grammar of Chinese policy documents: which paragraph openings are clause labels,
what style and sequence value each has, and how a label is written in ids and in refs.

Recognised (simplified and traditional script, full- and half-width punctuation):
第X编/篇/章/节/条, 一、, （一）/(一), 1./1、/1．, 1 + space, （1）/(1), ①…⑳, 「——」 bullets, and lead phrases
(a short opening sentence ending in 。 or ：). Matching runs on a width-folded copy that keeps
every character at its offset, so match positions are offsets into the original line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from qa.core.numerals import CN_NUMERAL_CHARS, cn_to_int
from qa.core.text import SENTENCE_END, fold

_CN = CN_NUMERAL_CHARS
# 第X units, largest first; traditional forms map to the simplified name used in labels.
UNIT_RANK = {"编": 0, "篇": 1, "章": 2, "节": 3, "条": 4}
_UNIT_SIMPLIFIED = {"編": "编", "節": "节", "條": "条"}

_CHAPTER = re.compile(rf"第([{_CN}\d]+)([编篇章节条編節條])(?=$|[\s:：,，、.．]|[^\s{_CN}\d])")
# 「一.5」 is no label, but 「一、2025年目标」 is: only the dot must not run into a digit
_CN_COMMA = re.compile(rf"([{_CN}]+)(?:、|\.(?!\d))")
_CN_PAREN = re.compile(rf"\(([{_CN}]+)\)")
_AR_DOT = re.compile(r"(\d{1,3})[、.](?!\d)")
_AR_PAREN = re.compile(r"\((\d{1,3})\)")
# 「1 范围」「12 違反本法…」: a number and a space, as standards number their sections and some law
# collections their articles (the 第…條 dropped). Accepted only as a list that goes on (sequences.py).
BARE_NUMBER_LABEL = re.compile(r"(\d{1,3})[ \t\u3000]+(?=[\u4e00-\u9fff])")
# 「1.1增创…」: a level under 「1.」 that long plans number decimally. A figure (「2.5亿元」) has the
# same shape; sequences.py accepts it only as the next sub-item of the item in force.
_AR_SUB = re.compile(r"(\d{1,2})\.(\d{1,2})(?![\d.%％万亿千百十元倍个年月日时米吨亩度平公人家台辆项次岁])\s*(?=[\u4e00-\u9fff“《（(])")
_CIRCLED = re.compile(r"([\u2460-\u2473])")
_DASH = re.compile(r"(?:——|──|―{1,2}|-{2})")

# Characters typed or extracted in place of a numeral: katakana ー for 一 (「第二十ー条」, an IME slip),
# and the Kangxi radicals a PDF's font maps 一二八十 to. Same length, so offsets are kept.
_NUMERAL_LOOKALIKES = str.maketrans({"ー": "一", "\u2f00": "一", "\u2f06": "二", "\u2f0b": "八", "\u2f17": "十"})

HEADING_MAX_CHARS = 50  # a numbered line this short without sentence punctuation is a heading alone
LEAD_MAX_CHARS = 30
# A colon opening like 「习近平总书记强调：“…”」 introduces a quotation, not a lead phrase.
_SPEECH = re.compile(r"(强调|指出|表示|认为|提出|说|強調|認為|說)$")


@dataclass(frozen=True)
class Numbering:
    """A numbering label found at the start of a paragraph."""

    style: str  # "第篇" / "第章" / …, "cn、", "（cn）", "ar.", "ar.ar" (1.1), "ar␣" (1 范围), "（ar）", "circled", "dash"
    value: int | None  # position in its sequence; None for bullets
    label: str  # canonical, as used in clause ids: 第七篇, 三, （八）, 5, （1）, ①, ——
    end: int  # offset in the line where the text after the label starts

    @property
    def display(self) -> str:
        """The label as a memo prints it: 三、, 5., （八）, 第七篇."""
        if self.style == "cn、":
            return f"{self.label}、"
        if self.style == "ar.":
            return f"{self.label}."
        return self.label

    @property
    def is_chapter(self) -> bool:
        return self.style.startswith("第")


def display_label(style: str, label: str) -> str:
    return Numbering(style, None, label, 0).display


def _skip_spaces(line: str, pos: int) -> int:
    while pos < len(line) and line[pos] in " \t\u3000\xa0":
        pos += 1
    return pos


def match_numbering(line: str) -> Numbering | None:
    """The numbering label opening `line`, or None. Sequence sanity is the caller's job."""
    folded = fold(line).translate(_NUMERAL_LOOKALIKES)
    if m := _CHAPTER.match(folded):
        unit = _UNIT_SIMPLIFIED.get(m.group(2), m.group(2))
        value = cn_to_int(m.group(1))
        if value is not None:
            return Numbering(f"第{unit}", value, f"第{m.group(1)}{unit}", _skip_spaces(line, m.end()))
    if m := _CN_COMMA.match(folded):
        value = cn_to_int(m.group(1))
        if value is not None and len(m.group(1)) <= 3:
            return Numbering("cn、", value, m.group(1), _skip_spaces(line, m.end()))
    if m := _CN_PAREN.match(folded):
        value = cn_to_int(m.group(1))
        if value is not None:
            return Numbering("（cn）", value, f"（{m.group(1)}）", _skip_spaces(line, m.end()))
    if m := _AR_PAREN.match(folded):
        return Numbering("（ar）", int(m.group(1)), f"（{int(m.group(1))}）", _skip_spaces(line, m.end()))
    if m := _AR_SUB.match(folded):
        return Numbering("ar.ar", int(m.group(2)), f"{int(m.group(1))}.{int(m.group(2))}", _skip_spaces(line, m.end()))
    if m := _AR_DOT.match(folded):
        if m.end() < len(folded):  # a bare "1." line is a page number, not an item
            return Numbering("ar.", int(m.group(1)), str(int(m.group(1))), _skip_spaces(line, m.end()))
    if m := BARE_NUMBER_LABEL.match(folded):
        return Numbering("ar␣", int(m.group(1)), str(int(m.group(1))), _skip_spaces(line, m.end()))
    if m := _CIRCLED.match(folded):
        return Numbering("circled", ord(m.group(1)) - 0x2460 + 1, m.group(1), _skip_spaces(line, m.end()))
    if m := _DASH.match(folded):
        return Numbering("dash", None, "——", m.end())
    return None


def lead_phrase(text: str) -> str:
    """The short bold-style phrase a paragraph opens with (「总定位：」, 「营造良好创新生态。」),
    without its final punctuation; "" when the paragraph has none."""
    folded = fold(text)
    for pos, ch in enumerate(folded[: LEAD_MAX_CHARS + 1]):
        if ch in SENTENCE_END or ch == ":":
            phrase = text[:pos].strip()
            if pos < 2 or not phrase or _unbalanced(phrase):
                return ""
            if ch in "；;!?！？":
                return ""
            if ch == ":" and (_SPEECH.search(phrase) or folded[pos + 1 : pos + 2] in ("“", '"', "「")):
                return ""
            if ch != ":" and not text[pos + 1 :].strip():
                return ""  # a one-sentence paragraph is not a lead phrase over a body
            return phrase
    return ""


def _unbalanced(phrase: str) -> bool:
    folded = fold(phrase)
    return folded.count("(") != folded.count(")") or phrase.count("“") != phrase.count("”")


def first_sentence_heading(text: str, limit: int = 40) -> str:
    """A heading for a numbered paragraph: its opening sentence, or its first comma phrase when the
    sentence is long, or a clipped opening."""
    folded = fold(text)
    cut = len(text)
    for pos, ch in enumerate(folded):
        if ch in SENTENCE_END or ch == ":":
            cut = pos
            break
    sentence = text[:cut].strip()
    if len(sentence) <= limit:
        return sentence
    comma = re.search(r"[,，]", sentence)
    if comma and comma.start() <= limit:
        return sentence[: comma.start()].strip()
    return sentence[:20] + "…"


def short_label(phrase: str, limit: int = 12) -> str:
    """A stable id label for an unnumbered clause: its lead phrase, clipped, no punctuation at the ends."""
    stripped = phrase.strip(" \t,，、。：:；;“”\"")
    # "/" joins labels in an id and "#" starts a part number: keep them out of a label
    return stripped[:limit].replace("/", "／").replace("#", "＃") or "段"
