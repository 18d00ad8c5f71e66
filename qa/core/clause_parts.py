"""A long clause is indexed as parts (ids ending #1, #2, …; index/ingest/chunk.py cuts it at
sentence ends). Whatever shows or quotes a clause wants it whole: these join the parts back."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from qa.core.types import Clause


def join_parts(parts: Iterable[Clause]) -> str:
    """The chunker cuts a clause into consecutive spans, so its parts in order are its text."""
    return "".join(part.text for part in sorted(parts, key=lambda p: p.part))


def whole_clauses(clauses: Sequence[Clause]) -> list[tuple[Clause, str]]:
    """One entry per clause, in document order: its first part and its whole text."""
    by_base: dict[str, list[Clause]] = {}
    for clause in clauses:
        by_base.setdefault(clause.base_id, []).append(clause)
    merged = [(min(parts, key=lambda p: p.part), join_parts(parts)) for parts in by_base.values()]
    return sorted(merged, key=lambda item: (item[0].ordinal, item[0].start))
