"""Shared text preparation for the answer metrics: what counts as "the same text" when an answer
is compared with a reference (script, width, case, spacing, citation markers, punctuation)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from qa.core.text import to_search_text

_MARKERS = re.compile(r"\[\d+(?:\s*[,，、]\s*\d+)*\]")  # [1], [1,2], [1、3]
_WHITESPACE = re.compile(r"\s+")
_DIGIT_GROUPING = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # 1,484 → 1484


def normalise(text: str) -> str:
    """Simplified script, half-width, lower case, no citation markers, no whitespace,
    no thousands separators: the form key facts are looked up in."""
    text = _MARKERS.sub("", text)
    return _DIGIT_GROUPING.sub("", _WHITESPACE.sub("", to_search_text(text)))


def is_punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PSZ"  # punctuation, symbols, separators


def content_chars(text: str) -> str:
    """The normalised text without punctuation: what character-level overlap is computed on."""
    return "".join(char for char in normalise(text) if not is_punctuation(char))


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)  # its dictionary-loading chatter goes to stderr otherwise
    return jieba


def word_tokens(text: str) -> list[str]:
    """jieba words of the normalised text, punctuation dropped. Latin words and numbers stay whole."""
    cleaned = to_search_text(_MARKERS.sub("", text))
    return [
        token
        for token in _jieba().lcut(cleaned)
        if token.strip() and not all(is_punctuation(char) for char in token)
    ]
