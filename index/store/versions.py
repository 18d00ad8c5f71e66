"""Index versions: what a generation holds, which one readers see, and where each piece lives.

Everything a serving process needs sits in the clause store (an embedded Chroma folder, or a
Chroma server any host can reach), beside the clauses, in one small "meta" collection:

    pointer                  {"generation": "g0007", "pending": false}: replaced last by a build
    manifest:g0007           documents, keyword segments and settings of generation 7

and, for hosts that lack a keyword segment, its arrays (clause records included) in a
collection of its own, `<prefix>_k_<segment>`: records part:<i> (base64) and parts (how many).

Each value is a metadata string, not a Chroma document (documents get a full-text index). A
build on a server also holds `<prefix>_lock`, a collection naming its host (server_lease), since
the build lock below is a file only one host sees.

Clause rows carry the generations that see them (chroma.py: gen_from, gen_to), so a build adds
and retires rows in place, writes its manifest, and only then moves the pointer: a reader
never sees a half-applied change, and a build killed at any point leaves the previous
generation answering. "pending" tells readers that rows of another generation may be present
(a build is running, or was killed), so queries must filter by generation.

Chroma rows hold only vectors and filter keys (records.py); a reader takes a clause's record
from the keyword segment that holds its row (clause_records.py).

The local folder holds the build lock and the keyword segments, memory-mapped:

    index_dir/keyword/<segment>/   *.npy (written by the build, or fetched once from the store)
    index_dir/chroma/              the embedded Chroma store (unused with a Chroma server)
    index_dir/build.lock           held by the one running build (filelock)
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path

from index.store.chroma import ClauseStore
from index.store.keyword import Segment
from qa.core.errors import IndexBusy
from qa.core.types import DocumentMeta

_BLOB_CHARS = 4_000_000  # per record: well under any HTTP body limit
_PACKED = "z:"  # a manifest stored zlib-compressed, base64 (an uncompressed one is JSON: "{")


@dataclass(frozen=True)
class DocumentRecord:
    meta: DocumentMeta
    path: str
    content_hash: str  # of the file and everything that shapes its parse (see build.file_key)
    clauses: int
    clauses_hash: str = ""  # of the parsed clauses: a parser change that alters nothing rewrites nothing


@dataclass(frozen=True)
class VersionManifest:
    generation: str  # "g0007"
    collection: str  # the Chroma collection holding the clause rows
    model_id: str
    dim: int
    chunk_tokens: int
    store: str  # folder or http://host:port
    built_at: str
    corpus_dir: str
    parser: str  # fingerprint of the ingestion code and settings the documents were parsed with
    documents: tuple[DocumentRecord, ...]
    segments: tuple[tuple[str, tuple[str, ...]], ...]  # (keyword segment, documents deleted from it)
    extra: dict = field(default_factory=dict)

    @property
    def number(self) -> int:
        return generation_number(self.generation)

    @property
    def clauses(self) -> int:
        return sum(d.clauses for d in self.documents)

    def to_json(self) -> str:
        # Shallow field dicts, not asdict (a deep copy: 0.3 s for 2,000 documents); same JSON.
        fields_of = lambda value: {f.name: getattr(value, f.name) for f in fields(value)}  # noqa: E731
        raw = {**fields_of(self), "documents": [{**fields_of(d), "meta": fields_of(d.meta)} for d in self.documents]}
        return json.dumps(raw, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> VersionManifest:
        raw = json.loads(text)
        documents = tuple(DocumentRecord(**{**d, "meta": DocumentMeta(**d["meta"])}) for d in raw["documents"])
        segments = tuple((name, tuple(deleted)) for name, deleted in raw["segments"])
        return cls(**{**raw, "documents": documents, "segments": segments})


def generation_name(number: int) -> str:
    return f"g{number:04d}"


def generation_number(name: str) -> int:
    return int(name[1:])


class IndexLayout:
    def __init__(self, index_dir: Path | str, name: str = "", on_server: bool = False) -> None:
        self.root = Path(index_dir).expanduser().resolve()
        self.chroma = self.root / "chroma"
        self.keyword = self.root / "keyword"
        self.lock = self.root / "build.lock"
        # Indexes on a shared Chroma server must not collide: named (replicas that share one index
        # share its name, see README), or by folder. An embedded store is the folder's own, so a
        # copied index folder still opens.
        folder = hashlib.sha1(str(self.root).encode()).hexdigest()[:10] if on_server else "index"
        self.collection_prefix = "policyqa_" + (name or folder)
        self.meta_collection = f"{self.collection_prefix}_meta"
        self.blob_collection = f"{self.collection_prefix}_blobs"

    def clause_collection(self, number: int) -> str:
        return f"{self.collection_prefix}_c{number:04d}"

    @contextmanager
    def build_lock(self, chroma_host: str = "", chroma_port: int = 8000, store: ClauseStore | None = None
                   ) -> Iterator[None]:
        """One build at a time per index folder, through filelock (portable; on POSIX it is an
        flock, which the kernel releases when a build is killed, so a dead build never blocks
        the next one). The holder's pid sits beside the lock for the message a waiter gets.
        With a Chroma server, other hosts may write the same index: a lease on the server
        (server_lease) keeps them out too; `store`, the build's own client to that server, spares
        opening a second one (a few round trips)."""
        # Imported here: only a build takes the lock, and the import is 0.03 s of a cold question.
        from filelock import FileLock, Timeout

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
            if chroma_host:
                with server_lease(self, store or ClauseStore(self.chroma, chroma_host, chroma_port)):
                    yield
            else:
                yield
        finally:
            holder_file.unlink(missing_ok=True)
            lock.release()


LEASE_SECONDS = 120.0  # a lease not renewed for this long belongs to a dead build
_RENEW_EVERY = LEASE_SECONDS / 4


@contextmanager
def server_lease(layout: IndexLayout, store: ClauseStore) -> Iterator[None]:
    """One build at a time per index on a Chroma server, from any host: a collection named for
    the index, created only if absent, carries the holder (host, pid, folder) and a heartbeat a
    thread renews. A second build is refused, naming the holder. A lease whose holder died is
    taken over: at once when the holder ran on this host (its pid is gone), otherwise once its
    heartbeat is LEASE_SECONDS old. Two hosts taking over the same dead lease in the same instant
    could both succeed; Chroma offers no compare-and-set to close that gap."""
    import threading
    import time

    name = f"{layout.collection_prefix}_lock"
    me = {"host": socket_name(), "pid": os.getpid(), "folder": str(layout.root), "beat": time.time()}
    held = store.claim(name, me)
    if held is not None and _lease_dead(held, me["host"]):
        store.drop(name)
        held = store.claim(name, me)
    if held is not None:
        age = time.time() - float(held.get("beat", 0))
        raise IndexBusy(
            f"Another build (host {held.get('host', '?')}, pid {held.get('pid', '?')}, index folder "
            f"{held.get('folder', '?')}) is writing this index on the Chroma server {store.location} "
            f"(heartbeat {age:.0f} s ago).",
            hint="Build from one host at a time: wait for that build to finish. If it was killed, "
            f"its lease lapses {LEASE_SECONDS:.0f} s after its last heartbeat.",
        )
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(_RENEW_EVERY):
            try:
                store.touch(name, {**me, "beat": time.time()})
            except Exception:  # a missed beat only shortens the lease; the build goes on
                pass

    beat = threading.Thread(target=renew, name="policyqa-build-lease", daemon=True)
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join(timeout=5)
        store.drop(name)


def socket_name() -> str:
    import socket

    return socket.gethostname()


def _lease_dead(held: dict, this_host: str) -> bool:
    import time

    if held.get("host") == this_host:
        try:
            pid = int(held.get("pid", 0))
            if pid <= 0:
                return True
            os.kill(pid, 0)
        except (ProcessLookupError, ValueError):
            return True
        except PermissionError:
            return False
    return time.time() - float(held.get("beat", 0)) > LEASE_SECONDS


class Versions:
    """The pointer, manifests and keyword segments of one index, in its store."""

    def __init__(self, layout: IndexLayout, store: ClauseStore) -> None:
        self.layout, self.store = layout, store
        self._meta = layout.meta_collection
        # Manifests and segments apart from the pointer: in a collection holding a few MB of
        # records, every write took the server 150 ms instead of 25 (measured, `chroma run`), and
        # a build moves the pointer three times.
        self._blobs = layout.blob_collection

    def pointer(self) -> tuple[str, bool] | None:
        """(current generation, pending), None before the first build."""
        found = self.store.get_records(self._meta, ["pointer"]).get("pointer")
        if found is None:
            return None
        raw = json.loads(found)
        return raw["generation"], bool(raw.get("pending"))

    def set_pointer(self, generation: str, pending: bool) -> None:
        self.store.put_records(self._meta, {"pointer": json.dumps({"generation": generation, "pending": pending})})
        _POINTER_MOVES[0] += 1

    def manifest(self, generation: str) -> VersionManifest | None:
        found = self._blob(f"manifest:{generation}")
        if found and found.startswith(_PACKED):
            found = zlib.decompress(base64.b64decode(found[len(_PACKED):])).decode("utf-8")
        return VersionManifest.from_json(found) if found else None

    def put_manifest(self, manifest: VersionManifest) -> None:
        # Compressed: the server's time to store (and later delete) a record grows with its size,
        # about 1.2 s per MB; a 2,000-document manifest was 1.2 s to write and 0.9 s to delete.
        packed = base64.b64encode(zlib.compress(manifest.to_json().encode("utf-8"), 6)).decode("ascii")
        self.store.put_records(self._blobs, {f"manifest:{manifest.generation}": _PACKED + packed})

    def put_segment(self, segment: Segment) -> None:
        """Into the local folder, and into the store when other hosts read it (a server)."""
        segment.save(self.layout.keyword / segment.name)
        if self.store.host:
            # A collection per segment: any write to a collection holding tens of MB of records
            # cost the server a second (100k clauses), so manifests stay apart from segments, and
            # a segment no generation uses is dropped whole.
            text = base64.b64encode(segment.to_bytes()).decode("ascii")
            parts = [text[i : i + _BLOB_CHARS] for i in range(0, len(text), _BLOB_CHARS)] or [""]
            home = self._segment_collection(segment.name)
            self.store.put_records(home, {f"part:{i:04d}": p for i, p in enumerate(parts)})
            self.store.put_records(home, {"parts": str(len(parts))})  # complete now

    def _segment_collection(self, name: str) -> str:
        return f"{self.layout.collection_prefix}_k_{name}"

    def segment(self, name: str) -> Segment:
        """Memory-mapped from the local folder; fetched from the store once when this host lacks it."""
        folder = self.layout.keyword / name
        if not folder.exists() and self.store.host:
            home = self._segment_collection(name)
            count = self.store.get_records(home, ["parts"]).get("parts")
            if count is not None:
                keys = [f"part:{i:04d}" for i in range(int(count))]
                parts = self.store.get_records(home, keys)
            else:  # written before segments had collections of their own
                count = self._blob(f"segment:{name}")
                keys = [f"segment:{name}:{i:04d}" for i in range(int(count or 0))]
                parts = {key: self._blob(key) for key in keys}
            if parts:
                Segment.from_bytes(name, base64.b64decode("".join(parts[k] for k in keys))).save(folder)
        return Segment.load(folder)

    def forget(self, keep: VersionManifest) -> None:
        """Deletes manifests, segments and clause collections `keep` does not use."""
        for collection in (self._meta, self._blobs):
            self._forget_records(collection, keep)
        for folder in self.layout.keyword.glob("*") if self.layout.keyword.exists() else ():
            if folder.name not in {name for name, _ in keep.segments}:
                shutil.rmtree(folder, ignore_errors=True)
        for name in self.store.collection_names(self.layout.collection_prefix + "_c"):
            if name != keep.collection:
                self.store.drop(name)
        used = {self._segment_collection(name) for name, _ in keep.segments}
        for name in self.store.collection_names(self._segment_collection("")):
            if name not in used:
                self.store.drop(name)

    def _blob(self, key: str) -> str | None:
        """A manifest or segment record; an index written before they moved out of the meta
        collection keeps them there."""
        found = self.store.get_records(self._blobs, [key]).get(key)
        return found if found is not None else self.store.get_records(self._meta, [key]).get(key)

    def _forget_records(self, collection: str, keep: VersionManifest) -> None:
        records = self.store.get_records(collection, prefix="")
        used = {name for name, _ in keep.segments}
        stale = [k for k in records if (k.startswith("manifest:") and k != f"manifest:{keep.generation}")
                 or (k.startswith("segment:") and k.split(":")[1] not in used)]
        self.store.delete_records(collection, stale)


_WRITTEN_HERE: set[tuple[str, str, str]] = set()
_POINTER_MOVES = [0]


def pointer_moves() -> int:
    """How often this process moved a pointer: its readers look again at once when it changes."""
    return _POINTER_MOVES[0]


def mark_written_here(layout: IndexLayout, generation: str) -> None:
    """This process wrote the generation: its own Chroma client already sees the rows."""
    _WRITTEN_HERE.add((str(layout.root), layout.collection_prefix, generation))


def written_here(layout: IndexLayout, generation: str) -> bool:
    return (str(layout.root), layout.collection_prefix, generation) in _WRITTEN_HERE


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def segment_names(manifest: VersionManifest) -> Sequence[str]:
    return [name for name, _ in manifest.segments]
