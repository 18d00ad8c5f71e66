"""The retriever, the answer chain and the embedder as LangChain components, composed with other
runnables the way a user would (the README's example runs here as written), on the real index."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import re
from pathlib import Path

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnableParallel

from index.embed import LangChainEmbeddings
from qa.core.errors import BadQuestion, NoMatchingDocuments
from qa.core.types import Answer, Filters

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[2] / "README.md"
GDP = "渝中区到2027年地区生产总值要迈上什么台阶？"
YUZHONG = "yuzhong-2023-05-ten-actions-plan"
SICHUAN = "sichuan-2020-07-10-provincial-decision"
METADATA = {"clause_id", "doc_id", "doc_title", "ref", "path", "heading", "issuer", "date", "source", "score",
            "dense_rank", "bm25_rank", "dense_score", "bm25_score"}


def run_async(coroutine):
    """asyncio.run in a thread of its own: a browser test earlier in the session may leave
    Playwright's event loop running in this thread, where asyncio.run refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def chain(built_service):
    return built_service.runnable


def test_the_documented_example_runs_as_written(built_service, monkeypatch):
    monkeypatch.setenv("POLICYQA_HOME", str(built_service.settings.home))
    monkeypatch.setenv("POLICYQA_CORPUS", str(built_service.settings.corpus_dir))
    section = README.read_text(encoding="utf-8").split("## Use it from LangChain", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.S)
    names: dict = {}
    exec(compile(code, str(README), "exec"), names)  # noqa: S102 — our own documentation
    system = names["messages"][0].content
    assert "《" in system and f"({names['retriever'].invoke('营造良好创新生态')[0].id})" in system
    answer = names["answer"]
    assert isinstance(answer, Answer) and "2100亿元" in answer.text and answer.verified
    assert all(isinstance(doc, Document) for doc in names["result"]["clauses"])
    assert answer.citations[0].clause_id in {doc.id for doc in names["result"]["clauses"]}
    assert isinstance(names["streamed"], Answer) and "1484" in names["streamed"].text
    assert names["nearest_note"].startswith("周五前核对渝中区")


def test_retriever_documents_carry_the_clause_id_and_citation_metadata(built_service):
    retriever = built_service.retriever
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke(GDP)
    hits = built_service.retrieve(GDP)
    assert [doc.id for doc in docs] == [hit.clause_id for hit in hits]
    top = docs[0]
    assert set(top.metadata) == METADATA and top.metadata["clause_id"] == top.id
    assert top.metadata["issuer"] and top.metadata["date"][:4].isdigit() and top.metadata["source"]
    assert top.metadata["path"] and top.metadata["ref"] and top.page_content == hits[0].text
    assert top.metadata["dense_rank"] or top.metadata["bm25_rank"]


def test_retriever_takes_k_and_filters_per_call_and_batches(built_service):
    retriever = built_service.retriever
    docs = retriever.invoke("营造良好创新生态", k=3, filters={"doc_ids": [SICHUAN]})
    assert len(docs) == 3 and {d.metadata["doc_id"] for d in docs} == {SICHUAN}
    assert retriever.invoke("营造良好创新生态", filters=Filters(doc_ids=(YUZHONG,)), k=2)[0].metadata["doc_id"] == YUZHONG
    many = retriever.batch(["营造良好创新生态", GDP])
    assert len(many) == 2 and all(many)
    assert run_async(retriever.ainvoke(GDP))[0].id == many[1][0].id


def test_chain_is_a_runnable_from_a_string_or_a_dict(chain):
    assert isinstance(chain, Runnable)
    by_text = chain.invoke(GDP)  # no LLM is configured in tests: auto is the offline answerer
    by_dict = chain.invoke({"question": GDP, "history": [], "filters": {"doc_ids": [YUZHONG]}, "k": 5,
                            "mode": "offline", "for_my_other_branch": "ignored"})
    for answer in (by_text, by_dict):
        assert isinstance(answer, Answer) and "2100亿元" in answer.text and answer.verified
    assert {c.doc_id for c in by_dict.citations} == {YUZHONG}
    assert chain.input_schema.model_json_schema()["title"].endswith("input")


def test_chain_in_a_sequence_and_a_parallel_with_other_runnables(chain, built_service):
    ask = RunnableLambda(lambda q: {"question": q, "mode": "offline"})
    text_of = RunnableLambda(lambda answer: answer.text)
    pipeline = RunnableParallel(answer=ask | chain | text_of, clause_ids=built_service.retriever
                                | RunnableLambda(lambda docs: [d.id for d in docs]))
    result = pipeline.invoke(GDP)
    assert "2100亿元" in result["answer"] and result["clause_ids"][0].startswith(YUZHONG)
    streamed = list((ask | chain).stream(GDP))  # a sequence streams through the chain
    assert isinstance(streamed[-1], Answer) and all(isinstance(c, str) for c in streamed[:-1])


def test_batch_stream_and_async(chain):
    questions = [{"question": GDP, "mode": "offline"}, "天府新区成都片区面积多少平方公里？"]
    first, second = chain.batch(questions)
    assert "2100亿元" in first.text and "1484" in second.text.replace(" ", "")
    events = list(chain.stream({"question": GDP, "mode": "offline"}))
    assert isinstance(events[-1], Answer) and events[:-1] and all(isinstance(e, str) for e in events[:-1])

    async def run():
        answer = await chain.ainvoke(GDP)
        streamed = [event async for event in chain.astream(GDP)]
        return answer, streamed

    answer, streamed = run_async(run())
    assert "2100亿元" in answer.text
    assert isinstance(streamed[-1], Answer) and streamed[-1].text == answer.text and isinstance(streamed[0], str)


def test_callbacks_see_the_chain_and_its_stages(chain):
    class Names(BaseCallbackHandler):
        def __init__(self) -> None:
            self.started: list[str] = []

        def on_chain_start(self, serialized, inputs, **kwargs) -> None:
            self.started.append(kwargs.get("name") or "")

    names = Names()
    chain.invoke({"question": GDP, "mode": "offline"}, config={"callbacks": [names]})
    assert names.started[0] == "policyqa_answer"
    assert {"condense", "retrieve", "context", "answer", "verify"} <= set(names.started)


def test_bad_requests_are_clear_errors(chain):
    with pytest.raises(BadQuestion, match="dict with a \"question\""):
        chain.invoke(42)
    with pytest.raises(BadQuestion, match="Unknown filter: doc"):
        chain.invoke({"question": GDP, "filters": {"doc": YUZHONG}})
    with pytest.raises(BadQuestion, match="Unknown document id"):
        chain.invoke({"question": GDP, "filters": {"doc_ids": "no-such-doc"}})
    with pytest.raises(NoMatchingDocuments):
        chain.invoke({"question": GDP, "filters": {"issuers": ["不存在的机关"]}, "mode": "offline"})
    with pytest.raises(BadQuestion, match="mode"):
        list(chain.stream({"question": GDP, "mode": "fast"}))
    results = chain.batch(["   ", GDP], return_exceptions=True)
    assert isinstance(results[0], BadQuestion) and isinstance(results[1], Answer)


def test_embeddings_are_the_index_model_as_langchain_embeddings(built_service):
    embeddings = LangChainEmbeddings(built_service.retriever.embedder)
    assert isinstance(embeddings, Embeddings) and isinstance(LangChainEmbeddings(), Embeddings)
    query = embeddings.embed_query("营造良好创新生态")
    expected = built_service.retriever.embedder.embed_query("营造良好创新生态").reshape(-1)
    assert len(query) == embeddings.embedder.dim and query == pytest.approx(expected.tolist(), abs=1e-6)
    rows = embeddings.embed_documents(["渝中区", "天府新区"])
    assert len(rows) == 2 and all(isinstance(x, float) for x in rows[0]) and embeddings.embed_documents([]) == []
    assert run_async(embeddings.aembed_query("渝中区")) == pytest.approx(embeddings.embed_query("渝中区"))
