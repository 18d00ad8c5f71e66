"""Adding a document: type/size/empty checks with clear messages, a parse preview, then an
incremental index build after which the document is searchable and survives rebuilds. Uploads
never mix users' files, and an add that is refused or killed leaves nothing a build would index."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app_harness import UPLOAD_PLAN as PLAN
from app_harness import copy_of_built_home
from index.store.versions import IndexLayout
from qa.core.errors import BadQuestion, IndexBusy, UnreadableFile
from qa.library import add_upload, check_upload, document_id, preview_upload, staging_dir
from qa.library_store import read_uploads_manifest, unconfirmed_uploads
from qa.service import PolicyQA
from qa.settings import load_settings



def test_type_size_and_empty_files_are_refused_with_the_file_named(tmp_path):
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    with pytest.raises(UnreadableFile, match="tool.exe") as refused:
        check_upload(exe, max_mb=1)
    assert ".pdf" in refused.value.hint
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (1024 * 1024 + 1))
    with pytest.raises(UnreadableFile, match="超过上限 1 MB"):
        check_upload(big, max_mb=1)
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="空文件"):
        check_upload(empty, max_mb=1)


def test_document_ids_are_ascii_unique_and_stable_for_the_same_content():
    assert document_id("Low Altitude Plan.pdf", b"x", set()) == "upload-low-altitude-plan"
    chinese = document_id("低空经济行动计划.docx", b"x", set())
    assert chinese.startswith("upload-") and chinese == document_id("低空经济行动计划.docx", b"x", set())
    assert document_id("plan.md", b"x", {"upload-plan"}) == "upload-plan-2"


@pytest.fixture
def service(built_service, tmp_path_factory):
    home = copy_of_built_home(built_service, tmp_path_factory)
    return PolicyQA(load_settings(home=home, corpus_dir=built_service.settings.corpus_dir))


def test_preview_then_add_makes_the_document_searchable_and_it_survives_a_rebuild(service, tmp_path):
    source = tmp_path / "低空经济行动计划.md"
    source.write_text(PLAN, encoding="utf-8")
    known = {m.doc_id for m in service.documents()}
    staged = preview_upload(service.settings, source, known)
    assert not staged.error and len(staged.parsed.clauses) >= 3
    assert any(c.ref.startswith("一、") for c in staged.parsed.clauses)
    assert len(service.documents()) == len(known)  # a preview adds nothing

    meta = add_upload(service, staged, title="青川市低空经济三年行动计划", issuer="青川市人民政府", date="2024-03-01")
    assert (meta.title, meta.issuer, meta.date) == ("青川市低空经济三年行动计划", "青川市人民政府", "2024-03-01")
    assert meta.doc_id in {m.doc_id for m in service.documents()}
    hits = service.retrieve("青川市低空经济产业规模突破多少亿元", k=3)
    assert hits[0].clause.doc_id == meta.doc_id and "318亿元" in hits[0].text

    report = service.build_index()  # e.g. `policyqa index build` later
    assert report.documents == len(known) + 1 and meta.doc_id in {m.doc_id for m in service.documents()}
    assert next(m for m in service.documents() if m.doc_id == meta.doc_id).issuer == "青川市人民政府"


def test_a_file_with_no_text_is_previewed_with_the_reason_and_cannot_be_added(service, tmp_path):
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\n \n", encoding="utf-8")
    staged = preview_upload(service.settings, blank, set())
    assert staged.error and staged.parsed is None
    with pytest.raises(BadQuestion, match="没有可加入的文件"):
        add_upload(service, staged)


def _plan(city: str, figure: str) -> str:
    return PLAN.replace("青川市", city).replace("318亿元", figure)


def test_two_uploads_with_one_name_at_once_keep_their_own_title_and_content(service, tmp_path):
    """Two people preview a file called plan.md at the same time, then both add: each document
    gets the title its uploader typed over the content its uploader sent."""
    staged = []
    for who, city, figure in (("a", "甲川市", "111亿元"), ("b", "乙川市", "222亿元")):
        (tmp_path / who).mkdir()
        source = tmp_path / who / "plan.md"
        source.write_text(_plan(city, figure), encoding="utf-8")
        staged.append(preview_upload(service.settings, source, {m.doc_id for m in service.documents()}))
    assert staged[0].path != staged[1].path and Path(staged[0].path).read_text(encoding="utf-8") != Path(
        staged[1].path).read_text(encoding="utf-8")
    with ThreadPoolExecutor(max_workers=2) as pool:
        metas = list(pool.map(lambda args: add_upload(service, args[0], title=args[1]),
                              [(staged[0], "甲川计划"), (staged[1], "乙川计划")]))
    assert metas[0].doc_id != metas[1].doc_id
    for meta, city, figure in ((metas[0], "甲川市", "111亿元"), (metas[1], "乙川市", "222亿元")):
        hit = service.retrieve(f"{city}低空经济产业规模突破多少亿元", k=1)[0]
        assert (hit.clause.doc_id, hit.clause.doc_title) == (meta.doc_id, meta.title) and figure in hit.text


def test_an_add_refused_by_a_running_build_leaves_nothing_and_can_be_retried(service, tmp_path):
    source = tmp_path / "busy-plan.md"
    source.write_text(PLAN, encoding="utf-8")
    staged = preview_upload(service.settings, source, {m.doc_id for m in service.documents()})
    before = {m.doc_id for m in service.documents()}
    with IndexLayout(service.settings.index_dir).build_lock():  # e.g. `policyqa index build` running
        with pytest.raises(IndexBusy):
            add_upload(service, staged, title="忙时加入")
    assert unconfirmed_uploads(service.settings) == [] and "忙时加入" not in json.dumps(
        read_uploads_manifest(service.settings), ensure_ascii=False)
    service.build_index()
    assert {m.doc_id for m in service.documents()} == before  # a later build indexes nothing unasked
    meta = add_upload(service, staged, title="忙时加入")  # the preview is still there to retry
    assert meta.title == "忙时加入" and meta.doc_id in {m.doc_id for m in service.documents()}


KILLED_ADD = """
import os, sys
from pathlib import Path
from qa.library import add_upload, preview_upload
from qa.service import PolicyQA
from qa.settings import load_settings

service = PolicyQA(load_settings(home=sys.argv[1], corpus_dir=sys.argv[2]))
staged = preview_upload(service.settings, Path(sys.argv[3]), set())
def die(stage, done, total):
    if stage in ("embed", "store"):
        os._exit(9)  # killed mid-build, after the file was moved into uploads
add_upload(service, staged, title="被中断的加入", progress=die)
"""


def test_an_add_killed_midway_is_never_indexed_and_its_file_is_swept(service, tmp_path):
    source = tmp_path / "killed-plan.md"
    source.write_text(_plan("丙川市", "333亿元"), encoding="utf-8")
    s = service.settings
    killed = subprocess.run([sys.executable, "-c", KILLED_ADD, str(s.home), str(s.corpus_dir), str(source)],
                            capture_output=True, text=True, timeout=600)
    assert killed.returncode == 9, killed.stderr
    assert [p.suffix for p in unconfirmed_uploads(s)] == [".md"]  # the file is there, unconfirmed
    report = service.build_index()
    assert "丙川市" not in json.dumps([m.title for m in service.documents()], ensure_ascii=False)
    assert all("333亿元" not in hit.text for hit in service.retrieve("丙川市低空经济产业规模", k=5))
    assert report.documents == len(service.documents())
    preview_upload(s, source, set())  # the next preview sweeps what the killed add left
    assert unconfirmed_uploads(s) == []


def test_previews_nobody_added_are_removed_after_an_hour(service, tmp_path):
    source = tmp_path / "old.md"
    source.write_text(PLAN, encoding="utf-8")
    old = Path(preview_upload(service.settings, source, set()).path).parent
    legacy = staging_dir(service.settings) / "upload-legacy.md"  # the flat layout of earlier versions
    legacy.write_text("x", encoding="utf-8")
    two_hours_ago = time.time() - 7200
    for path in (old, legacy):
        os.utime(path, (two_hours_ago, two_hours_ago))
    fresh = Path(preview_upload(service.settings, source, set()).path).parent
    assert not old.exists() and not legacy.exists() and fresh.is_dir()


def test_a_renamed_binary_is_refused_before_anything_is_stored(service, tmp_path):
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    staged = preview_upload(service.settings, fake, set())
    assert "report.pdf" in staged.error and staged.parsed is None and staged.path == ""
    staging = staging_dir(service.settings)
    assert not staging.exists() or not any(p.is_dir() for p in staging.iterdir())
