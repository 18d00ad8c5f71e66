"""Build the clause index (Chroma rows + keyword segments) from corpus folders, one document at a time.

A build is incremental by document: files are compared by content hash (index/changes.py), only
new or changed ones are parsed and embedded (vectors also come from a content-addressed cache),
their clause rows are added to the store and the rows of changed or removed documents retired,
and the keyword index gains one small segment. It is atomic for readers: rows carry the
generations that see them, and the version pointer moves last (index/store/versions.py). A
forced build, a new embedding model or a new index format rebuilds everything into a fresh
collection, switched to just as atomically.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from index.changes import Parsed, clauses_hash, list_sources, parse_sources, parser_fingerprint
from index.embed import Embedder, EmbeddingCache, embed_with_cache
from index.ingest.load import DEFAULT_MAX_BYTES
from index.reader import IndexReader, open_index  # noqa: F401  (the reading side, re-exported)
from index.store import sentences as sentence_store
from index.store.chroma import ClauseStore, row_id
from index.store.keyword import KeywordIndex, Segment, merge
from index.store.records import packed
from index.store.versions import (DocumentRecord, IndexLayout, VersionManifest, Versions, generation_name,
                                  mark_written_here)
from qa.core.errors import PolicyQAError, UnreadableFile
from qa.core.types import BuildReport, Clause, DocumentMeta, Skipped

# Bump when what a generation stores changes (row metadata, keyword tokens): the next build
# rebuilds everything instead of mixing layouts.
INDEX_FORMAT = 5  # 3: sentence vectors (index/store/sentences.py); 4: one JSON record per row (store/records.py);
# 5: records in the keyword segments, rows hold vectors and filter keys only (store/keyword.py)
MAX_SEGMENTS = 8  # beyond this, the small segments are merged into one

# stage ("read" | "embed" | "sentences" | "store"), done, total: index/ reports, the faces draw.
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
    index_name: str = "",
    workers: int = 0,
    max_file_bytes: int = DEFAULT_MAX_BYTES,
) -> BuildReport:
    """Bring the index at index_dir up to date with corpus_dir (and each extra_dirs folder, e.g.
    the app's uploads).

    `excluded` document ids are left out, `metadata_overrides` (id → fields) re-tag documents, and
    `on_built` runs inside the build lock once the result is in place (the app's library records
    its change there, before another build can start). Nothing is written when no document
    changed, unless `force`. `workers` parse in that many processes (0: one per core)."""
    started = time.monotonic()
    if not Path(corpus_dir).is_dir():
        raise UnreadableFile(
            f"The corpus folder {corpus_dir} does not exist.", hint="Set POLICYQA_CORPUS or pass --corpus DIR."
        )
    layout = IndexLayout(index_dir, index_name, on_server=bool(chroma_host))
    # On a server the lease and the build share one client; an embedded store opens under the lock.
    served = ClauseStore(layout.chroma, chroma_host, chroma_port) if chroma_host else None
    with layout.build_lock(chroma_host, chroma_port, served):
        store = served or ClauseStore(layout.chroma)
        versions = Versions(layout, store)
        previous = _recover(versions)
        parser = parser_fingerprint(chunk_tokens, INDEX_FORMAT)
        full = force or previous is None or previous.model_id != embedder.model_id \
            or previous.extra.get("format") != INDEX_FORMAT
        sources, skipped = list_sources([corpus_dir, *extra_dirs], parser, excluded, metadata_overrides)
        before = {} if full else {d.meta.doc_id: d for d in previous.documents}
        todo = [s for s in sources if s.doc_id not in before or before[s.doc_id].content_hash != s.key]
        parsed, unreadable = parse_sources(todo, chunk_tokens, lambda d, t: progress("read", d, t), workers,
                                               max_file_bytes)
        skipped += unreadable
        plan = _Plan(previous, before, sources, parsed, full)
        if not plan.documents:
            reasons = "; ".join(f"{Path(s.path).name}: {s.reason}" for s in skipped) or "the folder is empty"
            raise UnreadableFile(
                f"No readable documents in {corpus_dir} ({reasons}).",
                hint="The current index is unchanged. Add .txt/.md/.html/.pdf/.docx files and build again.",
            )

        def report(embedded: int, generation: str, unchanged: bool) -> BuildReport:
            return BuildReport(
                documents=len(plan.documents), skipped=tuple(skipped), clauses=sum(d.clauses for d in plan.documents),
                embedded=embedded, reused=sum(d.clauses for d in plan.documents) - embedded, removed_documents=plan.removed,
                seconds=time.monotonic() - started, index_dir=str(layout.root), added=plan.added,
                changed=plan.changed, generation=generation, unchanged=unchanged, model_id=embedder.model_id,
                store=store.location, duplicates=plan.duplicates,
            )

        if not plan.touches_anything:
            if plan.records_changed:  # a path or parse key moved, the clauses did not
                versions.put_manifest(_manifest(previous, plan.documents))
            on_built()
            return report(0, previous.generation, unchanged=True)
        _check_unique_ids(plan.clauses)
        with ThreadPoolExecutor(1) as side:  # reported only: found beside the build's waits on the store
            duplicates = side.submit(_duplicates, [p.document for p in plan.written])
            vectors, embedded, sentences = _embed(embedder, plan, layout, Path(cache_dir), progress)
            manifest = _write(versions, plan, vectors, embedder, chunk_tokens, corpus_dir, parser, progress, sentences)
            plan.duplicates = duplicates.result()
        on_built()
        if not full:  # what this build retired, by id (a where would scan the whole collection)
            store.delete_rows(manifest.collection, plan.retired_rows)
        versions.forget(manifest)
        versions.set_pointer(manifest.generation, pending=False)
        return report(embedded, manifest.generation, unchanged=False)


class _Plan:
    """The next generation's documents: kept records, and the parses that replace or add some."""

    def __init__(self, previous: VersionManifest | None, before: dict[str, DocumentRecord], sources,
                 parsed: Sequence[Parsed], full: bool) -> None:
        self.previous, self.full = previous, full
        fresh = {p.source.doc_id: p for p in parsed}
        now = {s.doc_id for s in sources}
        self.written: list[Parsed] = []
        self.documents: list[DocumentRecord] = []
        for source in sources:
            old, new = before.get(source.doc_id), fresh.get(source.doc_id)
            if new is None:
                if old is not None and old.content_hash == source.key:
                    self.documents.append(old)
                continue  # unreadable now: it leaves the index
            record = DocumentRecord(new.document.document.meta, str(source.path), source.key,
                                    len(new.document.clauses), new.clauses_hash or clauses_hash(new.document))
            if old is None or old.clauses_hash != record.clauses_hash:
                self.written.append(new)
            self.documents.append(record)
        kept = {d.meta.doc_id for d in self.documents}
        written = {p.source.doc_id for p in self.written}
        known = {d.meta.doc_id: d for d in previous.documents} if previous else {}
        self.added = tuple(p.source.doc_id for p in self.written if p.source.doc_id not in known)
        self.changed = tuple(p.source.doc_id for p in self.written if p.source.doc_id in known
                             and known[p.source.doc_id].clauses_hash != (p.clauses_hash or clauses_hash(p.document)))
        self.removed = tuple(d for d in known if d not in kept or d not in now)
        self.retired = tuple(sorted((written & set(known)) | set(self.removed)))
        self.clauses: list[Clause] = [c for p in self.written for c in p.document.clauses]
        self.records_changed = previous is not None and tuple(self.documents) != previous.documents
        self.touches_anything = full or bool(written or self.removed)
        self.retired_rows: list[str] = []  # store ids _write hid from the new generation
        self.duplicates: tuple[str, ...] = ()


def _embed(embedder: Embedder, plan: _Plan, layout: IndexLayout, cache_dir: Path,
           progress: Progress) -> tuple[np.ndarray, int, list]:
    """The new clauses' vectors, how many were computed, and the next generation's sentence
    vectors for the answerer (index/store/sentences.py), all through the embedding cache."""
    cache = EmbeddingCache(cache_dir)
    embedding = lambda done, total: progress("embed", done, total)  # noqa: E731
    per_sentence = lambda done, total: progress("sentences", done, total)  # noqa: E731  a bar of its own
    try:
        vectors, embedded = embed_with_cache(embedder, [c.search_text for c in plan.clauses], cache, progress=embedding)
        sentences = sentence_store.update(layout.root, plan.previous, plan.full, plan.retired, plan.clauses,
                                          int(vectors.shape[1]),
                                          lambda texts: embed_with_cache(embedder, texts, cache, progress=per_sentence)[0])
    finally:
        cache.close()
    return vectors, embedded, sentences


def _recover(versions: Versions) -> VersionManifest | None:
    """The current manifest, after undoing what a killed build left (rows of a generation that
    never became current, retirements it made) and finishing a switch it did not clean up."""
    pointer = versions.pointer()
    if pointer is None:
        return None
    manifest = versions.manifest(pointer[0])
    if manifest is not None and pointer[1]:
        versions.store.settle(manifest.collection, manifest.number)
        versions.forget(manifest)
        versions.set_pointer(manifest.generation, pending=False)
    return manifest


def _write(versions: Versions, plan: _Plan, vectors: np.ndarray, embedder: Embedder, chunk_tokens: int,
           corpus_dir, parser: str, progress: Progress, sentences: list | None = None) -> VersionManifest:
    """Rows, keyword segment and manifest of the next generation; the pointer moves last."""
    store, layout, previous = versions.store, versions.layout, plan.previous
    number = previous.number + 1 if previous else 1
    generation = generation_name(number)
    mark_written_here(layout, generation)
    if plan.full:
        collection = layout.clause_collection(number)
        store.drop(collection)  # a leftover of a killed build with the same number
        store.create(collection)
    else:
        collection = previous.collection
        store.widen_search(collection)
        versions.set_pointer(previous.generation, pending=True)  # readers filter by generation from now
    metas = {p.document.document.meta.doc_id: p.document.document.meta for p in plan.written}
    sent = [0]

    def stored(rows: int) -> None:
        sent[0] += rows
        progress("store", sent[0], len(plan.clauses))

    # The keyword segment (postings, records) is built and stored while the server takes the rows:
    # that upload waits on the server, this is the client's CPU (5 s per 10k clauses).
    with ThreadPoolExecutor(1) as side:
        keyword = side.submit(_keyword_segments, versions, plan, number, metas)
        store.add_rows(collection, plan.clauses, vectors, metas, number, stored)
        segments = keyword.result()
    if not plan.full:
        plan.retired_rows = store.retire(collection, _live_rows(versions, plan), number)
    manifest = VersionManifest(
        generation=generation, collection=collection, model_id=embedder.model_id, dim=int(vectors.shape[1]),
        chunk_tokens=chunk_tokens, store=store.location,
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        corpus_dir=str(Path(corpus_dir).resolve()), parser=parser, documents=tuple(plan.documents),
        segments=segments, extra={"format": INDEX_FORMAT, sentence_store.EXTRA: sentences or []},
    )
    versions.put_manifest(manifest)
    versions.set_pointer(generation, pending=not plan.full)
    return manifest


def _keyword_segments(versions: Versions, plan: _Plan, number: int, metas: Mapping[str, DocumentMeta]
                      ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The previous segments with the retired documents marked deleted, plus one for the new rows
    (their postings and clause records); small segments merged when there are too many, all of
    them when a quarter is deleted."""
    old = [] if plan.full else [(name, (*deleted, *plan.retired)) for name, deleted in plan.previous.segments]
    name = f"s{number:04d}-{uuid.uuid4().hex[:8]}"  # never reused: a killed build's segment may linger
    fresh = Segment.build(name, [row_id(c.clause_id, number) for c in plan.clauses], [c.doc_id for c in plan.clauses],
                          [t for p in plan.written for t in p.tokens], [packed(c, metas[c.doc_id]) for c in plan.clauses])
    opened = [(versions.segment(old_name), deleted) for old_name, deleted in old] + ([(fresh, ())] if fresh.size else [])
    opened = [(s, d) for s, d in opened if len(s.rows_of(d)) < s.size]  # wholly deleted: dropped
    index = KeywordIndex([s for s, _ in opened], [d for _, d in opened])
    total = sum(s.size for s, _ in opened)
    if total and index.live < 0.75 * total:
        opened = [(merge(name + "m", *zip(*opened)), ())]
    elif len(opened) > MAX_SEGMENTS:
        opened.sort(key=lambda pair: -pair[0].size)
        small = opened[1:]
        opened = [opened[0], (merge(name + "m", [s for s, _ in small], [d for _, d in small]), ())]
    for segment, _ in opened:
        if not (versions.layout.keyword / segment.name).exists():
            versions.put_segment(segment)
    return tuple((s.name, tuple(sorted(set(d)))) for s, d in opened)


def _live_rows(versions: Versions, plan: _Plan) -> list[str]:
    """The store ids of the rows of the retired documents that the previous generation sees."""
    retired, ids = set(plan.retired), []
    for name, deleted in plan.previous.segments if retired else ():
        segment = versions.segment(name)
        ids += [str(i) for i in np.asarray(segment.ids)[segment.rows_of(retired - set(deleted))]]
    return ids


def _manifest(previous: VersionManifest, documents: Sequence[DocumentRecord]) -> VersionManifest:
    from dataclasses import replace

    return replace(previous, documents=tuple(documents))


def _duplicates(parsed) -> tuple[str, ...]:
    from index.ingest.duplicates import find_duplicates  # reported, never dropped: the user decides

    return tuple(find_duplicates(list(parsed)).messages()) if parsed else ()


def _check_unique_ids(clauses: Sequence[Clause]) -> None:
    seen: set[str] = set()
    duplicates = sorted({c.clause_id for c in clauses if c.clause_id in seen or seen.add(c.clause_id)})
    if duplicates:
        raise PolicyQAError(
            f"The parser produced duplicate clause ids: {', '.join(duplicates[:5])}.",
            hint="Two documents may share a file stem, or a document repeats a numbering; rename or fix the file.",
        )


__all__ = ["build_index", "open_index", "IndexReader", "Skipped"]
