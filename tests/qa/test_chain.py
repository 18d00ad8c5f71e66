"""The LCEL answer chain through PolicyQA.ask / ask_stream, offline, on the real index."""
from __future__ import annotations

import pytest
from langchain_core.runnables import Runnable

from qa.core.errors import BadQuestion, LLMError
from qa.followup import rule_condense
from qa.core.types import Answer, Citation, Filters

pytestmark = pytest.mark.slow

GDP = "渝中区到2027年地区生产总值要迈上什么台阶？"
STAGES = {"condense", "retrieve", "context", "prompt", "answer", "verify"}


def test_the_chain_is_an_lcel_runnable_made_of_the_stages(built_service):
    chain = built_service._answer_chain
    assert isinstance(chain.chain, Runnable)
    names = [step.name for step in chain.prepare.steps] + [chain.answer_step.name]
    assert names == ["condense", "retrieve", "context", "prompt", "answer"]
    answer = chain.chain.invoke(chain.start(GDP, mode="offline"))
    assert isinstance(answer, Answer) and "2100亿元" in answer.text


def test_answer_records_per_stage_timings(built_service):
    answer = built_service.ask(GDP, mode="offline")
    assert set(answer.stage_seconds) == STAGES
    assert all(seconds >= 0 for seconds in answer.stage_seconds.values())
    assert answer.standalone_question == ""  # nothing to rewrite without history


def test_document_filter_limits_the_citations(built_service):
    answer = built_service.ask("营造良好创新生态", filters=Filters(doc_ids=("sichuan-2020-07-10-provincial-decision",)), mode="offline")
    assert answer.citations and {c.doc_id for c in answer.citations} == {"sichuan-2020-07-10-provincial-decision"}


def test_follow_up_carries_the_previous_topic_offline(built_service):
    first = built_service.ask(GDP, mode="offline")
    follow = built_service.ask("那人均呢？", history=[first], mode="offline")
    assert follow.standalone_question and "人均" in follow.standalone_question
    assert "渝中区" in follow.standalone_question
    assert not follow.refused and "33万元" in follow.text


def test_ordinal_follow_up_resolves_against_the_previous_citations(built_service):
    hits = built_service.retrieve("成都市委决定的基本原则", k=3)
    cited = tuple(
        Citation(n=n, clause_id=h.clause_id, doc_id=h.clause.doc_id, doc_title=h.clause.doc_title,
                 ref=h.clause.ref, text=h.text)
        for n, h in enumerate(hits[:2], start=1)
    )
    first = Answer(question="成都市委决定的基本原则有哪几条？", text="……[1]。……[2]。", citations=cited,
                   refused=False, backend="offline", verified=True)
    follow = built_service.ask("第二条具体说了什么？", history=[first], mode="offline")
    second = cited[1]
    assert second.ref in follow.standalone_question and second.doc_title in follow.standalone_question
    assert not follow.refused
    # A heading-only clause (「（三）基本原则」) is answered from the clauses under it.
    cited = {c.clause_id for c in follow.citations}
    assert cited and all(cid == second.clause_id or cid.startswith(second.clause_id + "/") for cid in cited)


def test_a_question_naming_two_documents_gets_a_quote_from_each(built_service):
    answer = built_service.ask("成都市委决定和四川省委决定分别是哪天通过的？", mode="offline")
    assert not answer.refused and answer.verified
    assert [c.doc_id for c in sorted(answer.citations, key=lambda c: c.n)] == [
        "chengdu-2020-07-15-municipal-decision", "sichuan-2020-07-10-provincial-decision"]
    assert "《成都市委决定》" in answer.text and "《四川省委决定》" in answer.text
    assert "7月15日" in answer.text and "7月10日" in answer.text


def test_a_chosen_document_filter_wins_over_names_in_the_question(built_service):
    only = Filters(doc_ids=("sichuan-2020-07-10-provincial-decision",))
    answer = built_service.ask("成都市委决定和四川省委决定分别是哪天通过的？", filters=only, mode="offline")
    assert {c.doc_id for c in answer.citations} <= {"sichuan-2020-07-10-provincial-decision"}


def test_a_question_in_another_script_is_refused_offline_with_the_reason(built_service):
    answer = built_service.ask("Какова цель ВВП района Юйчжун?", mode="offline")
    assert answer.refused and answer.citations == () and answer.nearest
    assert "CYRILLIC" in answer.notice


def test_place_swap_rule():
    assert rule_condense("那重庆呢？", [(GDP, "……")]) == "重庆到2027年地区生产总值要迈上什么台阶？"
    assert rule_condense("四川的目标是什么？", [(GDP, "……")]) == "四川的目标是什么？"  # stands alone


def test_what_about_rules_keep_the_subject_a_modifier_qualifies():
    # 人均 qualifies the thing asked before; 常住人口 replaces it.
    assert rule_condense("那人均呢？", [(GDP, "……")]) == "渝中区2027年人均地区生产总值是什么？"
    assert rule_condense("那常住人口呢？", [(GDP, "……")]) == "渝中区2027年常住人口是什么？"
    # 「四川/天府/新区」 is one place for both the pronoun and the swap rules.
    total = "四川天府新区的总定位是什么？"
    assert rule_condense("它的面积有多大？", [(total, "……")]) == "四川天府新区的面积有多大？"
    assert rule_condense("那成都呢？", [(total, "……")]) == "成都的总定位是什么？"


def test_what_about_rules_keep_what_the_previous_question_asked():
    jobs = "成都市到2025年新增就业人数是多少？"
    assert rule_condense("那2030年呢？", [(jobs, "……")]) == "成都市到2030年新增就业人数是多少？"  # the year swapped
    assert rule_condense("那到2030年底呢？", [(jobs, "……")]) == "成都市到2030年新增就业人数是多少？"
    assert rule_condense("那常住人口呢？", [(jobs, "……")]) == "成都市2025年常住人口是多少？"  # still a figure
    assert rule_condense("那什么时候完成？", [(jobs, "……")]) == "成都市2025年就业人数什么时候完成？"
    # A case of the same question names no thing: it frames the question before.
    limit = "申请人应在多少个工作日内提交材料？"
    assert rule_condense("那如果逾期呢？", [(limit, "……")]) == "如果逾期，申请人应在多少个工作日内提交材料？"


def test_offline_stream_yields_the_text_then_the_answer(built_service):
    events = list(built_service.ask_stream(GDP, mode="offline"))
    assert isinstance(events[-1], Answer)
    assert "".join(e for e in events[:-1]) and "2100亿元" in events[-1].text


def test_bad_modes_and_questions_raise_clear_errors(built_service):
    with pytest.raises(BadQuestion, match="mode"):
        built_service.ask(GDP, mode="fast")
    with pytest.raises(LLMError, match="No LLM is configured"):
        built_service.ask(GDP, mode="llm")
    with pytest.raises(BadQuestion, match="empty"):
        built_service.ask("   ", mode="offline")


def test_punctuation_only_question_is_refused_not_crashed(built_service):
    answer = built_service.ask("？？？", mode="offline")
    assert answer.refused and answer.nearest == ()


def test_filters_that_leave_no_document_are_said_as_such_not_answered_as_silence(built_service):
    from qa.core.errors import NoMatchingDocuments
    from qa.core.types import Filters

    for filters in (Filters(date_from="1990-01-01", date_to="1990-12-31"), Filters(issuers=("不存在的机关",))):
        with pytest.raises(NoMatchingDocuments, match=r"no document \(or no clause\) matches these filters"):
            built_service.ask("营造良好创新生态", filters=filters, mode="offline")
        with pytest.raises(NoMatchingDocuments):
            list(built_service.ask_stream("营造良好创新生态", filters=filters, mode="offline"))


def test_a_question_is_cleaned_once_at_the_chain_entry(built_service):
    # Colour codes pasted from a terminal once reached the offline answerer raw, which then
    # refused over a figure 「31」 no clause contains.
    for answer in (built_service.ask(f"\x1b[31m{GDP}\x1b[0m", mode="offline"),
                   built_service.runnable.invoke({"question": f"\x1b[31m{GDP}\x1b[0m", "mode": "offline"})):
        assert answer.question == GDP and not answer.refused and "2100亿元" in answer.text and answer.verified
    with pytest.raises(BadQuestion, match="not valid text"):
        built_service.ask("\udcff" + GDP, mode="offline")
    with pytest.raises(BadQuestion, match="not valid text"):
        list(built_service.ask_stream(GDP + "\ud800", mode="offline"))
