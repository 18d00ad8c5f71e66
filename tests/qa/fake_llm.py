"""A real OpenAI-compatible HTTP server on 127.0.0.1 for the LLM tests (the one fake allowed).

It speaks POST /v1/chat/completions, plain JSON or streamed as SSE (`data: {...}` chunks then
`data: [DONE]`) as the request asks. A test queues behaviours with `server.then(...)`; each
request takes the next one (the last one repeats), and every request body is kept in
`server.requests` so a test can see what the client sent and how often it retried.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Messages = list[dict[str, Any]]


@dataclass(frozen=True)
class Reply:
    """Answer with `text` (or with what `text(messages)` returns)."""

    text: str | Callable[[Messages], str]


@dataclass(frozen=True)
class Status:
    """Fail with an HTTP status; `retry_after_ms` keeps the client's back-off short in tests.
    `body` is the JSON error body to send (default: OpenAI's {"error": {"message": ...}} shape),
    e.g. vLLM's top-level {"object": "error", "message": ...} for a model it does not serve."""

    code: int
    retry_after_ms: int = 20
    body: dict[str, Any] | None = None


@dataclass(frozen=True)
class Sleep:
    """Say nothing for `seconds` (longer than the client timeout), then reply."""

    seconds: float
    text: str = "太迟了[1]。"


@dataclass(frozen=True)
class Malformed:
    """HTTP 200 with a body that is not valid JSON (or an SSE chunk that is not)."""


Behaviour = Reply | Status | Sleep | Malformed


class FakeLLM:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._plan: list[Behaviour] = [Reply("")]
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def then(self, *behaviours: Behaviour) -> "FakeLLM":
        """Replace the plan: requests take these behaviours in order, the last one repeating."""
        with self._lock:
            self._plan = list(behaviours)
            self.requests.clear()
        return self

    def next_behaviour(self, body: dict[str, Any]) -> Behaviour:
        with self._lock:
            self.requests.append(body)
            return self._plan.pop(0) if len(self._plan) > 1 else self._plan[0]

    def start(self) -> "FakeLLM":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeLLM":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> bytes:
    payload = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"


def _handler_for(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            if not self.path.rstrip("/").endswith("/chat/completions"):
                return self._send(404, b'{"error": {"message": "not found"}}')
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            behaviour = fake.next_behaviour(body)
            model, stream = body.get("model", ""), bool(body.get("stream"))
            try:
                if isinstance(behaviour, Status):
                    error = behaviour.body or {"error": {"message": f"fake status {behaviour.code}", "type": "fake"}}
                    return self._send(behaviour.code, json.dumps(error).encode(),
                                      {"retry-after-ms": str(behaviour.retry_after_ms)})
                if isinstance(behaviour, Malformed):
                    if stream:
                        return self._stream([b'data: {"id": "chatcmpl-fake", "choices": [{"delta": {"content": "\n\n'])
                    return self._send(200, b'{"id": "chatcmpl-fake", "choices": [{"message": ')
                if isinstance(behaviour, Sleep):
                    time.sleep(behaviour.seconds)
                    text = behaviour.text
                else:
                    text = behaviour.text(body.get("messages", [])) if callable(behaviour.text) else behaviour.text
                if stream:
                    pieces = [text[i : i + 4] for i in range(0, len(text), 4)]
                    chunks = [_chunk(model, {"role": "assistant", "content": ""})]
                    chunks += [_chunk(model, {"content": piece}) for piece in pieces]
                    chunks += [_chunk(model, {}, "stop"), b"data: [DONE]\n\n"]
                    return self._stream(chunks)
                return self._send(200, json.dumps(_completion(model, text), ensure_ascii=False).encode())
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout): nothing left to do

        def _send(self, code: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        def _stream(self, chunks: list[bytes]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            for chunk in chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
            self.close_connection = True

    return Handler
