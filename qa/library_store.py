"""Where the document library keeps its state under POLICYQA_HOME, and the rules for reading it.

    uploads/               the files users added, named <doc_id><ext>
    uploads/manifest.json  the confirmed ones, in the corpus manifest's format: a file there but
                           not listed is an add in progress (or one that was killed) and is never indexed
    upload-staging/<uuid>/ one folder per preview, so two users' files never share a path
    library.json           {"hidden": [corpus doc ids], "overrides": {doc id: {title, issuer, date}}}:
                           the corpus folder itself is never written to
    library.lock           flock'ed by whoever changes any of the above

Every write goes through a temporary file and os.replace, so a killed process leaves the old
version or the new one, never half a file.
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from qa.core.errors import IndexBusy, UnreadableFile
from qa.settings import Settings

UPLOAD_TYPES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
# What a file of these types starts with; a renamed executable or image is refused before storing.
_MAGIC = {".pdf": (b"%PDF",), ".docx": (b"PK\x03\x04",)}
LOCK_WAIT_SECONDS = 600.0  # a second add waits for the first one's build rather than failing
MANIFEST = "manifest.json"


class UnsupportedFileType(UnreadableFile):
    """The file's type is not one the library accepts (HTTP 415)."""


class FileTooLarge(UnreadableFile):
    """The file is over POLICYQA_MAX_UPLOAD_MB (HTTP 413)."""


def uploads_dir(settings: Settings) -> Path:
    return settings.home / "uploads"


def staging_dir(settings: Settings) -> Path:
    """Outside the uploads folder: a file waiting for confirmation must not be indexed."""
    return settings.home / "upload-staging"


# --- checks, before anything is stored --------------------------------------------------------
def check_upload_name(filename: str) -> None:
    suffix = Path(filename).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise UnsupportedFileType(f"不支持的文件类型“{suffix or '无扩展名'}”：{filename}。",
                                  hint=f"支持 {' '.join(UPLOAD_TYPES)}。")


def check_upload_size(filename: str, size: int, max_mb: int) -> None:
    if size > max_mb * 1024 * 1024:
        raise FileTooLarge(f"{filename} 有 {size / 1024 / 1024:.1f} MB，超过上限 {max_mb} MB。",
                           hint="请拆分文件，或调高 POLICYQA_MAX_UPLOAD_MB。")
    if size == 0:
        raise UnreadableFile(f"{filename} 是空文件。")


def check_upload_content(filename: str, head: bytes) -> None:
    """A .pdf or .docx must start like one: the name alone is the sender's claim."""
    magic = _MAGIC.get(Path(filename).suffix.lower())
    if magic and not head.startswith(magic):
        raise UnsupportedFileType(f"{filename} 的内容不是 {Path(filename).suffix.lower()} 文件。",
                                  hint="请上传原始文件，不要只改扩展名。")


def check_upload(path: Path, max_mb: int) -> None:
    """Raises UnreadableFile naming the file when its type or size is not accepted."""
    check_upload_name(path.name)
    check_upload_size(path.name, path.stat().st_size, max_mb)
    with open(path, "rb") as handle:
        check_upload_content(path.name, handle.read(8))


# --- the uploads manifest and library.json ----------------------------------------------------
def read_uploads_manifest(settings: Settings) -> dict:
    path = uploads_dir(settings) / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"documents": []}


def write_uploads_manifest(settings: Settings, manifest: dict) -> None:
    write_json(uploads_dir(settings) / MANIFEST, manifest)


def upload_entries(settings: Settings) -> dict[str, dict]:
    """doc id → manifest entry of every confirmed upload (uploads are named <doc_id><ext>)."""
    return {Path(e["file"]).stem: e for e in read_uploads_manifest(settings)["documents"]}


def unconfirmed_uploads(settings: Settings) -> list[Path]:
    """Files in the uploads folder that the manifest does not list: adds in progress or killed."""
    folder = uploads_dir(settings)
    if not folder.is_dir():
        return []
    listed = {e["file"] for e in read_uploads_manifest(settings)["documents"]}
    return [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
            and p.name != MANIFEST and p.name not in listed]


def read_state(settings: Settings) -> dict:
    path = settings.home / "library.json"
    state = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {"hidden": list(state.get("hidden", [])), "overrides": dict(state.get("overrides", {}))}


def write_state(settings: Settings, state: dict) -> None:
    write_json(settings.home / "library.json", state)


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


@contextmanager
def library_lock(settings: Settings, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """One change to the library at a time, across threads and processes (filelock, like the
    index's build lock: released by the kernel when a process dies). Waits up to `wait` seconds,
    then IndexBusy."""
    settings.home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(settings.home / "library.lock", timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise IndexBusy("文件库正在被另一个操作修改（加入、删除或改标签）。", hint="稍后再试。") from None
    try:
        yield
    finally:
        lock.release()
