"""Near ties settled by what a question asks for (qa/answer/preference.py), on hand-built clauses of
the realdocs3 failure shapes: a list named by a quoted word (五个“全”), a list named by its noun
(改哪些内容 → 「改造内容包括A、B、C」), a place (到哪里办). Each test also checks that without the
bonus the other sentence wins, so the fixture really is a near tie the bonus decides."""
from __future__ import annotations

from dataclasses import replace

from qa.answer.extractive import ExtractiveAnswerer
from qa.core.config import TUNING

from handmade import clause, items_of


ANSWERER = ExtractiveAnswerer()
NO_ITEMS_BONUS = ExtractiveAnswerer(selection=replace(TUNING.answer, listed_items_bonus=0.0))
NO_KIND_BONUS = ExtractiveAnswerer(selection=replace(TUNING.answer, stated_kind_bonus=0.0))


def test_a_quoted_word_list_quotes_the_sentence_whose_items_carry_the_word():
    title = "某区文物保护行动计划"
    aims = clause("d", ("一、总体要求",), "一、总体要求\n坚持系统观念，深化细化全方面摸底、全要素保护、全方位赋能的“三全工作法”，推动示范区建设。",
                  1, title)
    method = clause("d", ("二、工作方法",), "二、工作方法\n采用“先甄别、先规划、再建设”的工作方法，推动文物保护项目实施。", 2, title)
    question = "行动计划提到的“全”字工作方法分别是什么？"
    draft = ANSWERER.answer(question, items_of(method, aims))
    assert not draft.refused and "全要素保护" in draft.text
    assert "全要素保护" not in NO_ITEMS_BONUS.answer(question, items_of(method, aims)).text


def test_a_list_named_by_its_noun_quotes_the_sentence_that_announces_the_items():
    text = ("（八）提升公交服务。对300个公交站台进行适老化改造。主要改造内容包括增设无障碍坡道、增加警示标识、"
            "完善候车环境和站台设施等。")
    task = clause("d", ("二、重点任务", "（八）提升公交服务"), text, 8)
    row = clause("d", ("附件", "（16）公交站台适老化改造300个"), "（16）公交站台适老化改造300个。", 16)
    question = "公交站台适老化改造主要改哪些内容？"
    draft = ANSWERER.answer(question, items_of(row, task))
    assert not draft.refused and "无障碍坡道" in draft.text
    assert "无障碍坡道" not in NO_ITEMS_BONUS.answer(question, items_of(row, task)).text


def test_a_where_question_quotes_the_sentence_naming_the_place():
    online = clause("d", ("三、申报",), "三、申报\n申请人通过门户网站申报积分并完成原件核验受理。", 3)
    office = clause("d", ("四、核验",), "四、核验\n积分申报通过后，申请人需前往受理窗口完成原件核验。", 4)
    question = "积分申报的原件核验要到哪里去办？"
    draft = ANSWERER.answer(question, items_of(online, office))
    assert not draft.refused and draft.text.startswith("积分申报通过后") and "受理窗口" in draft.text
    assert not NO_KIND_BONUS.answer(question, items_of(online, office)).text.startswith("积分申报通过后")


def test_a_negated_case_question_quotes_the_sentence_on_that_case():
    text = ("（二）新建项目。按照同步实施原则，新建交通工程项目须同步配套光伏发电设施，在方案设计中明确光伏建设。"
            "对不建设光伏发电系统的交通工程项目，需将理由说明并报市交通委。")
    task = clause("d", ("三、重点任务", "（二）新建项目"), text, 2)
    question = "如果新建交通工程项目不打算配建光伏发电系统，应当怎么办？"
    draft = ANSWERER.answer(question, items_of(task))
    assert not draft.refused and draft.text.startswith("对不建设光伏发电系统")
    assert not NO_KIND_BONUS.answer(question, items_of(task)).text.startswith("对不建设光伏发电系统")
