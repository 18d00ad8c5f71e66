"""Make the process safe to run with no network. Called once by every face before work starts.

Third-party libraries decide to phone home from environment variables read at import time,
so this must run before chromadb, gradio or tiktoken are imported.
"""
from __future__ import annotations

import logging
import os

from qa.core.token_count import ensure_tiktoken_cache
from qa.core.tokenize import use_cache_dir
from qa.settings import Settings

_FLAGS = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def prepare_offline(settings: Settings) -> None:
    for key, value in _FLAGS.items():
        os.environ.setdefault(key, value)
    ensure_tiktoken_cache(settings.cache_dir / "tiktoken")
    use_cache_dir(settings.cache_dir / "jieba")  # jieba's dictionaries, opened lazily (qa/core/tokenize.py)
    # jieba logs its dictionary loading at INFO on every process start; it is noise to users.
    logging.getLogger("jieba").setLevel(logging.WARNING)
