"""Every failure of the API as one JSON shape, {"error": {"code", "message", "hint"}}, with a 4xx
status for anything the caller can fix and no traceback ever in a body.

The project's errors (qa/core/errors.py, qa/library.py) map to a status by class; FastAPI's
validation errors are rewritten without echoing the input, since an input holding a lone
surrogate cannot even be encoded into a response.
"""
from __future__ import annotations

import logging
import unicodedata

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from qa.core.errors import (BadQuestion, ConfigError, EmbeddingError, IndexBusy, IndexMismatch, IndexNotBuilt,
                            LLMError, NoMatchingDocuments, PolicyQAError, StoreUnavailable, UnreadableFile)
from qa.library import FileTooLarge, UnknownDocument, UnsupportedFileType

log = logging.getLogger("policyqa.api")

# Most specific first is not needed: the exception's own class hierarchy is walked (see status_of).
STATUS = {
    UnknownDocument: (404, "unknown_document"),
    NoMatchingDocuments: (422, "no_matching_documents"),
    BadQuestion: (400, "bad_request"),
    UnsupportedFileType: (415, "unsupported_file_type"),
    FileTooLarge: (413, "file_too_large"),
    UnreadableFile: (400, "unreadable_file"),
    IndexNotBuilt: (503, "index_not_built"),
    IndexMismatch: (503, "index_mismatch"),
    StoreUnavailable: (503, "store_unavailable"),
    EmbeddingError: (503, "embedding_unavailable"),
    IndexBusy: (409, "index_busy"),
    LLMError: (502, "llm_error"),
    ConfigError: (500, "config_error"),
    PolicyQAError: (500, "error"),
}
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "request_too_large", 415: "unsupported_media_type"}


class ApiError(Exception):
    """An error the API itself raises (unknown conversation, missing key, body too large)."""

    def __init__(self, status: int, code: str, message: str, hint: str = "", headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.hint, self.headers = status, code, message, hint, headers


def printable(text: str) -> str:
    """Text safe to put in a response: lone surrogates and control characters shown as U+XXXX."""
    return "".join(f"U+{ord(ch):04X}" if unicodedata.category(ch) in ("Cs", "Cc") and ch not in "\n\t" else ch
                   for ch in str(text))


def error_body(code: str, message: str, hint: str = "") -> dict:
    return {"error": {"code": code, "message": printable(message), "hint": printable(hint)}}


def status_of(exc: PolicyQAError) -> tuple[int, str]:
    return next(STATUS[cls] for cls in type(exc).__mro__ if cls in STATUS)


def error_response(exc: Exception) -> JSONResponse:
    if isinstance(exc, ApiError):
        return JSONResponse(error_body(exc.code, exc.message, exc.hint), exc.status, headers=exc.headers)
    if isinstance(exc, PolicyQAError):
        status, code = status_of(exc)
        return JSONResponse(error_body(code, exc.message, exc.hint), status)
    log.exception("unexpected error in the API", exc_info=exc)
    return JSONResponse(error_body("internal_error", "The server failed to handle this request.",
                                   "It has been logged; try again, or report it with the time it happened."), 500)


def _validation_response(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        detail = next((e.get("ctx", {}).get("error", "") for e in errors if e.get("type") == "json_invalid"), "")
        hint = 'Send a JSON object, e.g. {"question": "…"}, with Content-Type: application/json.'
        return JSONResponse(error_body("malformed_json", f"The request body is not valid JSON ({detail}).", hint), 400)
    problems = []
    for e in errors[:10]:
        where = ".".join(str(part) for part in e.get("loc", ()) if part != "body") or "body"
        problems.append(f"{where}: {e.get('msg', 'invalid')}")
    return JSONResponse(error_body("invalid_request", "; ".join(problems),
                                   "See the request schemas at /docs."), 422)


def _http_response(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    hint = getattr(exc, "hint", "") or ("Send a JSON object with Content-Type: application/json (uploads: "
                                        "multipart/form-data)." if exc.status_code == 400 else "")
    return JSONResponse(error_body(code, str(exc.detail), hint), exc.status_code, headers=getattr(exc, "headers", None))


def install_error_handlers(app: FastAPI) -> None:
    async def on_error(request: Request, exc: Exception) -> JSONResponse:
        return error_response(exc)

    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_response(request, exc)

    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _http_response(request, exc)

    app.add_exception_handler(ApiError, on_error)
    app.add_exception_handler(PolicyQAError, on_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_error)  # the last resort: a JSON 500, never a traceback
