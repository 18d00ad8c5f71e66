"""Files → decoded text. One entry point, load_file, for every format the corpus accepts.

Text files carry no reliable label for their encoding, and Chinese ones come as UTF-8, UTF-16,
GB18030/GBK or Big5. Strict decodes settle most files; the one real ambiguity is that almost any
Big5 byte string is also valid GB18030, so candidates that decode are scored by how much of their
text is common Chinese, and charset-normalizer only breaks near-ties.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from qa.core.errors import FileTooLarge, UnreadableFile
from qa.core.types import FileFormat, LoadedFile

FORMATS = {".txt": FileFormat.TXT, ".text": FileFormat.TXT, ".md": FileFormat.MD, ".markdown": FileFormat.MD, ".html": FileFormat.HTML,
           ".htm": FileFormat.HTML, ".pdf": FileFormat.PDF, ".docx": FileFormat.DOCX}
# A 50 MB text file took the build past five minutes; above this a file is refused unread.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_SUPPORTED_HINT = "Supported: " + " ".join(sorted(FORMATS)) + "."
_CANDIDATES = ("gb18030", "big5")
_TIE = 0.02  # score difference under which two decodings are a toss-up
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_-]+)", re.IGNORECASE)


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedFile:
    """The text of `path`; raises UnreadableFile naming the file and the reason."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableFile(f"{path.name}: unsupported format {path.suffix.lower() or '(no suffix)'}",
                             hint=_SUPPORTED_HINT)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFile(f"{path.name}: cannot read ({exc.strerror})", hint=f"Check that {path} exists.") from exc
    if size > max_bytes:
        raise FileTooLarge(f"{path.name}: file too large ({size / 1e6:.1f} MB, limit {max_bytes / 1e6:.0f} MB)",
                           hint="Split the document into parts under the limit, or raise the build's size limit.")
    if size == 0:
        raise UnreadableFile(f"{path.name}: empty file")
    readers = {FileFormat.TXT: _read_text, FileFormat.MD: _read_text, FileFormat.HTML: _read_html,
               FileFormat.PDF: _read_pdf, FileFormat.DOCX: _read_docx}
    text, encoding, *declared = readers[fmt](path)  # a web page also gives the date its head declares
    published = declared[0] if declared else ""
    if not text.strip():
        raise UnreadableFile(f"{path.name}: empty file (no text, only whitespace or markup)")
    # Layout-aware PDF reading and DOCX give whole paragraphs: no line may be glued to another.
    return LoadedFile(path=str(path), format=fmt, encoding=encoding, text=text,
                      paragraphs=fmt in (FileFormat.PDF, FileFormat.DOCX), published=published)


# --- text encodings ----------------------------------------------------------------------------


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding) for the bytes of a text file called `name`."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8-sig", name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", name), "utf-16"
    if b"\x00" in data:
        endian = _utf16_without_bom(data)
        if endian is None:
            raise UnreadableFile(f"{name}: binary content (NUL bytes, not UTF-16 text)")
        return _strict(data, endian, name), endian
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _text_or_binary(text, name), "utf-8"
    decoded = {}
    for encoding in _CANDIDATES:
        try:
            decoded[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if not decoded:
        if _mostly_undecodable(data):
            raise UnreadableFile(f"{name}: binary content (mostly undecodable bytes)")
        raise UnreadableFile(f"{name}: cannot decode as UTF-8, GB18030, Big5 or UTF-16",
                             hint="Save the file as UTF-8 and add it again.")
    encoding = _best_decoding(data, decoded)
    return _text_or_binary(decoded[encoding], name), encoding


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return _text_or_binary(data.decode(encoding), name)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{name}: cannot decode as {encoding} (bad bytes at offset {exc.start})",
                             hint="Save the file as UTF-8 and add it again.") from exc


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the bytes read as plausible text in one byte order (ASCII
    characters put NUL bytes on one parity, but so does 一 U+4E00 on the other); None for binary."""
    if len(data) % 2:
        return None
    scores = {}
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            scores[encoding] = plausibility(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    best = max(scores, key=scores.get, default=None)
    return best if best and scores[best] >= 0.8 else None


def _text_or_binary(text: str, name: str) -> str:
    if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise UnreadableFile(f"{name}: binary content (control characters)")
    return text


def _mostly_undecodable(data: bytes) -> bool:
    sample = data[:65536]
    text = sample.decode("gb18030", errors="replace")
    return text.count("\ufffd") > len(text) * 0.1 or len(_CONTROL.findall(text)) > len(text) * 0.1


@lru_cache(maxsize=65536)
def _is_common(ch: str) -> bool:
    """A character in the frequently used tier of GB2312 (level 1) or of Big5 (常用字)."""
    if ch < "\u4e00" or ch > "\u9fff":
        return False
    try:
        if 0xB0 <= ch.encode("gb2312")[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        return 0xA440 <= int.from_bytes(ch.encode("big5"), "big") <= 0xC67E
    except UnicodeEncodeError:
        return False


def plausibility(text: str) -> float:
    """Share of the visible characters that are ASCII, CJK punctuation or common hanzi. A Big5 file
    read as GB18030 (or the reverse) turns into rare characters and scores far lower."""
    visible = [ch for ch in text[:20000] if not ch.isspace()]
    if not visible:
        return 0.0
    good = sum(1 for ch in visible if ch.isascii() or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
               or ch in "“”‘’—…·" or _is_common(ch))
    return good / len(visible)


def _best_decoding(data: bytes, decoded: dict[str, str]) -> str:
    scores = {encoding: plausibility(text) for encoding, text in decoded.items()}
    ranked = sorted(scores, key=scores.get, reverse=True)
    if len(ranked) > 1 and scores[ranked[0]] - scores[ranked[1]] < _TIE:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        guess = (best.encoding if best else "").replace("_", "").replace("-", "").lower()
        for encoding in ranked:
            if encoding.replace("-", "") == guess or (encoding == "gb18030" and guess in ("gbk", "gb2312")):
                return encoding
    return ranked[0]


def _read_text(path: Path) -> tuple[str, str]:
    text, encoding = decode_bytes(path.read_bytes(), path.name)
    return exported_record(text), encoding


_CSV_HEADER = re.compile(r"\A\ufeff?[A-Za-z_][\w ]*(?:,[A-Za-z_][\w ]*)+\r?\n")
_RECORD_TITLE = ("title", "name", "headline")
_MIN_BODY_CHARS = 500


def exported_record(text: str) -> str:
    """A data export of one document (a CSV header of field names, then one record whose longest
    field is the document, as scrapers save pages): that field, under the record's title when the
    text does not open with it. Any other text is returned as it is."""
    import csv
    import io

    if not _CSV_HEADER.match(text):
        return text
    try:
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error:
        return text
    if len(rows) != 1 or None in rows[0]:  # None: a record with more fields than the header
        return text
    record = {str(k).strip().lower(): (v or "") for k, v in rows[0].items()}
    body = max(record.values(), key=len)
    if len(body) < _MIN_BODY_CHARS:
        return text
    title = next((record[k].strip() for k in _RECORD_TITLE if record.get(k, "").strip()), "")
    return f"{title}\n{body}" if title and title not in body[:200] else body


# --- html, pdf, docx ---------------------------------------------------------------------------


def _read_html(path: Path) -> tuple[str, str, str]:
    """The page's main text, its encoding and the publication date its head declares."""
    from index.ingest.html_main import main_text, published_date

    data = path.read_bytes()
    declared = _META_CHARSET.search(data[:4096])
    html, encoding = None, ""
    if declared:
        try:
            encoding = declared.group(1).decode("ascii").lower()
            html = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            html = None
    if html is None:
        html, encoding = decode_bytes(data, path.name)
    return main_text(html), encoding, published_date(html)


def _read_pdf(path: Path) -> tuple[str, str]:
    """Paragraphs read with the page layout, pages separated by form feeds (index/ingest/pdf_layout.py)."""
    from index.ingest.pdf_layout import read_pdf

    return read_pdf(path), ""


def _read_docx(path: Path) -> tuple[str, str]:
    """Body paragraphs and table cells in document order, one per line (a merged cell once)."""
    import zipfile

    from docx import Document as open_docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = open_docx(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise UnreadableFile(f"{path.name}: not a valid .docx file ({exc})",
                             hint="Old .doc files must be saved as .docx first.") from exc
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            seen = set()
            for row in Table(child, document).rows:
                for cell in row.cells:
                    if cell._tc not in seen:  # a merged cell repeats in every row/column it spans
                        seen.add(cell._tc)
                        lines.extend(paragraph.text for paragraph in cell.paragraphs)
    return "\n".join(lines), ""
