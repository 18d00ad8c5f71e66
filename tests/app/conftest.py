"""Fixtures for the UI tests (helpers in app_harness.py): the app over its own copy of the
real-corpus index (uploads in these tests must not leak into other tests), and the browser."""
from __future__ import annotations

from pathlib import Path

import pytest

from app_harness import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, copy_of_built_home, open_page, running_app


@pytest.fixture(scope="session")
def app_url(built_service, tmp_path_factory):
    home = copy_of_built_home(built_service, tmp_path_factory)
    with running_app(home, tmp_path_factory.mktemp("app-log") / "app.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (bash tests/app/install_browser.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url):
    with open_page(browser, app_url) as page:
        yield page


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
