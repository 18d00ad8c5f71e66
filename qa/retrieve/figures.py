"""A question's figures spelt the other way, for the keyword retriever.

Laws write counts in Chinese numerals (「年满十六周岁之日起三个月内」), plans in Arabic digits
(「15分钟」), and a user types either: 「满16岁后多久…」 shares no keyword with the article it asks
about. BM25 matches words as written, and the index keeps them as written (a quote must be
verbatim), so the question carries both spellings instead: each small Arabic count also in
Chinese (16 → 十六), each Chinese numeral also in digits (十五 → 15). Years and long figures
(2027, 2100) are written in digits on both sides and are left alone.
"""
from __future__ import annotations

import re

from qa.core.numerals import CN_NUMERAL_CHARS, in_chinese, with_digits
from qa.core.tokenize import keyword_terms

_SMALL_COUNT = re.compile(r"(?<![\d.])\d{1,3}(?![\d.])")
_NUMERAL = re.compile(rf"[\d{CN_NUMERAL_CHARS}]")  # re-cutting the variant also yields its neighbours' words
MAX_COUNT = 999  # above this an Arabic figure is a year or an amount, not a count said in words


def figure_spellings(search_text: str) -> list[str]:
    """The numeral terms the question would have with its figures spelt the other way and does
    not have as written (no word pairs: those would pair a numeral with the words around it)."""
    def in_words(match: re.Match) -> str:
        value = int(match.group(0))
        return in_chinese(value) if 0 < value <= MAX_COUNT else match.group(0)

    written = set(keyword_terms(search_text))
    found: list[str] = []
    for variant in (_SMALL_COUNT.sub(in_words, search_text), with_digits(search_text)):
        if variant != search_text:
            found += [t for t in keyword_terms(variant) if "_" not in t and t not in written and _NUMERAL.search(t)]
    return list(dict.fromkeys(found))
