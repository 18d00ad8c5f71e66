"""Citation parsing, renumbering and figure verification (qa/answer/citations.py).

The clause texts are verbatim sentences of data/corpus documents (one traditional, one PDF
extraction with stray spaces), so the checks meet the text shapes the real index holds."""
from __future__ import annotations

import pytest

from qa.core.text import to_search_text
from qa.core.types import Clause
from qa.answer.citations import verify
from qa.core.markers import marker_numbers, split_sentences
from qa.core.numerals import cn_to_int, extract_figures, figure_in
from qa.core.types import ContextItem, DocumentMeta, Hit

YUZHONG = "——城市能级显著提升。基本建成“四化”现代都市，地区生产总值迈上2100亿元台阶，地均生产总值突破100亿元，人均地区生产总值达到33万元左右。"
TIANFU = "展望到二〇三五年，天府新区地区生产总值突破1 万亿元，成都片区面积1484平方公里。"
SICHUAN = "爭取聯動實施144小時過境免簽政策，加快組建四川銀行。"


def item(n: int, text: str, doc: str = "doc", ref: str = "二、主要目标") -> ContextItem:
    clause = Clause(
        clause_id=f"{doc}:{n}", doc_id=doc, doc_title=f"《{doc}》", ref=ref, path=(ref,), labels=(str(n),),
        heading="", text=text, search_text=to_search_text(text), start=0, end=len(text), ordinal=n, level=1,
    )
    return ContextItem(n=n, hit=Hit(clause=clause, score=1.0 / n, text=text), text=text)


ITEMS = [item(1, YUZHONG, "yuzhong"), item(2, TIANFU, "tianfu"), item(3, SICHUAN, "sichuan"),
         item(4, "加快建设国际消费中心城市。", "yuzhong"), item(5, "推进成渝中线高铁建设。", "chengdu")]


@pytest.mark.parametrize(
    "group, numbers",
    [("1", [1]), ("1,2", [1, 2]), ("1，3", [1, 3]), ("2、4", [2, 4]), ("1-3", [1, 2, 3]), (" 2 , 5 ", [2, 5])],
)
def test_marker_groups(group, numbers):
    assert marker_numbers(group) == numbers


def test_all_marker_forms_are_parsed_and_renumbered_by_first_use():
    result = verify("成都片区面积1484平方公里【2】。地区生产总值迈上2100亿元台阶[1,2]。实施144小时过境免签［3］。", ITEMS)
    assert result.text == "成都片区面积1484平方公里[1]。地区生产总值迈上2100亿元台阶[2][1]。实施144小时过境免签[3]。"
    assert [c.clause_id for c in result.citations] == ["tianfu:2", "yuzhong:1", "sichuan:3"]
    assert [c.n for c in result.citations] == [1, 2, 3]
    assert result.verified


def test_adjacent_markers_and_uncited_clauses_are_left_out_of_citations():
    result = verify("国际消费中心城市[4][1]。", ITEMS)
    assert result.text == "国际消费中心城市[1][2]。"
    assert [c.clause_id for c in result.citations] == ["yuzhong:4", "yuzhong:1"]


def test_markers_outside_the_context_are_dropped_and_reported():
    result = verify("地区生产总值迈上2100亿元台阶[1][9]。另见[7]。", ITEMS)
    assert result.dropped_markers == (9, 7)
    assert "[9]" not in result.text and "[7]" not in result.text
    assert [c.n for c in result.citations] == [1]
    uncited = [c for c in result.checks if not c.verified]
    assert [c.reason for c in uncited] == ["uncited"]
    assert not result.verified


def test_a_figure_missing_from_the_cited_clause_is_unverified():
    result = verify("地区生产总值迈上2100亿元台阶[1]。人均地区生产总值达到35万元左右[1]。", ITEMS)
    first, second = result.checks
    assert first.verified and first.figures == ("2100亿",)
    assert not second.verified
    assert second.reason == "figure-not-in-cited-clause"
    assert second.missing_figures == ("35万",)


def test_a_figure_from_another_context_clause_does_not_count():
    # 1484 is in clause [2], but the sentence cites only [1].
    result = verify("成都片区面积1484平方公里[1]。", ITEMS)
    assert result.checks[0].missing_figures == ("1484",)


def test_figures_match_across_width_script_spacing_and_numeral_form():
    assert figure_in("1万亿", TIANFU)  # "1 万亿元" in the PDF text
    assert figure_in("2035", TIANFU)  # 二〇三五 in the clause
    assert figure_in("144", SICHUAN)
    assert figure_in("１４４", SICHUAN)  # full-width digits in the answer
    assert not figure_in("33", "人均地区生产总值达到133万元")  # digits may not continue
    assert not figure_in("2100亿", "地区生产总值迈上2100万元台阶")  # the magnitude must match
    result = verify("到2035年地区生产总值突破1万亿元[2]。", ITEMS)
    assert result.verified


def test_figure_extraction():
    assert extract_figures("到2027年迈上2100亿元台阶，占比75%以上[1]") == ("2027", "2100亿", "75%")
    assert extract_figures("展望二〇三五年，三十三个“十四五”项目") == ("二〇三五", "三十三", "十四五")
    # numeral words are not figures; list enumerators and markers are layout
    assert extract_figures("1. 推进一体化发展、两中心建设，千方百计[12]") == ()
    assert cn_to_int("二〇三五") == 2035 and cn_to_int("三十三") == 33 and cn_to_int("一百二十") == 120


def test_sentences_keep_their_markers_and_list_lines_split():
    text = "地区生产总值迈上2100亿元台阶。[1]人均33万元[1]。\n1. 城市能级显著提升[1]\n2. 基础设施能级显著提升[2]"
    assert split_sentences(text) == [
        "地区生产总值迈上2100亿元台阶。[1]",
        "人均33万元[1]。",
        "1. 城市能级显著提升[1]",
        "2. 基础设施能级显著提升[2]",
    ]
    assert split_sentences("It reaches 1.5亿美元 [1]. The area is 1484 km² [2].") == [
        "It reaches 1.5亿美元 [1].", "The area is 1484 km² [2]."
    ]


def test_citation_carries_clause_and_quote():
    result = verify("實施144小時過境免簽政策[3]。", ITEMS)
    (citation,) = result.citations
    assert (citation.doc_id, citation.ref, citation.text) == ("sichuan", "二、主要目标", SICHUAN)
    assert "144小時" in citation.quote


def test_evidence_strength_says_how_well_the_cited_sentence_matches_the_question():
    close = verify("地区生产总值迈上2100亿元台阶[1]。", ITEMS, question="渝中区地区生产总值要迈上多少亿元台阶？")
    assert close.verified and close.evidence.level == "strong" and 0.75 <= close.evidence.score <= 1.0
    # The quote is verbatim and its figure is in the clause, but it answers another question.
    off = verify("加快建设国际消费中心城市[4]。", ITEMS, question="渝中区2030年的房价调控政策是什么？")
    assert off.verified and off.evidence.level == "weak" and "2030年" in off.evidence.missing


def test_a_figure_for_this_year_is_verified_against_a_clause_saying_this_year():
    dated = [item(1, "今年新增就业岗位3万个。", "plan")]
    assert not verify("2024年新增就业岗位3万个[1]。", dated).verified
    plan = DocumentMeta(doc_id="plan", title="年度计划", short_title="计划", date="2024-02-01")
    assert verify("2024年新增就业岗位3万个[1]。", dated, documents=[plan]).verified
