"""Read access to the current generation of an index, in bounded memory.

A reader follows the version pointer (looked at again every POINTER_TTL seconds, and at once
after a build in this process), so a reader opened before a rebuild, in this process or on
another host, answers from the new generation afterwards. It holds the manifest (documents, not
clauses), the keyword segments memory-mapped, and a bounded cache of clause records read from
the store by id: its memory does not grow with the corpus.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from index.store.chroma import ClauseStore, clause_matches, document_matches, row_generation
from index.store.clause_records import ClauseRecords, records_of
from index.store.keyword import KeywordIndex
from index.store.sentences import SentenceVectors, listing
from index.store.versions import (IndexLayout, VersionManifest, Versions, folder_bytes, pointer_moves,
                                  written_here)
from qa.core.errors import IndexMismatch, IndexNotBuilt
from qa.core.ids import part_id
from qa.core.types import Clause, DocumentMeta, Filters

T = TypeVar("T")
POINTER_TTL = 1.0  # seconds a reader trusts the pointer it read (one store round trip each time)
CACHE_CLAUSES = 20_000  # clause records kept in memory per reader (a few tens of MB at most)
SMALL_CORPUS = 20_000  # up to this many clauses, `clauses()` of the whole corpus is kept too


class IndexReader:
    def __init__(self, layout: IndexLayout, store: ClauseStore, model_id: str) -> None:
        self._layout, self._store = layout, store
        self._versions = Versions(layout, store)
        self._expected_model = model_id
        self._manifest: VersionManifest | None = None
        self._pending = False
        self._checked: tuple[float, int] = (0.0, -1)
        self._keyword: KeywordIndex | None = None
        self._sentences: SentenceVectors | None = None
        self._first_part: dict[str, str] = {}  # clause base id → the id its first part is stored under
        self._rows: OrderedDict[str, Clause] = OrderedDict()  # store id → clause (ids never change content)
        self._ids: dict[str, str] = {}  # clause id → store id, for the current generation
        self._all: list[Clause] | None = None
        self._lock = threading.Lock()  # the app answers several questions at once
        self._state()

    # --- the current generation ----------------------------------------------------------------
    def _state(self, force: bool = False) -> VersionManifest:
        now = time.monotonic()
        if not force and self._manifest is not None and now - self._checked[0] < POINTER_TTL \
                and self._checked[1] == pointer_moves():
            return self._manifest
        moves = pointer_moves()
        pointer = self._versions.pointer()
        manifest = self._manifest
        if pointer is None:
            raise IndexNotBuilt(str(self._layout.root))
        if manifest is None or manifest.generation != pointer[0]:
            manifest = self._versions.manifest(pointer[0])
            if manifest is None:
                raise IndexNotBuilt(str(self._layout.root))
            self._check_model(manifest)
            if (self._manifest is not None or not self._store.fresh) and not written_here(self._layout, manifest.generation):
                self._store.reopen()  # an embedded store's vectors were written by another process
            self._manifest, self._keyword, self._ids, self._all = manifest, None, {}, None
            self._sentences, self._first_part = None, {}
        self._pending = pointer[1]
        self._checked = (now, moves)
        return manifest

    def _check_model(self, manifest: VersionManifest) -> None:
        if manifest.model_id != self._expected_model:
            raise IndexMismatch(
                f"The index at {self._layout.root} was built with the embedding model {manifest.model_id}, "
                f"but the configured model is {self._expected_model}.",
                hint="Rebuild it with the configured model: policyqa index build --force "
                "(or set POLICYQA_EMBEDDING_MODEL back to the model the index was built with).",
            )

    def _retrying(self, read: Callable[[VersionManifest], T]) -> T:
        """Runs a read on the current generation; if its collection or segment vanished because
        another process switched generations meanwhile, runs it once more on the new one."""
        manifest = self._state()
        try:
            return read(manifest)
        except (IndexNotBuilt, FileNotFoundError):
            if self._state(force=True).generation == manifest.generation:
                raise
            return read(self._manifest)

    @property
    def model_id(self) -> str:
        return self._state().model_id

    @property
    def generation(self) -> str:
        return self._state().generation

    # --- search ----------------------------------------------------------------------------------
    def dense_search(self, query_vector: np.ndarray, k: int, filters: Filters | None = None) -> list[tuple[Clause, float]]:
        filters = filters or Filters()

        def read(m: VersionManifest) -> list[tuple[str, float]]:
            if self._pending:
                return self._store.query_ids(m.collection, query_vector, k, filters, at=m.number)
            # Settled: every row is this generation's, but for rows a build started since then
            # adds; those are rare, so they are filtered after the fact, not in every query.
            found = self._store.query_ids(m.collection, query_vector, k, filters)
            if any(row_generation(i) > m.number for i, _ in found):
                found = self._store.query_ids(m.collection, query_vector, k, filters, at=m.number)
            return found

        scored = self._retrying(read)
        clauses = self._by_store_id([i for i, _ in scored])
        return [(clauses[i], score) for i, score in scored if i in clauses]

    def bm25_search(self, query_search_text: str, k: int, filters: Filters | None = None) -> list[tuple[Clause, float]]:
        def read(m: VersionManifest) -> list[tuple[str, float]]:
            docs, ids = _documents_matching(m, filters), None
            if docs is not None and getattr(filters, "lead_units", ()):
                ids = set(self._store.ids_where(m.collection, filters, at=m.number))
            return self._keyword_index(m).search(query_search_text, k, docs, ids)

        scored = self._retrying(read)
        clauses = self._by_store_id([i for i, _ in scored])
        return [(clauses[i], score) for i, score in scored if i in clauses]

    def sentence_vectors(self, wanted: Sequence[tuple[str, str]]) -> list[np.ndarray | None]:
        """The vectors the build stored for these (clause id, sentence text) pairs (see
        index/store/sentences.py), None for each it did not."""
        return self._sentence_store().get(wanted)

    def sentence_search(self, query_vector: np.ndarray, k: int, filters: Filters | None = None) -> list[tuple[Clause, float]]:
        """Clauses by the cosine of their sentence closest to the query (the vectors the build
        stored, index/store/sentences.py); [] for an index without them (read from a Chroma
        server with no sentences folder)."""
        found = self._sentence_store().search(query_vector, k, _documents_matching(self._state(), filters))
        # A clause split in parts is stored under its first part's id (base#1), a whole one under
        # its base id: learnt once per clause, not asked of the records on every question.
        unknown = [base for base, _ in found if base not in self._first_part]
        for clause in self.get([i for base in unknown for i in (base, part_id(base, 1))]):
            self._first_part[clause.base_id] = clause.clause_id
        clauses = {c.base_id: c for c in self.get([self._first_part[b] for b, _ in found if b in self._first_part])}
        return [(clauses[base], score) for base, score in found
                if base in clauses and (filters is None or clause_matches(clauses[base], filters))]

    def _sentence_store(self) -> SentenceVectors:
        """The current generation's sentence vectors, opened on first use."""
        manifest = self._state()
        if self._sentences is None:
            self._sentences = SentenceVectors.open(self._layout.root, listing(manifest))
        return self._sentences

    def _keyword_index(self, m: VersionManifest) -> KeywordIndex:
        if self._keyword is None:
            segments = [self._versions.segment(name) for name, _ in m.segments]
            self._keyword = KeywordIndex(segments, [set(d) for _, d in m.segments])
        return self._keyword

    # --- clause records --------------------------------------------------------------------------
    def _records(self, m: VersionManifest) -> ClauseRecords:
        """In the keyword segments (index format 5), or in the Chroma rows of an older index."""
        return records_of(self._keyword_index(m), self._store, m.collection, m.number)

    def _by_store_id(self, ids: Sequence[str]) -> dict[str, Clause]:
        with self._lock:
            found = {i: self._rows[i] for i in ids if i in self._rows}
            for i in found:
                self._rows.move_to_end(i)
        missing = [i for i in ids if i not in found]
        if missing:
            asked = {i.rpartition("@")[0] or i: i for i in missing}
            for clause in self._retrying(lambda m: self._records(m).by_store_id(missing)):
                store_id = asked.get(clause.clause_id, clause.clause_id)
                found[store_id] = clause
                self._remember(store_id, clause)
        return found

    def _remember(self, store_id: str, clause: Clause) -> None:
        with self._lock:
            self._rows[store_id] = clause
            self._ids[clause.clause_id] = store_id
            while len(self._rows) > CACHE_CLAUSES:
                gone, old = self._rows.popitem(last=False)
                if self._ids.get(old.clause_id) == gone:
                    del self._ids[old.clause_id]

    def get(self, clause_ids: Sequence[str]) -> list[Clause]:
        """The clauses with these ids, in the order asked; unknown ids are left out."""
        self._state()
        with self._lock:
            known = {c: self._ids[c] for c in clause_ids if c in self._ids}
        missing = [c for c in clause_ids if c not in known]
        if missing:
            for clause_id, (store_id, clause) in self._retrying(
                    lambda m: self._records(m).visible(missing)).items():
                self._remember(store_id, clause)
                known[clause_id] = store_id
        found = self._by_store_id(list(dict.fromkeys(known.values())))
        return [found[known[c]] for c in clause_ids if c in known and known[c] in found]

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        """The clauses in document order (one document, or all: the whole corpus, read from the
        store, kept only while the corpus is small)."""
        manifest = self._state()
        if doc_id is not None and self._all is not None:  # the answerer reads whole documents per question
            return [c for c in self._all if c.doc_id == doc_id]
        if doc_id is not None:
            return self._retrying(lambda m: self._records(m).document(doc_id))
        if self._all is not None:
            return self._all
        every = [c for d in manifest.documents for c in self.clauses(d.meta.doc_id)]
        if manifest.clauses <= SMALL_CORPUS:
            self._all = every
        return every

    def documents(self) -> list[DocumentMeta]:
        return [d.meta for d in self._state().documents]

    def stats(self) -> dict:
        manifest = self._state()
        embedded_store = not self._store.host
        return {
            "documents": len(manifest.documents),
            "clauses": manifest.clauses,
            "index_dir": str(self._layout.root),
            "store": manifest.store,
            "collection": manifest.collection,
            "generation": manifest.generation,
            "built_at": manifest.built_at,
            "embedding_model": manifest.model_id,
            "dim": manifest.dim,
            "chunk_tokens": manifest.chunk_tokens,
            "corpus_dir": manifest.corpus_dir,
            "keyword_segments": len(manifest.segments),
            "bytes": {
                "chroma": folder_bytes(self._layout.chroma) if embedded_store else None,
                "bm25": sum(folder_bytes(self._layout.keyword / name) for name, _ in manifest.segments),
                "manifest": len(manifest.to_json().encode()),
            },
            "per_document": {d.meta.doc_id: d.clauses for d in manifest.documents},
        }


def open_index(index_dir: Path | str, embedder, chroma_host: str = "", chroma_port: int = 8000,
               index_name: str = "") -> IndexReader:
    """Raises IndexNotBuilt before the first build, IndexMismatch when the index was built with
    another embedding model, StoreUnavailable when the Chroma server cannot be reached."""
    layout = IndexLayout(index_dir, index_name, on_server=bool(chroma_host))
    if not chroma_host and not layout.chroma.exists():
        raise IndexNotBuilt(str(layout.root))  # no store folder: nothing was ever built here
    return IndexReader(layout, ClauseStore(layout.chroma, chroma_host, chroma_port), embedder.model_id)


def _documents_matching(m: VersionManifest, filters: Filters | None) -> set[str] | None:
    """The ids of the documents a filter lets through (its document-level part); None for no filter."""
    if filters is None or filters.is_empty():
        return None
    return {d.meta.doc_id for d in m.documents if document_matches(d.meta, filters)}
