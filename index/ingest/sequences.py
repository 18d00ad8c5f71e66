"""Numbering read as sequences, not line by line.

A label opens a clause when it continues the sequence its level expects: 16 after 15 is an item
even under a new （三）, because items may run on across parents. What a single line cannot
tell, the labels after it can:

* a restart (一、 again after 九、, as in a notice followed by its attachment) is a new list when a
  2 of the same style follows before the old list continues;
* a skipped number (7 after 5: a published text that lost or merged an item) is accepted when the
  list goes on from it (8 follows);
* 「11.121人才梯队项目」 reads as a decimal, but as item 11 when the list stands at 10;
* an item glued to the end of the previous one by PDF line joining (「…字样。 七、…」) opens a
  clause of its own when it is exactly the next label of a list in force.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.ingest.numbering import Numbering, match_numbering
from qa.core.text import fold

_DECIMAL_LABEL = re.compile(r"(\d{1,3})\.(?=\d)")
_INLINE = re.compile(r"[。；;！？!?]\s*")
LOOKAHEAD = 40  # paragraphs searched for the continuation of a list


@dataclass
class Sequences:
    """The numbering labels of a body, paragraph by paragraph, and the last value of each style."""

    numbers: list[Numbering | None]
    last: dict[str, int] = field(default_factory=dict)

    def accepts(self, i: int, number: Numbering, stack_styles: list[str]) -> bool:
        """Whether the label of paragraph `i` opens a clause, given the styles now open."""
        if number.is_chapter or number.value is None:
            return True
        if number.style == "ar.ar" and not self._under_item(number, stack_styles):
            return False
        last = self.last.get(number.style, 0)
        if number.style == "ar␣" and not last:  # 「1 个工作日内…」 opens no list unless a 2 follows
            return number.value == 1 and self._follows(i, number.style, 2, 0)
        if number.value == last + 1:
            return True
        if number.style not in stack_styles and number.value == 1:
            return True  # a new list under a new parent
        if number.value == 1:
            return self._follows(i, number.style, 2, last + 1)
        if last < number.value <= last + 3:
            return self._follows(i, number.style, number.value + 1, last + 1)
        return False

    def _under_item(self, number: Numbering, stack_styles: list[str]) -> bool:
        """「3.1」 belongs under item 3. only: its first number is the open item's."""
        major = number.label.split(".")[0]
        return "ar." in stack_styles and str(self.last.get("ar.", -1)) == major

    def accept(self, number: Numbering) -> None:
        if number.value is not None and not number.is_chapter:
            self.last[number.style] = number.value

    def _follows(self, i: int, style: str, wanted: int, rival: int) -> bool:
        """True when, among the next labels of `style`, `wanted` comes before `rival`."""
        for number in self.numbers[i + 1 : i + 1 + LOOKAHEAD]:
            if number is None or number.style != style:
                continue
            if number.value == wanted:
                return True
            if number.value == rival:
                return False
        return False

    def decimal_item(self, i: int, text: str) -> Numbering | None:
        """「11.121人才梯队项目」 as item 11 when the arabic list in force stands at 10 and goes on
        with 12, not with an 11 of its own (then 「2.5亿元…」 was a figure); 「1.2025年度…」 as
        item 1 when no list is in force and a 2 comes next."""
        m = _DECIMAL_LABEL.match(fold(text))
        last = self.last.get("ar.", 0)
        if not m or int(m.group(1)) != last + 1:
            return None
        # a list's first item (「1.2025年度…」) when the list goes on with 2 before any 1 of its own
        goes_on = self._follows(i, "ar.", 2, 1) if not last else not self._follows(i, "ar.", last + 1, last + 2)
        return Numbering("ar.", last + 1, str(last + 1), m.end()) if goes_on else None

    def inline_split(self, text: str, stack_styles: list[str]) -> int:
        """Offset of an item glued after a sentence end inside `text`, or 0. Only the very next
        label of a list already open counts, so 「…。2.5亿元」 or a cross-reference never splits."""
        for m in _INLINE.finditer(text):
            rest = text[m.end() :]
            number = match_numbering(rest) if rest else None
            if number and number.style == "ar.ar" and not self._under_item(number, stack_styles):
                continue
            if (number and number.value is not None and not number.is_chapter and number.style in stack_styles
                    and number.value == self.last.get(number.style, 0) + 1 and len(rest) > number.end + 4):
                return m.end()
        return 0
