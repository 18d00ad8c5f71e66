"""The citable unit of a law (an article with its items), chapter headings as context, a table
of contents kept in the body, and TOC alignment by content. Hand-made documents, real parser."""
from __future__ import annotations

import hashlib

from index.ingest.chunk import chunk_clauses
from index.ingest.clauses import parse_clauses
from qa.core.types import Document, DocumentMeta, TocEntry

LAW = """中华人民共和国测试法
（2000年1月1日第九届全国人民代表大会常务委员会第十次会议通过　根据2009年8月27日第十一届全国人民代表大会常务委员会第十次会议《关于修改部分法律的决定》修正）
目录
第一章　总则
第二章　测试机构
第三章　附则
第一章　总则
第一条　为了规范测试工作，制定本法。
第二条　测试机构应当具备下列条件：
（一）有自己的名称和组织机构；
（二）有固定的场所；
（三）有必要的财产。
测试机构的设立，应当经批准。
第二章　测试机构
第三条　测试机构依法开展活动。
第三章　附则
第四条　本法自2001年1月1日起施行。
"""


def parse(text: str, title: str, toc: tuple[TocEntry, ...] = ()) -> dict:
    meta = DocumentMeta(doc_id="doc", title=title, short_title=title)
    doc = Document(meta, "doc.txt", "txt", "utf-8", text, hashlib.sha256(text.encode()).hexdigest(), toc)
    return {"/".join(c.labels): c for c in parse_clauses(doc)}


def test_an_article_is_cited_with_its_items_and_each_item_stays_addressable():
    tree = parse(LAW, "中华人民共和国测试法")
    article = tree["第一章/第二条"]
    assert article.text.startswith("第二条　测试机构应当具备下列条件：\n（一）") and "（三）有必要的财产。" in article.text
    assert not any(k.startswith("第一章/第二条/") for k in tree)  # items are no clauses of their own
    items = {label: LAW[start:end] for label, start, end in article.items}
    assert list(items) == ["（一）", "（二）", "（三）"]
    assert items["（二）"] == "（二）有固定的场所；"
    assert items["（三）"] == "（三）有必要的财产。"  # the article's next 款 is not part of item 3


def test_chapter_headings_are_context_not_clauses():
    tree = parse(LAW, "中华人民共和国测试法")
    assert "第一章" not in tree and "第二章" not in tree
    third = tree["第二章/第三条"]
    assert third.path[0] == "第二章 测试机构" and third.parent_id is None
    assert third.search_text.startswith("第二章 测试机构")
    parts = chunk_clauses([third], 8)  # every part is searched with the chapter heading too
    assert len(parts) > 1 and all(p.search_text.startswith("第二章 测试机构") for p in parts)


def test_a_table_of_contents_in_the_body_is_no_preamble_and_no_duplicate_chapters():
    tree = parse(LAW, "中华人民共和国测试法")
    assert "前言" not in tree and not any("~2" in k for k in tree)
    assert tree["题注"].text.startswith("（2000年1月1日")  # the adoption note stays quotable


def test_a_chapter_with_its_own_text_stays_a_clause():
    text = "测试规划\n第一章　发展基础\n过去五年，测试工作取得显著成效。\n第二章　总体要求\n第一节　指导思想\n坚持统筹推进。"
    tree = parse(text, "测试规划")
    assert tree["第一章"].text.endswith("取得显著成效。")
    assert "第二章" not in tree and tree["第二章/第一节"].path[0] == "第二章 总体要求"


TOC = (
    TocEntry("第一篇", "创新发展", 1),
    TocEntry("第一章", "科技创新", 2),
    TocEntry("第一节", "建设实验室体系", 3),
    TocEntry("第二节", "培育科技企业", 3),
    TocEntry("第二章", "人才队伍", 2),
    TocEntry("第一节", "引进高端人才", 3),
    TocEntry("第二节", "完善人才服务", 3),
    TocEntry("第二篇", "绿色发展", 1),
    TocEntry("第三章", "生态保护", 2),
    TocEntry("第一节", "保护水体环境", 3),
)

BODY = [
    "加快科技创新，建设创新高地，增强科技创新策源能力。",
    "优化实验室体系布局，建设一批重点实验室，打造实验室网络。",
    "推动实验室与高校合作，提升实验室研究水平。",
    "支持科技企业发展壮大，培育一批科技型企业集群。",
    "实施高端人才引进计划，面向全球引进高端人才和团队。",
    "健全人才服务体系，为人才提供住房、医疗等服务保障。",
]
GREEN = ["第二篇 绿色发展", "坚持绿色发展理念，守住生态底线。", "加强水体环境保护，推进河湖治理，改善水体质量。"]
PLAN = "测试新区发展规划纲要"
LOST = "\n".join([PLAN, *BODY, *GREEN])


def test_toc_alignment_restores_sections_by_content_and_says_so():
    tree = parse(LOST, PLAN, TOC)
    lab = [c for k, c in tree.items() if k.startswith("第一篇/第一章/第一节")]
    assert len(lab) == 2 and all("实验室" in c.text for c in lab) and all(c.aligned for c in lab)
    assert tree["第一篇/第一章/第二节"].text.startswith("支持科技企业")
    assert tree["第一篇/第二章/第一节"].text.startswith("实施高端人才引进")
    assert tree["第一篇/第二章/第二节"].text.startswith("健全人才服务")
    assert tree["第一篇/第二章/第二节"].path == ("第一篇 创新发展", "第二章 人才队伍", "第二节 完善人才服务")
    assert not tree["第二篇"].aligned  # a heading that survived in the body is no alignment
    assert tree["第二篇/第三章/第一节"].text.startswith("加强水体")


def test_no_alignment_when_the_body_does_not_follow_the_toc():
    shuffled = "\n".join([PLAN, BODY[0], *BODY[4:], *BODY[1:4], *GREEN])  # 人才 before 科技 in the body
    tree = parse(shuffled, PLAN, TOC)
    placed = {c.text[:4] for c in tree.values() if len(c.labels) > 2}
    # only the old certainty is left: the paragraph right before an anchor ends the entry before it
    assert placed <= {"支持科技", "加强水体"}


def test_items_and_the_alignment_flag_survive_the_store_record():
    from index.store.chroma import from_record, to_metadata

    article = parse(LAW, "中华人民共和国测试法")["第一章/第二条"]
    aligned = parse(LOST, PLAN, TOC)["第一篇/第二章/第一节"]
    meta = DocumentMeta(doc_id="doc", title="中华人民共和国测试法", short_title="测试法")
    for clause in (article, aligned):
        back = from_record(clause.clause_id, to_metadata(clause, meta), clause.text)
        assert (back.items, back.aligned) == (clause.items, clause.aligned)
    assert aligned.aligned and len(article.items) == 3


def test_the_default_plan_gets_its_chapters_back_and_says_they_were_aligned():
    """The Tianfu plan's body lost its headings but kept its TOC: every 篇 is restored (not only
    第一篇 第二章), and what alignment placed is marked as such."""
    from pathlib import Path

    from index.ingest.corpus import read_corpus

    parsed, _ = read_corpus(Path(__file__).resolve().parents[2] / "data" / "corpus")
    plan = next(p for p in parsed if p.document.meta.doc_id.startswith("tianfu"))
    clauses = {c.base_id: c for c in plan.clauses}.values()
    assert {c.labels[0] for c in clauses} >= {f"第{n}篇" for n in "一二三四五六七八九"}
    in_chapters = [c for c in clauses if len(c.labels) > 1 and c.labels[1].endswith("章")]
    assert len(in_chapters) >= 0.8 * len(clauses)
    anchors = [c for c in clauses if len(c.labels) == 1]  # 第七篇…: headings that survived in the body
    assert anchors and not any(c.aligned for c in anchors)
    assert sum(c.aligned for c in clauses) >= 0.8 * len(clauses)
