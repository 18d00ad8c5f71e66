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

from qa.core.text import to_search_text
from qa.core.types import Citation, ContextItem, SentenceCheck

# [1]  [1,2]  [1、2]  [1-3]  【1】  ［1］ (full-width brackets are folded by the same pattern)
MARKER = re.compile(r"[\[【［〔]\s*(\d{1,3}(?:\s*[,，、;；\-–~]\s*\d{1,3})*)\s*[\]】］〕]")
_RANGE = re.compile(r"(\d+)\s*[\-–~]\s*(\d+)")
# A list enumerator at the start of a line is layout, not a figure or a sentence end.
_ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}[.、)）]|[（(]\d{1,2}[)）]|[-*•·]|——)\s*")
_SENTENCE_END = re.compile(r"(?:[。！？!?]|\.(?=\s|$))(?:\s*\[\d+\])*")

_ARABIC = re.compile(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?(?:万亿|亿|万|千|百|%|‰)?")
_CN_RUN = re.compile(r"[〇零一二三四五六七八九十百千万亿两]{2,}")
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_SPACE = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


@dataclass(frozen=True)
class Verification:
    text: str  # the answer with markers renumbered 1..m and out-of-context markers removed
    citations: tuple[Citation, ...]
    checks: tuple[SentenceCheck, ...]
    dropped_markers: tuple[int, ...]

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(check.verified for check in self.checks)


def marker_numbers(group: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*[,，、;；]\s*", group.strip()):
        span = _RANGE.fullmatch(part)
        if span and int(span.group(1)) <= int(span.group(2)) <= int(span.group(1)) + 20:
            numbers.extend(range(int(span.group(1)), int(span.group(2)) + 1))
        elif part.isdigit():
            numbers.append(int(part))
    return numbers


def strip_markers(text: str) -> str:
    return MARKER.sub("", text)


# --- figures -----------------------------------------------------------------------------------
def _flat(text: str) -> str:
    """Search form for figure comparison: simplified, half-width, no spaces, no digit-group commas."""
    return _THOUSANDS.sub("", _SPACE.sub("", to_search_text(text)))


def cn_to_arabic(run: str) -> str | None:
    """二〇三五 → '2035', 三十三 → '33', 一百二十 → '120'; None when the run is not a plain number."""
    if all(c in _CN_DIGIT for c in run):
        return "".join(str(_CN_DIGIT[c]) for c in run)
    total, digit = 0, None
    for c in run:
        if c in _CN_DIGIT:
            if digit is not None:
                return None
            digit = _CN_DIGIT[c]
        elif c in _CN_UNIT:
            total += (1 if digit is None else digit) * _CN_UNIT[c]
            digit = None
        else:
            return None
    return str(total + (digit or 0))


def _is_cn_figure(run: str) -> bool:
    """Chinese numeral words (一体化, 两中心, 千方百计) are not figures; a run is one when it
    has a zero (二〇三五) or a digit combined with a unit (三十三, 十四五)."""
    has_digit = any(c in "一二三四五六七八九两" for c in run)
    return any(c in "〇零" for c in run) or (has_digit and any(c in "十百千" for c in run))


def extract_figures(sentence: str) -> tuple[str, ...]:
    """The figures a sentence states, in search form, markers and list enumerators ignored."""
    body = "\n".join(_ENUMERATOR.sub("", line) for line in strip_markers(sentence).splitlines())
    flat = _flat(body)
    found = [m.group(0) for m in _ARABIC.finditer(flat)]
    for match in _CN_RUN.finditer(flat):
        run = match.group(0).rstrip("万亿")
        if _is_cn_figure(run):
            found.append(match.group(0))
    return tuple(dict.fromkeys(found))


def _arabicised(flat: str) -> str:
    return _CN_RUN.sub(lambda m: cn_to_arabic(m.group(0)) or m.group(0), flat)


def figure_in(figure: str, text: str) -> bool:
    """Does `text` state `figure`? Digits must not continue on either side (33 ≠ 133)."""
    flat, figure = _flat(text), _flat(figure)
    haystacks = (flat, _arabicised(flat))
    variants = {figure, _arabicised(figure)}
    for variant in variants:
        pattern = re.compile(r"(?<![\d.])" + re.escape(variant) + (r"(?!\d)" if variant[-1].isdigit() else ""))
        if any(pattern.search(h) for h in haystacks):
            return True
    return False


# --- sentences ---------------------------------------------------------------------------------
def split_sentences(text: str) -> list[str]:
    """Sentences as they appear in `text` (each a substring), markers kept with the sentence they
    follow, so "…台阶。[1]" and "…台阶[1]。" both belong to that sentence."""
    sentences = []
    for line in text.splitlines():
        start = len(_ENUMERATOR.match(line).group(0)) if _ENUMERATOR.match(line) else 0
        pos = 0
        for end in _SENTENCE_END.finditer(line, start):
            sentences.append(line[pos : end.end()])
            pos = end.end()
        sentences.append(line[pos:])
    return [s.strip() for s in sentences if strip_markers(s).strip(" \t。！？!?.,，;；:：")]


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
    wanted = {a + b for s in sentences for a, b in zip(_flat(strip_markers(s)), _flat(strip_markers(s))[1:])}
    best, best_score = "", 0
    for candidate in re.split(r"(?<=[。！？；!?;])|\n", clause_text):
        flat = _flat(candidate)
        score = len(wanted & {a + b for a, b in zip(flat, flat[1:])})
        if score > best_score:
            best, best_score = candidate.strip(), score
    return best


def verify(text: str, items: Sequence[ContextItem], quotes: Mapping[int, str] | None = None) -> Verification:
    """Check an answer written against `items` (numbered [1]..[k]); `quotes` gives, per original
    item number, the clause sentence(s) the answer quotes when the answerer knows them."""
    by_n = {item.n: item for item in items}
    rewritten, order, dropped = renumber(text, set(by_n))
    new_to_item = {new: by_n[old] for old, new in order.items()}

    checks = []
    for sentence in split_sentences(rewritten):
        markers = tuple(dict.fromkeys(marker_numbers(",".join(MARKER.findall(sentence)))))
        cited = [new_to_item[n].text for n in markers]
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
    return Verification(rewritten, tuple(citations), tuple(checks), dropped)
