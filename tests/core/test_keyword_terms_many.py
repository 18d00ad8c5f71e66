"""An index build's terms (keyword_terms_many: rjieba where it cuts as jieba does) against a
question's (keyword_terms: jieba itself): a clause and a question must meet in the same terms."""
from __future__ import annotations

import sys

import pytest

from index.ingest.corpus import read_corpus
from qa.core import tokenize
from qa.core.tokenize import keyword_terms, keyword_terms_many

# The shapes where the two cutters could part: Latin and digits joined by jieba's separators
# (rjieba keeps 「wi-fi」 whole, jieba splits it), Chinese next to Latin and digits, spaces and
# line ends, full-width forms, characters outside jieba's Chinese range, bare punctuation.
TEXTS = [
    "推进wi-fi全覆盖，建设5g-a基站和27.stem课程。",
    "2022-2027年规划，增长3.5%，完成“3+9+n”体系。",
    "打造5g网络示范区，2027年地区生产总值达到2000亿元",
    "建设 公园城市\n示范区\r\n  提升  c++ & c# 能力",
    "ＡＢＣ公司与Ｗｉ－Ｆｉ热点、第１２条",
    "㐀㐁字与𠀀字不在常用范围，中华人民共和国",
    "——……“”《》（）",
    "",
    "a.b.c_d%e#f&g+h-i",
]


def test_build_terms_equal_query_terms_on_every_shape():
    assert keyword_terms_many(TEXTS) == [keyword_terms(t) for t in TEXTS]


def test_build_terms_equal_query_terms_without_rjieba(monkeypatch):
    monkeypatch.setitem(sys.modules, "rjieba", None)  # its import fails: jieba cuts everything
    tokenize._block_cut.cache_clear()
    try:
        assert tokenize._block_cut(tokenize._dictionary()) is None
        assert keyword_terms_many(TEXTS) == [keyword_terms(t) for t in TEXTS]
    finally:
        tokenize._block_cut.cache_clear()


def test_build_terms_equal_query_terms_on_the_real_corpus(corpus_dir):
    pytest.importorskip("rjieba")
    tokenize._block_cut.cache_clear()
    assert tokenize._block_cut(tokenize._dictionary()) is not None  # the fast cutter is in use
    documents, _ = read_corpus(corpus_dir)
    texts = [c.search_text for d in documents for c in d.clauses]
    assert len(texts) > 100
    assert keyword_terms_many(texts) == [keyword_terms(t) for t in texts]
