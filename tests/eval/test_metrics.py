"""Metric functions on small cases whose values were computed by hand."""
from __future__ import annotations

import math

import pytest

from eval.metrics import mean_defined
from eval.metrics.citation_precision import citation_precision
from eval.metrics.citation_recall import citation_recall
from eval.metrics.crag import crag_score, is_correct
from eval.metrics.false_refusal import false_refusal
from eval.metrics.hit_at_k import hit_at_k
from eval.metrics.key_fact_recall import derive_key_facts, key_fact_recall
from eval.metrics.mrr import reciprocal_rank
from eval.metrics.ndcg import ndcg_at_k
from eval.metrics.recall_at_k import recall_at_k
from eval.metrics.refusal_accuracy import refusal_accuracy
from eval.metrics.refusal_recall import refusal_recall
from eval.metrics.rouge_l import lcs_length, rouge_l_f1
from eval.metrics.token_f1 import token_f1
from eval.metrics.verified import badge_rate, verified
from eval.goldset import GoldRow
from eval.scoring import Observation, score

NAN = float("nan")


def g(*groups: str) -> list[frozenset[str]]:
    """Gold groups from strings like "a|b": one group per argument, alternatives split on |."""
    return [frozenset(group.split("|")) for group in groups]


def test_hit_at_k_counts_only_the_first_k():
    assert hit_at_k(["a", "b", "c"], g("c"), 2) == 0.0
    assert hit_at_k(["a", "b", "c"], g("c"), 3) == 1.0
    assert hit_at_k(["a", "b"], g("x|b"), 5) == 1.0


def test_recall_at_k_counts_each_quote_once_with_alternatives():
    ranked = ["a", "x", "b"]
    assert recall_at_k(ranked, g("a", "b|bb", "z"), 3) == pytest.approx(2 / 3)
    assert recall_at_k(ranked, g("a", "b|bb", "z"), 1) == pytest.approx(1 / 3)


def test_reciprocal_rank():
    assert reciprocal_rank(["x", "y", "a"], g("a")) == pytest.approx(1 / 3)
    assert reciprocal_rank(["a"], g("a")) == 1.0
    beyond = [f"n{i}" for i in range(10)] + ["a"]
    assert reciprocal_rank(beyond, g("a"), k=10) == 0.0


def test_ndcg_hand_computed():
    # gains at ranks 2 and 3: 1/log2(3) + 1/log2(4); ideal: ranks 1 and 2: 1 + 1/log2(3)
    expected = (1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(["x", "a", "b"], g("a", "b")) == pytest.approx(expected)  # 0.6934
    assert ndcg_at_k(["a", "b"], g("a", "b")) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y"], g("a")) == 0.0


def test_ndcg_does_not_reward_a_second_clause_for_the_same_quote():
    assert ndcg_at_k(["a1", "a2"], g("a1|a2")) == pytest.approx(1.0)
    # the duplicate at rank 2 earns nothing, so quote b at rank 3 is discounted as rank 3
    expected = (1 + 0.5) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(["a1", "a2", "b"], g("a1|a2", "b")) == pytest.approx(expected)


@pytest.mark.parametrize("metric", [
    lambda gold: hit_at_k(["a"], gold, 5),
    lambda gold: recall_at_k(["a"], gold, 5),
    lambda gold: reciprocal_rank(["a"], gold),
    lambda gold: ndcg_at_k(["a"], gold),
    lambda gold: citation_precision(["a"], gold),
    lambda gold: citation_recall(["a"], gold),
])
def test_gold_based_metrics_are_nan_without_gold(metric):
    assert math.isnan(metric([]))


def test_citation_precision_uses_distinct_cited_clauses():
    assert citation_precision(["a", "a", "x"], g("a")) == 0.5
    assert citation_precision(["a", "b"], g("a", "b")) == 1.0
    assert math.isnan(citation_precision([], g("a")))  # a refusal cites nothing: undefined


def test_citation_recall():
    assert citation_recall(["a"], g("a", "b")) == 0.5
    assert citation_recall(["b2"], g("a", "b1|b2")) == 0.5
    assert citation_recall([], g("a")) == 0.0  # answerable, nothing cited: a real miss


def test_badge_rate_is_undefined_for_refusals():
    assert badge_rate(True, refused=False) == 1.0
    assert badge_rate(False, refused=False) == 0.0
    assert math.isnan(badge_rate(False, refused=True))


def test_verified_fails_when_the_badge_does_not_hold():
    assert verified(True, False, answerable=True, correct=True, citation_precision=1.0) == 1.0
    # Badged, but the key facts are missing, or a non-gold clause is cited, or nothing could be answered.
    assert verified(True, False, answerable=True, correct=False, citation_precision=1.0) == 0.0
    assert verified(True, False, answerable=True, correct=True, citation_precision=0.5) == 0.0
    assert verified(True, False, answerable=False, correct=False, citation_precision=float("nan")) == 0.0
    # No badge, or a refusal: no claim to hold.
    assert math.isnan(verified(False, False, answerable=True, correct=False, citation_precision=0.0))
    assert math.isnan(verified(True, True, answerable=True, correct=False, citation_precision=float("nan")))


def test_verified_scored_below_one_for_a_badged_wrong_answer():
    row = GoldRow(id="q", type="number", question="渝中区到2027年地区生产总值目标？", answer="迈上2100亿元台阶。",
                  evidence=[{"doc_id": "d", "quote": "地区生产总值迈上2100亿元台阶"}], key_facts=["2100亿元"])
    wrong = Observation(retrieved=("d:1",), answer="人均地区生产总值达到33万元左右[1]。", refused=False, verified=True,
                        cited=("d:2",))
    right = Observation(retrieved=("d:1",), answer="地区生产总值迈上2100亿元台阶[1]。", refused=False, verified=True,
                        cited=("d:1",))
    gold = (frozenset({"d:1"}),)
    assert score(row, gold, wrong)["verified"] == 0.0 and score(row, gold, wrong)["badge_rate"] == 1.0
    assert score(row, gold, right)["verified"] == 1.0
    values = [score(row, gold, seen)["verified"] for seen in (wrong, right)]
    assert mean_defined(values)[0] == 0.5


def test_key_fact_recall_normalises_width_script_markers_and_grouping():
    answer = "渝中区地区生产总值迈上2100亿元台阶[1]。"
    assert key_fact_recall(answer, ["2100亿元", "33万元"]) == 0.5
    assert key_fact_recall("总值迈上２１００亿元", ["2100亿元"]) == 1.0  # full-width digits
    assert key_fact_recall("加快組建四川銀行", ["四川银行"]) == 1.0  # traditional answer, simplified fact
    assert key_fact_recall("about 1,484 km2", ["1484"]) == 1.0
    assert key_fact_recall("2100亿[1]元", ["2100亿元"]) == 1.0  # a marker inside the figure
    assert math.isnan(key_fact_recall("任何回答", []))


def test_derive_key_facts_takes_figures_with_units_and_quoted_terms():
    assert derive_key_facts("进出口总额达100亿元，实际使用外资达1.5亿美元。") == ("100亿元", "1.5亿美元")
    assert derive_key_facts("优化打造“天府蓉易办”品牌。") == ("天府蓉易办",)
    assert derive_key_facts("区科技局。") == ()


def test_lcs_length_classic_case():
    assert lcs_length("ABCBDAB", "BDCABA") == 4
    assert lcs_length("", "abc") == 0


def test_rouge_l_f1_on_characters():
    # LCS(甲乙丙丁, 甲丙戊) = 甲丙: P = 2/4, R = 2/3, F1 = 4/7
    assert rouge_l_f1("甲乙丙丁", "甲丙戊") == pytest.approx(4 / 7)
    assert rouge_l_f1("甲乙，丙丁。[1]", "甲丙戊") == pytest.approx(4 / 7)  # punctuation and markers ignored
    assert rouge_l_f1("", "甲") == 0.0
    assert math.isnan(rouge_l_f1("甲", "。"))


def test_token_f1():
    assert token_f1("hello world foo", "hello foo bar") == pytest.approx(2 / 3)
    assert token_f1("成都 重庆", "成都 西安") == pytest.approx(0.5)
    assert token_f1("", "成都") == 0.0
    assert math.isnan(token_f1("成都", "，。"))


def test_refusal_metrics():
    assert refusal_recall(refused=True, answerable=False) == 1.0
    assert refusal_recall(refused=False, answerable=False) == 0.0
    assert math.isnan(refusal_recall(refused=True, answerable=True))
    assert false_refusal(refused=True, answerable=True) == 1.0
    assert false_refusal(refused=False, answerable=True) == 0.0
    assert math.isnan(false_refusal(refused=False, answerable=False))
    assert refusal_accuracy(refused=True, answerable=False) == 1.0
    assert refusal_accuracy(refused=False, answerable=True) == 1.0
    assert refusal_accuracy(refused=True, answerable=True) == 0.0
    assert refusal_accuracy(refused=False, answerable=False) == 0.0


def test_crag_correctness_and_score():
    assert is_correct(0.5, NAN)
    assert not is_correct(0.49, 0.9)  # key facts decide when there are any
    assert is_correct(NAN, 0.4)
    assert not is_correct(NAN, NAN)
    assert crag_score(answerable=True, refused=False, correct=True) == 1.0
    assert crag_score(answerable=True, refused=True, correct=False) == 0.0
    assert crag_score(answerable=True, refused=False, correct=False) == -1.0
    assert crag_score(answerable=False, refused=True, correct=False) == 1.0
    assert crag_score(answerable=False, refused=False, correct=True) == -1.0


def test_mean_defined_skips_nan():
    assert mean_defined([1.0, NAN, 0.0]) == (0.5, 2)
    value, count = mean_defined([NAN])
    assert math.isnan(value) and count == 0
