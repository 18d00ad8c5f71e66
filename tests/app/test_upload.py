"""Adding a document: type/size/empty checks with clear messages, a parse preview, then an
incremental index build after which the document is searchable and survives rebuilds."""
from __future__ import annotations

import pytest

from app_harness import copy_of_built_home
from qa.core.errors import BadQuestion, UnreadableFile
from qa.service import PolicyQA
from qa.settings import load_settings
from qa.library import add_upload, check_upload, document_id, preview_upload

PLAN = """# 青川市低空经济发展三年行动计划(2024-2026年)

一、总体目标

到2026年,青川市低空经济产业规模突破318亿元,建成通用机场4个。

二、重点任务

(一)完善基础设施。建设无人机起降点126个,开通低空航线40条。

(二)培育市场主体。引进低空经济龙头企业15家。
"""


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
