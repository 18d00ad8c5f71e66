"""The document library over HTTP against the real app: an uploaded document is searchable, can be
re-tagged and deleted; a corpus document is hidden (its file stays) and can be restored; every
change survives a rebuild; and twenty asks in parallel with an add all get their answers."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from app_harness import UPLOAD_PLAN as PLAN
from qa.service import PolicyQA
from qa.settings import load_settings

pytestmark = pytest.mark.slow

QUESTION = "青川市低空经济产业规模突破多少亿元"
ARTICLE = "chengdu-2020-03-xianfeng-article"


def rebuild(home, corpus_dir) -> None:
    """What `policyqa index build` does later, in another process: the library's state must hold."""
    PolicyQA(load_settings(home=home, corpus_dir=corpus_dir)).build_index(force=True)


def doc_ids_in(http, question: str, k: int = 20) -> set[str]:
    return {h["doc_id"] for h in http.post("/api/retrieve", json={"question": question, "k": k}).json()["hits"]}


def test_an_upload_is_searchable_can_be_retagged_and_deleted(http, api_home, corpus_dir):
    added = http.post("/api/documents", files={"file": ("低空经济行动计划.md", PLAN.encode(), "text/markdown")},
                      data={"title": "青川市低空经济三年行动计划", "issuer": "青川市人民政府", "date": "2024-03-01"})
    assert added.status_code == 201, added.text
    doc = added.json()
    doc_id = doc["doc_id"]
    assert (doc["title"], doc["issuer"], doc["date"], doc["origin"]) == (
        "青川市低空经济三年行动计划", "青川市人民政府", "2024-03-01", "upload")
    assert doc["clauses"] >= 3 and doc["source"] == "低空经济行动计划.md"
    answer = http.post("/api/ask", json={"question": QUESTION}).json()
    assert "318亿元" in answer["answer"] and answer["citations"][0]["doc_id"] == doc_id
    assert answer["citations"][0]["doc_title"] == "青川市低空经济三年行动计划"

    retagged = http.patch(f"/api/documents/{doc_id}", json={"title": "低空经济计划（修订）", "date": "2024-04-02"})
    assert retagged.status_code == 200
    assert (retagged.json()["title"], retagged.json()["issuer"], retagged.json()["date"]) == (
        "低空经济计划（修订）", "青川市人民政府", "2024-04-02")
    hit = http.post("/api/retrieve", json={"question": QUESTION, "k": 1}).json()["hits"][0]
    assert (hit["doc_id"], hit["doc_title"], hit["date"]) == (doc_id, "低空经济计划（修订）", "2024-04-02")
    rebuild(api_home, corpus_dir)
    assert http.get(f"/api/documents/{doc_id}").json()["title"] == "低空经济计划（修订）"

    deleted = http.delete(f"/api/documents/{doc_id}")
    assert deleted.json() == {"deleted": doc_id, "origin": "upload"}
    assert doc_id not in {d["doc_id"] for d in http.get("/api/documents").json()["documents"]}
    assert doc_id not in doc_ids_in(http, QUESTION)
    assert "318亿元" not in http.post("/api/ask", json={"question": QUESTION}).json()["answer"]
    assert not [p for p in (api_home / "uploads").iterdir() if p.name != "manifest.json"]  # the file is gone
    rebuild(api_home, corpus_dir)
    assert doc_id not in doc_ids_in(http, QUESTION)


def test_a_corpus_document_is_hidden_not_removed_and_can_be_restored(http, api_home, corpus_dir):
    files_before = {p.name: p.read_bytes() for p in corpus_dir.iterdir()}
    question = "坚守战略定力 持续创新提能"
    assert ARTICLE in doc_ids_in(http, question)
    deleted = http.delete(f"/api/documents/{ARTICLE}").json()
    assert deleted["origin"] == "corpus" and "restore" in deleted["note"]
    listing = http.get("/api/documents").json()
    assert ARTICLE not in {d["doc_id"] for d in listing["documents"]} and listing["hidden"] == [ARTICLE]
    assert ARTICLE not in doc_ids_in(http, question)
    assert http.get(f"/api/documents/{ARTICLE}").status_code == 404
    rebuild(api_home, corpus_dir)
    assert ARTICLE not in doc_ids_in(http, question)

    restored = http.post(f"/api/documents/{ARTICLE}/restore")
    assert restored.status_code == 200 and restored.json()["origin"] == "corpus"
    assert ARTICLE in doc_ids_in(http, question) and http.get("/api/documents").json()["hidden"] == []

    retagged = http.patch(f"/api/documents/{ARTICLE}", json={"issuer": "《先锋》杂志", "date": "2020-03-15"})
    assert (retagged.json()["issuer"], retagged.json()["date"]) == ("《先锋》杂志", "2020-03-15")
    rebuild(api_home, corpus_dir)
    kept = http.get(f"/api/documents/{ARTICLE}").json()
    assert (kept["issuer"], kept["date"]) == ("《先锋》杂志", "2020-03-15")
    dated = http.post("/api/retrieve", json={"question": question, "filters": {"date_from": "2020-03-15",
                                                                               "date_to": "2020-03-15"}})
    assert {h["doc_id"] for h in dated.json()["hits"]} == {ARTICLE}  # filters see the new date
    assert {p.name: p.read_bytes() for p in corpus_dir.iterdir()} == files_before  # data/corpus untouched


def test_twenty_parallel_asks_while_a_document_is_added_all_succeed(http, api_url):
    import httpx

    adding = threading.Event()
    done = threading.Event()

    def add() -> httpx.Response:
        adding.set()
        try:
            with httpx.Client(base_url=api_url, timeout=300) as client:
                return client.post("/api/documents", files={"file": ("parallel-plan.md", PLAN.encode())},
                                   data={"title": "并行加入的计划"})
        finally:
            done.set()

    def keep_asking(n: int) -> list[httpx.Response]:
        """Ask until the add has finished (at least once), so the asks overlap the build."""
        adding.wait()
        responses = []
        with httpx.Client(base_url=api_url, timeout=300) as client:
            while not responses or not done.is_set():
                question = ("渝中区到2027年地区生产总值目标是多少？", "天府新区成都片区面积是多少平方公里？")[n % 2]
                responses.append(client.post("/api/ask", json={"question": question, "mode": "offline"}))
        return responses

    with ThreadPoolExecutor(max_workers=21) as pool:
        added = pool.submit(add)
        asked = [pool.submit(keep_asking, n) for n in range(20)]
        results = [r for future in asked for r in future.result()]
        upload = added.result()
    assert upload.status_code == 201, upload.text
    assert len(results) >= 20
    failures = [(r.status_code, r.text[:200]) for r in results if r.status_code != 200]
    assert not failures, failures
    for response in results:
        answer = response.json()
        expected = "2100亿元" if "渝中区" in answer["question"] else "1484"
        assert expected in answer["answer"] and answer["citations"], answer
    assert upload.json()["doc_id"] in doc_ids_in(http, QUESTION, k=3)
