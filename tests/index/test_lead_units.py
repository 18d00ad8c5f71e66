"""Responsibility notes parsed into data (index/ingest/lead_units.py), and the lead-unit filter
they make possible, on both retrievers and at every face's entry (service, API body, CLI)."""
from __future__ import annotations

import pytest

from index.ingest.lead_units import responsibility, with_responsibility
from qa.core.errors import NoMatchingDocuments
from qa.core.types import Clause, Filters


@pytest.mark.parametrize("text, lead, partners", [
    # keyed notes, full- and half-width, with a qualifier before the role and a line break inside
    ("……功能。（牵头单位：市发展改革委，责任单位：市财政局、市商务局等）", ("市发展改革委",), ("市财政局", "市商务局")),
    ("……功能。(专项行动牵头单位:县住建委,责任单位:县交通局、县城\n管局等)", ("县住建委",), ("县交通局", "县城管局")),
    ("（牵头部门：省教育厅；配合部门：省财政厅、省人社厅）", ("省教育厅",), ("省财政厅", "省人社厅")),
    # verbs instead of keys
    ("（市卫生健康委牵头，市医保局、市药监局配合）", ("市卫生健康委",), ("市医保局", "市药监局")),
    ("（市科技局、市工业和信息化局等按职责分工负责）", ("市科技局", "市工业和信息化局"), ()),
    ("（2025年底前完成，区应急管理局负责）", ("区应急管理局",), ()),
    ("（由市教育局牵头负责）", ("市教育局",), ()),
    # a table row or list line, not in brackets
    ("牵头单位：市交通运输局\n责任单位：各区人民政府", ("市交通运输局",), ("各区人民政府",)),
])
def test_notes_of_every_common_shape_give_lead_and_partner_units(text, lead, partners):
    assert responsibility(text) == (lead, partners)


@pytest.mark.parametrize("text", [
    "联系人（负责人）：王某，电话：12345678",  # 负责人 is a person's role, not a note
    "（以下简称“办法”）",
    "（一）加强组织领导",
    "（由企业自行负责）",  # says who, but names no unit
    "各级政府要切实负责，确保落实。",
    "（2024年6月底前完成）",
])
def test_brackets_that_are_not_responsibility_notes_give_nothing(text):
    assert responsibility(text) == ((), ())


def _part(base: str, part: int, parts: int, text: str) -> Clause:
    return Clause(clause_id=f"{base}#{part}", doc_id="d", doc_title="t", ref="1.", path=("1.",), labels=("1",),
                  heading="", text=text, search_text=text, start=0, end=len(text), ordinal=0, level=1,
                  part=part, parts=parts)


def test_every_part_of_a_long_clause_carries_the_note_found_at_its_end():
    parts = [_part("d:1", 1, 2, "第一句很长的任务内容。"), _part("d:1", 2, 2, "第二句。（牵头单位：区发改委）"),
             _part("d:2", 1, 1, "没有注明单位的条款。")]
    out = with_responsibility(parts)
    assert [c.lead_units for c in out] == [("区发改委",), ("区发改委",), ()]
    assert out[0].text == parts[0].text and "牵头单位" in out[1].text  # the note stays quotable


# --- on the real default corpus (its ten-actions plan ends each task with a note) -----------------
@pytest.mark.slow
def test_the_indexed_clauses_carry_their_lead_units_and_the_store_round_trips_them(built_service):
    counts = built_service.lead_unit_counts()
    assert counts and all(n >= 1 for n in counts.values())
    unit = next(iter(counts))
    led = [c for c in built_service.clauses() if unit in c.lead_units]
    assert len({c.base_id for c in led}) == counts[unit]
    assert all(unit in c.text.replace(" ", "") or any(unit in p for p in c.text.split()) for c in led if c.parts == 1)


@pytest.mark.slow
@pytest.mark.parametrize("sources", ["dense", "bm25", None])
def test_a_lead_unit_filter_restricts_each_retriever_to_clauses_that_unit_leads(built_settings, built_service, sources):
    from qa.service import PolicyQA

    service = PolicyQA(built_settings, sources=(sources,)) if sources else built_service
    counts = built_service.lead_unit_counts()
    unit = list(counts)[1]  # not the most common one, so that an unfiltered search would stray
    question = "加快建设重点项目，提升城市功能"
    unfiltered = service.retrieve(question, k=8)
    assert any(unit not in h.clause.lead_units for h in unfiltered)
    hits = service.retrieve(question, k=8, filters=Filters(lead_units=(unit,)))
    assert hits and all(unit in h.clause.lead_units for h in hits)


@pytest.mark.slow
def test_an_unknown_lead_unit_is_said_as_no_match_not_answered_as_silence(built_service):
    with pytest.raises(NoMatchingDocuments, match="lead units 不存在的局"):
        built_service.check_filters(Filters(lead_units=("不存在的局",)))
    answer = built_service.ask("由哪个单位牵头？", filters=Filters(lead_units=(next(iter(built_service.lead_unit_counts())),)))
    assert not answer.refused and answer.citations
