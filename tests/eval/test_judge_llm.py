"""`eval run --judge` end to end: the real index of data/corpus answers offline, and the judge is
the real openai client (through qa.answer.llm.LLMAnswerer) talking HTTP to tests/qa/fake_llm.py,
so what the metric says can be checked against what the fake judge replied."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest
import typer
from pydantic import SecretStr
from typer.testing import CliRunner

from eval.cli import register
from eval.goldset import load_gold
from eval.judge import FaithfulnessJudge
from eval.report import load_results, write_reports
from eval.runner import RunConfig, run_eval, service_for
from qa.core.markers import split_sentences
from qa.service import PolicyQA

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "qa"))
from fake_llm import FakeLLM, Reply, Status  # noqa: E402  (the project's one allowed fake, shared with tests/qa)

pytestmark = pytest.mark.slow
JUDGE_MODEL = "fake-judge-model"
# Three answerable questions (one a follow-up) and one the documents cannot answer.
SUBSET = ("yz-gdp-2027", "sc-visa-free", "fu-yz-per-capita", "u-xian-plan")


def verdict(*supported: bool) -> str:
    return json.dumps({"claims": [{"claim": f"陈述{i}", "supported": s, "citations": [1]} for i, s in enumerate(supported)]},
                      ensure_ascii=False)


@pytest.fixture(scope="module")
def fake_llm():
    with FakeLLM() as server:
        yield server


@pytest.fixture(scope="module")
def subset():
    return load_gold().subset(SUBSET)


def judged_run(built_settings, fake_llm, subset):
    """Answers come from the offline answerer over the session's index (no LLM), so every request
    the fake server sees is a judge request."""
    judge = FaithfulnessJudge.from_service(PolicyQA(built_settings.model_copy(update={
        "openai_base_url": fake_llm.base_url, "openai_api_key": SecretStr("sk-test"), "llm_model": JUDGE_MODEL,
        "llm_timeout": 5.0, "llm_max_retries": 0,
    })))
    run = run_eval(lambda config: service_for(built_settings, config), subset, [RunConfig("hybrid", k=5)],
                   progress=False, judge=judge)
    config = run.configs[0]
    return run, config, [q for q in config.questions if not q.observation.refused]


def test_the_metric_is_what_the_judge_said(built_service, built_settings, fake_llm, subset, tmp_path):
    fake_llm.then(Reply(verdict(True, False, True)), Reply("```json\n" + verdict(True, True, True, False) + "\n```"))
    run, config, judged = judged_run(built_settings, fake_llm, subset)

    assert [q.id for q in judged] == ["yz-gdp-2027", "sc-visa-free", "fu-yz-per-capita"]  # u-xian-plan is refused
    assert len(fake_llm.requests) == len(judged)  # a refusal is never sent to the judge
    assert judged[0].metrics["faithfulness_llm"] == pytest.approx(2 / 3)
    assert [q.metrics["faithfulness_llm"] for q in judged[1:]] == [0.75, 0.75]
    assert math.isnan(next(q for q in config.questions if q.id == "u-xian-plan").metrics["faithfulness_llm"])
    assert config.overall["faithfulness_llm"] == pytest.approx((2 / 3 + 0.75 + 0.75) / 3)
    assert config.counted["faithfulness_llm"] == 3 and config.judge_errors == 0
    assert [len(q.judgement.claims) for q in judged] == [3, 4, 4]
    assert run.meta["judge"]["model"] == JUDGE_MODEL

    for q, request in zip(judged, fake_llm.requests):
        assert request["model"] == JUDGE_MODEL
        user = request["messages"][-1]["content"]
        answer_block = user.split("<answer>\n", 1)[1].split("\n</answer>", 1)[0]
        assert answer_block.splitlines() == split_sentences(q.observation.answer)
    assert "2100亿元" in fake_llm.requests[0]["messages"][-1]["content"].split("<documents>", 1)[1]

    report = write_reports(run, tmp_path / "run")["report"].read_text(encoding="utf-8")
    assert f"## Faithfulness — model-judged (judge model: {JUDGE_MODEL})" in report
    assert f"| hybrid-k5-offline | {config.overall['faithfulness_llm']:.3f} (n=3) | 11 | 8 | 0 |" in report


def test_garbage_and_failures_give_nan_and_are_reported(built_service, built_settings, fake_llm, subset, tmp_path):
    fake_llm.then(Reply("我认为回答基本正确。"), Status(500), Reply(verdict(True, False)))
    run, config, judged = judged_run(built_settings, fake_llm, subset)

    first, second, third = judged
    assert math.isnan(first.metrics["faithfulness_llm"]) and "not the expected JSON" in first.judge_error
    assert math.isnan(second.metrics["faithfulness_llm"]) and "HTTP 500" in second.judge_error
    assert third.metrics["faithfulness_llm"] == 0.5 and not third.judge_error
    assert all(not q.error for q in config.questions)  # judging failed, answering did not
    assert config.judge_errors == 2 and config.counted["faithfulness_llm"] == 1
    assert config.overall["faithfulness_llm"] == 0.5

    write_reports(run, tmp_path / "run")
    report = (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
    assert "### Judge errors — hybrid-k5-offline (2)" in report and "HTTP 500" in report
    data = load_results(tmp_path / "run")
    assert "not the expected JSON" in data["configs"][0]["questions"][0]["judge_error"]


def test_eval_run_judge_command(subset, session_home, built_service, fake_llm, tmp_path):
    gold_file = tmp_path / "subset.jsonl"
    gold_file.write_text("".join(json.dumps(r.model_dump(exclude={"follows"}), ensure_ascii=False) + "\n"
                                 for r in subset.rows), encoding="utf-8")
    app = typer.Typer()
    register(app)
    env = {"POLICYQA_HOME": str(session_home), "OPENAI_BASE_URL": fake_llm.base_url, "OPENAI_API_KEY": "sk-test",
           "POLICYQA_LLM_MODEL": "fake-answer-model", "POLICYQA_LLM_MAX_RETRIES": "0", "POLICYQA_LLM_TIMEOUT": "5"}

    fake_llm.then(Reply(verdict(True, True, False, False)))
    args = ["eval", "run", "--gold", str(gold_file), "--retriever", "bm25", "-k", "5", "--judge", "--judge-model", JUDGE_MODEL]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "ok")], env=env)
    assert result.exit_code == 0, result.output
    assert f"faithfulness_llm 0.500 (n=3) — model-judged (judge model: {JUDGE_MODEL})" in " ".join(result.output.split())
    assert {r["model"] for r in fake_llm.requests} == {JUDGE_MODEL}
    data = load_results(tmp_path / "ok")
    assert data["meta"]["judge"]["model"] == JUDGE_MODEL and data["configs"][0]["overall"]["faithfulness_llm"] == 0.5

    fake_llm.then(Reply("都对"))
    garbage = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "garbage"), "--gate"], env=env)
    assert "faithfulness_llm – (n=0, 3 judge error(s))" in " ".join(garbage.output.split())
    assert "faithfulness" not in garbage.output.split("CI gate", 1)[1]  # the gate never looks at it
    assert load_results(tmp_path / "garbage")["configs"][0]["overall"]["faithfulness_llm"] is None
