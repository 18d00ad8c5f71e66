"""Chunking clauses to a token budget: parts cover their clause exactly, stay within budget, tiny
tails merge inside their own clause, and nothing is lost."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from index.ingest.chunk import MIN_PART_TOKENS, chunk_clauses, search_context, split_spans
from index.ingest.clauses import parse_clauses
from index.ingest.corpus import read_corpus
from qa.core.text import to_search_text
from qa.core.token_count import count_tokens
from qa.core.types import Document, DocumentMeta


def document(text: str) -> Document:
    meta = DocumentMeta(doc_id="doc", title="关于做好测试工作的决定", short_title="测试")
    return Document(meta, "doc.txt", "txt", "utf-8", text, hashlib.sha256(text.encode()).hexdigest())


SENTENCE = "推动成渝地区双城经济圈建设走深走实,加快构建现代化产业体系和现代基础设施网络。"
LONG_ITEM = "一、重点任务\n(一)全力推进行动。" + SENTENCE * 12 + "\n(二)第二项行动。" + SENTENCE


def parts_of(chunks, base_id):
    return [c for c in chunks if c.base_id == base_id]


def assert_exact_cover(doc: Document, clauses, chunks, budget: int) -> None:
    for clause in clauses:
        parts = parts_of(chunks, clause.clause_id)
        assert "".join(p.text for p in parts) == clause.text  # nothing lost, nothing repeated
        assert parts[0].start == clause.start and parts[-1].end == clause.end
        for i, part in enumerate(parts, start=1):
            assert part.text == doc.text[part.start : part.end]
            assert part.search_text == search_context(clause) + to_search_text(part.text)
            assert (part.part, part.parts) == (i, len(parts))
            assert part.ordinal == clause.ordinal and part.ref == clause.ref and part.parent_id == clause.parent_id
            if len(parts) > 1:
                assert part.clause_id == f"{clause.clause_id}#{i}"
                assert count_tokens(part.text) <= budget
            else:
                assert part == clause


@pytest.mark.parametrize("budget", [64, 128, 512])
def test_long_clause_split_at_sentence_ends(budget):
    doc = document(LONG_ITEM)
    clauses = parse_clauses(doc)
    chunks = chunk_clauses(clauses, budget)
    assert_exact_cover(doc, clauses, chunks, budget)
    long_parts = parts_of(chunks, "doc:一/（一）")
    assert (len(long_parts) > 1) == (count_tokens(clauses[1].text) > budget)
    for part in long_parts[:-1]:
        assert part.text.endswith("。")  # cut at sentence ends, not mid-sentence


def test_short_clauses_untouched_and_never_merged_across_clauses():
    doc = document("一、总则\n(一)短。说明。\n(二)也短。说明。")
    clauses = parse_clauses(doc)
    assert chunk_clauses(clauses, 512) == clauses


def test_sentence_over_budget_split_at_commas_then_hard():
    comma_sentence = "、".join(["加快建设国际消费中心城市核心区"] * 40) + "。"
    no_punctuation = "数" * 900
    doc = document(f"一、任务\n(一)逗号。{comma_sentence}\n(二)硬切。{no_punctuation}")
    clauses = parse_clauses(doc)
    chunks = chunk_clauses(clauses, 50)
    assert_exact_cover(doc, clauses, chunks, 50)
    comma_parts = parts_of(chunks, "doc:一/（一）")
    assert all(p.text.endswith(("、", "。")) for p in comma_parts[1:-1])
    assert len(parts_of(chunks, "doc:一/（二）")) >= count_tokens(no_punctuation) // 50


def test_tiny_tail_merges_with_its_own_clause():
    text = SENTENCE * 8 + "好。"
    spans = split_spans(text, max_tokens=count_tokens(SENTENCE * 4) + 5)
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(count_tokens(text[s:e]) >= MIN_PART_TOKENS for s, e in spans)


def test_tiny_tail_rebalanced_when_neighbour_is_full():
    text = SENTENCE * 4 + "好的。"
    budget = count_tokens(SENTENCE * 4)
    spans = split_spans(text, max_tokens=budget)
    assert len(spans) == 2
    assert all(MIN_PART_TOKENS <= count_tokens(text[s:e]) <= budget for s, e in spans)


def test_corpus_chunks_cover_clauses():
    parsed, _ = read_corpus(Path(__file__).resolve().parents[2] / "data" / "corpus", 128, lambda done, total: None)
    for doc in parsed:
        clauses = parse_clauses(doc.document)
        assert_exact_cover(doc.document, clauses, chunk_clauses(clauses, 128), 128)


def test_rejects_a_non_positive_budget():
    with pytest.raises(ValueError):
        chunk_clauses([], 0)
