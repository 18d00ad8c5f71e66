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
    assert document_heads(DOCS[2]) == ("渝中区十项行动", "渝中区")
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
