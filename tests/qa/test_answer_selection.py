"""The offline answerer on hand-built clauses (no index, no embedder): one test per failure class
of issue 11 — the year, the measure and the unit asked, who leads a task, a list named by its
heading or count (items the context lacks fetched from the document), a colon that introduces
the answer, 今年 in a dated document, a figure stated elsewhere in the same document, and a
question the clauses cannot answer, refused with what was missing named."""
from __future__ import annotations

from qa.answer.extractive import ExtractiveAnswerer
from qa.core.text import to_search_text
from qa.core.types import Clause, ContextItem, DocumentMeta, Hit


def clause(doc_id: str, path: tuple[str, ...], text: str, ordinal: int, title: str = "某区发展行动方案") -> Clause:
    labels = tuple(p.split(" ")[0] for p in path)
    parent = f"{doc_id}:{'/'.join(labels[:-1])}" if len(labels) > 1 else None
    return Clause(clause_id=f"{doc_id}:{'/'.join(labels)}", doc_id=doc_id, doc_title=title, ref=" ".join(path),
                  path=path, labels=labels, heading=path[-1].split(" ")[-1], text=text,
                  search_text=to_search_text(text), start=0, end=len(text), ordinal=ordinal, level=len(path),
                  parent_id=parent)


def items_of(*clauses: Clause) -> list[ContextItem]:
    return [ContextItem(n=i, hit=Hit(clause=c, score=1.0, text=c.text), text=c.text)
            for i, c in enumerate(clauses, start=1)]


class Library:
    """What the index reader offers the answerer: document metadata and a document's clauses."""

    def __init__(self, clauses: list[Clause], dates: dict[str, str]) -> None:
        self._clauses, self._dates = clauses, dates

    def documents(self) -> list[DocumentMeta]:
        return [DocumentMeta(doc_id=d, title="某区发展行动方案", short_title="方案", date=date) for d, date in self._dates.items()]

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        return [c for c in self._clauses if doc_id is None or c.doc_id == doc_id]


ANSWERER = ExtractiveAnswerer()


def test_a_year_question_quotes_that_years_figure():
    c = clause("d", ("二、主要目标",), "到2025年，全区地区生产总值达到1500亿元。到2027年，全区地区生产总值达到2100亿元。", 1)
    draft = ANSWERER.answer("到2027年全区地区生产总值要达到多少？", items_of(c))
    assert not draft.refused and "2100亿元" in draft.text and "1500亿元" not in draft.text


def test_a_total_question_does_not_quote_the_per_head_figure():
    text = ("——经济能级显著提升。发展能级和综合竞争力全市领先，经济发展速度紧跟全市发展步伐，经济总量保持全市前列，"
            "人均地区生产总值达到33万元左右，地区生产总值迈上2100亿元台阶，楼均生产总值保持全市前列，初步建成创新之城。")
    draft = ANSWERER.answer("地区生产总值要达到多少？", items_of(clause("d", ("二、主要目标", "——经济能级显著提升"), text, 2)))
    assert not draft.refused and "2100亿元" in draft.text and "33万元" not in draft.text


def test_a_duration_question_is_answered_with_the_span_of_time():
    rule = clause("d", ("第八条",), "第八条 审批机关应当自受理申请之日起十五个工作日内作出决定。", 8)
    other = clause("d", ("第九条",), "第九条 审批机关作出决定后应当及时通知申请人并说明理由。", 9)
    draft = ANSWERER.answer("审批机关作出决定的期限是多少个工作日？", items_of(other, rule))
    assert not draft.refused and "十五个工作日" in draft.text


def test_who_leads_is_answered_with_the_responsibility_note():
    task = clause("d", ("三、重点任务", "6."), "6.助力建设航运中心。有效实施长江干线航道整治工程。（牵头单位：区交通局，责任单位：区住建委等）", 6)
    draft = ANSWERER.answer("助力建设航运中心由哪个单位牵头？", items_of(task))
    assert not draft.refused and "区交通局" in draft.text


def test_a_list_named_by_its_heading_gets_every_item_even_those_outside_the_context():
    heading = clause("d", ("三、基本原则",), "三、基本原则", 3)
    kids = [clause("d", ("三、基本原则", f"（{n}）"), f"（{n}）坚持{word}。{word}是发展的重要原则。", 4 + i)
            for i, (n, word) in enumerate(zip("一二三四", ["创新驱动", "协调联动", "绿色低碳", "开放共享"]))]
    library = Library([heading, *kids], {"d": "2023-05-01"})
    draft = ANSWERER.answer("基本原则有哪些？", items_of(heading, kids[0]), library=library)
    assert not draft.refused
    assert all(word in draft.text for word in ["创新驱动", "协调联动", "绿色低碳", "开放共享"])
    assert len(draft.items) == 5 and all(f"[{n}]" in draft.text for n in (2, 3, 4, 5))


def test_a_list_named_by_its_count_gets_that_many_items():
    top = clause("d", ("三、重点任务",), "三、重点任务", 3)
    actions = [clause("d", ("三、重点任务", f"（{n}） 全力推进{w}行动"), f"（{n}）全力推进{w}行动。围绕{w}开展工作，形成支撑。", 4 + i)
               for i, (n, w) in enumerate(zip("一二三", ["产业升级", "城市更新", "开放合作"]))]
    library = Library([top, *actions], {"d": "2023-05-01"})
    draft = ANSWERER.answer("三项行动有哪些？", items_of(actions[1]), library=library)
    assert all(w in draft.text for w in ["产业升级", "城市更新", "开放合作"]) and "……" not in draft.text


def test_an_answer_never_stops_at_a_colon():
    rule = clause("d", ("第五条",), "第五条 外商投资电信企业的注册资本应当符合下列规定：\n"
                  "（一）经营全国的，最低注册资本为10亿元；\n（二）经营省内的，最低注册资本为1亿元。", 5)
    draft = ANSWERER.answer("外商投资电信企业的注册资本有什么规定？", items_of(rule))
    assert not draft.refused and "10亿元" in draft.text and "1亿元" in draft.text


def test_the_items_after_a_colon_may_be_child_clauses():
    head = clause("d", ("第五条",), "第五条 外商投资电信企业的注册资本应当符合下列规定：", 5)
    kids = [clause("d", ("第五条", "（一）"), "（一）经营全国的，最低注册资本为10亿元；", 6),
            clause("d", ("第五条", "（二）"), "（二）经营省内的，最低注册资本为1亿元。", 7)]
    draft = ANSWERER.answer("外商投资电信企业的注册资本应当符合什么规定？", items_of(head),
                            library=Library([head, *kids], {"d": "2022-01-01"}))
    assert not draft.refused and "10亿元" in draft.text and "1亿元" in draft.text


def test_this_year_in_a_dated_document_answers_a_question_naming_that_year():
    c = clause("d", ("一、年度目标",), "一、年度目标 今年全区新增就业岗位3万个，城镇调查失业率控制在5.5%以内。", 1)
    draft = ANSWERER.answer("2024年全区新增就业岗位目标是多少？", items_of(c), library=Library([c], {"d": "2024-02-01"}))
    assert not draft.refused and "3万个" in draft.text


def test_a_figure_stated_in_another_clause_of_the_document_is_no_false_premise():
    asked = clause("d", ("二、",), "二、推进一小时通勤圈建设，完善城际轨道交通网络，提升通勤效率。", 2)
    elsewhere = clause("d", ("五、",), "五、到2028年，基本建成1小时通勤圈。", 5)
    question = "为建成2028年目标中的1小时通勤圈，要完善什么网络？"
    alone = ANSWERER.answer(question, items_of(asked))
    assert alone.refused and "2028" in alone.evidence.unsupported_premises  # nothing said 2028
    draft = ANSWERER.answer(question, items_of(asked), library=Library([asked, elsewhere], {"d": "2024-01-01"}))
    assert not draft.refused and "城际轨道交通网络" in draft.text


def test_an_unrelated_line_is_refused_and_the_refusal_names_what_is_missing():
    note = clause("d", ("附则",), "本方案由区发展改革委负责解释，自印发之日起施行。", 9)
    draft = ANSWERER.answer("成都市2019年的房价调控政策是什么？", items_of(note))
    assert draft.refused and draft.notice
    assert "房价" in draft.notice or "调控" in draft.notice
