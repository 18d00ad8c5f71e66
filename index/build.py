"""Build the clause index (Chroma vectors + BM25) from a corpus folder, and open it for reading.

A build is incremental (vectors come from a content-addressed cache, so only new or changed
clause texts are embedded) and atomic (it writes a new generation and switches to it last).
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TypeVar
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from index.store.keyword import Bm25Index
from index.embed import Embedder, EmbeddingCache, embed_with_cache
from qa.core.errors import IndexMismatch, IndexNotBuilt, PolicyQAError, UnreadableFile
from index.store.versions import DocumentRecord, IndexLayout, VersionManifest, folder_bytes
from index.store.chroma import ClauseStore, document_matches
from qa.core.types import BuildReport, Clause, DocumentMeta, Filters, ParsedDocument

T = TypeVar("T")

# Bump when what a generation stores changes (metadata layout, BM25 tokenization), so an
# otherwise unchanged corpus is rebuilt instead of being reported as up to date.
INDEX_FORMAT = 1

# stage ("read" | "embed" | "store"), done, total: index/ reports, the faces draw.
Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def build_index(
    corpus_dir: Path | str,
    index_dir: Path | str,
    embedder: Embedder,
    cache_dir: Path | str,
    chunk_tokens: int = 512,
    chroma_host: str = "",
    chroma_port: int = 8000,
    progress: Progress = _no_progress,
    force: bool = False,
    extra_dirs: Sequence[Path | str] = (),
    excluded: Collection[str] = (),
    metadata_overrides: Mapping[str, Mapping[str, str]] | None = None,
    on_built: Callable[[], None] = lambda: None,
) -> BuildReport:
    """Index every readable document of corpus_dir (and of each extra_dirs folder, e.g. the
    app's uploads) into a new generation of index_dir.

    `excluded` document ids are left out, `metadata_overrides` (id → fields) re-tag documents, and
    `on_built` runs inside the build lock once the result is in place (the app's library records
    its change there, before another build can start). Nothing changes when the corpus, parser
    output and model are the same as the current generation's, unless `force`."""
    started = time.monotonic()
    if not Path(corpus_dir).is_dir():
        raise UnreadableFile(
            f"The corpus folder {corpus_dir} does not exist.", hint="Set POLICYQA_CORPUS or pass --corpus DIR."
        )
    layout = IndexLayout(index_dir)
    with layout.build_lock():
        store = ClauseStore(layout.chroma, chroma_host, chroma_port)
        _remove_stale(layout, store)
        previous = _current_manifest(layout)

        parsed, skipped = _read_all([corpus_dir, *extra_dirs], chunk_tokens, progress,
                                    excluded=excluded, overrides=metadata_overrides)
        clauses = [c for doc in parsed for c in doc.clauses]
        _check_unique_ids(clauses)
        fingerprint = _fingerprint(embedder.model_id, parsed, clauses)
        changes = _changes(previous, parsed)

        def report(embedded: int, generation: str, unchanged: bool) -> BuildReport:
            return BuildReport(
                documents=len(parsed), skipped=tuple(skipped), clauses=len(clauses), embedded=embedded,
                reused=len(clauses) - embedded, removed_documents=tuple(changes["removed"]),
                seconds=time.monotonic() - started, index_dir=str(layout.root),
                added=tuple(changes["added"]), changed=tuple(changes["changed"]), generation=generation,
                unchanged=unchanged, model_id=embedder.model_id, store=store.location,
            )

        same = previous is not None and previous.fingerprint == fingerprint
        if not force and same and store.count(previous.collection) == len(clauses):
            on_built()
            return report(0, previous.generation, unchanged=True)

        cache = EmbeddingCache(Path(cache_dir))
        try:
            vectors, embedded = embed_with_cache(
                embedder, [c.search_text for c in clauses], cache, progress=lambda d, t: progress("embed", d, t)
            )
        finally:
            cache.close()

        generation = layout.next_generation()
        collection = layout.collection_name(generation)
        _write_generation(layout, store, generation, collection, parsed, clauses, vectors, progress)
        layout.write_manifest(VersionManifest(
            generation=generation, collection=collection, model_id=embedder.model_id, dim=int(vectors.shape[1]),
            chunk_tokens=chunk_tokens, store=store.location,
            built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            corpus_dir=str(Path(corpus_dir).resolve()), fingerprint=fingerprint,
            documents=tuple(DocumentRecord(d.document.meta, d.document.path, d.document.content_hash, len(d.clauses))
                            for d in parsed),
            clauses=tuple((c.clause_id, c.doc_id, _clause_hash(c)) for c in clauses),
        ))
        layout.switch_to(generation)
        on_built()
        _remove_stale(layout, store)
        return report(embedded, generation, unchanged=False)


def _read_all(folders: Sequence[Path | str], chunk_tokens: int, progress: Progress, *,
              excluded: Collection[str] = (), overrides: Mapping[str, Mapping[str, str]] | None = None
              ) -> tuple[list[ParsedDocument], list[Skipped]]:
    """Every readable document of the folders, and what was skipped; refuses an empty result
    before anything is written, so the current index keeps answering."""
    from index.ingest.corpus import read_corpus

    parsed: list[ParsedDocument] = []
    skipped: list[Skipped] = []
    for folder in folders:
        more, more_skipped = read_corpus(Path(folder), chunk_tokens, lambda done, total: progress("read", done, total),
                                         excluded=excluded, overrides=overrides)
        parsed, skipped = [*parsed, *more], [*skipped, *more_skipped]
    if not parsed:
        reasons = "; ".join(f"{Path(s.path).name}: {s.reason}" for s in skipped) or "the folder is empty"
        raise UnreadableFile(
            f"No readable documents in {folders[0]} ({reasons}).",
            hint="The current index is unchanged. Add .txt/.md/.html/.pdf/.docx files and build again.",
        )
    return parsed, skipped


def _write_generation(
    layout: IndexLayout,
    store: ClauseStore,
    generation: str,
    collection: str,
    parsed: Sequence[ParsedDocument],
    clauses: Sequence[Clause],
    vectors: np.ndarray,
    progress: Progress,
) -> None:
    metas = {d.document.meta.doc_id: d.document.meta for d in parsed}
    store.drop(collection)  # a leftover of a killed build with the same number
    store.create(collection)
    step = 256
    for start in range(0, len(clauses), step):
        store.add(collection, clauses[start : start + step], vectors[start : start + step], metas)
        progress("store", min(start + step, len(clauses)), len(clauses))
    written = store.count(collection)
    if written != len(clauses):
        raise PolicyQAError(
            f"The store {store.location} holds {written} of {len(clauses)} clauses for {collection}.",
            hint="The previous index is unchanged; run the build again.",
        )
    Bm25Index.build([c.clause_id for c in clauses], [c.search_text for c in clauses]).save(
        layout.generation_dir(generation) / "bm25"
    )


def _remove_stale(layout: IndexLayout, store: ClauseStore) -> None:
    """Delete superseded generations and the debris of killed builds (files and collections)."""
    current = layout.current_generation()
    keep = layout.collection_name(current) if current else None
    for name in store.collection_names(layout.collection_prefix + "_"):
        if name != keep:
            store.drop(name)
    for generation in layout.stale_generations():
        layout.remove_generation_files(generation)


def _current_manifest(layout: IndexLayout) -> VersionManifest | None:
    generation = layout.current_generation()
    return layout.read_manifest(generation) if generation else None


def _check_unique_ids(clauses: Sequence[Clause]) -> None:
    seen: set[str] = set()
    duplicates = sorted({c.clause_id for c in clauses if c.clause_id in seen or seen.add(c.clause_id)})
    if duplicates:
        raise PolicyQAError(
            f"The parser produced duplicate clause ids: {', '.join(duplicates[:5])}.",
            hint="Two documents may share a file stem, or a document repeats a numbering; rename or fix the file.",
        )


def _clause_hash(clause: Clause) -> str:
    return hashlib.sha256(json.dumps(asdict(clause), ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _fingerprint(model_id: str, parsed: Sequence[ParsedDocument], clauses: Sequence[Clause]) -> str:
    digest = hashlib.sha256(f"{INDEX_FORMAT}\x00{model_id}".encode())
    for doc in parsed:
        digest.update(json.dumps(asdict(doc.document.meta), ensure_ascii=False, sort_keys=True).encode())
    for clause in clauses:
        digest.update(_clause_hash(clause).encode())
    return digest.hexdigest()


def _changes(previous: VersionManifest | None, parsed: Sequence[ParsedDocument]) -> dict[str, list[str]]:
    before = {d.meta.doc_id: d.content_hash for d in previous.documents} if previous else {}
    now = {d.document.meta.doc_id: d.document.content_hash for d in parsed}
    return {
        "added": [doc_id for doc_id in now if doc_id not in before],
        "changed": [doc_id for doc_id, h in now.items() if doc_id in before and before[doc_id] != h],
        "removed": [doc_id for doc_id in before if doc_id not in now],
    }


IN_MEMORY_CLAUSE_LIMIT = 50_000


class IndexReader:
    """Read access to the current generation. It follows the pointer, so a reader opened before
    a rebuild (in this process or another) answers from the new generation afterwards."""

    def __init__(self, layout: IndexLayout, store: ClauseStore, model_id: str) -> None:
        self._layout = layout
        self._store = store
        self._expected_model = model_id
        self._stamp: tuple[int, int] | None = None
        self._manifest: VersionManifest | None = None
        self._bm25: Bm25Index | None = None
        self._all: dict[str, Clause] | None = None  # every clause by id, in document order
        self._manifest_now()

    def _manifest_now(self) -> VersionManifest:
        stamp = self._layout.pointer_stamp()
        if stamp is None:
            raise IndexNotBuilt(str(self._layout.root))
        if stamp != self._stamp or self._manifest is None:
            try:
                manifest = self._layout.read_manifest(self._layout.current_generation())
            except FileNotFoundError:
                raise IndexNotBuilt(str(self._layout.root)) from None
            if manifest.model_id != self._expected_model:
                raise IndexMismatch(
                    f"The index at {self._layout.root} was built with the embedding model {manifest.model_id}, "
                    f"but the configured model is {self._expected_model}.",
                    hint="Rebuild it with the configured model: policyqa index build --force "
                    "(or set POLICYQA_EMBEDDING_MODEL back to the model the index was built with).",
                )
            self._manifest, self._stamp, self._bm25, self._all = manifest, stamp, None, None
        return self._manifest

    @property
    def model_id(self) -> str:
        return self._manifest_now().model_id

    def _retrying(self, read: Callable[[VersionManifest], T]) -> T:
        """Runs a read on the current generation; if its collection vanished because another
        process switched generations meanwhile, runs it once more on the new one."""
        manifest = self._manifest_now()
        try:
            return read(manifest)
        except IndexNotBuilt:
            self._stamp = None
            if self._manifest_now().generation == manifest.generation:
                raise
            return read(self._manifest)

    def dense_search(self, query_vector: np.ndarray, k: int, filters: Filters | None = None) -> list[tuple[Clause, float]]:
        if not self._holds_all():
            return self._retrying(lambda m: self._store.query(m.collection, query_vector, k, filters or Filters()))
        scored = self._retrying(lambda m: self._store.query_ids(m.collection, query_vector, k, filters or Filters()))
        clauses = self._clauses_by_id()
        return [(clauses[cid], score) for cid, score in scored if cid in clauses]

    def _holds_all(self) -> bool:
        """Whether to keep every clause in memory: a few MB for corpora of tens of thousands of
        clauses, and it saves a store round trip per query (about a third of a warm retrieve)."""
        return len(self._manifest_now().clauses) <= IN_MEMORY_CLAUSE_LIMIT

    def bm25_search(self, query_search_text: str, k: int, filters: Filters | None = None) -> list[tuple[Clause, float]]:
        manifest = self._manifest_now()
        if self._bm25 is None:
            self._bm25 = Bm25Index.load(self._layout.generation_dir(manifest.generation) / "bm25")
        allowed = None
        if filters is not None and not filters.is_empty():
            docs = {d.meta.doc_id for d in manifest.documents if document_matches(d.meta, filters)}
            allowed = self._bm25.rows([cid for cid, doc_id, _ in manifest.clauses if doc_id in docs])
        scored = self._bm25.search(query_search_text, k, allowed)
        clauses = {c.clause_id: c for c in self.get([cid for cid, _ in scored])}
        return [(clauses[cid], score) for cid, score in scored if cid in clauses]

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        return [c for c in self._clauses_by_id().values() if doc_id is None or c.doc_id == doc_id]

    def _clauses_by_id(self) -> dict[str, Clause]:
        """All clauses, read once per generation: the faces list them often (document views,
        term weights), and one read is cheaper than a store round trip each time."""
        manifest = self._manifest_now()
        if self._all is None:
            found = {c.clause_id: c for c in self._retrying(lambda m: self._store.all(m.collection))}
            manifest = self._manifest_now()
            self._all = {cid: found[cid] for cid, _, _ in manifest.clauses if cid in found}
        return self._all

    def documents(self) -> list[DocumentMeta]:
        return [d.meta for d in self._manifest_now().documents]

    def get(self, clause_ids: Sequence[str]) -> list[Clause]:
        """The clauses with these ids, in the order asked; unknown ids are left out."""
        if self._all is None and not self._holds_all():
            return self._retrying(lambda m: self._store.get(m.collection, clause_ids))
        clauses = self._clauses_by_id()
        return [clauses[cid] for cid in clause_ids if cid in clauses]

    def stats(self) -> dict:
        manifest = self._manifest_now()
        generation_dir = self._layout.generation_dir(manifest.generation)
        embedded_store = not self._store.host
        return {
            "documents": len(manifest.documents),
            "clauses": len(manifest.clauses),
            "index_dir": str(self._layout.root),
            "store": manifest.store,
            "collection": manifest.collection,
            "generation": manifest.generation,
            "built_at": manifest.built_at,
            "embedding_model": manifest.model_id,
            "dim": manifest.dim,
            "chunk_tokens": manifest.chunk_tokens,
            "corpus_dir": manifest.corpus_dir,
            "bytes": {
                "chroma": folder_bytes(self._layout.chroma) if embedded_store else None,
                "bm25": folder_bytes(generation_dir / "bm25"),
                "manifest": folder_bytes(generation_dir) - folder_bytes(generation_dir / "bm25"),
            },
            "per_document": {d.meta.doc_id: d.clauses for d in manifest.documents},
        }


def open_index(index_dir: Path | str, embedder: Embedder, chroma_host: str = "", chroma_port: int = 8000) -> IndexReader:
    """Raises IndexNotBuilt before the first build, IndexMismatch when the index was built with
    another embedding model, StoreUnavailable when the Chroma server cannot be reached."""
    layout = IndexLayout(index_dir)
    if layout.pointer_stamp() is None:
        raise IndexNotBuilt(str(layout.root))
    return IndexReader(layout, ClauseStore(layout.chroma, chroma_host, chroma_port), embedder.model_id)
