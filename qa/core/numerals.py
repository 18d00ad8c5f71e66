"""Numerals and figures: Chinese numerals read as numbers (through cn2an), and the figures a
sentence states, compared in one normalised form wherever figures are compared (the numbering
grammar, citation checks, premise checks)."""
from __future__ import annotations

import re
from functools import lru_cache

from qa.core.markers import LIST_ENUMERATOR, strip_markers
from qa.core.text import squash

CN_NUMERAL_CHARS = "〇零一二两兩三四五六七八九十百千"
_ARABIC = re.compile(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?(?:万亿|亿|万|千|百|%|‰)?")
_CN_RUN = re.compile(r"[〇零一二三四五六七八九十百千万亿两]{2,}")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


@lru_cache(maxsize=4096)
def cn_to_int(numeral: str) -> int | None:
    """A numeral as a number: 十二 → 12, 一百零五 → 105, 二〇二〇 → 2020, 两 → 2, '17' → 17;
    None when it is not one plain number (十四五, 千方百计). Only units up to 千: 万/亿 are
    magnitudes of a figure, compared as written."""
    if numeral.isdigit():
        return int(numeral)
    if not numeral or any(ch not in CN_NUMERAL_CHARS for ch in numeral):
        return None
    import cn2an  # imported on first use: it costs a third of a second

    try:
        return int(cn2an.cn2an(numeral, "normal"))
    except ValueError:
        return None


def flat(text: str) -> str:
    """The form figures are compared in: search text without spaces or digit-group commas."""
    return _THOUSANDS.sub("", squash(text))


def _is_cn_figure(run: str) -> bool:
    """Chinese numeral words (一体化, 两中心, 千方百计) are not figures; a run is one when it
    has a zero (二〇三五) or a digit combined with a unit (三十三, 十四五)."""
    has_digit = any(c in "一二三四五六七八九两" for c in run)
    return any(c in "〇零" for c in run) or (has_digit and any(c in "十百千" for c in run))


def extract_figures(sentence: str) -> tuple[str, ...]:
    """The figures a sentence states, in flat form; citation markers and list enumerators are
    not figures."""
    body = "\n".join(LIST_ENUMERATOR.sub("", line) for line in strip_markers(sentence).splitlines())
    text = flat(body)
    found = [m.group(0) for m in _ARABIC.finditer(text)]
    for match in _CN_RUN.finditer(text):
        if _is_cn_figure(match.group(0).rstrip("万亿")):
            found.append(match.group(0))
    return tuple(dict.fromkeys(found))


def _arabicised(text: str) -> str:
    def arabic(match: re.Match) -> str:
        value = cn_to_int(match.group(0))
        return match.group(0) if value is None else str(value)

    return _CN_RUN.sub(arabic, text)


def figure_in(figure: str, text: str) -> bool:
    """Does `text` state `figure`? Chinese numerals count as their Arabic value (二〇三五 = 2035),
    and digits must not continue on either side (33 ≠ 133)."""
    haystack, figure = flat(text), flat(figure)
    haystacks = (haystack, _arabicised(haystack))
    for variant in {figure, _arabicised(figure)}:
        pattern = re.compile(r"(?<![\d.])" + re.escape(variant) + (r"(?!\d)" if variant[-1].isdigit() else ""))
        if any(pattern.search(h) for h in haystacks):
            return True
    return False
