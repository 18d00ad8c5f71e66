"""The offline ask path without LangChain's runnables (qa/pipeline.py, the plain HybridSearch):
the same answers and hits as the LangChain chain and retriever, and a cold `policyqa ask` that
does not load what it does not use. On the session's built index."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

import pytest

from qa.core.types import Answer, Filters

pytestmark = pytest.mark.slow

GDP = "渝中区到2027年地区生产总值目标是多少？"
SICHUAN = "sichuan-2020-07-10-provincial-decision"
# An answer, a refusal, two documents named, a document filter, an ordinal follow-up's first turn,
# an English question, punctuation only, another script.
QUESTIONS = [
    (GDP, None),
    ("渝中区的火星基地建设目标是多少？", None),
    ("成都市委决定和四川省委决定分别是哪天通过的？", None),
    ("营造良好创新生态", Filters(doc_ids=(SICHUAN,))),
    ("成都市委决定的基本原则有哪几条？", None),
    ("What is Yuzhong District's GDP target for 2027?", None),
    ("？？？", None),
    ("Какова цель ВВП района Юйчжун?", None),
]


def _untimed(answer: Answer) -> Answer:
    return replace(answer, timings=tuple((stage, 0.0) for stage, _ in answer.timings))


@pytest.mark.parametrize(("question", "filters"), QUESTIONS)
def test_the_plain_pipeline_answers_as_the_langchain_chain_does(built_service, question, filters):
    plain = built_service.ask(question, filters=filters, mode="offline")
    chained = built_service.runnable.invoke({"question": question, "filters": filters, "mode": "offline"})
    assert _untimed(plain) == _untimed(chained)
    assert [stage for stage, _ in plain.timings] == ["condense", "retrieve", "context", "prompt", "answer", "verify"]


def test_a_follow_up_is_answered_alike_with_history(built_service):
    first = built_service.ask(GDP, mode="offline")
    plain = built_service.ask("那人均呢？", history=[first], mode="offline")
    chained = built_service.runnable.invoke({"question": "那人均呢？", "history": [first], "mode": "offline"})
    assert plain.standalone_question and _untimed(plain) == _untimed(chained)


def test_the_plain_search_and_the_langchain_retriever_find_the_same_clauses(built_service):
    from qa.retrieve.hybrid import HybridRetriever, HybridSearch

    assert isinstance(built_service._search, HybridSearch) and not isinstance(built_service._search, HybridRetriever)
    assert isinstance(built_service.retriever, HybridRetriever)  # resolved lazily through qa.retrieve.hybrid
    for question in ("营造良好创新生态", GDP):
        hits = built_service.retrieve(question, k=5)
        assert hits == built_service.retriever.search(question, k=5)
        assert [doc.id for doc in built_service.retriever.invoke(question, k=5)] == [h.clause_id for h in hits]


# Imported by a cold `policyqa ask` only for LangChain users, the LLM, the web app or eval.
NOT_FOR_OFFLINE = ("langchain_core.retrievers", "langchain_core.embeddings", "langchain_openai", "openai", "gradio",
                   "fastapi", "matplotlib", "eval", "index.build",
                   # cn2an: plain numerals are read in qa/core/numerals.py; grpc and protobuf: chromadb's
                   # span exporter, deferred by index/store/chroma_startup.py (issue #11, 2026-12-01).
                   "cn2an", "grpc", "google.protobuf")
# Building and invoking Runnables: also unneeded offline, but qa/answer/prompts.py imports
# langchain_core.prompts (a Runnable) at import time, and qa/answer/context.py imports it.
RUNNABLES = ("langchain_core.runnables.base", "langsmith")


def _cold_ask(built_service, question: str) -> dict:
    """`policyqa ask QUESTION` in a fresh interpreter: its exit status, output and which of the
    modules above it loaded."""
    watched = NOT_FOR_OFFLINE + RUNNABLES
    code = ("import io, json, sys\nfrom contextlib import redirect_stdout\n"
            f"sys.argv = ['policyqa', 'ask', {question!r}]\nfrom qa.cli import main\nout = io.StringIO()\n"
            "try:\n    with redirect_stdout(out):\n        main()\n    status = 0\n"
            "except SystemExit as exc:\n    status = exc.code or 0\n"
            "import overrides\n"
            f"print(json.dumps({{'status': status, 'out': out.getvalue(), 'override': overrides.override.__module__, "
            f"'loaded': [m for m in {watched!r} if m in sys.modules]}}))")
    home = built_service.settings.home
    env = dict(os.environ, POLICYQA_HOME=str(home), POLICYQA_CORPUS=str(built_service.settings.corpus_dir))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=home, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_cold_offline_ask_loads_no_langchain_interface_llm_web_or_eval(built_service):
    result = _cold_ask(built_service, GDP)
    assert result["status"] == 0 and "2100亿元" in result["out"] and "backend: offline" in result["out"]
    assert [m for m in result["loaded"] if m in NOT_FOR_OFFLINE] == []
    assert result["override"] == "overrides.overrides"  # chromadb's import left the real decorator in place


def test_a_cold_offline_ask_builds_no_langchain_runnables(built_service):
    result = _cold_ask(built_service, GDP)
    assert result["status"] == 0 and [m for m in result["loaded"] if m in RUNNABLES] == []
