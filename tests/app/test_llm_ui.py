"""The app with an LLM configured (the local OpenAI-compatible fake on loopback): answers stream
in, the model's name is shown, and a failing model falls back to the offline answer with a
visible notice."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from gradio_client import Client

from app_harness import copy_of_built_home, open_page, running_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "qa"))
from fake_llm import FakeLLM, Reply, Status  # noqa: E402  (the project's one allowed fake, shared with tests/qa)

pytestmark = pytest.mark.slow
MODEL = "fake-policy-model"
QUESTION = "渝中区到2027年地区生产总值目标是多少？"
FIGURE = "2100亿元"


def cite_the_clause_with_the_figure(messages) -> str:
    """Answer like a faithful model: cite whichever numbered clause states the figure."""
    context = messages[-1]["content"]
    blocks = re.split(r"\n(?=\[\d+\] 《)", context)
    n = next(re.match(r"\[(\d+)\]", b.strip()).group(1) for b in blocks if FIGURE in b and re.match(r"\s*\[\d+\]", b))
    return f"渝中区地区生产总值要迈上{FIGURE}台阶[{n}]。"


@pytest.fixture(scope="module")
def fake_llm():
    with FakeLLM() as server:
        yield server


@pytest.fixture(scope="module")
def llm_app_url(built_service, tmp_path_factory, fake_llm):
    home = copy_of_built_home(built_service, tmp_path_factory)
    env = {"OPENAI_BASE_URL": fake_llm.base_url, "OPENAI_API_KEY": "test-key", "POLICYQA_LLM_MODEL": MODEL,
           "POLICYQA_LLM_MAX_RETRIES": "0", "POLICYQA_LLM_TIMEOUT": "10"}
    with running_app(home, tmp_path_factory.mktemp("llm-app-log") / "app.log", **env) as url:
        yield url


def test_answer_streams_in_and_names_the_model(llm_app_url, fake_llm):
    fake_llm.then(Reply(cite_the_clause_with_the_figure))
    job = Client(llm_app_url, verbose=False).submit(QUESTION, [], [], [], [], "", "", 8, "llm", api_name="/ask")
    job.result(timeout=120)
    texts = [out[1][-1]["content"][0]["text"] for out in job.outputs() if out[1]]
    streaming = [t for t in texts if "pq-streaming" in t]
    assert streaming, "no intermediate (streamed) state was sent"
    assert any(FIGURE[:2] in t for t in streaming[1:]) or len(streaming) > 1  # text arrived in pieces
    final = texts[-1]
    assert f"模型 {MODEL}" in final and FIGURE in final and 'class="pq-cite"' in final
    assert "引文逐字核对、数字见于所引条款" in final  # the badge names the checks that ran


def test_model_failure_falls_back_with_a_visible_notice(browser, llm_app_url, fake_llm):
    fake_llm.then(Status(500))
    with open_page(browser, llm_app_url) as page:
        assert f"模型 {MODEL}" in page.inner_text("#pq-header")
        page.fill("#pq-question textarea", QUESTION)
        page.press("#pq-question textarea", "Enter")
        page.wait_for_function("document.querySelector('#pq-chat .pq-answer:not(.pq-streaming)') !== null",
                               timeout=120_000)
        answer = page.locator("#pq-chat .pq-answer").first
        assert answer.locator(".pq-notice").is_visible()
        assert FIGURE in answer.inner_text() and answer.locator("a.pq-cite").count() >= 1
        assert "离线抽取式回答" in answer.locator(".pq-badge").inner_text()


def test_unverified_sentences_are_marked_in_the_answer(browser, llm_app_url, fake_llm):
    fake_llm.then(Reply(lambda messages: cite_the_clause_with_the_figure(messages) + "全区常住人口达到3000万人。"))
    with open_page(browser, llm_app_url) as page:
        page.fill("#pq-question textarea", QUESTION)
        page.press("#pq-question textarea", "Enter")
        page.wait_for_function("document.querySelector('#pq-chat .pq-answer:not(.pq-streaming)') !== null",
                               timeout=120_000)
        answer = page.locator("#pq-chat .pq-answer").first
        marked = answer.locator(".pq-unverified")
        assert marked.count() == 1 and "3000万" in marked.inner_text()
        assert "没有引用" in marked.get_attribute("title")
        assert "部分未核实" in answer.inner_text() and answer.locator(".pq-warn").is_visible()


def test_follow_up_sends_the_earlier_turn_to_the_model(llm_app_url, fake_llm):
    fake_llm.then(Reply(cite_the_clause_with_the_figure))
    client = Client(llm_app_url, verbose=False)  # one session: the app keeps its turns between calls
    client.predict(QUESTION, [], [], [], [], "", "", 8, "llm", api_name="/ask")
    first_requests = len(fake_llm.requests)
    _box, chat = client.predict("那人均呢？", [], [], [], [], "", "", 8, "llm", api_name="/ask")
    later = fake_llm.requests[first_requests:]
    assert later and any(QUESTION in str(request["messages"]) for request in later)
    assert chat[-1]["role"] == "assistant" and "pq-error" not in chat[-1]["content"][0]["text"]
