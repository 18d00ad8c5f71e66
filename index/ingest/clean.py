"""Decoded text → cleaned text: one paragraph per line, web chrome and PDF artefacts removed.

Output contract (the clause parser relies on it): paragraphs separated by "\n", no blank lines,
every line stripped, original script and punctuation kept. The title block (title, adoption
line) stays on top; headings that were lines stay lines.

Chrome is recognised by general rules (what a breadcrumb, a share prompt, an editor line, a
licence footer look like), never by site names, and a rule only fires on a short line that is
not a sentence, so body text mentioning 版权 or 地址 survives.
"""
from __future__ import annotations

import html
import re

from index.ingest import pdf_text as clean_pdf
from index.ingest import web_furniture as web
from index.ingest.numbering import BARE_NUMBER_LABEL, match_numbering
from index.ingest.pdf_text import PAGE_BREAK
from qa.core.dates import TIMESTAMP_AT_START
from qa.core.text import has_sentence_end
from qa.core.types import CleanText, FileFormat

_CHROME_MAX_CHARS = 160
_CHROME = re.compile(
    "|".join(
        [
            # breadcrumbs and navigation
            r"^(您的位置|您现在的位置|當前位置|当前位置|所在位置|您的位置)\s*[:：]",
            r"^[^。！？]{1,30}(>>|»|＞＞|\s>\s)",
            r"^([^|｜。，]{1,12}\s*[|｜]\s*){3,}",  # a menu strip: 「关于我们 | 招聘 | 广告服务 | …」
            r"^(首页|首頁|网站首页|網站首頁)[^。，,！？]{0,20}$",
            # share prompts and follow-us lines
            r"扫一扫|掃一掃|扫描二维码|掃描二維碼|分享到|官方微信|官方微博|关注我们|關注我們|微信公众号|微信公眾號",
            # editor, source and original-title lines
            r"^[(（]?\s*(责任编辑|責任編輯|责编|責編|编辑|編輯|审核|審核|校对|校對|来源|來源|作者|记者|記者|摄影|攝影)\s*[:：]",
            r"^原[标標][题題]\s*[:：]",
            r"^(转自|轉自|转载自|轉載自)",
            r"(来源|來源|发布时间|發布時間|发布日期|發布日期)\s*[:：]\S{0,30}$",
            # publication timestamp lines
            TIMESTAMP_AT_START.pattern,
            # footers: registration, copyright, licences, organisers
            r"ICP|版权所有|版權所有|版权声明|版權聲明|[Cc]opyright|©|公网安备|公網安備|主办单位|主辦單位|承办单位|承辦單位|技术支持[:：]",
            r"(许可证|許可證).{0,20}\d{3,}",  # a licence number
            # contact lines
            r"^(联系电话|聯繫電話|联系方式|聯繫方式|电话|電話|传真|傳真|电子邮箱|電子郵箱|电子邮件|電子郵件|邮箱|郵箱|地\s*址|"
            r"邮编|郵編|咨询热线|諮詢熱線|服务热线|服務熱線|服务时间|服務時間|[Ee]-?mail)\s*[:：]",
            # feeds, counters, page controls, download links
            r"^【?(上一篇|下一篇|上一条|下一条)】?\s*[:：]|^(【[^【】]{1,6}】\s*){2,}$|打印此页|打印本页",
            r"^(相关推荐|相關推薦|相关阅读|相關閱讀|相关新闻|相關新聞|延伸阅读|延伸閱讀|推荐阅读|推薦閱讀|热点推荐|猜你喜欢|"
            r"加载中|加載中|載入中|上一篇|下一篇|返回顶部|返回頂部|打印本页|关闭窗口|【打印】|【关闭】)",
            r"欢迎访问|歡迎訪問|访问量|訪問量|访问次数|訪問次數|访问者|訪問者",
            r"(浏览|瀏覽|阅读|閱讀|点击|點擊)(次数|次數)\s*[:：]\s*\d+|^[\u4e00-\u9fff]{0,8}(APP|App|客户端|客戶端)$",
            r"^(附件下载|附件下載|点击下载|點擊下載|下载附件|下載附件)",
            r"^(点击|點擊)(查看|打开|打開)?.{0,8}(下载|下載)$",
            # an accessibility toolbar: keyboard shortcuts and its screen-reader switch
            r"^(ALT|Alt|alt|CTRL|Ctrl|ctrl)\s*\+\s*(Shift|SHIFT|shift)?\s*\+?\s*\w{1,3}$|^(读屏专用|讀屏專用)$",
            # opening hours under a contact block: 周六至周日 9:00-18:00
            r"^(周|星期)[一二三四五六日天](至|到|-|—|~)(周|星期)?[一二三四五六日天]\s*\d{1,2}[:：]\d{2}",
            # site menus and footers: entries that are only a menu word
            r"举报电话|舉報電話|举报邮箱|舉報郵箱|服务邮箱|服務郵箱|^(客户端|客戶端|APP|App)\s*(下载|下載)$|^_?分享让更多人看到",
            r"^(网站地图|網站地圖|联系我们|聯繫我們|设为首页|設為首頁|加入收藏|工作邮箱|無障礙|无障碍|排行榜|点击排行|热门排行|熱門排行|"
            r"热门文章|熱門文章|网站声明|網站聲明|隐私政策|隱私政策|免责声明|免責聲明)$",
            r"^(相关|相關)(政策|链接|鏈接|文件|文章|专题|專題|稿件|解读|解讀|报道|報道)",
            r"^(通信地址|通讯地址|通訊地址|邮政编码|郵政編碼|网站标识码|網站標識碼)\s*[:：]",
            # page controls: font size, print and close buttons, share widgets
            r"^【?\s*(字体|字體|字号|字號)\s*[:：]|(字体|字體|字号|字號)\s*[:：]\s*[\[【(（]?\s*[大中小]",
            r"^(Aa|[|｜])$|^([大中小]\s*[|｜]\s*)+[大中小]$",  # 「小 | 中 | 大」; lone 大/中/小 only after 字体 (web_furniture)
            r"^[\[【(（]?\s*(打印|打印正文|打印本页|列印|关闭|关闭窗口|收藏|返回|返回顶部)\s*[\]】)）]?$",
            r"^(微博|微信|QQ|QQ空间|人人网|豆瓣|朋友圈|抖音|\s)+$|分享至朋友圈|分享到朋友圈|打开微信",
            r"浏览器.{0,20}(版本|内核|升级)|(升级|更换).{0,10}浏览器",
            # visit counters: 浏览次数：1234
            r"(浏览|瀏覽|阅读|閱讀|点击|點擊)(次数|次數|量|数|數)\s*[:：]?\s*\d*$",
            r"^[^\s:：]{1,8}\s*[:：]\s*https?://\S+$",  # 「原文: https://…」: a capture's link to its page
            # a leaving-the-site dialog and its buttons, the desktop/mobile switch, a print button
            # with its caption, a related-posts box
            r"(即将|将要|將要|即將)(离开|離開).{0,20}(网站|網站|页面|頁面)|^(继续访问|繼續訪問|取消|确定|確定|温馨提示|溫馨提示|\s)+$",
            r"^(电脑版|電腦版|手机版|手機版|移动版|移動版|PC版)$|^[\[【]\s*(打印|列印)\s*[\]】]",
            r"(可能对|可能對)?以下(文章|内容|內容)感兴趣|你可能感兴趣|您可能感兴趣|猜你喜欢",
            # wiki licence and page-history lines
            r"知识共享|知識共享|Creative Commons|CC BY|GNU自由文档|GNU自由文檔|维基百科®|維基百科®|本页面最后(修订|编辑)于|本頁面最後(修訂|編輯)於",
        ]
    )
)
_DATELINE = re.compile(TIMESTAMP_AT_START.pattern + r"|(来源|來源)\s*[:：]")
_WRAPPER_END = re.compile(r"^(原文如下|全文如下|正文如下|以下为原文|以下為原文|以下是全文|附全文|全文)\s*[:：]?$")
_FIGURE = re.compile(r"^[图圖]\s*\d+(?:[-.．]\d+)?\s+[^。；;：:]{1,40}$")
_CJK_ALNUM = re.compile(r"(?<=[\u3400-\u9fff])[ \t]+(?=[A-Za-z0-9])|(?<=[A-Za-z0-9%])[ \t]+(?=[\u3400-\u9fff])")
_SHARE_PROMPT = re.compile(r"扫一扫|掃一掃|分享至朋友圈|分享到朋友圈|分享到微信")
_SHARE_MAX_CHARS = 30
_SPACED_OUT = re.compile(r"(?:[\u4e00-\u9fff] ){4}")
_SPACES = re.compile(r"[ \t\xa0\u2002-\u200a\u202f]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
HEADER_LINES = 15


def clean_text(text: str, fmt: str, paragraphs: bool = False) -> CleanText:
    """`paragraphs`: the loader already made one paragraph per line (layout-aware PDF, DOCX), so
    no line is glued to another. Repairs for a format run on that format only: PDF line joining
    on PDF text (or plain text showing a PDF text layer's gaps), web repairs on web formats."""
    if fmt in (FileFormat.MD, FileFormat.TXT):
        text = web.strip_front_matter(text)
    if fmt == FileFormat.MD:
        # Markdown may carry HTML (「<p id="t1">&emsp;&emsp;<b>第一条</b>…</p>」 in a static-site
        # capture): entities read as the characters they stand for, tags are dropped line by line.
        text = web.join_broken_links(html.unescape(text))
    lines = _split_lines(text)
    total = sum(1 for line in lines if line.strip() and line != PAGE_BREAK)
    if fmt == FileFormat.MD:
        lines = [out for line in lines if not web.is_link_only(line) for out in strip_markdown(line)]
    lines = _drop_news_wrapper([web.drop_footnote_markers(line) for line in lines])
    lines, toc = clean_pdf.split_toc(lines)
    joined = 0
    extracted = not paragraphs and (fmt == FileFormat.PDF or fmt in (FileFormat.TXT, FileFormat.MD)
                                     and clean_pdf.has_extraction_gaps("\n".join(lines)))
    if extracted:
        # Paragraphs first: a footer wrapped over two lines is only recognisable once whole.
        lines, _ = clean_pdf.drop_page_furniture(lines)
        lines, joined = clean_pdf.join_broken_lines(lines, toc, standalone=_is_furniture)
    lines, _ = web.drop_footer_block(_drop_masthead(web.drop_font_controls(lines)), _is_furniture)
    lines = [line for line in lines if not _is_furniture(line)]
    if fmt in (FileFormat.HTML, FileFormat.MD, FileFormat.TXT) and not extracted:
        lines = web.drop_wiki_tail(web.join_link_breaks(web.drop_decorated_repeats(lines),
                                                        _numbered))
    if extracted or fmt == FileFormat.PDF:
        lines = [clean_pdf.fix_spacing(line) for line in lines]
    cleaned = []
    for line in lines:
        line = _SPACES.sub(" ", line).strip()
        # 「12 違反本法…」: a label and its space (numbering.py), not web spacing around a figure
        keep = label.end() if (label := BARE_NUMBER_LABEL.match(line)) else 0
        line = line[:keep] + _CJK_ALNUM.sub("", line[keep:])
        if line and line != PAGE_BREAK and not clean_pdf.PAGE_MARKER.match(line):
            if not cleaned or cleaned[-1] != line:  # a web capture repeats share blocks and headings
                cleaned.append(line)
    out = "\n".join(cleaned)
    starts = clean_pdf.page_starts(text, out) if PAGE_BREAK in text else ()
    return CleanText(out, tuple(toc), max(0, total - len(cleaned) - joined), starts)


def _numbered(line: str) -> bool:
    number = match_numbering(line)
    return number is not None and number.style not in ("ar.ar", "ar␣")  # 「2.5亿元」「30 个」 may continue a line


def _is_furniture(line: str) -> bool:
    return is_chrome(line) or bool(_FIGURE.match(line.strip()))


def _split_lines(text: str) -> list[str]:
    text = _INVISIBLE.sub("", text).replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    # A page break on a line of its own; blank lines around it say nothing about paragraphs.
    text = re.sub(rf"[ \t]*\n*{PAGE_BREAK}\n*", f"\n{PAGE_BREAK}\n", text)
    return [line if line == PAGE_BREAK else line.rstrip() for line in text.split("\n")]


def is_chrome(line: str) -> bool:
    """Site furniture: a short, non-sentence line matching one of the general chrome shapes."""
    text = line.strip()
    if _SHARE_PROMPT.search(text) and len(text) <= _SHARE_MAX_CHARS:
        return True  # 「使用“扫一扫”即可将网页分享至朋友圈。」 is a sentence, but the widget's
    if not text or len(text) > _CHROME_MAX_CHARS or text.endswith("。"):
        return False
    # 「版 权 所 有」: footers space their characters out
    return bool(_CHROME.search(text)) or bool(_SPACED_OUT.search(text) and _CHROME.search(_SPACES.sub("", text)))


def _drop_news_wrapper(lines: list[str]) -> list[str]:
    """A news page quoting a document (「…原文如下：」): keep only the document. Only a marker in the
    first part of the page counts, with more text after it than before."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    for i in nonblank[:40]:
        if _WRAPPER_END.match(lines[i].strip()):
            before = sum(len(line) for line in lines[:i])
            after = sum(len(line) for line in lines[i + 1 :])
            if after > before:
                return lines[i + 1 :]
    return lines


def _drop_masthead(lines: list[str]) -> list[str]:
    """Above a web article's headline, menu-like lines are the site's masthead. The headline
    is the line over the dateline (publication time or source); it goes too when the document's
    own title line repeats it below the dateline."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()][:HEADER_LINES]
    body = next((i for i in nonblank if len(lines[i].strip()) >= 20 and has_sentence_end(lines[i].strip())), len(lines))
    # A masthead's dateline sits above the body; one below it (moved there by an extractor) heads nothing.
    dateline = next((i for i in nonblank if i < body and _DATELINE.search(lines[i].strip())), None)
    if dateline is None:
        return lines
    above = [i for i in nonblank if i < dateline and not _is_note(lines[i].strip()) and not is_chrome(lines[i])]
    if not above:
        return lines
    headline = above[-1]
    drop = {i for i in nonblank if i < headline and _is_menu_item(lines[i].strip())}
    title = lines[headline].strip()
    below = [lines[i].strip() for i in nonblank if i > dateline]
    if any(len(later) >= 8 and later != title and title.endswith(later) for later in below):
        drop.add(headline)
    return [line for i, line in enumerate(lines) if i not in drop]


def _is_menu_item(text: str) -> bool:
    """A site name, a menu entry or a 「…主办 / …单位」 strip; not the first half of a split title."""
    return not has_sentence_end(text) and (len(text) <= 12 or bool(re.search(r"\s[/|｜]\s", text)))


def _is_note(text: str) -> bool:
    return text.startswith(("(", "（")) and text.endswith((")", "）"))


_MD_RULES = [
    (re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$"), r"\1"),
    (re.compile(r"^\s{0,3}>\s?"), ""),
    (re.compile(r"^\s{0,3}[-*+]\s+(?=\S)"), ""),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[\s*\]\([^)]*\)"), ""),  # a linked image, its image gone: nothing left to read
    (re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])+)\]\([^)]*\)"), r"\1"),  # link text may hold 「[2020]」
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])"), r"\2"),  # 「_发布时间：…_」
]
# 「**17** **．加大…**」: a converter closes and reopens bold around every run, so a label is cut
# from its dot and 「“」 from its words; the space between the runs is the converter's, not the text's.
_MD_SPLIT_BOLD = re.compile(r"(?<=\S)(\*\*|__)[ \t]+\1(?=\S)")
# 「6\.」「\[1\]」: Markdown escapes, which a reader never sees.
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>|<(?:https?|ftp|mailto):[^<>\s]*>")  # and an autolink
# An attribute list closing a line (「## 第一章 总则{align="center"}」, 「{#id .class}」)
_MD_ATTRIBUTES = re.compile(r"\{\s*(?:[#.][\w-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s{}]+))"
                            r"(?:\s+(?:[#.][\w-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s{}]+)))*\s*\}\s*$")
# Markup of Markdown dialects that is never text: a container fence (「::: tip 修订信息」, 「:::」),
# a generated table of contents (「[[toc]]」), a tab switch (「@tab 章节」).
_MD_SKIP = re.compile(r"^\s*(:::|\[\[?toc\]\]?\s*$|@tab\b|```|~~~|<!--.*-->$|([-*_])\s*(\2\s*){2,}$|\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$)")


def _join_bold_runs(m: re.Match) -> str:
    """Two bold runs between ASCII words keep their space (「**GDP** **growth**」)."""
    text = m.string
    if text[m.start() - 1].isascii() and text[m.start() - 1].isalnum() and text[m.end()].isascii() and text[m.end()].isalnum():
        return " "
    return ""


def strip_markdown(line: str) -> list[str]:
    """A Markdown line as plain text lines: markers and link targets out, table cells one per line."""
    if _MD_SKIP.match(line):
        return []
    line = _MD_SPLIT_BOLD.sub(_join_bold_runs, line)
    for pattern, repl in _MD_RULES:
        line = pattern.sub(repl, line)
    line = _MD_ESCAPE.sub(r"\1", line)
    if line.strip().startswith("|") and line.strip().endswith("|"):
        cells = line.strip().strip("|").split("|")
    else:
        cells = [line]
    # a page laid out in a table cell keeps its paragraphs apart with <br>
    parts = (_MD_ATTRIBUTES.sub("", _HTML_TAG.sub("", part)) for cell in cells for part in _BR.split(cell))
    return [part.strip() if len(cells) > 1 or _BR.search(line) else part for part in parts if part.strip()]
