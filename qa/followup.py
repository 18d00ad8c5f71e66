"""Follow-up questions → stand-alone questions, from the conversation so far.

With an LLM the condense prompt (prompts/condense_*.txt) does it. Offline a few rules do:
「第N条」 names the N-th clause the previous answer cited; 「那X呢？」 swaps the previous
question's place (or adds X to it); a pronoun (它, 该, 这项 …) is replaced by the previous
question's place. A question that reads complete on its own is left alone.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.core.numerals import cn_to_int
from qa.places import tagged
from qa.core.types import Answer, Citation

Turn = tuple[str, str] | Answer  # (question, answer text) or a previous Answer with its citations

_ORDINAL = re.compile(r"第\s*([0-9０-９]+|[一二三四五六七八九十两]+)\s*(?:条|点|项|个|处)")
_WHAT_ABOUT = re.compile(r"^\s*(?:那么?|那个|还有|再说说?|换成|如果是)\s*(?P<x>.+?)\s*(?:呢|的呢|怎么样|如何)?\s*[？?。]?\s*$")
_EN_WHAT_ABOUT = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(?P<x>.+?)\s*[?.]?\s*$", re.IGNORECASE)
# 它 / 该文件 point at the place or body asked about; 这项 / 同一条 at what the answer cited.
_ENTITY_PRONOUN = re.compile(r"^(?:它们的|它的|它们|它|其|该文件|这篇文件|这篇讲话|这篇)")
_CLAUSE_PRONOUN = re.compile(r"^(?:这项|这条|这一条|这个|这些|此项|上述|同一条里?|同一条中)")
_EN_PRONOUN = re.compile(r"\b(?:it|its|they|their|this|that|these|those)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PreviousTurn:
    question: str
    answer: str
    citations: tuple[Citation, ...]  # by number; empty when the turn came as plain text


def previous_turn(history: Sequence[Turn]) -> PreviousTurn | None:
    if not history:
        return None
    last = history[-1]
    if isinstance(last, Answer):
        citations = tuple(sorted(last.citations, key=lambda c: c.n))
        return PreviousTurn(last.standalone_question or last.question, last.text, citations)
    question, answer = last
    return PreviousTurn(question, answer, ())


def cited_clause(question: str, history: Sequence[Turn]) -> Citation | None:
    """The clause a 「第N条」 in a follow-up names: the previous answer's N-th citation."""
    previous = previous_turn(history)
    ordinal = _ORDINAL.search(question)
    if previous is None or ordinal is None:
        return None
    n = _ordinal_value(ordinal.group(1))
    return previous.citations[n - 1] if n and 1 <= n <= len(previous.citations) else None


def _cited_name(citation: Citation) -> str:
    return f"《{citation.doc_title}》{citation.ref}"


def _ordinal_value(token: str) -> int | None:
    token = token.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return cn_to_int(token)


def _place(question: str) -> str:
    """The first place or organisation named in a question, '' if none."""
    return next((w.text for w in tagged(question) if w.is_place), "")


def _setting(question: str) -> str:
    """The who and when of a question: its places and organisations, then its years
    (「渝中区到2027年地区生产总值…」 → 「渝中区2027年」)."""
    places = [w.text for w in tagged(question) if w.is_place]
    years = re.findall(r"(?:19|20)\d{2}年", question)
    return "".join(dict.fromkeys(places + years))


def _is_noun_phrase(text: str) -> bool:
    words = [w.flag for w in tagged(text) if w.flag != "x"]
    return bool(words) and (words[-1].startswith("n") or words[-1] == "vn")


def _topic(question: str) -> str:
    """The first run of common nouns after the question's setting
    (「渝中区到2027年地区生产总值要迈上什么台阶？」 → 「地区生产总值」)."""
    run: list[str] = []
    for word in tagged(question):
        if word.flag.startswith("n") and not word.is_place:
            run.append(word.text)
        elif run:
            break
    return "".join(run)


_YEAR = re.compile(r"(?:19|20)\d{2}年")
_YEAR_ONLY = re.compile(r"(?:到|至|在|截至|截止到?)?((?:19|20)\d{2}年)(?:底|末)?")
_ASKS = re.compile(r"多少|几|什么|哪|谁|如何|怎么|怎样|是否|吗")
_ASKED_FIGURE = re.compile(r"多少|几|多[长大高久远]|百分之")


def _what_about(topic: str, before: str) -> str:
    """「那X呢？」 after `before`: X replaces what it can stand for and keeps the rest asked."""
    old_place = _place(before)
    if old_place and _place(topic) == topic:
        return before.replace(old_place, topic, 1)  # another place, the same question
    years, only_year = _YEAR.findall(before), _YEAR_ONLY.fullmatch(topic)
    if only_year and years:  # 「那（到）2030年呢？」: the same question for that year
        return before.replace(years[0], only_year.group(1), 1)
    setting = _setting(before)
    if _YEAR.search(topic):
        setting = _YEAR.sub("", setting)  # X brings its own year
    head, comma, tail = topic.partition("，")
    if comma and _ASKS.search(tail) and not _ASKS.search(head):
        return f"{setting}{head}，{tail.rstrip('？?')}？"  # 「那人均，要达到多少？」
    if _ASKS.search(topic):
        return f"{setting}{_topic(before)}{topic.rstrip('？?')}？"  # 「那什么时候完成？」 asks in full
    if _names_nothing(topic):
        return f"{topic}，{before}"  # 「那如果逾期呢？」: a case of the same question
    # 「那常住人口呢？」 asks about another thing: keep who and when, ask about X.
    # 「那人均呢？」 qualifies the thing asked before: keep it too (人均 + 地区生产总值).
    thing = "" if _is_noun_phrase(topic) else _topic(before)
    asked = "是多少？" if _ASKED_FIGURE.search(before) and not _YEAR.search(topic) else "是什么？"
    return f"{setting}{topic}{thing}{asked}"


def _names_nothing(text: str) -> bool:
    """No noun, verbal noun or abbreviation in `text` (「如果逾期」「提前」): it names no thing."""
    return not any(w.flag[:1] == "n" or w.flag in ("vn", "j") for w in tagged(text) if w.flag != "x")


def rule_condense(question: str, history: Sequence[Turn]) -> str:
    """The stand-alone form of `question` by rule; the question itself when no rule applies."""
    previous = previous_turn(history)
    if previous is None:
        return question
    citation = cited_clause(question, history)
    if citation is not None:
        ordinal = _ORDINAL.search(question)
        return question[: ordinal.start()] + _cited_name(citation) + question[ordinal.end() :]
    what_about = _WHAT_ABOUT.match(question) or _EN_WHAT_ABOUT.match(question)
    if what_about and len(what_about.group("x")) <= 20:
        topic = what_about.group("x")
        if _EN_WHAT_ABOUT.match(question):
            return f"{topic}: {previous.question}"
        return _what_about(topic, previous.question)
    entity = _ENTITY_PRONOUN.match(question)
    if entity:
        place = _place(previous.question)
        rest = question[entity.end() :]
        if place:
            return place + ("的" if entity.group(0).endswith("的") else "") + rest
        return f"{previous.question} {question}"
    clause = _CLAUSE_PRONOUN.match(question)
    if clause:
        anchor = _cited_name(previous.citations[0]) if previous.citations else previous.question
        return f"{anchor} {question}"
    if _EN_PRONOUN.search(question) and len(question) < 80:
        return f"{question} (context: {previous.question})"
    return question


def condense(
    question: str, history: Sequence[Turn], rewrite: Callable[[str, str], str] | None = None
) -> str:
    """Stand-alone question. `rewrite(history_text, question)` is the LLM's condense call;
    without it (offline) the rules apply."""
    if not history:
        return question
    if rewrite is None:
        return rule_condense(question, history)
    return rewrite(history_text(history), question)


def history_text(history: Sequence[Turn], turns: int = 3) -> str:
    """The last few turns as the condense prompt's {history}."""
    lines = []
    for turn in history[-turns:]:
        if isinstance(turn, Answer):
            lines.append(f"问：{turn.standalone_question or turn.question}")
            lines.append(f"答：{turn.text}")
            lines.extend(f"  [{c.n}] 《{c.doc_title}》{c.ref}" for c in sorted(turn.citations, key=lambda c: c.n))
        else:
            lines.append(f"问：{turn[0]}")
            lines.append(f"答：{turn[1]}")
    return "\n".join(lines)
