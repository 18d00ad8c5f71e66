"""The composition root: builds the index, retriever and answer chain from one Settings object.

The faces (qa/cli*.py, app.py, eval/) hold one PolicyQA and call its methods; everything heavy
(embedding model, Chroma client, BM25 arrays, LLM client) is built lazily on first use.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from qa.offline import prepare_offline
from qa.settings import Settings
from qa.core.types import Answer, Filters, Hit


class PolicyQA:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        prepare_offline(settings)

    # --- indexing (owned by the index/retrieval work) -------------------------------------
    def build_index(self, corpus_dir=None, progress=True, force: bool = False):
        """Parse and index a corpus folder (default: settings.corpus_dir); returns
        qa.core.types.BuildReport. `progress`: True draws rich bars on stderr, False is silent,
        or a callable(stage, done, total) for another face (e.g. the app)."""
        from index.build import build_index

        s = self.settings
        kwargs = dict(
            corpus_dir=corpus_dir or s.corpus_dir,
            extra_dirs=() if corpus_dir else self._upload_dirs(),
            index_dir=s.index_dir,
            embedder=self._embedder,
            cache_dir=s.cache_dir / "embeddings",
            chunk_tokens=s.chunk_tokens,
            chroma_host=s.chroma_host,
            chroma_port=s.chroma_port,
            force=force,
        )
        if progress is True:
            from qa.cli.index import build_progress

            with build_progress() as callback:
                return build_index(**kwargs, progress=callback)
        if callable(progress):
            return build_index(**kwargs, progress=progress)
        return build_index(**kwargs)

    def _upload_dirs(self):
        """Documents added from the app sit beside the default corpus (qa/upload.py)."""
        from qa.library import uploads_dir

        folder = uploads_dir(self.settings)
        return (folder,) if folder.is_dir() else ()

    def clauses(self, doc_id: str | None = None):
        """The indexed clauses in document order (all documents, or one)."""
        if doc_id is not None and doc_id not in {m.doc_id for m in self.documents()}:
            from qa.core.errors import BadQuestion

            raise BadQuestion(
                f"Unknown document id: {doc_id}.", hint="Valid ids: " + ", ".join(m.doc_id for m in self.documents())
            )
        return self._index.clauses(doc_id)

    def documents(self):
        """The indexed documents' metadata (qa.core.types.DocumentMeta), in corpus order."""
        return self._index.documents()

    def index_stats(self) -> dict:
        return self._index.stats()

    @cached_property
    def _embedder(self):
        from index.embed import make_embedder

        s = self.settings
        api_key = s.openai_api_key.get_secret_value() if s.openai_api_key else ""
        return make_embedder(s.embedding_model, base_url=s.embedding_base_url, api_key=api_key)

    @cached_property
    def _index(self):
        """The opened index (index.build.IndexReader); it follows rebuilds by itself. Not
        cached on failure (IndexNotBuilt), so the first call after a build succeeds."""
        from index.build import open_index

        s = self.settings
        return open_index(s.index_dir, self._embedder, chroma_host=s.chroma_host, chroma_port=s.chroma_port)

    # --- retrieval ---------------------------------------------------------------------------
    @cached_property
    def retriever(self):
        """The hybrid retriever over the built index (qa.retrieve.hybrid.HybridRetriever).

        Raises IndexNotBuilt before the first build, StoreUnavailable when the Chroma server
        is down. Not cached on failure, so a later call after a build succeeds."""
        from qa.retrieve.hybrid import HybridRetriever

        s = self.settings
        return HybridRetriever(
            reader=self._index, embedder=self._embedder, k=s.top_k, max_question_chars=s.max_question_chars
        )

    def retrieve(self, question: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        return self.retriever.search(question, k=k, filters=filters)

    # --- answering (owned by the answer-chain work) ------------------------------------------
    def ask(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        k: int | None = None,
        filters: Filters | None = None,
        mode: str = "auto",  # "auto" | "offline" | "llm"
    ) -> Answer:
        """A cited answer (or a refusal). `history` holds earlier turns, as (question, answer
        text) pairs or the earlier Answers themselves (which lets 「第二条」 resolve)."""
        chain = self._answer_chain
        return chain.invoke(chain.start(question, history, k=k, filters=filters, mode=mode))

    def ask_stream(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        k: int | None = None,
        filters: Filters | None = None,
        mode: str = "auto",
    ):
        """Like `ask`, streamed: yields text deltas (str) as the answer is written, then the final
        Answer. If the model fails midway the Answer is the offline fallback (with a notice), so
        a UI should replace the streamed text with Answer.text when it arrives."""
        chain = self._answer_chain
        yield from chain.stream(chain.start(question, history, k=k, filters=filters, mode=mode))

    @cached_property
    def _answer_chain(self):
        from qa.answer.extractive import ExtractiveAnswerer
        from qa.chain import AnswerChain

        s = self.settings
        llm = None
        if s.llm_configured or s.openai_base_url:
            from qa.answer.llm import LLMAnswerer

            llm = LLMAnswerer(s)
        extractive = ExtractiveAnswerer(embedder=self.retriever.embedder, weights=self._term_weights)
        return AnswerChain(self.retrieve, extractive, s.context_tokens, llm=llm, llm_configured=s.llm_configured,
                           clause_family=self.clause_family, documents=self.documents, default_k=s.top_k)

    def clause_family(self, clause_id: str) -> list[Hit]:
        """A clause and the clauses under it, in document order, as hits (parts joined)."""
        from qa.retrieve.hybrid import join_parts

        base = clause_id.split("#", 1)[0]
        doc_id = base.split(":", 1)[0]
        family: dict[str, list] = {}
        for clause in self._index.clauses(doc_id):
            if clause.base_id == base or clause.base_id.startswith(base + "/"):
                family.setdefault(clause.base_id, []).append(clause)
        return [Hit(clause=min(parts, key=lambda p: p.part), score=1.0, text=join_parts(parts))
                for parts in family.values()]

    def _term_weights(self):
        """IDF over the indexed clauses, recomputed when the index changes."""
        from qa.answer.extractive import TermWeights

        clauses = self.clauses()
        key = (len(clauses), clauses[0].clause_id if clauses else "", clauses[-1].clause_id if clauses else "")
        if getattr(self, "_weights_key", None) != key:
            self._weights = TermWeights(c.search_text for c in clauses)
            self._weights_key = key
        return self._weights
