"""Where a reader gets clause records: the generation's record segments, or Chroma rows.

From index format 5 a generation's keyword segments (index/store/keyword.py) carry the records
of their rows, so a clause is read from a memory-mapped file (fetched once from the store by a
host that lacks it) instead of a round trip to Chroma; an index built before keeps them in its
Chroma rows and is read there until its automatic rebuild. Both answer the same three questions.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from index.store.chroma import ClauseStore
from index.store.keyword import KeywordIndex
from index.store.records import unpacked
from qa.core.ids import doc_id_of
from qa.core.types import Clause


class ClauseRecords(Protocol):
    def by_store_id(self, ids: Sequence[str]) -> list[Clause]: ...

    def visible(self, clause_ids: Sequence[str]) -> dict[str, tuple[str, Clause]]: ...

    def document(self, doc_id: str) -> list[Clause]: ...


def records_of(keyword: KeywordIndex, store: ClauseStore, collection: str, at: int) -> ClauseRecords:
    """The segments when every one of them holds records, else the Chroma rows."""
    if keyword.segments and all(s.has_records for s in keyword.segments):
        return SegmentRecords(keyword)
    return ChromaRecords(store, collection, at)


class SegmentRecords:
    def __init__(self, keyword: KeywordIndex) -> None:
        # Newest first: a row id lives in one segment, but a clause id in the newest one whose
        # copy of its document is not deleted.
        self._segments = list(zip(keyword.segments, keyword.deleted))[::-1]

    def by_store_id(self, ids: Sequence[str]) -> list[Clause]:
        """In the order asked; unknown ids left out (rows of another generation are known too:
        an id never changes its content)."""
        found: list[Clause] = []
        for store_id in ids:
            for segment, _ in self._segments:
                row = segment.find(store_id)
                if row is not None:
                    found.append(unpacked(segment.record(row)))
                    break
        return found

    def visible(self, clause_ids: Sequence[str]) -> dict[str, tuple[str, Clause]]:
        """clause id → (store id, clause) for the rows this generation sees."""
        out: dict[str, tuple[str, Clause]] = {}
        for clause_id in dict.fromkeys(clause_ids):
            doc = doc_id_of(clause_id)
            for segment, deleted in self._segments:
                row = None if doc in deleted else segment.find(f"{clause_id}@", prefix=True)
                if row is not None:
                    out[clause_id] = (str(segment.ids[row]), unpacked(segment.record(row)))
                    break
        return out

    def document(self, doc_id: str) -> list[Clause]:
        """The document's clauses in document order (a segment keeps its rows in that order)."""
        for segment, deleted in self._segments:
            if doc_id not in deleted:
                rows = segment.rows_of({doc_id})
                if len(rows):
                    return [unpacked(segment.record(int(r))) for r in rows]
        return []


class ChromaRecords:
    """Records in the Chroma rows (index format 4 and before)."""

    def __init__(self, store: ClauseStore, collection: str, at: int) -> None:
        self._store, self._collection, self._at = store, collection, at

    def by_store_id(self, ids: Sequence[str]) -> list[Clause]:
        return self._store.get(self._collection, ids)

    def visible(self, clause_ids: Sequence[str]) -> dict[str, tuple[str, Clause]]:
        return self._store.get_visible(self._collection, clause_ids, self._at)

    def document(self, doc_id: str) -> list[Clause]:
        return self._store.all(self._collection, doc_id, at=self._at)
