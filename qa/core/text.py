"""Text normalisation, one home for clauses, questions and eval alike: script (traditional →
simplified, and which script or language a text is in), width, spacing, the search form both
retrievers see, and sentences.

A simplified question finds a traditional clause, and a full-width 「（一）」 matches a
half-width 「(一)」, because both sides go through `to_search_text`.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from qa.core.types import Language, Script

SENTENCE_END = "。！？；!?;"  # ； ends a clause of a sentence, which is what a quote may stop at
_SENTENCE_END = re.compile(f"[{SENTENCE_END}]")
_SENTENCE = re.compile(f"[^{SENTENCE_END}\\n]+[{SENTENCE_END}]?")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_WHITESPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# Full-width ASCII → ASCII, one character for one character (NFKC would turn ① into 1 and ㎡
# into m2 and shift every offset after them).
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def fold_width(text: str) -> str:
    """Full-width ASCII and digits to half-width (NFKC), keeping CJK punctuation such as 。、
    which NFKC leaves alone."""
    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """Full-width ASCII to ASCII keeping every character at its offset, so a match in the folded
    text is a position in the original."""
    return text.translate(_FOLD)


def to_search_text(text: str) -> str:
    """What retrieval sees: simplified script, half-width, single spaces, lower-case Latin."""
    return _SPACES.sub(" ", fold_width(to_simplified(text))).strip().lower()


def squash(text: str) -> str:
    """The search form without any whitespace: how quotes, titles and figures are compared when
    line breaks and PDF spacing must not matter."""
    return _WHITESPACE.sub("", to_search_text(text))


def title_key(text: str) -> str:
    """How titles and headings are compared: script, width, case and spacing ignored."""
    return squash(text)


def detect_script(text: str) -> Script | str:
    """Script.TRADITIONAL when the text changes under t2s often enough, Script.SIMPLIFIED
    otherwise, '' when it has no Chinese characters."""
    sample = re.sub(r"[^\u4e00-\u9fff]", "", text)[:4000]
    if not sample:
        return ""
    changed = sum(1 for a, b in zip(sample, to_simplified(sample)) if a != b)
    return Script.TRADITIONAL if changed / len(sample) > 0.05 else Script.SIMPLIFIED


def has_sentence_end(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def ends_sentence(text: str) -> bool:
    return fold(text.rstrip())[-1:] in SENTENCE_END


def sentences(text: str) -> list[str]:
    """The sentences of `text`, each with its closing mark; a line break ends a sentence too.
    Pieces without a letter, digit or character (stray punctuation) are dropped."""
    return [m.group(0).strip() for m in _SENTENCE.finditer(text) if re.search(r"\w", m.group(0))]


def sentence_ends(text: str, start: int = 0) -> Iterator[int]:
    """The offsets where the sentences of `text` from `start` on end (just after their mark)."""
    for match in _SENTENCE.finditer(text, start):
        yield match.end()


def question_language(question: str) -> Language:
    """English for a question written in English (Chinese names inside it allowed), else Chinese."""
    latin_letters = len(_LATIN.findall(question))
    cjk_chars = len(_CJK.findall(question))
    return Language.EN if latin_letters >= 8 and latin_letters >= 3 * cjk_chars else Language.ZH


def foreign_script(question: str) -> str:
    """The script of a question written in neither Chinese nor Latin letters (「CYRILLIC」,
    「HANGUL」), '' otherwise: the offline answerer has no words to match it with."""
    if _CJK.search(question) or _LATIN.search(question):
        return ""
    letter = next((ch for ch in question if ch.isalpha()), "")
    return unicodedata.name(letter, "UNKNOWN").split()[0] if letter else ""


def abbreviates(term: str, name: str, span: int = 6) -> bool:
    """Is `term` a Chinese abbreviation of part of `name` — its characters in order within a short
    stretch (国办 in 国务院办公厅, 发改委 in 发展和改革委员会)? Names are shortened by picking
    characters, so a question's 国办意见 names a document titled 国务院办公厅……意见."""
    if term in name:
        return True
    if len(term) < 2:
        return False
    start = name.find(term[0])
    while start >= 0:
        pos, ok = start, True
        for ch in term[1:]:
            pos = name.find(ch, pos + 1)
            if pos < 0 or pos - start >= span:
                ok = False
                break
        if ok:
            return True
        start = name.find(term[0], start + 1)
    return False


_CITED_NAME = re.compile(r"《[^《》]{1,80}》")


def without_cited_names(text: str) -> str:
    """`text` without the names of documents it cites: the year in 《…规划（2022—2035）》 or the
    number in 《…第3号令》 is part of a name, not a figure the text states."""
    return _CITED_NAME.sub("", text)
