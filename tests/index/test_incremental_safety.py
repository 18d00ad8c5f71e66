"""A build killed at any point leaves a consistent index answering, the next build repairs what it
left; readers in other processes never see a half-applied change while a writer updates."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from index.build import build_index, open_index
from index.store.chroma import ClauseStore
from index.store.versions import IndexLayout
from qa.core.text import to_search_text
from qa.core.types import Filters
from standin_embedder import StandInEmbedder
from test_incremental_build import chroma_port, top_docs, write  # noqa: F401  (chroma_port is a fixture)

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
NEW_ALPHA = ["建设量子通信骨干网络，推进量子密钥分发应用。", "建设海洋牧场示范区，发展深远海养殖。"]

# The child stops (and is killed) at one point of its build: after adding its rows, after
# retiring the replaced ones, or after moving the pointer but before cleaning up.
CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {here!r})
    from standin_embedder import StandInEmbedder
    from index.build import build_index
    from index.store import chroma

    point = {point!r}
    def stop():
        print("reached", flush=True)
        time.sleep(300)
    def after(name):
        original = getattr(chroma.ClauseStore, name)
        def patched(self, *args, **kwargs):
            result = original(self, *args, **kwargs) if name != "delete_rows" else None
            stop()
            return result
        setattr(chroma.ClauseStore, name, patched)
    if point != "rows":
        after({{"retired": "retire", "switched": "delete_rows"}}[point])
    progress = (lambda stage, done, total: stop() if stage == "store" else None) if point == "rows" else None
    build_index({corpus!r}, {index!r}, StandInEmbedder(), {cache!r}, **({{"progress": progress}} if progress else {{}}))
    """
)


def kill_at(point: str, corpus: Path, index_dir: Path, cache: Path) -> None:
    script = CHILD.format(here=str(HERE), point=point, corpus=str(corpus), index=str(index_dir), cache=str(cache))
    child = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "reached", "the build finished before the kill point"
        child.kill()
    finally:
        child.wait(timeout=30)


@pytest.mark.parametrize("point", ["rows", "retired", "switched"])
def test_a_killed_build_leaves_a_consistent_index(tmp_path, point):
    corpus, index_dir, cache, embedder = tmp_path / "corpus", tmp_path / "index", tmp_path / "cache", StandInEmbedder()
    write(corpus, "alpha"), write(corpus, "beta")
    first = build_index(corpus, index_dir, embedder, cache)
    alpha_before = open_index(index_dir, embedder).clauses("alpha")

    write(corpus, "alpha", NEW_ALPHA), write(corpus, "gamma"), (corpus / "beta.txt").unlink()
    kill_at(point, corpus, index_dir, cache)

    reader = open_index(index_dir, embedder)
    if point == "switched":  # the new generation is in place: it answers, without the retired rows
        assert reader.generation != first.generation
        assert {m.doc_id for m in reader.documents()} == {"alpha", "gamma"}
        assert "海洋牧场" in " ".join(c.text for c in reader.clauses("alpha"))
        assert top_docs(reader, "地下综合管廊 排水防涝", 10)[0] == set()
    else:  # the previous generation answers, untouched
        assert reader.generation == first.generation
        assert [m.doc_id for m in reader.documents()] == ["alpha", "beta"]
        assert reader.clauses("alpha") == alpha_before and reader.clauses("gamma") == []
        assert top_docs(reader, "地下综合管廊 排水防涝", 1) == ({"beta"}, {"beta"})
        assert "gamma" not in set.union(*top_docs(reader, "冰雪旅游品牌", 10))
        found = reader.dense_search(embedder.embed_query(to_search_text("海洋牧场 深远海养殖")), 10, Filters())
        assert len({c.clause_id for c, _ in found}) == len(found)  # never an old and a new row of one clause

    repaired = build_index(corpus, index_dir, embedder, cache)
    reader = open_index(index_dir, embedder)
    assert {m.doc_id for m in reader.documents()} == {"alpha", "gamma"}
    assert top_docs(reader, "冰雪旅游品牌", 1) == ({"gamma"}, {"gamma"})
    store = ClauseStore(IndexLayout(index_dir).chroma)
    assert store.count(reader.stats()["collection"]) == repaired.clauses  # the killed build's debris is gone


READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    sys.path.insert(0, {here!r})
    from standin_embedder import StandInEmbedder
    from index.build import open_index
    from qa.core.text import to_search_text
    from qa.core.types import Filters

    embedder = StandInEmbedder()
    reader = open_index({index!r}, embedder, chroma_host="127.0.0.1", chroma_port={port}, index_name="shared")
    stop, queries, mixed, generations = Path({stop!r}), 0, [], set()
    question = to_search_text("量子通信 版本 量子密钥")
    while not stop.exists():
        dense = [c for c, _ in reader.dense_search(embedder.embed_query(question), 10, Filters())]
        bm25 = [c for c, _ in reader.bm25_search(question, 10, Filters())]
        for found in (dense, bm25):
            versions = {{v for c in found if c.doc_id == "alpha" for v in ("甲", "乙") if f"版本{{v}}" in c.text}}
            ids = [c.clause_id for c in found]
            if len(versions) > 1 or len(ids) != len(set(ids)):
                mixed.append(sorted(versions))
        generations.add(reader.generation)
        queries += 1
        if queries == 1:
            print("ready", flush=True)
    print(json.dumps({{"queries": queries, "mixed": mixed, "generations": sorted(generations)}}))
    """
)


def alpha_version(mark: str) -> list[str]:
    return [f"建设量子通信骨干网络（版本{mark}），推进量子密钥分发应用。", f"培育量子计算产业集群（版本{mark}），建设量子科学中心。"]


def test_two_readers_never_see_a_half_applied_change(tmp_path, chroma_port):
    corpus, index_dir, embedder = tmp_path / "corpus", tmp_path / "index", StandInEmbedder()
    server = {"chroma_host": "127.0.0.1", "chroma_port": chroma_port, "index_name": "shared"}
    write(corpus, "alpha", alpha_version("甲")), write(corpus, "beta")
    build_index(corpus, index_dir, embedder, tmp_path / "cache", **server)
    stop = tmp_path / "stop"
    script = READER.format(here=str(HERE), index=str(tmp_path / "replica"), port=chroma_port, stop=str(stop))
    readers = [subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
               for _ in range(2)]
    try:
        assert all(r.stdout.readline().strip() == "ready" for r in readers)
        for round_, mark in enumerate("乙甲乙"):
            write(corpus, "alpha", alpha_version(mark))
            if round_ == 1:
                (corpus / "beta.txt").unlink()
            build_index(corpus, index_dir, embedder, tmp_path / "cache", **server)
            time.sleep(1.5)
    finally:
        stop.touch()
        outputs = [json.loads(r.communicate(timeout=120)[0].strip().splitlines()[-1]) for r in readers]
    for output in outputs:
        assert output["queries"] > 5 and output["mixed"] == []
        assert len(output["generations"]) >= 2  # the readers followed the writer
