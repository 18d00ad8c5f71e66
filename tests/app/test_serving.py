"""Serving: gradio loads only after the offline switches, form input is validated, the app
binds to loopback by default and honours basic auth; sign-in cannot be half on, and with it on
the HTTP API needs a key."""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request

import httpx
import pytest
from gradio_client import Client

from app_harness import REPO, copy_of_built_home, free_port, running_app
from qa.core.errors import BadQuestion
from qa.settings import load_settings
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
        no_keys = httpx.get(url + "api/documents", timeout=30)  # sign-in on, no POLICYQA_API_KEYS: the API is shut
        assert no_keys.status_code == 401 and no_keys.json()["error"]["code"] == "api_keys_not_configured"
        assert "POLICYQA_API_KEYS" in no_keys.json()["error"]["hint"]
        client = Client(url, verbose=False, auth=("analyst", "s3cret-pw"))
        _box, chat = client.predict("天府新区成都片区面积是多少平方公里？", [], [], [], [], "", "", 8, "offline", api_name="/ask")
        assert "1484" in chat[-1]["content"][0]["text"]


@pytest.mark.parametrize(("env", "missing"), [
    ({"POLICYQA_AUTH_PASSWORD": "s3cret-pw"}, "POLICYQA_AUTH_USER"),
    ({"POLICYQA_AUTH_USER": "analyst", "POLICYQA_AUTH_PASSWORD": ""}, "POLICYQA_AUTH_PASSWORD"),
    ({"POLICYQA_AUTH_USER": "analyst", "POLICYQA_AUTH_PASSWORD": "pw", "POLICYQA_API_KEYS": "short"},
     "POLICYQA_API_KEYS"),
])
def test_half_configured_sign_in_or_weak_api_keys_refuse_to_start(tmp_path, env, missing):
    """A password without a user used to start the app open to anyone; now nothing starts."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_AUTH") and k != "POLICYQA_API_KEYS"}
    run_env = {**base, "POLICYQA_HOME": str(tmp_path / "home"), "GRADIO_SERVER_PORT": str(free_port()), **env}
    result = subprocess.run([sys.executable, "app.py"], cwd=REPO, env=run_env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert missing in result.stdout and "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "home" / "index").exists()  # refused before anything was built


API_KEY = "k-3f9a1c7e5b2d4f6a8c0e"


@pytest.mark.slow
def test_with_sign_in_on_the_api_needs_a_key_and_the_docs_stay_reachable(built_service, tmp_path_factory):
    home = copy_of_built_home(built_service, tmp_path_factory)
    env = {"POLICYQA_AUTH_USER": "analyst", "POLICYQA_AUTH_PASSWORD": "s3cret-pw",
           "POLICYQA_API_KEYS": f"other-key-0123456789,{API_KEY}"}
    with running_app(home, tmp_path_factory.mktemp("keys-log") / "app.log", **env) as url:
        with httpx.Client(base_url=url, timeout=60) as http:
            refused = [({}, "missing_api_key"), ({"Authorization": "Bearer wrong-key-0123456789"}, "invalid_api_key"),
                       ({"X-API-Key": API_KEY[:-1]}, "invalid_api_key"),
                       ({"Authorization": f"Basic {API_KEY}"}, "missing_api_key")]
            for headers, code in refused:
                denied = http.get("/api/documents", headers=headers)
                assert denied.status_code == 401 and denied.json()["error"]["code"] == code
                assert http.post("/api/ask", json={"question": "天府新区面积"}, headers=headers).status_code == 401
            for headers in ({"Authorization": f"Bearer {API_KEY}"}, {"X-API-Key": API_KEY}):
                assert http.get("/api/documents", headers=headers).status_code == 200
            answer = http.post("/api/ask", json={"question": "天府新区成都片区面积是多少平方公里？"},
                               headers={"Authorization": f"Bearer {API_KEY}"})
            assert "1484" in answer.json()["answer"]
            assert http.get("/docs").status_code == 200 and http.get("/openapi.json").status_code == 200
            assert http.get("/config").status_code == 401  # the web UI still asks for its sign-in
            assert http.get("/config", headers={"X-API-Key": API_KEY}).status_code == 401  # a key is not a sign-in


def test_api_keys_alone_guard_the_api_and_sign_in_alone_shuts_it(tmp_path):
    keys_only = load_settings(home=tmp_path, api_keys_csv=f" {API_KEY} , ,")
    assert keys_only.api_keys == (API_KEY,) and keys_only.api_key_required and not keys_only.auth_enabled
    sign_in_only = load_settings(home=tmp_path, auth_user="analyst", auth_password="pw")
    assert sign_in_only.auth_enabled and sign_in_only.api_key_required and sign_in_only.api_keys == ()
    assert not load_settings(home=tmp_path).api_key_required
