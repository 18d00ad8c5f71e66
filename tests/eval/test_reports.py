"""Report files, comparison and CI gate, on runs assembled from scored observations (the runner
over the real index is tested in test_runner.py)."""
from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from eval.compare import compare_runs, render_comparison
from eval.gate import check_gate, load_thresholds
from eval.goldset import REFUSAL_TEXT, GoldRow, UnresolvedQuote
from eval.report import load_results, render_markdown, to_json, type_labels, write_reports
from eval.runner import RunConfig, RunResult, _aggregate, _counts, _grouped, ConfigResult, QuestionResult
from eval.scoring import Observation, score
from qa.core.errors import UnreadableFile

ROWS = [
    GoldRow(id="n1", type="number", question="目标是多少？", answer="迈上2100亿元台阶。", key_facts=("2100亿元",),
            evidence=({"doc_id": "d", "quote": "地区生产总值迈上2100亿元台阶"},)),
    GoldRow(id="f1", type="fact", question="牵头单位？", answer="区科技局。", key_facts=("区科技局",),
            evidence=({"doc_id": "d", "quote": "专项行动牵头单位区科技局"},)),
    GoldRow(id="u1", type="unanswerable", question="西安的目标？", answer=REFUSAL_TEXT),
]
GOLD = {"n1": (frozenset({"d:1"}),), "f1": (frozenset({"d:2"}),), "u1": ()}


def answered(text: str, retrieved: tuple[str, ...], cited: tuple[str, ...]) -> Observation:
    return Observation(retrieved=retrieved, answer=text, refused=False, verified=True, cited=cited)


REFUSED = Observation(retrieved=("d:9",), answer=REFUSAL_TEXT, refused=True, verified=False, cited=())


def make_run(observations: dict[str, Observation], retriever: str = "hybrid") -> RunResult:
    questions = tuple(
        QuestionResult(row.id, row.type, row.question, row.answerable, observations[row.id],
                       score(row, GOLD[row.id], observations[row.id]), 0.01)
        for row in ROWS
    )
    overall, counted = _aggregate(questions)
    by_type = {q.type: _aggregate([q])[0] for q in questions}
    config = ConfigResult(RunConfig(retriever=retriever, k=5), questions, overall, counted, by_type, 0.5, "offline")
    unresolved = (UnresolvedQuote("f1", 2, "d", "不再出现的引文内容", "the quote is not in the document text"),)
    return RunResult("gold.jsonl", len(ROWS), {"number": 1, "fact": 1, "unanswerable": 1}, (config,), unresolved, "2024-01-01T00:00:00+00:00")


GOOD = {
    "n1": answered("地区生产总值迈上2100亿元台阶[1]。", ("d:1", "d:3"), ("d:1",)),
    "f1": answered("牵头单位是区科技局[1]。", ("d:3", "d:2"), ("d:2",)),
    "u1": REFUSED,
}
WORSE = {
    "n1": answered("地区生产总值迈上2100亿元台阶[1]。", ("d:1",), ("d:1",)),
    "f1": answered("牵头单位是区发改委[1]。", ("d:3", "d:4"), ("d:4",)),
    "u1": answered("西安的目标是很多[1]。", ("d:5",), ("d:5",)),
}


def test_reports_are_written_and_readable(tmp_path):
    paths = write_reports(make_run(GOOD), tmp_path / "run")
    for path in paths.values():
        assert path.stat().st_size > 0, path.name
    for plot in ("plot_configs", "plot_types"):
        assert paths[plot].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    data = load_results(tmp_path / "run")
    config = data["configs"][0]
    assert config["overall"]["hit@5"] == 1.0 and config["overall"]["refusal_accuracy"] == 1.0
    assert config["by_type"]["unanswerable"]["hit@5"] is None  # NaN is written as null, not 0
    assert config["counted"]["hit@5"] == 2

    with paths["questions"].open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == ["n1", "f1", "u1"]
    assert rows[2]["hit@5"] == "" and rows[2]["refusal_recall"] == "1.0"

    report = paths["report"].read_text(encoding="utf-8")
    assert "不再出现的引文内容" in report  # the unresolved quote is listed
    assert "| hit@5 ↑ | 1.000 (n=2) |" in report
    assert "## By question type" in report


def test_load_results_rejects_other_files(tmp_path):
    (tmp_path / "results.json").write_text(json.dumps({"hello": 1}), encoding="utf-8")
    with pytest.raises(UnreadableFile):
        load_results(tmp_path)


def test_compare_lists_regressions_question_by_question():
    before, after = to_json(make_run(GOOD)), to_json(make_run(WORSE))
    comparisons, unpaired = compare_runs(before, after)
    assert unpaired == []
    comp = comparisons[0]
    assert {c.id for c in comp.regressed} == {"f1", "u1"}
    assert comp.improved == ()
    f1 = next(c for c in comp.regressed if c.id == "f1")
    assert {m.name for m in f1.moves} >= {"hit@5", "key_fact_recall", "crag"}
    crag = next(m for m in comp.overall if m.name == "crag")
    assert crag.direction == -1 and crag.delta == pytest.approx(-4 / 3)
    text = render_comparison("A", "B", comparisons, unpaired)
    assert "### Regressed: 2 question(s)" in text and "**f1**" in text

    reverse, _ = compare_runs(after, before)
    assert {c.id for c in reverse[0].improved} == {"f1", "u1"}


def test_compare_pairs_single_configs_with_different_names():
    comparisons, unpaired = compare_runs(to_json(make_run(GOOD, "bm25")), to_json(make_run(GOOD, "dense")))
    assert len(comparisons) == 1 and unpaired == []
    assert comparisons[0].regressed == () and comparisons[0].improved == ()


def test_gate_passes_and_fails_on_thresholds(tmp_path):
    results = to_json(make_run(WORSE))
    thresholds = {"default": {"hit@5": 0.5, "refusal_accuracy": 0.9}}
    checks = {c.metric: c.passed for c in check_gate(results, thresholds)}
    assert checks == {"hit@5": True, "refusal_accuracy": False}
    by_retriever = {"default": {"hit@5": 0.99}, "hybrid": {"hit@5": 0.5}}
    assert all(c.passed for c in check_gate(results, by_retriever))


def test_gate_command_exit_codes(tmp_path):
    import typer

    from eval.cli import register

    app = typer.Typer()
    register(app)
    write_reports(make_run(GOOD), tmp_path / "good")
    write_reports(make_run(WORSE), tmp_path / "bad")
    strict = tmp_path / "thresholds.json"
    strict.write_text(json.dumps({"default": {"hit@5": 0.9, "citation_precision": 0.9, "refusal_accuracy": 0.9}}), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["eval", "gate", str(tmp_path / "good"), "--thresholds", str(strict)]).exit_code == 0
    failed = runner.invoke(app, ["eval", "gate", str(tmp_path / "bad"), "--thresholds", str(strict)])
    assert failed.exit_code == 1 and "FAIL" in failed.output


def test_gate_reads_split_keys_and_treats_false_refusal_as_a_maximum():
    results = {"configs": [{"name": "hybrid-k8-offline", "retriever": "hybrid",
                            "overall": {"hit@5": 0.9, "false_refusal": 0.05},
                            "by_split": {"test": {"hit@5": 0.8}}, "by_language": {"en": {"hit@5": 0.5}}}]}
    checks = {c.metric: (c.value, c.passed) for c in check_gate(results, {"default": {
        "test/hit@5": 0.85, "en/hit@5": 0.4, "false_refusal": 0.1, "dev/hit@5": 0.1}})}
    assert checks == {"test/hit@5": (0.8, False), "en/hit@5": (0.5, True), "false_refusal": (0.05, True),
                      "dev/hit@5": (None, False)}  # a part the run does not have cannot pass
    assert not next(iter(check_gate(results, {"default": {"false_refusal": 0.01}}))).passed


def test_shipped_thresholds_load():
    tables = load_thresholds()
    assert {"hit@5", "citation_precision", "refusal_accuracy"} <= set(tables["default"])


def test_bad_thresholds_file(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"hybrid": {"hit@5": "high"}}), encoding="utf-8")
    with pytest.raises(UnreadableFile):
        load_thresholds(path)
    path.write_text(json.dumps({"default": {"test/hit@55": 0.5}}), encoding="utf-8")
    with pytest.raises(UnreadableFile, match="unknown metric"):
        load_thresholds(path)


def test_reports_show_dev_and_test_apart_and_the_badge_that_did_not_hold():
    splits = {"n1": "dev", "f1": "test", "u1": "test"}
    questions = tuple(
        QuestionResult(row.id, row.type, row.question, row.answerable, WORSE[row.id],
                       score(row, GOLD[row.id], WORSE[row.id]), 0.01, split=splits[row.id])
        for row in ROWS
    )
    overall, counted = _aggregate(questions)
    config = ConfigResult(RunConfig(), questions, overall, counted, _grouped(questions, lambda q: q.type), 0.5, "offline",
                          by_split=_grouped(questions, lambda q: q.split), split_counts=_counts(q.split for q in questions))
    data = to_json(RunResult("gold.jsonl", 3, {"number": 1, "fact": 1, "unanswerable": 1}, (config,), (), "t"))
    # Three badged answers: one right, one citing the wrong clause, one answering the unanswerable.
    assert data["configs"][0]["overall"]["badge_rate"] == 1.0
    assert data["configs"][0]["overall"]["verified"] == pytest.approx(1 / 3)
    assert data["configs"][0]["by_split"]["dev"]["verified"] == 1.0
    assert data["configs"][0]["by_split"]["test"]["verified"] == 0.0
    report = render_markdown(data)
    assert "## By split" in report and "| dev | 1 |" in report and "| test | 2 |" in report
    assert "badge holds" in report  # the definition of `verified` is in the report
    assert type_labels(data, ["number", "fact"]) == ["number\n(n=1)", "fact\n(n=1)"]
