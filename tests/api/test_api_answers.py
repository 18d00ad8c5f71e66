"""Asking, streaming, retrieving, comparing and memo export over real HTTP against the real app:
the same cited, verified answers the CLI prints, in the documented JSON shapes."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

pytestmark = pytest.mark.slow

GDP = "渝中区到2027年地区生产总值目标是多少？"
TIANFU = "天府新区成都片区面积是多少平方公里？"
YUZHONG = "yuzhong-2023-05-ten-actions-plan"


def sse_events(response) -> list[tuple[str, dict]]:
    """(event, data) pairs of a text/event-stream response, in order."""
    events, name, data = [], "", []
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line[len("event: "):]
        elif line.startswith("data: "):
            data.append(line[len("data: "):])
        elif not line and name:
            events.append((name, json.loads("\n".join(data))))
            name, data = "", []
    return events


def test_ask_returns_the_cited_verified_answer_in_the_cli_json_shape(http):
    response = http.post("/api/ask", json={"question": GDP, "mode": "offline"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert "2100亿元" in answer["answer"] and not answer["refused"] and answer["verified"] is True
    assert answer["backend"] == "offline"
    cited = answer["citations"][0]
    assert cited["doc_id"] == YUZHONG and cited["clause_id"].startswith(YUZHONG + ":") and "2100亿元" in cited["text"]
    assert "[1]" in answer["answer"] and cited["n"] == 1
    assert set(answer) >= {"question", "standalone_question", "unverified", "notice", "nearest", "timings"}


def test_filters_and_history_reach_the_answer(http):
    scoped = http.post("/api/ask", json={"question": TIANFU, "filters": {"doc_ids": [YUZHONG]}, "k": 4})
    assert scoped.status_code == 200  # only the Tianfu plan gives the area, and it is filtered out
    assert "1484" not in scoped.json()["answer"] and all(c["doc_id"] == YUZHONG for c in scoped.json()["citations"])
    dated = http.post("/api/ask", json={"question": TIANFU, "filters": {"date_from": "2022", "date_to": "2022-12"}})
    assert "1484" in dated.json()["answer"]  # the 2022 Tianfu plan is inside the span
    before = http.post("/api/ask", json={"question": TIANFU, "filters": {"date_to": "2021"}})
    assert "1484" not in before.json()["answer"]
    history = [{"question": TIANFU, "answer": dated.json()["answer"]}]
    follow = http.post("/api/ask", json={"question": "它的面积呢？", "history": history})
    assert follow.status_code == 200 and follow.json()["question"] == "它的面积呢？"


def test_stream_sends_deltas_then_one_final_answer_event(http):
    with http.stream("POST", "/api/ask/stream", json={"question": GDP}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response)
    names = [name for name, _ in events]
    assert names[-1] == "answer" and names.count("answer") == 1 and "delta" in names
    assert set(names[:-1]) == {"delta"}
    streamed = "".join(data["text"] for name, data in events if name == "delta")
    final = events[-1][1]
    assert "2100亿元" in streamed and "2100亿元" in final["answer"] and final["verified"] is True
    assert final["citations"][0]["doc_id"] == YUZHONG


def test_a_bad_stream_request_is_a_json_error_before_any_event(http):
    response = http.post("/api/ask/stream", json={"question": "x", "filters": {"issuers": ["没有这个机关"]}})
    assert response.status_code == 422 and response.json()["error"]["code"] == "no_matching_documents"


def test_retrieve_returns_ranked_hits_with_clause_ids_and_document_metadata(http):
    response = http.post("/api/retrieve", json={"question": "营造良好创新生态", "k": 3})
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert all(h["clause_id"].startswith(h["doc_id"] + ":") and h["ref"] and h["text"] and h["date"] for h in hits)
    assert hits[0]["score"] >= hits[-1]["score"]
    only = http.post("/api/retrieve", json={"question": "营造良好创新生态", "filters": {"issuers": ["中共成都市委"]}})
    assert {h["doc_id"] for h in only.json()["hits"]} == {"chengdu-2020-07-15-municipal-decision"}


def test_lead_units_are_listed_and_filter_retrieval_and_answers_to_the_clauses_they_lead(http):
    units = http.get("/api/lead-units").json()["lead_units"]
    assert units and all(u["clauses"] >= 1 for u in units)
    unit = units[1]["unit"]
    hits = http.post("/api/retrieve", json={"question": "推进重点项目建设", "filters": {"lead_units": [unit]}}).json()["hits"]
    assert hits and all(unit in h["lead_units"] for h in hits)
    answer = http.post("/api/ask", json={"question": "这项任务由哪个单位牵头？", "mode": "offline",
                                         "filters": {"lead_units": [unit]}}).json()
    assert answer["citations"] and all(c["doc_id"] == YUZHONG for c in answer["citations"])
    unknown = http.post("/api/retrieve", json={"question": "推进", "filters": {"lead_units": ["没有这个单位"]}})
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "no_matching_documents"


def test_compare_answers_per_document_within_the_filters(http):
    response = http.post("/api/compare", json={"question": "各文件对成德眉资同城化的提法",
                                               "filters": {"date_from": "2020", "date_to": "2020"}})
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert rows and all(r["date"].startswith("2020") for r in rows)
    addressed = [r for r in rows if r["addressed"]]
    assert addressed and all("同城化" in "".join(c["quote"] + c["text"] for c in r["citations"]) for r in addressed)


def test_memo_of_answers_as_markdown_and_word(http):
    answers = [http.post("/api/ask", json={"question": q}).json() for q in (GDP, TIANFU)]
    markdown = http.post("/api/memo", json={"answers": answers, "format": "md"})
    assert markdown.status_code == 200 and markdown.headers["content-type"].startswith("text/markdown")
    text = markdown.text
    assert "## 问题1：" in text and "2100亿元" in text and "1484" in text and "[^1]" in text and "## 注释" in text
    assert "渝中区全力推进成渝地区双城经济圈建设" in text  # the note names the cited document
    word = http.post("/api/memo", json={"answers": answers, "format": "docx"})
    assert word.status_code == 200 and "attachment" in word.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(word.content)) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "2100亿元" in body and "注释" in body


def test_ask_in_a_conversation_appends_turns_and_the_memo_covers_them(http):
    created = http.post("/api/conversations", json={})
    assert created.status_code == 201
    conversation_id = created.json()["id"]
    first = http.post("/api/ask", json={"question": GDP, "conversation_id": conversation_id})
    second = http.post("/api/ask", json={"question": TIANFU, "conversation_id": conversation_id})
    assert (first.json()["turn"], second.json()["turn"]) == (0, 1)
    saved = http.get(f"/api/conversations/{conversation_id}").json()
    assert [t["answer"]["question"] for t in saved["turns"]] == [GDP, TIANFU] and saved["title"] == GDP
    assert saved["turns"][0]["answer"]["citations"][0]["doc_id"] == YUZHONG
    assert conversation_id in {c["id"] for c in http.get("/api/conversations").json()["conversations"]}
    memo = http.post("/api/memo", json={"conversation_id": conversation_id})
    assert "2100亿元" in memo.text and "1484" in memo.text
    assert http.delete(f"/api/conversations/{conversation_id}").status_code == 200
    assert http.get(f"/api/conversations/{conversation_id}").status_code == 404


def test_the_web_ui_and_the_docs_are_served_beside_the_api(http):
    page = http.get("/")
    assert page.status_code == 200 and "gradio" in page.text.lower()
    docs = http.get("/docs")
    # Offline: the docs page loads Swagger UI from this server, never from a CDN.
    assert docs.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text
    assert http.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    paths = http.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/ask/stream", "/api/retrieve", "/api/documents", "/api/documents/{doc_id}",
            "/api/compare", "/api/memo", "/api/conversations", "/api/conversations/{conversation_id}"} <= set(paths)
