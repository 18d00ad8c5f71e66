"""Chinese BM25: tokenizer and index over hand-made clause texts."""
from __future__ import annotations

import numpy as np

from index.store.keyword import Bm25Index
from qa.core.tokenize import keyword_terms as tokenize
from qa.core.text import to_search_text

TEXTS = {
    "a:1": "加快构建“3+9+N”现代产业体系，做强先进制造业。",
    "a:2": "规划面积650平方公里，建设公园城市示范区。",
    "b:1": "推进“5+1”重点产业发展，培育世界级产业集群。",
    "b:2": "營造良好創新生態，加強科技創新。",
    "c:1": "推进成渝地区双城经济圈建设，加强交通基础设施互联互通。",
}


def build() -> Bm25Index:
    return Bm25Index.build(list(TEXTS), [to_search_text(t) for t in TEXTS.values()])


def test_tokenizer_drops_punctuation_and_function_words_keeps_figures():
    tokens = tokenize(to_search_text("加快构建“3+9+N”现代产业体系，规划面积650平方公里的新区。"))
    assert "3+9+n" in tokens and "650" in tokens and "产业" in tokens
    assert not {"，", "“", "”", "。", "的", " "} & set(tokens)


def test_composite_terms_are_found_whole():
    index = build()
    assert index.search(to_search_text("「3＋9＋N」"), 3)[0][0] == "a:1"
    assert index.search(to_search_text("5+1"), 3)[0][0] == "b:1"
    assert index.search("650", 3)[0][0] == "a:2"


def test_simplified_query_matches_a_traditional_clause_through_search_text():
    assert index_top(build(), "营造良好创新生态") == "b:2"


def index_top(index: Bm25Index, question: str) -> str:
    return index.search(to_search_text(question), 1)[0][0]


def test_allowed_rows_restrict_the_results():
    index = build()
    unrestricted = [cid for cid, _ in index.search("产业", 5)]
    assert {"a:1", "b:1"} <= set(unrestricted)
    restricted = index.search("产业", 5, allowed_rows=index.rows(["b:1", "b:2"]))
    assert [cid for cid, _ in restricted] == ["b:1"]
    assert index.search("产业", 5, allowed_rows=np.array([], dtype=np.int64)) == []


def test_scores_are_positive_and_sorted_and_k_limits():
    hits = build().search("推进 产业 建设", 2)
    assert len(hits) == 2
    assert hits[0][1] >= hits[1][1] > 0


def test_no_matching_or_no_searchable_tokens_give_nothing():
    index = build()
    assert index.search("量子计算机", 5) == []
    assert index.search("，。！", 5) == []


def test_save_and_load_round_trip(tmp_path):
    index = build()
    index.save(tmp_path / "bm25")
    loaded = Bm25Index.load(tmp_path / "bm25")
    assert loaded.clause_ids == index.clause_ids
    assert loaded.search("公园城市", 3) == index.search("公园城市", 3)


def test_a_composite_outranks_lines_full_of_its_pieces():
    index = Bm25Index.build(
        ["toc", "clause"],
        [to_search_text("第5章 1 ……… 5 - 1 - 5"), to_search_text("加快构建“5+1”现代工业体系，强化产业链供应链现代化水平，推动制造业高质量发展。")],
    )
    assert index.search(to_search_text("「5+1」"), 2)[0][0] == "clause"
    assert "2027" in tokenize("2022-2027年") and "2022-2027" in tokenize("2022-2027年")


def test_word_pairs_follow_the_text_order_and_stop_at_punctuation():
    tokens = tokenize(to_search_text("营造良好创新生态，强化系统集成"))
    assert "营造_良好" in tokens and "创新_生态" in tokens
    assert "生态_强化" not in tokens  # the comma separates them


def test_words_in_the_question_order_rank_first():
    texts = ["生态环境良好，鼓励创新，营造氛围。", "营造良好创新生态，强化系统集成。"]
    index = Bm25Index.build(["scattered", "ordered"], [to_search_text(t) for t in texts])
    assert [cid for cid, _ in index.search("营造良好创新生态", 2)] == ["ordered", "scattered"]
