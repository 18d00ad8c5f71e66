"""Hybrid retrieval over the real index of data/corpus (built once per session)."""
from __future__ import annotations

import socket

import pytest
from langchain_core.documents import Document

from qa.core.errors import BadQuestion, IndexNotBuilt, StoreUnavailable
from qa.core.types import Clause
from qa.core.text import to_search_text, to_simplified
from qa.core.config import FusionConfig
from qa.retrieve.fusion import collapse_parts, fuse, with_sentences
from qa.core.types import Filters


SICHUAN = "sichuan-2020-07-10-provincial-decision"
YUZHONG = "yuzhong-2023-05-ten-actions-plan"


def test_simplified_question_finds_the_traditional_clause(built_service):
    hits = built_service.retrieve("营造良好创新生态")
    top = hits[0]
    assert top.clause.doc_id == SICHUAN
    assert "營造良好創新生態" in top.text  # the clause keeps its original script
    assert top.bm25_rank is not None  # found by words, not only by the embedder


def test_traditional_question_finds_the_simplified_clause(built_service):
    hits = built_service.retrieve("渝中區地區生產總值邁上多少億元台階？", k=3)
    assert any(h.clause.doc_id == YUZHONG and "2100亿元" in h.text for h in hits)


def test_every_hit_carries_its_ranks_and_scores(built_service):
    # the hybrid search itself: clauses a heading brings after it (retrieve) carry its score, no ranks
    hits = built_service.retrieval.search("成渝地区双城经济圈 交通基础设施建设", k=8)
    assert len(hits) == 8
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert hit.dense_rank is not None or hit.bm25_rank is not None
        assert (hit.dense_rank is None) == (hit.dense_score is None)
        assert (hit.bm25_rank is None) == (hit.bm25_score is None)
        assert hit.text
    assert any(h.dense_rank is not None and h.bm25_rank is not None for h in hits)


def test_k_limits_the_number_of_hits(built_service):
    assert len(built_service.retrieve("生态环境保护", k=3)) == 3


def test_document_filter_restricts_both_retrievers(built_service):
    unfiltered = built_service.retrieve("科技创新", k=10)
    assert {h.clause.doc_id for h in unfiltered} != {YUZHONG}  # the filter below has work to do
    hits = built_service.retrieve("科技创新", k=10, filters=Filters(doc_ids=(YUZHONG,)))
    assert hits and {h.clause.doc_id for h in hits} == {YUZHONG}
    assert any(h.bm25_rank is not None for h in hits) and any(h.dense_rank is not None for h in hits)


def test_issuer_and_date_filters(built_service):
    by_issuer = built_service.retrieve("科技创新", k=5, filters=Filters(issuers=("中共四川省委",)))
    assert by_issuer and {h.clause.doc_id for h in by_issuer} == {SICHUAN}
    recent = built_service.retrieve("科技创新", k=5, filters=Filters(date_from="2023-01-01"))
    assert recent and {h.clause.doc_id for h in recent} == {YUZHONG}
    mid_2020 = built_service.retrieve("科技创新", k=10, filters=Filters(date_from="2020-07-01", date_to="2020-07-31"))
    assert mid_2020 and {h.clause.doc_id for h in mid_2020} <= {SICHUAN, "chengdu-2020-07-15-municipal-decision"}


def test_unknown_document_filter_names_the_valid_ids(built_service):
    with pytest.raises(BadQuestion) as caught:
        built_service.retrieve("科技创新", filters=Filters(doc_ids=("no-such-doc",)))
    assert "no-such-doc" in caught.value.message
    assert YUZHONG in caught.value.hint


def test_parts_of_a_long_clause_collapse_into_one_hit(built_service):
    reader = built_service.retriever.reader
    long_clause = next((c for c in reader.clauses() if c.parts > 1 and c.part == 2), None)
    assert long_clause is not None, "the corpus has clauses longer than the part budget"
    # Ask with a sentence of the second part: several parts of this clause are strong candidates.
    question = to_simplified(long_clause.text[:60])
    hits = built_service.retrieve(question, k=10, filters=Filters(doc_ids=(long_clause.doc_id,)))
    base_ids = [h.clause_id for h in hits]
    assert len(base_ids) == len(set(base_ids))
    hit = next(h for h in hits if h.clause_id == long_clause.base_id)
    parts = sorted(
        (c for c in reader.clauses(long_clause.doc_id) if c.base_id == long_clause.base_id), key=lambda c: c.part
    )
    assert len(parts) == long_clause.parts
    for part in parts:
        assert part.text in hit.text  # the hit carries the whole clause
    assert hit.clause.clause_id in {p.clause_id for p in parts}


@pytest.mark.parametrize("question", ["", "   ", "\n\t \x00 "])
def test_empty_question_is_rejected(built_service, question):
    with pytest.raises(BadQuestion, match="empty"):
        built_service.retrieve(question)


def test_overlong_question_names_the_limit(built_service):
    with pytest.raises(BadQuestion) as caught:
        built_service.retrieve("创" * 10_000)
    limit = built_service.settings.max_question_chars
    assert f"{limit:,}" in caught.value.message and "10,000" in caught.value.message


def test_control_characters_are_stripped(built_service):
    clean = built_service.retrieve("营造良好创新生态", k=5)
    noisy = built_service.retrieve("\x1b[31m营造良好\x00创新\u200b生态\x07\r\n", k=5)
    assert [h.clause_id for h in noisy] == [h.clause_id for h in clean]


def test_question_in_a_language_the_corpus_lacks_does_not_crash(built_service):
    russian = built_service.retrieve("Какова цель по ВВП района Юйчжун?", k=5)
    assert len(russian) <= 5 and all(h.bm25_rank is None for h in russian)
    assert built_service.retrieve("🙂🚀🎉") == []


def test_english_question_works_through_the_embedder(built_service):
    hits = built_service.retrieve("How many square kilometres does the Chengdu section of Tianfu New Area cover?", k=5)
    assert any("1484" in h.text for h in hits)


def test_an_english_terms_chinese_words_are_chosen_by_the_clauses_the_embedder_finds(built_service):
    search = built_service._search
    question = "What is the spatial structure of the Tianfu New Area?"
    near = [clause.text for clause, _ in search.reader.dense_search(search.embedder.embed_query(question), 20)]
    chosen, blind = search.chinese_terms(question), search.chinese_terms(question, near=[])
    assert chosen == search.chinese_terms(question, near=near)  # searched for when not given
    brought = [word for word in chosen if word not in blind]
    assert brought and all(any(word in text for text in near) for word in brought)


def test_langchain_interface_returns_documents_with_metadata(built_service):
    retriever = built_service.retriever
    documents = retriever.invoke("营造良好创新生态")
    hits = retriever.search("营造良好创新生态")
    assert documents and all(isinstance(d, Document) for d in documents)
    assert [d.metadata["clause_id"] for d in documents] == [h.clause_id for h in hits]
    first = documents[0].metadata
    assert set(first) >= {"clause_id", "doc_id", "doc_title", "ref", "score", "dense_rank", "bm25_rank"}
    assert first["doc_id"] == SICHUAN and documents[0].page_content == hits[0].text


def test_langchain_interface_applies_the_retriever_filters(built_service):
    scoped = built_service.retriever.model_copy(update={"filters": Filters(doc_ids=(YUZHONG,))})
    assert {d.metadata["doc_id"] for d in scoped.invoke("科技创新")} == {YUZHONG}


def test_single_retriever_runs_report_only_their_own_ranks(built_service):
    retriever = built_service.retriever
    dense = retriever.model_copy(update={"sources": ("dense",)}).search("营造良好创新生态")
    bm25 = retriever.model_copy(update={"sources": ("bm25",)}).search("营造良好创新生态")
    assert dense and all(h.bm25_rank is None for h in dense)
    assert bm25 and all(h.dense_rank is None for h in bm25)


def _clause(clause_id: str, part: int = 1, parts: int = 1) -> Clause:
    return Clause(
        clause_id=clause_id, doc_id="d", doc_title="D", ref=clause_id, path=(), labels=(), heading="",
        text=clause_id, search_text=clause_id, start=0, end=1, ordinal=0, level=1, part=part, parts=parts,
    )


@pytest.mark.parametrize("config", [FusionConfig(method="rrf"), FusionConfig(method="linear")])
def test_fusion_rewards_agreement_between_retrievers(config):
    a, b, c, d = _clause("d:a"), _clause("d:b"), _clause("d:c"), _clause("d:d")
    dense = [(b, 0.90), (a, 0.88), (d, 0.60), (c, 0.50)]
    bm25 = [(c, 9.0), (a, 8.8), (d, 1.0)]
    fused = fuse(dense, bm25, config)
    assert fused[0].clause is a  # second in both lists beats first in one list only
    assert (fused[0].dense_rank, fused[0].bm25_rank) == (2, 2)


def test_weights_shift_fusion_towards_one_retriever():
    a, b = _clause("d:a"), _clause("d:b")
    dense, bm25 = [(a, 0.9), (b, 0.8)], [(b, 7.0), (a, 3.0)]
    for method in ("rrf", "linear"):
        assert fuse(dense, bm25, FusionConfig(method=method, dense_weight=2.0, bm25_weight=1.0))[0].clause is a
        assert fuse(dense, bm25, FusionConfig(method=method, dense_weight=1.0, bm25_weight=2.0))[0].clause is b


def test_collapse_keeps_the_best_part_with_its_ranks():
    p1, p2, other = _clause("d:x#1", 1, 2), _clause("d:x#2", 2, 2), _clause("d:y")
    fused = fuse([(p2, 0.9), (other, 0.8), (p1, 0.7)], [(p2, 5.0), (p1, 4.0)], FusionConfig())
    collapsed = collapse_parts(fused)
    assert [h.clause_id for h in collapsed] == ["d:x", "d:y"]
    assert collapsed[0].clause is p2 and (collapsed[0].dense_rank, collapsed[0].bm25_rank) == (1, 1)


def test_a_clauses_closest_sentence_lifts_it_in_the_dense_list():
    long, short, only = _clause("d:long#1", 1, 2), _clause("d:short"), _clause("d:only")
    dense = [(short, 0.82), (long, 0.80)]  # the long clause's one vector blurs the sentence that answers
    sentences = [(_clause("d:long"), 0.95), (short, 0.83), (only, 0.84)]
    assert with_sentences(dense, sentences, 0.0, 10) == dense
    blended = with_sentences(dense, sentences, 0.3, 10)
    assert [c.clause_id for c, _ in blended] == ["d:long#1", "d:short", "d:only"]  # the part keeps its id
    assert blended[0][1] == pytest.approx(0.7 * 0.80 + 0.3 * 0.95)
    # Found by its sentence alone, a clause takes the dense list's lowest cosine for its own.
    assert blended[2][1] == pytest.approx(0.7 * 0.80 + 0.3 * 0.84)
    assert len(with_sentences(dense, sentences, 0.3, 2)) == 2


def test_querying_before_any_index_exists(tmp_path):
    from qa.service import PolicyQA
    from qa.settings import load_settings

    service = PolicyQA(load_settings(home=tmp_path / "empty-home"))
    with pytest.raises(IndexNotBuilt) as caught:
        service.retrieve("营造良好创新生态")
    assert "policyqa index build" in caught.value.hint


def test_unreachable_chroma_server_names_host_and_port(built_settings):
    from qa.service import PolicyQA

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = built_settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": port})
    with pytest.raises(StoreUnavailable) as caught:
        PolicyQA(settings).retrieve("营造良好创新生态")
    assert f"127.0.0.1:{port}" in caught.value.message


def test_each_document_a_question_names_is_searched_for_its_topic_not_its_name(built_service):
    # searched with 「四川省委决定」 in it, each decision's preamble (which names it) came first
    hits = built_service.retrieve("四川省委决定和成都市委决定共同聚焦的目标定位是什么？", k=8)
    assert {h.clause.doc_id for h in hits[:2]} == {"sichuan-2020-07-10-provincial-decision", "chengdu-2020-07-15-municipal-decision"}
    assert "一极两中心两地" in to_search_text(hits[0].text)
    assert not any(h.clause.labels == ("前言",) for h in hits[:2])


def test_retrieve_gives_what_the_answer_reads_a_headings_clauses_after_it(built_service):
    hits = built_service.retrieve("成都市委决定提出的基本原则有哪些？", k=6)
    heading = next(n for n, h in enumerate(hits) if h.clause.heading.endswith("基本原则"))
    under = [h for h in hits[heading + 1:] if h.clause.parent_id == hits[heading].clause_id]
    assert len(under) >= 4 and len(hits) == 6


def test_a_list_question_brings_in_the_items_under_its_best_hit(built_service):
    from dataclasses import replace

    question = "渝中区的主要目标有哪些？"
    hits = built_service.retrieve(question, k=8)
    head = hits[0]
    items = [h for h in built_service.retrieval.family(head.clause_id) if h.clause.parent_id == head.clause_id]
    assert len(head.text) > 50 and len(items) >= 3  # a heading with text of its own, and items under it
    assert [h.clause_id for h in hits[1:1 + len(items)]] == [h.clause_id for h in items][:7]
    retrieval = built_service.retrieval
    strategy = retrieval.strategy
    try:  # without the rule the items are not what follows the best hit
        retrieval.strategy = replace(strategy, list_heads_expanded=0)
        unexpanded = built_service.retrieve(question, k=8)
    finally:
        retrieval.strategy = strategy
    assert unexpanded[0].clause_id == head.clause_id
    assert [h.clause_id for h in unexpanded[1:4]] != [h.clause_id for h in items[:3]]
