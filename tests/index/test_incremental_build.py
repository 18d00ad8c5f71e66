"""Incremental builds by document (add, change, delete, nothing) against the embedded store and a
`chroma run` server, and a second host answering from the server's index without building."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index.build import build_index, open_index
from index.store.chroma import ClauseStore
from index.store.versions import IndexLayout
from qa.core.text import to_search_text
from chroma_process import running_chroma
from qa.core.types import Filters, SkipReason
from standin_embedder import StandInEmbedder

TOPICS = {
    "alpha": ["建设量子通信骨干网络，推进量子密钥分发应用。", "培育量子计算产业集群，建设量子科学中心。"],
    "beta": ["完善城市地下综合管廊体系，统筹地下空间开发。", "推进老旧管网改造，提升城市排水防涝能力。"],
    "gamma": ["发展冰雪运动产业，建设高山滑雪训练基地。", "举办冰雪旅游节庆活动，打造冰雪旅游品牌。"],
}


def document(name: str, sentences: list[str]) -> str:
    items = "\n".join(f"（{'一二三四'[i]}）{s}" for i, s in enumerate(sentences))
    return f"{name}发展实施方案\n\n一、主要任务\n{items}\n二、保障措施\n（一）加强组织领导，落实{name}工作责任。\n"


def write(corpus: Path, name: str, sentences: list[str] | None = None) -> Path:
    corpus.mkdir(parents=True, exist_ok=True)
    path = corpus / f"{name}.txt"
    path.write_text(document(name, sentences or TOPICS[name]), encoding="utf-8")
    return path



@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory):
    with running_chroma(tmp_path_factory.mktemp("chroma-incremental")) as port:
        yield port


@pytest.fixture(params=["embedded", "server"])
def store_args(request) -> dict:
    if request.param == "embedded":
        return {}
    return {"chroma_host": "127.0.0.1", "chroma_port": request.getfixturevalue("chroma_port")}


def top_docs(reader, question: str, k: int = 3) -> tuple[set[str], set[str]]:
    text = to_search_text(question)
    bm25 = {c.doc_id for c, _ in reader.bm25_search(text, k, Filters())}
    dense = {c.doc_id for c, _ in reader.dense_search(StandInEmbedder().embed_query(text), k, Filters())}
    return bm25, dense


def test_add_change_delete_touch_one_document(tmp_path, store_args):
    corpus, index_dir, cache = tmp_path / "corpus", tmp_path / "index", tmp_path / "cache"
    embedder = StandInEmbedder()
    write(corpus, "alpha"), write(corpus, "beta")
    first = build_index(corpus, index_dir, embedder, cache, **store_args)
    reader = open_index(index_dir, embedder, **store_args)
    alpha_before = reader.clauses("alpha")
    assert first.added == ("alpha", "beta") and [m.doc_id for m in reader.documents()] == ["alpha", "beta"]

    write(corpus, "gamma")
    added = build_index(corpus, index_dir, embedder, cache, **store_args)
    assert added.added == ("gamma",) and added.changed == added.removed_documents == ()
    # Only the new document was embedded (its headings' vectors were already in the cache).
    assert 2 <= added.embedded <= len(reader.clauses("gamma")) and added.reused == added.clauses - added.embedded
    assert reader.clauses("alpha") == alpha_before
    assert top_docs(reader, "冰雪旅游品牌", 1) == ({"gamma"}, {"gamma"})

    write(corpus, "alpha", ["建设量子通信骨干网络，推进量子密钥分发应用。", "建设海洋牧场示范区，发展深远海养殖。"])
    changed = build_index(corpus, index_dir, embedder, cache, **store_args)
    assert changed.changed == ("alpha",) and changed.added == () and changed.embedded == 1
    texts = " ".join(c.text for c in reader.clauses("alpha"))
    assert "海洋牧场" in texts and "量子计算产业集群" not in texts
    assert top_docs(reader, "海洋牧场 深远海养殖", 1) == ({"alpha"}, {"alpha"})
    assert all("量子计算" not in c.text for c, _ in reader.bm25_search(to_search_text("量子计算产业集群"), 10, Filters()))

    beta_ids = [c.clause_id for c in reader.clauses("beta")]
    (corpus / "beta.txt").unlink()
    removed = build_index(corpus, index_dir, embedder, cache, **store_args)
    assert removed.removed_documents == ("beta",) and removed.embedded == 0
    assert reader.get(beta_ids) == [] and reader.clauses("beta") == []
    bm25, dense = top_docs(reader, "地下综合管廊 排水防涝", 10)
    assert "beta" not in bm25 | dense and dense  # gone from both retrievers
    layout = IndexLayout(index_dir)
    store = ClauseStore(layout.chroma, store_args.get("chroma_host", ""), store_args.get("chroma_port", 8000))
    assert store.count(reader.stats()["collection"]) == removed.clauses  # no retired rows left behind

    again = build_index(corpus, index_dir, embedder, cache, **store_args)
    assert again.unchanged and again.generation == removed.generation


def test_a_second_host_answers_from_the_servers_index(tmp_path, chroma_port):
    """Two app replicas: different local folders, one index in the Chroma server, one build."""
    corpus, embedder = tmp_path / "corpus", StandInEmbedder()
    write(corpus, "alpha"), write(corpus, "gamma")
    server = {"chroma_host": "127.0.0.1", "chroma_port": chroma_port, "index_name": "shared"}
    built = build_index(corpus, tmp_path / "builder", embedder, tmp_path / "cache", **server)
    replica = open_index(tmp_path / "replica", embedder, **server)  # nothing built in this folder
    assert replica.stats()["generation"] == built.generation
    assert top_docs(replica, "冰雪旅游品牌", 1) == ({"gamma"}, {"gamma"})
    assert (tmp_path / "replica" / "keyword").is_dir()  # the keyword segments, fetched once

    write(corpus, "beta")
    build_index(corpus, tmp_path / "builder", embedder, tmp_path / "cache", **server)
    replica._state(force=True)  # a replica looks at the pointer again within a second anyway
    assert top_docs(replica, "地下综合管廊", 1) == ({"beta"}, {"beta"})


def test_a_file_over_the_size_limit_is_skipped_with_its_reason_and_the_rest_is_built(tmp_path):
    corpus, index_dir, cache = tmp_path / "corpus", tmp_path / "index", tmp_path / "cache"
    write(corpus, "alpha")
    huge = corpus / "huge.txt"
    huge.write_text(document("huge", TOPICS["beta"]) * 2000, encoding="utf-8")  # about 0.4 MB
    report = build_index(corpus, index_dir, StandInEmbedder(), cache, max_file_bytes=100_000)
    [skipped] = report.skipped
    assert skipped.path.endswith("huge.txt") and skipped.kind == SkipReason.TOO_LARGE
    assert report.documents == 1 and report.clauses > 0


def test_the_same_document_twice_fills_one_slot_not_two(tmp_path):
    from qa.retrieve.hybrid import HybridRetriever

    corpus, index_dir, cache = tmp_path / "corpus", tmp_path / "index", tmp_path / "cache"
    write(corpus, "alpha")
    (corpus / "alpha-copy.txt").write_text((corpus / "alpha.txt").read_text(encoding="utf-8"), encoding="utf-8")
    write(corpus, "beta")
    embedder = StandInEmbedder()
    report = build_index(corpus, index_dir, embedder, cache)
    assert any("alpha" in line and "alpha-copy" in line for line in report.duplicates)  # reported at build
    retriever = HybridRetriever(reader=open_index(index_dir, embedder), embedder=embedder, k=4)
    hits = retriever.search("量子通信骨干网络")
    texts = [to_search_text(h.text).replace(" ", "") for h in hits]
    assert len(texts) == len(set(texts)) == 4


def test_a_second_host_cannot_build_the_servers_index_while_one_builds(tmp_path, chroma_port):
    """The build lock is a file on one host's disk; on a server the lease refuses a second host."""
    from index.store import versions
    from qa.core.errors import IndexBusy

    corpus, embedder = tmp_path / "corpus", StandInEmbedder()
    write(corpus, "alpha")
    server = {"chroma_host": "127.0.0.1", "chroma_port": chroma_port, "index_name": "leased"}
    host_a = IndexLayout(tmp_path / "host-a", "leased", on_server=True)
    with host_a.build_lock("127.0.0.1", chroma_port):  # host A is building
        with pytest.raises(IndexBusy) as caught:
            build_index(corpus, tmp_path / "host-b", embedder, tmp_path / "cache", **server)
    assert str(tmp_path / "host-a") in caught.value.message and "one host at a time" in caught.value.hint
    assert build_index(corpus, tmp_path / "host-b", embedder, tmp_path / "cache", **server).documents == 1

    # A lease left by a build that died (its pid is gone on this host) is taken over at once;
    # one from another host only once its heartbeat is older than the lease.
    store = ClauseStore(host="127.0.0.1", port=chroma_port)
    dead = {"host": versions.socket_name(), "pid": 2**22 + 7, "folder": "x", "beat": 0.0}
    store.claim(f"{host_a.collection_prefix}_lock", dead)
    write(corpus, "beta")
    assert build_index(corpus, tmp_path / "host-b", embedder, tmp_path / "cache", **server).added == ("beta",)
    import time

    store.claim(f"{host_a.collection_prefix}_lock", {"host": "elsewhere", "pid": 1, "folder": "y", "beat": time.time()})
    write(corpus, "gamma")
    with pytest.raises(IndexBusy):
        build_index(corpus, tmp_path / "host-b", embedder, tmp_path / "cache", **server)
    store.drop(f"{host_a.collection_prefix}_lock")


def test_rows_of_the_previous_layout_still_read_and_the_next_build_rebuilds(tmp_path):
    """An index written before the one-record row layout answers until the next build rebuilds it."""
    import json

    from index.store import chroma
    from index.store.versions import Versions

    corpus, embedder = tmp_path / "corpus", StandInEmbedder()
    write(corpus, "alpha"), write(corpus, "beta")
    build_index(corpus, tmp_path / "index", embedder, tmp_path / "cache")
    layout = IndexLayout(tmp_path / "index")
    store = ClauseStore(layout.chroma)
    versions = Versions(layout, store)
    manifest = versions.manifest(versions.pointer()[0])
    _records_back_in_rows(tmp_path / "index", store, versions, manifest)
    # Rewrite every row as format 2 wrote it: flat metadata keys, the text as the document.
    rows = store._on(manifest.collection, lambda c: c.get(include=["metadatas", "embeddings"]))
    flat = []
    for store_id, meta in zip(rows["ids"], rows["metadatas"]):
        r = json.loads(meta.pop(chroma.RECORD))
        meta.update(doc_title=r["title"], date=r["date"], ref=r["ref"], heading=r["heading"], ordinal=r["ordinal"],
                    level=r["level"], part=r["part"], parts=r["parts"], parent_id=r["parent"], start=r["start"],
                    end=r["end"], page=r["page"], search_text=r["search"], aligned=r["aligned"],
                    path_json=json.dumps(r["path"], ensure_ascii=False), labels_json=json.dumps(r["labels"]),
                    responsible_json="[]", items_json="[]", path=" > ".join(r["path"]))
        flat.append((store_id, meta, r["text"]))
    store._on(manifest.collection, lambda c: c.delete(ids=rows["ids"]))
    store._on(manifest.collection, lambda c: c.add(ids=[f[0] for f in flat], metadatas=[f[1] for f in flat],
                                                   documents=[f[2] for f in flat], embeddings=rows["embeddings"]))
    versions.put_manifest(replace(manifest, extra={**manifest.extra, "format": 2}))

    reader = open_index(tmp_path / "index", embedder)
    assert top_docs(reader, "地下综合管廊", 1) == ({"beta"}, {"beta"})
    assert any("综合管廊" in c.text for c in reader.clauses("beta"))
    rebuilt = build_index(corpus, tmp_path / "index", embedder, tmp_path / "cache")
    assert rebuilt.embedded + rebuilt.reused == rebuilt.clauses and not rebuilt.unchanged  # all rewritten
    row = store._on(rebuilt_collection(tmp_path / "index"), lambda c: c.get(limit=1))["metadatas"][0]
    assert chroma.RECORD not in row and row["doc_id"] in {"alpha", "beta"}  # format 5: filter keys only
    rebuilt_versions = Versions(layout, ClauseStore(layout.chroma))
    names = [name for name, _ in rebuilt_versions.manifest(rebuilt_versions.pointer()[0]).segments]
    assert names and all(rebuilt_versions.segment(name).has_records for name in names)
    assert any("综合管廊" in c.text for c in open_index(tmp_path / "index", embedder).clauses("beta"))


def _records_back_in_rows(index_dir, store, versions, manifest) -> None:
    """Makes a format-5 index look as format 4 left it: the records in the Chroma rows, keyword
    segments without them."""
    import shutil

    from index.store.keyword import Segment

    reader = open_index(index_dir, StandInEmbedder())
    clauses = reader.clauses()
    metas = {d.meta.doc_id: d.meta for d in manifest.documents}
    rows = store._on(manifest.collection, lambda c: c.get(include=["embeddings"]))
    vectors = dict(zip(rows["ids"], rows["embeddings"]))
    store._on(manifest.collection, lambda c: c.delete(ids=rows["ids"]))
    seqs = [i for d in manifest.documents for i in range(d.clauses)]
    store.add(manifest.collection, clauses, [vectors[f"{c.clause_id}@{manifest.number}"] for c in clauses], metas,
              generation=manifest.number, seqs=seqs)
    for name, _ in manifest.segments:
        folder = versions.layout.keyword / name
        segment = Segment.load(folder, mmap=False)
        shutil.rmtree(folder)
        replace(segment, recs=None, recptr=None, order=None).save(folder)


def rebuilt_collection(index_dir) -> str:
    from index.store.versions import Versions

    layout = IndexLayout(index_dir)
    versions = Versions(layout, ClauseStore(layout.chroma))
    return versions.manifest(versions.pointer()[0]).collection
