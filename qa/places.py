"""Places and organisations named in a question, from jieba's part-of-speech tags.

jieba splits many area names (「天府/新区」, 「雄安/新区」, 「粤港澳/大湾/区」, 「四川/天府新区」);
both the follow-up rules (qa/followup.py) and the offline refusal check (qa/answer/extractive.py)
need them whole, so the joining lives here once.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.core.gazetteer import is_known_place
from qa.core.tokenize import tagged as pos_tags

PLACE_FLAGS = frozenset({"ns", "nt"})
PLACE_SUFFIXES = ("新区", "片区", "区", "市", "省", "县", "州")
# A planning area (天府新区, 眉山片区) is named by any word before it; an administrative suffix
# only by a place (景观区, 噪音管制区 and 强省 are no places).
_AREA_SUFFIXES = ("新区", "片区")
# Tags that never start a name, so a suffix after them is not joined (「推动/天府新区」 stays apart).
_NOT_A_NAME = ("v", "r", "u", "x", "m", "p", "c", "d", "f", "q")


@dataclass(frozen=True)
class Word:
    text: str
    flag: str
    parts: tuple[str, ...]  # the jieba words joined into this one

    @property
    def is_place(self) -> bool:
        return self.flag in PLACE_FLAGS


def tagged(text: str) -> list[Word]:
    """jieba words with a place suffix joined to the name before it and adjacent places joined."""
    words: list[Word] = []
    for word, flag in pos_tags(text):
        if flag == "ns" and not (is_known_place(word) or word.endswith(_AREA_SUFFIXES)):  # 上路, 城市, 法里
            flag = "n"
        previous = words[-1] if words else None
        is_suffix = word in PLACE_SUFFIXES and previous is not None and not previous.flag.startswith(_NOT_A_NAME) \
            and (word in _AREA_SUFFIXES or previous.is_place or is_known_place(previous.text + word))
        if previous is not None and (is_suffix or (flag in PLACE_FLAGS and previous.is_place)):
            words[-1] = Word(previous.text + word, "ns", previous.parts + (word,))
            if len(words) > 1 and words[-2].is_place:  # 「四川」 + 「天府新区」
                words[-2:] = [Word(words[-2].text + words[-1].text, "ns", words[-2].parts + words[-1].parts)]
        else:
            words.append(Word(word, flag, (word,)))
    return words


def places(text: str) -> list[Word]:
    """The Chinese place and organisation names of a text, in order."""
    return [w for w in tagged(text) if w.is_place and len(w.text) >= 2 and re.fullmatch(r"[\u3400-\u9fff]+", w.text)]


def mentioned(place: Word, context: str) -> bool:
    """Whether `context` names the place: whole, without its administrative suffix
    (重庆市 → 重庆), or each of its named parts (「重庆」 and 「渝中区」 for 「重庆渝中区」)."""
    if _named(place.text, context):
        return True
    names = [p for p in place.parts if p not in PLACE_SUFFIXES]
    return len(place.parts) > 1 and bool(names) and all(_named(p, context) for p in names)


# The country the documents are of: its laws write 中华人民共和国 or 国家, a local plan may never
# name it, and "China" in an English question is no place the documents fail to mention.
_HOME = ("中国",)


def _named(name: str, context: str) -> bool:
    bare = re.sub(r"(?:市委|省委|区委|县委|新区|自治州|市|省|区|县)$", "", name)
    return name in context or (len(bare) >= 2 and bare in context) or name in _HOME


def unknown_places(question: str, context: str,
                   english_names: Sequence[tuple[str, Sequence[str]]] = ()) -> tuple[str, ...]:
    """The places a question names that `context` never mentions. `english_names` are an English
    question's names with their Chinese spellings ("Hangzhou" → 杭州): such a name is unknown when
    one of its spellings is a place and none is mentioned (渝中 is no jieba place, 榆中 is: "Yuzhong"
    is known wherever 渝中 is); it is shown as the question wrote it."""
    unknown = [p.text for p in places(question) if not mentioned(p, context)]
    for name, spellings in english_names:
        named = [p for s in spellings for p in places(s) if p.text == s]
        if named and not any(_named(s, context) for s in spellings):
            unknown.append(f"{name} ({named[0].text})")
    return tuple(unknown)
