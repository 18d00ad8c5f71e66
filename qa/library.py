"""Adding a document from the UI: check it, parse it for a preview, then index it beside the corpus.

Uploads live in POLICYQA_HOME/uploads (never in the corpus folder), described by a manifest.json
in the corpus manifest's format, so the title, issuer and date the user confirmed survive
rebuilds. Adding one rebuilds the index over the corpus and the uploads; the build is
incremental, so only the new document's clauses are embedded.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from qa.core.errors import BadQuestion, UnreadableFile
from qa.core.types import DocumentMeta, ParsedDocument
from qa.settings import Settings

UPLOAD_TYPES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
_SAFE_STEM = re.compile(r"[^A-Za-z0-9_-]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class StagedUpload:
    """An uploaded file, copied and parsed, waiting for the user to confirm it."""

    filename: str  # as the user named it
    path: str  # the staged copy; its stem becomes the document id
    parsed: ParsedDocument | None = None
    error: str = ""  # why it cannot be added ("" when it can)


def uploads_dir(settings: Settings) -> Path:
    return settings.home / "uploads"


def staging_dir(settings: Settings) -> Path:
    """Outside the uploads folder: a file waiting for confirmation must not be indexed."""
    return settings.home / "upload-staging"


def check_upload(path: Path, max_mb: int) -> None:
    """Raises UnreadableFile naming the file when its type or size is not accepted."""
    if path.suffix.lower() not in UPLOAD_TYPES:
        raise UnreadableFile(f"不支持的文件类型“{path.suffix or '无扩展名'}”：{path.name}。",
                             hint=f"支持 {' '.join(UPLOAD_TYPES)}。")
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise UnreadableFile(f"{path.name} 有 {size / 1024 / 1024:.1f} MB，超过上限 {max_mb} MB。",
                             hint="请拆分文件，或调高 POLICYQA_MAX_UPLOAD_MB。")
    if size == 0:
        raise UnreadableFile(f"{path.name} 是空文件。")


def document_id(filename: str, content: bytes, taken: set[str]) -> str:
    """An id the index accepts and no other document has: the ASCII part of the file name,
    or a content hash for names that have none (most Chinese file names)."""
    stem = _SAFE_STEM.sub("-", Path(filename).stem).strip("-").lower()
    base = f"upload-{stem}" if len(stem) >= 3 else f"upload-{hashlib.sha256(content).hexdigest()[:10]}"
    doc_id, n = base, 2
    while doc_id in taken:
        doc_id, n = f"{base}-{n}", n + 1
    return doc_id


def preview_upload(settings: Settings, source: Path, known_ids: set[str]) -> StagedUpload:
    """Copy the file to a staging folder and parse it; never raises for a bad file, the
    returned StagedUpload carries the reason instead."""
    from index.ingest.corpus import parse_file

    source = Path(source)
    try:
        check_upload(source, settings.max_upload_mb)
        content = source.read_bytes()
        staging = staging_dir(settings)
        staging.mkdir(parents=True, exist_ok=True)
        staged = staging / (document_id(source.name, content, known_ids | _uploaded_ids(settings)) + source.suffix.lower())
        staged.write_bytes(content)
        parsed = parse_file(staged, chunk_tokens=settings.chunk_tokens)
    except UnreadableFile as exc:
        return StagedUpload(filename=source.name, path="", error=exc.user_text())
    if not parsed.clauses:
        return StagedUpload(filename=source.name, path=str(staged), error="没有解析出任何条款（文件中没有可检索的正文）。")
    return StagedUpload(filename=source.name, path=str(staged), parsed=parsed)


def _manifest_path(settings: Settings) -> Path:
    return uploads_dir(settings) / "manifest.json"


def _read_manifest(settings: Settings) -> dict:
    path = _manifest_path(settings)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"documents": []}


def _uploaded_ids(settings: Settings) -> set[str]:
    return {Path(entry["file"]).stem for entry in _read_manifest(settings)["documents"]}


def confirmed_meta(staged: StagedUpload, title: str, issuer: str, date: str) -> DocumentMeta:
    """The parsed metadata with what the user typed in the preview form."""
    date = (date or "").strip()
    if date and not _DATE.fullmatch(date):
        raise BadQuestion(f"日期“{date}”格式不对。", hint="请写成 2024-01-31，或留空。")
    meta = staged.parsed.document.meta
    title = (title or "").strip() or meta.title
    return replace(meta, title=title, short_title=title if title != meta.title else meta.short_title,
                   issuer=(issuer or "").strip() or meta.issuer, date=date or meta.date, source=staged.filename)


def add_upload(service, staged: StagedUpload, title: str = "", issuer: str = "", date: str = "",
               progress=None) -> DocumentMeta:
    """Move a staged upload into the uploads folder, record its metadata and rebuild the index."""
    if staged is None or staged.parsed is None:
        raise BadQuestion("没有可加入的文件。", hint=(staged.error if staged else "请先选择文件。"))
    settings = service.settings
    meta = confirmed_meta(staged, title, issuer, date)
    folder = uploads_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(staged.path).name
    shutil.move(staged.path, target)
    manifest = _read_manifest(settings)
    manifest["documents"] = [e for e in manifest["documents"] if e["file"] != target.name] + [{
        "file": target.name, "title": meta.title, "short_title": meta.short_title, "issuer": meta.issuer,
        "date": meta.date, "kind": "upload", "source": meta.source,
    }]
    _manifest_path(settings).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    service.build_index(progress=progress)
    return next(m for m in service.documents() if m.doc_id == target.stem)
