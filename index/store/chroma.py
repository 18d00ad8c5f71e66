"""The Chroma adapter: the only module that imports chromadb.

Clauses go in with our vectors (Chroma's own embedding function is never used, so nothing is
ever downloaded) and come out as Clause values; Chroma's nested result dicts never leave this
module. Metadata are plain scalars so any Chroma client can read a collection.
"""
from __future__ import annotations

import json
import re
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

        self.host, self.port = host, port
        if host:
            self.location = f"http://{host}:{port}"
            with self._guard():
                self._client = chromadb.HttpClient(host=host, port=port, settings=_chroma_settings())
        else:
            if path is None:
                raise ValueError("ClauseStore needs a path when no Chroma host is given")
            self.location = str(path)
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
    def add(self, name: str, clauses: Sequence[Clause], vectors: np.ndarray, metas: dict[str, DocumentMeta]) -> None:
        with self._guard():
            collection = self._collection(name)
            for start in range(0, len(clauses), _ADD_BATCH):
                batch = clauses[start : start + _ADD_BATCH]
                collection.add(
                    ids=[c.clause_id for c in batch],
                    embeddings=np.asarray(vectors[start : start + len(batch)], dtype=np.float32),
                    metadatas=[to_metadata(c, metas[c.doc_id]) for c in batch],
                    documents=[c.text for c in batch],
                )

    def query(self, name: str, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[Clause, float]]:
        """The k nearest clauses by cosine similarity (higher is better)."""
        where = where_for(filters)
        with self._guard():
            result = self._collection(name).query(
                query_embeddings=[np.asarray(vector, dtype=np.float32)],
                n_results=k,
                where=where,
                include=["metadatas", "documents", "distances"],
            )
        rows = zip(result["ids"][0], result["metadatas"][0], result["documents"][0], result["distances"][0])
        # Chroma's cosine space reports distance = 1 - cosine similarity.
        return [(from_record(cid, meta, text), 1.0 - float(dist)) for cid, meta, text, dist in rows]

    def query_ids(self, name: str, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[str, float]]:
        """Like `query`, ids and cosine similarities only: for callers that hold the clauses
        already (Chroma's reading of metadata and documents costs about half the query)."""
        with self._guard():
            result = self._collection(name).query(
                query_embeddings=[np.asarray(vector, dtype=np.float32)],
                n_results=k,
                where=where_for(filters),
                include=["distances"],
            )
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(result["ids"][0], result["distances"][0])]

    def get(self, name: str, clause_ids: Sequence[str]) -> list[Clause]:
        """The clauses with these ids, in the order asked; unknown ids are left out."""
        if not clause_ids:
            return []
        with self._guard():
            result = self._collection(name).get(ids=list(dict.fromkeys(clause_ids)), include=["metadatas", "documents"])
        found = {cid: from_record(cid, m, t) for cid, m, t in zip(result["ids"], result["metadatas"], result["documents"])}
        return [found[cid] for cid in clause_ids if cid in found]

    def all(self, name: str, doc_id: str | None = None) -> list[Clause]:
        """Every clause of the collection (or of one document), in no particular order."""
        with self._guard():
            result = self._collection(name).get(
                where={"doc_id": doc_id} if doc_id else None, include=["metadatas", "documents"]
            )
        return [from_record(cid, m, t) for cid, m, t in zip(result["ids"], result["metadatas"], result["documents"])]


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
        "search_text": clause.search_text,
        # JSON keeps the exact tuples (a heading may itself contain " > "); "path" is for people.
        "path_json": json.dumps(list(clause.path), ensure_ascii=False),
        "labels_json": json.dumps(list(clause.labels), ensure_ascii=False),
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
    span = _date_range(filters)
    if span:
        conditions += [{"date_int": {"$gte": span[0]}}, {"date_int": {"$lte": span[1]}}]
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


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
