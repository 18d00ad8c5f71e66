"""Documents a question names (「成都市委决定和四川省委决定都提出…」, 「渝中区方案」, 「《先锋》文章」).

A researcher comparing documents names them the way a memo would: a head (the issuer or the place
the document is about) followed by the kind of document. The heads come from each document's
metadata, so a user's own corpus gets the same behaviour: the short title with its kind word
removed (「成都市委决定」 → 「成都市委」), and the first place it names (「渝中区十项行动实施方案」
→ 「渝中区」). A head counts only with a kind word close after it: 「渝中区到2027年…」 asks about
the district, not about the plan. A short title quoted whole names its document without one: a
law is named by its short title (「标准化法所说的…」, 「中华人民共和国」 left off), whose kind
word 法 is too common a character to look for after a head. Where two names overlap (仲裁法
inside 劳动争议调解仲裁法), the longer one is the name.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from qa.core.text import to_search_text
from qa.core.types import DocumentMeta
from qa.places import places

KIND_WORDS = ("实施方案", "行动方案", "发展规划", "总体规划", "决定", "方案", "规划", "文章", "意见", "纲要", "讲话", "报告")
_KIND = "|".join(KIND_WORDS)
NATION = "中华人民共和国"  # a national law is cited without it: 「献血法」
MIN_QUOTED_TITLE = 3  # 气象法, 信托法: a law's short title is rarely shorter
_GAP = r"[^，,。？?；;、和与及跟同]{0,8}?"  # 「渝中区十项行动方案」: words between head and kind


@dataclass(frozen=True)
class Mention:
    doc_id: str
    text: str  # the words of the question that name the document
    start: int


def _plain(text: str) -> str:
    return re.sub(r"[《》〈〉“”\"'「」]", "", to_search_text(text))


@lru_cache(maxsize=65536)  # tagging places costs milliseconds; every question asks again
def document_heads(meta: DocumentMeta) -> tuple[str, ...]:
    short = _short_title(meta)
    core = re.sub(rf"(?:{_KIND})$", "", short)
    heads = [core] if len(core) >= 2 else []
    heads += [p.text for p in places(short)[:1]]
    return tuple(dict.fromkeys(h for h in heads if len(h) >= 2))


def document_mentions(question: str, documents: Sequence[DocumentMeta]) -> list[Mention]:
    """The documents named in the question, in the order they are named (each once)."""
    text = _plain(question)
    candidates: list[Mention] = []
    for meta in documents:
        for pattern in _name_patterns(meta):
            candidates += [Mention(meta.doc_id, m.group(0), m.start()) for m in pattern.finditer(text)]
    found: dict[str, Mention] = {}
    taken: list[tuple[int, int]] = []
    for mention in sorted(candidates, key=lambda m: (-len(m.text), m.start)):
        span = (mention.start, mention.start + len(mention.text))
        inside = any(start <= span[0] and span[1] <= end and span != (start, end) for start, end in taken)
        if mention.doc_id in found or inside:
            continue
        found[mention.doc_id] = mention
        taken.append(span)
    return sorted(found.values(), key=lambda m: m.start)


@lru_cache(maxsize=65536)
def _name_patterns(meta: DocumentMeta) -> tuple[re.Pattern, ...]:
    patterns = [re.escape(head) + _GAP + rf"(?:{_KIND})" for head in document_heads(meta)]
    short = re.sub(rf"^{NATION}", "", _short_title(meta))
    if len(short) >= MIN_QUOTED_TITLE:
        patterns.append(re.escape(short))
    return tuple(re.compile(p) for p in patterns)


def _short_title(meta: DocumentMeta) -> str:
    return re.split(r"[:：(（]", _plain(meta.short_title or meta.title))[0].strip()


def without_mentions(question: str, mentions: Sequence[Mention]) -> str:
    """The question with the document names taken out: what it asks each document about."""
    text = _plain(question)
    for mention in mentions:
        text = text.replace(mention.text, " ")
    return text
