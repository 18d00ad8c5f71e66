"""Citation markers in an answer: parse them, drop the ones pointing outside the context,
renumber the rest in order of first use, and verify every sentence against the clauses it cites.

A sentence is verified when it cites at least one clause and every figure it states (digits,
Chinese numerals, percentages, amounts, years) occurs in one of the clauses it cites. Figures
are compared after width folding, traditional→simplified conversion and space removal, and
Chinese numerals are also compared as Arabic numbers (二〇三五 = 2035, 三十三 = 33).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qa.answer.shelf import naming, parent
from qa.answer.strength import Cited, strength
from qa.answer.terms import Weights, uniform
from qa.core.dates import document_year, resolve_relative_years
from qa.core.ids import ancestors
from qa.core.markers import MARKER, marker_numbers, split_sentences, strip_markers
from qa.core.numerals import extract_figures, figure_in, flat
from qa.core.text import sentences as text_sentences
from qa.core.types import Citation, ContextItem, DocumentMeta, EvidenceStrength, SentenceCheck

@dataclass(frozen=True)
class Verification:
    text: str  # the answer with markers renumbered 1..m and out-of-context markers removed
    citations: tuple[Citation, ...]
    checks: tuple[SentenceCheck, ...]
    dropped_markers: tuple[int, ...]
    evidence: EvidenceStrength | None = None  # how well the cited sentences match the question

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(check.verified for check in self.checks)


# --- the whole check ---------------------------------------------------------------------------
def renumber(text: str, valid: set[int]) -> tuple[str, dict[int, int], tuple[int, ...]]:
    """Rewrite marker groups as [a][b] with numbers 1..m in order of first use; drop invalid ones."""
    order: dict[int, int] = {}
    dropped: list[int] = []

    def rewrite(match: re.Match) -> str:
        out = []
        for n in dict.fromkeys(marker_numbers(match.group(1))):
            if n not in valid:
                if n not in dropped:
                    dropped.append(n)
                continue
            order.setdefault(n, len(order) + 1)
            out.append(f"[{order[n]}]")
        return "".join(out)

    rewritten = MARKER.sub(rewrite, text)
    rewritten = re.sub(r"[ \t]+([。，；！？.,;!?])", r"\1", rewritten)  # space left by a dropped marker
    return rewritten.strip(), order, tuple(dropped)


def check_sentence(sentence: str, cited_texts: Sequence[str], markers: tuple[int, ...]) -> SentenceCheck:
    figures = extract_figures(sentence)
    if not markers:
        return SentenceCheck(sentence, markers, figures, figures, verified=False, reason="uncited")
    missing = tuple(f for f in figures if not any(figure_in(f, text) for text in cited_texts))
    reason = "figure-not-in-cited-clause" if missing else ""
    return SentenceCheck(sentence, markers, figures, missing, verified=not missing, reason=reason)


def best_quote(clause_text: str, sentences: Sequence[str]) -> str:
    """The clause sentence sharing the most character bigrams with the answer sentences citing it."""
    wanted = {a + b for s in sentences for a, b in zip(flat(strip_markers(s)), flat(strip_markers(s))[1:])}
    best, best_score = "", 0
    for candidate in text_sentences(clause_text):
        squashed = flat(candidate)
        score = len(wanted & {a + b for a, b in zip(squashed, squashed[1:])})
        if score > best_score:
            best, best_score = candidate.strip(), score
    return best


def verify(text: str, items: Sequence[ContextItem], quotes: Mapping[int, str] | None = None,
           question: str = "", documents: Sequence[DocumentMeta] = (), weights: Weights = uniform) -> Verification:
    """Check an answer written against `items` (numbered [1]..[k]); `quotes` gives, per original
    item number, the clause sentence(s) the answer quotes when the answerer knows them. With
    `question`, the evidence strength of the cited sentences is measured too. `documents` (their
    dates) let a 2024 in the answer match a clause's 今年 in a document of 2024, and a question
    naming a document by its short title find it named."""
    by_n = {item.n: item for item in items}
    rewritten, order, dropped = renumber(text, set(by_n))
    new_to_item = {new: by_n[old] for old, new in order.items()}
    years = {meta.doc_id: document_year(meta.date) for meta in documents}
    names = {meta.doc_id: naming(meta) for meta in documents}

    checks = []
    for sentence in split_sentences(rewritten):
        markers = tuple(dict.fromkeys(marker_numbers(",".join(MARKER.findall(sentence)))))
        cited = [resolve_relative_years(new_to_item[n].text, years.get(new_to_item[n].hit.clause.doc_id))
                 for n in markers]
        checks.append(check_sentence(sentence, cited, markers))

    citations = []
    for old, new in order.items():
        item = by_n[old]
        clause = item.hit.clause
        citing = [c.sentence for c in checks if new in c.markers]
        quote = (quotes or {}).get(old) or best_quote(item.text, citing)
        citations.append(
            Citation(n=new, clause_id=item.hit.clause_id, doc_id=clause.doc_id, doc_title=clause.doc_title,
                     ref=clause.ref, text=item.text, quote=quote)
        )
    evidence = None
    if question and citations:
        texts = {item.hit.clause_id: item.text for item in items}
        evidence = strength(question, [Cited(c.quote or c.text, _scope(by_n[old], texts), years.get(c.doc_id),
                                       names.get(c.doc_id, c.doc_title))
                                       for old, c in zip(order, citations)], weights)
    return Verification(rewritten, tuple(citations), tuple(checks), dropped, evidence)


def _scope(item: ContextItem, texts: Mapping[str, str]) -> str:
    """What frames a cited sentence: its document's title, its clause's headings, and the text
    of its parent clauses in the context (「到2027年，…」 sets the year of every —— item under it)."""
    clause = item.hit.clause
    above = " ".join(texts.get(a, "") for a in ancestors(parent(clause)))
    return f"{clause.doc_title} {' '.join(clause.path)} {above}"
