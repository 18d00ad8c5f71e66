"""What a build has to do: which files are new, changed or gone since the current generation,
decided by content hash before anything is parsed, and the parsing of just those files.

A file's key hashes its bytes with everything else that shapes its parse: its manifest entry,
the metadata overrides the app's library holds for it, and the parser fingerprint (ingestion
code, chunk size). An unchanged key means an unchanged document, so it is not read again.
Files are parsed (and their keyword tokens made) in worker processes when there are enough of
them to pay for starting the workers.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, fields
from functools import cache
from multiprocessing import get_context
from pathlib import Path

from index.ingest.corpus import corpus_files, parse_file
from index.ingest.load import DEFAULT_MAX_BYTES
from index.ingest.meta import doc_id_for, read_manifest
from index.store.keyword import tokens_of
from qa.core.errors import FileTooLarge, GarbledText, UnreadableFile
from qa.core.types import Clause, DocumentMeta, ParsedDocument, SkipReason, Skipped

# Starting a worker costs a second or two (imports, jieba's dictionary): below this many files
# one process is faster.
POOL_MIN_FILES = 24
_INGEST = Path(__file__).resolve().parent / "ingest"


@dataclass(frozen=True)
class SourceFile:
    path: Path
    doc_id: str
    meta: DocumentMeta | None  # the manifest's entry, None to infer from the file
    overrides: Mapping[str, str] | None
    key: str


@dataclass(frozen=True)
class Parsed:
    document: ParsedDocument
    tokens: tuple[tuple[str, ...], ...]  # keyword terms per clause
    source: SourceFile
    clauses_hash: str = ""  # clauses_hash(document), computed in the worker that parsed it


def parser_fingerprint(chunk_tokens: int, index_format: int) -> str:
    """Changes when the ingestion code or its settings change: every document is parsed again."""
    return hashlib.sha256(f"{index_format}\x00{chunk_tokens}\x00{_ingest_code()}".encode()).hexdigest()


@cache
def _ingest_code() -> str:
    """The ingestion code this process runs: read once, since edits after the start do not run."""
    digest = hashlib.sha256()
    for path in sorted(_INGEST.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def list_sources(folders: Sequence[Path | str], parser: str, excluded: Collection[str] = (),
                 overrides: Mapping[str, Mapping[str, str]] | None = None) -> tuple[list[SourceFile], list[Skipped]]:
    """Every file a build would read, with its key, in corpus order; and what is skipped outright."""
    sources: list[SourceFile] = []
    skipped: list[Skipped] = []
    owners: dict[str, str] = {}
    for folder in map(Path, folders):
        if not folder.is_dir():
            continue
        listed = read_manifest(folder)
        files, more_skipped = corpus_files(folder, listed)
        skipped += more_skipped
        for path in files:
            meta = listed.get(path.name)
            doc_id = meta.doc_id if meta else doc_id_for(path.stem)
            if doc_id in excluded:
                continue
            if doc_id in owners:
                skipped.append(Skipped(str(path), f"same document id '{doc_id}' as {owners[doc_id]}; rename one of them",
                                       SkipReason.DUPLICATE_ID))
                continue
            owners[doc_id] = path.name
            extra = (overrides or {}).get(doc_id)
            digest = hashlib.sha256(path.read_bytes())
            digest.update(json.dumps([parser, asdict(meta) if meta else None, dict(extra or {})],
                                     ensure_ascii=False, sort_keys=True).encode())
            sources.append(SourceFile(path, doc_id, meta, extra, digest.hexdigest()))
    return sources, skipped


_SKIP_KIND = {FileTooLarge: SkipReason.TOO_LARGE, GarbledText: SkipReason.GARBLED}


def _parse_one(source: SourceFile, chunk_tokens: int, max_bytes: int = DEFAULT_MAX_BYTES) -> Parsed | Skipped:
    try:
        parsed = parse_file(source.path, source.meta, chunk_tokens, max_bytes, overrides=source.overrides)
    except UnreadableFile as exc:
        return Skipped(str(source.path), exc.message, _SKIP_KIND.get(type(exc), SkipReason.UNREADABLE))
    tokens = tuple(tuple(t) for t in tokens_of(c.search_text for c in parsed.clauses))
    # Hashed here, in the worker: asdict over every clause cost the build process 5 s per 10k clauses.
    return Parsed(parsed, tokens, source, clauses_hash(parsed))


def parse_sources(sources: Sequence[SourceFile], chunk_tokens: int, progress: Callable[[int, int], None],
                  workers: int = 0, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[Parsed], list[Skipped]]:
    """Parses the files (in order), in `workers` processes (0: one per core) when there are many."""
    workers = workers or os.cpu_count() or 1
    results: list[Parsed | Skipped] = []
    progress(0, len(sources))
    if workers > 1 and len(sources) >= POOL_MIN_FILES:
        # forkserver: the build process holds Chroma's threads, which a fork must not copy.
        with ProcessPoolExecutor(workers, mp_context=get_context("forkserver")) as pool:
            chunk = max(1, len(sources) // (workers * 8))
            for result in pool.map(_parse_one, sources, [chunk_tokens] * len(sources), [max_bytes] * len(sources),
                                   chunksize=chunk):
                results.append(result)
                progress(len(results), len(sources))
    else:
        for source in sources:
            results.append(_parse_one(source, chunk_tokens, max_bytes))
            progress(len(results), len(sources))
    return [r for r in results if isinstance(r, Parsed)], [r for r in results if isinstance(r, Skipped)]


def clauses_hash(document: ParsedDocument) -> str:
    digest = hashlib.sha256(json.dumps(asdict(document.document.meta), ensure_ascii=False, sort_keys=True).encode())
    names = [f.name for f in fields(Clause)]
    for clause in document.clauses:
        # The fields as they are, not asdict's deep copy (a third of the hash's time): a clause
        # holds strings, numbers and tuples of them, which JSON writes alike either way.
        digest.update(json.dumps({n: getattr(clause, n) for n in names}, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()
