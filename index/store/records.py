"""Clause ↔ Chroma row and record, and filters: one meaning for Chroma's where and for the keyword side.

A row keeps as metadata only the keys a where clause names (document, issuer, date, lead units,
and the generation keys chroma.py adds). The clause itself, text included, is one JSON record
(`packed`) kept in the generation's record segments beside the keyword postings (format 5); rows
of format 4 carried that record as metadata too (`to_metadata`, still read).

Chroma's local store writes one indexed row per metadata key and a trigram full-text index over
every document: measured on this machine (5,000 rows, `chroma
run`), 25 keys plus the text as a document cost the server 3.6 ms of CPU per row, the filter
keys plus one record 2.7 ms, vectors alone 0.8 ms; (4,096 rows, 2026-12) filter and generation
keys alone 1.0 ms, with the record 1.6–2.4 ms and 2–3× the wall time.
"""
from __future__ import annotations

import json

from qa.core.dates import date_number, span_bound
from qa.core.errors import BadQuestion
from qa.core.types import Clause, DocumentMeta, Filters

PATH_SEPARATOR = " > "
RECORD = "r"  # the metadata key holding the JSON record


def _record(clause: Clause, meta: DocumentMeta) -> dict:
    return {
        "title": clause.doc_title, "date": meta.date, "ref": clause.ref, "path": list(clause.path),
        "labels": list(clause.labels), "heading": clause.heading, "ordinal": clause.ordinal, "level": clause.level,
        "part": clause.part, "parts": clause.parts, "parent": clause.parent_id or "", "start": clause.start,
        "end": clause.end, "page": clause.page or 0, "search": clause.search_text,
        "responsible": list(clause.responsible_units), "items": [list(item) for item in clause.items],
        "aligned": clause.aligned, "text": clause.text,
    }


def filter_metadata(clause: Clause, meta: DocumentMeta) -> dict[str, str | int | list[str]]:
    """The keys a where clause names, and nothing else (a row of the packed layout)."""
    return {
        "doc_id": clause.doc_id,
        "issuer": meta.issuer,
        "date_int": document_date_int(meta),
        # A list, so that where {"lead_units": {"$contains": unit}} filters; Chroma refuses an
        # empty list, so a clause without a note has no such key.
        **({"lead_units": list(clause.lead_units)} if clause.lead_units else {}),
    }


def to_metadata(clause: Clause, meta: DocumentMeta) -> dict[str, str | int]:
    """A row of the one-record layout (format 4): filter keys plus the record."""
    return {**filter_metadata(clause, meta), RECORD: json.dumps(_record(clause, meta), ensure_ascii=False)}


def packed(clause: Clause, meta: DocumentMeta) -> str:
    """The whole clause as one JSON text, for the record segments (index/store/keyword.py)."""
    return json.dumps({**_record(clause, meta), "id": clause.clause_id, "doc": clause.doc_id,
                       "lead": list(clause.lead_units)}, ensure_ascii=False)


def unpacked(text: str) -> Clause:
    r = json.loads(text)
    return _from_dict(r["id"], r["doc"], r["lead"], r, None)


def from_record(clause_id: str, meta: dict, text: str | None = None) -> Clause:
    """The clause of a row; rows written before the one-record layout (format 2) still read,
    so an index opened before its automatic rebuild answers."""
    if RECORD not in meta:
        return _from_flat(clause_id, meta, text or "")
    return _from_dict(clause_id, meta["doc_id"], meta.get("lead_units") or (), json.loads(meta[RECORD]), text)


def _from_dict(clause_id: str, doc_id: str, lead_units, r: dict, text: str | None) -> Clause:
    return Clause(
        clause_id=clause_id, doc_id=doc_id, doc_title=r["title"], ref=r["ref"], path=tuple(r["path"]),
        labels=tuple(r["labels"]), heading=r["heading"], text=r["text"] if text is None else text,
        search_text=r["search"], start=int(r["start"]), end=int(r["end"]), ordinal=int(r["ordinal"]),
        level=int(r["level"]), part=int(r["part"]), parts=int(r["parts"]), parent_id=r["parent"] or None,
        page=int(r["page"] or 0) or None, lead_units=tuple(lead_units),
        responsible_units=tuple(r["responsible"]), items=tuple((str(a), int(b), int(c)) for a, b, c in r["items"]),
        aligned=bool(r["aligned"]),
    )


def _from_flat(clause_id: str, meta: dict, text: str) -> Clause:
    return Clause(
        clause_id=clause_id, doc_id=meta["doc_id"], doc_title=meta["doc_title"], ref=meta["ref"],
        path=tuple(json.loads(meta["path_json"])), labels=tuple(json.loads(meta["labels_json"])),
        heading=meta["heading"], text=text, search_text=meta["search_text"], start=int(meta["start"]),
        end=int(meta["end"]), ordinal=int(meta["ordinal"]), level=int(meta["level"]), part=int(meta["part"]),
        parts=int(meta["parts"]), parent_id=meta["parent_id"] or None, page=int(meta.get("page") or 0) or None,
        lead_units=tuple(meta.get("lead_units") or ()),
        responsible_units=tuple(json.loads(meta.get("responsible_json") or "[]")),
        items=tuple((str(a), int(b), int(c)) for a, b, c in json.loads(meta.get("items_json") or "[]")),
        aligned=bool(meta.get("aligned", False)),
    )


# --- filters -----------------------------------------------------------------------------------
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
