"""A list question whose best words sit in a bare heading (「4、推进停车难综合治理」, a clause holding its
headline alone, its content in the clauses under it) is not answered with the heading line: the
realdocs3 failure quoted 「4、推进停车难综合治理[1]。」 for 「缓解停车难方面，三年要完成哪些量化任务？」."""
from __future__ import annotations

from qa.answer.extractive import ExtractiveAnswerer
from qa.core.types import Clause

import handmade
from handmade import items_of


def clause(path: tuple[str, ...], text: str, ordinal: int) -> Clause:
    return handmade.clause("d", path, text, ordinal, title="某市交通管理工作方案")


def test_a_bare_heading_is_not_the_answer_to_a_list_question():
    heading = clause(("五、任务清单", "4、 推进停车难综合治理"), "4、推进停车难综合治理", 4)
    task = clause(("五、任务清单", "4、 推进停车难综合治理", "（6） 加大停车难问题处置力度"),
                  "（6）加大停车难问题处置力度。\n创建30个停车资源优化项目，开工建设4500个公共停车位。\n设施运行处", 6)
    draft = ExtractiveAnswerer().answer("推进停车难综合治理要完成哪些任务？", items_of(heading, task))
    assert not draft.refused and "4500个公共停车位" in draft.text
    assert "设施运行处" not in draft.text  # the row's cells are no sentence of the answer


def test_a_heading_with_items_under_it_still_lists_them():
    heading = clause(("三、 主要任务",), "三、主要任务", 3)
    first = clause(("三、 主要任务", "（一） 推进停车资源优化"), "（一）推进停车资源优化。创建停车资源优化项目。", 4)
    second = clause(("三、 主要任务", "（二） 建设智慧停车场"), "（二）建设智慧停车场。建成示范性智慧公共停车场。", 5)
    draft = ExtractiveAnswerer().answer("主要任务有哪些？", items_of(heading, first, second))
    assert not draft.refused and "推进停车资源优化" in draft.text and "建设智慧停车场" in draft.text
