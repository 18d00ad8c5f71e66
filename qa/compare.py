"""One question over several documents, answered per document: what each one says, quoted and
cited, or 「未涉及」 when it says nothing.

Each document is asked on its own (a document filter) with the offline answerer, whose
refusal thresholds are calibrated (qa/core/config.py): a document whose best evidence falls below
them is 「未涉及」. The quotes are the clause sentences themselves, so nothing is invented.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from qa.core.errors import BadQuestion
from qa.core.types import DocumentMeta
from qa.answer.extractive import with_following
from qa.core.types import Answer, Citation, Filters

MAX_QUOTES = 2  # clauses quoted per document: a table cell, not an answer


@dataclass(frozen=True)
class CompareRow:
    meta: DocumentMeta
    citations: tuple[Citation, ...]  # empty: the document does not address the question

    @property
    def addressed(self) -> bool:
        return bool(self.citations)


@dataclass(frozen=True)
class Comparison:
    question: str
    rows: tuple[CompareRow, ...]


def fuller_quote(citation: Citation) -> Citation:
    """A heading-only quote is followed by the clause's next sentences, still verbatim."""
    return replace(citation, quote=with_following(citation.quote, citation.text))


def row_for(meta: DocumentMeta, answer: Answer) -> CompareRow:
    if answer.refused:
        return CompareRow(meta, ())
    return CompareRow(meta, tuple(fuller_quote(c) for c in sorted(answer.citations, key=lambda c: c.n))[:MAX_QUOTES])


def compare_documents(service, question: str, doc_ids: Sequence[str], k: int | None = None) -> Comparison:
    """Ask `question` of each document in `doc_ids` (in the index's document order)."""
    question = (question or "").strip()
    if not question:
        raise BadQuestion("比较的问题是空的。", hint="例如：各文件对成德眉资同城化的提法")
    documents = {m.doc_id: m for m in service.documents()}
    unknown = [d for d in doc_ids if d not in documents]
    if unknown:
        raise BadQuestion(f"没有这些文件：{', '.join(unknown)}。", hint="请从列表中选择文件。")
    wanted = [m for m in documents.values() if m.doc_id in set(doc_ids)]
    rows = [
        row_for(meta, service.ask(question, k=k, filters=Filters(doc_ids=(meta.doc_id,)), mode="offline"))
        for meta in wanted
    ]
    return Comparison(question=question, rows=tuple(rows))
