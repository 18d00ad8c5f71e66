"""The document library: adding an upload (check, preview, then index it beside the corpus),
deleting a document, re-tagging its title, issuer or date. The files and state live in
POLICYQA_HOME (qa/library_store.py); the corpus folder is never written to.

Every change is one index build under the library lock, told by a BuildPlan exactly what to
include, and recorded (`commit`) only from inside the build lock once the new index is in place:
an add that is refused (IndexBusy) or killed leaves nothing a later build would index unasked.

  - a corpus document that is deleted is hidden (library.json), not removed from the corpus
    folder: restore_document brings it back. An uploaded one is deleted with its file.
  - a re-tag of an upload rewrites its manifest entry; of a corpus document, it is stored as an
    override in library.json. Both survive rebuilds (`policyqa index build` reads the same plan).
"""
from __future__ import annotations

import hashlib
import re
import shutil
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from qa.core.dates import is_iso_date
from qa.core.errors import BadQuestion, IndexBusy, UnreadableFile
from qa.core.types import DocumentMeta, ParsedDocument
# The checks, the upload types and the folders are re-exported: the faces import them from here.
from qa.library_store import (UPLOAD_TYPES, FileTooLarge, UnsupportedFileType, check_upload,  # noqa: F401
                              check_upload_content, check_upload_name, check_upload_size, library_lock, read_state,
                              read_uploads_manifest, staging_dir, unconfirmed_uploads, upload_entries, uploads_dir,
                              write_state, write_uploads_manifest)
from qa.settings import Settings

STAGING_TTL_SECONDS = 3600  # a preview nobody added within an hour is removed at the next preview
_SAFE_STEM = re.compile(r"[^A-Za-z0-9_-]+")
TAG_FIELDS = ("title", "short_title", "issuer", "date")


class UnknownDocument(BadQuestion):
    """No indexed (or, for restore, hidden) document has this id (HTTP 404)."""


@dataclass(frozen=True)
class StagedUpload:
    """An uploaded file, copied and parsed, waiting for the user to confirm it."""

    filename: str  # as the user named it
    path: str  # the staged copy, alone in its own staging folder
    parsed: ParsedDocument | None = None
    error: str = ""  # why it cannot be added ("" when it can)


@dataclass(frozen=True)
class BuildPlan:
    """What one index build includes: the library's state, plus the change being made."""

    extra_dirs: tuple[Path, ...]
    excluded: frozenset[str]
    overrides: Mapping[str, Mapping[str, str]]
    on_built: Callable[[], None] | None = field(default=None, compare=False)

    def as_kwargs(self) -> dict:
        return {"extra_dirs": self.extra_dirs, "excluded": self.excluded, "metadata_overrides": self.overrides,
                **({"on_built": self.on_built} if self.on_built else {})}


def build_plan(settings: Settings, *, include: Collection[str] = (), exclude: Collection[str] = (),
               overrides: Mapping[str, Mapping[str, str]] | None = None,
               on_built: Callable[[], None] | None = None) -> BuildPlan:
    """The library as it stands (hidden corpus documents and unconfirmed uploads left out, re-tags
    applied), changed by `include` (an upload being added, a document restored), `exclude` and
    `overrides`."""
    from index.ingest.meta import doc_id_for

    state = read_state(settings)
    pending = {doc_id_for(p.stem) for p in unconfirmed_uploads(settings)}
    uploads = uploads_dir(settings)
    return BuildPlan(
        extra_dirs=(uploads,) if uploads.is_dir() else (),
        excluded=frozenset((set(state["hidden"]) | pending | set(exclude)) - set(include)),
        overrides={**state["overrides"], **(overrides or {})},
        on_built=on_built,
    )


def document_id(filename: str, content: bytes, taken: set[str]) -> str:
    """An id the index accepts and no other document has: the ASCII part of the file name,
    or a content hash for names that have none (most Chinese file names)."""
    stem = _SAFE_STEM.sub("-", Path(filename).stem).strip("-").lower()
    base = f"upload-{stem}" if len(stem) >= 3 else f"upload-{hashlib.sha256(content).hexdigest()[:10]}"
    doc_id, n = base, 2
    while doc_id in taken:
        doc_id, n = f"{base}-{n}", n + 1
    return doc_id


# --- preview ------------------------------------------------------------------------------------
def preview_upload(settings: Settings, source: Path, known_ids: set[str]) -> StagedUpload:
    """Check a file (type, size, content) before copying it, then stage and parse it; never
    raises for a bad file, the returned StagedUpload carries the reason instead."""
    source = Path(source)
    try:
        check_upload(source, settings.max_upload_mb)
        content = source.read_bytes()
    except (UnreadableFile, OSError) as exc:
        return StagedUpload(filename=source.name, path="", error=_reason(exc))
    return stage_upload(settings, source.name, content, known_ids)


def stage_upload(settings: Settings, filename: str, content: bytes, known_ids: set[str]) -> StagedUpload:
    """Stage checked bytes in a folder of their own (a uuid: two users' files of one name never
    meet) and parse them. The id here is provisional; add_upload settles it under the lock."""
    from index.ingest.corpus import parse_file

    sweep_stale(settings)
    try:
        check_upload_name(filename)
        check_upload_size(filename, len(content), settings.max_upload_mb)
        check_upload_content(filename, content[:8])
    except UnreadableFile as exc:
        return StagedUpload(filename=filename, path="", error=_reason(exc))
    folder = staging_dir(settings) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    taken = set(known_ids) | set(upload_entries(settings))
    staged = folder / (document_id(filename, content, taken) + Path(filename).suffix.lower())
    staged.write_bytes(content)
    try:
        parsed = parse_file(staged, chunk_tokens=settings.chunk_tokens)
    except UnreadableFile as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return StagedUpload(filename=filename, path="", error=_reason(exc))
    if not parsed.clauses:
        shutil.rmtree(folder, ignore_errors=True)
        return StagedUpload(filename=filename, path="", error="没有解析出任何条款（文件中没有可检索的正文）。")
    return StagedUpload(filename=filename, path=str(staged), parsed=parsed)


def _reason(exc: Exception) -> str:
    return exc.user_text() if isinstance(exc, UnreadableFile) else f"无法读取文件（{type(exc).__name__}）。"


def sweep_stale(settings: Settings, ttl: float = STAGING_TTL_SECONDS) -> None:
    """Remove previews older than `ttl`, and uploads left unconfirmed by a killed add (only when
    no add is running, which the lock tells: a running add's file is unconfirmed too)."""
    cutoff = time.time() - ttl
    staging = staging_dir(settings)
    for entry in staging.iterdir() if staging.is_dir() else ():
        if entry.stat().st_mtime < cutoff:
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
    try:
        with library_lock(settings, wait=0):
            for path in unconfirmed_uploads(settings):
                path.unlink(missing_ok=True)
    except IndexBusy:
        pass


# --- changes ------------------------------------------------------------------------------------
def confirmed_meta(staged: StagedUpload, title: str, issuer: str, date: str) -> DocumentMeta:
    """The parsed metadata with what the user typed in the preview form."""
    tags = clean_tags(*((value or "").strip() or None for value in (title, issuer, date)))  # blank: as parsed
    meta = staged.parsed.document.meta
    title = tags.get("title") or meta.title
    return replace(meta, title=title, short_title=title if title != meta.title else meta.short_title,
                   issuer=tags.get("issuer") or meta.issuer, date=tags.get("date") or meta.date,
                   source=staged.filename)


def clean_tags(title: str | None = None, issuer: str | None = None, date: str | None = None) -> dict[str, str]:
    """The fields given (None = unchanged), stripped and checked: a title may not be emptied, a
    date is yyyy-mm-dd (a real day) or "" to clear it."""
    tags: dict[str, str] = {}
    if title is not None:
        if not title.strip():
            raise BadQuestion("标题不能为空。", hint="不改标题就不要传 title。")
        tags["title"] = tags["short_title"] = title.strip()
    if issuer is not None:
        tags["issuer"] = issuer.strip()
    if date is not None:
        date = date.strip()
        if date and not is_iso_date(date):
            raise BadQuestion(f"日期“{date}”格式不对。", hint="请写成 2024-01-31，或留空。")
        tags["date"] = date
    return tags


def add_upload(service, staged: StagedUpload, title: str = "", issuer: str = "", date: str = "",
               progress=None) -> DocumentMeta:
    """Move a staged upload into the uploads folder, index it, and only then record it."""
    if staged is None or staged.parsed is None:
        raise BadQuestion("没有可加入的文件。", hint=(staged.error if staged else "请先选择文件。"))
    settings = service.settings
    source = Path(staged.path)
    if staging_dir(settings).resolve() not in source.resolve().parents:
        raise BadQuestion("没有可加入的文件。", hint="请重新选择文件。")
    meta = confirmed_meta(staged, title, issuer, date)
    with library_lock(settings):
        if not source.is_file():  # removed by the stale sweep, or added already
            raise BadQuestion("这个预览已过期或已加入。", hint="请重新选择文件。")
        taken = ({m.doc_id for m in service.documents()} | set(upload_entries(settings))
                 | set(read_state(settings)["hidden"]) | {p.stem for p in unconfirmed_uploads(settings)})
        doc_id = document_id(staged.filename, source.read_bytes(), taken)
        target = uploads_dir(settings) / (doc_id + source.suffix.lower())
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)  # unconfirmed: every other build leaves it out
        entry = {"file": target.name, "title": meta.title, "short_title": meta.short_title, "issuer": meta.issuer,
                 "date": meta.date, "kind": "upload", "source": meta.source}

        def commit() -> None:
            manifest = read_uploads_manifest(settings)
            manifest["documents"] = [e for e in manifest["documents"] if e["file"] != target.name] + [entry]
            write_uploads_manifest(settings, manifest)
        try:
            # The entry's metadata applies from this build on, though the manifest has it only after.
            tags = {k: v for k, v in entry.items() if k != "file"}
            service.build_index(progress=progress, plan=build_plan(settings, include={doc_id}, overrides={doc_id: tags},
                                                                   on_built=commit))
        except BaseException:
            if target.name not in {e["file"] for e in read_uploads_manifest(settings)["documents"]}:
                source.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(target, source)  # refused or failed before it was recorded: the preview stays
            raise
        shutil.rmtree(source.parent, ignore_errors=True)
    return _indexed(service, doc_id)


def delete_document(service, doc_id: str, progress=None) -> DocumentMeta:
    """Remove a document from the index: an upload with its file, a corpus document by hiding it."""
    settings = service.settings
    with library_lock(settings):
        meta = _indexed(service, doc_id)
        uploads = upload_entries(settings)

        def commit() -> None:
            if doc_id in uploads:
                manifest = read_uploads_manifest(settings)
                manifest["documents"] = [e for e in manifest["documents"] if Path(e["file"]).stem != doc_id]
                write_uploads_manifest(settings, manifest)
                (uploads_dir(settings) / uploads[doc_id]["file"]).unlink(missing_ok=True)
            else:
                state = read_state(settings)
                write_state(settings, {**state, "hidden": sorted({*state["hidden"], doc_id})})
        service.build_index(progress=progress, plan=build_plan(settings, exclude={doc_id}, on_built=commit))
    return meta


def restore_document(service, doc_id: str, progress=None) -> DocumentMeta:
    """Index a hidden corpus document again."""
    settings = service.settings
    with library_lock(settings):
        state = read_state(settings)
        if doc_id not in state["hidden"]:
            raise UnknownDocument(f"没有隐藏的文件 {doc_id}。", hint="隐藏的文件：" + ("、".join(state["hidden"]) or "无"))
        state = {**state, "hidden": [d for d in state["hidden"] if d != doc_id]}
        service.build_index(progress=progress, plan=build_plan(settings, include={doc_id},
                                                               on_built=lambda: write_state(settings, state)))
    return _indexed(service, doc_id)


def retag_document(service, doc_id: str, title: str | None = None, issuer: str | None = None,
                   date: str | None = None, progress=None) -> DocumentMeta:
    """Change a document's title, issuer or date (None leaves a field as it is)."""
    tags = clean_tags(title, issuer, date)
    settings = service.settings
    with library_lock(settings):
        _indexed(service, doc_id)
        uploads = upload_entries(settings)

        def commit() -> None:
            if doc_id in uploads:
                manifest = read_uploads_manifest(settings)
                manifest["documents"] = [{**e, **tags} if Path(e["file"]).stem == doc_id else e
                                         for e in manifest["documents"]]
                write_uploads_manifest(settings, manifest)
            else:
                state = read_state(settings)
                merged = {**state["overrides"].get(doc_id, {}), **tags}
                write_state(settings, {**state, "overrides": {**state["overrides"], doc_id: merged}})
        merged = {**read_state(settings)["overrides"].get(doc_id, {}), **tags}
        service.build_index(progress=progress, plan=build_plan(settings, overrides={doc_id: merged}, on_built=commit))
    return _indexed(service, doc_id)


def hidden_documents(settings: Settings) -> list[str]:
    return list(read_state(settings)["hidden"])


def is_upload(settings: Settings, doc_id: str) -> bool:
    return doc_id in upload_entries(settings)


def _indexed(service, doc_id: str) -> DocumentMeta:
    meta = next((m for m in service.documents() if m.doc_id == doc_id), None)
    if meta is None:
        raise UnknownDocument(f"没有文件 {doc_id}。", hint="列出文件可看到所有文件的 id。")
    return meta
