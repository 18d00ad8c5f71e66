"""Duplicate documents and clause texts are found at build, and an answer's context never
holds two copies of one text."""
from __future__ import annotations

from index.ingest.corpus import read_corpus
from index.ingest.duplicates import find_duplicates
from qa.core.types import Hit
from qa.retrieve.dedupe import drop_duplicate_hits

ARTICLES = [f"第{n}条 有关单位应当按照规定做好第{n}项工作，加强统筹协调，明确责任分工，确保措施落实到位。" for n in "一二三四五"]
SHARED = "各级人民政府应当加强对本行政区域内相关工作的领导，建立健全工作协调机制，及时研究解决重大问题。"


def _write(folder, name, lines):
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_same_text_in_two_files_and_a_shared_clause_are_reported(tmp_path):
    _write(tmp_path, "a.txt", ["某某管理办法", *ARTICLES])
    # the same text typed differently: full-width spaces, a traditional-script title
    _write(tmp_path, "b.md", ["# 某某管理辦法", *(a.replace(" ", "\u3000") for a in ARTICLES)])
    _write(tmp_path, "c.txt", ["另一项实施细则", f"第一条 {SHARED}", "第二条 本细则自发布之日起施行。"])
    _write(tmp_path, "d.txt", ["第三份文件规定", f"第一条 {SHARED}", "第二条 其他事项另行规定。"])
    parsed, _ = read_corpus(tmp_path)
    report = find_duplicates(parsed)
    assert [d.doc_ids for d in report.documents] == [("a", "b")]
    shared = [c for c in report.clauses if set(cid.split(":")[0] for cid in c.clause_ids) == {"c", "d"}]
    assert len(shared) == 1
    messages = report.messages()
    assert any("a, b" in m for m in messages) and any("c:" in m and "d:" in m for m in messages)
    assert not any("a:" in m for m in messages)  # clauses of a duplicate document are not listed again


def test_hits_keep_only_the_best_ranked_copy_of_a_text(tmp_path):
    _write(tmp_path, "a.txt", ["某某管理办法", *ARTICLES])
    _write(tmp_path, "b.txt", ["某某管理办法（副本）", *(a.replace(" ", "\u3000") for a in ARTICLES)])
    parsed, _ = read_corpus(tmp_path)
    by_doc = {p.document.meta.doc_id: [c for c in p.clauses if c.labels] for p in parsed}
    ranked = [Hit(by_doc["b"][1], 0.9), Hit(by_doc["a"][1], 0.8), Hit(by_doc["a"][2], 0.7), Hit(by_doc["b"][2], 0.6)]
    kept = drop_duplicate_hits(ranked)
    assert [(h.clause.doc_id, h.score) for h in kept] == [("b", 0.9), ("a", 0.7)]


def test_a_copy_with_a_changed_footer_is_a_near_duplicate(tmp_path):
    body = [f"第{n}条 有关单位应当按照规定做好第{i}项工作，加强统筹协调，明确责任分工，确保措施落实到位，定期报告进展。"
            for i, n in enumerate("一二三四五六七八九十", start=1)]
    _write(tmp_path, "a.txt", ["某某管理办法", *body, "某某市人民政府办公室2023年印发"])
    _write(tmp_path, "b.txt", ["某某管理办法", *body, "某某区转发"])
    _write(tmp_path, "c.txt", ["另一份实施方案", *(line.replace("有关单位", "各区县") for line in body[:4])])
    parsed, _ = read_corpus(tmp_path)
    found = find_duplicates(parsed).documents
    assert [d.doc_ids for d in found] == [("a", "b")] and 0.9 <= found[0].similarity < 1.0
