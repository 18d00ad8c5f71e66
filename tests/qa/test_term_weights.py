"""How much each question word weighs in the offline answerer's choice of sentence: everyday words
the corpus happens not to use, compounds written as their parts, the asked length's own words,
a second quote that brings only a common word, and a clause crowded out of the comparison by meaning."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from qa.answer.extractive import ExtractiveAnswerer
from qa.answer.terms import TermWeights, content_terms, coverage
from qa.core.config import TUNING

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "index"))
from standin_embedder import StandInEmbedder  # noqa: E402
from handmade import clause, items_of  # noqa: E402

CORPUS = ["第一条 为了规范本区建筑施工噪声管理，制定本办法。", "第二条 本办法适用于本区行政区域内的建筑施工活动。",
          "第三条 区生态环境局负责建筑施工噪声的监督管理。"]


def test_an_everyday_word_the_corpus_never_uses_weighs_less_than_a_name_it_never_uses():
    weights = TermWeights(CORPUS)
    assert weights("工作") < 0.5 * weights("上海")  # neither occurs: a name sets a question apart, 工作 does not
    assert weights("上海") == weights("缙云山")  # any name the corpus never uses weighs the full IDF
    assert weights("施工") < weights("工作")  # a word the corpus uses is weighed by its IDF alone


def test_a_compound_the_sentence_writes_as_its_parts_counts_half():
    terms = ["就业歧视", "就业", "歧视"]
    parted = coverage(terms, "用人单位在就业中不得实施性别歧视。", "", "")
    assert 0.8 < parted < 1.0  # (1 + 1 + 0.5) / 3
    assert coverage(terms, "用人单位不得实施就业歧视。", "", "") == 1.0


def test_an_asked_length_and_its_edge_are_not_topic_words():
    terms = content_terms("最迟多少个工作日之内答复申请人？")
    assert "答复" in terms and not {"最迟", "工作日", "日内", "之内", "工作"} & set(terms)
    assert "送给" in content_terms("几天之内要把申请书副本送给对方？") and "天之" not in content_terms("几天之内要把申请书副本送给对方？")


def test_a_second_quote_must_bring_more_than_a_common_word():
    question = "工业企业噪声自动监测设备的安装工作有什么要求？"
    installs = clause("d", ("第十二条",), "第十二条 工业企业应当安装噪声自动监测设备。", 12)
    duty = clause("d", ("第十三条",), "第十三条 工业企业噪声监测设备的安装工作由企业负责。", 13)
    weights = TermWeights(CORPUS)  # 工作: an everyday word, under a tenth of the question's weight
    draft = ExtractiveAnswerer(weights=lambda: weights).answer(question, items_of(installs, duty))
    assert "自动监测设备[1]" in draft.text and "[2]" not in draft.text  # 工作 alone is no reason for a second clause
    any_word = ExtractiveAnswerer(weights=lambda: weights, selection=replace(TUNING.answer, second_quote_gain=0.0))
    assert "[2]" in any_word.answer(question, items_of(installs, duty)).text  # the gate is what keeps it out
    # An English question's words are translations that often miss: a second quote stays as a hedge
    # when its best sentence is not in the retriever's first clause; where both agree it does not.
    answerer = ExtractiveAnswerer(weights=lambda: weights)
    assert "[1]" in answerer.answer(question, items_of(duty, installs), language="en").text
    assert "[2]" not in answerer.answer(question, items_of(installs, duty), language="en").text


def test_every_context_clause_is_compared_by_meaning_however_many_sentences_others_hold():
    crowded = clause("d", ("第五条",), "".join(f"建筑施工噪声管理第{i}项要求按照本办法执行。" for i in range(1, 16)), 5)
    plain = clause("d", ("第九条",), "第九条 夜里十点以后不得进行产生噪声的作业。", 9)
    found = ExtractiveAnswerer(embedder=StandInEmbedder()).candidates("建筑施工噪声管理有什么时间要求？", items_of(crowded, plain))
    assert {c.item.n for c in found} == {1, 2}
    assert len([c for c in found if c.item.n == 1]) == TUNING.answer.candidates_to_embed
