"""The keyword index: bm25s over the clauses' search texts, tokenised by
qa.core.tokenize.keyword_terms (jieba words, word pairs and composite figures), the same
function that tokenises questions, so 「3＋9＋N」 in a question meets 「3+9+n」 in a clause.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.core.tokenize import keyword_terms

_IDS_FILE = "clause_ids.json"


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
        model.index([keyword_terms(text) for text in search_texts], show_progress=False)
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
        tokens = keyword_terms(query_search_text)
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
