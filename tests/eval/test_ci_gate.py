"""The CI gate: the offline eval over the whole shipped gold set, on the real index of
data/corpus, must stay at or above eval/thresholds.json for every retriever. This is the test
that fails the build when retrieval, citations or refusals regress."""
from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from eval.cli import register
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
    figures = {c["name"]: {m: round(c["overall"][m], 3) for m in ("hit@5", "citation_precision", "refusal_accuracy")}
               for c in data["configs"]}
    assert result.exit_code == 0, f"CI gate failed: {figures}\n{result.output}"
    assert {c["retriever"] for c in data["configs"]} == {"dense", "bm25", "hybrid"}
    assert data["gold"]["rows"] >= 120
