"""Hybrid retrieval: dense (embeddings) + BM25 over the clause index, fused and collapsed.

`HybridSearch.search` is the typed entry point the rest of qa/ uses. `HybridRetriever`, the same
search behind the LangChain `BaseRetriever` interface (`invoke`, `batch`, `ainvoke`, composition
with `|`), returns the same hits as Documents for chains: one Document per clause, `id` the
clause id, and the metadata a citation needs (see `to_document`). It lives in
qa/retrieve/lc_retriever.py and is imported from here on first use: langchain_core's retriever
machinery costs about a second to import, which a cold `policyqa ask` need not pay. Every unit
is a numbered clause (or the preamble); lead-phrase units inside a clause are not split out yet,
and arrive with the document-structure work.

After fusion the candidates are reordered by what the question itself says (qa/retrieve/rerank.py):
the document it names, and the kind of answer it asks for. The words that name a document are
left out of the BM25 query, so that inside the document the clause that answers outranks the
ones that repeat its title.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qa.core.clause_parts import join_parts, whole_clauses
from qa.core.config import FusionConfig
from qa.core.errors import BadQuestion
from qa.core.ids import doc_id_of, is_within, part_ids
from qa.core.text import question_language
from qa.core.types import Clause, Filters, Hit, Language
from qa.question import prepare_question
from qa.retrieve.dedupe import drop_duplicate_hits
from qa.retrieve.docnames import document_mentions, without_mentions
from qa.retrieve.fusion import collapse_parts, fuse, with_sentences
from qa.retrieve.figures import figure_spellings
from qa.retrieve.rerank import rerank

SOURCES = ("dense", "bm25")
_CONTEXT_CLAUSES = 20  # the dense hits whose words choose among an English term's translations
_WORD = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


def _folder(path: str) -> Path | None:
    return Path(path) if path else None


class Searching:
    """The search itself, over the attributes HybridSearch (a plain dataclass) and HybridRetriever
    (a pydantic LangChain retriever) both declare: reader, embedder, k, max_question_chars, fusion,
    sources, english_cache."""

    def search(self, question: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        """The k best clauses for `question`, best first; parts of one clause count once."""
        prepared = prepare_question(question, self.max_question_chars)
        k = self.k if k is None else k
        if k < 1:
            raise BadQuestion(f"The number of clauses to retrieve must be at least 1, not {k}.")
        filters = filters or Filters()
        self.check_filters(filters)
        if not prepared.searchable:
            return []  # only emoji or punctuation: nothing any clause could match

        depth = self.fusion.depth(k)
        dense = bm25 = ()
        if "dense" in self.sources:
            vector = self.embedder.embed_query(prepared.search_text)
            dense = self.reader.dense_search(vector, depth, filters)
            if self.fusion.sentence_share > 0:
                dense = with_sentences(dense, self.reader.sentence_search(vector, depth, filters),
                                       self.fusion.sentence_share, depth)
        mentions = [] if filters.doc_ids else document_mentions(question, self.reader.documents())
        named = {m.doc_id for m in mentions}
        if not filters.doc_ids and question_language(question) is Language.EN:  # "Pudong" names 浦东…安排
            from qa.retrieve.english_terms import named_documents

            named |= named_documents(question, self.reader.documents(), _folder(self.english_cache))
        if "bm25" in self.sources:
            # The words naming a document pick the document (the bonus below), not the clause in it:
            # every clause repeating the title would outscore the one that answers.
            words = without_mentions(prepared.search_text, mentions) if mentions else prepared.search_text
            words = words if _WORD.search(words) else prepared.search_text  # the question was only the name
            titles = [meta.title for meta in self.reader.documents() if meta.doc_id in named]
            near = [clause.text for clause, _ in dense[:_CONTEXT_CLAUSES]]
            bm25 = self.reader.bm25_search(self.keyword_text(question, words, titles, near), depth, filters)
        fused = rerank(fuse(dense, bm25, self.fusion), question, named,
                       self.fusion.named_document_bonus, self.fusion.answer_type_bonus, self.fusion.note_penalty)
        # Twice k candidates, so that a slot a duplicate (the same law as .docx and .pdf) would
        # take goes to the next different clause.
        hits = collapse_parts(fused)[:2 * k]
        texts = whole_texts(self.reader, [hit.clause for hit in hits])
        return drop_duplicate_hits(replace(hit, text=texts[hit.clause.base_id]) for hit in hits)[:k]

    def keyword_text(self, question: str, search_text: str, named_titles: Sequence[str] = (),
                     near: Sequence[str] | None = None) -> str:
        """What BM25 searches: the question, with its figures also spelt the other way (16 and
        十六), plus Chinese words for an English question's terms — but not the words that only
        name a document it names ("Jiangmen dust pollution regulation" → 江门, 扬尘污染, 条例),
        as the Chinese question's document names are left out."""
        search_text = " ".join([search_text, *figure_spellings(search_text)])
        terms = self.chinese_terms(question, near)
        kept = [t for t in terms if not any(t in title for title in named_titles)]
        return " ".join([search_text, *(kept or terms)])

    def chinese_terms(self, question: str, near: Sequence[str] | None = None) -> list[str]:
        """The Chinese words for an English question's terms; [] for any other question. `near`:
        the texts of the clauses the dense retriever finds for it (searched here when not given),
        which choose among a term's several translations."""
        if question_language(question) is not Language.EN:
            return []
        from qa.retrieve.english_terms import chinese_terms

        if near is None and "dense" in self.sources:
            vector = self.embedder.embed_query(prepare_question(question, self.max_question_chars).search_text)
            near = [clause.text for clause, _ in self.reader.dense_search(vector, _CONTEXT_CLAUSES)]
        titles = [meta.title for meta in self.reader.documents()]
        # Which clauses hold each candidate word: a translation none holds gives its place to another.
        return chinese_terms(question, titles, _folder(self.english_cache),
                             clauses_of=lambda word: [c.base_id for c, _ in self.reader.bm25_search(word, 50)],
                             context=near or ())

    def english_places(self, question: str) -> list[tuple[str, tuple[str, ...]]]:
        """The names an English question gives, with their Chinese spellings; [] for any other."""
        if question_language(question) is not Language.EN:
            return []
        from qa.retrieve.english_terms import place_names

        titles = [meta.title for meta in self.reader.documents()]
        return place_names(question, titles, _folder(self.english_cache))

    def check_filters(self, filters: Filters) -> None:
        """Reject a document filter naming a document the index does not hold."""
        if not filters.doc_ids:
            return
        known = [meta.doc_id for meta in self.reader.documents()]
        unknown = [doc_id for doc_id in filters.doc_ids if doc_id not in known]
        if unknown:
            raise BadQuestion(
                f"Unknown document id{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.",
                hint="Valid ids: " + ", ".join(known),
            )


@dataclass(frozen=True)
class HybridSearch(Searching):
    """Retrieves clauses for a question from an opened index (index.reader.IndexReader)."""

    reader: Any  # index.reader.IndexReader
    embedder: Any  # index.embed.Embedder: embed_query(text) -> np.ndarray
    k: int = 8
    max_question_chars: int = 2000
    fusion: FusionConfig = FusionConfig()
    sources: tuple[str, ...] = SOURCES  # ("dense",) or ("bm25",) for single-retriever runs
    english_cache: str = ""  # folder for the English→Chinese term index (qa/retrieve/english_terms.py)


def __getattr__(name: str):
    """HybridRetriever and to_document, the LangChain side, imported only when asked for."""
    if name in ("HybridRetriever", "to_document"):
        from qa.retrieve import lc_retriever

        return getattr(lc_retriever, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def whole_texts(reader: Any, clauses: Iterable[Clause]) -> dict[str, str]:
    """The full text of each clause (by base id), joining its parts in order."""
    clauses = list(clauses)
    texts = {c.base_id: c.text for c in clauses if c.parts == 1}
    split = {c.base_id: c.parts for c in clauses if c.parts > 1}
    if split:
        by_base: dict[str, list[Clause]] = defaultdict(list)
        for part in reader.get([pid for base, parts in split.items() for pid in part_ids(base, parts)]):
            by_base[part.base_id].append(part)
        for base in split:
            texts[base] = join_parts(by_base[base])
    return texts


def clause_family(reader: Any, clause_id: str) -> list[Hit]:
    """A clause and the clauses under it, in document order, as hits (parts joined)."""
    family = [(first, text) for first, text in whole_clauses(reader.clauses(doc_id_of(clause_id)))
              if is_within(first.base_id, clause_id)]
    return [Hit(clause=first, score=1.0, text=text) for first, text in family]
