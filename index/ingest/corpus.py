"""A corpus folder → parsed documents: load → clean → metadata → Document → clauses → chunks.

One unreadable file never stops the others: it comes back as Skipped with the reason.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from pathlib import Path

from index.ingest.clean import clean_text
from qa.core.errors import FileTooLarge, GarbledText, UnreadableFile
from index.ingest.load import DEFAULT_MAX_BYTES, FORMATS, load_file
from index.ingest.meta import MANIFEST, doc_id_for, infer_meta, read_manifest
from qa.core.text import detect_script
from qa.core.types import Document, DocumentMeta, ParsedDocument, SkipReason, Skipped

Progress = Callable[[int, int], None]  # (files done, files in total)


def parse_file(path: Path, meta: DocumentMeta | None = None, chunk_tokens: int = 512,
               max_bytes: int = DEFAULT_MAX_BYTES, overrides: Mapping[str, str] | None = None) -> ParsedDocument:
    """One file through the whole ingestion; raises UnreadableFile naming it. `overrides` replace
    metadata fields (title, issuer, date…) before the clauses are made, since clauses carry the title."""
    from index.ingest.chunk import chunk_clauses
    from index.ingest.clauses import parse_clauses

    path = Path(path)
    loaded = load_file(path, max_bytes)
    clean = clean_text(loaded.text, loaded.format, paragraphs=loaded.paragraphs)
    if not clean.text:
        raise UnreadableFile(f"{path.name}: no document text left after removing page furniture",
                             hint="The file holds only navigation, footers or a table of contents.")
    meta = meta or infer_meta(path, loaded.text, clean, published=loaded.published)
    if overrides:
        meta = replace(meta, **overrides)
    if not meta.script:
        meta = replace(meta, script=detect_script(clean.text))
    document = Document(
        meta=meta, path=str(path), format=loaded.format, encoding=loaded.encoding, text=clean.text,
        content_hash=hashlib.sha256(clean.text.encode("utf-8")).hexdigest(), toc=clean.toc,
        page_starts=clean.page_starts,
    )
    from index.ingest.lead_units import with_responsibility

    clauses = with_responsibility(chunk_clauses(parse_clauses(document), chunk_tokens))
    if document.page_starts:  # the page a clause starts on, from its offset
        clauses = [replace(clause, page=document.page_at(clause.start)) for clause in clauses]
    return ParsedDocument(document, tuple(clauses))


def corpus_files(folder: Path, listed: dict[str, DocumentMeta]) -> tuple[list[Path], list[Skipped]]:
    """The files to read, manifest order first then by name, and what is skipped outright:
    unsupported suffixes and manifest entries whose file is missing. Hidden files and
    sub-folders are not part of a corpus."""
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.name != MANIFEST)
    skipped = [Skipped(str(p), reason, SkipReason.SYMLINK) for p in entries if (reason := _bad_link(p))]
    present = [p for p in entries if p.is_file()]
    names = {p.name for p in present}
    skipped += [Skipped(str(folder / name), f"listed in {MANIFEST} but not found", SkipReason.MISSING) for name in listed
                if name not in names and not (folder / name).is_symlink()]
    unsupported = [p for p in present if p.suffix.lower() not in FORMATS]
    skipped += [Skipped(str(p), f"unsupported format {p.suffix.lower() or '(no suffix)'}", SkipReason.UNSUPPORTED) for p in unsupported]
    readable = [p for p in present if p.suffix.lower() in FORMATS]
    order = {name: i for i, name in enumerate(listed)}
    readable.sort(key=lambda p: (order.get(p.name, len(order)), p.name))
    return readable, skipped


def _bad_link(path: Path) -> str:
    """Why a symbolic link cannot be read ("" when it is not a link or resolves to a file)."""
    if not path.is_symlink():
        return ""
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return "symbolic link loops (it points back to itself)"
    except OSError:
        return f"symbolic link points to nothing ({path.readlink()})"
    return "" if target.is_file() or target.is_dir() else "symbolic link to something that is not a file"


_SKIP_KIND = {FileTooLarge: SkipReason.TOO_LARGE, GarbledText: SkipReason.GARBLED}


def read_corpus(folder: Path, chunk_tokens: int = 512, progress: Progress | None = None, *,
                excluded: Collection[str] = (), overrides: Mapping[str, Mapping[str, str]] | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[ParsedDocument], list[Skipped]]:
    """Every readable document of `folder`, and the files that were not read with why.

    `progress(done, total)` is called after each file (the CLI turns it into a progress bar).
    Documents whose id is in `excluded` are left out unread; `overrides` maps a document id to
    metadata fields that replace the manifest's or the inferred ones (the app's library decides both).
    A file above `max_bytes` is refused unread, with the reason in the skipped list."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UnreadableFile(f"The corpus folder {folder} does not exist.", hint="Set POLICYQA_CORPUS or pass --corpus DIR.")
    listed = read_manifest(folder)
    files, skipped = corpus_files(folder, listed)
    files = [p for p in files if (listed[p.name].doc_id if p.name in listed else doc_id_for(p.stem)) not in excluded]
    parsed: list[ParsedDocument] = []
    owners: dict[str, str] = {}
    for done, path in enumerate(files, start=1):
        meta = listed.get(path.name)
        doc_id = meta.doc_id if meta else doc_id_for(path.stem)
        if doc_id in owners:
            skipped.append(Skipped(str(path), f"same document id '{doc_id}' as {owners[doc_id]}; rename one of them",
                                   SkipReason.DUPLICATE_ID))
        else:
            try:
                parsed.append(parse_file(path, meta, chunk_tokens, max_bytes, overrides=(overrides or {}).get(doc_id)))
                owners[doc_id] = path.name
            except UnreadableFile as exc:
                skipped.append(Skipped(str(path), exc.message, _SKIP_KIND.get(type(exc), SkipReason.UNREADABLE)))
        if progress:
            progress(done, len(files))
    return parsed, skipped
