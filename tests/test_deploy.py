"""The Docker deployment: Dockerfile, compose.yaml and .dockerignore agree with each other and with
the code (always checked, by reading them), and the image builds, runs offline and serves beside a
Chroma server (when a docker daemon with the compose plugin is reachable; skipped otherwise)."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import time
import tomllib
import uuid
from functools import cache
from pathlib import Path

import httpx
import pytest
import yaml
from packaging.requirements import Requirement

from qa.offline import _FLAGS as OFFLINE_FLAGS
from qa.settings import Settings

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO / "Dockerfile"
COMPOSE = REPO / "compose.yaml"
# Variables for Python and pip themselves, not read by policyqa.
TOOL_VARIABLES = re.compile(r"^(PYTHON|PIP_)")


@cache
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    rows = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(row.split(None, 1)[0].upper(), row.split(None, 1)[1] if " " in row else "") for row in rows]


def instructions(name: str) -> list[str]:
    return [args for instruction, args in dockerfile() if instruction == name]


def dockerfile_env() -> dict[str, str]:
    return dict(pair.split("=", 1) for args in instructions("ENV") for pair in shlex.split(args))


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def compose_env(service: str) -> dict[str, str | None]:
    """A service's environment as name → value (None: passed through from where compose runs)."""
    entries = compose()["services"][service].get("environment", [])
    if isinstance(entries, dict):
        return {k: None if v is None else str(v) for k, v in entries.items()}
    return {e.split("=", 1)[0]: e.split("=", 1)[1] if "=" in e else None for e in entries}


def settings_variables() -> set[str]:
    """Every environment variable qa/settings.py reads."""
    names = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        names.update(alias.choices if hasattr(alias, "choices") else [alias] if alias else [])
    return {name for name in names if isinstance(name, str)}


def chroma_pin() -> str:
    (arg,) = [a for a in instructions("ARG") if a.startswith("CHROMADB_VERSION=")]
    return arg.split("=", 1)[1]


# --- always: the files agree ------------------------------------------------------------------

def test_the_image_is_python_3_11_slim_running_the_app_on_all_interfaces():
    assert instructions("FROM") == ["python:3.11-slim"]
    assert json.loads(instructions("CMD")[-1]) == ["python", "app.py"]
    env = dockerfile_env()
    assert env["GRADIO_SERVER_NAME"] == "0.0.0.0" and env["POLICYQA_HOME"].startswith("/")
    assert instructions("EXPOSE") == [env["GRADIO_SERVER_PORT"]]
    assert any("pip install" in run and "--no-deps ." in run for run in instructions("RUN"))


def test_the_image_copies_every_package_and_the_default_corpus():
    sources = {src.rstrip("/") for args in instructions("COPY") for src in shlex.split(args)[:-1]}
    tool = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    needed = {package.split(".")[0] for package in tool["packages"]} | {f"{m}.py" for m in tool["py-modules"]}
    assert needed | {"pyproject.toml", "README.md", "data/corpus"} <= sources
    assert all((REPO / src).exists() for src in sources), sources
    corpus = dockerfile_env()["POLICYQA_CORPUS"]
    assert corpus == "/app/data/corpus" and "WORKDIR" in dict(dockerfile()) and instructions("WORKDIR") == ["/app"]


def test_dockerignore_keeps_local_state_and_secrets_out_but_not_what_is_copied():
    ignored = {line.strip().rstrip("/") for line in (REPO / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".git", ".env", ".venv", ".policyqa"} <= ignored
    sources = {src.rstrip("/") for args in instructions("COPY") for src in shlex.split(args)[:-1]}
    assert not sources & ignored


def test_every_variable_set_for_the_app_is_one_policyqa_reads():
    known = settings_variables() | set(OFFLINE_FLAGS)
    given = set(dockerfile_env()) | set(compose_env("app"))
    unknown = {name for name in given - known if not TOOL_VARIABLES.match(name)}
    assert not unknown, f"set in Dockerfile/compose.yaml but read by nothing in qa/settings.py: {sorted(unknown)}"
    assert {"POLICYQA_LLM_MODEL", "OPENAI_BASE_URL", "CHROMA_HOST", "CHROMA_PORT", "POLICYQA_HOME"} <= given


def test_compose_runs_the_app_and_a_chroma_server_from_this_dockerfile():
    services = compose()["services"]
    assert set(services) == {"app", "chroma"}
    for service in services.values():
        assert service["build"] == {"context": ".", "dockerfile": DOCKERFILE.name}
    assert services["app"]["image"] == services["chroma"]["image"]  # one image: one chromadb version
    command = services["chroma"]["command"]
    assert command[:2] == ["chroma", "run"]
    options = dict(zip(command[2::2], command[3::2]))
    env = compose_env("app")
    assert env["CHROMA_HOST"] == "chroma" and env["CHROMA_PORT"] == options["--port"]
    assert options["--host"] == "0.0.0.0"
    assert services["app"]["depends_on"]["chroma"]["condition"] == "service_healthy"
    assert f"{options['--path']}" in " ".join(services["chroma"]["volumes"])
    homes = [v for v in services["app"]["volumes"] if v.split(":")[1] == env["POLICYQA_HOME"]]
    assert homes and homes[0].split(":")[0] in compose()["volumes"]  # a named volume keeps the index
    assert any(port.endswith(":" + env["GRADIO_SERVER_PORT"]) for port in services["app"]["ports"])


def test_llm_settings_pass_through_unset_so_the_app_stays_offline_by_default():
    env = compose_env("app")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "POLICYQA_LLM_MODEL"):
        assert env[name] is None  # an empty value would still count as set


def test_the_pinned_chromadb_is_inside_the_pyproject_range():
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (chroma,) = [Requirement(d) for d in dependencies if Requirement(d).name == "chromadb"]
    pin = chroma_pin()
    assert re.fullmatch(r"\d+\.\d+\.\d+", pin) and chroma.specifier.contains(pin), (pin, str(chroma.specifier))
    assert any("chromadb==${CHROMADB_VERSION}" in run for run in instructions("RUN"))


# --- with docker: the image builds, runs offline, and compose serves -----------------------------

@cache
def docker_missing() -> str:
    """Why docker cannot be used here, or "" when it can."""
    if not shutil.which("docker"):
        return "docker is not installed"
    info = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True,
                          timeout=60)
    if info.returncode != 0:
        said = (info.stderr.strip().splitlines() or ["no answer"])[-1]
        return f"the docker daemon is not reachable ({said})"
    if subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=60).returncode != 0:
        return "the docker compose plugin is not installed"
    return ""


@pytest.fixture(scope="module")
def image():
    """The image built from this checkout under a throw-away tag (skips, saying why, without docker)."""
    if docker_missing():
        pytest.skip(f"no docker to build and run the image: {docker_missing()}")
    tag = f"policyqa-test:{uuid.uuid4().hex[:8]}"
    subprocess.run(["docker", "build", "-t", tag, str(REPO)], check=True, timeout=3600)
    yield tag
    subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True, timeout=120)


# Index a one-document corpus and answer from it: embedding model, tokenizer, embedded Chroma
# and the answerer all have to work with no network at all.
OFFLINE_SMOKE = """set -e
mkdir -p /tmp/corpus && cp /app/data/corpus/yuzhong-2023-05-ten-actions-plan.txt /tmp/corpus/
export POLICYQA_HOME=/tmp/home POLICYQA_CORPUS=/tmp/corpus
policyqa index build > /dev/null
policyqa ask --json --mode offline 渝中区到2027年地区生产总值要迈上什么台阶？
"""


@pytest.mark.slow
def test_the_image_indexes_and_answers_with_no_network_at_all(image):
    run = subprocess.run(["docker", "run", "--rm", "--network", "none", image, "sh", "-c", OFFLINE_SMOKE],
                         capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stderr[-4000:]
    answer = json.loads(run.stdout.splitlines()[-1])
    assert "2100亿元" in answer["answer"] and answer["verified"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_compose_serves_the_app_beside_chroma(image):
    port, project = _free_port(), f"policyqa-test-{uuid.uuid4().hex[:8]}"
    # The image just built, under its test tag: compose neither rebuilds nor retags policyqa:latest.
    env = dict(os.environ) | {"POLICYQA_PORT": str(port), "POLICYQA_IMAGE": image}
    base = ["docker", "compose", "-f", str(COMPOSE), "-p", project]

    def compose_run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([*base, *args], capture_output=True, text=True, env=env, timeout=timeout)

    try:
        started = compose_run("up", "-d", "--no-build", timeout=1200)
        assert started.returncode == 0, started.stderr
        deadline = time.monotonic() + 1800  # the first start embeds the whole corpus
        while not _answers(f"http://127.0.0.1:{port}/"):
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not answer on port {port}:\n{compose_run('logs', '--tail', '80').stdout[-4000:]}")
            time.sleep(5)
        stats = compose_run("exec", "-T", "app", "policyqa", "index", "stats", "--json")
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)["store"].startswith("http://chroma:8000")  # vectors in the server
        asked = compose_run("exec", "-T", "app", "policyqa", "ask", "--json", "--mode", "offline",
                            "渝中区到2027年地区生产总值要迈上什么台阶？")
        assert asked.returncode == 0, asked.stderr
        assert "2100亿元" in json.loads(asked.stdout)["answer"]
    finally:
        compose_run("down", "-v", timeout=300)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False
