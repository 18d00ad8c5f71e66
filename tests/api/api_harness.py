"""Helpers shared by the API tests."""
from __future__ import annotations

import httpx

TRACEBACK_MARKS = ("Traceback", 'File "', "site-packages")


def assert_error(response: httpx.Response, status: int | tuple[int, ...], code: str | None = None) -> dict:
    """A JSON error of the documented shape with the expected status; never a traceback."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.text[:500])
    for mark in TRACEBACK_MARKS:
        assert mark not in response.text, response.text
    error = response.json()["error"]
    assert error["message"] and isinstance(error["hint"], str)
    if code:
        assert error["code"] == code, error
    return error
