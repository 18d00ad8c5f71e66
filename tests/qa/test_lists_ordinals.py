"""Items counted in running text with 第一次是 / 第二次是 / 第三次则是 (realdocs2: 「三轮大规模设备更新分别
是什么」 answered with the first wave only) are a list, as 一是 / 二是 / 三是 are."""
from __future__ import annotations

from qa.answer.extractive import ExtractiveAnswerer
from qa.answer.lists import ordinal_list
from qa.core.text import to_search_text
from qa.core.types import Clause, ContextItem, Hit

TEXT = ("1978年以来，我国工业几经变革。第一次是在改革开放初期，大规模引进西方设备，使工业水平突飞猛进。"
        "第二次是加入世界贸易组织后，工业设备实现升级换新。第三次则是从2016年开始，企业设备更新转向国产高端设备。"
        "这三次设备更新都提升了生产效率。")


def item() -> ContextItem:
    c = Clause(clause_id="d:二", doc_id="d", doc_title="设备更新评论文章", ref="二", path=("二",), labels=("二",),
               heading="设备更新回顾", text=TEXT, search_text=to_search_text(TEXT), start=0, end=len(TEXT), ordinal=2,
               level=1, parent_id=None)
    return ContextItem(n=1, hit=Hit(clause=c, score=1.0, text=TEXT), text=TEXT)


def test_waves_counted_as_first_second_third_time_are_a_list():
    found = ordinal_list(item(), 3)
    assert found is not None
    body, _ = found
    assert "引进西方设备" in body and "加入世界贸易组织" in body and "国产高端设备" in body


def test_the_list_question_is_answered_with_every_wave():
    draft = ExtractiveAnswerer().answer("文章回顾的三轮大规模设备更新分别是什么？", [item()])
    assert not draft.refused and "加入世界贸易组织" in draft.text and "国产高端设备" in draft.text
