"""Documents a question names (「成都市委决定和四川省委决定都提出…」, 「渝中区方案」, 「《先锋》文章」).

A researcher comparing documents names them the way a memo would: a head (the issuer or the place
the document is about) followed by the kind of document. The heads come from each document's
metadata, so a user's own corpus gets the same behaviour: the short title with its kind word
removed (「成都市委决定」 → 「成都市委」), and the first place it names (「渝中区十项行动实施方案」
→ 「渝中区」). A head counts only with a kind word close after it: 「渝中区到2027年…」 asks about
the district, not about the plan.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.core.text import to_search_text
from qa.core.types import DocumentMeta
from qa.places import places

KIND_WORDS = ("实施方案", "行动方案", "发展规划", "总体规划", "决定", "方案", "规划", "文章", "意见", "纲要", "讲话", "报告")
_KIND = "|".join(KIND_WORDS)
_GAP = r"[^，,。？?；;、和与及跟同]{0,8}?"  # 「渝中区十项行动方案」: words between head and kind


@dataclass(frozen=True)
class Mention:
    doc_id: str
    text: str  # the words of the question that name the document
    start: int


def _plain(text: str) -> str:
    return re.sub(r"[《》〈〉“”\"'「」]", "", to_search_text(text))


def document_heads(meta: DocumentMeta) -> tuple[str, ...]:
    short = re.split(r"[:：(（]", _plain(meta.short_title or meta.title))[0].strip()
    core = re.sub(rf"(?:{_KIND})$", "", short)
    heads = [core] if len(core) >= 2 else []
    heads += [p.text for p in places(short)[:1]]
    return tuple(dict.fromkeys(h for h in heads if len(h) >= 2))


def document_mentions(question: str, documents: Sequence[DocumentMeta]) -> list[Mention]:
    """The documents named in the question, in the order they are named (each once)."""
    text = _plain(question)
    found: dict[str, Mention] = {}
    for meta in documents:
        for head in sorted(document_heads(meta), key=len, reverse=True):
            match = re.search(re.escape(head) + _GAP + rf"(?:{_KIND})", text)
            if match and meta.doc_id not in found:
                found[meta.doc_id] = Mention(meta.doc_id, match.group(0), match.start())
    return sorted(found.values(), key=lambda m: m.start)


def without_mentions(question: str, mentions: Sequence[Mention]) -> str:
    """The question with the document names taken out: what it asks each document about."""
    text = _plain(question)
    for mention in mentions:
        text = text.replace(mention.text, " ")
    return text
