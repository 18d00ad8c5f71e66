"""Document metadata: from the corpus folder's manifest.json when it lists the file, otherwise
inferred from the text (title block, adoption line, header dates, issuer lines).

manifest.json is written by people (and by the app's upload form), so it is validated at the
edge: a malformed manifest is refused with the file, the entry and the field named.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path, PurePath

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from qa.core.errors import UnreadableFile
from index.ingest import meta_text
from index.ingest.numbering import match_numbering
from qa.core.dates import FULL_DATE, is_iso_date, iso_date
from qa.core.text import detect_script, has_sentence_end
from qa.core.types import CleanText, DocumentMeta

MANIFEST = "manifest.json"
_ASCII_ID = re.compile(r"[A-Za-z0-9._-]+")
_SLUG_CHARS = 48  # of pinyin, before the hash: a title's first dozen characters or so
_ADOPTION = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[^()（）\n]{0,60}(通过|通過|批准|印发|印發|发布|發布)")
_ORG = r"(?:人民政府|委员会|委員會|管委会|管委會|管理委员会|办公厅|辦公廳|办公室|辦公室|政府|省委|市委|区委|區委|县委|縣委|局|厅|廳)"
_ISSUER_BEFORE_ABOUT = re.compile(rf"^([^\s关關]{{2,30}}?{_ORG}(?:\s[^\s关關]{{2,30}}?{_ORG})*)(?:关于|關於)")
_ISSUER_LINE = re.compile(rf"^[\u4e00-\u9fff（）()]{{2,30}}{_ORG}$")
_TITLE_WORDS = re.compile(r"(决定|決定|规划|規劃|方案|意见|意見|通知|办法|辦法|条例|條例|计划|計劃|纲要|綱要|规定|規定|细则|細則|"
                          r"公告|通告|报告|報告|指引|措施|征求意见稿|徵求意見稿)")


_MENU = re.compile(r"\s[|｜/>»]\s|[|｜]|>>|»|^\S{1,4}$")  # menu strips, breadcrumbs, single menu words


class ManifestEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    file: str
    title: str
    short_title: str = ""
    issuer: str = ""
    date: str = ""
    kind: str = ""
    script: str = ""
    source: str = ""

    @field_validator("file")
    @classmethod
    def _plain_file_name(cls, value: str) -> str:
        if not value or PurePath(value).name != value or value in (".", ".."):
            raise ValueError("must be a file name inside the corpus folder (no folders, no '..')")
        return value

    @field_validator("title")
    @classmethod
    def _non_empty(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("date")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        if value and not is_iso_date(value):
            raise ValueError("must be an ISO date like 2020-07-15, or empty")
        return value

    @field_validator("script")
    @classmethod
    def _known_script(cls, value: str) -> str:
        if value not in ("", "simplified", "traditional"):
            raise ValueError("must be 'simplified', 'traditional' or empty")
        return value


class CorpusManifest(BaseModel):
    model_config = ConfigDict(extra="allow")

    documents: list[ManifestEntry]


def read_manifest(folder: Path) -> dict[str, DocumentMeta]:
    """File name → metadata for every document manifest.json lists; {} when there is none."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableFile(f"{path} is not valid JSON ({exc})", hint="Fix the file or remove it.") from exc
    try:
        manifest = CorpusManifest.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{_where(error['loc'], raw)}: {error['msg']}" for error in exc.errors())
        raise UnreadableFile(f"{path} is malformed: {problems}",
                             hint='Expected {"documents": [{"file": …, "title": …, "issuer": …, "date": "yyyy-mm-dd"}, …]}.') from exc
    metas: dict[str, DocumentMeta] = {}
    for entry in manifest.documents:
        if entry.file in metas:
            raise UnreadableFile(f"{path} lists {entry.file} twice.", hint="Keep one entry per file.")
        metas[entry.file] = DocumentMeta(
            doc_id=doc_id_for(Path(entry.file).stem), title=entry.title, short_title=entry.short_title or entry.title,
            issuer=entry.issuer, date=entry.date, kind=entry.kind, script=entry.script, source=entry.source,
        )
    return metas


def _where(loc: tuple, raw) -> str:
    """「documents[2] (plan.txt).date」: the field path, with the entry's file name when it has one."""
    text = ""
    for i, part in enumerate(loc):
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        if isinstance(part, int) and i == 1 and isinstance(raw, dict):
            try:
                text += f" ({raw['documents'][part]['file']})"
            except (KeyError, IndexError, TypeError):
                pass
    return text


def doc_id_for(stem: str) -> str:
    """The document id: an ASCII stem as it is; otherwise the stem spelled in pinyin (a person can
    read 「低空经济行动计划」 as di-kong-jing-ji-…, not as doc-ab2877f9ef), cut to a URL-friendly
    length, plus a short hash of the whole stem: safe in clause ids and URLs, stable across runs,
    and distinct for two names that spell alike."""
    if _ASCII_ID.fullmatch(stem):
        return stem
    from pypinyin import lazy_pinyin

    from qa.core.tokenize import words

    # One hyphen per word, not per syllable: dikong-jingji-xingdong-jihua.
    spelled = "-".join("".join(lazy_pinyin(word, errors=lambda chars: re.sub(r"[^A-Za-z0-9]+", "-", chars)))
                       for word in words(stem))
    slug = re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9]+", "-", spelled)).strip("-").lower()
    if len(slug) > _SLUG_CHARS:  # cut at a word boundary
        slug = slug[:_SLUG_CHARS + 1].rsplit("-", 1)[0]
    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:6]
    return f"{slug}-{digest}" if slug else f"doc-{digest}"


def infer_meta(path: Path, raw_text: str, clean: CleanText, published: str = "") -> DocumentMeta:
    """Metadata from the text itself, for a file the manifest does not list. Issuer by where
    documents state it, most formal first: a 发文机关 field, the signature (落款), the organ
    opening a 「…关于…」 title, the legislature of a law's notes, a byline; the date of the
    current version: a law's latest revision, the signature's date, then the publication date a
    web page declares (`published`), then header dates."""
    path = Path(path)
    all_lines = clean.text.split("\n")
    lines = all_lines[:12]
    header = [line.strip() for line in meta_text.without_capture_header(raw_text).splitlines() if line.strip()][:15]
    raw_title = _title(lines)
    # A page without a headline in its text (a static site puts it in the YAML header) is named by its header.
    title = meta_text.clean_title(raw_title) or meta_text.front_matter_title(raw_text) or path.stem
    title = meta_text.attached_title(title, all_lines[:80]) or title
    head = clean.text[:3000]
    signed_by, signed_on = meta_text.signature(all_lines)
    table = meta_text.fields(all_lines[:60])
    reported_by, reported_on = meta_text.delivery(all_lines[:15])
    issuer = (meta_text.field_issuer(all_lines[:60]) or signed_by or _issuer_in_title(title) or reported_by
              or meta_text.legislature(head) or meta_text.byline(all_lines[:15]) or _issuer(title, lines, header)
              or meta_text.site_issuer(all_lines[:3]))
    date = (meta_text.version_date(head) or signed_on or reported_on or meta_text.field_date(table)
            or published or _date(clean.text, header) or meta_text.published_on(raw_text))
    return DocumentMeta(
        doc_id=doc_id_for(path.stem), title=title, short_title=title, issuer=issuer, date=date,
        script=detect_script(clean.text), source=path.name,
        doc_number=meta_text.doc_number(all_lines[:60], raw_title),
    )


def _issuer_in_title(title: str) -> str:
    m = _ISSUER_BEFORE_ABOUT.match(title)
    return m.group(1) if m else ""


def _title_like(line: str) -> bool:
    number = match_numbering(line)
    return (4 <= len(line) <= 80 and not has_sentence_end(line) and not (number and number.style != "dash")
            and not FULL_DATE.match(line) and not line.startswith(("(", "（")) and ":" not in line and "：" not in line)


def _title(lines: list[str]) -> str:
    """The title block: the first title-like line naming a document type (else the first
    title-like line), with a title-like line just above it that it completes
    (「…双城经济圈建设」+「“十项行动”实施方案」) and a short bracketed suffix below (「(征求意见稿)」)."""
    lines = [meta_text.clean_title(line) for line in lines]  # a page headline's site name and 文号 out
    candidates = [i for i, line in enumerate(lines) if _title_like(line) and not _MENU.search(line)]
    if not candidates:
        return ""
    # A document type near the end names a document (「…的通知」「…办法（试行）」); a site menu's
    # 「通知公告」 is too short and a menu strip has separators.
    named = [i for i in candidates if len(lines[i]) >= 6 and _TITLE_WORDS.search(lines[i][-14:])
             and not _ISSUER_LINE.match(lines[i])]
    start = named[0] if named else candidates[0]
    title = lines[start]
    if (start - 1 in candidates and len(lines[start - 1]) >= 8 and not _TITLE_WORDS.search(lines[start - 1][-4:])
            and not _ISSUER_LINE.match(lines[start - 1])):
        title = lines[start - 1] + title
    following = lines[start + 1] if start + 1 < len(lines) else ""
    if following[:1] in "(（" and following[-1:] in ")）" and len(following) <= 12:
        title += following
    return title


def _date(text: str, header: list[str]) -> str:
    """The adoption date (「2020年7月15日…通过」), else a header line opening with a date (a
    dateline, a signature date), else the first date in the header lines."""
    candidates = [_ADOPTION.search(text[:3000]), *(FULL_DATE.match(line) for line in header),
                  *(FULL_DATE.search(line) for line in header)]
    found = (iso_date(*match.groups()[:3]) for match in candidates if match)
    return next((iso for iso in found if iso), "")


def _issuer(title: str, lines: list[str], header: list[str]) -> str:
    """Who issued it: the organ opening a 「…关于…」 title, else a line that is only an organ's name
    (a signature or a dateline's publisher)."""
    if m := _ISSUER_BEFORE_ABOUT.match(title):
        return m.group(1)
    for line in [*lines, *header]:
        name = FULL_DATE.sub("", line).strip(" :：0123456789")  # a dateline's publisher follows its timestamp
        if _ISSUER_LINE.match(name):
            return name
    return ""
