"""`policyqa retrieve` against the session's built index."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from qa.core.errors import BadQuestion

HIT_KEYS = {"rank", "clause_id", "doc_id", "doc_title", "ref", "text", "score", "dense_rank", "bm25_rank"}
YUZHONG = "yuzhong-2023-05-ten-actions-plan"


@pytest.fixture(scope="module")
def run(built_service):
    from qa.cli import app

    env = {"POLICYQA_HOME": str(built_service.settings.home), "POLICYQA_CORPUS": str(built_service.settings.corpus_dir)}

    def invoke(*args: str, columns: int = 200):
        # rich sizes its tables from COLUMNS; wide enough that cells do not wrap mid-word
        return CliRunner().invoke(app, ["retrieve", *args], env={**env, "COLUMNS": str(columns)})

    return invoke


def test_json_output_has_the_documented_shape(run):
    result = run("--json", "-k", "3", "营造良好创新生态")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"question", "hits"} and payload["question"] == "营造良好创新生态"
    assert [h["rank"] for h in payload["hits"]] == [1, 2, 3]
    for hit in payload["hits"]:
        assert set(hit) == HIT_KEYS
        assert hit["clause_id"].startswith(hit["doc_id"] + ":") and "#" not in hit["clause_id"]
        assert hit["text"] and isinstance(hit["score"], float)
    assert "營造良好創新生態" in payload["hits"][0]["text"]


def test_doc_option_restricts_the_hits(run):
    result = run("--json", "--doc", YUZHONG, "科技创新")
    assert result.exit_code == 0, result.output
    assert {h["doc_id"] for h in json.loads(result.stdout)["hits"]} == {YUZHONG}


def test_table_output_shows_short_title_ref_and_ranks(run, built_service):
    result = run("-k", "2", "营造良好创新生态")
    assert result.exit_code == 0, result.output
    top = built_service.retrieve("营造良好创新生态", k=1)[0]
    assert "《四川省委决定》" in result.stdout
    assert top.clause.ref.split()[0] in result.stdout


def test_unknown_doc_is_a_clear_error_listing_valid_ids(run):
    result = run("--doc", "no-such-doc", "科技创新")
    assert isinstance(result.exception, BadQuestion)
    assert "no-such-doc" in result.exception.message and YUZHONG in result.exception.hint


def test_batch_reads_plain_and_jsonl_lines_and_reports_bad_ones(run, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_text(
        "营造良好创新生态\n"
        "\n"
        + json.dumps({"question": "渝中区到2027年地区生产总值目标", "id": "q2"}, ensure_ascii=False)
        + "\n{not json\n"
        + json.dumps({"question": "   "})
        + "\n",
        encoding="utf-8",
    )
    result = run("--batch", str(batch), "-k", "2")
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [line["question"] for line in lines[:2]] == ["营造良好创新生态", "渝中区到2027年地区生产总值目标"]
    assert all(len(line["hits"]) == 2 for line in lines[:2])
    assert lines[2]["line"] == 4 and "JSON" in lines[2]["error"]
    assert lines[3]["line"] == 5 and "empty" in lines[3]["error"]
    assert result.exit_code == 1


def test_question_and_batch_are_exclusive(run, tmp_path):
    assert run().exit_code == 2
    batch = tmp_path / "q.txt"
    batch.write_text("科技创新\n", encoding="utf-8")
    assert run("--batch", str(batch), "科技创新").exit_code == 2


def test_errors_reach_the_user_as_text_not_a_traceback(tmp_path):
    env = {**os.environ, "POLICYQA_HOME": str(tmp_path / "no-index")}
    done = subprocess.run(
        [sys.executable, "-m", "qa.cli", "retrieve", "营造良好创新生态"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 1
    assert "policyqa index build" in done.stderr and "Traceback" not in done.stderr
