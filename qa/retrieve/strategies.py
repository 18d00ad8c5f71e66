"""Every way the answer chain finds clauses, in one place.

Plain hybrid search (qa/retrieve/hybrid.py) answers most questions. Around it:
- a follow-up that names a clause the previous answer cited (「第二条说了什么？」) gets that
  clause and what sits under it first, then what its own text finds in its document;
- a question naming two or more documents (「成都市委决定和四川省委决定都提出…」) searches each
  document on its own, so none is crowded out of the context by the other's closer clauses;
- a heading found among the best hits (「（三）基本原则」) says only what its clauses are about,
  so its clauses follow it into the context.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from index.store.chroma import document_matches
from qa.core.config import TUNING, AnswerSelection, RetrievalStrategy
from qa.core.errors import NoMatchingDocuments
from qa.core.types import Citation, Clause, DocumentMeta, Filters, Hit
from qa.question import asks_for_list
from qa.retrieve.docnames import document_mentions, without_mentions
from qa.retrieve.hybrid import HybridSearch, clause_family


@dataclass(frozen=True)
class Retrieved:
    """What retrieval found for one question."""

    hits: tuple[Hit, ...]
    # (doc_id, name to print) of the documents the question names, when it names two or more
    named_documents: tuple[tuple[str, str], ...] = ()
    topic: str = ""  # the question without those document names


class Retrieval:
    def __init__(self, retriever: HybridSearch, strategy: RetrievalStrategy = TUNING.retrieval,
                 selection: AnswerSelection = TUNING.answer) -> None:
        self.retriever = retriever
        self.strategy = strategy
        # A hit shorter than the answerer's shortest useful quote is a heading, not content.
        self.heading_chars = selection.min_quote_chars

    def documents(self) -> list[DocumentMeta]:
        return self.retriever.reader.documents()

    def check_filters(self, filters: Filters | None) -> None:
        """BadQuestion for a document id the index does not hold; NoMatchingDocuments when the
        filters together leave no document, or no clause led by the lead units asked — which
        must not be answered as the documents' silence. Checked once per question, before any search."""
        if filters is None or filters.is_empty():
            return
        self.retriever.check_filters(filters)
        documents = {meta.doc_id for meta in self.documents() if document_matches(meta, filters)}
        if documents and filters.lead_units:
            led = lead_unit_counts(c for c in self.retriever.reader.clauses() if c.doc_id in documents)
            documents = documents if any(unit in led for unit in filters.lead_units) else set()
        if not documents:
            raise NoMatchingDocuments("Nothing to search: no document (or no clause) matches these filters: " + describe_filters(filters) + ".",
                                      hint="Widen the filters (documents, issuers, dates, lead units) or clear them.")

    def family(self, clause_id: str) -> list[Hit]:
        """A clause and the clauses under it, in document order (parts joined)."""
        return clause_family(self.retriever.reader, clause_id)

    def search(self, question: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        return self.retriever.search(question, k=k, filters=filters)

    def for_question(self, question: str, k: int | None, filters: Filters | None) -> Retrieved:
        documents = self.documents()
        mentions = [] if filters and filters.doc_ids else document_mentions(question, documents)
        # Two copies of one law (.docx and .pdf) named by the same words are one document asked about.
        if len({m.text for m in mentions}) < 2:
            return Retrieved(tuple(self._with_children(self.search(question, k, filters), asks_for_list(question))))
        base = filters or Filters()
        each = max(self.strategy.min_hits_per_document, (k or self.retriever.k) // len(mentions))
        topic = without_mentions(question, mentions)
        lists = [self.search(topic, each, replace(base, doc_ids=(m.doc_id,))) for m in mentions]
        hits = [found[rank] for rank in range(each) for found in lists if rank < len(found)]
        names = {d.doc_id: d.short_title or d.title for d in documents}
        return Retrieved(tuple(hits), tuple((m.doc_id, names[m.doc_id]) for m in mentions), topic)

    def for_cited_clause(self, anchor: Citation, k: int | None) -> Retrieved:
        """The named clause (and what sits under a heading-only one) first, whatever the
        retriever ranks; then what the clause's own text finds in its document."""
        named = self.family(anchor.clause_id)
        hits = self.search(anchor.text[: self.strategy.anchor_chars], k, Filters(doc_ids=(anchor.doc_id,)))
        seen = {h.clause_id for h in named}
        merged = named + [h for h in hits if h.clause_id not in seen]
        return Retrieved(tuple(merged[: max(k or len(hits), len(named))]))

    def _with_children(self, hits: Sequence[Hit], listing: bool = False) -> list[Hit]:
        """Headings among the best hits bring their clauses in, in document order; for a question
        asking for a list, so does the best hit even with text of its own (「（二）打造“光伏+”典型
        应用场景」 says what the scenes are for; the scenes are its items)."""
        out, seen = [], {h.clause_id for h in hits}
        for rank, hit in enumerate(hits):
            out.append(hit)
            heading = len(hit.text.strip()) < self.heading_chars
            if rank < self.strategy.headings_expanded and (heading or (listing and rank < self.strategy.list_heads_expanded)):
                children = [h for h in self.family(hit.clause_id)
                            if h.clause.parent_id == hit.clause_id and h.clause_id not in seen]
                children = children[: self.strategy.max_children]
                out.extend(replace(child, score=hit.score) for child in children)
                seen.update(child.clause_id for child in children)
        return out


def lead_unit_counts(clauses: Iterable[Clause]) -> dict[str, int]:
    """Each lead unit the clauses name, with how many clauses it leads (parts counted once),
    most first: the choices a lead-unit filter offers."""
    seen: dict[str, set[str]] = {}
    for clause in clauses:
        for unit in clause.lead_units:
            seen.setdefault(unit, set()).add(clause.base_id)
    return dict(sorted(((unit, len(ids)) for unit, ids in seen.items()), key=lambda item: (-item[1], item[0])))


def describe_filters(filters: Filters) -> str:
    parts = []
    if filters.doc_ids:
        parts.append("documents " + ", ".join(filters.doc_ids))
    if filters.issuers:
        parts.append("issuers " + "、".join(filters.issuers))
    if filters.lead_units:
        parts.append("lead units " + "、".join(filters.lead_units))
    if filters.date_from or filters.date_to:
        parts.append(f"dated {filters.date_from or '…'} to {filters.date_to or '…'}")
    return "; ".join(parts)
