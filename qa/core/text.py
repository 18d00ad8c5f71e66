"""One normalisation for clauses and questions, so a simplified question finds a traditional
clause and a full-width 「（一）」 matches a half-width 「(一)」."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"[ \t\u3000\xa0]+")


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


def to_search_text(text: str) -> str:
    """What retrieval sees: simplified script, half-width, single spaces, lower-case Latin."""
    return _SPACES.sub(" ", fold_width(to_simplified(text))).strip().lower()




def detect_script(text: str) -> str:
    """'traditional' when the text changes under t2s often enough, else 'simplified'."""
    sample = re.sub(r"[^\u4e00-\u9fff]", "", text)[:4000]
    if not sample:
        return ""
    changed = sum(1 for a, b in zip(sample, to_simplified(sample)) if a != b)
    return "traditional" if changed / len(sample) > 0.05 else "simplified"
