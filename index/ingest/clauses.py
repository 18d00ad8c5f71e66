"""Cleaned document text → clause tree.

Each paragraph of the cleaned text (one per line) either opens a clause (a numbering label, an
unnumbered heading line, a lead phrase where no numbering is in force, a TOC-aligned paragraph of a
PDF whose headings were lost) or continues the clause before it. Levels come from the order in which
numbering styles appear in the document: a stack of open clauses, popped back when a style already
on it reappears, so 三、（二）5. nest however a particular document orders its styles.

A clause's text is exactly document.text[start:end]: from its heading line through its continuation
paragraphs, never its children's text (except a law's article, which holds its items: see
clause_tree). Labels are accepted as sequences (sequences.py). A speech's subtitle and byline
belong to the title block; a —— bullet is one paragraph under the heading it follows; an intro
sentence before a section's first numbered child is that section's text; a table of contents
left in the body is dropped; a line broken off at a hyperlink is never a heading.
"""
from __future__ import annotations

import re

from index.ingest import toc_align
from index.ingest.clause_tree import Para, TreeBuilder
from index.ingest.headings import CAPTION, is_parenthesised, unnumbered_headings
from index.ingest.numbering import HEADING_MAX_CHARS, Numbering, lead_phrase, match_numbering
from index.ingest.sequences import Sequences
from qa.core.dates import DATE_AT_START, DATE_ONLY_LINE
from qa.core.ids import COVER_LABEL, END_NOTE_LABEL, HEAD_NOTE_LABEL, SIGNATURE_LABEL
from qa.core.text import SENTENCE_END, ends_sentence, fold, has_sentence_end, squash
from qa.core.types import Clause, Document

COVER_SENTENCE_CHARS = 20  # a line this long with a sentence end is notice text, not a page caption
SIGNATURE_SCAN = 6
_AFTER_SIGNATURE = ("抄送", "印发", "主送", "联系人", "（此件", "(此件", "附件")
HEADER_SCAN_LINES = 25
_SOURCE_WORDS = ("来源", "來源", "发布", "發布")
BYLINE_MAX_CHARS = 20
_CONTENTS = ("目录", "目錄")
_OCCASION = re.compile(r"^在.{2,60}(上|时)(的(讲话|报告|致辞|发言|講話|報告))?$")
# Labels of the metadata table a government disclosure page sets over a document.
FIELD_LABELS = {"索引号", "索引號", "文件编号", "文件編號", "发文字号", "發文字號", "文号", "文號", "发布机构", "發布機構",
                "发文机关", "發文機關", "发文单位", "发布单位", "公开类别", "公開類別", "公开方式", "公开范围", "发布时间",
                "發布時間", "发布日期", "發布日期", "成文日期", "生效日期", "主题分类", "主題分類", "体裁分类", "有效性",
                "信息名称", "所属机构", "主题词", "组配分类", "时效", "名称", "分类"}
# A speaker turning to the audience: 「各位代表！」「同志们，」.
_VOCATIVE = re.compile(r"^(各位[\u4e00-\u9fff]{1,4}|同志们|同志們|朋友们|朋友們)[！!，,]")
_ISSUING_NOTICE = re.compile(r"^.{0,40}?印发《?(.+?)》?的通知$")
DECORATION_MAX_CHARS = 40  # a site name and 文号 around a headline
_FOOTNOTE = re.compile(r"^\[\d{1,2}\]\S")
_INTRO = re.compile(r"[，,]|以下|如下|下列")  # a sentence that introduces a list, not a label


def parse_clauses(document: Document) -> list[Clause]:
    paras = split_paragraphs(document.text)
    body_from, notes, cover = _header(paras, document.meta.title)
    builder = TreeBuilder(document.toc)
    if cover:
        builder.add_note(Para(cover[0].start, cover[-1].end, ""), COVER_LABEL)
    for para in notes:
        builder.add_note(para, HEAD_NOTE_LABEL)
    body = drop_contents(paras[body_from:])
    body, signature = _split_signature(body)
    body, end_notes = _split_end_notes(body)
    if toc_align.headings_lost([p.text for p in body], document.toc):
        _walk_lost_headings(builder, body, document)
    else:
        _walk_numbered(builder, body)
    for para in end_notes:
        builder.add_note(para, END_NOTE_LABEL)
    if signature:
        builder.add_note(Para(signature[0].start, signature[-1].end, ""), SIGNATURE_LABEL)
    return builder.clauses(document)


def split_paragraphs(text: str) -> list[Para]:
    paras, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            paras.append(Para(pos + lead, pos + len(line.rstrip()), line.strip()))
        pos += len(line) + 1
    return paras


# --- header and end notes ---------------------------------------------------------------------


def _header(paras: list[Para], title: str) -> tuple[int, list[Para], list[Para]]:
    """Where the body starts, the notes (adoption line) found in the title block and the cover
    notice between an issuing notice's title and the document's own. Title lines, the date line
    under them and anything before them (site captions, a news lead) are in no clause."""
    wanted = squash(title)
    titles: list[int] = []
    for i, para in enumerate(paras[:HEADER_SCAN_LINES]):
        number = match_numbering(para.text)
        if number and number.style != "dash":
            break
        key = squash(para.text)
        if wanted and len(key) >= 6 and (key in wanted or _decorates(key, wanted) or _issues(key, wanted)):
            titles.append(i)
    last_title = titles[-1] if titles else -1
    notes = [p for p in paras[: last_title + 1] if is_parenthesised(p.text) and squash(p.text) not in wanted]
    body_from = last_title + 1
    subtitle = False
    while body_from < len(paras):
        text = paras[body_from].text
        if is_parenthesised(text):
            notes.append(paras[body_from])
        elif is_subtitle(text):
            subtitle = True
        elif squash(text).rstrip(":：") in FIELD_LABELS:
            # a disclosure page's table over the document (索引号 / value / 发布机构 / value …)
            if body_from + 1 < len(paras) and squash(paras[body_from + 1].text).rstrip(":：") not in FIELD_LABELS:
                body_from += 1
        elif subtitle and len(text) <= BYLINE_MAX_CHARS and not any(ch in fold(text) for ch in SENTENCE_END + ":"):
            subtitle = False  # the speaker's line under a subtitle: 「国务院总理 李强」
        elif not (DATE_AT_START.match(text) and (len(text) <= 16 or any(w in text for w in _SOURCE_WORDS))):
            break
        body_from += 1
    return body_from, notes, _cover_notice(paras, titles)


def _cover_notice(paras: list[Para], titles: list[int]) -> list[Para]:
    """「关于印发《X》的通知」, its 文号, addressees, 「现印发给你们…」 and signature, then X's own
    title: the notice between the two titles says who issued X, when and to whom, so it is a
    clause. Lines between two title lines with no sentence in them are a page's captions."""
    if len(titles) < 2:
        return []
    between = [p for p in paras[titles[0] + 1 : titles[-1]] if squash(p.text) and not is_parenthesised(p.text)]
    if any(len(p.text) >= COVER_SENTENCE_CHARS and has_sentence_end(p.text) for p in between):
        return between
    return []


def _decorates(key: str, wanted: str) -> bool:
    """A headline with a site name or 文号 around the title; not a paragraph the title was glued to
    (PDF text: 「关于…的意见为贯彻落实…提出以下意见：」)."""
    return wanted in key and len(key) <= len(wanted) + DECORATION_MAX_CHARS and not has_sentence_end(key)


def _issues(key: str, wanted: str) -> bool:
    """「关于印发《X》的通知」 over X: the cover notice's title belongs to the title block too."""
    m = _ISSUING_NOTICE.match(key)
    return bool(m) and len(m.group(1)) >= 6 and m.group(1) in wanted


def is_subtitle(text: str) -> bool:
    """「——2024年3月5日在第十四届全国人民代表大会第二次会议上」: a dash line naming when and
    where a speech or report was given. It belongs to the title block, never a bullet."""
    number = match_numbering(text)
    if not (number and number.style == "dash"):
        return False
    rest = text[number.end :].strip()
    return not ends_sentence(rest) and bool(DATE_AT_START.match(rest) or _OCCASION.search(rest))


def drop_contents(body: list[Para]) -> list[Para]:
    """A table of contents kept in the body (「目录」 then 第一章 总则, 第二章 …) is no clause: the
    same headings open the chapters below it. Recognised when the listed labels come back later."""
    for i, para in enumerate(body[:HEADER_SCAN_LINES]):
        if squash(para.text) not in _CONTENTS:
            continue
        end, listed = i + 1, []
        while end < len(body) and _heading_line(body[end].text):
            label = match_numbering(body[end].text).label
            if label in listed:  # the body's own first heading
                break
            listed.append(label)
            end += 1
        later = [n.label for p in body[end:] if (n := match_numbering(p.text)) and n.is_chapter]
        if len(listed) >= 2 and all(label in later for label in listed):
            return body[:i] + body[end:]
        if end := _listed_headings(body, i + 1):
            return body[:i] + body[end:]
    return body


CONTENTS_MIN_ENTRIES = 5
CONTENTS_REPEATED = 0.8  # share of the listed headings that must open a paragraph again below


def _listed_headings(body: list[Para], first: int) -> int:
    """End of a contents list of any numbering (「一、…」「1.…」, an unnumbered 「结语」): a run of
    short heading lines after 「目录」, most of which open a paragraph again further down. 0 when
    there is none."""
    end, listed = first, []
    while end < len(body) and len(body[end].text) <= HEADING_MAX_CHARS and not ends_sentence(body[end].text):
        key = squash(body[end].text)
        if key in listed:  # the body's own first heading
            break
        listed.append(key)
        end += 1
    if len(listed) < CONTENTS_MIN_ENTRIES:
        return 0
    below = {squash(p.text)[:HEADING_MAX_CHARS] for p in body[end:]}
    found = sum(1 for key in listed if any(line.startswith(key) for line in below))
    return end if found >= CONTENTS_REPEATED * len(listed) else 0


def _heading_line(text: str) -> bool:
    number = match_numbering(text)
    return bool(number and number.is_chapter and number.style != "第条") and not ends_sentence(text)


def _split_signature(body: list[Para]) -> tuple[list[Para], list[Para]]:
    """The closing block of an official document — the issuer's line, the date alone on its line,
    and what follows it (抄送…, 印发…) — is a note of its own (落款), not part of the last item."""
    for j in range(len(body) - 1, max(len(body) - SIGNATURE_SCAN, 0) - 1, -1):
        if not DATE_ONLY_LINE.match(body[j].text.strip()):
            continue
        if not all(len(p.text) <= 200 and (len(p.text) <= 40 or p.text.startswith(_AFTER_SIGNATURE)) for p in body[j + 1 :]):
            return body, []
        start = j
        while start > 0 and j - start < 3 and len(body[start - 1].text) <= 30 and not ends_sentence(body[start - 1].text) \
                and match_numbering(body[start - 1].text) is None:
            start -= 1
        return body[:start], body[start:]
    return body, []


def _split_end_notes(body: list[Para]) -> tuple[list[Para], list[Para]]:
    """A parenthesised paragraph closing the document (「（本文摘自…讲话。）」) is a note of its
    own, not part of the last clause. Short credit lines after it (「转自…杂志」) are left out."""
    for i in range(len(body) - 1, max(len(body) - 4, 0), -1):
        if is_parenthesised(body[i].text) and all(len(p.text) < 30 and not ends_sentence(p.text) for p in body[i + 1 :]):
            return body[:i], [body[i]]
    # Footnotes under the last item (「[1]1、农业；2、…」 explaining a mark in the body) are notes too.
    first = len(body)
    while first > 1 and _FOOTNOTE.match(fold(body[first - 1].text)):
        first -= 1
    if first < len(body):
        return body[:first], [Para(body[first].start, body[-1].end, "")]
    return body, []


# --- the numbered walk --------------------------------------------------------------------------


def _walk_numbered(builder: TreeBuilder, body: list[Para]) -> None:
    headings = unnumbered_headings(body)
    numbers = [match_numbering(p.text) for p in body]
    seq = Sequences(numbers)
    # Lead phrases before the first heading belong to the preamble, unless the document has no
    # headings at all and its lead phrases are the only structure it has.
    builder.leads_at_top = not headings and not any(n and n.style != "dash" for n in numbers)
    for i, whole in enumerate(body):
        para, number = whole, numbers[i]
        while para is not None:
            rest = _step(builder, seq, body, i, para, number, i in headings)
            para, number = rest, (match_numbering(rest.text) if rest else None)


def _step(builder: TreeBuilder, seq: Sequences, body: list[Para], i: int, para: Para,
          number: Numbering | None, is_heading: bool) -> Para | None:
    """Place one paragraph; returns the part of it after an item glued to its end, if any."""
    prev = body[i - 1].text if i else ""
    nxt = body[i + 1].text if i + 1 < len(body) else ""
    if number and number.style == "ar.ar" and not seq.accepts(i, number, builder.open_styles()):
        number = None  # a figure opening the paragraph (「2.5亿元…」), or 11.121 read as item 11
    if number is None:
        number = seq.decimal_item(i, para.text)
    if number and number.style == "dash":
        builder.open_bullet(para, number)
    elif number and is_footnote(para.text, number, prev, nxt):
        builder.continue_with(para)
    elif number and seq.accepts(i, number, builder.open_styles()):
        seq.accept(number)
        builder.open_numbered(para, number)
    elif builder.after_bullets():
        builder.close_bullets()
        builder.open_free(para)
    elif _VOCATIVE.match(para.text) and builder.under_numbered():
        # 「各位代表！…」 after a report's last item speaks to the whole section again
        builder.close_to_section()
        builder.open_free(para)
    elif is_heading:
        builder.open_heading(para)
    elif (phrase := lead_phrase(para.text)) and builder.lead_allowed() and not _introduces(para.text, nxt, builder):
        builder.open_lead(para, phrase)
    else:
        builder.continue_with(para)
    cut = seq.inline_split(para.text, builder.open_styles())
    if not cut:
        return None
    builder.trim_last(para.start + len(para.text[:cut].rstrip()))
    return Para(para.start + cut, para.end, para.text[cut:])


def _introduces(text: str, nxt: str, builder: TreeBuilder) -> bool:
    """An intro paragraph (「为实现上述目标，重点抓好以下工作：」) right before the first numbered
    child of a section is that section's own text, not a parent of its children."""
    number = match_numbering(nxt) if nxt else None
    if not (number and number.style != "dash" and number.style not in builder.open_styles()):
        return False
    return builder.under_numbered() and bool(_INTRO.search(lead_phrase(text)))


def is_footnote(text: str, number: Numbering, prev: str, nxt: str) -> bool:
    """「1.“3+9+n”总部经济产业体系:…」 right after a paragraph that reads 「“3+9+n”1总部经济…」 is
    that paragraph's footnote, not list item 1: the previous paragraph carries the footnote mark
    inside the very term the note explains, and no item 2 follows."""
    if number.style not in ("ar.", "（ar）", "circled") or not prev:
        return False
    follower = match_numbering(nxt) if nxt else None
    if follower and follower.style == number.style and follower.value == (number.value or 0) + 1:
        return False
    term = re.split(r"[:：。,，;；]", text[number.end :], maxsplit=1)[0][:15]
    if len(term) < 3:
        return False
    mark = number.label.strip("（）")
    for found in re.finditer(re.escape(mark), prev):
        i = found.start()
        if i and prev[i - 1].isdigit() or prev[found.end() : found.end() + 1].isdigit():
            continue
        unmarked = prev[:i] + prev[found.end() :]
        for j in range(max(0, i - len(term)), i + 1):
            if unmarked.startswith(term, j) and j < i < j + len(term) + 1:
                return True
    return False


def _walk_lost_headings(builder: TreeBuilder, body: list[Para], document: Document) -> None:
    plan = toc_align.plan([p.text for p in body], document.toc)
    builder.aligning = True
    for i, (para, placement) in enumerate(zip(body, plan)):
        prev = body[i - 1].text if i else ""
        nxt = body[i + 1].text if i + 1 < len(body) else ""
        if placement.kind in ("anchor", "slot"):
            cut = para.start + placement.split_at if placement.split_at else para.end
            heading_line = document.text[para.start : cut].rstrip()
            head = Para(para.start, para.start + len(heading_line), heading_line)
            builder.open_toc(head, toc_align.chain(document.toc, placement.toc_index), placement.kind == "slot")
            if placement.split_at:
                builder.open_free(Para(cut, para.end, document.text[cut : para.end]))
            continue
        if placement.kind == "intro":
            builder.continue_with(para)
            continue
        builder.enter_toc(toc_align.chain(document.toc, placement.toc_index) if placement.toc_index is not None else [])
        number = match_numbering(para.text)
        if number and number.style == "dash":
            builder.open_bullet(para, number)
        elif number and is_footnote(para.text, number, prev, nxt) or CAPTION.match(para.text) or builder.awaits_body():
            builder.continue_with(para)
        else:
            builder.close_bullets()
            builder.open_free(para)


