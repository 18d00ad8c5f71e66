"""Numbering read as sequences (index/ingest/sequences.py): hand-made documents, one per failure
class, checked by clause ids and texts through the real parser."""
from __future__ import annotations

import hashlib

from index.ingest.clauses import parse_clauses
from qa.core.types import Document, DocumentMeta


def parse(text: str, title: str = "关于做好测试工作的意见") -> dict:
    meta = DocumentMeta(doc_id="doc", title=title, short_title=title)
    doc = Document(meta, "doc.txt", "txt", "utf-8", text, hashlib.sha256(text.encode()).hexdigest())
    return {"/".join(c.labels): c for c in parse_clauses(doc)}


def test_items_run_on_across_sections_and_into_the_next_top_section():
    tree = parse("一、总体要求\n（一）基本原则\n1.坚持统筹推进。做好测试。\n2.坚持问题导向。抓好落实。\n"
                 "（二）主要目标\n3.到2025年，覆盖率达到九成。\n4.到2027年，体系基本建立。\n"
                 "二、重点任务\n5.加强组织领导。明确责任分工。\n6.强化资金保障。加大投入力度。")
    assert tree["一/（二）/3"].text.startswith("3.到2025年") and tree["一/（二）/4"].text.endswith("基本建立。")
    assert tree["二/5"].text == "5.加强组织领导。明确责任分工。"
    assert tree["二/6"].parent_id == "doc:二"


def test_a_label_that_reads_as_a_decimal_is_the_next_item():
    tree = parse("一、人才项目\n1.青年英才计划。每年遴选青年人才。\n2.博士后计划。每年招收博士后。\n"
                 "3.121人才梯队项目。分三个层次培养人才。\n4.高端人才引进。引进高端人才20名。")
    assert tree["一/3"].text == "3.121人才梯队项目。分三个层次培养人才。"
    assert tree["一/2"].text == "2.博士后计划。每年招收博士后。"  # item 2 no longer swallows item 3
    assert tree["一/4"].heading == "高端人才引进"


def test_a_decimal_figure_opening_a_paragraph_is_not_an_item():
    tree = parse("一、主要目标\n1.经济总量。地区生产总值稳步增长。\n2.5亿元专项资金全部到位。\n2.产业结构。持续优化。")
    assert tree["一/1"].text.endswith("2.5亿元专项资金全部到位。")
    assert tree["一/2"].text == "2.产业结构。持续优化。"


def test_a_restarted_list_is_a_new_list_when_its_second_item_follows():
    tree = parse("一、加强组织领导，明确责任分工。\n二、强化资金保障，加大投入力度。\n三、做好宣传引导，营造良好氛围。\n"
                 "附件：目录使用说明\n一、本目录依据学科名称编制，是核定科目的依据。\n二、本目录分一级科目和二级科目。")
    assert tree["一~2"].text.startswith("一、本目录依据") and tree["二~2"].text.startswith("二、本目录分")
    assert "本目录" not in tree["三"].text


def test_a_lone_restart_without_a_second_item_stays_text():
    tree = parse("一、加强组织领导。明确责任。\n二、强化资金保障。加大投入。\n一、二级医院可以申请。说明。\n三、做好宣传引导。营造氛围。")
    assert tree["二"].text.endswith("一、二级医院可以申请。说明。")
    assert tree["三"].text.startswith("三、做好宣传")


def test_a_skipped_number_is_accepted_when_the_list_goes_on_from_it():
    tree = parse("一、任务\n1.第一项。说明。\n2.第二项。说明。\n4.第四项。说明。\n5.第五项。说明。")
    assert tree["一/4"].text == "4.第四项。说明。" and tree["一/2"].text == "2.第二项。说明。"


def test_an_item_glued_to_the_previous_one_by_line_joining_is_split():
    tree = parse("一、填报说明\n1．申报表由申请单位填报。表中列出全部科目。 2．凡设置二级科目的，应填报到二级科目。\n"
                 "3．只开展专科诊疗的，填报所属科目。 二、本通知自发布之日起施行。")
    assert tree["一/1"].text == "1．申报表由申请单位填报。表中列出全部科目。"
    assert tree["一/2"].text == "2．凡设置二级科目的，应填报到二级科目。"
    assert tree["一/3"].text == "3．只开展专科诊疗的，填报所属科目。"
    assert tree["二"].text == "二、本通知自发布之日起施行。"


def test_a_cross_reference_after_a_sentence_end_does_not_split():
    tree = parse("一、任务\n1.按期完成。详见附件。3.5万元由财政承担。\n2.按时报送。说明。")
    assert tree["一/1"].text == "1.按期完成。详见附件。3.5万元由财政承担。"


def test_a_numeral_typed_as_a_lookalike_still_numbers_an_article():
    # 「第二十ー条」 carries a katakana ー for 一 (an IME slip); a PDF font may give the Kangxi radical ⼆.
    tree = parse("第一章 总则\n第十九条 公民应当申报登记。\n第二十条 婴儿出生后一个月以内申报出生登记。\n"
                 "第二十ー条 夫妻一方户口为集体户的，随家庭户一方申报。\n第二十二条 本规范自印发之日起施行。",
                 title="某某工作规范")
    assert tree["第一章/第二十一条"].text.startswith("第二十ー条") and "第二十ー条" not in tree["第一章/第二十条"].text


def test_articles_numbered_by_a_bare_number_and_a_space_are_clauses():
    # A law collection that drops 第…條 and keeps the number: 「1 為維護…」, each with its 釋 note.
    text = "\n".join(f"{n} 本法第{n}項規定之事項，由主管機關定之。\n釋：本條新增。" for n in range(1, 6))
    tree = parse(text, title="某某管制法")
    assert [k for k in tree if k != "前言"] == ["1", "2", "3", "4", "5"]
    assert tree["3"].text.startswith("3 本法第3項") and tree["3"].text.endswith("釋：本條新增。")


def test_a_number_and_a_space_opening_one_paragraph_is_no_list():
    tree = parse("一、工作要求\n各单位要抓紧落实。\n1 个工作日内完成登记，逾期不予受理。\n二、其他\n本意见自印发之日起施行。")
    assert "一/1" not in tree and "1 个工作日内" in tree["一"].text


def test_a_first_item_read_as_a_decimal_is_item_one_when_item_two_follows():
    tree = parse("1.2025年度指标有多少个？\n答：指标为1.6万个。\n2.申请需要具备哪些条件？\n答：需要具备以下条件。",
                 title="工作热点问答")
    assert tree["1"].text.startswith("1.2025年度指标") and tree["2"].text.startswith("2.申请")


def test_the_cover_notice_between_the_issuing_title_and_the_documents_own_is_a_clause():
    text = ("某某部关于印发《某某管理工作规范》的通知\n某发〔2021〕12号\n各省、自治区、直辖市有关部门：\n"
            "《某某管理工作规范》已经部务会审议通过，现印发给你们，请结合本地实际认真贯彻执行。\n某某部\n2021年7月24日\n"
            "某某管理工作规范\n第一章 总则\n第一条 为规范管理工作，制定本规范。\n第二条 本规范适用于全国。")
    tree = parse(text, title="某某管理工作规范")
    assert "印发通知" in tree and "现印发给你们" in tree["印发通知"].text and "某发〔2021〕12号" in tree["印发通知"].text
    assert tree["第一章/第一条"].text == "第一条 为规范管理工作，制定本规范。"


def test_page_captions_between_two_title_lines_are_no_cover_notice():
    text = "某某规划\n来源：某某网\n某某规划\n一、总体要求\n坚持统筹推进。\n二、主要任务\n加强组织领导。"
    assert "印发通知" not in parse(text, title="某某规划")


def test_the_cells_of_a_flattened_table_are_no_headings():
    # A task table saved one cell per line: task, yearly targets, 牵头部门, 配合部门, 实施主体.
    text = ("一、主要任务\n（1）完成慢行交通专项提升项目300项。\n完成慢行交通专项提升项目110个。\n设施运行处\n"
            "各相关部门和单位\n各行业主管部门、各区\n（2）建设慢行交通精品区域50个。\n建设慢行交通精品区17个。\n"
            "200辆\n（3）更新投运无障碍低地板公交车1200辆。\n投运无障碍低地板公交车400辆。")
    tree = parse(text, title="某市交通精细化管理三年行动计划")
    assert set(tree) >= {"一/（1）", "一/（2）", "一/（3）"}
    assert not any(key.startswith(("一/设施运行处", "一/各", "一/200辆")) for key in tree)
