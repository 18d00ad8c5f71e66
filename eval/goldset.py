"""Gold sets: loading and validating the JSONL rows (an untrusted edge, hence pydantic), and
resolving each evidence quote to the clause ids that contain it.

Quotes are matched on a normalised form (width fold, traditional → simplified, no whitespace), so a
quote copied from a PDF extraction with stray spaces, or from the traditional-script original,
finds the clause the parser made."""
from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from qa.core.clause_parts import whole_clauses
from qa.core.errors import GoldSetError
from qa.core.messages import REFUSAL_ZH
from qa.core.text import squash
from qa.core.types import Clause

DEFAULT_GOLD = Path(__file__).resolve().parent / "gold" / "policyqa_gold.jsonl"
REFUSAL_TEXT = REFUSAL_ZH  # what an unanswerable row's answer must be
MIN_QUOTE_CHARS = 8
UNANSWERABLE_TYPES = frozenset({"unanswerable", "false-premise"})
QuestionType = Literal[
    "fact", "number", "list", "cross-document", "traditional", "english", "follow-up", "unanswerable", "false-premise"
]
Split = Literal["dev", "test"]
Language = Literal["zh", "en"]
SPLITS = ("dev", "test", "all")
DEV_SHARE = 0.6  # of each stratum (type × first document): tuning may look at dev, test is only reported
MAX_LISTED_ERRORS = 20
_WHITESPACE = re.compile(r"\s+")


class EvidenceQuote(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_id: str = Field(min_length=1)
    quote: str

    @field_validator("quote")
    @classmethod
    def _long_enough(cls, quote: str) -> str:
        if len(_WHITESPACE.sub("", quote)) < MIN_QUOTE_CHARS:
            raise ValueError(f"quote {quote!r} is shorter than {MIN_QUOTE_CHARS} characters; quote more of the clause")
        return quote


class GoldTurn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str = Field(min_length=1)
    answer: str


class GoldRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, pattern=r"^\S+$")
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    type: QuestionType
    doc_ids: tuple[str, ...] = ()
    evidence: tuple[EvidenceQuote, ...] = ()
    key_facts: tuple[str, ...] = ()
    history: tuple[GoldTurn, ...] = ()
    follows: str | None = None
    split: Split | None = None  # dev: tuning allowed; test: only reported (see assign_splits)
    language: Language | None = None  # the question's language; by default en for type english, else zh
    line: int = Field(0, exclude=True)  # where the row sits in its file, for messages

    @model_validator(mode="after")
    def _consistent(self) -> GoldRow:
        if self.type in UNANSWERABLE_TYPES:
            if self.evidence:
                raise ValueError(f"type {self.type!r} must have empty evidence")
            if self.answer.strip() != REFUSAL_TEXT:
                raise ValueError(f"type {self.type!r} must have the answer {REFUSAL_TEXT!r}")
        elif not self.evidence:
            raise ValueError(f"type {self.type!r} needs at least one evidence quote")
        evidence_docs = {e.doc_id for e in self.evidence}
        if self.type == "cross-document" and len(evidence_docs) < 2:
            raise ValueError("a cross-document question needs evidence from at least two documents")
        if self.type == "follow-up" and not (self.history or self.follows):
            raise ValueError("a follow-up needs 'history' or 'follows'")
        missing = evidence_docs - set(self.doc_ids)
        if self.doc_ids and missing:
            raise ValueError(f"evidence names documents missing from doc_ids: {', '.join(sorted(missing))}")
        return self

    @property
    def answerable(self) -> bool:
        return self.type not in UNANSWERABLE_TYPES

    @property
    def documents(self) -> tuple[str, ...]:
        return self.doc_ids or tuple(sorted({e.doc_id for e in self.evidence}))

    @property
    def lang(self) -> str:
        return self.language or ("en" if self.type == "english" else "zh")

    @property
    def stratum(self) -> tuple[str, str]:
        return self.type, (self.documents or ("",))[0]


@dataclass(frozen=True)
class GoldSet:
    path: str
    rows: tuple[GoldRow, ...]

    def by_id(self) -> dict[str, GoldRow]:
        return {row.id: row for row in self.rows}

    def count_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for row in self.rows:
            counts[row.type] += 1
        return dict(counts)

    def subset(self, ids: Iterable[str]) -> GoldSet:
        wanted = set(ids)
        return GoldSet(self.path, tuple(row for row in self.rows if row.id in wanted))

    def select_split(self, split: str) -> GoldSet:
        """The rows of one split ("dev" | "test"), or every row ("all")."""
        if split not in SPLITS:
            raise GoldSetError(f"Unknown split {split!r}.", hint="Use one of: " + ", ".join(SPLITS))
        if split == "all":
            return self
        if not any(row.split for row in self.rows):
            raise GoldSetError(f"The gold set {self.path} marks no row with a split.",
                               hint='Add "split": "dev" or "test" to its rows, or run with --split all.')
        return self.subset(row.id for row in self.rows if row.split == split)


def assign_splits(rows: Sequence[GoldRow], dev_share: float = DEV_SHARE) -> dict[str, str]:
    """A deterministic split stratified by question type and (first) document: rows are ordered
    by stratum, and inside a stratum by a hash of their id, and every row takes "dev" while the
    running dev count is below `dev_share` of the rows seen. Each stratum then holds its share
    to within one row, small strata included, and a row keeps its split whatever its file order."""
    ordered = sorted(rows, key=lambda row: (row.stratum, hashlib.sha256(row.id.encode("utf-8")).hexdigest()))
    splits, dev = {}, 0
    for seen, row in enumerate(ordered, start=1):
        take = dev < round(dev_share * seen)
        dev += take
        splits[row.id] = "dev" if take else "test"
    return splits


def load_gold(path: str | Path = DEFAULT_GOLD) -> GoldSet:
    """Read and validate a gold-set file. Every problem is collected (with its line number) and
    raised together as one GoldSetError, so a user fixes the file in one pass."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldSetError(f"Cannot read the gold set {path}: {exc}", hint="Give a UTF-8 JSONL file (see eval/gold/FORMAT.md).") from exc

    rows: list[GoldRow] = []
    errors: list[str] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {line_no}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(record, dict):
            errors.append(f"line {line_no}: expected a JSON object, got {type(record).__name__}")
            continue
        try:
            rows.append(GoldRow.model_validate({**record, "line": line_no}))
        except ValidationError as exc:
            errors.extend(f"line {line_no}: {_describe(err)}" for err in exc.errors())
    if not rows and not errors:
        errors.append("the file holds no rows")
    errors.extend(_cross_row_errors(rows))
    if errors:
        listed = errors[:MAX_LISTED_ERRORS]
        more = f"\n… and {len(errors) - len(listed)} more" if len(errors) > len(listed) else ""
        raise GoldSetError(
            f"The gold set {path} has {len(errors)} problem(s):\n" + "\n".join(listed) + more,
            hint="See eval/gold/FORMAT.md for the row format.",
        )
    return GoldSet(str(path), tuple(_with_history(rows)))


def _describe(err: dict) -> str:
    where = ".".join(str(part) for part in err.get("loc", ()) if part != "__root__")
    message = err.get("msg", "invalid").removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _cross_row_errors(rows: Sequence[GoldRow]) -> list[str]:
    errors = []
    first_line: dict[str, int] = {}
    for row in rows:
        if row.id in first_line:
            errors.append(f"line {row.line}: id {row.id!r} already used on line {first_line[row.id]}")
        else:
            first_line[row.id] = row.line
    for row in rows:
        if row.follows and row.follows not in first_line:
            errors.append(f"line {row.line}: follows unknown id {row.follows!r}")
    return errors


def _with_history(rows: list[GoldRow]) -> list[GoldRow]:
    """A follow-up that names only `follows` gets the earlier row's question and reference
    answer as its history, so every run replays the same conversation."""
    by_id = {row.id: row for row in rows}
    completed = []
    for row in rows:
        if row.follows and not row.history:
            first = by_id[row.follows]
            row = row.model_copy(update={"history": (*first.history, GoldTurn(question=first.question, answer=first.answer))})
        completed.append(row)
    return completed


# --- quote → clause resolution ------------------------------------------------------------------


@dataclass(frozen=True)
class UnresolvedQuote:
    row_id: str
    line: int
    doc_id: str
    quote: str
    reason: str


@dataclass(frozen=True)
class Resolution:
    """For each answerable row, one group of acceptable clause ids per evidence quote that
    resolved (a quote found in several clauses accepts any of them)."""

    groups: dict[str, tuple[frozenset[str], ...]]
    unresolved: tuple[UnresolvedQuote, ...]

    def gold_clauses(self, row_id: str) -> frozenset[str]:
        return frozenset().union(*self.groups.get(row_id, ()))


def resolve(gold: GoldSet, clauses: Iterable[Clause]) -> Resolution:
    """Map every evidence quote to the base ids of the clauses containing it. Quotes that match no
    single clause are reported in `unresolved`, never raised: one stale quote must not stop a run."""
    texts_by_doc = _clause_texts(clauses)
    groups: dict[str, tuple[frozenset[str], ...]] = {}
    unresolved: list[UnresolvedQuote] = []
    for row in gold.rows:
        found = []
        for evidence in row.evidence:
            ids, reason = _find(squash(evidence.quote), evidence.doc_id, texts_by_doc)
            if ids:
                found.append(ids)
            else:
                unresolved.append(UnresolvedQuote(row.id, row.line, evidence.doc_id, evidence.quote, reason))
        groups[row.id] = tuple(found)
    return Resolution(groups, tuple(unresolved))


def _clause_texts(clauses: Iterable[Clause]) -> dict[str, dict[str, str]]:
    """doc_id → base id → squashed whole-clause text, in document order. Parts of a split clause
    are joined, so a quote crossing a part boundary still resolves to the base id."""
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    for first, whole in whole_clauses(list(clauses)):
        # Some parsers keep a lead phrase or heading apart from the body text.
        if first.heading and squash(first.heading) not in squash(whole):
            whole = first.heading + whole
        texts[first.doc_id][first.base_id] = squash(whole)
    return texts


def _find(quote: str, doc_id: str, texts_by_doc: dict[str, dict[str, str]]) -> tuple[frozenset[str], str]:
    texts = texts_by_doc.get(doc_id)
    if texts is None:
        return frozenset(), f"document {doc_id!r} is not in the index"
    ids = frozenset(base_id for base_id, text in texts.items() if quote in text)
    if ids:
        return ids, ""
    if quote in "".join(texts.values()):
        return frozenset(), "the quote crosses a clause boundary; quote a part inside one clause"
    return frozenset(), "the quote is not in the document text"
