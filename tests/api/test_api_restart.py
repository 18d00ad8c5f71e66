"""Saved conversations and library changes live in POLICYQA_HOME, not in the server process: they
are all there after the server is stopped and started again."""
from __future__ import annotations

import httpx
import pytest

from app_harness import running_app

pytestmark = pytest.mark.slow

GDP = "渝中区到2027年地区生产总值目标是多少？"
TIANFU = "天府新区成都片区面积是多少平方公里？"


def test_a_conversation_and_a_retag_survive_a_restart(api_home, tmp_path):
    with running_app(api_home, tmp_path / "first.log") as url, httpx.Client(base_url=url, timeout=120) as http:
        conversation_id = http.post("/api/conversations", json={"title": "渝中与天府"}).json()["id"]
        for question in (GDP, TIANFU):
            asked = http.post("/api/ask", json={"question": question, "conversation_id": conversation_id})
            assert asked.status_code == 200
        body = {"question": GDP, "conversation_id": conversation_id}
        with http.stream("POST", "/api/ask/stream", json=body) as streamed:
            assert streamed.status_code == 200 and "event: answer" in streamed.read().decode()
        before = http.get(f"/api/conversations/{conversation_id}").json()
        retagged = http.patch("/api/documents/yuzhong-2023-05-ten-actions-plan", json={"issuer": "渝中区政府"})
        assert retagged.status_code == 200

    with running_app(api_home, tmp_path / "second.log") as url, httpx.Client(base_url=url, timeout=120) as http:
        after = http.get(f"/api/conversations/{conversation_id}")
        assert after.status_code == 200 and after.json() == before
        turns = after.json()["turns"]
        assert [t["answer"]["question"] for t in turns] == [GDP, TIANFU, GDP] and after.json()["title"] == "渝中与天府"
        assert "2100亿元" in turns[0]["answer"]["answer"] and turns[1]["answer"]["citations"]
        follow = http.post("/api/ask", json={"question": TIANFU, "conversation_id": conversation_id}).json()
        assert follow["turn"] == 3
        meta = http.get("/api/documents/yuzhong-2023-05-ten-actions-plan").json()
        assert meta["issuer"] == "渝中区政府"
