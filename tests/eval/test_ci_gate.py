"""The CI gate: the offline eval over the whole shipped gold set, on the real index of
data/corpus, must stay on the right side of eval/thresholds.json for every retriever — overall,
and for the hybrid retriever on the test split alone and for false refusals. This is the test that
fails the build when retrieval, citations, refusals or the verification badge regress."""
from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from eval.cli import register
from eval.gate import gated_value, load_thresholds
from eval.report import load_results

pytestmark = pytest.mark.slow


def test_offline_eval_passes_the_committed_thresholds(session_home, built_service, tmp_path):
    app = typer.Typer()
    register(app)
    out = tmp_path / "gate-run"
    result = CliRunner().invoke(
        app, ["eval", "run", "--retriever", "all", "--out", str(out), "--gate"], env={"POLICYQA_HOME": str(session_home)}
    )
    data = load_results(out)
    gated = load_thresholds()
    figures = {c["name"]: {key: gated_value(c, key) for key in (gated.get(c["retriever"]) or gated["default"])}
               for c in data["configs"]}
    assert result.exit_code == 0, f"CI gate failed: {figures}\n{result.output}"
    assert {c["retriever"] for c in data["configs"]} == {"dense", "bm25", "hybrid"}
    assert data["gold"]["rows"] >= 120
    hybrid = next(c for c in data["configs"] if c["retriever"] == "hybrid")
    # Dev and test are scored apart, and the English questions on their own.
    assert set(hybrid["split_counts"]) == {"dev", "test"} and sum(hybrid["split_counts"].values()) == data["gold"]["rows"]
    assert hybrid["language_counts"]["en"] >= 5
