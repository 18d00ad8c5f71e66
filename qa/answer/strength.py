"""Evidence strength: how well the sentences an answer cites match what the question asks — its
words, the years and figures it names, the measure (人均 or not), and whether it wants a figure
or a duration. A number in [0, 1] and a level (strong / partial / weak), with what was missing.

This is not correctness: a verbatim quote whose figures are in its clause can still answer
another question. The badge says which checks passed; this says how close the match is.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.answer.asks import (
    RESPONSIBLE_WORDS,
    figure_spellings,
    has_date,
    has_duration,
    question_figures,
    read_question,
    responsibility_notes,
    wrong_measure,
    years_in,
)
from qa.answer.terms import Weights, content_terms, uniform
from qa.core.config import TUNING, RefusalThresholds
from qa.core.dates import resolve_relative_years
from qa.core.numerals import extract_figures, figure_in, numeric_form, quantities
from qa.core.text import abbreviates
from qa.core.types import EvidenceStrength

# How much each lack costs. Set by hand and checked on the gold set's answerable vs unanswerable
# questions (see RefusalThresholds.strong_evidence): a missing year or a missing figure is close
# to disqualifying, a wrong measure a little less.
_YEAR_MISSING = 0.5
_YEAR_OTHER = 0.2
_FIGURE_MISSING = 0.5
_NO_FIGURE_GIVEN = 0.6
_WRONG_MEASURE = 0.5
_NAMING_WEIGHT = 0.5  # a word of the cited document's name, found by naming it
_NO_TERMS = 0.5  # nothing to match lexically (an English question): never "strong" on words alone


@dataclass(frozen=True)
class Cited:
    """A sentence (or sentences) an answer quotes, with what frames it: the document title and
    the clause's heading path, and the document's year for 今年/明年."""

    text: str
    scope: str = ""
    year: int | None = None
    title: str = ""  # the document's title: words found only there name the document, not the answer


def _made_of(term: str, words: Sequence[str]) -> bool:
    """Is `term` spelt end to end by the shorter `words` (医疗纠纷 by 医疗 and 纠纷)?"""
    covered = [False] * len(term)
    for word in words:
        start = term.find(word) if word != term else -1
        while start >= 0:
            covered[start:start + len(word)] = [True] * len(word)
            start = term.find(word, start + 1)
    return all(covered)


def maximal(terms: Sequence[str]) -> list[str]:
    """The question's words without those inside a longer one (生产 inside 生产总值)."""
    return [t for t in terms if not any(t != o and t in o for o in terms)]


def strength(question: str, cited: Sequence[Cited], weights: Weights = uniform,
             thresholds: RefusalThresholds = TUNING.refusal) -> EvidenceStrength:
    if not cited:
        return EvidenceStrength(0.0, "weak", ())
    asks = read_question(question)
    texts = [numeric_form(resolve_relative_years(f"{c.scope} {c.text}", c.year)) for c in cited]
    said = numeric_form(resolve_relative_years(" ".join(c.text for c in cited), cited[0].year))
    whole = " ".join(texts)
    # Every word and the words inside it (医疗纠纷, 医疗, 纠纷), as the answerer's coverage counts
    # them: a clause saying 医疗损害或纠纷 holds part of 医疗纠纷.
    terms = [t for t in content_terms(question) if not extract_figures(t)]
    # 「四川省委决定对高考…」: the title words pick the document; the rest must be in the quote. When
    # the rest alone is too little they count, at half weight: with one lacking word beside them
    # (「农村土地承包纠纷仲裁多少天内结案」 against 「…六十日内结束」) the score would fall to zero.
    titles = numeric_form(" ".join(c.title for c in cited))
    naming = [t for t in terms if abbreviates(numeric_form(t), titles)]
    topic = [t for t in terms if t not in naming]
    if not topic:
        topic, naming = terms, []
    terms = topic
    found = [t for t in terms if numeric_form(t) in whole]
    # A compound whose words are all there is there (医疗纠纷: 医疗损害或纠纷).
    lacking = [t for t in terms if t not in found and not _made_of(t, found)]
    if asks.responsible and any(responsibility_notes(c.text) for c in cited):
        lacking = [t for t in lacking if not RESPONSIBLE_WORDS.search(t)]  # the note answers 谁负责
    total, missed = sum(weights(t) for t in terms), sum(weights(t) for t in lacking)
    score = 1.0 - missed / total if total else _NO_TERMS
    if naming and score < thresholds.min_evidence:  # the name keeps it from a refusal, never makes it close
        score = min(1.0 - missed / (total + _NAMING_WEIGHT * sum(weights(t) for t in naming)), thresholds.partial_evidence)
    missing = maximal(lacking)
    found_years = set().union(*(years_in(f"{c.scope} {c.text}", c.year) for c in cited))
    for year in asks.years:
        if year not in found_years:
            missing.append(f"{year}年")
            # Another year stated where this one is asked contradicts the question (2030 vs 2027).
            score *= _YEAR_OTHER if found_years - set(asks.years) else _YEAR_MISSING
    for figure in question_figures(question):
        if not any(str(y) == figure for y in asks.years) and not any(
                figure_in(spelt, t) for spelt in figure_spellings(figure, question) for t in texts):
            missing.append(figure)
            score *= _FIGURE_MISSING
    if asks.duration and not has_duration(said):
        score *= _NO_FIGURE_GIVEN
    elif asks.date and not has_date(said):
        score *= _NO_FIGURE_GIVEN
    elif asks.figure and not [f for f in quantities(said) if f not in {str(y) for y in asks.years}]:
        score *= _NO_FIGURE_GIVEN
    if wrong_measure(asks, content_terms(question), said):
        score *= _WRONG_MEASURE
    score = round(min(max(score, 0.0), 1.0), 3)
    return EvidenceStrength(score, level(score, thresholds), tuple(dict.fromkeys(missing)))


def level(score: float, thresholds: RefusalThresholds = TUNING.refusal) -> str:
    if score >= thresholds.strong_evidence:
        return "strong"
    return "partial" if score >= thresholds.partial_evidence else "weak"
