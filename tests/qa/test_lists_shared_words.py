"""A list the question names by the words each item says, no heading above the items naming it
(qa/answer/lists.py shared_words_list): 「正确处理好哪些关系」 is answered by the clauses 「正确处理好
A与B的关系」, not by one of them. Articles of a law (whose headings are their first sentences) and
items a sentence above already lists are no such list."""
from __future__ import annotations

from qa.answer.extractive import ExtractiveAnswerer
from qa.answer.lists import shared_words_list
from qa.answer.shelf import Shelf
from qa.answer.terms import content_terms
from qa.core.text import to_search_text
from qa.core.types import Clause, ContextItem, Hit


def clause(labels: tuple[str, ...], heading: str, text: str, ordinal: int) -> Clause:
    parent = f"d:{'/'.join(labels[:-1])}" if len(labels) > 1 else None
    return Clause(clause_id=f"d:{'/'.join(labels)}", doc_id="d", doc_title="某市干部工作文章", ref=" ".join(labels),
                  path=labels, labels=labels, heading=heading, text=text, search_text=to_search_text(text),
                  start=0, end=len(text), ordinal=ordinal, level=len(labels), parent_id=parent)


def items_of(*clauses: Clause) -> list[ContextItem]:
    return [ContextItem(n=i, hit=Hit(clause=c, score=1.0, text=c.text), text=c.text)
            for i, c in enumerate(clauses, start=1)]


PAIRS = ("稳定当前与谋划长远", "极核引领与区域协同", "产业升级与动能转换", "公平公正与效率效能")


def relations() -> list[Clause]:
    out = []
    for k, pair in enumerate(PAIRS, start=1):
        heading = f"正确处理好{pair}的关系"
        out.append(clause((heading,), heading, f"{heading}\n要坚持统筹兼顾，推动各项工作协调发展。", k))
    return out


def test_the_clauses_each_saying_the_questions_words_are_the_list():
    question = "文章要求正确处理好哪些关系？"
    draft = ExtractiveAnswerer().answer(question, items_of(*relations()))
    assert not draft.refused and all(pair in draft.text for pair in PAIRS)


def test_articles_of_a_law_are_no_such_list():
    articles = [clause(("第二章", f"第{n}条"), f"公民跨省迁移户口的第{n}项手续", f"第{n}条 公民跨省迁移户口的第{n}项手续，按规定办理。", n)
                for n in ("四十一", "四十二", "四十三")]
    shelf = Shelf(items_of(*articles))
    assert shared_words_list(content_terms("跨省迁移户口需要哪些手续？"), shelf) is None


def test_items_a_sentence_above_lists_are_left_to_that_sentence():
    above = clause(("二",), "主要目标", "二、主要目标\n实现城市能级显著提升、产业能级显著提升、生活品质能级显著提升。", 1)
    items = [clause(("二", f"——{name}"), f"{name}能级显著提升", f"——{name}能级显著提升。推进相关工作。", k)
             for k, name in enumerate(("城市", "产业", "生活品质"), start=2)]
    shelf = Shelf(items_of(above, *items))
    assert shared_words_list(content_terms("要实现哪些方面的能级显著提升？"), shelf) is None
    assert shared_words_list(content_terms("要实现哪些方面的能级显著提升？"), Shelf(items_of(*items))) is not None
