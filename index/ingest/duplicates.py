"""Duplicate documents and duplicate clause texts across documents, found at build time.

Two files are one document when their texts agree once normalised (script, width, spaces
and punctuation aside: a .docx and a .pdf of one law differ in exactly those), or when nearly
all of their character shingles are shared (a copy with a changed header or footer). A clause
text is duplicated when the same normalised text (long enough to be more than a heading)
is a clause of two different documents. Both are reported, never dropped here: which copy to
keep is the user's choice; retrieval keeps one copy per answer (qa/retrieve/dedupe.py).
"""
from __future__ import annotations

import hashlib
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass

from qa.core.text import to_simplified
from qa.core.types import ParsedDocument

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
SHINGLE = 8
SKETCH = 32  # smallest shingle hashes kept per text: texts that share none are never compared
NEAR_DUPLICATE = 0.9  # share of shingles two texts must have in common (Jaccard)
# Pairs whose sketches estimate less are not compared in full: at J = 0.9 a 32-hash estimate has a
# standard deviation of about 0.05, so 0.6 loses no near duplicate; the full comparison (sets of
# thousands of shingles) made the check quadratic in practice (4.6 s of a 10k-clause build, 200 docs).
SKETCH_FLOOR = 0.6
MIN_CLAUSE_CHARS = 30  # shorter texts (headings, 「本法自…施行」) repeat across documents by nature


@dataclass(frozen=True)
class DuplicateDocuments:
    doc_ids: tuple[str, ...]  # the same text, first listed first
    similarity: float  # 1.0 for identical normalised text


@dataclass(frozen=True)
class DuplicateClause:
    clause_ids: tuple[str, ...]  # one per document holding this text
    text: str  # the first 40 characters, for the report


@dataclass(frozen=True)
class DuplicateReport:
    documents: tuple[DuplicateDocuments, ...] = ()
    clauses: tuple[DuplicateClause, ...] = ()

    def messages(self) -> tuple[str, ...]:
        """One line per finding, for the build report."""
        lines = [f"same document twice: {', '.join(d.doc_ids)}"
                 + ("" if d.similarity == 1.0 else f" ({d.similarity:.0%} of the text shared)") for d in self.documents]
        same_docs = {frozenset(d.doc_ids) for d in self.documents}
        for clause in self.clauses:
            docs = frozenset(cid.split(":", 1)[0] for cid in clause.clause_ids)
            if not any(docs <= group for group in same_docs):  # already said with the documents
                lines.append(f"same clause text in {len(clause.clause_ids)} documents: {', '.join(clause.clause_ids)} "
                             f"(「{clause.text}…」)")
        return tuple(lines)


def normalised(text: str) -> str:
    """Text as compared: simplified script, full-width folded, no spaces or punctuation."""
    import unicodedata

    return _NOISE.sub("", to_simplified(unicodedata.normalize("NFKC", text)))


def _shingles(text: str) -> set[int]:
    return {zlib.crc32(text[i:i + SHINGLE].encode()) for i in range(max(1, len(text) - SHINGLE + 1))}


def find_duplicates(documents: list[ParsedDocument]) -> DuplicateReport:
    return DuplicateReport(tuple(_duplicate_documents(documents)), tuple(_duplicate_clauses(documents)))


def _duplicate_documents(documents: list[ParsedDocument]) -> list[DuplicateDocuments]:
    texts = [(d.document.meta.doc_id, normalised(d.document.text)) for d in documents]
    order = {doc_id: i for i, (doc_id, _) in enumerate(texts)}
    groups: dict[str, list[str]] = {}
    for doc_id, text in texts:
        groups.setdefault(hashlib.sha256(text.encode()).hexdigest(), []).append(doc_id)
    found = [DuplicateDocuments(tuple(ids), 1.0) for ids in groups.values() if len(ids) > 1]
    exact = {doc_id for d in found for doc_id in d.doc_ids[1:]}
    candidates = {doc_id: (text, _shingles(text)) for doc_id, text in texts if doc_id not in exact and text}
    # Bottom-k sketches: two texts sharing 90% of their shingles share some of their smallest
    # hashes, so only pairs meeting in a sketch bucket are compared (no all-pairs pass).
    buckets: dict[int, list[str]] = defaultdict(list)
    sketches = {doc_id: sorted(shingles)[:SKETCH] for doc_id, (_, shingles) in candidates.items()}
    for doc_id, sketch in sketches.items():
        for value in sketch:
            buckets[value].append(doc_id)
    pairs = {(a, b) for ids in buckets.values() for i, a in enumerate(ids) for b in ids[i + 1:]}
    for a, b in sorted(pairs, key=lambda pair: (order[pair[0]], order[pair[1]])):
        (text_a, sh_a), (text_b, sh_b) = candidates[a], candidates[b]
        if text_a == text_b or min(len(text_a), len(text_b)) < NEAR_DUPLICATE * max(len(text_a), len(text_b)):
            continue  # identical (reported above) or too different in length to be one text
        if _estimate(sketches[a], sketches[b]) < SKETCH_FLOOR:
            continue  # documents that share a few common sentences meet in a bucket; most pairs end here
        similarity = len(sh_a & sh_b) / len(sh_a | sh_b)
        if similarity >= NEAR_DUPLICATE:
            found.append(DuplicateDocuments((a, b), round(similarity, 3)))
    return found


def _estimate(a: list[int], b: list[int]) -> float:
    """Bottom-k estimate of the Jaccard similarity from two sketches."""
    union = sorted(set(a) | set(b))[:SKETCH]
    both = set(a) & set(b)
    return sum(1 for value in union if value in both) / len(union) if union else 1.0


def _duplicate_clauses(documents: list[ParsedDocument]) -> list[DuplicateClause]:
    seen: dict[str, dict[str, str]] = {}  # normalised text → doc id → first clause id
    originals: dict[str, str] = {}
    for parsed in documents:
        for clause in parsed.clauses:
            key = normalised(clause.text)
            if len(key) < MIN_CLAUSE_CHARS:
                continue
            seen.setdefault(key, {}).setdefault(clause.doc_id, clause.base_id)
            originals.setdefault(key, clause.text)
    return [DuplicateClause(tuple(by_doc.values()), originals[key][:40]) for key, by_doc in seen.items() if len(by_doc) > 1]
