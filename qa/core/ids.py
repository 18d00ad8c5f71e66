"""Clause ids: the one place that knows how an id is written and taken apart.

An id is the document id, a colon, and the clause's numbering labels joined by "/"
(「yuzhong-plan:三/（二）/5」); a clause cut into parts adds 「#n」. Ids are functions of the
document and the clause's place in it, so an unchanged clause keeps its id across rebuilds,
and a clause's ancestors are read off its id without looking anything up.
"""
from __future__ import annotations

from collections.abc import Sequence

DOC_SEPARATOR = ":"
# Labels of the clauses around a document's own numbering, which say who issued it, when and
# where it came from rather than what it sets out (index/ingest/clauses.py makes them).
HEAD_NOTE_LABEL = "题注"  # the adoption line under a title: 「（2020年7月15日…全体会议通过）」
COVER_LABEL = "印发通知"  # the notice a document is issued under, between its title and the document's own
SIGNATURE_LABEL = "落款"  # issuer and date closing an official document, with 抄送/印发 lines
END_NOTE_LABEL = "附注"  # a closing source note: 「（本文摘自…的讲话。）」
NOTE_LABELS = frozenset({HEAD_NOTE_LABEL, COVER_LABEL, SIGNATURE_LABEL, END_NOTE_LABEL})
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


def is_note(labels: Sequence[str]) -> bool:
    """A clause about the document (its cover notice, signature, adoption or source note)."""
    return len(labels) == 1 and labels[0] in NOTE_LABELS
