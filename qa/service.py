"""The composition root: builds the index, retriever and answer chain from one Settings object.

The faces (qa/cli*.py, app.py, eval/) hold one PolicyQA and call its methods; everything heavy
(embedding model, Chroma client, BM25 arrays, LLM client) is built lazily on first use.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from qa.offline import prepare_offline
from qa.settings import Settings
from qa.types import Answer, Filters, Hit


class PolicyQA:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        prepare_offline(settings)

    # --- indexing (owned by the index/retrieval work) -------------------------------------
    def build_index(self, corpus_dir=None, progress: bool = True):
        """Parse and index a corpus folder; returns index.types.BuildReport."""
        raise NotImplementedError

    def clauses(self, doc_id: str | None = None):
        """The indexed clauses in document order (all documents, or one)."""
        raise NotImplementedError

    def documents(self):
        """The indexed documents' metadata (index.types.DocumentMeta), in corpus order."""
        raise NotImplementedError

    # --- retrieval ---------------------------------------------------------------------------
    @cached_property
    def retriever(self):
        raise NotImplementedError

    def retrieve(self, question: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        raise NotImplementedError

    # --- answering (owned by the answer-chain work) ------------------------------------------
    def ask(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        k: int | None = None,
        filters: Filters | None = None,
        mode: str = "auto",  # "auto" | "offline" | "llm"
    ) -> Answer:
        raise NotImplementedError
