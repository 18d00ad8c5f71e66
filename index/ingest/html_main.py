"""HTML → the page's main text. trafilatura (made for main-content extraction: it scores page
blocks and drops navigation, sidebars, comment and share blocks) does the work; the project's
own block-by-block reading stays as the fallback for pages it cannot read or where it keeps
far less of the Chinese text than the page has (a document laid out in tables, a page whose
body trafilatura mistakes for a list of links).

Measured on the HTML captures of data/realdocs: trafilatura keeps every expected snippet and
drops the related-posts sidebar the block reading kept (see the module's tests).
"""
from __future__ import annotations

import re
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u9fff]")
# Elements whose text is site furniture or code, never document text. (Not <form>: ASP.NET
# pages wrap the whole page in one.)
_HTML_DROP = ("script", "style", "nav", "header", "footer", "noscript", "template", "iframe", "svg")
_HTML_BLOCKS = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                "article", "main", "aside", "table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre",
                "figcaption", "caption", "hr", "title")
_BLOCK_MARK = "\u2029"  # paragraph separator: survives whitespace collapsing, becomes a line break
# trafilatura's text must hold this share of the Chinese characters the whole page body has;
# below it, it has cut document text along with the furniture.
MIN_KEPT = 0.5


def main_text(html: str) -> str:
    """The main content of a page, one block per line."""
    blocks = block_text(html)
    extracted = _trafilatura(html)
    if extracted and len(_CJK.findall(extracted)) >= MIN_KEPT * len(_CJK.findall(blocks)):
        headline = _headline(html)
        # trafilatura may leave the <h1> out; it is the page's headline, and the title comes from it
        return f"{headline}\n{extracted}" if headline and headline not in extracted else extracted
    return blocks


def _headline(html: str) -> str:
    """The page's <h1>; else the title its head declares (ArticleTitle, og:title, <title>, as
    trafilatura reads them), which meta_text.clean_title later rids of a 「-site name」 tail."""
    from bs4 import BeautifulSoup

    h1 = BeautifulSoup(html, "html.parser").find("h1")
    if h1 and (text := re.sub(r"\s+", " ", h1.get_text()).strip()):
        return text
    declared = _declared(html)
    return re.sub(r"\s+", " ", declared.title).strip() if declared and declared.title else ""


def published_date(html: str) -> str:
    """The publication date a page declares (its head's date meta tags, as trafilatura's htmldate
    reads them), ISO; "" when it declares none. The first date in a page's text may be a deadline."""
    declared = _declared(html)
    date = (declared.date or "") if declared else ""
    return date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else ""


@lru_cache(maxsize=1)
def _declared(html: str):
    """trafilatura's reading of the page's head, once per page: the headline and the date both need it."""
    from trafilatura import extract_metadata

    try:
        return extract_metadata(html)
    except (ValueError, TypeError, AttributeError):  # a page its parser cannot take
        return None


def _trafilatura(html: str) -> str:
    import trafilatura

    try:
        text = trafilatura.extract(html, output_format="txt", include_tables=True, include_comments=False,
                                   include_links=False, include_images=False, favor_recall=True, deduplicate=False)
    except (ValueError, TypeError, AttributeError):  # a page its parser cannot take: use the block reading
        return ""
    return "\n".join(line.strip() for line in (text or "").split("\n") if line.strip())


def block_text(html: str) -> str:
    """Every block element's text on its own line, scripts, styles and page chrome elements out."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_HTML_DROP):
        tag.decompose()
    root = soup.body or soup
    for pre in root.find_all("pre"):
        pre.replace_with(pre.get_text().replace("\n", _BLOCK_MARK))
    for tag in root.find_all(_HTML_BLOCKS):
        tag.insert_before(_BLOCK_MARK)
        tag.insert_after(_BLOCK_MARK)
    text = re.sub(r"[ \t\r\n\f\v]+", " ", root.get_text())
    lines = (line.strip() for line in text.split(_BLOCK_MARK))
    return "\n".join(line for line in lines if line)
