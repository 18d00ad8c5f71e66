"""Which of near-equal candidate sentences answers what the question asks: a figure for 多少 (in
the unit asked, if one is), 是指 for a definition, a fine for 怎么罚.

Scores from words and similarity rank sentences by topic; these small bonuses (AnswerSelection)
only settle near ties in favour of the sentence that states the kind of thing asked.
"""
from __future__ import annotations

from dataclasses import dataclass

from qa.answer.asks import DEFINES, PENALTY, Asks, has_duration
from qa.answer.drafts import Candidate
from qa.answer.quotes import without_label
from qa.answer.terms import content_terms
from qa.core.config import TUNING, AnswerSelection
from qa.core.numerals import extract_figures, numeric_form, quantities, states_measure
from qa.core.text import to_search_text, to_simplified


@dataclass(frozen=True)
class Preference:
    asks: Asks
    named: frozenset[str]  # figures the question itself names (2027, 十六周岁): no answer to 多少
    selection: AnswerSelection = TUNING.answer

    @classmethod
    def of(cls, question: str, asks: Asks, selection: AnswerSelection = TUNING.answer) -> Preference:
        named = frozenset(numeric_form(f) for t in content_terms(question) for f in extract_figures(t))
        return cls(asks, named, selection)

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

    def prefer(self, found: list[Candidate]) -> list[Candidate]:
        """`found` re-sorted, best first, with the bonuses of what each sentence states."""
        asks = self.asks
        if asks.figure:
            found.sort(key=lambda c: -(c.score + self._figure_bonus(c)))
        # Not 负责 for 谁负责: 「take the lead」, 「负领导责任」 and every duty clause say it (dev answers lost).
        stating = [kind for asked, kind in ((asks.definition, DEFINES), (asks.penalty, PENALTY)) if asked]
        for kind in stating:
            found.sort(key=lambda c, kind=kind: -(c.score + (self.selection.stated_kind_bonus
                                                             if kind.search(to_simplified(c.sentence)) else 0.0)))
        return found
