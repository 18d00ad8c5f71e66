"""A fast, deterministic stand-in for an OpenAI-compatible /v1/embeddings endpoint.

Each text becomes its character bigrams hashed (crc32) into DIM buckets, normalised: similar
texts get similar vectors, the same text always the same vector, at tens of thousands of texts
a second. It lets the scale benchmarks and tests measure everything but the model.

    .venv/bin/python bench/scale_embed_server.py --port 8765 [--dim 384]
"""
from __future__ import annotations

import argparse
import json
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

DIM = 384


def vector(text: str, dim: int = DIM) -> np.ndarray:
    grams = [zlib.crc32(text[i : i + 2].encode("utf-8")) % dim for i in range(max(1, len(text) - 1))]
    v = np.bincount(np.asarray(grams, dtype=np.int64), minlength=dim).astype(np.float32)
    norm = float(np.linalg.norm(v))
    return v / norm if norm else np.full(dim, dim**-0.5, dtype=np.float32)


class Handler(BaseHTTPRequestHandler):
    dim = DIM

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        if not self.path.rstrip("/").endswith("/embeddings"):
            self._reply(404, {"error": {"message": f"no route {self.path}"}})
            return
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        texts = body.get("input", [])
        texts = [texts] if isinstance(texts, str) else texts
        data = [{"object": "embedding", "index": i, "embedding": vector(t, self.dim).round(5).tolist()}
                for i, t in enumerate(texts)]
        self._reply(200, {"object": "list", "data": data, "model": body.get("model", "standin"),
                          "usage": {"prompt_tokens": 0, "total_tokens": 0}})

    def do_GET(self) -> None:  # noqa: N802
        self._reply(200, {"status": "ok"})

    def _reply(self, status: int, payload: dict) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args) -> None:
        pass


def serve(host: str = "127.0.0.1", port: int = 8765, dim: int = DIM) -> ThreadingHTTPServer:
    Handler.dim = dim
    return ThreadingHTTPServer((host, port), Handler)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--dim", type=int, default=DIM)
    args = parser.parse_args()
    serve(args.host, args.port, args.dim).serve_forever()
