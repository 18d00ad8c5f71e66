"""The Chroma adapter: the only module that imports chromadb.

Clauses go in with our vectors (Chroma's own embedding function is never used, so nothing is
ever downloaded) and come out as Clause values; Chroma's nested result dicts never leave this
module. Metadata are plain scalars so any Chroma client can read a collection.
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from qa.core.dates import date_number, span_bound
from qa.core.errors import BadQuestion, IndexNotBuilt, StoreUnavailable
from qa.core.types import Clause, DocumentMeta, Filters

PATH_SEPARATOR = " > "
_ADD_BATCH = 256


def _chroma_settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


class ClauseStore:
    """Collections of clauses in an embedded Chroma (a folder) or a Chroma server (host:port)."""

    def __init__(self, path: Path | None = None, host: str = "", port: int = 8000) -> None:
        import chromadb

        self.host, self.port, self.fresh = host, port, True
        if host:
            self.location = f"http://{host}:{port}"
            with self._guard():
                self._client = chromadb.HttpClient(host=host, port=port, settings=_chroma_settings())
        else:
            if path is None:
                raise ValueError("ClauseStore needs a path when no Chroma host is given")
            self.location = str(path)
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
        with self._guard():
            self._client.create_collection(name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})

    def drop(self, name: str) -> None:
        from chromadb.errors import NotFoundError

        with self._guard():
            try:
                self._client.delete_collection(name)
            except NotFoundError:
                pass

    def count(self, name: str) -> int | None:
        """Number of clauses in the collection, None when it does not exist."""
        with self._guard():
            try:
                return self._collection(name).count()
            except IndexNotBuilt:
                return None

    def _collection(self, name: str):
        from chromadb.errors import NotFoundError

        try:
            return self._client.get_collection(name, embedding_function=None)
        except NotFoundError:
            # The index folder points at a collection the store does not hold (a wiped server,
            # or a generation dropped by a rebuild in another process).
            raise IndexNotBuilt(f"{self.location} (collection {name})") from None

    # --- clauses -------------------------------------------------------------------------------
    def add(self, name: str, clauses: Sequence[Clause], vectors: np.ndarray, metas: dict[str, DocumentMeta],
            generation: int | None = None, seqs: Sequence[int] | None = None) -> None:
        """Rows of a `generation` get ids clause_id@generation (a changed clause lives twice
        while a build runs: the old row for current readers, the new one for the next version)
        and are visible from that generation on; `seqs` keep each clause's place in its document."""
        with self._guard():
            collection = self._collection(name)
            for start in range(0, len(clauses), _ADD_BATCH):
                batch = clauses[start : start + _ADD_BATCH]
                records = [to_metadata(c, metas[c.doc_id]) for c in batch]
                if generation is not None:
                    for i, (clause, record) in enumerate(zip(batch, records)):
                        record.update(clause_id=clause.clause_id, gen_from=generation, gen_to=ALIVE,
                                      seq=seqs[start + i] if seqs is not None else start + i)
                collection.add(
                    ids=[c.clause_id if generation is None else row_id(c.clause_id, generation) for c in batch],
                    embeddings=np.asarray(vectors[start : start + len(batch)], dtype=np.float32),
                    metadatas=records,
                    documents=[c.text for c in batch],
                )

    def query(self, name: str, vector: np.ndarray, k: int, filters: Filters, at: int | None = None
              ) -> list[tuple[Clause, float]]:
        """The k nearest clauses by cosine similarity (higher is better)."""
        result = self._query(name, vector, k, _where(filters, at), ["metadatas", "documents", "distances"])
        rows = zip(result["ids"][0], result["metadatas"][0], result["documents"][0], result["distances"][0])
        return [(_clause(cid, meta, text), 1.0 - float(dist)) for cid, meta, text, dist in rows]

    def query_ids(self, name: str, vector: np.ndarray, k: int, filters: Filters, at: int | None = None
                  ) -> list[tuple[str, float]]:
        """Like `query`, store ids and cosine similarities only (Chroma's reading of metadata
        and documents costs about half the query). `at` keeps to the rows of that generation."""
        result = self._query(name, vector, k, _where(filters, at), ["distances"])
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(result["ids"][0], result["distances"][0])]

    def _query(self, name: str, vector: np.ndarray, k: int, where: dict | None, include: list[str]) -> dict:
        # Chroma's cosine space reports distance = 1 - cosine similarity.
        with self._guard():
            return self._collection(name).query(query_embeddings=[np.asarray(vector, dtype=np.float32)],
                                                n_results=k, where=where, include=include)

    def get(self, name: str, ids: Sequence[str]) -> list[Clause]:
        """The clauses with these store ids, in the order asked; unknown ids are left out."""
        if not ids:
            return []
        with self._guard():
            result = self._collection(name).get(ids=list(dict.fromkeys(ids)), include=["metadatas", "documents"])
        found = {i: _clause(i, m, t) for i, m, t in zip(result["ids"], result["metadatas"], result["documents"])}
        return [found[i] for i in ids if i in found]

    def get_visible(self, name: str, clause_ids: Sequence[str], at: int) -> dict[str, tuple[str, Clause]]:
        """clause id → (store id, clause) for the rows generation `at` sees."""
        if not clause_ids:
            return {}
        where = _and([{"clause_id": {"$in": list(dict.fromkeys(clause_ids))}}, *_visible(at)])
        with self._guard():
            result = self._collection(name).get(where=where, include=["metadatas", "documents"])
        return {m["clause_id"]: (i, _clause(i, m, t)) for i, m, t in zip(result["ids"], result["metadatas"], result["documents"])}

    def ids_where(self, name: str, filters: Filters, at: int | None = None) -> list[str]:
        """The store ids of the clauses the filters let through: the keyword side restricts its
        rows to these for a clause-level filter (lead units), which its own rows cannot express."""
        with self._guard():
            return list(self._collection(name).get(where=_where(filters, at), include=[])["ids"])

    def all(self, name: str, doc_id: str | None = None, at: int | None = None) -> list[Clause]:
        """Every clause of the collection (or of one document): in document order for rows
        written with a generation, in no particular order otherwise."""
        where = _and([*([{"doc_id": doc_id}] if doc_id else []), *_visible(at)])
        with self._guard():
            result = self._collection(name).get(where=where, include=["metadatas", "documents"])
        rows = sorted(zip(result["ids"], result["metadatas"], result["documents"]), key=lambda r: r[1].get("seq", 0))
        return [_clause(i, m, t) for i, m, t in rows]

    # --- versions: rows tagged with the generations that see them ------------------------------
    def retire(self, name: str, doc_ids: Sequence[str], generation: int) -> int:
        """Hides the live rows of these documents from `generation` on (older readers keep them)."""
        where = _and([{"doc_id": {"$in": list(doc_ids)}}, {"gen_to": ALIVE}, {"gen_from": {"$lt": generation}}])
        with self._guard():
            collection = self._collection(name)
            ids = collection.get(where=where, include=[])["ids"] if doc_ids else []
            for start in range(0, len(ids), _ID_BATCH):
                batch = ids[start : start + _ID_BATCH]
                collection.update(ids=batch, metadatas=[{"gen_to": generation}] * len(batch))
        return len(ids)

    def settle(self, name: str, generation: int) -> None:
        """Leaves only what `generation` sees: rows it retired or a later (killed) build added are
        deleted, rows a later build retired are live again."""
        with self._guard():
            collection = self._collection(name)
            collection.delete(where={"gen_to": {"$lte": generation}})
            collection.delete(where={"gen_from": {"$gt": generation}})
            revived = collection.get(where=_and([{"gen_to": {"$gt": generation}}, {"gen_to": {"$lt": ALIVE}}]),
                                     include=[])["ids"]
            for start in range(0, len(revived), _ID_BATCH):
                batch = revived[start : start + _ID_BATCH]
                collection.update(ids=batch, metadatas=[{"gen_to": ALIVE}] * len(batch))

    # --- small records beside the clauses: version pointer, manifests, keyword segments --------
    def put_records(self, name: str, records: dict[str, str]) -> None:
        with self._guard():
            collection = self._client.get_or_create_collection(name, embedding_function=None)
            batches: list[list[str]] = [[]]
            for key in records:  # about 8 MB a request: a segment's parts are 4 MB each
                if batches[-1] and sum(len(records[k]) for k in batches[-1]) + len(records[key]) > 8_000_000:
                    batches.append([])
                batches[-1].append(key)
            for batch in batches:  # Chroma stores an embedding with every record; these are never searched
                collection.upsert(ids=batch, documents=[records[k] for k in batch], embeddings=[[1.0]] * len(batch))

    def get_records(self, name: str, keys: Sequence[str] = (), prefix: str = "") -> dict[str, str | None]:
        """Records by key; without keys, every key starting with `prefix` (texts left unread)."""
        with self._guard():
            if self.count(name) is None:
                return {}
            collection = self._collection(name)
            result = collection.get(ids=list(keys), include=["documents"]) if keys else collection.get(include=[])
        texts = result.get("documents") or [None] * len(result["ids"])
        return {k: t for k, t in zip(result["ids"], texts) if k.startswith(prefix)}

    def delete_records(self, name: str, keys: Sequence[str]) -> None:
        if keys and self.count(name) is not None:
            with self._guard():
                self._collection(name).delete(ids=list(keys))

    def reopen(self) -> None:
        """A fresh embedded client: an embedded Chroma keeps its vector index in memory and does
        not see rows another process wrote until it is opened again (a server has no such lag)."""
        if self.host:
            return
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(self.location, None)
        self._client = chromadb.PersistentClient(path=self.location, settings=_chroma_settings())


ALIVE = 2**31 - 1  # gen_to of a row no build has retired
_ID_BATCH = 2000


def row_id(clause_id: str, generation: int) -> str:
    return f"{clause_id}@{generation}"


def row_generation(store_id: str) -> int:
    """The generation a row was written in (0 for a row written without one)."""
    head, _, tail = store_id.rpartition("@")
    return int(tail) if head and tail.isdigit() else 0


def _visible(at: int | None) -> list[dict]:
    return [] if at is None else [{"gen_from": {"$lte": at}}, {"gen_to": {"$gt": at}}]


def _and(conditions: list[dict]) -> dict | None:
    return (conditions[0] if len(conditions) == 1 else {"$and": conditions}) if conditions else None


def _where(filters: Filters, at: int | None) -> dict | None:
    own = where_for(filters)
    return _and([*([own] if own else []), *_visible(at)])


def _clause(store_id: str, meta: dict, text: str) -> Clause:
    return from_record(meta.get("clause_id", store_id), meta, text)


def _is_connection_error(exc: Exception) -> bool:
    import httpx

    if isinstance(exc, (httpx.TransportError, ConnectionError)):
        return True
    # chromadb raises a bare ValueError when its first heartbeat cannot connect.
    return isinstance(exc, ValueError) and "connect" in str(exc).lower()


# --- clause <-> record -------------------------------------------------------------------------
def to_metadata(clause: Clause, meta: DocumentMeta) -> dict[str, str | int]:
    return {
        "doc_id": clause.doc_id,
        "doc_title": clause.doc_title,
        "issuer": meta.issuer,
        "date": meta.date,
        "date_int": document_date_int(meta),
        "ref": clause.ref,
        "path": PATH_SEPARATOR.join(clause.path),
        "heading": clause.heading,
        "ordinal": clause.ordinal,
        "level": clause.level,
        "part": clause.part,
        "parts": clause.parts,
        "base_id": clause.base_id,
        "parent_id": clause.parent_id or "",
        "start": clause.start,
        "end": clause.end,
        "page": clause.page or 0,  # Chroma metadata holds no None; 0 = unpaged
        "search_text": clause.search_text,
        # JSON keeps the exact tuples (a heading may itself contain " > "); "path" is for people.
        "path_json": json.dumps(list(clause.path), ensure_ascii=False),
        "labels_json": json.dumps(list(clause.labels), ensure_ascii=False),
        "responsible_json": json.dumps(list(clause.responsible_units), ensure_ascii=False),
        "items_json": json.dumps([list(item) for item in clause.items], ensure_ascii=False),
        "aligned": clause.aligned,
        # A list, so that where {"lead_units": {"$contains": unit}} filters; Chroma refuses an
        # empty list, so a clause without a note has no such key.
        **({"lead_units": list(clause.lead_units)} if clause.lead_units else {}),
    }


def from_record(clause_id: str, meta: dict, text: str) -> Clause:
    return Clause(
        clause_id=clause_id,
        doc_id=meta["doc_id"],
        doc_title=meta["doc_title"],
        ref=meta["ref"],
        path=tuple(json.loads(meta["path_json"])),
        labels=tuple(json.loads(meta["labels_json"])),
        heading=meta["heading"],
        text=text,
        search_text=meta["search_text"],
        start=int(meta["start"]),
        end=int(meta["end"]),
        ordinal=int(meta["ordinal"]),
        level=int(meta["level"]),
        part=int(meta["part"]),
        parts=int(meta["parts"]),
        parent_id=meta["parent_id"] or None,
        page=int(meta.get("page") or 0) or None,
        lead_units=tuple(meta.get("lead_units") or ()),
        responsible_units=tuple(json.loads(meta.get("responsible_json") or "[]")),
        items=tuple((str(a), int(b), int(c)) for a, b, c in json.loads(meta.get("items_json") or "[]")),
        aligned=bool(meta.get("aligned", False)),
    )


# --- filters: one meaning for Chroma's where and for the BM25 side ---------------------------
def date_int(text: str, upper: bool = False) -> int:
    """'2023-05-23' → 20230523; a year or month alone covers the whole span ('2023' → 20230101,
    or 20231231 as an upper bound)."""
    bound = span_bound(text, upper)
    if bound is None:
        raise BadQuestion(f"Cannot read the date {text!r}.", hint="Write dates as YYYY-MM-DD (or YYYY-MM, YYYY).")
    return date_number(bound)


def document_date_int(meta: DocumentMeta) -> int:
    """0 for an undated document, or one whose date cannot be read."""
    try:
        return date_int(meta.date) if meta.date else 0
    except BadQuestion:
        return 0


def _date_range(filters: Filters) -> tuple[int, int] | None:
    if not (filters.date_from or filters.date_to):
        return None
    # An undated document (date_int 0) never satisfies a date filter.
    low = date_int(filters.date_from) if filters.date_from else 1
    high = date_int(filters.date_to, upper=True) if filters.date_to else 99991231
    return low, high


def where_for(filters: Filters) -> dict | None:
    conditions: list[dict] = []
    if filters.doc_ids:
        conditions.append({"doc_id": {"$in": list(filters.doc_ids)}})
    if filters.issuers:
        conditions.append({"issuer": {"$in": list(filters.issuers)}})
    if filters.lead_units:
        conditions.append(_any_of([{"lead_units": {"$contains": unit}} for unit in filters.lead_units]))
    span = _date_range(filters)
    if span:
        conditions += [{"date_int": {"$gte": span[0]}}, {"date_int": {"$lte": span[1]}}]
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def _any_of(conditions: list[dict]) -> dict:
    return conditions[0] if len(conditions) == 1 else {"$or": conditions}


def clause_matches(clause: Clause, filters: Filters) -> bool:
    """The clause-level part of a filter (its lead units); the document-level part is document_matches."""
    return not filters.lead_units or any(unit in clause.lead_units for unit in filters.lead_units)


def document_matches(meta: DocumentMeta, filters: Filters) -> bool:
    """The same test as where_for, on a document's metadata (for BM25, which has no where)."""
    if filters.doc_ids and meta.doc_id not in filters.doc_ids:
        return False
    if filters.issuers and meta.issuer not in filters.issuers:
        return False
    span = _date_range(filters)
    if span:
        return span[0] <= document_date_int(meta) <= span[1]
    return True
