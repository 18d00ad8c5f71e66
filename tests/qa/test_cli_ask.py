"""`policyqa ask` against the session's built index (offline answerer)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from qa.core.errors import BadQuestion
from qa.core.messages import REFUSAL_ZH

pytestmark = pytest.mark.slow

KEYS = {"question", "standalone_question", "answer", "refused", "backend", "verified", "citations", "unverified",
        "notice", "dropped_markers", "nearest", "timings", "evidence"}
CITATION_KEYS = {"n", "clause_id", "doc_id", "doc_title", "ref", "text", "quote"}
GDP = "渝中区到2027年地区生产总值要迈上什么台阶？"
YUZHONG = "yuzhong-2023-05-ten-actions-plan"


@pytest.fixture(scope="module")
def env(built_service):
    return {"POLICYQA_HOME": str(built_service.settings.home), "POLICYQA_CORPUS": str(built_service.settings.corpus_dir)}


@pytest.fixture(scope="module")
def run(env):
    from qa.cli import app

    def invoke(*args: str):
        return CliRunner().invoke(app, ["ask", *args], env=env)

    return invoke


def test_json_output_has_the_documented_shape(run):
    result = run("--json", GDP)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == KEYS
    assert payload["question"] == GDP and payload["backend"] == "offline" and payload["refused"] is False
    assert "2100亿元" in payload["answer"] and payload["verified"] is True
    assert [c["n"] for c in payload["citations"]] == list(range(1, len(payload["citations"]) + 1))
    for citation in payload["citations"]:
        assert set(citation) == CITATION_KEYS and citation["clause_id"].startswith(citation["doc_id"] + ":")
    assert payload["unverified"] == [] and payload["nearest"] == []


def test_pretty_output_shows_answer_references_and_backend(run):
    result = run(GDP)
    assert result.exit_code == 0, result.output
    assert "2100亿元" in result.stdout
    assert "References" in result.stdout and "[1] 《渝中区全力推进成渝地区双城经济圈建设" in result.stdout
    assert "backend: offline" in result.stdout


def test_refusal_lists_the_nearest_clauses(run):
    result = run("--json", "上海浦东新区打造社会主义现代化建设引领区的主要目标是什么？")
    payload = json.loads(result.stdout)
    assert payload["refused"] and payload["answer"] == REFUSAL_ZH and payload["citations"] == []
    assert payload["nearest"] and {"clause_id", "doc_title", "ref"} <= set(payload["nearest"][0])
    pretty = run("上海浦东新区打造社会主义现代化建设引领区的主要目标是什么？")
    assert "Nearest clauses" in pretty.stdout


def test_doc_and_k_options(run):
    result = run("--json", "--doc", YUZHONG, "-k", "3", "营造良好创新生态")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {c["doc_id"] for c in payload["citations"]} <= {YUZHONG}
    unknown = run("--doc", "no-such-doc", GDP)
    assert isinstance(unknown.exception, BadQuestion) and YUZHONG in unknown.exception.hint


def test_batch_answers_each_line_and_reports_bad_ones(run, tmp_path):
    batch = tmp_path / "questions.jsonl"
    batch.write_text(json.dumps({"question": GDP}, ensure_ascii=False) + "\n{broken\n天府新区成都片区面积多少平方公里？\n",
                     encoding="utf-8")
    result = run("--batch", str(batch), "--json")
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    assert "2100亿元" in rows[0]["answer"] and "1484" in rows[2]["answer"].replace(" ", "")
    assert rows[1]["line"] == 2 and "not valid JSON" in rows[1]["error"]


def test_bad_arguments(run):
    assert run().exit_code != 0
    assert run("--mode", "fast", GDP).exit_code != 0


def test_llm_mode_without_an_llm_is_a_clean_error(env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")} | env
    proc = subprocess.run([sys.executable, "-m", "qa.cli", "ask", "--mode", "llm", GDP], env=full_env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "No LLM is configured" in proc.stderr and "Traceback" not in proc.stderr


def _cli(env: dict, *args: str | bytes, llm: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m qa.cli ask …` in a child process with its real stdout and stderr (bytes argv
    reach it as a terminal would hand them over). `llm` adds LLM settings to the environment."""
    base = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL",
                                                            "POLICYQA_LLM_MODEL")}
    proc = subprocess.run([sys.executable, "-m", "qa.cli", "ask", *args], env=base | env | (llm or {}),
                          capture_output=True, timeout=300)
    # Rich wraps stderr at 80 columns: compare its words, not its line breaks.
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(), " ".join(proc.stderr.decode().split()))


def test_a_question_that_is_not_valid_text_is_a_clean_error(env):
    proc = _cli(env, "渝中区".encode("gbk") + "的目标".encode())  # GBK bytes in a UTF-8 terminal
    assert proc.returncode == 1 and proc.stdout == ""
    assert "not valid text" in proc.stderr and "UTF-8" in proc.stderr and "Traceback" not in proc.stderr


def test_colour_codes_in_a_question_do_not_change_the_answer(run):
    result = run("--json", f"\x1b[31m{GDP}\x1b[0m")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["question"] == GDP and not payload["refused"] and "2100亿元" in payload["answer"]
    assert "31" not in payload["notice"]


def test_batch_reports_a_bad_line_and_answers_the_rest(env, tmp_path):
    batch = tmp_path / "questions.jsonl"
    lines = [json.dumps({"question": GDP}), json.dumps({"question": "\ud800渝中区的目标"}),
             json.dumps({"question": f"\x1b[31m{GDP}"}), "天府新区成都片区面积多少平方公里？"]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = _cli(env, "--batch", str(batch))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 4
    assert rows[1]["line"] == 2 and "not valid text" in rows[1]["error"] and rows[1]["question"].startswith("\\ud800")
    assert "2100亿元" in rows[0]["answer"] and "2100亿元" in rows[2]["answer"] and rows[2]["question"] == GDP
    assert "1484" in rows[3]["answer"].replace(" ", "")
    assert "line 2:" in proc.stderr and "1 question(s)" in proc.stderr


def test_llm_mode_that_falls_back_prints_the_answer_and_exits_non_zero(env):
    from fake_llm import FakeLLM, Status

    with FakeLLM() as fake:
        fake.then(Status(500))
        llm = {"OPENAI_BASE_URL": fake.base_url, "POLICYQA_LLM_MODEL": "fake-model", "POLICYQA_LLM_MAX_RETRIES": "0"}
        proc = _cli(env, "--mode", "llm", GDP, llm=llm)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert "2100亿元" in proc.stdout and "backend: offline" in proc.stdout
        assert "Notice:" in proc.stderr and "HTTP 500" in proc.stderr and "Notice" not in proc.stdout
        as_json = _cli(env, "--json", "--mode", "llm", GDP, llm=llm)
        assert as_json.returncode == 1 and json.loads(as_json.stdout)["backend"] == "offline"
        assert "HTTP 500" in as_json.stderr
        auto = _cli(env, "--json", GDP, llm=llm)  # auto promised no model: the fallback is an answer
        assert auto.returncode == 0 and json.loads(auto.stdout)["backend"] == "offline"


def test_a_local_endpoint_without_a_model_name_is_a_clear_error(env):
    proc = _cli(env, GDP, llm={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "POLICYQA_LLM_MODEL" in proc.stderr and "no model is named" in proc.stderr
