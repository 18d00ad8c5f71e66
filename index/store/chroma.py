"""The Chroma adapter: the only module that imports chromadb.

Clauses go in with our vectors (Chroma's own embedding function is never used, so nothing is
ever downloaded) and come out as Clause values; Chroma's nested result dicts never leave this
module. Metadata are plain scalars so any Chroma client can read a collection; their layout is
index/store/records.py's.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from index.store.chroma_startup import lean_chromadb_import
from index.store.records import (RECORD, clause_matches, date_int, document_date_int, document_matches,  # noqa: F401
                                 filter_metadata, from_record, to_metadata, where_for)
from qa.core.errors import IndexNotBuilt, StoreUnavailable
from qa.core.types import Clause, DocumentMeta, Filters

_ADD_BATCH = 256
# Rows of vectors and filter keys (add_rows): 4,096 rows into `chroma run` on this 2-core machine
# went in at 690 rows/s one request at a time (512 a request), 960/s with three in flight: the
# server waits on its writes between requests. Larger requests were slower (4,096: 480/s).
_ROWS_BATCH = 512
_ROWS_IN_FLIGHT = 3
T = TypeVar("T")


def _chroma_settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


# Candidates the HNSW graph search explores. At Chroma's default (100), a 100-deep dense list came
# out a little differently from one process to the next (its tail, and so the z-scores fusion
# takes from it, moved answers between runs of the same eval); at 500 the same query gives the
# same list every time on the corpora measured (2,000 rows), at a few milliseconds a query.
HNSW_EF_SEARCH = 500


class ClauseStore:
    """Collections of clauses in an embedded Chroma (a folder) or a Chroma server (host:port)."""

    def __init__(self, path: Path | None = None, host: str = "", port: int = 8000) -> None:
        self.host, self.port, self.fresh = host, port, True
        self._handles: dict[str, object] = {}  # name → collection: a lookup is a round trip to a server
        if host:
            self.location = f"http://{host}:{port}"
            with self._guard(), lean_chromadb_import():
                import chromadb

                self._client = chromadb.HttpClient(host=host, port=port, settings=_chroma_settings())
        else:
            if path is None:
                raise ValueError("ClauseStore needs a path when no Chroma host is given")
            self.location = str(path)
            with lean_chromadb_import():
                import chromadb
                from chromadb.api.shared_system_client import SharedSystemClient

                # A client already open in this process for the folder may predate another's writes.
                self.fresh = self.location not in SharedSystemClient._identifier_to_system
                self._client = chromadb.PersistentClient(path=str(path), settings=_chroma_settings())

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Connection failures to a server become StoreUnavailable naming host:port."""
        try:
            yield
        except Exception as exc:
            if self.host and _is_connection_error(exc):
                raise StoreUnavailable(
                    f"Cannot reach the Chroma server at {self.host}:{self.port} ({type(exc).__name__}).",
                    hint=f"Start it (chroma run --path <dir> --host {self.host} --port {self.port}), "
                    "or unset CHROMA_HOST to use the embedded store.",
                ) from None
            raise

    # --- collections ---------------------------------------------------------------------------
    def collection_names(self, prefix: str = "") -> list[str]:
        with self._guard():
            return sorted(c.name for c in self._client.list_collections() if c.name.startswith(prefix))

    def create(self, name: str) -> None:
        self._handles.pop(name, None)
        with self._guard():
            self._client.create_collection(name, embedding_function=None,
                                           configuration={"hnsw": {"space": "cosine", "ef_search": HNSW_EF_SEARCH}})

    def widen_search(self, name: str) -> None:
        """Gives a collection made before HNSW_EF_SEARCH its search width (ef_search can change
        after creation): an incremental build brings an older index in line."""
        configuration = self._on(name, lambda c: c.configuration_json) or {}
        if (configuration.get("hnsw") or {}).get("ef_search", HNSW_EF_SEARCH) < HNSW_EF_SEARCH:
            self._on(name, lambda c: c.modify(configuration={"hnsw": {"ef_search": HNSW_EF_SEARCH}}))

    def drop(self, name: str) -> None:
        from chromadb.errors import NotFoundError

        self._handles.pop(name, None)
        with self._guard():
            try:
                self._client.delete_collection(name)
            except NotFoundError:
                pass

    def _collection(self, name: str):
        from chromadb.errors import NotFoundError

        if name in self._handles:
            return self._handles[name]
        try:
            handle = self._client.get_collection(name, embedding_function=None)
        except NotFoundError:
            # The index folder points at a collection the store does not hold (a wiped server,
            # or a generation dropped by a rebuild in another process).
            raise IndexNotBuilt(f"{self.location} (collection {name})") from None
        self._handles[name] = handle
        return handle

    def _on(self, name: str, operation: Callable[[Any], T]) -> T:
        """Runs `operation` on the collection's cached handle; once more on a fresh one if the
        collection was dropped (and maybe made again) since the handle was taken."""
        from chromadb.errors import NotFoundError

        with self._guard():
            cached = name in self._handles
            try:
                return operation(self._collection(name))
            except NotFoundError:
                self._handles.pop(name, None)
                if not cached:
                    raise IndexNotBuilt(f"{self.location} (collection {name})") from None
                return operation(self._collection(name))

    def count(self, name: str) -> int | None:
        """Number of clauses in the collection, None when it does not exist."""
        try:
            return self._on(name, lambda c: c.count())
        except IndexNotBuilt:
            return None

    # --- clauses -------------------------------------------------------------------------------
    def add(self, name: str, clauses: Sequence[Clause], vectors: np.ndarray, metas: dict[str, DocumentMeta],
            generation: int | None = None, seqs: Sequence[int] | None = None) -> None:
        """Rows of a `generation` get ids clause_id@generation (a changed clause lives twice
        while a build runs: the old row for current readers, the new one for the next version)
        and are visible from that generation on; `seqs` keep each clause's place in its document.
        No Chroma document: the text is in the record (records.py), so no full-text index is made."""
        for start in range(0, len(clauses), _ADD_BATCH):
            batch = clauses[start : start + _ADD_BATCH]
            records = [to_metadata(c, metas[c.doc_id]) for c in batch]
            if generation is not None:
                for i, (clause, record) in enumerate(zip(batch, records)):
                    record.update(clause_id=clause.clause_id, gen_from=generation, gen_to=ALIVE,
                                  seq=seqs[start + i] if seqs is not None else start + i)
            ids = [c.clause_id if generation is None else row_id(c.clause_id, generation) for c in batch]
            rows = np.asarray(vectors[start : start + len(batch)], dtype=np.float32)
            self._on(name, lambda c, ids=ids, rows=rows, records=records: c.add(ids=ids, embeddings=rows, metadatas=records))

    def add_rows(self, name: str, clauses: Sequence[Clause], vectors: np.ndarray, metas: dict[str, DocumentMeta],
                 generation: int, done: Callable[[int], None] = lambda n: None) -> None:
        """Rows of the packed layout (index format 5): id clause_id@generation, the vector, the
        filter keys and the generations that see the row; the clause record is in the keyword
        segment (keyword.py). A few requests in flight; `done` is told how many rows went in."""
        from concurrent.futures import ThreadPoolExecutor

        def send(start: int) -> int:
            batch = clauses[start : start + _ROWS_BATCH]
            ids = [row_id(c.clause_id, generation) for c in batch]
            rows = np.asarray(vectors[start : start + len(batch)], dtype=np.float32)
            metadatas = [{**filter_metadata(c, metas[c.doc_id]), "gen_from": generation, "gen_to": ALIVE} for c in batch]
            self._on(name, lambda c: c.add(ids=ids, embeddings=rows, metadatas=metadatas))
            return len(batch)

        self._on(name, lambda c: None)  # the handle, taken once before the threads share it
        with ThreadPoolExecutor(_ROWS_IN_FLIGHT) as pool:
            for sent in pool.map(send, range(0, len(clauses), _ROWS_BATCH)):
                done(sent)

    def query(self, name: str, vector: np.ndarray, k: int, filters: Filters, at: int | None = None
              ) -> list[tuple[Clause, float]]:
        """The k nearest clauses by cosine similarity (higher is better)."""
        result = self._query(name, vector, k, _where(filters, at), ["metadatas", "documents", "distances"])
        rows = zip(result["ids"][0], result["metadatas"][0], result["documents"][0], result["distances"][0])
        return [(_clause(cid, meta, text), 1.0 - float(dist)) for cid, meta, text, dist in rows]

    def query_ids(self, name: str, vector: np.ndarray, k: int, filters: Filters, at: int | None = None
                  ) -> list[tuple[str, float]]:
        """Like `query`, store ids and cosine similarities only (Chroma's reading of metadata
        costs about half the query). `at` keeps to the rows of that generation."""
        result = self._query(name, vector, k, _where(filters, at), ["distances"])
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(result["ids"][0], result["distances"][0])]

    def _query(self, name: str, vector: np.ndarray, k: int, where: dict | None, include: list[str]) -> dict:
        # Chroma's cosine space reports distance = 1 - cosine similarity.
        query = [np.asarray(vector, dtype=np.float32)]
        return self._on(name, lambda c: c.query(query_embeddings=query, n_results=k, where=where, include=include))

    def get(self, name: str, ids: Sequence[str]) -> list[Clause]:
        """The clauses with these store ids, in the order asked; unknown ids are left out."""
        if not ids:
            return []
        asked = list(dict.fromkeys(ids))
        result = self._on(name, lambda c: c.get(ids=asked, include=["metadatas", "documents"]))
        found = {i: _clause(i, m, t) for i, m, t in zip(result["ids"], result["metadatas"], result["documents"])}
        return [found[i] for i in ids if i in found]

    def get_visible(self, name: str, clause_ids: Sequence[str], at: int) -> dict[str, tuple[str, Clause]]:
        """clause id → (store id, clause) for the rows generation `at` sees."""
        if not clause_ids:
            return {}
        where = {"clause_id": {"$in": list(dict.fromkeys(clause_ids))}}
        rows = _seen_at(self._on(name, lambda c: c.get(where=where, include=["metadatas", "documents"])), at)
        return {m["clause_id"]: (i, _clause(i, m, t)) for i, m, t in rows}

    def ids_where(self, name: str, filters: Filters, at: int | None = None) -> list[str]:
        """The store ids of the clauses the filters let through: the keyword side restricts its
        rows to these for a clause-level filter (lead units), which its own rows cannot express."""
        return list(self._on(name, lambda c: c.get(where=_where(filters, at), include=[]))["ids"])

    def all(self, name: str, doc_id: str | None = None, at: int | None = None) -> list[Clause]:
        """Every clause of the collection (or of one document): in document order for rows
        written with a generation, in no particular order otherwise."""
        where = {"doc_id": doc_id} if doc_id else None
        rows = _seen_at(self._on(name, lambda c: c.get(where=where, include=["metadatas", "documents"])), at)
        rows.sort(key=lambda r: r[1].get("seq", 0))
        return [_clause(i, m, t) for i, m, t in rows]

    # --- versions: rows tagged with the generations that see them ------------------------------
    def retire(self, name: str, ids: Sequence[str], generation: int) -> list[str]:
        """Hides these live rows from `generation` on (older readers keep them); returns their ids,
        which the build deletes once the generation is current. The build names the rows (its
        keyword segments list them): a where on doc_id scanned the metadata, 0.6 s at 100k rows."""
        for start in range(0, len(ids), _ID_BATCH):
            batch = ids[start : start + _ID_BATCH]
            self._on(name, lambda c, batch=batch: c.update(ids=batch, metadatas=[{"gen_to": generation}] * len(batch)))
        return list(ids)

    def delete_rows(self, name: str, ids: Sequence[str]) -> None:
        """Deletes rows by id: a lookup by key, where a where clause scans the metadata."""
        for start in range(0, len(ids), _ID_BATCH):
            batch = list(ids[start : start + _ID_BATCH])
            self._on(name, lambda c, batch=batch: c.delete(ids=batch))

    def settle(self, name: str, generation: int) -> None:
        """Leaves only what `generation` sees: rows it retired or a later (killed) build added are
        deleted, rows a later build retired are live again. Scans the metadata: for recovering
        from a killed build; a build that ran to its end deletes what it retired by id."""
        self._on(name, lambda c: c.delete(where={"gen_to": {"$lte": generation}}))
        self._on(name, lambda c: c.delete(where={"gen_from": {"$gt": generation}}))
        where = _and([{"gen_to": {"$gt": generation}}, {"gen_to": {"$lt": ALIVE}}])
        revived = self._on(name, lambda c: c.get(where=where, include=[]))["ids"]
        for start in range(0, len(revived), _ID_BATCH):
            batch = revived[start : start + _ID_BATCH]
            self._on(name, lambda c, batch=batch: c.update(ids=batch, metadatas=[{"gen_to": ALIVE}] * len(batch)))

    # --- small records beside the clauses: version pointer, manifests, keyword segments --------
    # Values are metadata, not Chroma documents: a document gets a trigram full-text index, which
    # took the server 16 s for one 4 MB segment part (0.5 s as metadata).
    def put_records(self, name: str, records: dict[str, str]) -> None:
        batches: list[list[str]] = [[]]
        for key in records:  # about 8 MB a request: a segment's parts are 4 MB each
            if batches[-1] and sum(len(records[k]) for k in batches[-1]) + len(records[key]) > 8_000_000:
                batches.append([])
            batches[-1].append(key)
        for batch in batches:  # Chroma stores an embedding with every record; these are never searched
            def upsert(collection, batch=batch):
                collection.upsert(ids=batch, metadatas=[{_VALUE: records[k]} for k in batch], embeddings=[[1.0]] * len(batch))
            try:
                self._on(name, upsert)
            except IndexNotBuilt:  # the index's first record, or a wiped server
                with self._guard():
                    self._handles[name] = self._client.get_or_create_collection(name, embedding_function=None)
                self._on(name, upsert)

    def get_records(self, name: str, keys: Sequence[str] = (), prefix: str = "") -> dict[str, str | None]:
        """Records by key; without keys, every key starting with `prefix` (values left unread)."""
        try:
            if keys:
                result = self._on(name, lambda c: c.get(ids=list(keys), include=["metadatas", "documents"]))
            else:
                result = self._on(name, lambda c: c.get(include=[]))
        except IndexNotBuilt:
            return {}
        metas = result.get("metadatas") or [None] * len(result["ids"])
        texts = result.get("documents") or [None] * len(result["ids"])
        # A record written before values moved to metadata is a document.
        return {k: (m or {}).get(_VALUE, t) for k, m, t in zip(result["ids"], metas, texts) if k.startswith(prefix)}

    def delete_records(self, name: str, keys: Sequence[str]) -> None:
        if keys:
            try:
                self._on(name, lambda c: c.delete(ids=list(keys)))
            except IndexNotBuilt:
                pass

    # --- a lease: one named collection, created only if absent (the server's one atomic step) ---
    def claim(self, name: str, holder: dict[str, str | int | float]) -> dict | None:
        """Creates the collection `name` carrying `holder`; None when this call made it, else the
        holder it already carries (left as it is)."""
        self._handles.pop(name, None)
        from chromadb.errors import ChromaError

        with self._guard():
            try:
                self._client.create_collection(name, metadata=holder, embedding_function=None)
                return None
            except ChromaError:  # the name is taken (UniqueConstraintError, or InternalError over HTTP)
                # If the collection is not there either, this raises: a real failure, not a taken lease.
                return dict(self._client.get_collection(name, embedding_function=None).metadata or {})

    def touch(self, name: str, holder: dict[str, str | int | float]) -> None:
        with self._guard():
            self._client.get_collection(name, embedding_function=None).modify(metadata=holder)

    def reopen(self) -> None:
        """A fresh embedded client: an embedded Chroma keeps its vector index in memory and does
        not see rows another process wrote until it is opened again (a server has no such lag)."""
        if self.host:
            return
        with lean_chromadb_import():
            import chromadb
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient._identifier_to_system.pop(self.location, None)
            self._handles.clear()
            self._client = chromadb.PersistentClient(path=self.location, settings=_chroma_settings())


ALIVE = 2**31 - 1  # gen_to of a row no build has retired
_ID_BATCH = 2000
_VALUE = "v"  # the metadata key of a small record's value


def row_id(clause_id: str, generation: int) -> str:
    return f"{clause_id}@{generation}"


def row_generation(store_id: str) -> int:
    """The generation a row was written in (0 for a row written without one)."""
    head, _, tail = store_id.rpartition("@")
    return int(tail) if head and tail.isdigit() else 0


def _visible(at: int | None) -> list[dict]:
    return [] if at is None else [{"gen_from": {"$lte": at}}, {"gen_to": {"$gt": at}}]


def _seen_at(result: dict, at: int | None) -> list[tuple[str, dict, str | None]]:
    """The rows of a get that generation `at` sees. Tested here, not in the where: Chroma
    evaluates each condition of an $and on its own, and gen_to = ALIVE matches nearly every row,
    so a where on the generations reads the whole collection's metadata (seconds at 100k rows)."""
    texts = result.get("documents") or [None] * len(result["ids"])
    rows = list(zip(result["ids"], result["metadatas"], texts))
    if at is None:
        return rows
    return [r for r in rows if r[1].get("gen_from", 0) <= at < r[1].get("gen_to", ALIVE)]


def _and(conditions: list[dict]) -> dict | None:
    return (conditions[0] if len(conditions) == 1 else {"$and": conditions}) if conditions else None


def _where(filters: Filters, at: int | None) -> dict | None:
    own = where_for(filters)
    return _and([*([own] if own else []), *_visible(at)])


def _clause(store_id: str, meta: dict, text: str | None) -> Clause:
    # Rows of the one-record layout carry their text in the record; older rows in the document.
    return from_record(meta.get("clause_id", store_id), meta, None if RECORD in meta else text or "")


def _is_connection_error(exc: Exception) -> bool:
    import httpx

    if isinstance(exc, (httpx.TransportError, ConnectionError)):
        return True
    # chromadb raises a bare ValueError when its first heartbeat cannot connect.
    return isinstance(exc, ValueError) and "connect" in str(exc).lower()
