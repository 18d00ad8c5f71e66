"""The hybrid search as a LangChain retriever (`invoke`, `batch`, `ainvoke`, `|`), for chains.

Kept apart from qa/retrieve/hybrid.py so that only code that asks for the LangChain interface
imports langchain_core's retriever machinery (about a second of a cold start); the search
itself is hybrid.py's, shared through `Searching`, so both give the same hits.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from qa.core.config import FusionConfig
from qa.core.types import DocumentMeta, Filters, Hit
from qa.question import as_filters
from qa.retrieve.hybrid import SOURCES, HybridSearch, Searching


class HybridRetriever(Searching, BaseRetriever):
    """Retrieves clauses for a question from an opened index (index.reader.IndexReader)."""

    reader: Any  # index.reader.IndexReader
    embedder: Any  # index.embed.Embedder: embed_query(text) -> np.ndarray
    k: int = 8
    max_question_chars: int = 2000
    fusion: FusionConfig = FusionConfig()
    sources: tuple[str, ...] = SOURCES  # ("dense",) or ("bm25",) for single-retriever runs
    filters: Filters = Filters()  # used by the LangChain interface, which passes only a query
    english_cache: str = ""  # folder for the English→Chinese term index (qa/retrieve/english_terms.py)

    @classmethod
    def of(cls, search: HybridSearch) -> HybridRetriever:
        """The LangChain retriever doing what `search` does."""
        return cls(**{field.name: getattr(search, field.name) for field in fields(search)})

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None, filters: Filters | Mapping | None = None,
    ) -> list[Document]:
        """`retriever.invoke(query, k=3, filters={"doc_ids": [...]})` overrides the retriever's
        own k and filters for one call; filters may be a Filters or a dict of its fields."""
        hits = self.search(query, k=k, filters=as_filters(filters) or self.filters)
        metas = {meta.doc_id: meta for meta in self.reader.documents()}
        return [to_document(hit, metas.get(hit.clause.doc_id)) for hit in hits]


def to_document(hit: Hit, meta: DocumentMeta | None = None) -> Document:
    """A hit as a LangChain Document: the whole clause text, `id` the clause id (stable across
    rebuilds), and metadata naming the clause (ref, heading path), its document (title, issuer,
    date, source) and how it was found (fused score, dense and BM25 ranks and scores)."""
    clause = hit.clause
    return Document(
        id=hit.clause_id,
        page_content=hit.text or clause.text,
        metadata={
            "clause_id": hit.clause_id,
            "doc_id": clause.doc_id,
            "doc_title": clause.doc_title,
            "ref": clause.ref,
            "path": list(clause.path),
            "heading": clause.heading,
            "issuer": meta.issuer if meta else "",
            "date": meta.date if meta else "",
            "source": meta.source if meta else "",
            "score": hit.score,
            "dense_rank": hit.dense_rank,
            "bm25_rank": hit.bm25_rank,
            "dense_score": hit.dense_score,
            "bm25_score": hit.bm25_score,
        },
    )
