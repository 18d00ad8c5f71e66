"""The offline answerer: quotes the context sentences that answer the question best.

Sentences of the numbered clauses are scored by IDF-weighted coverage of the question's words
(jieba tokens of the normalised text, so a simplified question matches a traditional clause)
plus embedding similarity with the index's embedder. The answer quotes the best one or two
sentences verbatim — trimmed to the phrases that matter, figures untouched, original script —
each with its [n]; a list question gets the list (sibling clauses such as —— items, or the
numbered lines of one clause). When the best evidence is too weak by the calibrated thresholds
in qa/refusal.py, the answer is the fixed refusal phrase.
"""
from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from qa.core.text import to_search_text
from qa.answer.citations import extract_figures, figure_in
from qa.places import mentioned, places
from qa.answer.refusal import THRESHOLDS, Evidence, RefusalThresholds, refusal_phrase
from qa.core.types import ContextItem

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
_PHRASE = re.compile(r"[^，,：:]+[，,：:]?")
_LIST_QUESTION = re.compile(
    r"哪些|哪几|列举|分别是|包括什么|包含什么|有几[个项条方面类种]|哪[一二三四五六七八九十两\d]+[个项条方面类大种级]"
    r"|\b(?:which|list|what are)\b",
    re.IGNORECASE,
)
_FIGURE_QUESTION = re.compile(r"多少|(?<!哪)几[个项条年天%]|多大|多长|多高|比重|比例|目标值|\bhow (?:many|much|large|long|big)\b|\bwhat (?:share|percentage|rate)\b", re.IGNORECASE)
_LIST_LINE = re.compile(r"^\s*(?:——|—|[-•·]|\d{1,2}[.、)）]|[（(][一二三四五六七八九十\d]{1,3}[)）]|[①-⑳])\s*")
# Question words and particles: what a question asks, never what it is about.
_QUESTION_WORDS = frozenset(
    "什么 多少 哪些 哪个 哪里 哪几 如何 怎样 怎么 是否 为什么 几个 具体 主要 提出 要求 方面 内容 "
    "情况 相关 关于 目标 说了 包括 哪 吗 呢 的 了 是 要 有 在 和 与 及 对 把 将 被 为 到 又 还 都 "
    "文件 规定 提到 表述 指 分别".split()
)
_FIGURE_BONUS = 0.1
_EMBED_CHARS = 160  # the head of a long sentence carries its topic; encoding cost grows with length
_VECTOR_MEMORY = 20000
_MAX_QUOTE = 90  # characters: longer sentences are trimmed to their best phrases
MIN_QUOTE_CHARS = 40  # a shorter quote is usually a clause heading: it says the topic, not the content
HEADING_MATCH = 0.5  # share of the question's words (beyond the document's name) a heading must carry
# 哪几, 几条, 多少亿, 多大: the asking, not the topic.
_ASKING = re.compile(r"^(?:哪|几|多少|怎么|如何|什么|多[大长高久远宽重快])")


def _uniform(term: str) -> float:
    return 1.0


@dataclass(frozen=True)
class Candidate:
    item: ContextItem
    sentence: str  # original script, as in the clause
    coverage: float
    similarity: float = 0.0

    @property
    def score(self) -> float:
        # e5 cosines sit in a narrow band (~0.7–0.9); rescale so both parts weigh alike.
        return 0.6 * self.coverage + 0.4 * min(max((self.similarity - 0.7) / 0.2, 0.0), 1.0)


@dataclass(frozen=True)
class Draft:
    text: str
    refused: bool
    quotes: dict[int, str]  # context number → the clause sentence(s) quoted
    evidence: Evidence | None = None


def tokens(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [t for t in jieba.lcut_for_search(to_search_text(text)) if t.strip()]


def content_terms(question: str) -> list[str]:
    """The words a question is about: jieba tokens minus question words and punctuation. Latin
    words are left out: the documents are Chinese, so an English word never occurs in them (an
    English question is judged by its figures, Chinese names and embedding similarity)."""
    terms = [
        t for t in tokens(question)
        if re.search(r"[\u3400-\u9fff\d]", t) and t not in _QUESTION_WORDS and not _ASKING.match(t)
    ]
    keep = [t for t in terms if len(t) > 1 or t.isdigit()]
    return list(dict.fromkeys(keep or terms))


Weights = Callable[[str], float]


class TermWeights:
    """IDF over the indexed clauses: a word the corpus never uses (上海, 武汉) weighs most."""

    def __init__(self, search_texts: Iterable[str]) -> None:
        self.docs = list(search_texts)
        self._cache: dict[str, float] = {}

    def __call__(self, term: str) -> float:
        if term not in self._cache:
            df = sum(1 for d in self.docs if term in d)
            self._cache[term] = math.log((len(self.docs) + 1) / (df + 0.5)) if self.docs else 1.0
        return self._cache[term]


class ExtractiveAnswerer:
    def __init__(self, embedder=None, weights: Callable[[], Weights] | None = None,
                 thresholds: RefusalThresholds = THRESHOLDS, candidates_to_embed: int = 12) -> None:
        """`weights()` returns the current term weights (TermWeights over the index); without
        it every word weighs the same."""
        self.embedder = embedder
        self.weights = weights or (lambda: _uniform)
        self.thresholds = thresholds
        self.candidates_to_embed = candidates_to_embed
        self._vectors: dict[str, np.ndarray] = {}

    # --- scoring -----------------------------------------------------------------------------
    @staticmethod
    def coverage(terms: Sequence[str], sentence: str, scope: str, clause: str, weights: Weights = _uniform) -> float:
        """Weighted share of `terms` the sentence answers to. A term in the sentence or in its
        scope (document title, parent clauses: they frame every sentence below them) counts
        fully; a term only elsewhere in its clause counts half (the topic, not the answer)."""
        total = sum(weights(t) for t in terms)
        if not total:
            return 1.0  # nothing to match lexically (an English question without figures)
        here, frame, around = to_search_text(sentence), to_search_text(scope), to_search_text(clause)
        found = sum(weights(t) * (1.0 if t in here or t in frame else 0.5 if t in around else 0.0) for t in terms)
        return found / total

    def candidates(self, question: str, items: Sequence[ContextItem]) -> list[Candidate]:
        terms, weights = content_terms(question), self.weights()
        scored = []
        texts = {item.hit.clause_id: item.text for item in items}
        for item in items:
            clause = item.hit.clause
            # The topic of a —— item or sub-clause is often set by its parent (「到2027年，…」).
            scope = " ".join([clause.doc_title] + [texts.get(a, "") for a in _ancestors(clause.parent_id)])
            around = f"{' '.join(clause.path)} {clause.ref} {item.text}"
            for sentence in sentences(item.text):
                scored.append(Candidate(item, sentence, self.coverage(terms, sentence, scope, around, weights)))
        scored.sort(key=lambda c: -c.coverage)
        if self.embedder is not None and scored:
            top = scored[: self.candidates_to_embed]
            query = np.asarray(self.embedder.embed_query(to_search_text(question)), dtype=np.float32)
            vectors = self._sentence_vectors([to_search_text(c.sentence)[:_EMBED_CHARS] for c in top])
            sims = np.asarray(vectors, dtype=np.float32) @ query.reshape(-1)
            scored = [Candidate(c.item, c.sentence, c.coverage, float(s)) for c, s in zip(top, sims)]
        return sorted(scored, key=lambda c: -c.score)

    def _sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """Passage vectors, remembered per sentence: follow-ups and repeated questions reuse them."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            if len(self._vectors) > _VECTOR_MEMORY:
                self._vectors.clear()
            self._vectors.update(zip(missing, np.asarray(self.embedder.embed_passages(missing), dtype=np.float32)))
        return np.stack([self._vectors[t] for t in texts])

    def _complements(self, other: Candidate, best: Candidate, terms: Sequence[str], evidence: Evidence) -> bool:
        """A second quote must be nearly as good, from another clause, and bring a question word
        the best sentence lacks: otherwise it only lengthens the answer."""
        if other.item.n == best.item.n or other.score < 0.9 * best.score:
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
            ranked.sort(key=lambda c: -(c.score + (_FIGURE_BONUS if gives_figure(c) else 0.0)))
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
        if evidence is None or self.thresholds.refuse(evidence):
            return Draft(refusal_phrase(language), True, {}, evidence)
        best, asks_figure = ranked[0], evidence.asks_figure
        if documents and len(documents) >= 2:
            per_document = self._per_document(topic or question, items, documents, asks_figure, language)
            if per_document:
                return replace(per_document, evidence=evidence)
        terms = content_terms(question)
        if _LIST_QUESTION.search(question):
            listed = heading_list(terms, items, self.weights()) or list_answer(best, items)
            if listed:
                return Draft(listed[0], False, listed[1], evidence)
        chosen = [best] + [c for c in ranked[1:3] if self._complements(c, best, terms, evidence)][:1]
        parts, quotes = [], {}
        for c in chosen:
            sentence = with_following(c.sentence, c.item.text)
            quote = trim(sentence, terms, asks_figure, keep=_kept(c.sentence, sentence))
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
            sentence = with_following(best.sentence, best.item.text)
            quoted = cite(trim(sentence, terms, asks_figure, keep=_kept(best.sentence, sentence)), best.item.n, language)
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


def _ancestors(parent_id: str | None) -> list[str]:
    """Ancestor clause ids from the parent up: ids are label paths, so 'd:二/（一）/1' has the
    ancestors 'd:二/（一）' and 'd:二'."""
    out = []
    while parent_id:
        out.append(parent_id)
        doc, _, path = parent_id.partition(":")
        parent_id = f"{doc}:{path.rsplit('/', 1)[0]}" if "/" in path else None
    return out


def with_following(quote: str, clause_text: str, min_chars: int = MIN_QUOTE_CHARS) -> str:
    """A clause's heading quoted alone (「6.助力全市建设长江上游航运中心。」: it opens the clause
    and is too short to say anything) continued, verbatim, with the clause's next sentences up
    to `min_chars`. Any other quote is returned as it is."""
    quote = quote.strip()
    start = clause_text.find(quote) if quote else -1
    if start < 0 or len(quote) >= min_chars or clause_text[:start].strip():
        return quote
    end = start + len(quote)
    for sentence in _SENTENCE.finditer(clause_text, end):
        end = sentence.end()
        if end - start >= min_chars:
            break
    return clause_text[start:end].strip()


def _kept(chosen: str, quoted: str) -> int:
    """How much of `quoted` trimming must keep: all of a heading that `with_following` lengthened."""
    return len(chosen.strip()) if quoted != chosen.strip() else 0


def sentences(text: str) -> list[str]:
    return [m.group(0).strip() for m in _SENTENCE.finditer(text) if re.search(r"\w", m.group(0))]


def trim(sentence: str, terms: Sequence[str], asks_figure: bool, keep: int = 0) -> str:
    """A long sentence cut to the run of phrases around the best one, with …… for the cuts. The
    phrases holding the first `keep` characters stay whatever their words (the sentence chosen,
    when `with_following` lengthened it)."""
    sentence = sentence.strip().rstrip("。；;!！?？")
    if len(sentence) <= _MAX_QUOTE:
        return sentence
    phrases = [m.group(0) for m in _PHRASE.finditer(sentence)]

    def value(phrase: str) -> float:
        flat = to_search_text(phrase)
        return sum(1 for t in terms if t in flat) + (0.5 if asks_figure and extract_figures(phrase) else 0.0)

    values = [value(p) for p in phrases]
    best = max(range(len(phrases)), key=lambda i: values[i])
    start = end = best
    while True:
        grown = False
        for nxt in (start - 1, end + 1):
            if 0 <= nxt < len(phrases) and values[nxt] > 0 and values[nxt] >= 0.6 * values[best]:
                span = "".join(phrases[min(start, nxt) : max(end, nxt) + 1])
                if len(span) <= _MAX_QUOTE:
                    start, end, grown = min(start, nxt), max(end, nxt), True
        if not grown:
            break
    covered, must = 0, -1
    while covered < keep and must + 1 < len(phrases):
        must += 1
        covered += len(phrases[must])
    if must >= 0:
        start, end = 0, max(end, must)
    quote = "".join(phrases[start : end + 1]).rstrip("，,：:")
    return ("……" if start > 0 else "") + quote + ("……" if end < len(phrases) - 1 else "")


def cite(quote: str, n: int, language: str) -> str:
    """The quote with its [n] after every sentence of it: a heading quoted with the sentence
    after it is two sentences, and each must carry its citation."""
    pieces = [p.rstrip("。；;!！?？") for p in sentences(quote)] or [quote]
    if language == "en":
        return "The documents state: " + "; ".join(f"“{p}” [{n}]" for p in pieces) + "."
    return "".join(f"{p}[{n}]。" for p in pieces)


def heading_list(terms: Sequence[str], items: Sequence[ContextItem], weights: Weights = _uniform
                 ) -> tuple[str, dict[int, str]] | None:
    """「基本原则有哪几条？」: a heading in the context that names what is asked
    (「（三）基本原则」), with two or more of its clauses in the context, is answered with them."""
    best_heading, best_coverage = None, HEADING_MATCH
    for item in items:
        if len(item.text.strip()) >= MIN_QUOTE_CHARS:
            continue
        children = [i for i in items if i.hit.clause.parent_id == item.hit.clause_id]
        own = [t for t in terms if t not in to_search_text(item.hit.clause.doc_title)]
        coverage = ExtractiveAnswerer.coverage(own, item.text, "", "", weights) if own else 0.0
        if len(children) >= 2 and coverage >= best_coverage:
            best_heading, best_coverage = (item, children), coverage
    if best_heading is None:
        return None
    return _entries_answer([(i.n, item_label(i.text)) for i in sorted(best_heading[1], key=lambda i: i.hit.clause.ordinal)])


def _entries_answer(entries: Sequence[tuple[int, str]]) -> tuple[str, dict[int, str]]:
    # No lead-in line: every line of an answer must carry its citation.
    body = "\n".join(f"{k}. {label}[{n}]" for k, (n, label) in enumerate(entries, start=1))
    quotes: dict[int, str] = {}
    for n, label in entries:
        quotes[n] = (quotes[n] + "；" + label) if n in quotes else label
    return body, quotes


def list_answer(best: Candidate, items: Sequence[ContextItem]) -> tuple[str, dict[int, str]] | None:
    """The list a list question asks for, or None when the best sentence already enumerates it
    (「打造A、B、C」 is answered by quoting it). Otherwise: the sibling clauses of the best one
    (—— items, numbered sub-clauses) or its children, when the context holds two or more; else
    the list lines inside the best clause."""
    if len(re.findall(r"[、；;]", best.sentence)) >= 2:
        return None
    clause = best.item.hit.clause
    siblings = [i for i in items if clause.parent_id and i.hit.clause.parent_id == clause.parent_id]
    children = [i for i in items if i.hit.clause.parent_id == clause.base_id]
    group = children if len(children) >= 2 else siblings
    if len(group) >= 2:
        group = sorted(group, key=lambda i: i.hit.clause.ordinal)
        entries = [(i.n, item_label(i.text)) for i in group]
    else:
        lines = [line for line in best.item.text.splitlines() if _LIST_LINE.match(line)]
        if len(lines) < 2:
            return None
        entries = [(best.item.n, item_label(_LIST_LINE.sub("", line, count=1))) for line in lines]
    return _entries_answer(entries)


def item_label(text: str) -> str:
    """A list item's lead: its first sentence, trimmed to a readable length."""
    first = sentences(_LIST_LINE.sub("", text.strip(), count=1))
    label = (first[0] if first else text.strip()).rstrip("。；;")
    return label if len(label) <= _MAX_QUOTE else label[: _MAX_QUOTE - 2].rstrip("，,") + "……"
