"""What a chosen sentence is quoted with (qa/answer/quotes.py), on the realdocs3 failure shapes: a
task table's heading row is not continued into its cells (「100个」 quoted as a sentence), and a
rule closing on 「；」 is quoted with the cases after it (a tie-break: 「分值相同时，按…排名」)."""
from __future__ import annotations

from qa.answer.asks import read_question
from qa.answer.extractive import ExtractiveAnswerer
from qa.answer.quotes import kept, trim, with_following
from qa.answer.terms import content_terms
from qa.core.types import Clause

import handmade
from handmade import items_of


def clause(path: tuple[str, ...], text: str, ordinal: int) -> Clause:
    return handmade.clause("d", path, text, ordinal, title="某市工作问答")


def test_a_table_rows_heading_is_not_continued_into_its_cells():
    row = "（16）公交站台适老化改造300个。\n100个\n100个\n设施运行处"
    assert with_following("（16）公交站台适老化改造300个。", row) == "（16）公交站台适老化改造300个。"


def test_a_heading_is_still_continued_with_the_sentence_after_it():
    text = "（6）加大停车难问题处置力度。\n创建30个停车资源优化项目，开工建设4500个公共停车位。\n设施运行处"
    quoted = with_following("（6）加大停车难问题处置力度。", text)
    assert quoted.endswith("开工建设4500个公共停车位。") and "设施运行处" not in quoted


RANKING = ("答：申请人员按基础指标分值从高到低进行排名；分值相同时，按照在本市缴纳社会医疗保险时长排名；"
           "如再相同，按照在本市连续办理居住证时长排名。凡经两轮排名后排序相同，作并列排名处理。")


def test_a_rule_closing_on_a_semicolon_is_quoted_with_its_cases():
    quoted = with_following("答：申请人员按基础指标分值从高到低进行排名；", RANKING)
    assert quoted.endswith("连续办理居住证时长排名。") and "并列排名" not in quoted
    assert kept("答：申请人员按基础指标分值从高到低进行排名；", quoted) == len(quoted)  # trimming keeps the cases


def test_a_semicolon_followed_by_another_rule_is_not_a_case():
    text = "申请人应当提交申请表；审批机关应当在十日内作出决定。"
    assert with_following("申请人应当提交申请表；", text) == "申请人应当提交申请表；"


def test_a_rule_question_is_answered_with_the_tie_breaks():
    faq = clause(("4.积分排名",), "4.积分排名\n" + RANKING, 4)
    draft = ExtractiveAnswerer().answer("积分入户申请人是按什么规则排名的？", items_of(faq))
    assert not draft.refused and "社会医疗保险" in draft.text and "居住证" in draft.text


def test_a_list_questions_paragraph_long_sentence_is_cut_to_its_enumeration():
    sentence = ("以新时代思想为指导，深入贯彻落实文物工作重要论述和重要讲话精神，坚持以人民为中心，坚持新发展理念，"
                "全面践行人民城市重要理念，深化细化全方面摸底、全要素保护、全方位赋能、全周期管理、全民性参与的“五全工作法”，"
                "一体推进区域文物资源重现风貌，以集中成片科学保护和合理利用推动示范区建设，建设世界级滨水区的未来中心，"
                "释放示范区建设效应，赋能文物事业高质量发展，为建设文化强国贡献更大力量。")
    question = "行动计划提到的五个“全”字工作方法分别是什么？"
    quoted = trim(sentence, content_terms(question), False, asks=read_question(question))
    assert "全方面摸底、全要素保护、全方位赋能、全周期管理、全民性参与" in quoted
    assert len(quoted) < len(sentence) and "文化强国" not in quoted
    short = "深化细化全方面摸底、全要素保护、全方位赋能、全周期管理、全民性参与的“五全工作法”，推动示范区建设"
    assert trim(short, content_terms(question), False, asks=read_question(question)) == short  # a list is not cut short


def test_an_english_answer_says_the_documents_state_once_before_all_its_quotes():
    from qa.answer.quotes import cite, join_cited

    parts = [cite("仲裁庭应当自受理之日起四十五日内结束。", 1, "en"), cite("延长期限不得超过十五日。", 2, "en")]
    assert join_cited(parts, "en") == "The documents state: “仲裁庭应当自受理之日起四十五日内结束” [1]; “延长期限不得超过十五日” [2]."
    assert join_cited([cite("四十五日内结束。", 1, "zh")], "zh") == "四十五日内结束[1]。"
