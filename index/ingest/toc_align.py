"""Restoring the headings a PDF extraction lost, from its table of contents — only where that can
be done reliably.

The cleaner takes the TOC out of the text and hands it over as TocEntry rows. When most TOC
headings are missing from the body (天府规划: only 第七/八/九篇 and an inline 「第二节 主要原则」
survive), body paragraphs are placed as follows:

* anchors: body paragraphs opening with a TOC label whose title follows (「第七篇 互联互融…」); an
  inline heading is split from the paragraph it opens.
* between two anchors, the paragraphs are aligned one to one with the TOC slots between them
  (one intro paragraph under a top-level unit, one paragraph per leaf entry) — but only when the
  counts match exactly. A first-level unit's intro continues its heading clause.
* otherwise each paragraph becomes a clause of its own (named by its lead phrase) under the
  deepest TOC entry that contains everything between the two anchors, i.e. under no heading it
  may not belong to. Two placements are still certain: the paragraph right before an anchor ends
  the TOC section listed right before that anchor (a leaf section has text), and paragraphs
  right after an inline anchor that repeat the shape of its first lead phrase
  (「生态筑底、公园塑型。」「创新驱动、高端引领。」) stay under that anchor.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.ingest.numbering import lead_phrase, match_numbering
from index.ingest.toc_match import UNSURE, align, skeleton
from qa.core.text import fold, squash
from qa.core.types import TocEntry


@dataclass(frozen=True)
class Placement:
    kind: str  # "anchor" | "slot" | "intro" | "free"
    toc_index: int | None  # anchor/slot: the entry; intro: the entry continued; free: the container
    split_at: int = 0  # anchor only: where the paragraph's own text starts after an inline heading


def headings_lost(texts: list[str], toc: tuple[TocEntry, ...]) -> bool:
    if not toc:
        return False
    present = sum(1 for text in texts if (number := match_numbering(text)) and number.is_chapter)
    return present < len(toc) / 2


def chain(toc: tuple[TocEntry, ...], index: int) -> list[int]:
    """TOC indexes from the top-level ancestor of entry `index` down to it."""
    parents = _parents(toc)
    out = [index]
    while parents[out[-1]] is not None:
        out.append(parents[out[-1]])
    return out[::-1]


@lru_cache(maxsize=8)
def _parents(toc: tuple[TocEntry, ...]) -> tuple[int | None, ...]:
    parents: list[int | None] = []
    open_levels: list[int] = []
    for i, entry in enumerate(toc):
        while open_levels and toc[open_levels[-1]].level >= entry.level:
            open_levels.pop()
        parents.append(open_levels[-1] if open_levels else None)
        open_levels.append(i)
    return tuple(parents)


def _has_children(toc: tuple[TocEntry, ...], index: int) -> bool:
    return index + 1 < len(toc) and toc[index + 1].level > toc[index].level


def find_anchors(texts: list[str], toc: tuple[TocEntry, ...]) -> list[tuple[int, int, int]]:
    """(paragraph, toc index, split offset) for every surviving heading, in TOC order."""
    anchors: list[tuple[int, int, int]] = []
    last = -1
    for p, text in enumerate(texts):
        number = match_numbering(text)
        if not (number and number.is_chapter):
            continue
        rest = text[number.end :]
        for t in range(last + 1, len(toc)):
            entry_number = match_numbering(toc[t].label)
            title = squash(toc[t].title)
            if entry_number and entry_number.label == number.label and squash(rest).startswith(title):
                anchors.append((p, t, _split_offset(text, number.end, title)))
                last = t
                break
    return anchors


def _split_offset(text: str, label_end: int, title: str) -> int:
    """Offset in `text` where the paragraph's own text starts after 「第二节 主要原则 」; 0 when the
    line is the heading alone."""
    for k in range(label_end, len(text) + 1):
        if len(squash(text[label_end:k])) >= len(title):
            rest = text[k:]
            return 0 if not rest.strip() else k + len(rest) - len(rest.lstrip())
    return 0


def plan(texts: list[str], toc: tuple[TocEntry, ...]) -> list[Placement]:
    placements: list[Placement | None] = [None] * len(texts)
    anchors = find_anchors(texts, toc)
    for p, t, split in anchors:
        placements[p] = Placement("anchor", t, split)
    bounds = [(-1, None, 0), *anchors, (len(texts), len(toc), 0)]
    for (pa, ta, split), (pb, tb, _) in zip(bounds, bounds[1:]):
        inside = list(range(pa + 1, pb))
        slots = _slots(toc, ta, bool(split), tb) if ta is not None else None
        if slots is not None and len(slots) == len(inside):
            for p, slot in zip(inside, slots):
                placements[p] = slot
            continue
        container = _container(toc, ta, tb)
        if ta is not None and not _has_children(toc, ta):
            inside = _keep_leaf_text(texts, inside, texts[pa][split:] if split else "", ta, placements)
        if _aligned(texts, inside, toc, ta, tb, placements):
            continue
        last_leaf = tb - 1
        if inside and tb < len(toc) and last_leaf > (-1 if ta is None else ta) and not _has_children(toc, last_leaf):
            # The entry listed right before an anchor is a section with text of its own, so the
            # paragraph right before the anchor is (the end of) that section, whatever the counts.
            placements[inside.pop()] = Placement("slot", last_leaf)
        for p in inside:
            placements[p] = Placement("free", container)
    return [p or Placement("free", None) for p in placements]


def _aligned(texts: list[str], inside: list[int], toc: tuple[TocEntry, ...], ta: int | None, tb: int,
             placements: list[Placement | None]) -> bool:
    """Place the paragraphs between two anchors by content (index/ingest/toc_match.py); False
    when that is not convincing. A leaf entry that gets one paragraph is that paragraph's clause;
    otherwise the paragraphs are clauses of their own under their entry."""
    first = 0 if ta is None else ta
    columns = list(range(first, tb))
    leaves = {t for t in columns if not _has_children(toc, t) and t != ta}
    chosen = align([texts[p] for p in inside], toc, columns, _parents(toc), leaves, preamble=ta is None)
    if chosen is None:
        return False
    for k, (p, entry) in enumerate(zip(inside, chosen)):
        if entry == UNSURE:
            around = [e for e in (chosen[k - 1] if k else ta, chosen[k + 1] if k + 1 < len(chosen) else tb)
                      if e not in (None, UNSURE)]
            placements[p] = Placement("free", _container(toc, min(around), max(around) + 1) if around else None)
            continue
        alone = chosen.count(entry) == 1
        placements[p] = Placement("slot" if alone and entry in leaves else "free", entry)
    return True


def _slots(toc: tuple[TocEntry, ...], ta: int, inline: bool, tb: int) -> list[Placement]:
    """The paragraphs the TOC predicts between anchor `ta` and entry `tb`: one intro under a
    top-level unit, one per leaf entry, none for a mid-level unit (its intro, if any, is lost)."""
    top = min(entry.level for entry in toc)
    slots = []
    if not inline and (toc[ta].level == top or not _has_children(toc, ta)):
        slots.append(Placement("intro", ta))
    for t in range(ta + 1, tb):
        if toc[t].level == top or not _has_children(toc, t):
            slots.append(Placement("slot", t))
    return slots


def _container(toc: tuple[TocEntry, ...], ta: int | None, tb: int) -> int | None:
    """The deepest entry containing every entry from `ta` up to (not including) `tb`; None
    before the first anchor, where a preamble outside every entry may sit."""
    if ta is None:
        return None
    first, last = chain(toc, ta), chain(toc, max(ta, tb - 1))
    common = [a for a, b in zip(first, last) if a == b]
    return common[-1] if common else None


def _keep_leaf_text(texts, inside, anchor_rest, ta, placements) -> list[int]:
    """A leaf anchor has text: its inline rest, or else the paragraph after it. Paragraphs after
    that whose lead phrase has the same shape (「生态筑底、公园塑型」 → 4、4) stay under the
    anchor too. Returns the paragraphs left to place."""
    if not anchor_rest and inside:
        placements[inside[0]] = Placement("free", ta)
        anchor_rest, inside = texts[inside[0]], inside[1:]
    first = lead_phrase(anchor_rest)
    if not first:
        return inside
    shape = skeleton(first)
    taken = 0
    for p in inside:
        phrase = lead_phrase(texts[p])
        if not phrase or skeleton(phrase) != shape:
            break
        placements[p] = Placement("free", ta)
        taken += 1
    return inside[taken:]
