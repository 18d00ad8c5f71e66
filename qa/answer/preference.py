"""Which of near-equal candidate sentences answers what the question asks: a figure for 多少 (in
the unit asked, if one is), 是指 for a definition, a fine for 怎么罚, a place for 到哪里办, the
items a list question names by a quoted word (五个“全”) or by its noun (改哪些内容 → 「改造内容包括…」),
or a sentence announcing the items below it (「按照以下程序办理：」); the case of not doing what a
rule asks for 如果不…怎么办 (「对不建设…的项目，需…」).

Scores from words and similarity rank sentences by topic; these small bonuses (AnswerSelection)
only settle near ties in favour of the sentence that states the kind of thing asked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.asks import DEFINES, DEFINITION_BODY, PENALTY, Asks, has_duration
from qa.answer.drafts import Candidate
from qa.answer.quotes import without_label
from qa.answer.terms import content_terms
from qa.core.config import TUNING, AnswerSelection
from qa.core.numerals import extract_figures, numeric_form, quantities, states_measure
from qa.core.text import to_search_text, to_simplified

# 「五个“全”字工作方法」「三个“必须”」: every item asked for carries the quoted word.
_QUOTED_WORD = re.compile(r"[“\"‘「]([\u4e00-\u9fff]{1,4})[”\"’」]")
_ITEM_SPLIT = re.compile(r"[、，,；;：:]")
_ITEM_CHARS = 16  # an item of an enumeration (「全要素保护」); a longer piece is a clause of its own
# 「改哪些内容」「有哪些措施」: the noun the items are of; 「改造内容包括…」 names it and lists them.
_LISTED_NOUN = re.compile(r"哪些([\u4e00-\u9fff]{2})")
_NOUN_ANNOUNCES = r"(?:主要)?(?:包括|包含|涵盖|有|为|是)[：:]?"
# 「如果新建项目不打算配建光伏，应当怎么办」: a negated case asked, answered by the sentence on that
# case (「对不建设光伏发电系统的交通工程项目，需…」), not by the rule it is the exception to.
_NEGATED_CASE_ASKED = re.compile(r"(?:如果|假如|若是|要是|若)[^，,。？?]{0,12}?(?:不|未|没有|没)")
_NEGATED_CASE = re.compile(r"(?:不|未|没有)[^，,。；;！？]{1,15}的")
_PHRASE_BREAK = re.compile(r"[，,。；;：:]")
# 「按照以下程序办理：」「应当遵守下列规定：」: a sentence announcing the list that follows it.
_ANNOUNCES_ITEMS = re.compile(r"(?:以下|下列|如下)[^，,。；;：:]{0,8}[：:]$")
# 「到哪里去办」「在什么地方申请」: answered by a sentence naming a place or an office, not the task.
_WHERE_ASKED = re.compile(r"哪里|哪儿|何处|什么地方|哪个地方|\bwhere\b", re.IGNORECASE)
_PLACE_SAID = re.compile(r"前往|窗口|大厅|现场|地址|地点|场所|所在地|服务中心|到[^，,。；;]{1,12}(?:办理|申请|提交|领取|核验|报到)")


def _defined_term(sentence: str) -> str:
    """The phrase before a sentence's definition body: 「本法所称噪音」 of 「本法所称噪音，指…」."""
    body = DEFINITION_BODY.search(sentence)
    return _PHRASE_BREAK.split(sentence[: body.start()].rstrip("，,：: "))[-1] if body else ""


def _quoted_items(sentence: str, word: str) -> int:
    """How many short enumerated pieces of `sentence` carry `word`."""
    return sum(1 for piece in _ITEM_SPLIT.split(sentence) if word in piece and len(piece.strip()) <= _ITEM_CHARS)


@dataclass(frozen=True)
class Preference:
    asks: Asks
    named: frozenset[str]  # figures the question itself names (2027, 十六周岁): no answer to 多少
    selection: AnswerSelection = TUNING.answer
    quoted: tuple[str, ...] = ()  # the quoted words each item asked for carries (“全”)
    noun: str = ""  # the noun a 哪些 list is of (内容, 措施)
    where: bool = False  # 到哪里办: a place or an office is asked
    negated: bool = False  # 如果不…怎么办: the case of not doing what a rule asks
    terms: tuple[str, ...] = ()  # the question's topic words (a definition asked: of which)

    @classmethod
    def of(cls, question: str, asks: Asks, selection: AnswerSelection = TUNING.answer) -> Preference:
        named = frozenset(numeric_form(f) for t in content_terms(question) for f in extract_figures(t))
        listed = _LISTED_NOUN.search(question) if asks.listing else None
        quoted = tuple(_QUOTED_WORD.findall(question)) if asks.listing else ()
        return cls(asks, named, selection, quoted, listed.group(1) if listed else "", bool(_WHERE_ASKED.search(question)),
                   bool(_NEGATED_CASE_ASKED.search(question)), tuple(content_terms(question)) if asks.definition else ())

    def gives_figure(self, c: Candidate) -> bool:
        said = f"{without_label(c.lead)} {without_label(c.sentence)}"  # 「当日办结」 answers 时限 as 3个工作日 does
        if self.asks.asked_measure:  # 「总投资多少亿元」: only an amount in 元 answers it, not 「二十七号线」
            return states_measure(said, self.asks.asked_measure)
        return any(numeric_form(f) not in self.named for f in quantities(said)) or (self.asks.duration and has_duration(said))

    def _figure_bonus(self, c: Candidate) -> float:
        """One with a figure answers 多少; one with it in the unit asked, more so."""
        if not self.gives_figure(c):
            return 0.0
        in_unit = bool(self.asks.asked_unit) and self.asks.asked_unit in to_search_text(c.sentence)
        return self.selection.figure_bonus * (2 if in_unit else 1)

    def _items_bonus(self, c: Candidate) -> float:
        """The sentence that lists the items asked for: as many short pieces carrying the quoted
        word as the question counts (three at least), the list's noun announcing its items, or a
        colon announcing the items below it."""
        s, sentence = self.selection, to_simplified(c.sentence)
        wanted = max(self.asks.count or 3, 3)
        if any(_quoted_items(sentence, word) >= wanted for word in self.quoted):
            return s.listed_items_bonus
        if self.noun and re.search(re.escape(self.noun) + _NOUN_ANNOUNCES + r"[^。；;]*、[^。；;]*、", sentence):
            return s.listed_items_bonus
        if _ANNOUNCES_ITEMS.search(sentence.strip()):  # 「…按照以下程序办理：」, its items after it
            return s.listed_items_bonus
        return 0.0

    def _states(self, kind: re.Pattern, c: Candidate) -> float:
        """1 when the sentence states the kind of thing asked; for a definition, 3 when the term it
        defines is one the question asks about (「本法所称噪音，指…」 for 噪音…怎么界定): that sentence
        is the answer even where a sentence repeating the law's name holds more of its words."""
        sentence = to_simplified(c.sentence)
        if not kind.search(sentence):
            return 0.0
        if kind is DEFINES and self.terms and any(t in _defined_term(sentence) for t in self.terms):
            return self.selection.defined_term_weight
        return 1.0

    def prefer(self, found: list[Candidate]) -> list[Candidate]:
        """`found` re-sorted, best first, with the bonuses of what each sentence states."""
        asks = self.asks
        if asks.figure:
            found.sort(key=lambda c: -(c.score + self._figure_bonus(c)))
        # Not 负责 for 谁负责: 「take the lead」, 「负领导责任」 and every duty clause say it (dev answers lost).
        stating = [kind for asked, kind in ((asks.definition, DEFINES), (asks.penalty, PENALTY),
                                            (self.where, _PLACE_SAID), (self.negated, _NEGATED_CASE)) if asked]
        for kind in stating:
            states = {id(c): self._states(kind, c) for c in found}
            if any(states.values()):  # none states it: the order above stands
                found.sort(key=lambda c, states=states: -(c.score + self.selection.stated_kind_bonus * states[id(c)]))
        items = {id(c): self._items_bonus(c) for c in found} if asks.listing else {}
        if any(items.values()):  # else the order above stands (a figure's bonus, a definition's)
            found.sort(key=lambda c: -(c.score + items[id(c)]))
        return found
