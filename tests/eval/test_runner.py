"""The runner and `policyqa eval` over the real index of data/corpus (built once per session)."""
from __future__ import annotations

import json
import math

import pytest
import typer
from typer.testing import CliRunner

from eval.cli import register
from eval.goldset import load_gold, resolve
from eval.report import load_results, write_reports
from eval.runner import RunConfig, run_eval, service_for

SUBSET = ("yz-gdp-2027", "sc-visa-free", "x-zhongxian-hsr", "cd-principles", "fu-yz-per-capita", "en-yz-services",
          "u-xian-plan", "p-yz-2030")


@pytest.fixture(scope="module")
def gold():
    return load_gold()


@pytest.fixture(scope="module")
def subset(gold):
    return gold.subset(SUBSET)


def test_every_shipped_quote_resolves_against_the_parsed_corpus(gold, built_service):
    resolution = resolve(gold, built_service.clauses())
    assert [(u.row_id, u.quote, u.reason) for u in resolution.unresolved] == []
    assert all(resolution.groups[row.id] for row in gold.rows if row.answerable)


def test_runner_scores_a_subset_under_two_retrievers(subset, built_settings, tmp_path):
    configs = [RunConfig("hybrid", k=5), RunConfig("bm25", k=5)]
    run = run_eval(lambda config: service_for(built_settings, config), subset, configs, progress=False)

    assert [c.config.name for c in run.configs] == ["hybrid-k5-offline", "bm25-k5-offline"]
    for config in run.configs:
        assert [q.id for q in config.questions] == [row.id for row in subset.rows]
        assert all(not q.error for q in config.questions)
        for q in config.questions:
            retrieval_defined = not math.isnan(q.metrics["hit@5"])
            assert retrieval_defined == q.answerable, q.id  # NaN, never 0, on unanswerable questions
            assert 0 < len(q.observation.retrieved) <= 10  # BM25 alone may match fewer clauses
        assert config.counted["refusal_recall"] == 2
        assert config.counted["hit@5"] == 6
    hybrid = run.configs[0]
    assert all(len(q.observation.retrieved) == 10 for q in hybrid.questions)
    assert hybrid.overall["hit@10"] > 0  # the index really finds gold clauses
    assert set(hybrid.by_type) == {row.type for row in subset.rows}

    paths = write_reports(run, tmp_path / "run")
    assert all(path.stat().st_size > 0 for path in paths.values())


def test_single_source_retrievers_use_only_their_source(built_settings):
    bm25 = service_for(built_settings, RunConfig("bm25")).retrieve("渝中区地区生产总值目标", k=5)
    dense = service_for(built_settings, RunConfig("dense")).retrieve("渝中区地区生产总值目标", k=5)
    assert bm25 and all(h.dense_rank is None and h.bm25_rank is not None for h in bm25)
    assert dense and all(h.bm25_rank is None and h.dense_rank is not None for h in dense)


def test_eval_run_and_compare_commands(subset, session_home, tmp_path):
    gold_file = tmp_path / "subset.jsonl"
    gold_file.write_text("".join(json.dumps(r.model_dump(exclude={"follows"}), ensure_ascii=False) + "\n"
                                 for r in subset.rows), encoding="utf-8")
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    env = {"POLICYQA_HOME": str(session_home)}
    first = runner.invoke(app, ["eval", "run", "--gold", str(gold_file), "--retriever", "bm25", "-k", "5", "--out", str(tmp_path / "a")], env=env)
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["eval", "run", "--gold", str(gold_file), "--retriever", "dense", "-k", "5", "--out", str(tmp_path / "b")], env=env)
    assert second.exit_code == 0, second.output
    data = load_results(tmp_path / "a")
    assert data["gold"]["rows"] == len(SUBSET) and data["configs"][0]["retriever"] == "bm25"

    compared = runner.invoke(app, ["eval", "compare", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "cmp.md")])
    text = (tmp_path / "cmp.md").read_text(encoding="utf-8")
    assert "bm25-k5-offline → dense-k5-offline" in text
    # Exit 1 exactly when some metric got significantly worse (dense may well lose to BM25 here).
    assert compared.exit_code == (1 if "**WORSE**" in text else 0), compared.output


def test_eval_check_command(session_home, built_service):
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["eval", "check"], env={"POLICYQA_HOME": str(session_home)})
    assert result.exit_code == 0, result.output
    assert "evidence quotes resolve" in result.output
