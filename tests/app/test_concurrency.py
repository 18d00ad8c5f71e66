"""Twenty chats at once through the app's API (gradio_client, one session each): every one gets
its own correct, cited answer (the same one the question gets asked alone) and none fails."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client

pytestmark = pytest.mark.slow

# question → a figure the cited clause states (from the corpus text itself)
QUESTIONS = {
    "渝中区到2027年地区生产总值目标是多少？": "2100亿元",
    "天府新区成都片区面积是多少平方公里？": "1484",
    "渝中区人均地区生产总值的目标是多少？": "33万元",
    "渝中区现代服务业增加值占GDP比重要提高到多少？": "75%",
}
CHATS = 20


def chat_once(url: str, question: str) -> str:
    client = Client(url, verbose=False)
    _box, chat = client.predict(question, [], [], [], [], "", "", 8, "auto", api_name="/ask")
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert chat[0]["content"][0]["text"] == question  # no other session's turn leaked in
    return chat[1]["content"][0]["text"]


def test_twenty_concurrent_chats_all_answer_correctly(app_url):
    alone = {question: chat_once(app_url, question) for question in QUESTIONS}
    for question, html in alone.items():
        assert QUESTIONS[question] in html and 'class="pq-cite"' in html, f"{question} → {html[:300]}"
    questions = [list(QUESTIONS)[i % len(QUESTIONS)] for i in range(CHATS)]
    with ThreadPoolExecutor(max_workers=CHATS) as pool:
        answers = list(pool.map(lambda q: chat_once(app_url, q), questions))
    for question, html in zip(questions, answers):
        assert "pq-error" not in html, html
        assert html == alone[question], f"{question} answered differently under load"
