"""A list question over a law's articles (realdocs3: 「跨省迁户口需要走哪几个步骤？」 answered with the
first sentences of four neighbouring articles): articles are no items of a list, and the article
announcing its items with a colon (「按照以下程序办理：」) is quoted with them."""
from __future__ import annotations

from dataclasses import replace

from qa.answer.extractive import ExtractiveAnswerer
from qa.answer.lists import sibling_list
from qa.answer.shelf import Shelf
from qa.core.config import TUNING
from qa.core.text import to_search_text
from qa.core.types import Clause, ContextItem, Hit


def article(number: str, text: str, ordinal: int) -> Clause:
    labels = ("第二章", f"第{number}条")
    return Clause(clause_id=f"d:第二章/第{number}条", doc_id="d", doc_title="户口管理工作规范", ref=" ".join(labels),
                  path=labels, labels=labels, heading=text.split("　", 1)[-1].split("，")[0], text=text,
                  search_text=to_search_text(text), start=0, end=len(text), ordinal=ordinal, level=2,
                  parent_id="d:第二章")


def items_of(*clauses: Clause) -> list[ContextItem]:
    return [ContextItem(n=i, hit=Hit(clause=c, score=1.0, text=c.text), text=c.text)
            for i, c in enumerate(clauses, start=1)]


ARTICLES = (
    article("四十五", "第四十五条　各地应推进户口迁移跨省通办，简化迁移手续，减轻群众负担。", 45),
    article("四十三", "第四十三条　公民申请办理户口跨省迁移的，按照以下程序办理：\n（一）向拟迁入地公安机关提出申请，领取户口准迁证；\n"
                      "（二）凭户口准迁证向迁出地公安机关申请迁出户口，领取户口迁移证；\n（三）凭户口迁移证到迁入地办理户口迁入登记。", 43),
    article("四十一", "第四十一条　公民跨省的户口迁移，应当办理户口准迁证。", 41),
)
QUESTION = "跨省迁移户口需要走哪几个步骤？"


def test_a_laws_articles_are_not_listed_as_items():
    items = items_of(*ARTICLES)
    assert sibling_list(ARTICLES[0].text, items[0], Shelf(items)) is None


def test_the_article_announcing_its_steps_is_quoted_with_them():
    draft = ExtractiveAnswerer().answer(QUESTION, items_of(*ARTICLES))
    assert not draft.refused and "按照以下程序办理" in draft.text
    assert "户口迁移证到迁入地办理户口迁入登记" in draft.text and "跨省通办" not in draft.text
    plain = ExtractiveAnswerer(selection=replace(TUNING.answer, listed_items_bonus=0.0)).answer(QUESTION, items_of(*ARTICLES))
    assert "按照以下程序办理" not in plain.text  # a tie on words: the announcement decides
