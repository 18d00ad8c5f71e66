"""Documents named in a question, recognised from the documents' own metadata."""
from __future__ import annotations

from qa.core.types import DocumentMeta
from qa.retrieve.docnames import document_heads, document_mentions, without_mentions

DOCS = [
    DocumentMeta("cd", "中共成都市委关于…的决定", "成都市委决定", issuer="中共成都市委"),
    DocumentMeta("sc", "中共四川省委关于…的决定", "四川省委决定", issuer="中共四川省委"),
    DocumentMeta("yz", "渝中区…实施方案", "渝中区十项行动实施方案"),
    DocumentMeta("tf", "四川天府新区发展规划(2022-2027年)", "天府新区发展规划(征求意见稿)"),
    DocumentMeta("xf", "坚守战略定力…", "《先锋》文章:坚守战略定力 持续创新提能"),
]


def ids(question: str) -> list[str]:
    return [m.doc_id for m in document_mentions(question, DOCS)]


def test_heads_come_from_the_short_titles():
    assert document_heads(DOCS[0]) == ("成都市委",)
    assert document_heads(DOCS[2]) == ("渝中区十项行动", "渝中区", "渝中")  # 渝中方案 names it too
    assert document_heads(DOCS[4]) == ("先锋",)


def test_documents_are_named_by_head_and_kind_in_the_order_asked():
    assert ids("四川省委决定和成都市委决定共同聚焦的目标定位是什么？") == ["sc", "cd"]
    assert ids("渝中区方案、成都市委决定和四川省委决定在西部金融中心建设上分别怎么表述？") == ["yz", "cd", "sc"]
    assert ids("成都市委决定和《先锋》文章都提到的“一尊重五统筹”是什么？") == ["cd", "xf"]
    assert ids("渝中区十项行动方案和天府新区发展规划的目标年份分别是哪年？") == ["yz", "tf"]
    assert ids("成都市委決定和四川省委決定都提出什麼？") == ["cd", "sc"]  # traditional script too


def test_a_place_without_a_kind_word_names_no_document():
    assert ids("渝中区到2027年地区生产总值目标是多少？") == []
    assert ids("渝中区和天府新区在碳达峰碳中和方面分别争创什么区？") == []


def test_the_topic_is_the_question_without_the_names():
    question = "成都市委决定和四川省委决定都提出开工建设哪条高铁？"
    topic = without_mentions(question, document_mentions(question, DOCS))
    assert "决定" not in topic and "开工建设哪条高铁" in topic


OTHERS = [
    DocumentMeta("plan", "上海市国民经济和社会发展第十五个五年规划纲要", "上海市十五五规划纲要", issuer="上海市人民代表大会"),
    DocumentMeta("rules", "上海市单用途预付消费卡管理规定", "上海市单用途预付消费卡管理规定", issuer="上海市人民代表大会常务委员会"),
    DocumentMeta("pd", "浦东新区2025年节能重点工作安排", "浦东新区2025年节能重点工作安排", issuer="上海市浦东新区发展和改革委员会"),
    DocumentMeta("gb", "关于加强医疗保障基金使用常态化监管的实施意见", "关于加强医疗保障基金使用常态化监管的实施意见", issuer="国务院办公厅"),
    DocumentMeta("yb", "关于做好当前药品价格管理工作的意见", "关于做好当前药品价格管理工作的意见", issuer="国家医疗保障局"),
]


def named(question: str) -> list[str]:
    return [m.doc_id for m in document_mentions(question, OTHERS)]


def test_a_place_is_named_without_its_administrative_suffix_and_only_with_its_documents_kind():
    assert named("浦东2025年工作安排和上海“十五五”纲要对既有建筑节能改造分别提出了什么要求？") == ["pd", "plan"]
    assert named("上海纲要提出了什么？") == ["plan"]  # not the regulations: their title says 规定


def test_a_question_word_between_place_and_kind_names_no_document():
    assert named("上海对预付卡有什么规定？") == []


def test_an_issuer_abbreviated_before_the_kind_word_names_the_document():
    assert named("国办意见要求推进哪几项监管工作常态化？") == ["gb"]
    assert named("按照国家医保局的意见，哪些药品实行政府指导价？") == ["yb"]
    assert named("国务院的意见要求什么？") == ["gb"]  # 国务院 is the start of 国务院办公厅
    assert named("这些意见要求什么？") == []  # 这些 is no issuer's name
