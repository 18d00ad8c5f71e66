"""`eval compare`: the paired bootstrap interval per metric, its verdict, --json and the exit code,
on results files written by the real report writer."""
from __future__ import annotations

import json
import math

import typer
from typer.testing import CliRunner

from eval.bootstrap import metric_intervals, paired_interval
from eval.cli import register
from eval.compare import compare_runs
from eval.report import SCHEMA


def results(hits: list[float], name: str = "hybrid-k8-offline") -> dict:
    questions = [{"id": f"q{i}", "type": "fact", "question": "?", "answerable": True, "refused": False, "verified": True,
                  "error": "", "seconds": 0.1, "retrieved": [], "cited": [], "answer": "",
                  "metrics": {"hit@5": hit, "false_refusal": 0.0, "key_fact_recall": None}}
                 for i, hit in enumerate(hits)]
    mean = sum(hits) / len(hits)
    return {"schema": SCHEMA, "started": "t", "gold": {"path": "g", "rows": len(hits), "types": {"fact": len(hits)}},
            "unresolved": [], "meta": {}, "configs": [{
                "name": name, "retriever": "hybrid", "k": 8, "answerer": "offline", "backend": "offline", "seconds": 1.0,
                "overall": {"hit@5": mean, "false_refusal": 0.0}, "counted": {"hit@5": len(hits)},
                "by_type": {"fact": {"hit@5": mean}}, "questions": questions}]}


def test_interval_is_reproducible_and_brackets_the_mean_change():
    before = [1.0] * 40 + [0.0] * 10
    after = [1.0] * 30 + [0.0] * 20
    low, high = paired_interval(before, after, seed=7)
    assert (low, high) == paired_interval(before, after, seed=7)
    assert low <= -0.2 <= high and high < 0  # ten questions lost out of fifty: a real drop
    assert all(math.isnan(bound) for bound in paired_interval([1.0], [0.0]))  # one pair: no interval


def test_one_changed_question_is_noise_and_ten_are_a_regression():
    base = [1.0] * 50
    noise = metric_intervals(results(base)["configs"][0]["questions"], results([0.0] + [1.0] * 49)["configs"][0]["questions"],
                             ["hit@5"], {"hit@5": True})[0]
    assert noise.n == 50 and noise.direction == 0
    real = metric_intervals(results(base)["configs"][0]["questions"], results([0.0] * 10 + [1.0] * 40)["configs"][0]["questions"],
                            ["hit@5"], {"hit@5": True})[0]
    assert real.direction == -1 and real.high < 0
    # Lower is better for false refusals: a rise is the worse side.
    up = metric_intervals([{"id": f"q{i}", "metrics": {"false_refusal": 0.0}} for i in range(30)],
                          [{"id": f"q{i}", "metrics": {"false_refusal": 1.0 if i < 12 else 0.0}} for i in range(30)],
                          ["false_refusal"], {"false_refusal": False})[0]
    assert up.direction == -1


def test_undefined_values_are_left_out_of_the_pairs():
    comparisons, _ = compare_runs(results([1.0] * 20), results([1.0] * 20))
    by_name = {i.name: i for i in comparisons[0].intervals}
    assert by_name["hit@5"].n == 20 and by_name["hit@5"].direction == 0
    assert by_name["key_fact_recall"].n == 0 and math.isnan(by_name["key_fact_recall"].low)


def test_compare_command_exits_nonzero_on_a_significant_regression(tmp_path):
    app = typer.Typer()
    register(app)
    for name, hits in (("a", [1.0] * 50), ("b", [0.0] * 12 + [1.0] * 38), ("c", [0.0] + [1.0] * 49)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "results.json").write_text(json.dumps(results(hits)), encoding="utf-8")
    runner = CliRunner()
    worse = runner.invoke(app, ["eval", "compare", str(tmp_path / "a"), str(tmp_path / "b"), "--json"])
    assert worse.exit_code == 1, worse.output
    data = json.loads(worse.output)
    hit = next(m for m in data["configs"][0]["metrics"] if m["name"] == "hit@5")
    assert data["significant_regression"] and hit["verdict"] == "worse" and hit["high"] < 0 < hit["before"]
    assert len(data["configs"][0]["regressed"]) == 12
    same = runner.invoke(app, ["eval", "compare", str(tmp_path / "a"), str(tmp_path / "c"), "--out", str(tmp_path / "c.md")])
    assert same.exit_code == 0, same.output
    assert "Paired bootstrap" in (tmp_path / "c.md").read_text(encoding="utf-8")
    better = runner.invoke(app, ["eval", "compare", str(tmp_path / "b"), str(tmp_path / "a"), "--json"])
    assert better.exit_code == 0 and not json.loads(better.output)["significant_regression"]
