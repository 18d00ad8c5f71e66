"""Clause ids: the one place that knows how an id is written and taken apart.

An id is the document id, a colon, and the clause's numbering labels joined by "/"
(「yuzhong-plan:三/（二）/5」); a clause cut into parts adds 「#n」. Ids are functions of the
document and the clause's place in it, so an unchanged clause keeps its id across rebuilds,
and a clause's ancestors are read off its id without looking anything up.
"""
from __future__ import annotations

from collections.abc import Sequence

DOC_SEPARATOR = ":"
LEVEL_SEPARATOR = "/"
PART_SEPARATOR = "#"


def clause_id(doc_id: str, labels: Sequence[str]) -> str:
    return f"{doc_id}{DOC_SEPARATOR}{LEVEL_SEPARATOR.join(labels)}"


def part_id(base: str, part: int) -> str:
    return f"{base}{PART_SEPARATOR}{part}"


def part_ids(base: str, parts: int) -> list[str]:
    return [part_id(base, n) for n in range(1, parts + 1)]


def base_id(any_id: str) -> str:
    """The id shared by all parts of one clause."""
    return any_id.split(PART_SEPARATOR, 1)[0]


def doc_id_of(any_id: str) -> str:
    return any_id.split(DOC_SEPARATOR, 1)[0]


def parent_of(any_id: str) -> str | None:
    """The enclosing clause's id, None at the top of a document."""
    doc, _, path = base_id(any_id).partition(DOC_SEPARATOR)
    if LEVEL_SEPARATOR not in path:
        return None
    return clause_id(doc, [path.rsplit(LEVEL_SEPARATOR, 1)[0]])


def ancestors(any_id: str | None) -> list[str]:
    """`any_id` itself and every clause above it, nearest first ('d:二/（一）/1' → itself,
    'd:二/（一）', 'd:二')."""
    out = []
    while any_id:
        out.append(base_id(any_id))
        any_id = parent_of(any_id)
    return out


def is_within(any_id: str, ancestor: str) -> bool:
    """True for the clause `ancestor` itself and every clause under it."""
    base, top = base_id(any_id), base_id(ancestor)
    return base == top or base.startswith(top + LEVEL_SEPARATOR)
