"""The keyword index: BM25 over the clauses' search texts, in immutable segments.

Tokens come from qa.core.tokenize.keyword_terms (jieba words, word pairs and composite
figures), the same function that tokenises questions, so 「3＋9＋N」 in a question meets
「3+9+n」 in a clause.

Why not bm25s as before: bm25s bakes IDF into its stored scores and can neither add nor delete a
document, so every change rebuilt the whole index. Here, as in Lucene, a build writes one small
segment for the documents it (re)parsed and marks the replaced documents deleted in older
segments; IDF and the mean length are computed at query time over all segments, so one segment
scores exactly as bm25s does (method "lucene", k1=1.5, b=0.75; tests/index/test_bm25.py compares).
Segments are plain .npy arrays opened memory-mapped: a serving process pages in the postings of
the query's terms, not the corpus. Small segments are merged (postings concatenated, no
re-tokenising) so a query never walks more than a few.

A segment also holds its rows' clause records (records.packed: JSON texts in one byte array,
`recptr` offsets, `order` sorting the ids for a lookup by id), so a reader gets a clause from the
segment it memory-maps instead of from Chroma, and a build sends Chroma only vectors and filter
keys (index format 5). Segments written before that have no records; their readers ask Chroma.
"""
from __future__ import annotations

import io
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.store.npy_folder import load_arrays, save_arrays
from qa.core.tokenize import keyword_terms, keyword_terms_many

K1, B = 1.5, 0.75
_ARRAYS = ("vocab", "ptr", "rows", "tf", "lens", "ids", "docs")
_RECORDS = ("recs", "recptr", "order")  # absent from segments written before index format 5


@dataclass
class Segment:
    """Postings of some clauses: vocab[t] has rows[ptr[t]:ptr[t+1]] with term counts tf."""

    name: str
    vocab: np.ndarray  # sorted terms (unicode)
    ptr: np.ndarray  # int64, len(vocab) + 1
    rows: np.ndarray  # int32
    tf: np.ndarray  # float32
    lens: np.ndarray  # float32 tokens per row
    ids: np.ndarray  # unicode row ids (the store's ids), in document order
    docs: np.ndarray  # int32 index into doc_ids, per row
    doc_ids: list[str] = field(default_factory=list)
    recs: np.ndarray | None = None  # uint8: the rows' records, UTF-8, one after another
    recptr: np.ndarray | None = None  # int64, size + 1: row r's record is recs[recptr[r]:recptr[r+1]]
    order: np.ndarray | None = None  # int32: the rows sorted by id

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def has_records(self) -> bool:
        return self.recs is not None

    @classmethod
    def build(cls, name: str, ids: Sequence[str], doc_ids: Sequence[str], tokens: Iterable[Sequence[str]],
              records: Sequence[str] | None = None) -> Segment:
        vocab: dict[str, int] = {}
        terms: list[int] = []
        counts: list[int] = []
        starts = [0]
        lens: list[int] = []
        for row_tokens in tokens:
            counted = Counter(row_tokens)
            terms += [vocab.setdefault(t, len(vocab)) for t in counted]
            counts += counted.values()
            starts.append(len(terms))
            lens.append(len(row_tokens))
        rows = np.repeat(np.arange(len(lens), dtype=np.int32), np.diff(starts))
        words = np.array(list(vocab), dtype=str) if vocab else np.array([], dtype="<U1")
        return cls._from_postings(name, words, np.asarray(terms, dtype=np.int64), rows,
                                  np.asarray(counts, dtype=np.float32), np.asarray(lens, dtype=np.float32),
                                  list(ids), list(doc_ids), _pack(records) if records is not None else None)

    @classmethod
    def _from_postings(cls, name, words, terms, rows, tf, lens, ids: list[str], doc_ids: list[str],
                       records: tuple[np.ndarray, np.ndarray] | None = None) -> Segment:
        """Sorts postings by (term, row) into CSR form; `terms` index `words` (any order)."""
        order_words = np.argsort(words, kind="stable")
        rank = np.empty(len(words), dtype=np.int64)
        rank[order_words] = np.arange(len(words))
        ranked = rank[terms] if len(terms) else terms
        order = np.lexsort((rows, ranked))
        ptr = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(np.bincount(ranked, minlength=len(words)), out=ptr[1:])
        known = list(dict.fromkeys(doc_ids))
        position = {d: i for i, d in enumerate(known)}
        id_array = np.array(ids, dtype=str) if ids else np.array([], dtype="<U1")
        recs, recptr, by_id = (None, None, None) if records is None else \
            (*records, np.argsort(id_array, kind="stable").astype(np.int32))
        return cls(name, words[order_words], ptr, rows[order].astype(np.int32), tf[order], lens, id_array,
                   np.array([position[d] for d in doc_ids], dtype=np.int32), known, recs, recptr, by_id)

    def _arrays(self) -> dict[str, np.ndarray]:
        return {key: getattr(self, key) for key in (*_ARRAYS, *(_RECORDS if self.has_records else ()))}

    # --- storage: a folder of .npy files (memory-mapped), or one blob for a shared store ------
    def save(self, folder: Path) -> None:
        save_arrays(folder, self._arrays(), self.doc_ids)

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> Segment:
        keys = _ARRAYS + (_RECORDS if (folder / "recs.npy").exists() else ())
        arrays, doc_ids = load_arrays(folder, keys, mmap)
        return cls(folder.name, **arrays, doc_ids=doc_ids)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()  # compressed: the fixed-width term arrays are mostly padding
        np.savez_compressed(buffer, **self._arrays(),
                 doc_ids=np.array(self.doc_ids, dtype=str) if self.doc_ids else np.array([], dtype="<U1"))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> Segment:
        with np.load(io.BytesIO(data)) as loaded:
            arrays = {key: loaded[key] for key in (*_ARRAYS, *_RECORDS) if key in loaded.files}
            return cls(name, **arrays, doc_ids=[str(d) for d in loaded["doc_ids"]])

    # --- records ---------------------------------------------------------------------------------
    def record(self, row: int) -> str:
        return bytes(self.recs[int(self.recptr[row]) : int(self.recptr[row + 1])]).decode("utf-8")

    def find(self, store_id: str, prefix: bool = False) -> int | None:
        """The row with this id; with `prefix`, the first row whose id starts with it."""
        j = int(np.searchsorted(self.ids, store_id, sorter=self.order))
        if j >= self.size:
            return None
        row = int(self.order[j])
        found = str(self.ids[row])
        return row if found == store_id or (prefix and found.startswith(store_id)) else None

    # --- reading ---------------------------------------------------------------------------------
    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        j = int(np.searchsorted(self.vocab, term))
        if j >= len(self.vocab) or self.vocab[j] != term:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        start, end = int(self.ptr[j]), int(self.ptr[j + 1])
        return np.asarray(self.rows[start:end]), np.asarray(self.tf[start:end])

    def rows_of(self, doc_ids: Collection[str]) -> np.ndarray:
        wanted = [i for i, d in enumerate(self.doc_ids) if d in doc_ids]
        return np.flatnonzero(np.isin(self.docs, wanted)) if wanted else np.empty(0, dtype=np.int64)


def merge(name: str, segments: Sequence[Segment], deleted: Sequence[Collection[str]]) -> Segment:
    """One segment holding the live rows of `segments` (rows of the `deleted` documents dropped),
    in their order; postings are re-numbered, never re-tokenised."""
    words = np.unique(np.concatenate([s.vocab for s in segments])) if segments else np.array([], dtype="<U1")
    all_terms, all_rows, all_tf, lens, ids, doc_ids = [], [], [], [], [], []
    records: list[str] | None = [] if segments and all(s.has_records for s in segments) else None
    offset = 0
    for segment, gone in zip(segments, deleted):
        keep = np.ones(segment.size, dtype=bool)
        keep[segment.rows_of(gone)] = False
        new_row = np.cumsum(keep) - 1 + offset
        terms = np.repeat(np.searchsorted(words, segment.vocab), np.diff(segment.ptr))
        live = keep[segment.rows]
        all_terms.append(terms[live])
        all_rows.append(new_row[segment.rows][live].astype(np.int32))
        all_tf.append(np.asarray(segment.tf)[live])
        lens.append(np.asarray(segment.lens)[keep])
        ids += [str(i) for i in segment.ids[keep]]
        doc_ids += [segment.doc_ids[d] for d in segment.docs[keep]]
        if records is not None:
            records += [segment.record(int(r)) for r in np.flatnonzero(keep)]
        offset += int(keep.sum())
    cat = lambda parts, dtype: np.concatenate(parts) if parts else np.empty(0, dtype=dtype)
    return Segment._from_postings(name, words, cat(all_terms, np.int64), cat(all_rows, np.int32),
                                  cat(all_tf, np.float32), cat(lens, np.float32), ids, doc_ids,
                                  _pack(records) if records is not None else None)


def _pack(records: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [r.encode("utf-8") for r in records]
    recptr = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=recptr[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), recptr


class KeywordIndex:
    """The segments of one generation, each with the documents deleted from it since it was written."""

    def __init__(self, segments: Sequence[Segment], deleted: Sequence[Collection[str]] = ()) -> None:
        self.segments = list(segments)
        self.deleted = [set(d) for d in deleted] or [set() for _ in self.segments]
        self._dead = [self._mask(s, d) for s, d in zip(self.segments, self.deleted)]
        live = [s.size - int(m.sum()) for s, m in zip(self.segments, self._dead)]
        self.live = sum(live)
        total = sum(float(np.asarray(s.lens)[~m].sum()) for s, m in zip(self.segments, self._dead))
        self.avg_len = total / self.live if self.live else 1.0

    @staticmethod
    def _mask(segment: Segment, gone: Collection[str]) -> np.ndarray:
        mask = np.zeros(segment.size, dtype=bool)
        mask[segment.rows_of(gone)] = True
        return mask

    def search(self, query_search_text: str, k: int, allowed_docs: Collection[str] | None = None,
               allowed_ids: Collection[str] | None = None) -> list[tuple[str, float]]:
        """The k best (row id, score) with a positive score; ties in document order."""
        tokens = Counter(keyword_terms(query_search_text))
        if not tokens or not self.live or k < 1:
            return []
        found = {t: [s.postings(t) for s in self.segments] for t in tokens}
        best: list[tuple[float, int, int, str]] = []
        for n, segment in enumerate(self.segments):
            scores = np.zeros(segment.size, dtype=np.float32)
            for term, repeats in tokens.items():
                rows, tf = found[term][n]
                if len(rows):
                    # Deleted rows still count in df until a merge drops them, as in Lucene.
                    df = sum(len(p[0]) for p in found[term])
                    idf = np.float32(np.log(1 + (self.live - df + 0.5) / (df + 0.5)))
                    norm = K1 * (1 - B + B * np.asarray(segment.lens)[rows] / self.avg_len)
                    scores[rows] += repeats * (idf * tf / (tf + norm)).astype(np.float32)
            scores[self._dead[n]] = 0
            if allowed_docs is not None:
                keep = np.zeros(segment.size, dtype=bool)
                keep[segment.rows_of(allowed_docs)] = True
                scores[~keep] = 0
            if allowed_ids is not None:
                scores[~np.isin(segment.ids, list(allowed_ids))] = 0
            hits = np.flatnonzero(scores > 0)
            if len(hits) > k:  # only the rows at or above the k-th score (ties kept) are sorted
                kth = np.partition(scores[hits], len(hits) - k)[len(hits) - k]
                hits = hits[scores[hits] >= kth]
            top = hits[np.lexsort((hits, -scores[hits]))][:k]
            best += [(-float(scores[r]), n, int(r), str(segment.ids[r])) for r in top]
        return [(row_id, -neg) for neg, _, _, row_id in sorted(best)[:k]]


def tokens_of(search_texts: Iterable[str]) -> list[list[str]]:
    """keyword_terms of each clause, by the tokenizer's faster build-side cut (the same terms)."""
    return keyword_terms_many(search_texts)
