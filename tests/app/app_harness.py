"""Starting the app and a page on it, for the UI tests: `python app.py` in a subprocess on a free
loopback port over a copy of the session's real-corpus index, and Debian's chromium."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_SECONDS = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app.py exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"app.py did not serve {url} within {STARTUP_SECONDS}s:\n{log.read_text(errors='replace')}")


def copy_of_built_home(built_service, tmp_path_factory) -> Path:
    """A private POLICYQA_HOME holding a copy of the built real-corpus index (and its caches)."""
    home = tmp_path_factory.mktemp("app-home") / "home"
    shutil.copytree(built_service.settings.home, home)
    return home


@contextmanager
def running_app(home: Path, log: Path, port: int | None = None, **env_overrides: str):
    """`python app.py` on a loopback port (a free one unless given: a restart on the same port keeps
    the browser's storage for the page) over `home`; yields its URL."""
    port = port or free_port()
    env = {**os.environ, "POLICYQA_HOME": str(home), "GRADIO_SERVER_NAME": "127.0.0.1",
           "GRADIO_SERVER_PORT": str(port), "POLICYQA_CORPUS": str(REPO / "data" / "corpus"), **env_overrides}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def open_page(browser, url: str):
    """A fresh page on the app, recording every request host so tests can assert none leaves loopback."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.requested_hosts = set()
    page.on("request", lambda request: page.requested_hosts.add(request.url.split("/")[2]))
    page.goto(url)
    page.wait_for_selector("#pq-question textarea", timeout=30_000)
    try:
        yield page
    finally:
        context.close()


# A small plan no corpus document resembles: once uploaded, its figures (318亿元) can come from it alone.
UPLOAD_PLAN = """# 青川市低空经济发展三年行动计划(2024-2026年)

一、总体目标

到2026年,青川市低空经济产业规模突破318亿元,建成通用机场4个。

二、重点任务

(一)完善基础设施。建设无人机起降点126个,开通低空航线40条。

(二)培育市场主体。引进低空经济龙头企业15家。
"""
