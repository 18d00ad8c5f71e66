"""The settings a local OpenAI-compatible model (vLLM, Ollama) needs: its model must be named."""
from __future__ import annotations

import pytest

from qa.answer.llm import LLMAnswerer
from qa.core.errors import ConfigError
from qa.settings import Settings

LLM_VARS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "POLICYQA_LLM_MODEL")
LOCAL = "http://127.0.0.1:8000/v1"


@pytest.fixture
def env(monkeypatch):
    for var in LLM_VARS:
        monkeypatch.delenv(var, raising=False)

    def settings(**variables: str) -> Settings:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return Settings(_env_file=None)

    return settings


def test_a_base_url_without_a_model_is_refused_naming_the_setting(env):
    with pytest.raises(ConfigError) as caught:
        env(OPENAI_BASE_URL=LOCAL)
    assert LOCAL in caught.value.message and "POLICYQA_LLM_MODEL" in caught.value.hint
    with pytest.raises(ConfigError):
        env(OPENAI_BASE_URL=LOCAL, POLICYQA_LLM_MODEL="  ")


@pytest.mark.parametrize("variable", ["POLICYQA_LLM_MODEL", "OPENAI_MODEL"])
def test_a_base_url_with_a_model_is_used_as_given(env, variable):
    settings = env(OPENAI_BASE_URL=LOCAL, **{variable: "qwen2.5:7b-instruct"})
    assert settings.llm_model == "qwen2.5:7b-instruct" and settings.llm_configured


def test_openai_itself_keeps_its_default_model(env):
    assert env(OPENAI_API_KEY="sk-test").llm_model == "gpt-4o-mini"
    assert env(OPENAI_BASE_URL="https://api.openai.com/v1").llm_model == "gpt-4o-mini"


def test_offline_needs_no_model(env):
    settings = env()
    assert not settings.llm_configured and settings.llm_model == "gpt-4o-mini"


def test_an_answerer_without_a_model_is_refused():
    with pytest.raises(ConfigError, match="No model is named") as caught:
        LLMAnswerer(model="", base_url=LOCAL)
    assert "POLICYQA_LLM_MODEL" in caught.value.hint
