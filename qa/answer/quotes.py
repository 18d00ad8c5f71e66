"""Shaping what the offline answerer quotes: a heading continued with the sentences after it,
a long sentence trimmed to its best phrases (those on the year and the measure asked), list
entries, and [n] after every quoted sentence. Every quote is verbatim text of a context clause."""
from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answer.asks import DEFINITION_BODY, MEASURE_QUALIFIERS, PENALTY, RESPONSIBLE_SAID, Asks, years_in
from qa.core.config import TUNING
from qa.core.numerals import numeric_form, quantities
from qa.core.text import sentence_ends, sentences, to_search_text, to_simplified

_PHRASE = re.compile(r"[^，,：:]+[，,：:]?")
_YEAR_ONLY = re.compile(r"(?:到|至|在|于)?\d{4}年(?:底|末)?[,，]")  # a phrase that only sets a year: 「到2035年，」
LIST_LINE = re.compile(r"^\s*(?:——|—|[-•·]|\d{1,2}[.、)）]|[（(][一二三四五六七八九十\d]{1,3}[)）]|[①-⑳])\s*")
SELECTION = TUNING.answer


def with_following(quote: str, clause_text: str, min_chars: int = SELECTION.min_quote_chars) -> str:
    """A clause's heading quoted alone (「6.助力全市建设长江上游航运中心。」: it opens the clause
    and is too short to say anything) continued, verbatim, with the clause's next sentences up
    to `min_chars`, not into the cells of a table row. A rule closing on 「；」 goes on with the
    cases after it (「分值相同时，…」). Any other quote is returned as it is."""
    quote = quote.strip()
    start = clause_text.find(quote) if quote else -1
    if start >= 0 and quote.endswith(("；", ";")):
        return _with_cases(clause_text, start, start + len(quote))
    if start < 0 or len(quote) >= min_chars or clause_text[:start].strip():
        return quote
    end = start + len(quote)
    for nxt in sentence_ends(clause_text, end):
        if _is_cell(clause_text[end:nxt]):
            break  # a task table's row goes on with its cells (「100个」「设施运行处」): no sentence of it
        end = nxt
        if end - start >= min_chars:
            break
    return clause_text[start:end].strip()


_CASES_CHARS = 160  # a rule with its cases stays a quote, not a paragraph


def _with_cases(clause_text: str, start: int, end: int) -> str:
    """The quote from `start` to `end` (closing on 「；」) with the cases that follow it. A rule
    too long to quote whole is left to trimming, which keeps its phrases on the question."""
    if end - start > SELECTION.max_quote_chars:
        return clause_text[start:end].strip()
    for nxt in sentence_ends(clause_text, end):
        piece = clause_text[end:nxt]
        if "\n" in piece or not _CASE.match(piece.strip()) or nxt - start > _CASES_CHARS:
            break
        end = nxt
        if not piece.rstrip().endswith(("；", ";")):
            break
    return clause_text[start:end].strip()


_CELL_CHARS = 16  # 「100个」「各相关部门和单位」: a table cell on its own line; sentences run longer


def _is_cell(piece: str) -> bool:
    """A line of a table flattened into the text: short, on a line of its own, and no sentence
    (no closing mark)."""
    line = piece.strip()
    return "\n" in piece and 0 < len(line) < _CELL_CHARS and not re.search(r"[。；;！!？?：:]$", line)


# A sentence that goes on from the one before (「……责令限期改正；逾期不改的，处二千元以上二万元以下
# 罚款」, 「如拒不调整，可……暂停挂网」): the escalation of a rule, which says whom and what only
# through the sentence it continues.
_CONTINUES = re.compile(r"^(?:如|若|对)?(?:逾期|拒不|情节(?:特别|较为|较)?(?:严重|恶劣|轻微|较重)|屡次|再次)")
# 「第十四条」, 「12.」, 「14 快速道路…」 (an article numbered by a bare number and a space, not 「30 个」)
_CLAUSE_LABEL = re.compile(r"^\s*(?:第[〇零一二两三四五六七八九十百千\d]+[条款]|\d{1,3}(?:[.、](?!\d)|\s+(?![个项条次天日周年月万亿千百元])"
                           r"(?=[\u4e00-\u9fff])))\s*")


# After a 「；」 the sentence goes on: 「禁止向电商平台颁发…批准证书；已经颁发的，…6个月内…整改」.
_CASE_AFTER_SEMICOLON = re.compile(r"^(?:[^，,。；;：:\n]{1,12}的[，,]|(?:其中|上述|前款|此类)[^，,。]{0,8}[，,])")
# 「按基础指标分值从高到低进行排名；分值相同时，按照…排名；如再相同，按照…排名。」: the cases after a
# rule's 「；」 (a tie, an exception, 「已经颁发的，…」) are part of the rule.
_CASE = re.compile(_CASE_AFTER_SEMICOLON.pattern + r"|^[^，,。；;：:\n]{1,12}时[，,]|^(?:如|若)[^，,。；;：:\n]{1,10}[，,]")


def continues(sentence: str, before: str = "") -> bool:
    """Does the sentence go on from the one before it (「逾期不改的，……」), or, after that one's
    「；」 (`before`: the text before the sentence), from a case it names (「已经颁发的，……」)?"""
    text = sentence.strip()
    return bool(_CONTINUES.match(text)) or (before.rstrip().endswith(("；", ";")) and bool(_CASE_AFTER_SEMICOLON.match(text)))


def lead_of(sentence: str, clause_text: str) -> str:
    """The lead an enumerated item hangs on: 「有下列行为之一的，……可以并处十万元以下的罚款：」
    before 「（三）非法组织他人出卖血液的。」, or the sentence an escalation continues
    (「逾期不改的，……」). Alone, either is a fragment; the lead says whom or what happens to it.
    Empty when the sentence is neither or nothing comes before it."""
    at = clause_text.find(sentence.strip()) if sentence.strip() else -1
    if at < 0:
        return ""
    if continues(sentence, clause_text[:at]):
        before = sentences(clause_text[:at])
        return before[-1].strip() if before else ""
    lines = clause_text[:at].split("\n")
    if not LIST_LINE.match(lines[-1] + clause_text[at:at + 8]):
        return ""
    for line in reversed(lines[:-1]):  # past the items before this one, to the line they hang on
        if line.strip() and not LIST_LINE.match(line):
            return line.strip() if line.strip().endswith(("：", ":")) else ""
    return ""


def without_label(text: str) -> str:
    """Text without its 第X条 / 12. / 「14 」 label, whose numeral is the clause's number, not a figure."""
    return _CLAUSE_LABEL.sub("", text)


def kept(chosen: str, quoted: str) -> int:
    """How much of `quoted` trimming must keep: all of a heading that `with_following` lengthened,
    and the cases it added after a rule's 「；」 (what the rule says next)."""
    chosen = chosen.strip()
    if quoted == chosen:
        return 0
    return len(quoted) if chosen.endswith(("；", ";")) else len(chosen)


def _phrase_value(phrase: str, terms: Sequence[str], asks_figure: bool, asks: Asks | None) -> float:
    flat = to_search_text(phrase)
    asked = {str(y) for y in asks.years} if asks is not None else set()
    figures = [f for f in quantities(phrase) if f not in asked]  # 「到2027年」 is the asking, not the answer
    value = sum(1 for t in terms if t in flat and t not in asked) + (0.5 if asks_figure and figures else 0.0)
    if asks is not None and asks.asked_noun and asks.asked_noun in flat:
        value += 0.5  # 「优化打造“天府蓉易办”品牌」 names the 品牌 asked for; 「优化政务服务流程」 does not
    if asks is not None:
        # 人均地区生产总值 answers no question on 地区生产总值; another year's figure answers no
        # question on this year's.
        if any(q in flat and q not in asks.qualifiers for q in MEASURE_QUALIFIERS):
            value *= 0.3
        if any(q not in flat for q in asks.qualifiers):  # 地均 asked: the phrase on the total is not it
            value *= 0.5
        if asks.years and years_in(phrase) and not set(asks.years) & years_in(phrase):
            value *= 0.3
    return value


def trim(sentence: str, terms: Sequence[str], asks_figure: bool, keep: int = 0,
         max_chars: int = SELECTION.max_quote_chars, asks: Asks | None = None) -> str:
    """A long sentence cut to the run of phrases around the best one, with …… for the cuts. The
    phrases holding the first `keep` characters stay whatever their words (the sentence chosen,
    when `with_following` lengthened it). A list question's sentence is cut only when it runs
    past twice the length, to the run around its enumeration (「深化细化全方面摸底、全要素保护、…的
    “五全工作法”」 inside a paragraph-long sentence): its items are the answer."""
    sentence = sentence.strip().rstrip("。；;!！?？")
    listing = asks is not None and bool(asks.listing or asks.count)
    if len(sentence) <= max_chars * (2 if listing else 1):
        return sentence
    phrases = [m.group(0) for m in _PHRASE.finditer(sentence)]

    def value(phrase: str) -> float:
        items = phrase.count("、") if listing else 0  # an enumeration is what a list question asks for
        return _phrase_value(phrase, terms, asks_figure, asks) + items

    values = [value(p) for p in phrases]
    if not any(values) and not keep:
        return sentence  # nothing to choose the phrases by (an English question): the whole sentence
    best = max(range(len(phrases)), key=lambda i: values[i])
    start = end = best
    while True:
        grown = False
        for nxt in (start - 1, end + 1):
            if 0 <= nxt < len(phrases) and values[nxt] > 0 and values[nxt] >= 0.6 * values[best]:
                span = "".join(phrases[min(start, nxt) : max(end, nxt) + 1])
                if len(span) <= max_chars:
                    start, end, grown = min(start, nxt), max(end, nxt), True
        if not grown:
            break
    covered, must = 0, -1
    while covered < keep and must + 1 < len(phrases):
        must += 1
        covered += len(phrases[must])
    if must >= 0:
        start, end = 0, max(end, must)
    # 「远期目标：」 alone says nothing: a run ending on a colon goes on to what it announces, past
    # a phrase that only sets its year (「到2035年，」).
    if phrases[end].endswith(("：", ":")) and end + 1 < len(phrases):
        announced = end + 1
        while announced + 1 < len(phrases) and _YEAR_ONLY.fullmatch(numeric_form(phrases[announced])):
            announced += 1
        if len("".join(phrases[start : announced + 1])) <= max_chars:
            end = announced
    quote = "".join(phrases[start : end + 1]).rstrip("，,：:")
    quote = ("……" if start > 0 else "") + quote + ("……" if end < len(phrases) - 1 else "")
    answer = _answering_phrase(phrases, start, end, asks_figure, asks, terms)
    if answer is None:
        return quote
    # 「不具备条件实施……作业的，……可以并处十万元以下的罚款」: the words of the question sit in
    # the condition, the answer in a later phrase; both are quoted, the gap marked.
    if answer in (start - 1, end + 1):  # next to the run: quoted with it, as the text has it
        start, end = min(start, answer), max(end, answer)
        quote = "".join(phrases[start : end + 1]).rstrip("，,：:")
        return ("……" if start > 0 else "") + quote + ("……" if end < len(phrases) - 1 else "")
    said = phrases[answer].rstrip("，,：:")
    if answer > end:
        return quote.removesuffix("……") + "……" + said + ("……" if answer < len(phrases) - 1 else "")
    return ("……" if answer > 0 else "") + said + "……" + quote.removeprefix("……")


def _answering_phrase(phrases: Sequence[str], start: int, end: int, asks_figure: bool, asks: Asks | None,
                      terms: Sequence[str] = ()) -> int | None:
    """The phrase outside the quoted run that holds what is asked — the penalty (罚多少, 怎么罚),
    the definition (是指…), who leads (由…牵头) or a figure — when the run holds none; the first
    after it, else the last before it. A figure in the unit or of the thing the question names (多少标准煤 → 「约6000
    万吨标准煤」) goes before other figures (「提高5个百分点」)."""
    penalty = asks is not None and asks.penalty
    # A date or a span of time is answered by a phrase's figures as an amount is.
    asks_figure = asks_figure or asks is not None and (asks.date or asks.duration)
    defines = asks is not None and asks.definition
    responsible = asks is not None and asks.responsible and not asks_figure
    if not (asks_figure or penalty or defines or responsible):
        return None
    asked = {str(y) for y in asks.years} if asks is not None else set()

    def answers(phrase: str) -> bool:
        if responsible:  # 「成立由市交通委牵头，…」: the phrase naming who leads
            return bool(RESPONSIBLE_SAID.search(to_simplified(phrase)))
        if penalty:
            return bool(PENALTY.search(to_simplified(phrase)))
        if defines and not asks_figure:
            return bool(DEFINITION_BODY.search(to_simplified(phrase)))
        return any(f not in asked for f in quantities(without_label(phrase)))

    unit = asks.asked_unit if asks is not None else ""
    quoted = to_search_text("".join(phrases[start:end + 1]))
    # 「…已经2025年12月26日…审议通过…，自2026年8月1日起施行」 asked 什么时候起施行: the question's own
    # word the run lacks names the figure that answers (unless that figure is of another measure
    # or year: 「人均…达到33万元」 for 地区生产总值达到多少, _phrase_value).
    unquoted = [t for t in terms if t not in quoted]

    def named(i: int) -> bool:  # a figure in the unit or of the thing the question asks about
        return bool(unit) and unit in to_search_text(phrases[i]) or _phrase_value(phrases[i], unquoted, False, asks) >= 1

    run = range(start, end + 1)
    if penalty:
        # 「…受到罚款处罚，被责令改正，拒不改正的，…按日连续处罚」: what follows the last 「…的，」
        # is the consequence; a penalty inside the condition does not answer, the last one of the
        # consequence does.
        conditions = [i for i, p in enumerate(phrases) if re.search(r"的[，,]$", p)]
        consequence = conditions[-1] + 1 if conditions and conditions[-1] >= end else 0
        if any(answers(phrases[i]) for i in run if i >= consequence):
            return None
        later = [i for i in range(max(consequence, end + 1), len(phrases)) if answers(phrases[i])]
        if later:
            return max(later, key=lambda i: (bool(quantities(phrases[i])), i))
        if any(answers(phrases[i]) for i in run):
            return None
    elif any(answers(phrases[i]) for i in run):
        # The run's own figure answers, unless another phrase has the figure of the thing asked.
        named_in_run = any(answers(phrases[i]) and named(i) for i in run)
        named_elsewhere = any(answers(phrases[i]) and named(i) for i in range(len(phrases)) if i not in run)
        if not asks_figure or named_in_run or not named_elsewhere:
            return None

    # A fine with its amount says more than 没收违法所得 before it.
    def plain(i: int) -> bool:
        if asks_figure and not penalty:
            return not named(i)
        return not (penalty and quantities(phrases[i]))

    after = sorted((i for i in range(end + 1, len(phrases)) if answers(phrases[i])), key=lambda i: (plain(i), i))
    before = sorted((i for i in range(start) if answers(phrases[i])), key=lambda i: (plain(i), -i))
    return after[0] if after else (before[0] if before else None)


_STATED = "The documents state: "


def cite(quote: str, n: int, language: str) -> str:
    """The quote with its [n] after every sentence of it: a heading quoted with the sentence
    after it is two sentences, and each must carry its citation."""
    pieces = [p.rstrip("。；;!！?？：:") for p in sentences(quote)] or [quote]
    if language == "en":
        return _STATED + "; ".join(f"“{p}” [{n}]" for p in pieces) + "."
    return "".join(f"{p}[{n}]。" for p in pieces)


def join_cited(parts: Sequence[str], language: str) -> str:
    """Cited quotes as one answer: in English one "The documents state:" before them all, the
    quotes apart by semicolons, not the phrase again before each."""
    if language != "en":
        return "".join(parts).strip()
    if all(p.startswith(_STATED) and p.endswith(".") for p in parts) and parts:
        return (_STATED + "; ".join(p[len(_STATED):-1] for p in parts) + ".").strip()
    return " ".join(parts).strip()


def entries_answer(entries: Sequence[tuple[int, str]]) -> tuple[str, dict[int, str]]:
    # No lead-in line: every line of an answer must carry its citation.
    body = "\n".join(f"{k}. {label}[{n}]" for k, (n, label) in enumerate(entries, start=1))
    quotes: dict[int, str] = {}
    for n, label in entries:
        quotes[n] = (quotes[n] + "；" + label) if n in quotes else label
    return body, quotes


def item_label(text: str, max_chars: int = SELECTION.max_quote_chars) -> str:
    """A list item's lead: its first sentence, trimmed to a readable length."""
    first = sentences(LIST_LINE.sub("", text.strip(), count=1))
    label = (first[0] if first else text.strip()).rstrip("。；;")
    return label if len(label) <= max_chars else label[: max_chars - 2].rstrip("，,") + "……"
