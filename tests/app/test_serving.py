"""Serving: gradio loads only after the offline switches, form input is validated, the app
binds to loopback by default and honours basic auth."""
from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from gradio_client import Client

from app_harness import REPO, copy_of_built_home, running_app
from qa.core.errors import BadQuestion
from qa.web.callbacks import date_bound, make_filters


def test_importing_the_app_loads_no_gradio_and_the_service_switches_analytics_off_first(tmp_path):
    code = (
        "import os, sys, app\n"
        "assert 'gradio' not in sys.modules, 'gradio imported before prepare_offline'\n"
        "from qa.service import PolicyQA\nfrom qa.settings import load_settings\n"
        "PolicyQA(load_settings())\n"
        "assert os.environ['GRADIO_ANALYTICS_ENABLED'] == 'False'\n"
    )
    env = {"PATH": "/usr/bin:/bin", "POLICYQA_HOME": str(tmp_path / "home")}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_date_bounds_accept_years_months_and_days_and_reject_the_rest():
    assert date_bound("2020", upper=False) == "2020-01-01" and date_bound("2020", upper=True) == "2020-12-31"
    assert date_bound("2021-02", upper=True) == "2021-02-28" and date_bound(" ", upper=True) == ""
    assert date_bound("2020-07-15", upper=False) == "2020-07-15"
    for bad in ("2020/07", "2020-13", "2021-02-30"):
        with pytest.raises(BadQuestion, match=bad):
            date_bound(bad, upper=False)
    filters = make_filters(["a"], None, "2020", "2021-06")
    assert (filters.doc_ids, filters.issuers, filters.date_from, filters.date_to) == (("a",), (), "2020-01-01", "2021-06-30")


@pytest.mark.slow
def test_basic_auth_is_required_when_configured(built_service, tmp_path_factory):
    home = copy_of_built_home(built_service, tmp_path_factory)
    env = {"POLICYQA_AUTH_USER": "analyst", "POLICYQA_AUTH_PASSWORD": "s3cret-pw"}
    with running_app(home, tmp_path_factory.mktemp("auth-log") / "app.log", **env) as url:
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(url + "config", timeout=10)
        assert denied.value.code == 401
        with pytest.raises(Exception):
            Client(url, verbose=False, auth=("analyst", "wrong"))
        client = Client(url, verbose=False, auth=("analyst", "s3cret-pw"))
        _box, chat = client.predict("天府新区成都片区面积是多少平方公里？", [], [], [], "", "", 8, "offline", api_name="/ask")
        assert "1484" in chat[-1]["content"][0]["text"]
