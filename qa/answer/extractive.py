"""The offline answerer: quotes the context sentences that answer the question best.

Sentences of the numbered clauses are scored by IDF-weighted coverage of the question's words
(jieba tokens of the normalised text, so a simplified question matches a traditional clause)
plus embedding similarity with the index's embedder. The answer quotes the best one or two
sentences verbatim — trimmed to the phrases that matter, figures untouched, original script —
each with its [n]; a list question gets the list (sibling clauses such as —— items, or the
numbered lines of one clause; qa/answer/quotes.py shapes the quotes). When the best evidence is
too weak by the calibrated thresholds (qa/core/config.py), the answer is the fixed refusal phrase.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np

from qa.answer.quotes import cite, heading_list, kept, list_answer, trim, with_following
from qa.answer.refusal import Evidence, refuses
from qa.answer.terms import Weights, content_terms, coverage, uniform
from qa.core.config import TUNING, AnswerSelection, RefusalThresholds
from qa.core.ids import ancestors
from qa.core.messages import refusal_phrase
from qa.core.numerals import extract_figures, figure_in
from qa.core.text import sentences, to_search_text
from qa.core.types import ContextItem
from qa.places import mentioned, places

_LIST_QUESTION = re.compile(
    r"哪些|哪几|列举|分别是|包括什么|包含什么|有几[个项条方面类种]|哪[一二三四五六七八九十两\d]+[个项条方面类大种级]"
    r"|\b(?:which|list|what are)\b",
    re.IGNORECASE,
)
_FIGURE_QUESTION = re.compile(r"多少|(?<!哪)几[个项条年天%]|多大|多长|多高|比重|比例|目标值|\bhow (?:many|much|large|long|big)\b|\bwhat (?:share|percentage|rate)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    item: ContextItem
    sentence: str  # original script, as in the clause
    coverage: float
    similarity: float = 0.0
    score: float = 0.0  # coverage and similarity weighed together (AnswerSelection)


@dataclass(frozen=True)
class Draft:
    text: str
    refused: bool
    quotes: Mapping[int, str]  # context number → the clause sentence(s) quoted (read-only)
    evidence: Evidence | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "quotes", MappingProxyType(dict(self.quotes)))


class ExtractiveAnswerer:
    def __init__(self, embedder=None, weights: Callable[[], Weights] | None = None,
                 thresholds: RefusalThresholds = TUNING.refusal, selection: AnswerSelection = TUNING.answer) -> None:
        """`weights()` returns the current term weights (TermWeights over the index); without
        it every word weighs the same."""
        self.embedder = embedder
        self.weights = weights or (lambda: uniform)
        self.thresholds = thresholds
        self.selection = selection
        self._vectors: dict[str, np.ndarray] = {}

    # --- scoring -----------------------------------------------------------------------------
    def _candidate(self, item: ContextItem, sentence: str, covered: float, similarity: float = 0.0) -> Candidate:
        # e5 cosines sit in a narrow band (~0.7–0.9); rescale so both parts weigh alike.
        s = self.selection
        rescaled = min(max((similarity - s.similarity_floor) / s.similarity_span, 0.0), 1.0)
        score = s.coverage_weight * covered + (1 - s.coverage_weight) * rescaled
        return Candidate(item, sentence, covered, similarity, score)

    def candidates(self, question: str, items: Sequence[ContextItem]) -> list[Candidate]:
        terms, weights = content_terms(question), self.weights()
        scored = []
        texts = {item.hit.clause_id: item.text for item in items}
        for item in items:
            clause = item.hit.clause
            # The topic of a —— item or sub-clause is often set by its parent (「到2027年，…」).
            scope = " ".join([clause.doc_title] + [texts.get(a, "") for a in ancestors(clause.parent_id)])
            around = f"{' '.join(clause.path)} {clause.ref} {item.text}"
            for sentence in sentences(item.text):
                scored.append(self._candidate(item, sentence, coverage(terms, sentence, scope, around, weights)))
        scored.sort(key=lambda c: -c.coverage)
        if self.embedder is not None and scored:
            top = scored[: self.selection.candidates_to_embed]
            query = np.asarray(self.embedder.embed_query(to_search_text(question)), dtype=np.float32)
            vectors = self._sentence_vectors([to_search_text(c.sentence)[: self.selection.embed_chars] for c in top])
            sims = np.asarray(vectors, dtype=np.float32) @ query.reshape(-1)
            scored = [self._candidate(c.item, c.sentence, c.coverage, float(s)) for c, s in zip(top, sims)]
        return sorted(scored, key=lambda c: -c.score)

    def _sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """Passage vectors, remembered per sentence: follow-ups and repeated questions reuse them."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            if len(self._vectors) > self.selection.vector_memory:
                self._vectors.clear()
            self._vectors.update(zip(missing, np.asarray(self.embedder.embed_passages(missing), dtype=np.float32)))
        return np.stack([self._vectors[t] for t in texts])

    def _complements(self, other: Candidate, best: Candidate, terms: Sequence[str], evidence: Evidence) -> bool:
        """A second quote must be nearly as good, from another clause, and bring a question word
        the best sentence lacks: otherwise it only lengthens the answer."""
        if other.item.n == best.item.n or other.score < self.selection.second_quote_ratio * best.score:
            return False
        if other.coverage < self.thresholds.min_coverage:
            return False
        here, there = to_search_text(best.sentence), to_search_text(other.sentence)
        return any(t in there and t not in here for t in terms)

    # --- answering ---------------------------------------------------------------------------
    def assess(self, question: str, items: Sequence[ContextItem]) -> tuple[list[Candidate], Evidence | None]:
        """Ranked candidate sentences and the evidence the refusal decision is made on."""
        ranked = self.candidates(question, items)
        if not ranked:
            return ranked, None
        asks_figure = bool(_FIGURE_QUESTION.search(question))
        # A figure the question itself names (2027, 2035) is not an answer to 多少.
        named = {f for t in content_terms(question) for f in extract_figures(t)}

        def gives_figure(c: Candidate) -> bool:
            return any(f not in named for f in extract_figures(c.sentence))

        if asks_figure:  # among near-equal sentences, the one with a figure answers 多少
            ranked.sort(key=lambda c: -(c.score + (self.selection.figure_bonus if gives_figure(c) else 0.0)))
        best = ranked[0]
        context = to_search_text(" ".join(f"{i.hit.clause.doc_title} {i.text}" for i in items))
        evidence = Evidence(
            coverage=best.coverage,
            similarity=best.similarity if self.embedder is not None else 1.0,
            asks_figure=asks_figure,
            has_figure=gives_figure(best),
            unknown_places=tuple(p.text for p in places(to_search_text(question)) if not mentioned(p, context)),
            unsupported_premises=unsupported_premises(question, items),
        )
        return ranked, evidence

    def answer(self, question: str, items: Sequence[ContextItem], language: str = "zh",
               documents: Mapping[str, str] | None = None, topic: str = "") -> Draft:
        """`documents` (doc_id → the name to print) are the documents the question names, when it
        names two or more; each then gets its own quote, on `topic` (the question without the
        document names)."""
        ranked, evidence = self.assess(question, items)
        if evidence is None or refuses(evidence, self.thresholds):
            return Draft(refusal_phrase(language), True, {}, evidence)
        best, asks_figure = ranked[0], evidence.asks_figure
        if documents and len(documents) >= 2:
            per_document = self._per_document(topic or question, items, documents, asks_figure, language)
            if per_document:
                return replace(per_document, evidence=evidence)
        terms = content_terms(question)
        if _LIST_QUESTION.search(question):
            listed = (heading_list(terms, items, self.weights(), self.selection)
                      or list_answer(best.sentence, best.item, items, self.selection.max_quote_chars))
            if listed:
                return Draft(listed[0], False, listed[1], evidence)
        chosen = [best] + [c for c in ranked[1:3] if self._complements(c, best, terms, evidence)][:1]
        parts, quotes = [], {}
        for c in chosen:
            sentence = with_following(c.sentence, c.item.text, self.selection.min_quote_chars)
            quote = trim(sentence, terms, asks_figure, kept(c.sentence, sentence), self.selection.max_quote_chars)
            parts.append(cite(quote, c.item.n, language))
            quotes[c.item.n] = sentence
        return Draft("".join(parts) if language == "zh" else " ".join(parts), False, quotes, evidence)

    def _per_document(self, topic: str, items: Sequence[ContextItem], documents: Mapping[str, str],
                      asks_figure: bool, language: str) -> Draft | None:
        """One quote per named document: what each says about the topic, or nothing for it."""
        ranked, terms = self.candidates(topic, items), content_terms(topic)
        parts, quotes = [], {}
        for doc_id, name in documents.items():
            best = next((c for c in ranked if c.item.hit.clause.doc_id == doc_id
                         and c.coverage >= self.thresholds.min_coverage and c.item.n not in quotes), None)
            if best is None:
                continue
            sentence = with_following(best.sentence, best.item.text, self.selection.min_quote_chars)
            quote = trim(sentence, terms, asks_figure, kept(best.sentence, sentence), self.selection.max_quote_chars)
            quoted = cite(quote, best.item.n, language)
            parts.append(f"《{name}》：{quoted}" if language == "zh" else f"{name}: {quoted}")
            quotes[best.item.n] = sentence
        if len(parts) < 2:
            return None  # one document's quote is what the general answer gives anyway
        return Draft(("" if language == "zh" else " ").join(parts), False, quotes)


_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,16})[”\"」』]")


def unsupported_premises(question: str, items: Sequence[ContextItem]) -> tuple[str, ...]:
    """The figures and quoted terms a question states that no context clause (or its document's
    title) contains. A figure in a 多少 question is part of the asking (「到2027年…多少」), so it
    is checked too: the documents must speak of that year for the answer to be theirs."""
    texts = [f"{item.hit.clause.doc_title} {' '.join(item.hit.clause.path)} {item.text}" for item in items]
    flat = to_search_text(" ".join(texts))
    missing = [f for f in extract_figures(question) if not any(figure_in(f, t) for t in texts)]
    missing += [q for q in _QUOTED.findall(question) if to_search_text(q) not in flat]
    return tuple(dict.fromkeys(missing))


