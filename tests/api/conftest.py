"""Fixtures for the HTTP API tests: the real app (`python app.py`, web UI and API in one process)
on a free loopback port over a private copy of the session's real-corpus index, called with httpx.

The server helpers are tests/app/app_harness.py's, shared with the UI tests."""
from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))

from app_harness import copy_of_built_home, running_app  # noqa: E402

TIMEOUT = httpx.Timeout(120.0)


@pytest.fixture(scope="module")
def api_home(built_service, tmp_path_factory) -> Path:
    return copy_of_built_home(built_service, tmp_path_factory)


@pytest.fixture(scope="module")
def api_url(api_home, tmp_path_factory):
    """One server per test module: modules that change documents do not disturb the others."""
    with running_app(api_home, tmp_path_factory.mktemp("api-log") / "app.log") as url:
        yield url.rstrip("/")


@pytest.fixture
def http(api_url):
    with httpx.Client(base_url=api_url, timeout=TIMEOUT) as client:
        yield client
