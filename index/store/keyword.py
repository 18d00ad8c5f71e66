"""Chinese BM25: jieba words plus the composite figures policy texts are cited by.

Clauses and questions go through the same `tokenize`, on search text (simplified, half-width,
lower-case), so 「3＋9＋N」 in a question meets 「3+9+n」 in a clause.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

_IDS_FILE = "clause_ids.json"

# Figures joined by operators or separators are one term in policy prose: 「5+1」, 「3+9+n」,
# 「2022-2027」, 「3.5%」. jieba splits them apart; we add them back whole.
_COMPOSITE = re.compile(r"[0-9a-z]+(?:[+\-×*/.:][0-9a-z]+)+%?|[0-9]+(?:\.[0-9]+)?%")
_PIECES = re.compile(r"[^0-9a-z]+")

# Function words that carry no topic; a general list, not tuned to any document.
_STOP = frozenset(
    "的 了 和 与 及 或 等 在 是 对 为 以 将 把 被 由 从 向 于 其 之 而 并 也 都 又 就 这 那 "
    "个 各 该 此 有 要 到 中 上 下 着 过 我们 你们 他们 一个 一些 以及 进行 通过 按照 关于".split()
)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is noise to users
    jieba.initialize()
    return jieba


def _is_term(token: str) -> bool:
    """A token with a letter, digit or CJK character that is not a function word."""
    return token not in _STOP and any(unicodedata.category(ch)[0] in "LN" for ch in token)


def tokenize(search_text: str) -> list[str]:
    """Words (jieba's search mode, which adds the short words inside long ones), adjacent word
    pairs, and composite figures. Pairs reward a clause that has the question's words in the
    question's order (「营造_良好」「创新_生态」) over one that scatters them."""
    tokens: list[str] = []
    for match in _COMPOSITE.finditer(search_text):
        # The composite is the term; of its pieces only long ones (years, amounts) mean anything
        # alone: 「5+1」 must not match every line that mentions 5 and 1.
        tokens.append(match.group())
        tokens += [piece for piece in _PIECES.split(match.group()) if len(piece) >= 3]
    rest = _COMPOSITE.sub(" ", search_text)
    jieba = _jieba()
    tokens += [t for t in jieba.lcut_for_search(rest) if _is_term(t)]
    words = jieba.lcut(rest)
    # Consecutive in jieba's output, so punctuation or a space between two words breaks a pair.
    tokens += [f"{a}_{b}" for a, b in zip(words, words[1:]) if _is_term(a) and _is_term(b)]
    return tokens


class Bm25Index:
    """bm25s over clause search texts; row i is clause_ids[i]."""

    def __init__(self, clause_ids: Sequence[str], model) -> None:
        self.clause_ids = list(clause_ids)
        self._row = {cid: i for i, cid in enumerate(self.clause_ids)}
        self._model = model

    @classmethod
    def build(cls, clause_ids: Sequence[str], search_texts: Sequence[str]) -> Bm25Index:
        import bm25s

        model = bm25s.BM25()
        model.index([tokenize(text) for text in search_texts], show_progress=False)
        return cls(clause_ids, model)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._model.save(str(folder), show_progress=False)
        (folder / _IDS_FILE).write_text(json.dumps(self.clause_ids, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Bm25Index:
        import bm25s

        model = bm25s.BM25.load(str(folder), show_progress=False)
        clause_ids = json.loads((folder / _IDS_FILE).read_text(encoding="utf-8"))
        return cls(clause_ids, model)

    def rows(self, clause_ids: Sequence[str]) -> np.ndarray:
        return np.array([self._row[cid] for cid in clause_ids if cid in self._row], dtype=np.int64)

    def search(self, query_search_text: str, k: int, allowed_rows: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The k best (clause_id, score) with a positive score, among allowed_rows when given."""
        tokens = tokenize(query_search_text)
        if not tokens or not self.clause_ids or k < 1:
            return []
        scores = np.asarray(self._model.get_scores(tokens), dtype=np.float64)[: len(self.clause_ids)]
        if allowed_rows is not None:
            mask = np.zeros(len(scores), dtype=bool)
            mask[allowed_rows] = True
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        # Stable order on ties: by score, then document order, so results are reproducible.
        best = candidates[np.lexsort((candidates, -scores[candidates]))][:k]
        return [(self.clause_ids[i], float(scores[i])) for i in best]
