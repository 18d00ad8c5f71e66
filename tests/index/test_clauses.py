"""The clause parser: numbering grammar, tree building on hand-made documents, and the real corpus
through the real pipeline (load → clean → clauses). Structural expectations on the corpus are
checked against an independent reading of the cleaned text (line regexes), not a stored answer."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from index.ingest.chunk import chunk_clauses
from index.ingest.clauses import parse_clauses
from index.ingest.corpus import read_corpus
from index.ingest.numbering import lead_phrase, match_numbering
from qa.core.numerals import cn_to_int
from qa.core.text import to_search_text
from qa.core.types import Document, DocumentMeta, TocEntry

REPO = Path(__file__).resolve().parents[2]
CHENGDU = "chengdu-2020-07-15-municipal-decision"
SICHUAN = "sichuan-2020-07-10-provincial-decision"
YUZHONG = "yuzhong-2023-05-ten-actions-plan"
XIANFENG = "chengdu-2020-03-xianfeng-article"
TIANFU = "tianfu-new-area-plan-2022-2027-draft"
BOILERPLATE = ("icp备", "扫一扫", "编辑:", "联系电话", "版权所有", "版权声明", "相关推荐")


def make_document(text: str, toc: tuple[TocEntry, ...] = (), title: str = "关于做好测试工作的决定") -> Document:
    meta = DocumentMeta(doc_id="doc", title=title, short_title=title)
    return Document(meta, "doc.txt", "txt", "utf-8", text, hashlib.sha256(text.encode()).hexdigest(), toc)


def by_label_path(clauses):
    return {"/".join(c.labels): c for c in clauses}


# --- numbering grammar --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "style", "value", "label"),
    [
        ("第十二章 空间格局", "第章", 12, "第十二章"),
        ("第一百零五条 附则", "第条", 105, "第一百零五条"),
        ("第三節 戰略定位", "第节", 3, "第三节"),
        ("第7篇 数字", "第篇", 7, "第7篇"),
        ("三、重点任务", "cn、", 3, "三"),
        ("（二十一）加快建设", "（cn）", 21, "（二十一）"),
        ("(二十一)加快建设", "（cn）", 21, "（二十一）"),
        ("(十一)增強協同創新發展能力。", "（cn）", 11, "（十一）"),
        ("1.优化打造", "ar.", 1, "1"),
        ("12、建设", "ar.", 12, "12"),
        ("３．建设", "ar.", 3, "3"),
        ("（1）加强", "（ar）", 1, "（1）"),
        ("(4)加强", "（ar）", 4, "（4）"),
        ("②推进", "circled", 2, "②"),
        ("——坚持世界眼光、全球视野。", "dash", None, "——"),
    ],
)
def test_numbering_labels(line, style, value, label):
    number = match_numbering(line)
    assert number is not None
    assert (number.style, number.value, number.label) == (style, value, label)


@pytest.mark.parametrize("line", ["2035年,具有世界知名度", "1.5亿美元", "一是坚持", "第五航权开放", "十分重要", "1."])
def test_not_numbering(line):
    assert match_numbering(line) is None


def test_display_forms():
    assert match_numbering("三、重点任务").display == "三、"
    assert match_numbering("5.聚焦").display == "5."
    assert match_numbering("(八)优化").display == "（八）"


@pytest.mark.parametrize(("numeral", "value"), [("十", 10), ("十二", 12), ("二十一", 21), ("三十三", 33), ("一百零五", 105), ("二〇", 20)])
def test_chinese_numerals(numeral, value):
    assert cn_to_int(numeral) == value


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("总定位:", "总定位"),
        ("功能定位：", "功能定位"),
        ("努力保持稳中求进的发展态势。要以自身发展的确定性", "努力保持稳中求进的发展态势"),
        ("注重凝聚共识,强化价值认同。坚持用", "注重凝聚共识,强化价值认同"),
        ("高标准建设成渝(兴隆湖)综合性科学中心。依托", "高标准建设成渝(兴隆湖)综合性科学中心"),
        ("營造良好創新生態。強化系統集成", "營造良好創新生態"),
        ("习近平总书记多次强调:“我们做一切工作", ""),
        ("坚持以习近平新时代中国特色社会主义思想为指导,深入贯彻习近平总书记对四川工作系列重要指示精神。", ""),
    ],
)
def test_lead_phrases(text, phrase):
    assert lead_phrase(text) == phrase


# --- tree building on hand-made documents --------------------------------------------------------

NUMBERED = "\n".join(
    [
        "关于做好测试工作的决定",
        "(2020年1月1日某某会议通过)",
        "为做好工作,作出如下决定。",
        "一、总体要求",
        "这是一、的引言段落,说明总体要求。",
        "(一)指导思想。坚持以人民为中心。",
        "建设现代物流枢纽体系。这是(一)的第二段。",
        "(二)基本原则",
        "——坚持创新。创新是第一动力。",
        "——坚持开放。开放带来进步。",
        "二、重点任务",
        "(一)第一项行动。行动说明。",
        "1.第一项任务。任务说明。",
        "2.第二项任务。任务说明。",
        "(二)第二项行动。行动说明。",
        "3.第三项任务。任务说明。",
        "三、保障措施",
        "(一)加强领导。领导说明。",
    ]
)


def test_numbered_tree():
    clauses = parse_clauses(make_document(NUMBERED))
    tree = by_label_path(clauses)
    assert tree["题注"].text == "(2020年1月1日某某会议通过)"
    assert tree["前言"].text == "为做好工作,作出如下决定。" and tree["前言"].level == 0
    assert tree["一"].text == "一、总体要求\n这是一、的引言段落,说明总体要求。"
    assert tree["一/（一）"].text.endswith("这是(一)的第二段。")  # lead phrase inside a numbered clause
    assert not any(c.heading == "建设现代物流枢纽体系" for c in clauses)
    assert [c.heading for c in clauses if c.parent_id == "doc:一/（二）"] == ["坚持创新", "坚持开放"]
    assert tree["二/（二）/3"].parent_id == "doc:二/（二）"  # 1–3 continue across parents
    assert tree["三/（一）"].clause_id != tree["二/（一）"].clause_id != tree["一/（一）"].clause_id
    assert tree["二/（一）/1"].ref == "二、重点任务 （一） 1."
    assert tree["二/（一）/1"].path == ("二、重点任务", "（一）第一项行动", "1.第一项任务")
    assert tree["二/（一）"].level == 2 and tree["二/（一）/1"].level == 3
    assert all(c.text == NUMBERED[c.start : c.end] for c in clauses)


def test_levels_follow_the_order_styles_appear_in():
    text = "1.总体要求\n(1)指导思想。坚持。\n(2)基本原则。坚持。\n2.重点任务\n(1)第一项。说明。"
    tree = by_label_path(parse_clauses(make_document(text)))
    assert tree["1"].level == 1 and tree["1/（1）"].level == 2
    assert tree["2/（1）"].parent_id == "doc:2"


def test_out_of_sequence_label_is_text():
    text = "一、总体要求\n(一)指导思想。坚持。\n(三)基本原则。跳号的不是条款。\n(二)发展目标。说明。"
    tree = by_label_path(parse_clauses(make_document(text)))
    assert "一/（三）" not in tree
    assert "跳号的不是条款" in tree["一/（一）"].text
    assert "一/（二）" in tree


def test_footnote_is_not_a_list_item():
    text = "\n".join(
        [
            "一、产业",
            "推动总部建设。加快构建“3+9+n”1总部经济产业体系,打造总部经济高地。",
            "1.“3+9+n”总部经济产业体系:以新基建、新开放、新经济为引领。",
            "二、生态",
        ]
    )
    clauses = parse_clauses(make_document(text))
    assert not any(c.labels[-1] == "1" for c in clauses)
    marked = next(c for c in clauses if "“3+9+n”1总部" in c.text)
    assert marked.text.endswith("以新基建、新开放、新经济为引领。")


def test_a_real_list_item_one_is_kept():
    text = "一、任务\n1.第一项。说明一。\n2.第二项。说明二。"
    assert {"一/1", "一/2"} <= set(by_label_path(parse_clauses(make_document(text))))


def test_unnumbered_headings_and_lead_phrases():
    text = "\n".join(
        [
            "开篇段落说明全文主旨,不属于任何小节。",
            "正确处理好当前与长远的关系,努力推动发展",
            "小节引言段落,属于小节本身,篇幅比标题更长一些。",
            "努力保持稳中求进的发展态势。要以确定性对冲不确定性。",
            "没有引领语的段落接续上一条。",
            "努力保持转型发展的战略定力。聚焦高能级功能。",
            "正确处理好极核与协同的关系,努力增强承载能力",
            "第二个小节的引言段落,篇幅比标题更长一些才对。",
            "千方百计做强极核功能。持续强化经济中心功能。",
        ]
    )
    clauses = parse_clauses(make_document(text))
    sections = [c for c in clauses if c.level == 1]
    assert [c.labels[0] for c in sections] == ["正确处理好当前与长远的关系", "正确处理好极核与协同的关系"]
    first = sections[0]
    assert first.text.endswith("篇幅比标题更长一些。")
    leads = [c for c in clauses if c.parent_id == first.clause_id]
    assert [c.heading for c in leads] == ["努力保持稳中求进的发展态势", "努力保持转型发展的战略定力"]
    assert leads[0].text.endswith("没有引领语的段落接续上一条。")
    assert leads[0].ref == "正确处理好当前与长远的关系 · 努力保持稳中求进的发展态势"
    assert clauses[0].labels == ("前言",)


def test_id_separators_never_appear_inside_a_label():
    text = "一、任务\n完善清单/实验室#1机制。说明。"
    clause = parse_clauses(make_document(text))[-1]
    assert clause.labels == ("一", "完善清单／实验室＃1机制") and clause.base_id == clause.clause_id


def test_duplicate_labels_under_one_parent_get_a_suffix():
    text = "一、任务\n推进建设。说明一。\n推进建设。说明二。"
    # the heading-only 一、 lets lead phrases open clauses; the same lead twice must stay distinct
    ids = [c.clause_id for c in parse_clauses(make_document(text))]
    assert len(ids) == len(set(ids)) and "doc:一/推进建设~2" in ids


TOC = (
    TocEntry("第一篇", "总论", 1),
    TocEntry("第一章", "背景", 2),
    TocEntry("第二章", "原则", 2),
    TocEntry("第一节", "指导思想", 3),
    TocEntry("第二节", "主要原则", 3),
    TocEntry("第三节", "战略定位", 3),
    TocEntry("第二篇", "产业", 1),
    TocEntry("第三章", "制造", 2),
    TocEntry("第一节", "先进制造", 3),
    TocEntry("第二节", "服务业", 3),
    TocEntry("第四章", "农业", 2),
    TocEntry("第一节", "都市农业", 3),
)


def lost_headings_text(paragraphs_in_second_part: int) -> str:
    second = [f"产业段落{i}。发展制造业、服务业和都市农业。" for i in range(paragraphs_in_second_part)]
    return "\n".join(
        [
            "前面的段落一。说明背景。",
            "前面的段落二。说明背景。",
            "第二节 主要原则 生态筑底、公园塑型。突出公园城市的本质内涵。",
            "创新驱动、高端引领。坚持创新。",
            "这一段另有所属。也许属于别的章节。",
            "战略定位的最后一段。紧挨着第二篇。",
            "第二篇 产业",
            *second,
        ]
    )


def test_toc_alignment_when_counts_match():
    # 第二篇: one intro + three leaf sections = four paragraphs
    text = lost_headings_text(4)
    tree = by_label_path(parse_clauses(make_document(text, TOC)))
    assert tree["第二篇"].text == "第二篇 产业\n产业段落0。发展制造业、服务业和都市农业。"
    assert tree["第二篇/第三章/第二节"].text.startswith("产业段落2")
    assert tree["第二篇/第四章/第一节"].ref == "第二篇 产业 第四章 第一节"
    assert tree["第二篇/第四章/第一节"].path[1] == "第四章 农业"
    assert tree["第二篇/第四章/第一节"].parent_id == "doc:第二篇"  # chapters have no text of their own
    # the inline heading split from its paragraph is context of its clauses, not a clause
    assert "第一篇/第二章/第二节" not in tree
    children = [c for c in tree.values() if c.labels[:3] == ("第一篇", "第二章", "第二节") and len(c.labels) == 4]
    assert [c.heading for c in children] == ["生态筑底、公园塑型", "创新驱动、高端引领"]
    assert all(c.path[2] == "第二节 主要原则" and "主要原则" in c.search_text for c in children)
    # between 第二节 and 第二篇 the TOC also has 第三节: nothing proves the paragraph is in 第二节,
    # only that it is in 第一篇 第二章 — which has no text, so the clause hangs under no clause
    stray = next(c for c in tree.values() if c.text.startswith("这一段另有所属"))
    assert stray.labels[:2] == ("第一篇", "第二章") and len(stray.labels) == 3 and stray.parent_id is None
    # the paragraph right before the 第二篇 anchor ends the entry listed right before it
    assert tree["第一篇/第二章/第三节"].text == "战略定位的最后一段。紧挨着第二篇。"


def test_heading_only_leaf_anchor_keeps_its_text():
    text = lost_headings_text(4).replace("第二节 主要原则 生态筑底", "第二节 主要原则\n生态筑底")
    tree = by_label_path(parse_clauses(make_document(text, TOC)))
    assert "第一篇/第二章/第二节" not in tree  # a heading alone is context, not a clause
    children = [c.heading for c in tree.values() if c.labels[:3] == ("第一篇", "第二章", "第二节") and len(c.labels) == 4]
    assert children == ["生态筑底、公园塑型", "创新驱动、高端引领"]


def test_no_alignment_when_counts_differ():
    text = lost_headings_text(5)
    clauses = parse_clauses(make_document(text, TOC))
    under = [c for c in clauses if c.labels[0] == "第二篇" and len(c.labels) > 1]
    assert under and all(len(c.labels) == 2 for c in under)  # placed under 第二篇, in no chapter
    assert not any("第三章" in c.labels or "第四章" in c.labels for c in clauses)


def test_render_ref_short_top_heading_only():
    text = "一、总体要求\n(一)指导思想。说明。\n二、优化城市空间布局,着力塑造未来城市新形态\n(二)优化空间体系。说明。"
    tree = by_label_path(parse_clauses(make_document(text)))
    assert tree["一/（一）"].ref == "一、总体要求 （一）"
    assert tree["二/（二）"].ref == "二、（二）"


# --- the real corpus through the real pipeline ---------------------------------------------------


@pytest.fixture(scope="module")
def corpus_documents() -> dict[str, Document]:
    parsed, skipped = read_corpus(REPO / "data" / "corpus", 512, lambda done, total: None)
    assert not skipped
    for doc in parsed:  # the pipeline chunks exactly what the parser made
        again = chunk_clauses(parse_clauses(doc.document), 512)
        assert [(c.clause_id, c.text, c.path) for c in doc.clauses] == [(c.clause_id, c.text, c.path) for c in again]
    return {doc.document.meta.doc_id: doc.document for doc in parsed}


@pytest.fixture(scope="module")
def corpus_clauses(corpus_documents):
    return {doc_id: parse_clauses(doc) for doc_id, doc in corpus_documents.items()}


def line_sections(text: str, section: str, item: str) -> dict[str, str]:
    """Independent reading: item label → label of the last section line before it."""
    owner, current = {}, None
    for line in text.split("\n"):
        if m := re.match(section, line):
            current = m.group(1)
        elif (m := re.match(item, line)) and current:
            owner[m.group(1)] = current
    return owner


def test_chengdu_sections_and_clauses(corpus_documents, corpus_clauses):
    clauses = corpus_clauses[CHENGDU]
    sections = [c for c in clauses if c.level == 1]
    items = [c for c in clauses if c.level == 2]
    assert [c.labels[0] for c in sections] == list("一二三四五六七八")
    assert [cn_to_int(c.labels[1].strip("（）")) for c in items] == list(range(1, 34))
    expected = line_sections(corpus_documents[CHENGDU].text, r"([一二三四五六七八])、", r"[(（]([一二三四五六七八九十]+)[)）]")
    assert {c.labels[1].strip("（）"): c.labels[0] for c in items} == expected
    tree = by_label_path(clauses)
    assert tree["三/（八）"].parent_id.endswith(":三") and tree["八/（三十三）"].parent_id.endswith(":八")
    assert "2020年7月15日中国共产党成都市第十三届委员会第七次全体会议通过" in tree["题注"].text
    assert "题注" not in tree["前言"].text and "通过)" not in tree["前言"].text


def test_sichuan_traditional(corpus_clauses):
    clauses = corpus_clauses[SICHUAN]
    assert [c.labels[0] for c in clauses if c.level == 1] == list("一二三四")
    assert len([c for c in clauses if c.level == 2]) == 18
    tree = by_label_path(clauses)
    assert "營造良好創新生態" in tree["三/（十一）"].text
    assert "建設現代物流樞紐體系" in tree["三/（九）"].text
    assert "推進環境共保" in tree["三/（十二）"].text
    assert tree["三/（十一）"].search_text == to_search_text(tree["三/（十一）"].text)
    assert "营造良好创新生态" in tree["三/（十一）"].search_text
    assert tree["一"].text.startswith("一、堅定") and "2020年1月" in tree["一"].text  # intro before （一）


def test_yuzhong_items_under_actions(corpus_documents, corpus_clauses):
    clauses = corpus_clauses[YUZHONG]
    tree = by_label_path(clauses)
    items = [c for c in clauses if c.level == 3]
    assert sorted(int(c.labels[2]) for c in items) == list(range(1, 56))
    assert all(c.labels[0] == "三" for c in items)
    expected = line_sections(corpus_documents[YUZHONG].text, r"[(（]([一二三四五六七八九十]+)[)）]", r"(\d+)\.")
    assert {c.labels[2]: c.labels[1].strip("（）") for c in items} == expected
    assert tree["三/（二）/5"].ref == "三、重点任务 （二） 5."
    guarantees = [c for c in clauses if c.labels[0] == "四" and c.level == 2]
    assert [c.labels[1] for c in guarantees] == ["（一）", "（二）", "（三）", "（四）"]
    assert tree["四/（一）"].clause_id != tree["三/（一）"].clause_id
    assert tree["四/（一）"].heading == "提高站位强认识"
    assert tree["二"].ref == "二、主要目标"


def test_xianfeng_headings_and_leads(corpus_documents, corpus_clauses):
    clauses = corpus_clauses[XIANFENG]
    lines = corpus_documents[XIANFENG].text.split("\n")
    heading_lines = [i for i, line in enumerate(lines) if line.startswith("正确处理好")]
    sections = [c for c in clauses if c.level == 1]
    assert [c.text.split("\n")[0] for c in sections] == [lines[i] for i in heading_lines]
    for section, start, end in zip(sections, heading_lines, [*heading_lines[1:], None]):
        body = [line for line in lines[start + 1 : end] if not line.startswith("(本文摘自")]
        children = [c for c in clauses if c.parent_id == section.clause_id]
        assert section.text == "\n".join(lines[start : start + 2])  # heading + intro paragraph
        assert len(children) == len(body) - 1 and all(c.level == 2 for c in children)
    first_lead = next(c for c in clauses if c.heading == "努力保持稳中求进的发展态势")
    assert first_lead.ref == "正确处理好稳定当前与谋划长远的关系 · 努力保持稳中求进的发展态势"


def test_tianfu_clean_and_aligned(corpus_documents, corpus_clauses):
    document = corpus_documents[TIANFU]
    clauses = corpus_clauses[TIANFU]
    for clause in clauses:
        assert not re.search(r"\.{4,}|…{2,}|-\s*\d+\s*-", clause.text), clause.clause_id  # TOC lines, page markers
        assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", clause.text), clause.clause_id
    ordered = sorted(clauses, key=lambda c: c.start)
    seventh = next(i for i, c in enumerate(ordered) if c.labels == ("第七篇",))
    eighth = next(i for i, c in enumerate(ordered) if c.labels == ("第八篇",))
    assert all(c.labels[0] == "第七篇" for c in ordered[seventh:eighth])
    principles = [c for c in clauses if c.heading in ("生态筑底、公园塑型", "创新驱动、高端引领", "产城融合、品质宜居", "极核生长、联动发展")]
    assert len(principles) == 4
    assert all(c.labels[:3] == ("第一篇", "第二章", "第二节") and "第二节 主要原则" in c.path for c in principles)
    # No clause sits under a TOC entry it cannot belong to: in document order, the TOC entries
    # named by clauses never go backwards, and every named chain exists in the TOC.
    toc = document.toc
    chains = {}
    stack: list[str] = []
    for i, entry in enumerate(toc):
        stack = stack[: entry.level - 1] + [entry.label]
        chains[tuple(stack)] = i
    positions = []
    for clause in ordered:
        named = tuple(label for label in clause.labels if re.fullmatch(r"第.+[篇章节]", label))
        if named:
            assert named in chains, clause.clause_id
            positions.append(chains[named])
    assert positions == sorted(positions)
    aligned = [c for c in clauses if len(c.labels) == 3 and c.labels[0] in ("第七篇", "第八篇", "第九篇")]
    assert aligned and all(c.ref == " ".join(c.labels) for c in aligned)


def test_every_clause_of_every_document(corpus_documents, corpus_clauses):
    assert set(corpus_clauses) == {CHENGDU, SICHUAN, YUZHONG, XIANFENG, TIANFU}
    for doc_id, clauses in corpus_clauses.items():
        document = corpus_documents[doc_id]
        ids = [c.clause_id for c in clauses]
        assert len(ids) == len(set(ids)), doc_id
        assert [c.ordinal for c in clauses] == list(range(len(clauses)))
        assert [c.start for c in clauses] == sorted(c.start for c in clauses)
        by_id = {c.clause_id: c for c in clauses}
        for before, after in zip(clauses, clauses[1:]):
            assert before.end <= after.start, (before.clause_id, after.clause_id)
        for clause in clauses:
            assert clause.text == document.text[clause.start : clause.end] and clause.text.strip()
            # headings that are no clause of their own come first: the clause is searched with them
            assert clause.search_text.endswith(to_search_text(clause.text))
            assert clause.clause_id == f"{doc_id}:{'/'.join(clause.labels)}"
            assert clause.doc_title == document.meta.title and (clause.part, clause.parts) == (1, 1)
            assert not any(word in clause.search_text for word in BOILERPLATE), clause.clause_id
            assert not document.meta.title in clause.text
            if clause.parent_id:
                assert by_id[clause.parent_id].level < clause.level
        assert ids == [c.clause_id for c in parse_clauses(document)]  # stable across parses


def test_every_gold_quote_lies_inside_one_clause(corpus_clauses):
    from eval.goldset import load_gold, resolve

    resolution = resolve(load_gold(), [c for clauses in corpus_clauses.values() for c in clauses])
    assert not resolution.unresolved, [(u.row_id, u.quote, u.reason) for u in resolution.unresolved]
