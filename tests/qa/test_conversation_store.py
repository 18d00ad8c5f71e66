from concurrent.futures import ThreadPoolExecutor

import pytest

from qa.conversations import ConversationStore
from qa.core.errors import BadQuestion
from qa.core.types import Answer, Citation, Clause, Filters, Hit, SentenceCheck

CLAUSE = Clause("d:一", "d", "渝中区方案", "一、", ("一、总体要求",), ("一",), "总体要求", "到2027年…", "到2027年…", 0, 8, 0, 1)


def answer(question: str, n: int = 1) -> Answer:
    return Answer(question=question, text=f"地区生产总值迈上2100亿元台阶[{n}]。",
                  citations=(Citation(n, "d:一", "d", "渝中区方案", "一、", "到2027年…2100亿元", "2100亿元"),),
                  refused=False, backend="offline", verified=True,
                  checks=(SentenceCheck("地区生产总值迈上2100亿元台阶[1]。", (1,), ("2100亿",), (), True),),
                  nearest=(Hit(CLAUSE, 0.7, 1, 2, 0.8, 3.1, "到2027年…"),), timings=(("retrieve", 0.01),))


def test_a_conversation_survives_a_restart_turn_for_turn(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    cid = store.create()
    filters = Filters(doc_ids=("d",), date_from="2020-01-01")
    first, second = answer("渝中区到2027年地区生产总值目标是多少？"), answer("那人均呢？")
    assert store.add_turn(cid, first, filters, "offline") == 0 and store.add_turn(cid, second) == 1

    reopened = ConversationStore(tmp_path / "c.sqlite").get(cid)
    assert reopened.answers == (first, second)  # every field, citations and checks included
    assert reopened.turns[0].filters == filters and reopened.turns[0].mode == "offline"
    assert reopened.title == first.question[:40]


def test_list_is_newest_first_and_delete_removes_the_turns_too(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    old, new = store.create(), store.create()
    store.add_turn(old, answer("a"))
    store.add_turn(new, answer("b"))
    store.add_turn(new, answer("c"))
    assert [(s.id, s.turns) for s in store.list()][0] == (new, 2)
    store.delete(new)
    assert [s.id for s in store.list()] == [old]
    for call in (lambda: store.get(new), lambda: store.delete(new), lambda: store.add_turn(new, answer("d"))):
        with pytest.raises(BadQuestion, match="No conversation"):
            call()


def test_turns_added_at_once_all_land_with_distinct_positions(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    cid = store.create()
    with ThreadPoolExecutor(8) as pool:
        positions = list(pool.map(lambda i: store.add_turn(cid, answer(f"问题{i}")), range(16)))
    assert sorted(positions) == list(range(16))
    assert len(store.get(cid).turns) == 16
