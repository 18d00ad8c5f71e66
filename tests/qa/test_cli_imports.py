"""`policyqa ask` starts without what it does not use: the eval commands' imports are left out of
every command but `eval` (and the help that lists it)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "qa.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def imported(done: subprocess.CompletedProcess) -> set[str]:
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_ask_does_not_import_the_eval_commands_and_help_still_lists_them():
    ask = run("ask", "--help")
    assert ask.returncode == 0 and "eval.cli" not in imported(ask) and "eval.metrics" not in imported(ask)
    top = run("--help")
    assert top.returncode == 0 and "eval.cli" in imported(top) and " eval " in top.stdout
    assert run("eval", "--help").returncode == 0
