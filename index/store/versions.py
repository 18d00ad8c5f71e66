"""On-disk layout of an index folder and the generation switch that makes builds atomic.

    index_dir/
      CURRENT                  {"generation": "g0007"}: replaced atomically, last step of a build
      generations/g0007/       manifest.json + bm25/ of one complete build
      chroma/                  the embedded Chroma store (unused with a Chroma server)
      build.lock               flock'ed by the one running build

A reader follows CURRENT; a build writes a new generation beside it and only then moves the
pointer, so a build that dies midway leaves the previous generation answering.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from qa.core.errors import IndexBusy
from qa.core.types import DocumentMeta

_POINTER = "CURRENT"
_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class DocumentRecord:
    meta: DocumentMeta
    path: str
    content_hash: str
    clauses: int


@dataclass(frozen=True)
class VersionManifest:
    generation: str  # "g0007"
    collection: str  # the Chroma collection holding this generation's clauses
    model_id: str
    dim: int
    chunk_tokens: int
    store: str  # folder or http://host:port
    built_at: str
    corpus_dir: str
    fingerprint: str  # changes whenever anything stored would change
    documents: tuple[DocumentRecord, ...]
    clauses: tuple[tuple[str, str, str], ...]  # (clause_id, doc_id, clause hash), in document order
    extra: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> VersionManifest:
        raw = json.loads(text)
        documents = tuple(
            DocumentRecord(DocumentMeta(**d["meta"]), d["path"], d["content_hash"], d["clauses"]) for d in raw["documents"]
        )
        clauses = tuple(tuple(row) for row in raw["clauses"])
        return cls(**{**raw, "documents": documents, "clauses": clauses})


class IndexLayout:
    def __init__(self, index_dir: Path | str) -> None:
        self.root = Path(index_dir).expanduser().resolve()
        self.pointer = self.root / _POINTER
        self.generations = self.root / "generations"
        self.chroma = self.root / "chroma"
        self.lock = self.root / "build.lock"
        # Collections on a shared Chroma server must not collide between index folders.
        self.collection_prefix = "policyqa_" + hashlib.sha1(str(self.root).encode()).hexdigest()[:10]

    def generation_dir(self, generation: str) -> Path:
        return self.generations / generation

    def collection_name(self, generation: str) -> str:
        return f"{self.collection_prefix}_{generation}"

    def current_generation(self) -> str | None:
        try:
            return json.loads(self.pointer.read_text(encoding="utf-8"))["generation"]
        except FileNotFoundError:
            return None

    def pointer_stamp(self) -> tuple[int, int] | None:
        """Changes whenever the pointer is replaced: cheap to check before every query."""
        try:
            st = self.pointer.stat()
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns

    def read_manifest(self, generation: str) -> VersionManifest:
        return VersionManifest.from_json((self.generation_dir(generation) / _MANIFEST).read_text(encoding="utf-8"))

    def next_generation(self) -> str:
        numbers = [int(p.name[1:]) for p in self.generations.glob("g[0-9]*") if p.name[1:].isdigit()]
        current = self.current_generation()
        if current:
            numbers.append(int(current[1:]))
        return f"g{max(numbers, default=0) + 1:04d}"

    def write_manifest(self, manifest: VersionManifest) -> None:
        _write_atomic(self.generation_dir(manifest.generation) / _MANIFEST, manifest.to_json())

    def switch_to(self, generation: str) -> None:
        _write_atomic(self.pointer, json.dumps({"generation": generation}))

    def stale_generations(self) -> list[str]:
        """Generation folders that are not current: superseded, or left by a killed build."""
        current = self.current_generation()
        return sorted(p.name for p in self.generations.glob("g*") if p.is_dir() and p.name != current)

    def remove_generation_files(self, generation: str) -> None:
        shutil.rmtree(self.generation_dir(generation), ignore_errors=True)

    @contextmanager
    def build_lock(self) -> Iterator[None]:
        """One build at a time per index folder, through filelock (portable; on POSIX it is an
        flock, which the kernel releases when a build is killed, so a dead build never blocks
        the next one). The holder's pid sits beside the lock for the message a waiter gets."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.lock, timeout=0)
        holder_file = self.lock.with_name(self.lock.name + ".holder")
        try:
            lock.acquire()
        except Timeout:
            holder = holder_file.read_text(encoding="utf-8").strip() if holder_file.exists() else ""
            raise IndexBusy(
                f"Another build (pid {holder or 'unknown'}) is writing the index at {self.root}.",
                hint="Wait for it to finish, then run the build again if you still need to.",
            ) from None
        try:
            holder_file.write_text(str(os.getpid()), encoding="utf-8")
            yield
        finally:
            holder_file.unlink(missing_ok=True)
            lock.release()


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself must survive a crash
    finally:
        os.close(directory)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0
