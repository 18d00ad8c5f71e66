"""The composition root: builds the index, retriever and answer chain from one Settings object.

The faces (qa/cli, qa/web, eval) hold one PolicyQA and call its methods; this module imports
no face. Everything heavy (embedding model, Chroma client, BM25 arrays, LLM client) is built
lazily on first use, so a face that only lists documents never loads the model.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from qa.core.errors import BadQuestion
from qa.core.types import Answer, AnswerMode, BuildReport, Clause, DocumentMeta, Filters, Hit
from qa.offline import prepare_offline
from qa.settings import Settings

HYBRID = ("dense", "bm25")
BuildProgress = Callable[[str, int, int], None]  # (stage, done, total)


class PolicyQA:
    def __init__(self, settings: Settings, *, sources: Sequence[str] = HYBRID,
                 embedding_cache: Path | None = None) -> None:
        """`sources` limits retrieval to "dense" or "bm25" alone (eval compares them);
        `embedding_cache` keeps query and sentence vectors on disk across runs (eval)."""
        self.settings = settings
        self.sources = tuple(sources)
        self.embedding_cache = embedding_cache
        prepare_offline(settings)

    # --- indexing ------------------------------------------------------------------------------
    def build_index(self, corpus_dir: Path | None = None, progress: BuildProgress | None = None,
                    force: bool = False, plan=None) -> BuildReport:
        """Parse and index a corpus folder (default: settings.corpus_dir, plus the app's document
        library: uploads, hidden and re-tagged documents, as `plan`, a qa.library.BuildPlan, says;
        by default the library as it stands). `progress(stage, done, total)` follows the build."""
        from index.build import build_index
        from qa.library import build_plan

        s = self.settings
        return build_index(
            corpus_dir=corpus_dir or s.corpus_dir,
            **({} if corpus_dir else (plan or build_plan(s)).as_kwargs()),
            index_dir=s.index_dir,
            embedder=self._embedder,
            cache_dir=s.cache_dir / "embeddings",
            chunk_tokens=s.chunk_tokens,
            chroma_host=s.chroma_host,
            chroma_port=s.chroma_port,
            index_name=s.index_name,
            max_file_bytes=s.max_file_mb * 1024 * 1024,
            force=force,
            **({"progress": progress} if progress else {}),
        )

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        """The indexed clauses in document order (all documents, or one)."""
        if doc_id is not None and doc_id not in {m.doc_id for m in self.documents()}:
            raise BadQuestion(
                f"Unknown document id: {doc_id}.", hint="Valid ids: " + ", ".join(m.doc_id for m in self.documents())
            )
        return self._index.clauses(doc_id)

    def documents(self) -> list[DocumentMeta]:
        """The indexed documents' metadata, in corpus order."""
        return self._index.documents()

    def index_stats(self) -> dict:
        return self._index.stats()

    @cached_property
    def _embedder(self):
        from index.embed import CachingEmbedder, EmbeddingCache, RememberedQueries, make_embedder

        s = self.settings
        key = s.embedding_api_key or s.openai_api_key
        embedder = make_embedder(s.embedding_model, base_url=s.embedding_base_url,
                                 api_key=key.get_secret_value() if key else "", concurrency=s.embedding_concurrency)
        # Retrieval and the answerer embed the same question: the second time is remembered.
        return RememberedQueries(CachingEmbedder(embedder, EmbeddingCache(self.embedding_cache))
                                 if self.embedding_cache else embedder)

    @cached_property
    def _index(self):
        """The opened index (index.reader.IndexReader); it follows rebuilds by itself. Not
        cached on failure (IndexNotBuilt), so the first call after a build succeeds."""
        from index.reader import open_index  # not index.build: a reader needs none of the builder

        s = self.settings
        return open_index(s.index_dir, self._embedder, chroma_host=s.chroma_host, chroma_port=s.chroma_port,
                          index_name=s.index_name)

    # --- retrieval -----------------------------------------------------------------------------
    @cached_property
    def _search(self):
        """The hybrid search over the built index (qa.retrieve.hybrid.HybridSearch). Raises
        IndexNotBuilt before the first build, StoreUnavailable when the Chroma server is down;
        not cached on failure."""
        from qa.retrieve.hybrid import HybridSearch

        s = self.settings
        return HybridSearch(reader=self._index, embedder=self._embedder, k=s.top_k,
                            max_question_chars=s.max_question_chars, fusion=s.tuning.fusion, sources=self.sources,
                            english_cache=str(s.home / "cache"))

    @cached_property
    def retriever(self):
        """The same search as a LangChain retriever (qa.retrieve.lc_retriever.HybridRetriever),
        for chains; PolicyQA's own methods use the plain search and never import LangChain's."""
        from qa.retrieve.lc_retriever import HybridRetriever

        return HybridRetriever.of(self._search)

    def retrieve(self, question: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        """The clauses the answer chain reads for `question`, best first (at most k): hybrid search,
        with a heading's clauses after it and each document a question names searched on its own."""
        return list(self.retrieval.for_question(question, k, filters).hits)[: k or self.settings.top_k]

    def check_filters(self, filters: Filters | None) -> None:
        """Raises BadQuestion for a document filter naming a document the index does not hold,
        and NoMatchingDocuments when the filters together leave nothing to search: that is not
        the documents being silent, and must not be answered as if it were."""
        self.retrieval.check_filters(filters)

    def lead_unit_counts(self, filters: Filters | None = None) -> dict[str, int]:
        """The lead units clauses name (牵头单位 and the like), with clause counts, most first;
        only in the documents `filters` lets through when given."""
        from qa.retrieve.strategies import lead_unit_counts

        allowed = {meta.doc_id for meta in self.documents_matching(replace(filters, lead_units=())
                                                                    if filters else None)}
        return lead_unit_counts(c for c in self._led_clauses() if c.doc_id in allowed)

    def _led_clauses(self) -> list[Clause]:
        """The clauses that name a lead unit, read once per index generation: the web page asks
        for the lead-unit choices on every load, and reading every clause each time would not do."""
        key = self._index.generation
        if getattr(self, "_led_key", None) != key:
            self._led = [c for c in self.clauses() if c.lead_units]
            self._led_key = key
        return self._led

    @cached_property
    def conversations(self):
        """Saved conversations (qa.conversations.ConversationStore) under POLICYQA_HOME."""
        from qa.conversations import ConversationStore

        return ConversationStore(self.settings.home / "conversations.sqlite")

    # --- answering -----------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence = (), k: int | None = None, filters: Filters | None = None,
            mode: AnswerMode | str = AnswerMode.AUTO) -> Answer:
        """A cited answer (or a refusal). `history` holds earlier turns, as (question, answer
        text) pairs or the earlier Answers themselves (which lets 「第二条」 resolve)."""
        self.check_filters(filters)
        state = self._pipeline.start(question, history, k=k, filters=filters, mode=mode)
        if state.use_llm:
            return self._answer_chain.invoke(state)  # the model's calls show in LangChain callbacks and traces
        # Offline: the same stages without LangChain's Runnables (qa/pipeline.py), which would
        # cost a cold `policyqa ask` about a second of imports and call no model to trace.
        return self._pipeline.run(state)

    def ask_stream(self, question: str, history: Sequence = (), k: int | None = None,
                   filters: Filters | None = None, mode: AnswerMode | str = AnswerMode.AUTO):
        """Like `ask`, streamed: yields text deltas (str) as the answer is written, then the final
        Answer. If the model fails midway the Answer is the offline fallback (with a notice), so
        a UI should replace the streamed text with Answer.text when it arrives."""
        self.check_filters(filters)
        chain = self._answer_chain
        yield from chain.stream(chain.start(question, history, k=k, filters=filters, mode=mode))

    @property
    def runnable(self):
        """The answer chain as a LangChain Runnable (qa.chain.AnswerChain): a question, or a dict
        {"question", "history", "filters", "k", "mode"}, in; the typed Answer out. `stream` yields
        text deltas then the Answer; `batch`, `ainvoke`, `astream` and `|` work as for any chain."""
        return self._answer_chain

    def llm(self, model: str = ""):
        """The configured endpoint's chat model (qa.answer.llm.LLMAnswerer); `model` names
        another model at the same endpoint (eval's judge)."""
        from qa.answer.llm import LLMAnswerer

        s = self.settings
        return LLMAnswerer(
            model=model or s.llm_model, base_url=s.openai_base_url,
            api_key=s.openai_api_key.get_secret_value() if s.openai_api_key else "",
            temperature=s.llm_temperature, timeout=s.llm_timeout, max_retries=s.llm_max_retries,
        )

    @cached_property
    def retrieval(self):
        """Every retrieval strategy over the hybrid retriever (qa.retrieve.strategies.Retrieval)."""
        from qa.retrieve.strategies import Retrieval

        tuning = self.settings.tuning
        return Retrieval(self._search, tuning.retrieval, tuning.answer)

    @cached_property
    def _pipeline(self):
        """The answer stages (qa.pipeline.AnswerPipeline), which the chain wraps."""
        from qa.answer.extractive import ExtractiveAnswerer
        from qa.pipeline import AnswerPipeline

        s = self.settings
        tuning = s.tuning
        llm = self.llm() if s.llm_configured else None
        extractive = ExtractiveAnswerer(embedder=self._search.embedder, weights=self._term_weights,
                                        thresholds=tuning.refusal, selection=tuning.answer,
                                        stored=self._index.sentence_vectors,  # computed at build time
                                        translate=self._search.chinese_terms, names_of=self._search.english_places)
        return AnswerPipeline(self.retrieval, extractive, s.context_tokens, llm=llm, llm_configured=s.llm_configured)

    @cached_property
    def _answer_chain(self):
        from qa.chain import AnswerChain

        return AnswerChain(self._pipeline)

    def _term_weights(self):
        """IDF over the indexed clauses, recomputed when the index changes."""
        from qa.answer.terms import TermWeights

        key = self._index.generation  # cheap to ask every question; the clauses are not
        if getattr(self, "_weights_key", None) != key:
            self._weights = TermWeights(c.search_text for c in self.clauses())
            self._weights_key = key
        return self._weights

    # --- documents (library) ---
    def documents_matching(self, filters: Filters | None = None) -> list[DocumentMeta]:
        """The indexed documents the filters let through (all for none), in corpus order; a
        filter naming a document the index does not hold raises BadQuestion, as for a question."""
        documents = self.documents()
        if filters is None or filters.is_empty():
            return documents
        self._search.check_filters(filters)
        from index.store.chroma import document_matches

        return [meta for meta in documents if document_matches(meta, filters)]

    def clause_counts(self) -> dict[str, int]:
        """Indexed clauses per document id."""
        return dict(self.index_stats()["per_document"])
