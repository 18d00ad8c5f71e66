"""With no network at all (a fresh network namespace), `policyqa ask` still answers offline."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def _unshare_works() -> str:
    if shutil.which("unshare") is None:
        return "the unshare tool is not installed"
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    return "" if probe.returncode == 0 else f"unshare -n is not permitted here: {probe.stderr.strip()}"


def test_ask_works_in_a_network_namespace_without_interfaces(built_service):
    problem = _unshare_works()
    if problem:
        pytest.skip(problem)
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CHROMA_HOST")}
    env |= {"POLICYQA_HOME": str(built_service.settings.home), "POLICYQA_CORPUS": str(built_service.settings.corpus_dir)}
    # The namespace really has no network: even loopback is down.
    probe = subprocess.run(
        ["unshare", "-n", sys.executable, "-c",
         "import socket; s = socket.socket(); s.settimeout(2); s.connect(('1.1.1.1', 443))"],
        capture_output=True, text=True, timeout=60,
    )
    assert probe.returncode != 0
    proc = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "qa.cli", "ask", "--json", "天府新区成都片区面积多少平方公里？"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["backend"] == "offline" and not payload["refused"]
    assert "1484" in payload["answer"].replace(" ", "") and payload["verified"]
