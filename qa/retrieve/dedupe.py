"""One copy of a text per answer: the same document added twice (a .docx and a .pdf of one
law) or a clause repeated across documents must not fill two context slots with one text.

Call it on the ranked, part-collapsed hits before they are cut to k, so the slot a copy would
have taken goes to the next different clause.
"""
from __future__ import annotations

from collections.abc import Iterable

from index.ingest.duplicates import normalised
from qa.core.types import Hit


def drop_duplicate_hits(hits: Iterable[Hit]) -> list[Hit]:
    """`hits` in their order, without any whose normalised text (script, width, spaces and
    punctuation aside) equals that of a better-ranked hit."""
    kept, seen = [], set()
    for hit in hits:
        key = normalised(hit.text or hit.clause.text)
        if key and key in seen:
            continue
        seen.add(key)
        kept.append(hit)
    return kept
