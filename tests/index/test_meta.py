"""index/ingest/meta: manifest.json validated at the edge; metadata inferred from the text when a file
is not listed, checked against the hand-written manifest of the real corpus."""
from __future__ import annotations

import json
import re
import shutil

import pytest

from ingest_helpers import CORPUS
from index.ingest.clean import clean_text
from qa.core.errors import UnreadableFile
from index.ingest.meta import doc_id_for, infer_meta, read_manifest
from qa.core.text import to_simplified

ENTRIES = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["documents"]


def test_reads_the_corpus_manifest():
    metas = read_manifest(CORPUS)
    assert list(metas) == [entry["file"] for entry in ENTRIES]
    for entry in ENTRIES:
        meta = metas[entry["file"]]
        assert meta.doc_id == entry["file"].removesuffix(".txt")
        assert (meta.title, meta.short_title, meta.issuer, meta.date, meta.script) == (
            entry["title"], entry["short_title"], entry["issuer"], entry["date"], entry["script"])


def test_no_manifest_is_no_metadata(tmp_path):
    assert read_manifest(tmp_path) == {}


def test_minimal_entry_gets_defaults(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"documents": [{"file": "plan.md", "title": "某某方案"}]}), encoding="utf-8")
    meta = read_manifest(tmp_path)["plan.md"]
    assert (meta.doc_id, meta.short_title, meta.date, meta.script) == ("plan", "某某方案", "", "")


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        ('{"documents": [', "not valid JSON"),
        ({"docs": []}, "documents: Field required"),
        ({"documents": [{"file": "a.txt"}]}, "documents[0] (a.txt).title: Field required"),
        ({"documents": [{"file": "a.txt", "title": "甲", "date": "2020/07/15"}]}, "documents[0] (a.txt).date"),
        ({"documents": [{"file": "a.txt", "title": "甲"}, {"file": "b.txt", "title": "乙", "titel": "x"}]}, "documents[1] (b.txt).titel"),
        ({"documents": [{"file": "../a.txt", "title": "甲"}]}, "documents[0] (../a.txt).file"),
        ({"documents": [{"file": "a.txt", "title": "甲", "script": "cantonese"}]}, "documents[0] (a.txt).script"),
        ({"documents": [{"file": "a.txt", "title": " "}]}, "documents[0] (a.txt).title"),
        ({"documents": [{"file": "a.txt", "title": "甲"}, {"file": "a.txt", "title": "乙"}]}, "lists a.txt twice"),
    ],
)
def test_malformed_manifest_names_file_and_field(tmp_path, manifest, expected):
    path = tmp_path / "manifest.json"
    path.write_text(manifest if isinstance(manifest, str) else json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UnreadableFile) as caught:
        read_manifest(tmp_path)
    assert str(path) in caught.value.message and expected in caught.value.message


# --- inference on files no manifest describes ----------------------------------------------------

# Which manifest fields the text itself states (a dateline's publication date is not the
# adoption date the manifest records for the 渝中 plan; the 先锋 article names no issuer).
STATED = {
    "chengdu-2020-07-15-municipal-decision.txt": ("title", "issuer", "date"),
    "sichuan-2020-07-10-provincial-decision.txt": ("title", "issuer", "date"),
    "tianfu-new-area-plan-2022-2027-draft.txt": ("title", "issuer", "date"),
    "yuzhong-2023-05-ten-actions-plan.txt": ("title", "issuer"),
    "chengdu-2020-03-xianfeng-article.txt": ("title", "date"),
}


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_inferred_metadata_matches_the_manifest(tmp_path, entry):
    path = tmp_path / entry["file"]
    shutil.copy(CORPUS / entry["file"], path)  # no manifest next to it
    raw = path.read_text(encoding="utf-8")
    meta = infer_meta(path, raw, clean_text(raw, "txt"))
    assert meta.doc_id == path.stem and meta.script == entry["script"] and meta.source == path.name
    for field in STATED[entry["file"]]:
        assert to_simplified(getattr(meta, field)) == entry[field], field
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.date)
    assert meta.date[:7] == entry["date"][:7]


def test_untitled_text_falls_back_to_the_file_name(tmp_path):
    path = tmp_path / "notes-2024.txt"
    raw = "加快建设。推动发展。\n完善机制，强化保障。"
    meta = infer_meta(path, raw, clean_text(raw, "txt"))
    assert (meta.title, meta.date, meta.issuer) == ("notes-2024", "", "")


def test_inferred_title_block_from_markdown(tmp_path):
    raw = "# 青川市低空经济发展三年行动计划(2024-2026年)\n\n青川市人民政府\n\n2024年3月1日\n\n一、总体目标\n\n到2026年，产业规模突破318亿元。\n"
    meta = infer_meta(tmp_path / "plan.md", raw, clean_text(raw, "md"))
    assert (meta.title, meta.issuer, meta.date) == ("青川市低空经济发展三年行动计划(2024-2026年)", "青川市人民政府", "2024-03-01")


def test_document_ids_are_safe_and_stable():
    assert doc_id_for("tianfu-new-area-plan-2022-2027-draft") == "tianfu-new-area-plan-2022-2027-draft"
    assert doc_id_for("Plan_v2.1") == "Plan_v2.1"
    chinese = doc_id_for("低空经济行动计划")
    assert re.fullmatch(r"[a-z0-9-]+", chinese) and chinese == doc_id_for("低空经济行动计划")
    assert chinese != doc_id_for("低空经济行动计划（修订）")
    mixed = doc_id_for("2024 政策/草案 v2")
    assert re.fullmatch(r"[a-z0-9-]+", mixed) and mixed.startswith("2024-") and "-v2-" in mixed
    # readable: the pinyin of the name's words, not an opaque hash
    assert chinese.startswith("dikong-jingji-")
    assert len(doc_id_for("关于加快发展数字经济推动产业转型升级的实施意见（2023—2025年）")) <= 48 + 7


def test_a_static_site_page_without_a_headline_is_named_by_its_yaml_title(tmp_path):
    raw = ("---\ntitle: 青川市扬尘污染防治条例\nicon: article\ncategory:\n  - 地方性法规\n---\n\n"
           "（2021年11月5日青川市人民代表大会常务委员会通过）\n\n## 第一章 总则\n\n第一条 为了防治扬尘污染，制定本条例。\n")
    meta = infer_meta(tmp_path / "dust.md", raw, clean_text(raw, "md"))
    assert meta.title == "青川市扬尘污染防治条例"


@pytest.mark.parametrize("headline, title", [
    ("[PDF] 青川市电动汽车充电设施管理暂行办法", "青川市电动汽车充电设施管理暂行办法"),
    ("青川市能源局关于开展试点工作的通知 青能发〔2025〕53号-某某网", "青川市能源局关于开展试点工作的通知"),
    ("青川市综合能源站专项规划（2025－2030年）", "青川市综合能源站专项规划（2025－2030年）"),
])
def test_a_headline_loses_the_file_type_number_and_site_a_page_adds(headline, title):
    from index.ingest.meta_text import clean_title

    assert clean_title(headline) == title
