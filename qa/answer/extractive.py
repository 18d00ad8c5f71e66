"""The offline answerer: quotes the context sentences that answer the question best.

Sentences of the numbered clauses are scored by IDF-weighted coverage of the question's words
(jieba tokens of the normalised text, so a simplified question matches a traditional clause)
plus embedding similarity with the index's embedder, times how well each fits what the question
asks (the year, the measure, a span of time: qa/answer/asks.py). The answer quotes the best one
or two sentences verbatim — trimmed to the phrases that matter, figures untouched, original
script — each with its [n]; with the responsibility note of its task when the question asks who
leads; with the items after it when it ends in a colon. A list question gets the list
(qa/answer/lists.py: the items under the heading it names, sibling clauses, numbered lines).
When the best evidence is too weak by the calibrated thresholds (qa/core/config.py), or the
quoted sentences match too little of the question (qa/answer/strength.py), the answer is the
fixed refusal phrase with a notice naming what was not found.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from qa.answer.asks import (
    Asks,
    fit,
    has_date,
    has_duration,
    read_question,
    responsibility_notes,
    years_in,
)
from qa.answer.drafts import Candidate, Draft, StoredVectors, best_per_clause
from qa.answer.lists import after_colon, list_drafts
from qa.answer.preference import Preference
from qa.answer.premises import unsupported_premises
from qa.answer.quotes import (
    cite,
    continues,
    entries_answer,
    join_cited,
    kept,
    lead_of,
    trim,
    with_following,
    without_label,
)
from qa.answer.refusal import Evidence, refuses
from qa.answer.shelf import Library, Shelf, parent
from qa.answer.strength import Cited, maximal, strength
from qa.answer.terms import Weights, content_terms, coverage, held, uniform
from qa.core.config import TUNING, AnswerSelection, RefusalThresholds
from qa.core.dates import resolve_relative_years
from qa.core.ids import ancestors
from qa.core.messages import amount_in, refusal_notice, refusal_phrase
from qa.core.numerals import numeric_form, quantities
from qa.core.text import abbreviates, sentences, to_search_text
from qa.core.types import Clause, ContextItem, EvidenceStrength
from qa.places import unknown_places


def _absent_terms(question: str, items: Sequence[ContextItem], shelf: Shelf) -> list[str]:
    """The question's words that no context clause (nor its document's name) holds."""
    context = numeric_form(" ".join(shelf.named_texts(items)))
    return list(dict.fromkeys(t for t in maximal(content_terms(question)) if t not in context))


_LABEL_CHARS = 8  # 「（十二）」「第一百二十条」: what may stand before a heading on its line


def _is_headline(clause: Clause, sentence: str, short: int) -> bool:
    """`sentence` is the clause's heading, perhaps after its label: 「三、2026年工作安排」."""
    flat, head = sentence.strip(), clause.heading.strip()
    if not head or head in clause.labels or len(flat) >= short or re.search(r"[。；;：:！？!?]$", flat):
        return False
    return flat.endswith(head) and len(flat) - len(head) <= _LABEL_CHARS


def _lead_sentence(text: str) -> str:
    found = sentences(text)
    return found[0] if found else text


class ExtractiveAnswerer:
    def __init__(self, embedder=None, weights: Callable[[], Weights] | None = None,
                 thresholds: RefusalThresholds = TUNING.refusal, selection: AnswerSelection = TUNING.answer,
                 stored: StoredVectors | None = None, translate: Callable[[str], Sequence[str]] | None = None,
                 names_of: Callable[[str], Sequence[tuple[str, Sequence[str]]]] | None = None) -> None:
        """`weights()` returns the current term weights (TermWeights over the index); without
        it every word weighs the same. `stored` looks up the sentence vectors the index computed
        at build time (by clause id and text; None where it has none). `translate` gives the
        Chinese words of an English question's terms (the keyword retriever's), so that an English
        question is weighed on words as a Chinese one is, not on similarity alone; `names_of` its
        names with their Chinese spellings, checked against the context as a Chinese question's places are."""
        self.embedder, self.translate, self.names_of = embedder, translate, names_of
        self.weights = weights or (lambda: uniform)
        self.thresholds = thresholds
        self.selection = selection
        self._vectors: dict[str, np.ndarray] = {}
        self.stored = stored

    # --- scoring -----------------------------------------------------------------------------
    def _candidate(self, item: ContextItem, sentence: str, covered: float, similarity: float = 0.0,
                   fit: float = 1.0, lead: str = "", translated: bool = False) -> Candidate:
        # e5 cosines sit in a narrow band (~0.7–0.9); rescale so both parts weigh alike.
        s = self.selection
        rescaled = min(max((similarity - s.similarity_floor) / s.similarity_span, 0.0), 1.0)
        weight = s.translated_coverage_weight if translated else s.coverage_weight
        score = (weight * covered + (1 - weight) * rescaled) * fit
        return Candidate(item, sentence, covered, similarity, score, fit, lead)

    def candidates(self, question: str, items: Sequence[ContextItem], shelf: Shelf | None = None,
                   asked: str = "") -> list[Candidate]:
        """Every sentence of the context scored against `question`'s words and, by e5, against
        `asked` (the question as the user put it, when `question` carries translated words)."""
        terms, weights = content_terms(question), self.weights()
        shelf = shelf or Shelf(items)
        if asked:  # translated words: only those the context holds weigh (qa/answer/terms.py held)
            terms = held(terms, shelf.named_texts(items))
        asks = read_question(asked or question)  # not the translated words: "deadline" → 期限 asks no span of time
        texts = {item.hit.clause_id: item.text for item in items}
        scored = []
        for item in items:
            clause = item.hit.clause
            # The topic of a —— item or sub-clause is often set by its parent (「到2027年，…」): a
            # parent in the context counts for the words; any parent, fetched, for the year. Only
            # the parent's lead sentence frames its children: a work report's long section text
            # would otherwise lend every word of the section to each sentence under it.
            # The issuer frames the document too: 「我市」 in a page of 广州市人社局 is 广州.
            scope = " ".join([shelf.names(clause.doc_id, clause.doc_title)]
                             + [_lead_sentence(texts.get(a, "")) for a in ancestors(parent(clause))])
            year = shelf.year(clause.doc_id)
            frame = scope
            if asks.years:
                # The title's year frames a sentence only when the clauses above it name none: a
                # work report of 2026 reviews 2025 under 「一、2025年…工作回顾」.
                above = shelf.frame(clause)
                frame = above if years_in(above, year) else f"{clause.doc_title} {above}"
            around = f"{' '.join(clause.path)} {clause.ref} {item.text}"
            # A clause's own short headline (「三、2026年工作安排」, its content after it or in the
            # clauses under it) names a topic; unless a list is asked for, it is not what answers.
            short = self.selection.min_quote_chars
            dated = ""  # the clause's last sentence naming a year: 「2020年是…之年。全市上下要…」 sets it for the next
            for sentence in sentences(item.text):
                lead = lead_of(sentence, item.text)  # an item is read with the line it hangs on
                stated = resolve_relative_years(f"{without_label(lead)} {sentence}" if lead else sentence, year)
                covered = coverage(terms, stated, scope, around, weights)
                # …nor does a question the text asks itself (a Q&A page's 「2.申请需要具备哪些条件？」).
                # A bare heading (its clause holds the headline alone) lists nothing even for a list
                # question: its items are the clauses under it (named_list, sibling_list).
                listed = asks.listing and item.text.strip() != sentence.strip()
                headline = not listed and _is_headline(clause, sentence, short) or sentence.rstrip().endswith(("？", "?"))
                fits = fit(asks, terms, stated, f"{frame} {dated}", year, self.selection) * (self.selection.headline if headline else 1.0)
                scored.append(self._candidate(item, sentence, covered, fit=fits, lead=lead))
                if asks.years and years_in(stated, year):
                    dated = stated
        scored.sort(key=lambda c: -c.coverage * c.fit)
        if self.embedder is not None and scored:
            top = scored[: self.selection.candidates_to_embed]
            # …and every context clause's best sentence: when a few long clauses hold the question's
            # words many times over, their sentences fill the cut and the clause that answers in
            # everyday words (「不得…区别对待」 for 歧视) was never compared by meaning.
            seen = {id(c) for c in top}
            top += [c for c in best_per_clause(scored) if id(c) not in seen]
            query = np.asarray(self.embedder.embed_query(to_search_text(asked or question)), dtype=np.float32)
            vectors = self._sentence_vectors([to_search_text(c.sentence)[: self.selection.embed_chars] for c in top],
                                             [c.item.hit.clause_id for c in top])
            sims = np.asarray(vectors, dtype=np.float32) @ query.reshape(-1)
            scored = [self._candidate(c.item, c.sentence, c.coverage, float(s), c.fit, c.lead, bool(asked))
                      for c, s in zip(top, sims)]
        return sorted(scored, key=lambda c: -c.score)

    def _sentence_vectors(self, texts: list[str], clause_ids: Sequence[str] = ()) -> np.ndarray:
        """Passage vectors: computed at index time (`stored`, by clause id and text), else
        remembered per sentence (follow-ups and repeated questions reuse them), else embedded."""
        found = self.stored(list(zip(clause_ids, texts))) if self.stored is not None and clause_ids else []
        known = {t: v for t, v in zip(texts, found) if v is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in known and t not in self._vectors]
        if missing:
            if len(self._vectors) > self.selection.vector_memory:
                self._vectors.clear()
            self._vectors.update(zip(missing, np.asarray(self.embedder.embed_passages(missing), dtype=np.float32)))
        return np.stack([np.asarray(known[t], dtype=np.float32) if t in known else self._vectors[t] for t in texts])

    def _complements(self, other: Candidate, best: Candidate, terms: Sequence[str], asks: Asks,
                     shelf: Shelf, gain: float) -> bool:
        """A second quote must be nearly as good, from another clause, and bring a question word
        the best sentence lacks — not a word of a document's name (that picks the document, it
        is no part of the answer); when the question asks for a figure, a date or a span of
        time, it must give one too: otherwise it only lengthens the answer."""
        if other.item.n == best.item.n or other.score < self.selection.second_quote_ratio * best.score:
            return False
        if other.coverage < self.thresholds.min_coverage:
            return False
        if asks.responsible and responsibility_notes(best.item.text):
            return False  # the best quote brings its task's note, which answers who leads
        said = f"{without_label(other.lead)} {other.sentence}"
        if (asks.duration and not has_duration(said)) or (asks.date and not has_date(said)) \
                or (asks.figure and not quantities(without_label(said))):
            return False
        names = " ".join(shelf.names(c.item.hit.clause.doc_id, c.item.hit.clause.doc_title) for c in (best, other))
        here, there = to_search_text(best.sentence), to_search_text(other.sentence)
        brought = [t for t in terms if t in there and t not in here and not abbreviates(t, to_search_text(names))]
        weights = self.weights()
        total = sum(weights(t) for t in terms)
        # A common word the best quote lacks (要求, 工作) is no reason to quote a second clause.
        return bool(brought) and sum(weights(t) for t in brought) >= gain * total

    def _other_documents(self, ranked: Sequence[Candidate], chosen: Sequence[Candidate]) -> list[Candidate]:
        """「…有哪些举措」 when several documents say something: the best sentence of each other
        document that scores nearly as well as the best one, so the answer is not one document's."""
        s, best = self.selection, ranked[0]
        seen, out = {c.item.hit.clause.doc_id for c in chosen}, []
        for c in ranked[1:]:
            doc_id = c.item.hit.clause.doc_id
            if len(out) >= s.other_documents or doc_id in seen or c.score < s.other_document_ratio * best.score:
                continue
            if c.coverage >= self.thresholds.min_coverage and c.fit >= 1.0:
                seen.add(doc_id)
                out.append(c)
        return out

    # --- answering ---------------------------------------------------------------------------
    def assess(self, question: str, items: Sequence[ContextItem], shelf: Shelf | None = None,
               wording: str = "", topic: str = "") -> tuple[list[Candidate], Evidence | None]:
        """Ranked candidate sentences (by `wording`, the question with any translated words) and
        the evidence the refusal decision is made on (by the question itself; its premises by
        `topic`, the question without the names of the documents it names, when given)."""
        shelf = shelf or Shelf(items)
        ranked = self.candidates(question, items, shelf)
        if not ranked:
            return ranked, None
        asks = read_question(question)
        preference = Preference.of(question, asks, self.selection)
        best = preference.prefer(ranked)[0]
        context = to_search_text(" ".join(f"{i.hit.clause.doc_title} {i.text}" for i in items))
        translated = preference.prefer(self.candidates(wording, items, shelf, asked=question)) \
            if wording and wording != question else []
        evidence = Evidence(
            coverage=best.coverage,
            similarity=best.similarity if self.embedder is not None else 1.0,
            asks_figure=asks.figure,
            # An English question's figure may be in the sentence its translated words find, not the nearest by e5.
            has_figure=preference.gives_figure(best) or bool(translated and preference.gives_figure(translated[0])),
            translated_coverage=translated[0].coverage if translated else None,
            unknown_places=unknown_places(to_search_text(question), context,
                                          self.names_of(question) if self.names_of else ()),
            unsupported_premises=unsupported_premises(topic or question, items, shelf, best.item.hit.clause.doc_id,
                                                      self.weights(), self.thresholds),
        )
        return translated or ranked, evidence

    def answer(self, question: str, items: Sequence[ContextItem], language: str = "zh",
               documents: Mapping[str, str] | None = None, topic: str = "", library: Library | None = None) -> Draft:
        """`documents` (doc_id → the name to print) are the documents the question names, when it
        names two or more; each then gets its own quote, on `topic` (the question without the
        document names). `library` (the index reader) lets the answer look beyond the context:
        document dates, whole documents for premise checks, the items of a list."""
        # An English question's Chinese words choose and trim the sentence; whether to answer
        # stays judged as before (similarity, figures): translated words miss too often to refuse on.
        wording = " ".join([question, *self.translate(question)]) if language == "en" and self.translate else question
        shelf = Shelf(items, library)
        # 「上海“十五五”纲要」 names a document; its 十五五 is no figure the question takes as given.
        named = bool(documents) and len(documents) >= 2
        ranked, evidence = self.assess(question, items, shelf, wording, topic if named else "")
        if evidence is None or refuses(evidence, self.thresholds):
            return self._refusal(question, items, evidence, ranked, shelf, language)
        asks = read_question(question)
        if named:
            per_document = self._per_document(topic or question, items, documents, asks.figure, language)
            if per_document:
                return replace(per_document, evidence=evidence)
        terms = content_terms(wording)
        drafts = [self._quotes(ranked, terms, asks, shelf, language)]
        if asks.listing:
            drafts = list_drafts(ranked[0], terms, asks, shelf, drafts[0], self.weights(), self.selection,
                                 lambda lead: self._quotes([lead], terms, asks, shelf, language))
        found, (text, quotes) = max(((self._strength(question, q, shelf), (t, q)) for t, q in drafts),
                                    key=lambda pair: pair[0].score)
        if found.score < self.thresholds.min_evidence:
            return self._refusal(question, items, evidence, ranked, shelf, language, found)
        return Draft(text, False, quotes, evidence, tuple(shelf.items), strength=found)

    def _quotes(self, ranked: Sequence[Candidate], terms: Sequence[str], asks: Asks, shelf: Shelf,
                language: str) -> tuple[str, dict[int, str]]:
        """The best sentence (and a second that complements it), each whole or trimmed to its
        best phrases, with what it needs to answer: the items after its colon, the note of who
        leads the task when that is asked."""
        best = ranked[0]
        # 「……应提交书面承诺函」 then 「如拒不调整，可……暂停挂网」: a sentence's own continuation that
        # matches the question as well quotes both, and says what follows from it.
        best = next((c for c in ranked[1:4] if c.item.n == best.item.n and continues(c.sentence)
                     and c.lead.strip() == best.sentence.strip() and c.coverage >= best.coverage), best)
        # An English question's sentence is chosen on translated words, which often miss: a second
        # quote bringing any of them is kept as a hedge (the gate cost English key facts on every set)
        # — unless the best sentence is in the clause the retriever ranked first, where both signals
        # agree and the hedge mostly cited a wrong clause. English dev (2026-12-02): citations
        # realdocs .700 → .737, laws .682 → .705, default .750 → 1.000, key facts unchanged on all six
        # sets; the gate for every English answer cost realdocs key facts .814 → .767.
        gain = self.selection.second_quote_gain if language == "zh" or best.item.n == 1 else 0.0
        chosen = [best] + [c for c in ranked[1:3] if self._complements(c, best, terms, asks, shelf, gain)][:1]
        if asks.listing:
            chosen += self._other_documents(ranked, chosen)
        parts, quotes = [], {}
        for c in chosen:
            listed = after_colon(c.sentence, c.item, shelf, self.selection)
            sentence = c.sentence if listed else with_following(c.sentence, c.item.text, self.selection.min_quote_chars)
            if listed:  # 「应当符合下列规定：」 is answered by what follows it
                body, listed_quotes = entries_answer(listed)
                parts.append(f"{sentence.strip().rstrip('。')}[{c.item.n}]\n{body}\n")
                for n, quoted in [(c.item.n, sentence), *listed_quotes.items()]:
                    quotes[n] = quotes[n] + "；" + quoted if n in quotes else quoted
                continue
            quote = trim(sentence, terms, asks.figure, kept(c.sentence, sentence), self.selection.max_quote_chars, asks)
            if c.lead:  # 「（三）非法组织他人出卖血液的」 says nothing without 「…可以并处十万元以下的罚款：」
                lead = trim(c.lead, terms, asks.figure, 0, self.selection.max_quote_chars, asks)
                parts.append(cite(lead, c.item.n, language))
                quotes[c.item.n] = quotes[c.item.n] + "；" + c.lead if c.item.n in quotes else c.lead
            notes = [note for note in responsibility_notes(c.item.text, c.sentence) if note not in quote] if asks.responsible else []
            if notes:
                quote, sentence = quote + notes[0], sentence + notes[0]
            parts.append(cite(quote, c.item.n, language))
            quotes[c.item.n] = quotes[c.item.n] + "；" + sentence if c.item.n in quotes else sentence
        return join_cited(parts, language), quotes

    def _strength(self, question: str, quotes: Mapping[int, str], shelf: Shelf) -> EvidenceStrength:
        by_n = {item.n: item for item in shelf.items}
        cited = [Cited(text, f"{by_n[n].hit.clause.doc_title} {' '.join(by_n[n].hit.clause.path)} "
                             f"{shelf.frame(by_n[n].hit.clause)}", shelf.year(by_n[n].hit.clause.doc_id),
                        shelf.names(by_n[n].hit.clause.doc_id, by_n[n].hit.clause.doc_title))
                 for n, text in quotes.items() if n in by_n]
        return strength(question, cited, self.weights(), self.thresholds)

    def missing_notice(self, question: str, items: Sequence[ContextItem], language: str) -> str:
        """The notice for a refusal made elsewhere (the LLM said the documents do not say): the
        question's words no context clause holds, so that refusal is never silent either."""
        return refusal_notice(_absent_terms(question, items, Shelf(items)), language)

    def _refusal(self, question: str, items: Sequence[ContextItem], evidence: Evidence | None,
                 ranked: Sequence[Candidate], shelf: Shelf, language: str,
                 found: EvidenceStrength | None = None) -> Draft:
        """The fixed phrase, and a notice naming what was not found: the question's words no
        context clause holds, else what the best sentence lacks. A false premise has its own notice."""
        premises = set(evidence.unsupported_premises if evidence else ())  # named in a notice of their own
        missing = [t for t in _absent_terms(question, items, shelf) if t not in premises]
        measure = read_question(question).asked_measure
        if evidence and evidence.asks_figure and not evidence.has_figure and measure:  # "the total investment": no sum in 元
            missing.insert(0, amount_in(measure, language))
        missing += list(evidence.unknown_places if evidence else ())
        if not missing and not premises and ranked:
            found = found or self._strength(question, {ranked[0].item.n: ranked[0].sentence}, shelf)
            missing = list(found.missing)
        notice = refusal_notice(list(dict.fromkeys(missing)), language) if missing or not premises else ""
        return Draft(refusal_phrase(language), True, {}, evidence, notice=notice)

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
