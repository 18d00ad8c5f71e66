"""index/ingest/corpus: the whole ingestion on real files. The same document stored as UTF-8, GBK,
Big5, UTF-16, .docx and .pdf parses to the same clauses; bad files are skipped with reasons."""
from __future__ import annotations

import json
import re
import shutil

import pytest

from ingest_helpers import CORPUS, paragraphs
from index.ingest.corpus import parse_file, read_corpus
from qa.core.errors import UnreadableFile

SEEDS = {
    "chengdu": "chengdu-2020-07-15-municipal-decision.txt",
    "sichuan": "sichuan-2020-07-10-provincial-decision.txt",
}
ENTRIES = {e["file"]: e for e in json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["documents"]}
RENDERINGS = {
    "chengdu": ("gbk", "utf-16", "docx", "pdf"),
    "sichuan": ("big5", "gb18030", "utf-16-le", "docx", "pdf"),
}


def seed_text(seed: str) -> str:
    return (CORPUS / SEEDS[seed]).read_text(encoding="utf-8").replace("\xa0", " ")  # Big5 has no NBSP


@pytest.fixture(scope="module")
def renderings(request, tmp_path_factory, render_docx):
    """One folder holding every seed as .txt and in each other form, described by a manifest
    with the seed's metadata, read once with read_corpus. Without a CJK font there is no PDF."""
    try:
        render_pdf = request.getfixturevalue("render_pdf")
    except pytest.skip.Exception:
        render_pdf = None
    folder = tmp_path_factory.mktemp("renderings")
    manifest = []
    for seed, source in SEEDS.items():
        text = seed_text(seed)
        for form in ("txt", *RENDERINGS[seed]):
            if form == "pdf" and render_pdf is None:
                continue
            if form == "docx":
                path = render_docx(paragraphs(text), folder / f"{seed}-docx.docx")
            elif form == "pdf":
                path = render_pdf(paragraphs(text), folder / f"{seed}-pdf.pdf")
            else:
                path = folder / f"{seed}-{form}.txt"
                path.write_bytes(text.encode("utf-8" if form == "txt" else form))
            manifest.append({**ENTRIES[source], "file": path.name})
    (folder / "manifest.json").write_text(json.dumps({"documents": manifest}, ensure_ascii=False), encoding="utf-8")
    calls = []
    parsed, skipped = read_corpus(folder, 512, lambda done, total: calls.append((done, total)))
    assert skipped == []
    assert calls == [(i, len(manifest)) for i in range(1, len(manifest) + 1)]
    return {doc.document.meta.doc_id: doc for doc in parsed}


def clause_view(doc):
    """Clause ids without the document prefix, with their texts."""
    return [(c.clause_id.split(":", 1)[1], c.text) for c in doc.clauses]


@pytest.mark.parametrize(("seed", "form"), [(s, f) for s, forms in RENDERINGS.items() for f in forms])
def test_every_form_parses_to_the_same_clauses(renderings, seed, form):
    if f"{seed}-{form}" not in renderings:
        pytest.skip("no CJK font on this system to render a PDF (apt-get install fonts-noto-cjk)")
    original = renderings[f"{seed}-txt"]
    other = renderings[f"{seed}-{form}"]
    assert len(original.clauses) > 30
    assert clause_view(other) == clause_view(original)
    # The same paragraphs; only a space inside a title may go where a PDF line wrapped at it.
    assert len(other.document.text.split("\n")) == len(original.document.text.split("\n"))
    assert re.sub(r"\s", "", other.document.text) == re.sub(r"\s", "", original.document.text)
    assert other.document.format == ("docx" if form == "docx" else "pdf" if form == "pdf" else "txt")


def test_encodings_are_recorded(renderings):
    assert renderings["sichuan-big5"].document.encoding == "big5"
    assert renderings["chengdu-gbk"].document.encoding == "gb18030"
    assert renderings["chengdu-utf-16"].document.encoding == "utf-16"


def test_corpus_reads_in_manifest_order_with_hashes_and_toc(corpus_dir):
    parsed, skipped = read_corpus(corpus_dir)
    entries = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert skipped == [] and [p.document.meta.doc_id for p in parsed] == [e["file"][:-4] for e in entries]
    for doc in parsed:
        assert doc.clauses and all(c.doc_id == doc.document.meta.doc_id for c in doc.clauses)
        assert len(doc.document.content_hash) == 64
    tianfu = next(p.document for p in parsed if p.document.meta.doc_id.startswith("tianfu"))
    assert len(tianfu.toc) > 100


def test_bad_files_are_skipped_with_reasons_and_good_ones_read(tmp_path):
    for name in ("b-chengdu.txt", "a-sichuan.txt"):
        shutil.copy(CORPUS / SEEDS[name[2:-4]], tmp_path / name)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "photo.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (tmp_path / "budget.xlsx").write_bytes(b"PK\x03\x04")
    (tmp_path / "chrome-only.html").write_text("<p>当前位置：首页 > 新闻</p><p>京ICP备12345678号</p>", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("不是语料", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "nested.txt").write_text("不读子文件夹。", encoding="utf-8")
    parsed, skipped = read_corpus(tmp_path)
    assert [p.document.meta.doc_id for p in parsed] == ["a-sichuan", "b-chengdu"]
    assert parsed[0].document.meta.script == "traditional" and parsed[0].document.meta.issuer == "中共四川省委"
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in skipped}
    assert set(reasons) == {"empty.txt", "photo.md", "budget.xlsx", "chrome-only.html"}
    assert "empty file" in reasons["empty.txt"] and "binary content" in reasons["photo.md"]
    assert reasons["budget.xlsx"] == "unsupported format .xlsx" and "no document text" in reasons["chrome-only.html"]


def test_manifest_problems(tmp_path):
    shutil.copy(CORPUS / SEEDS["chengdu"], tmp_path / "a.txt")
    shutil.copy(CORPUS / SEEDS["chengdu"], tmp_path / "a.md")  # same stem → same document id
    (tmp_path / "manifest.json").write_text(json.dumps({"documents": [{"file": "gone.txt", "title": "已删除"}]}), encoding="utf-8")
    parsed, skipped = read_corpus(tmp_path)
    assert len(parsed) == 1
    reasons = sorted(s.reason for s in skipped)
    assert "listed in manifest.json but not found" in reasons[0] and "same document id 'a'" in reasons[1]
    (tmp_path / "manifest.json").write_text('{"documents": [{"file": "a.txt"}]}', encoding="utf-8")
    with pytest.raises(UnreadableFile, match="title"):
        read_corpus(tmp_path)


def test_parse_file_with_and_without_metadata(tmp_path):
    path = shutil.copy(CORPUS / SEEDS["chengdu"], tmp_path / "decision.txt")
    inferred = parse_file(path, chunk_tokens=128)
    assert inferred.document.meta.doc_id == "decision" and inferred.document.meta.date == "2020-07-15"
    assert max(c.parts for c in inferred.clauses) > 1  # the chunk budget reaches the chunker
    with pytest.raises(UnreadableFile, match="missing.txt"):
        parse_file(tmp_path / "missing.txt")
    with pytest.raises(UnreadableFile, match="does not exist"):
        read_corpus(tmp_path / "nowhere")


def test_huge_files_and_looping_links_are_skipped_with_their_reason(tmp_path):
    from pathlib import Path

    from qa.core.types import SkipReason

    (tmp_path / "ok.txt").write_text("某某办法\n第一条 有关单位应当做好相应工作。\n", encoding="utf-8")
    (tmp_path / "huge.txt").write_text("有关单位应当做好相应工作。\n" * 2000, encoding="utf-8")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    parsed, skipped = read_corpus(tmp_path, max_bytes=20_000)
    assert [p.document.meta.doc_id for p in parsed] == ["ok"]
    kinds = {Path(s.path).name: (s.kind, s.reason) for s in skipped}
    assert kinds["huge.txt"][0] == SkipReason.TOO_LARGE and "too large" in kinds["huge.txt"][1]
    assert kinds["loop.txt"] == (SkipReason.SYMLINK, "symbolic link loops (it points back to itself)")
    assert kinds["gone.txt"][0] == SkipReason.SYMLINK
