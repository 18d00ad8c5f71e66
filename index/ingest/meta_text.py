"""Metadata a document's own text states: issuer, date of the current version, 文号, and a
title cleaned of what a web page wraps around it.

Where Chinese official documents say these things is fixed by convention, and each rule reads
one such place: a 「发文机关：」 field, the dated signature (落款) under the body, the adoption and
revision notes under a law's title, a byline naming an author by position, the 文号 line
under the title. No rule names an organ or a document.
"""
from __future__ import annotations

import re

from qa.core.dates import DATE_ONLY_LINE, FULL_DATE, iso_date

_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
# A law's notes: 「2015年4月24日第十二届全国人民代表大会常务委员会第十四次会议《…》修正」.
_VERSION_NOTE = re.compile(_DATE + r"[^。\n]{0,120}?(通过|修正|修订|修改|公布|批准)")
# A local congress names its term between place and body: 「上海市第十五届人民代表大会常务委员会」.
_LEGISLATURE = re.compile(r"(全国|(?:(?<![\u4e00-\u9fff])(?![年月日])|(?<=[年月日]))[\u4e00-\u9fff]{1,12}?(?:省|市|自治区|自治州|县|区))(?:第[一二三四五六七八九十百]+[届屆])?"
                          r"(人民代表大会(?:常务委员会)?)\s*第[一二三四五六七八九十百]+次(?:全体)?会议")
# Labels of a disclosure page's metadata table (「发 布 机 构 ：」, value on the same or next line).
_LABEL = re.compile(r"^([\u4e00-\u9fff\s]{2,12}?)\s*[:：]\s*(.*)$")
_ISSUER_LABELS = {"发文机关", "發文機關", "发布机关", "發布機關", "发文单位", "制发机关", "发布机构", "發布機構", "发文机构"}
_NUMBER_LABELS = {"发文字号", "發文字號", "文号", "文號"}
_DATE_LABELS = {"成文日期", "发文日期", "發文日期", "印发日期"}
_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,16})\s*[〔［\[【(（]\s*(\d{4})\s*[〕］\]】)）]\s*(\d{1,5})\s*号")
_ORG_END = re.compile(r"(人民政府|委员会|委員會|管委会|办公厅|辦公廳|办公室|辦公室|政府|省委|市委|区委|县委|部|局|厅|廳|院|署|会|委|中心|"
                      r"监管办|监管局|公司|集团|银行|法院|检察院)$")
_POSITION = r"(?:院士|院长|所长|校长|会长|社长|处长|主任|书记|部长|主席|省长|市长|区长|县长|局长|厅长|委员|总理|副总理|董事长|总经理|教授|研究员|秘书长|理事长|署长|行长|司长)"
_BYLINE = re.compile(rf"^(?:\S{{0,24}}{_POSITION})\s+([\u4e00-\u9fff]{{2,4}})$|^(?:作者|文)\s*[:：/／]\s*([\u4e00-\u9fff]{{2,4}})$")
# 「工业和信息化部部长：李乐成」: the organ's head signing for it.
_HEAD_SIGNS = re.compile(rf"^([\u4e00-\u9fff]{{2,30}}?){_POSITION}[:：][\u4e00-\u9fff·]{{2,6}}$")
# 「第42号」 alone on a line under the title: the number of an order (令), which has no 〔year〕.
_ORDER_NUMBER = re.compile(r"^第\s*\d{1,4}\s*号$")
_SPEECH = re.compile(r"^[—－-]{1,2}\s*([\u4e00-\u9fff]{2,4})(?:同志)?在.{2,40}上的(?:讲话|报告|发言|致辞)")
# What a web page puts around a document's title: 【title】-site, title_site, title(文号).
_BRACKETED = re.compile(r"^【(.{4,80}?)】\s*[-_—|｜].*$")
# 「…的通知 国能发电力〔2025〕53号-新华网」「…办法_某某网」: the title, perhaps its 文号, then the site.
_SITE_SUFFIX = re.compile(r"^(.{4,}?(?:通知|意见|意見|方案|办法|辦法|规定|規定|规划|規劃|决定|決定|细则|細則|条例|條例|"
                          r"计划|計劃|公告|通告|报告|報告|批复|函|令|纲要|指南|措施))"
                          r"(?:\s*[(（]?[\u4e00-\u9fff]{0,12}[〔［\[]\d{4}[〕］\]]\d+号[)）]?)?\s*[-_|｜—]\s*\S{2,30}$")
# 「…热点13问-广州市人力资源和社会保障局网站」: whatever the title, a tail that is a site's name.
_SITE_NAME_TAIL = re.compile(r"(?<=.{4})\s*[-_|｜—]\s*(?P<site>[^-_|｜—\s]{2,30}?)(?:门户|門戶)?(?:网站|網站|官网|官網|网|網)$")
# …and when that site is an organ's own (「广州市人力资源和社会保障局网站」), the organ issued the page.
_ORGAN = re.compile(r"[\u4e00-\u9fff]{2,30}(?:局|委|委员会|厅|部|署|办公室|办|人民政府|政府|院|中心)")
_NUMBER_SUFFIX = re.compile(r"\s*[(（][^()（）]*[〔［\[]\d{4}[〕］\]]\d+号[)）]\s*$|\s+[\u4e00-\u9fff]{1,12}[〔［\[]\d{4}[〕］\]]\d+号$")
_FILE_TYPE = re.compile(r"^\s*[\[【](?:PDF|pdf|DOCX?|docx?|WPS|wps|OFD|ofd)[\]】]\s*")  # a search result's 「[PDF] 」


def without_capture_header(raw: str) -> str:
    """The raw text without a capture tool's YAML header, whose dates are the capture's, not the document's."""
    from index.ingest.web_furniture import strip_front_matter

    return strip_front_matter(raw)


def clean_title(title: str) -> str:
    """A headline without the site name, 文号 or file-type tag a web page or search result adds to it."""
    title = _FILE_TYPE.sub("", title)
    if m := _BRACKETED.match(title):
        title = m.group(1)
    if m := _SITE_SUFFIX.match(title):
        title = m.group(1)
    return _NUMBER_SUFFIX.sub("", _SITE_NAME_TAIL.sub("", title)).strip()


def front_matter_title(raw: str) -> str:
    """The page title a capture's or static site's YAML header gives, cleaned like a headline."""
    from index.ingest.web_furniture import front_matter_title as title_of

    return clean_title(title_of(raw))


def fields(lines: list[str]) -> dict[str, str]:
    """Label → value of a metadata table over the document (value on the label's line or the
    next one; an empty field stays empty)."""
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        if not (m := _LABEL.match(line.strip())):
            continue
        label, value = re.sub(r"\s", "", m.group(1)), m.group(2).strip(" |｜")
        following = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not value and following and not _LABEL.match(following):
            value = following
        found.setdefault(label, value)
    return found


def field_value(table: dict[str, str], labels: set[str]) -> str:
    return next((table[label] for label in table if label in labels and table[label]), "")


def field_date(table: dict[str, str]) -> str:
    m = FULL_DATE.search(field_value(table, _DATE_LABELS))
    return (iso_date(*m.groups()[:3]) or "") if m else ""


def doc_number(lines: list[str], title: str = "") -> str:
    """The 文号: a 「文号：」 field, a line under the title that is only a 文号, or one in the
    title's parentheses. Numbers cited in the body (other documents') are never taken."""
    if number := field_value(fields(lines), _NUMBER_LABELS):
        return _normal_number(number)
    for line in lines:
        if (m := _NUMBER.search(line)) and (len(line) <= len(m.group(0)) + 4 or _NUMBER_SUFFIX.search(line)):
            return _normal_number(m.group(0))  # a 文号 line, or a headline ending in its 文号
    m = _NUMBER.search(title)
    if m and _NUMBER_SUFFIX.search(title):
        return _normal_number(m.group(0))
    return next((re.sub(r"\s", "", line) for line in lines[:15] if _ORDER_NUMBER.match(line.strip())), "")


def _normal_number(text: str) -> str:
    m = _NUMBER.search(text)
    return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号" if m else text.strip()


def version_date(head: str) -> str:
    """For a law: the latest revision (修正/修订) in its title notes, else its adoption."""
    found = [(m.group(4), iso_date(*m.groups()[:3])) for m in _VERSION_NOTE.finditer(head)]
    revised = [iso for verb, iso in found if iso and verb in ("修正", "修订", "修改")]
    return max(revised) if revised else ""


def legislature(head: str) -> str:
    """The legislature whose session adopted or last revised a law (「…常务委员会第十次会议…修正」)."""
    found = [re.sub(r"^.*[届屆]", "", m.group(1)) + m.group(2) for m in _LEGISLATURE.finditer(head)]
    return found[-1] if found else ""


def field_issuer(lines: list[str]) -> str:
    return field_value(fields(lines), _ISSUER_LABELS)


def signature(lines: list[str]) -> tuple[str, str]:
    """(issuer, date) of the first 落款: a date-only line right under one or more organ names."""
    for i, line in enumerate(lines):
        if not DATE_ONLY_LINE.match(line) or not (m := FULL_DATE.search(line)):
            continue
        names = []
        for above in reversed(lines[max(0, i - 6):i]):
            name = re.sub(r"\s+", "", above)
            if signer := _HEAD_SIGNS.match(name):  # a joint order signed by the organs' heads
                name = signer.group(1)
            if not (2 <= len(name) <= 30 and _ORG_END.search(name) and re.fullmatch(r"[\u4e00-\u9fff（）()]+", name)):
                break
            names.insert(0, name)
        if names:
            return " ".join(names), iso_date(*m.groups()[:3]) or ""
    return "", ""


def site_issuer(lines: list[str]) -> str:
    """The organ whose own site carries the page, named in the page's headline; "" if none."""
    for line in lines:
        if (m := _SITE_NAME_TAIL.search(line.strip())) and _ORGAN.fullmatch(m.group("site")):
            return m.group("site")
    return ""


def byline(lines: list[str]) -> str:
    """The author of an article or the speaker of a speech, named under the title."""
    for line in lines:
        if m := _BYLINE.match(line):
            return m.group(1) or m.group(2)
        if m := _SPEECH.match(line):
            return m.group(1)
    return ""


# 「——2026年1月28日在…人民代表大会…会议上」: when and where a report or speech was delivered.
_SUBTITLE = re.compile(r"^[—－-]{1,2}\s*" + _DATE + r"\s*在(.{2,60})上")
# 「重庆市人民政府市长 胡衡华」: the head of a government, named under a report's title.
_GOVERNMENT_HEAD = re.compile(r"^(\S{0,20}?(?:人民政府|国务院|國務院))\S{0,6}?(?:总理|總理|省长|省長|市长|市長|主席|州长|州長|区长|區長|县长|縣長)\s+\S{2,4}$")


def delivery(lines: list[str]) -> tuple[str, str]:
    """(issuer, date) of a government work report delivered to a people's congress: the government
    whose head gives it, and the day it was given (not the day a site published it)."""
    for i, line in enumerate(lines):
        if not ((m := _SUBTITLE.match(line.strip())) and "人民代表大会" in m.group(4)):
            continue
        for below in lines[i + 1 : i + 4]:
            if head := _GOVERNMENT_HEAD.match(below.strip()):
                return head.group(1), iso_date(*m.groups()[:3]) or ""
    return "", ""


_ISSUING_NOTICE = re.compile(r"^.{0,40}?(?:关于|關於)?印发《?(.{4,80}?)》?的通知$")


def attached_title(title: str, lines: list[str]) -> str:
    """The title of the document a 「关于印发《X》的通知」 hands out, when the file holds that
    document too: its title line (perhaps broken over two lines) stands again under the notice.
    "" when the file is the cover notice alone."""
    if not (m := _ISSUING_NOTICE.match(title)):
        return ""
    inner = re.sub(r"\s", "", m.group(1))
    squashed = [re.sub(r"\s", "", line) for line in lines]
    for i, line in enumerate(squashed):
        for candidate in (line, line + (squashed[i + 1] if i + 1 < len(squashed) else "")):
            if candidate.endswith(inner) and len(candidate) <= len(inner) + 4 and not candidate.endswith("的通知"):
                return candidate
        # text extracted from a PDF may glue the title to the paragraph under it
        for prefix in ("关于", "關於", ""):
            if i and line.startswith(prefix + inner) and not line.endswith("的通知"):
                return prefix + inner
    return ""


# 「发布日期：2026-08-26  来源：…」: a page's dateline, dropped from the text as furniture.
_PUBLISHED = re.compile(r"(?:发布日期|发布时间|發布日期|發布時間)\s*[:：]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
PUBLISHED_SCAN_CHARS = 8000


def published_on(raw: str) -> str:
    """The page's publication date, for a document that states no date of its own."""
    m = _PUBLISHED.search(without_capture_header(raw)[:PUBLISHED_SCAN_CHARS])
    return (iso_date(*m.groups()) or "") if m else ""

