"""A real `chroma run` server on a free loopback port, for the tests of the scale-out path."""
from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

CHROMA = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_chroma(data_dir: Path) -> Iterator[int]:
    """Starts the server on `data_dir`, waits for its heartbeat, yields its port, stops it."""
    if not CHROMA.exists():
        pytest.skip(f"no chroma CLI at {CHROMA}")
    port = free_port()
    process = subprocess.Popen([str(CHROMA), "run", "--path", str(data_dir), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("the Chroma server did not start")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
