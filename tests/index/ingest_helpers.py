"""Constants and helpers shared by the ingestion tests (a plain module: `conftest` is ambiguous
when several test folders are collected together)."""
from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
