"""Repairs for text captured from web pages (HTML, Markdown or text dumps of a page): capture
headers, link lists, footnote markers, lines broken at hyperlinks and the site footer after a
document's end.

Each rule recognises a shape (a YAML header, a list whose items are only links, a run of short
lines after the body that contains site furniture), never a site's or a document's wording.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from qa.core.dates import DATE_ONLY_LINE
from qa.core.text import has_sentence_end

# A capture tool's header: `---` on the first line, `key: value` lines, `---`.
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n((?:[^\n]*\n){1,200}?)---[ \t]*(?:\n|\Z)")
_YAML_KEY = re.compile(r"^(?:[A-Za-z_][\w-]*\s*:|\s+\S|-\s)")
# A Markdown line that is nothing but one link (a menu entry, a related-post item, a linked headline).
_LINK_ONLY = re.compile(r"^\s*(?:[-*+]\s+|#{1,6}\s*|\d+[.)]\s+)?(?:(?:\*\*|__)?!?\[[^\]]*\]\([^)]*\)(?:\*\*|__)?\s*)+$")
# Footnote markers a wiki puts after a word or sentence: [1], [12], [注 3], [a].
_FOOTNOTE = re.compile(r"(?<=[^\s\[(（])\[(?:\d{1,3}|注\s*\d{1,3}|[a-z])\]")
# Punctuation that never opens a paragraph: a line starting with it continues the one before
# (a page capture broke the line at a hyperlink).
_CONTINUES = tuple("，、。；：！？）」』”》,;:!?)")
_FRAGMENT_MAX = 30
_FOOTER_LINE_MAX = 60
# Section titles under which a wiki page keeps references and links, never document text.
_WIKI_TAIL = re.compile(r"^(参考资料|參考資料|参考文献|參考文獻|外部链接|外部連結|脚注|腳註|注释|註釋|参见|參見|延伸阅读|延伸閱讀)$")


def _front_matter(text: str) -> re.Match | None:
    """A leading YAML block of `key: value` lines, if the text opens with one."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return None
    body = [line for line in m.group(1).split("\n") if line.strip()]
    return m if body and sum(1 for line in body if _YAML_KEY.match(line)) >= 0.8 * len(body) else None


def strip_front_matter(text: str) -> str:
    """The text without a leading YAML block of `key: value` lines."""
    m = _front_matter(text)
    return text[m.end():] if m else text


def front_matter_title(text: str) -> str:
    """The `title:` of a leading YAML block (a static site's or a capture tool's page title)."""
    m = _front_matter(text)
    if not m:
        return ""
    found = re.search(r"^title\s*:\s*(.+?)\s*$", m.group(1), re.MULTILINE)
    return found.group(1).strip().strip("\"'").strip() if found else ""


_BROKEN_LINK = re.compile(r"\[[^\[\]\n]{0,40}(?:\\\n[^\[\]\n]{0,40})+\]\(")


def join_broken_links(text: str) -> str:
    """「[长者\\⏎\\⏎模式](…)」: link text a converter broke with hard line breaks, one link again."""
    return _BROKEN_LINK.sub(lambda m: m.group(0).replace("\\\n", ""), text)


def is_link_only(line: str) -> bool:
    """A Markdown line holding only a link: navigation, a related post, a ranking entry."""
    return bool(_LINK_ONLY.match(line))


def drop_footnote_markers(line: str) -> str:
    return _FOOTNOTE.sub("", line)


def join_link_breaks(lines: list[str], is_numbered: Callable[[str], bool]) -> list[str]:
    """Glue lines a capture broke at a hyperlink: a line opening with 「，」「、」「）」… continues
    the one before, and a short link-text line just before such a line continues the line above
    it when that one stops mid-sentence (「…深刻总结了」/「历史决议」/「，…」)."""
    lines = [line for line in lines if line.strip()]
    out: list[str] = []
    for i, line in enumerate(lines):
        text = line.strip()
        following = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if out and text.startswith(_CONTINUES):
            out[-1] = out[-1].rstrip() + text
        elif (out and following.startswith(_CONTINUES) and len(text) <= _FRAGMENT_MAX and not is_numbered(text)
              and not has_sentence_end(text) and _mid_sentence(out[-1]) and not is_numbered(out[-1].strip())):
            out[-1] = out[-1].rstrip() + text
        else:
            out.append(line)
    return out


def _mid_sentence(line: str) -> bool:
    text = line.strip()
    return len(text) >= 6 and not text.endswith(tuple("。！？；：!?;:）)”」』》…"))


_FONT_LABEL = re.compile(r"^【?\s*(字体|字體|字号|字號)\s*[:：]")
_FONT_CHOICE = re.compile(r"^(Aa|[大中小]|[|｜])$")


def drop_font_controls(lines: list[str]) -> list[str]:
    """A page's font-size switch split one control per line (「字体：」「小」「|」「中」「|」「大」):
    the single-character lines right after the label go with it. Elsewhere a lone 「大」 may be a
    table cell, so it is kept."""
    out: list[str] = []
    in_control = False
    for line in lines:
        text = line.strip()
        if _FONT_LABEL.match(text):
            in_control = True
            while out and _FONT_CHOICE.match(out[-1].strip()):
                out.pop()  # 「Aa」 before the label
        elif in_control and (not text or _FONT_CHOICE.match(text)):
            continue
        else:
            in_control = False
        out.append(line)
    return out


def drop_decorated_repeats(lines: list[str]) -> list[str]:
    """A page title (「headline_site name」「【headline】-site」) right above the headline it
    decorates says nothing more: the plain headline stays."""
    from index.ingest.meta_text import clean_title

    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    drop = {i for i, j in zip(nonblank, nonblank[1:])
            if lines[i].strip() != lines[j].strip() and clean_title(lines[i].strip()) == lines[j].strip()}
    return [line for i, line in enumerate(lines) if i not in drop]


def drop_wiki_tail(lines: list[str]) -> list[str]:
    """Cut a wiki page's reference / external-link sections: a line that is only such a section
    title, in the last third of the text, ends the document."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    for i in nonblank[int(len(nonblank) * 2 / 3):]:
        if _WIKI_TAIL.match(lines[i].strip()):
            return lines[:i]
    return lines


def drop_footer_block(lines: list[str], is_chrome: Callable[[str], bool]) -> tuple[list[str], int]:
    """Remove the site footer after the document: the run of short non-sentence lines at the
    end (menu entries, addresses, related headlines, consultation notes) when it holds site
    furniture. It stops at the last sentence or the signature's date, which stay, and it is
    only ever the text's second half: a short document of short lines keeps everything."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    cut, chrome = None, False
    for i in reversed(nonblank):
        text = lines[i].strip()
        if is_chrome(text):
            chrome = True
        elif _ends_body(text):
            cut = i + 1 if chrome else None  # a sentence or the signature's date: the document's own end
            break
    if cut is None or not nonblank or cut <= nonblank[len(nonblank) // 2]:
        return lines, 0
    return lines[:cut], sum(1 for line in lines[cut:] if line.strip())


def _ends_body(text: str) -> bool:
    return (len(text) > _FOOTER_LINE_MAX or text.rstrip(")）”」』").endswith(("。", "！", "？"))
            or (len(text) >= 12 and text.endswith(("：", ":"))) or bool(DATE_ONLY_LINE.match(text)))
