"""Data that crosses stages and packages: indexing (Document, Clause, …) and answering (Hit,
Citation, Answer, …). Defined once; every stage imports from here.

All types are frozen: a stage never mutates what an earlier stage produced, so a Clause
read back from the index is the same value the parser made.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


# --- closed sets ---------------------------------------------------------------------------------
# StrEnums: a member is its string value, so JSON output, Chroma metadata and comparisons with
# plain strings ("offline", "pdf") are unchanged.
class Script(StrEnum):
    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"


class FileFormat(StrEnum):
    TXT = "txt"
    MD = "md"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"


class AnswerMode(StrEnum):
    """Who writes the answer: the LLM when one is configured (auto), or always one of the two."""

    AUTO = "auto"
    OFFLINE = "offline"
    LLM = "llm"


class Language(StrEnum):
    """The language of a question, and so of its answer and of every message about it."""

    ZH = "zh"
    EN = "en"


class SkipReason(StrEnum):
    """Why the build did not read a file."""

    MISSING = "missing"  # listed in the manifest, not in the folder
    UNSUPPORTED = "unsupported"  # a format no loader reads
    DUPLICATE_ID = "duplicate-id"  # two files would get one document id
    UNREADABLE = "unreadable"  # empty, binary, undecodable
    TOO_LARGE = "too-large"  # above the build's size limit: refused before reading
    GARBLED = "garbled"  # a text layer that extracts as garbage (broken font encodings)
    SYMLINK = "symlink"  # a link that loops or points nowhere


OFFLINE_BACKEND = "offline"  # Answer.backend of the extractive answerer; otherwise the model's name


@dataclass(frozen=True)
class DocumentMeta:
    """What we know about a document before reading its body (manifest or inference)."""

    doc_id: str  # file stem, slug-safe: the stable prefix of every clause id
    title: str
    short_title: str
    issuer: str = ""
    date: str = ""  # ISO yyyy-mm-dd when known, "" otherwise
    kind: str = ""
    script: Script | str = ""  # "" when the text has no Chinese characters
    source: str = ""
    doc_number: str = ""  # 文号 such as 国发〔2018〕42号, when the text carries one


@dataclass(frozen=True)
class LoadedFile:
    """index/ingest/load output: a file's text, decoded, with how it was decoded."""

    path: str
    format: FileFormat
    encoding: str  # e.g. "utf-8", "utf-8-sig", "gb18030", "big5", "utf-16"; "" for pdf/docx
    text: str
    paragraphs: bool = False  # one paragraph per line already (layout-aware PDF, DOCX): never re-joined
    published: str = ""  # ISO date a web page declares in its head (meta tags), "" for other formats


@dataclass(frozen=True)
class TocEntry:
    """A table-of-contents line the cleaner removed from the text (PDF extractions).

    The clause parser may use it to restore headings the body lost."""

    label: str  # "第一篇" | "第二章" | "第三节" …
    title: str  # "规划背景"
    level: int  # 1 for the largest unit present (篇/编), 2 below it, …
    page: int | None = None


@dataclass(frozen=True)
class CleanText:
    """index/ingest/clean output: cleaned text (one paragraph per line) plus what was taken out."""

    text: str
    toc: tuple[TocEntry, ...] = ()
    removed_lines: int = 0
    page_starts: tuple[int, ...] = ()  # offset in `text` where each page begins (paged formats)


@dataclass(frozen=True)
class Document:
    """A cleaned document: metadata plus the cleaned text that clause offsets point into."""

    meta: DocumentMeta
    path: str
    format: FileFormat
    encoding: str
    text: str  # cleaned text (original script); Clause.start/end index into this
    content_hash: str  # sha256 of the cleaned text
    toc: tuple[TocEntry, ...] = ()
    page_starts: tuple[int, ...] = ()  # offset in `text` where page 1, 2, … begins; () when unpaged

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding character `offset` of the text; None for an unpaged document."""
        if not self.page_starts:
            return None
        from bisect import bisect_right

        return max(1, bisect_right(self.page_starts, offset))


@dataclass(frozen=True)
class Clause:
    """One citable unit: a numbered clause (or one part of a long one).

    `path` lists the headings from the top-level ancestor down to this clause itself,
    `labels` the bare numbering labels of the same levels (used for the id).
    """

    clause_id: str  # f"{doc_id}:{'/'.join(labels)}" plus f"#{part}" when parts > 1
    doc_id: str
    doc_title: str
    ref: str  # what a memo prints, e.g. "三、重点任务 （二） 5."
    path: tuple[str, ...]
    labels: tuple[str, ...]
    heading: str  # the clause's own heading or lead phrase ("" for the preamble)
    text: str  # original script, cleaned
    search_text: str  # simplified script, width-normalised: what BM25/embeddings see
    start: int  # char offsets of this clause (or part) in Document.text
    end: int
    ordinal: int  # position of the clause in its document, 0-based, parts share it
    level: int  # 0 for the preamble, 1 for top-level sections, …
    part: int = 1
    parts: int = 1
    parent_id: str | None = None
    page: int | None = None  # 1-based page where the clause starts (paged formats only)
    # Units a responsibility note of the clause names (（牵头单位：…；责任单位：…）, （…等负责）); the
    # note stays in `text` too, so it can be quoted. See index/ingest/lead_units.py.
    lead_units: tuple[str, ...] = ()
    responsible_units: tuple[str, ...] = ()
    # Items kept inside this clause's text (a law's 第五条 with its （一）（二）), so 第五条（三）
    # stays addressable: (label path relative to the clause, "（三）" or "（三）/2", start, end).
    items: tuple[tuple[str, int, int], ...] = ()
    aligned: bool = False  # placed under its 篇/章/节 by aligning the body with the table of contents

    @property
    def base_id(self) -> str:
        """The id shared by all parts of one clause."""
        return self.clause_id.split("#", 1)[0]


@dataclass(frozen=True)
class Filters:
    """Restrictions on which clauses may be retrieved; applied to both retrievers. Empty means no restriction."""

    doc_ids: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    date_from: str = ""  # ISO date, inclusive
    date_to: str = ""
    lead_units: tuple[str, ...] = ()  # clause-level: the clause names one of these as its lead unit

    def is_empty(self) -> bool:
        return not (self.doc_ids or self.issuers or self.date_from or self.date_to or self.lead_units)


@dataclass(frozen=True)
class Skipped:
    """A file the build did not read, and why (shown to the user, never raised)."""

    path: str
    reason: str  # what the user reads
    kind: SkipReason = SkipReason.UNREADABLE


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class BuildReport:
    documents: int
    skipped: tuple[Skipped, ...]
    clauses: int
    embedded: int = 0  # clauses whose vectors had to be computed this build
    reused: int = 0  # clauses whose vectors came from the cache
    removed_documents: tuple[str, ...] = ()
    seconds: float = 0.0
    index_dir: str = ""
    added: tuple[str, ...] = ()  # document ids new in this build
    changed: tuple[str, ...] = ()  # document ids whose text changed
    generation: str = ""  # the index version readers now see
    unchanged: bool = False  # corpus and model as before: no new version was written
    model_id: str = ""  # the embedding model the vectors come from
    store: str = ""  # where the vectors are: a folder, or the Chroma server's URL
    duplicates: tuple[str, ...] = ()  # duplicate documents / clause texts found, one message each


# --- answering -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    """A retrieved clause. Parts of one clause are collapsed: `clause` is the best part,
    `text` the whole clause text (all parts joined)."""

    clause: Clause
    score: float  # fused score (higher is better)
    dense_rank: int | None = None  # 1-based rank in the dense list, None if absent
    bm25_rank: int | None = None
    dense_score: float | None = None  # cosine similarity
    bm25_score: float | None = None
    text: str = ""  # the whole clause (all parts joined); "" only if built outside the retriever

    @property
    def clause_id(self) -> str:
        return self.clause.base_id


@dataclass(frozen=True)
class ContextItem:
    """A clause as numbered [n] in the prompt / the extractive answer."""

    n: int
    hit: Hit
    text: str  # the text given to the answerer (may be the whole clause)


@dataclass(frozen=True)
class Citation:
    n: int
    clause_id: str
    doc_id: str
    doc_title: str
    ref: str
    text: str  # the cited clause's text
    quote: str = ""  # the sentence(s) of the clause that support the answer, when known
    issuer: str = ""
    date: str = ""


@dataclass(frozen=True)
class SentenceCheck:
    """Verification of one answer sentence."""

    sentence: str
    markers: tuple[int, ...]  # citation numbers the sentence carries
    figures: tuple[str, ...]  # figures the sentence states
    missing_figures: tuple[str, ...]  # figures not found in any cited clause
    verified: bool
    reason: str = ""  # "" when verified; "uncited" | "figure-not-in-cited-clause"


EvidenceLevel = Literal["strong", "partial", "weak"]


@dataclass(frozen=True)
class EvidenceStrength:
    """How well the cited sentences match what the question asks (qa/answer/strength.py): its
    words, years, figures and measure. Not correctness: the badge says what was checked."""

    score: float  # 0..1
    level: EvidenceLevel
    missing: tuple[str, ...] = ()  # question words, years or figures no cited sentence holds


@dataclass(frozen=True)
class Answer:
    question: str  # as the user asked it
    text: str  # answer text with [n] markers
    citations: tuple[Citation, ...]
    refused: bool
    backend: str  # "offline" or the LLM model name
    verified: bool  # every sentence cited and every figure found in a cited clause
    checks: tuple[SentenceCheck, ...] = ()
    dropped_markers: tuple[int, ...] = ()  # markers that pointed outside the context
    nearest: tuple[Hit, ...] = ()  # for refusals: clauses the user may check
    standalone_question: str = ""  # the follow-up rewritten, when it was rewritten
    notice: str = ""  # e.g. why the LLM answer fell back to the offline answerer
    timings: tuple[tuple[str, float], ...] = ()  # (stage, seconds) in the order the stages ran
    evidence: EvidenceStrength | None = None  # None for a refusal (nothing cited) or an answer made elsewhere

    @property
    def stage_seconds(self) -> dict[str, float]:
        return dict(self.timings)

    @property
    def unverified(self) -> tuple[SentenceCheck, ...]:
        return tuple(c for c in self.checks if not c.verified)
