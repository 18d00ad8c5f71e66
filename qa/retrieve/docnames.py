"""Documents a question names (「成都市委决定和四川省委决定都提出…」, 「渝中区方案」, 「《先锋》文章」).

A researcher comparing documents names them the way a memo would: a head (the issuer or the place
the document is about) followed by the kind of document. The heads come from each document's
metadata, so a user's own corpus gets the same behaviour: the short title with its kind word
removed (「成都市委决定」 → 「成都市委」), the first place it names, also without its
administrative suffix (「浦东新区…工作安排」 → 「浦东新区」, 「浦东」), and the issuer, whole or
abbreviated (「国办意见」 for 国务院办公厅, 「国家医保局的意见」 for 国家医疗保障局). A head counts
only with a kind word close after it, and only a kind word the document's own title uses when it
uses one (「上海…纲要」 names the outline, not Shanghai's regulations): 「渝中区到2027年…」 asks
about the district, not about the plan. A short title quoted whole names its document without one: a
law is named by its short title (「标准化法所说的…」, 「中华人民共和国」 left off), whose kind
word 法 is too common a character to look for after a head. Where two names overlap (仲裁法
inside 劳动争议调解仲裁法), the longer one is the name.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from qa.core.text import abbreviates, to_search_text
from qa.core.types import DocumentMeta
from qa.places import places

KIND_WORDS = ("实施方案", "行动方案", "发展规划", "总体规划", "工作安排", "实施办法", "决定", "方案", "规划", "文章",
              "意见", "纲要", "讲话", "报告", "安排", "办法", "通知", "条例", "规定", "计划", "要点", "细则")
_KIND = "|".join(KIND_WORDS)
_PLACE_SUFFIX = re.compile(r"(?:新区|自治州|自治区|市|省|区|县)$")
NATION = "中华人民共和国"  # a national law is cited without it: 「献血法」
MIN_QUOTED_TITLE = 3  # 气象法, 信托法: a law's short title is rarely shorter
# 「渝中区十项行动方案」: words between head and kind, never a question word (「上海对预付卡有什么规定」
# asks what Shanghai rules, it does not name a document called 规定).
_GAP = r"(?:(?!什么|哪|多少|怎|如何|是否)[^，,。？?；;、和与及跟同]){0,8}?"
_ISSUER_HEAD = re.compile(r"[\u4e00-\u9fff]{2,8}$")


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
    for place in places(short)[:1]:
        heads += [place.text, _PLACE_SUFFIX.sub("", place.text)]
    return tuple(dict.fromkeys(h for h in heads if len(h) >= 2))


def _kinds(meta: DocumentMeta) -> str:
    """The kind words a name of this document may end in: those its title uses, else any."""
    title = _plain(f"{meta.title} {meta.short_title}")
    own = [k for k in KIND_WORDS if k in title]
    return "|".join(own) if own else _KIND


def document_mentions(question: str, documents: Sequence[DocumentMeta]) -> list[Mention]:
    """The documents named in the question, in the order they are named (each once)."""
    text = _plain(question)
    candidates: list[Mention] = []
    for meta in documents:
        for pattern in _name_patterns(meta):
            candidates += [Mention(meta.doc_id, m.group(0), m.start()) for m in pattern.finditer(text)]
        candidates += _issuer_mentions(text, meta)
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


def _issuer_mentions(text: str, meta: DocumentMeta) -> list[Mention]:
    """「国办意见」「国家医保局的意见」: the words before one of the document's kind words, read as
    its issuer's name or abbreviation (characters of the name, in order). Two characters must
    start where the name starts (国办); three or more may pick from anywhere in it (医保局)."""
    issuer = _plain(meta.issuer).replace(" ", "")
    if len(issuer) < 3:
        return []
    found = []
    for kind in re.finditer(_kinds(meta), text):
        before = _ISSUER_HEAD.search(text[max(0, kind.start() - 9):kind.start()].removesuffix("的"))
        if not before:
            continue
        head = before.group(0)
        for size in range(len(head), 1, -1):
            words = head[-size:]
            if (size >= 3 or words[0] == issuer[0]) and abbreviates(words, issuer, span=len(issuer)):
                start = kind.start() - len(words) - (1 if text[:kind.start()].endswith("的") else 0)
                found.append(Mention(meta.doc_id, text[start:kind.end()], start))
                break
    return found


@lru_cache(maxsize=65536)
def _name_patterns(meta: DocumentMeta) -> tuple[re.Pattern, ...]:
    patterns = [re.escape(head) + _GAP + rf"(?:{_kinds(meta)})" for head in document_heads(meta)]
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
