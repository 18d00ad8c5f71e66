"""Shared text preparation for the answer metrics: what counts as "the same text" when an answer
is compared with a reference (script, width, case, spacing, citation markers, punctuation)."""
from __future__ import annotations

import unicodedata

from qa.core.markers import strip_markers
from qa.core.numerals import flat
from qa.core.text import to_search_text
from qa.core.tokenize import words


def normalise(text: str) -> str:
    """Simplified script, half-width, lower case, no citation markers, no whitespace,
    no thousands separators: the form key facts are looked up in."""
    return flat(strip_markers(text))


def is_punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PSZ"  # punctuation, symbols, separators


def content_chars(text: str) -> str:
    """The normalised text without punctuation: what character-level overlap is computed on."""
    return "".join(char for char in normalise(text) if not is_punctuation(char))


def word_tokens(text: str) -> list[str]:
    """jieba words of the normalised text, punctuation dropped. Latin words and numbers stay whole."""
    cleaned = to_search_text(strip_markers(text))
    return [token for token in words(cleaned) if token.strip() and not all(is_punctuation(char) for char in token)]
