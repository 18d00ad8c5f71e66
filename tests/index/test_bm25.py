"""Chinese BM25: tokenizer and the segmented keyword index over hand-made clause texts, and its
scores against bm25s on the real corpus."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.store.keyword import KeywordIndex, Segment, merge, tokens_of
from qa.core.tokenize import _for_search, _jieba, keyword_terms as tokenize
from qa.core.text import to_search_text

TEXTS = {
    "a:1": "加快构建“3+9+N”现代产业体系，做强先进制造业。",
    "a:2": "规划面积650平方公里，建设公园城市示范区。",
    "b:1": "推进“5+1”重点产业发展，培育世界级产业集群。",
    "b:2": "營造良好創新生態，加強科技創新。",
    "c:1": "推进成渝地区双城经济圈建设，加强交通基础设施互联互通。",
}


def index_of(ids: list[str], texts: list[str], name: str = "s1") -> KeywordIndex:
    docs = [i.split(":")[0] for i in ids]
    return KeywordIndex([Segment.build(name, ids, docs, tokens_of(texts))])


def build() -> KeywordIndex:
    return index_of(list(TEXTS), [to_search_text(t) for t in TEXTS.values()])


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


def index_top(index: KeywordIndex, question: str) -> str:
    return index.search(to_search_text(question), 1)[0][0]


def test_allowed_documents_restrict_the_results():
    index = build()
    unrestricted = [cid for cid, _ in index.search("产业", 5)]
    assert {"a:1", "b:1"} <= set(unrestricted)
    assert [cid for cid, _ in index.search("产业", 5, allowed_docs={"b"})] == ["b:1"]
    assert [cid for cid, _ in index.search("产业", 5, allowed_ids={"a:1"})] == ["a:1"]
    assert index.search("产业", 5, allowed_docs=set()) == []


def test_scores_are_positive_and_sorted_and_k_limits():
    hits = build().search("推进 产业 建设", 2)
    assert len(hits) == 2
    assert hits[0][1] >= hits[1][1] > 0


def test_no_matching_or_no_searchable_tokens_give_nothing():
    index = build()
    assert index.search("量子计算机", 5) == []
    assert index.search("，。！", 5) == []


def test_save_load_and_blob_round_trip(tmp_path):
    segment = build().segments[0]
    segment.save(tmp_path / "s1")
    for loaded in (Segment.load(tmp_path / "s1"), Segment.from_bytes("s1", segment.to_bytes())):
        assert list(loaded.ids) == list(segment.ids) and loaded.doc_ids == segment.doc_ids
        assert KeywordIndex([loaded]).search("公园城市", 3) == build().search("公园城市", 3)
    assert isinstance(Segment.load(tmp_path / "s1").rows, np.memmap)  # paged in on demand


def test_deleted_documents_leave_and_a_merge_equals_a_fresh_index():
    ids, texts = list(TEXTS), [to_search_text(t) for t in TEXTS.values()]
    first = Segment.build("s1", ids[:3], [i[0] for i in ids[:3]], tokens_of(texts[:3]))
    second = Segment.build("s2", ids[3:], [i[0] for i in ids[3:]], tokens_of(texts[3:]))
    index = KeywordIndex([first, second], [{"b"}, set()])  # b:1 deleted from the first segment
    assert "b:1" not in [cid for cid, _ in index.search("推进 产业", 5)]
    merged = merge("m", [first, second], [{"b"}, set()])
    fresh = index_of([i for i in ids if i != "b:1"], [t for i, t in zip(ids, texts) if i != "b:1"])
    for question in ("推进 产业", "营造良好创新生态", "650", "交通"):
        assert KeywordIndex([merged]).search(question, 5) == fresh.search(question, 5)


def test_scores_equal_bm25s_on_the_real_corpus(corpus_dir):
    bm25s = pytest.importorskip("bm25s")
    from index.ingest.corpus import read_corpus

    parsed, _ = read_corpus(Path(corpus_dir), 512)
    clauses = [c for d in parsed for c in d.clauses]
    tokens = tokens_of(c.search_text for c in clauses)
    ours = KeywordIndex([Segment.build("s", [c.clause_id for c in clauses], [c.doc_id for c in clauses], tokens)])
    reference = bm25s.BM25()
    reference.index(tokens, show_progress=False)
    for question in ("营造良好创新生态", "2025年 地区生产总值", "3+9+n 产业体系", "交通 互联互通 建设"):
        q = tokenize(to_search_text(question))
        expected = np.asarray(reference.get_scores(q))
        for clause_id, score in ours.search(to_search_text(question), 10):
            row = [c.clause_id for c in clauses].index(clause_id)
            assert score == pytest.approx(float(expected[row]), rel=1e-4)


def test_search_words_derived_from_one_cut_equal_jiebas_own(corpus_dir):
    jieba = _jieba()
    lines = [line for p in sorted(Path(corpus_dir).glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()]
    assert all(_for_search(jieba, jieba.lcut(line)) == jieba.lcut_for_search(line) for line in lines if line.strip())


def test_a_composite_outranks_lines_full_of_its_pieces():
    index = index_of(
        ["toc:1", "clause:1"],
        [to_search_text("第5章 1 ……… 5 - 1 - 5"), to_search_text("加快构建“5+1”现代工业体系，强化产业链供应链现代化水平，推动制造业高质量发展。")],
    )
    assert index.search(to_search_text("「5+1」"), 2)[0][0] == "clause:1"
    assert "2027" in tokenize("2022-2027年") and "2022-2027" in tokenize("2022-2027年")


def test_word_pairs_follow_the_text_order_and_stop_at_punctuation():
    tokens = tokenize(to_search_text("营造良好创新生态，强化系统集成"))
    assert "营造_良好" in tokens and "创新_生态" in tokens
    assert "生态_强化" not in tokens  # the comma separates them


def test_words_in_the_question_order_rank_first():
    texts = ["生态环境良好，鼓励创新，营造氛围。", "营造良好创新生态，强化系统集成。"]
    index = index_of(["scattered:1", "ordered:1"], [to_search_text(t) for t in texts])
    assert [cid for cid, _ in index.search("营造良好创新生态", 2)] == ["ordered:1", "scattered:1"]
