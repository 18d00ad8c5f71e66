"""Long plans, work reports and markdown page captures: 1.1 sub-items, a contents list of any
numbering, boxes set into the text, a speaker turning back to the whole section, bold labels
split by a converter, footnotes under the last item. Hand-made documents in each failure's
shape, through the real cleaner and parser."""
from __future__ import annotations

import hashlib

from index.ingest.clean import clean_text
from index.ingest.clauses import parse_clauses
from index.ingest.numbering import match_numbering
from qa.core.types import Document, DocumentMeta


def parse(text: str, fmt: str = "txt", title: str = "某某市发展规划纲要") -> dict:
    cleaned = clean_text(text, fmt).text
    meta = DocumentMeta(doc_id="doc", title=title, short_title=title)
    doc = Document(meta, f"doc.{fmt}", fmt, "utf-8", cleaned, hashlib.sha256(cleaned.encode()).hexdigest())
    return {"/".join(c.labels): c for c in parse_clauses(doc)}


def where(tree: dict, snippet: str) -> str:
    return next(key for key, clause in tree.items() if snippet in clause.text)


def test_a_chinese_label_may_be_followed_by_a_year():
    number = match_numbering("一、2025年工作目标")
    assert number and number.style == "cn、" and number.label == "一"
    assert match_numbering("一.5倍") is None


def test_decimal_sub_items_nest_under_their_item_and_figures_stay_text():
    tree = parse("某某市发展规划纲要\n一、重点任务\n1.提升产业体系。总体要求如下。\n"
                 "1.1增创制造业新优势。推动5000家企业智能化。\n1.2激活服务业新动力。发展生产性服务业。\n"
                 "2.5亿元专项资金全部到位。\n2.扩大内需。坚持内需主导。\n2.1提振消费。实施消费提振行动。")
    assert where(tree, "5000家") == "一/1/1.1"
    assert where(tree, "生产性服务业") == "一/1/1.2"
    assert where(tree, "2.5亿元") == "一/1/1.2"  # a figure, not a sub-item 2.5 of item 1
    assert where(tree, "消费提振") == "一/2/2.1"


def test_a_sub_item_of_another_item_is_not_taken():
    tree = parse("某某市发展规划纲要\n一、重点任务\n1.提升产业体系。总体要求如下。\n3.1发展总部经济。引进总部企业。\n2.扩大内需。坚持内需主导。")
    assert where(tree, "总部企业") == "一/1"


def test_a_box_inside_an_item_is_the_items_text_not_a_heading():
    tree = parse("某某市发展规划纲要\n一、重点任务\n1.提升产业体系。总体要求如下。\n1.1增创制造业新优势。推动转型。\n"
                 "专栏1加快实施人工智能行动\n人工智能新质发展。推动5000家企业智能化应用。\n"
                 "人工智能生活提质。推动辅助诊疗应用。\n专栏2重点产业空间布局\n集成电路以某区为核心打造产业创新带。")
    assert where(tree, "5000家") == "一/1/1.1"
    assert where(tree, "产业创新带") == "一/1/1.1"


def test_a_contents_list_of_section_and_item_headings_is_dropped():
    headings = ["一、回顾成就", "1.顺利实现发展目标", "2.准确把握阶段特征", "二、总体要求", "1.指导思想", "2.发展目标"]
    body = ("前言一段，是指导未来五年发展的蓝图。\n一、回顾成就\n1.顺利实现发展目标\n综合实力持续进位。\n"
            "2.准确把握阶段特征\n外部环境深刻变化。\n二、总体要求\n1.指导思想\n坚持稳中求进。\n2.发展目标\n经济稳定增长。\n"
            "结语\n实现规划目标，责任重大。")
    tree = parse("某某市发展规划纲要\n目录\n开篇寄语\n" + "\n".join(headings) + "\n结语\n" + body)
    assert where(tree, "指导未来五年") == "前言"
    assert where(tree, "综合实力") == "一/1" and where(tree, "经济稳定增长") == "二/2"
    assert not any("目录" in clause.text for clause in tree.values())


def test_an_address_to_the_audience_after_the_last_item_returns_to_the_section():
    tree = parse("2026年某某市政府工作报告\n一、过去一年工作回顾\n（一）着力稳增长。地区生产总值增长5%。\n"
                 "（二）着力促改革。改革取得新进展。\n各位代表！回望五年，我们走过了不平凡的历程。\n"
                 "五年来，我们坚持创新引领，经济总量迈上新台阶。\n二、今年工作安排\n（一）扩大内需。坚持内需主导。",
                 title="2026年某某市政府工作报告")
    assert where(tree, "不平凡的历程").startswith("一/") and "（二）" not in where(tree, "不平凡的历程")
    assert "（二）" not in where(tree, "经济总量迈上新台阶")
    assert where(tree, "坚持内需主导") == "二/（一）"


def test_bold_markdown_labels_split_from_their_dot_and_escaped_are_labels():
    text = ("# 某某区重点工作安排\n\n**一、2025年工作目标**\n\n全年能耗下降3%。\n\n二、重点工作安排\n\n"
            "**（一）强化综合管理**\n\n**1\\.** **推动政策落实。** 制订年度工作计划。\n\n"
            "**2** **．开展目标评价。** 纳入考核体系。\n\n**（二）加快能源转型**\n\n**3\\.** **推进光伏开发。** 新增装机10万千瓦。\n\n"
            "\\[1\\]1、农业；2、工业；3、数据中心。")
    tree = parse(text, "md", title="某某区重点工作安排")
    assert where(tree, "年度工作计划") == "二/（一）/1"
    assert where(tree, "纳入考核体系") == "二/（一）/2" and tree["二/（一）/2"].text.startswith("2．开展目标评价。")
    assert where(tree, "新增装机") == "二/（二）/3"
    assert where(tree, "数据中心") == "附注"  # the footnote under the last item is a note of its own
    assert where(tree, "全年能耗") == "一"


def test_a_table_cell_split_by_br_is_read_as_paragraphs():
    text = ("# 某某规划政策解读\n\n| 发布日期：2026-08-26 来源：市发改委浏览次数：506 |\n| --- |\n"
            "| 现将有关政策解读如下：<br>一、编制背景<br>为把握新一轮产业变革，制定本规划。<br>二、主要内容<br>"
            "规划主要包括以下行动：<br>一是实施产业链发展行动。构建自主可控产业链。<br>二是实施技术突破行动。突破关键技术。 |")
    tree = parse(text, "md", title="某某规划政策解读")
    assert where(tree, "新一轮产业变革") == "一"
    assert where(tree, "自主可控") != where(tree, "关键技术")  # 一是…二是… are units of their own
    assert where(tree, "自主可控").startswith("二/") and where(tree, "关键技术").startswith("二/")
    assert not any("浏览次数" in clause.text for clause in tree.values())
