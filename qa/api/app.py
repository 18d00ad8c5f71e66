"""The FastAPI application: every route under /api, OpenAPI docs at /docs, and what stands before
every /api handler: the API key, and the request size limit.

qa/web/layout.py mounts the Gradio page at / on this same application and serves both with
uvicorn (app.py starts it all), so the API and the UI share one process, one PolicyQA and one
index. This module imports no gradio.

The size limit is an ASGI middleware, not a handler check: it refuses a declared Content-Length
over the limit before a byte of the body is read, and stops a body sent without one (chunked)
as soon as it passes the limit, so a huge body is never buffered or spooled to disk.
"""
from __future__ import annotations

import hmac
import json
import re
from collections.abc import Callable

from fastapi import APIRouter, Depends, FastAPI, Request
from starlette.exceptions import HTTPException

from qa.api.answers import answers_router
from qa.api.errors import ApiError, error_body, install_error_handlers
from qa.api.resources import conversations_router, documents_router
from qa.settings import Settings

API_PREFIX = "/api"
MULTIPART_OVERHEAD = 64 * 1024  # form fields and part headers around an uploaded file
HINT = "Raise POLICYQA_MAX_REQUEST_KB (JSON) or POLICYQA_MAX_UPLOAD_MB (uploads) if this is expected."

DESCRIPTION = """Answers about Chinese policy documents, every claim cited to a clause.

Errors are JSON: `{"error": {"code": "…", "message": "…", "hint": "…"}}`, with a 4xx status for
anything the request can fix. When sign-in is on (POLICYQA_AUTH_USER/PASSWORD) or POLICYQA_API_KEYS
is set, send a key as `Authorization: Bearer KEY` or `X-API-Key: KEY`.
Filters, wherever they are taken: `{"doc_ids": [], "issuers": [], "date_from": "2020", "date_to": "2023-06"}`."""


def create_api(service) -> FastAPI:
    """The API over one PolicyQA (qa/service.py); the caller serves it."""
    settings = service.settings
    api = FastAPI(title="policyqa API", version="1", description=DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    install_error_handlers(api)
    _offline_docs(api)
    api.add_middleware(BodyLimit, settings=settings)

    @api.get(f"{API_PREFIX}/health", tags=["service"], summary="Whether the server is up (needs no key)")
    def health() -> dict:
        return {"status": "ok"}

    guarded = APIRouter(prefix=API_PREFIX, dependencies=[Depends(api_key_check(settings))])
    guarded.include_router(answers_router(service))
    guarded.include_router(documents_router(service))
    guarded.include_router(conversations_router(service))

    # Without this, an unknown /api path would fall through to the web UI mounted at /.
    @guarded.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def unknown(path: str, request: Request) -> None:
        allowed = _methods_of(api, request.url.path)
        if allowed:
            raise ApiError(405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}.",
                           f"Use {', '.join(allowed)}.", {"Allow": ", ".join(allowed)})
        raise ApiError(404, "unknown_endpoint", f"There is no endpoint /api/{path}.", "See /docs for the endpoints.")

    api.include_router(guarded)
    return api


def _methods_of(api: FastAPI, path: str) -> list[str]:
    """The methods an existing endpoint takes at `path`, read from the OpenAPI schema (the catch-all
    above matches every method first, so the router's own 405 never happens)."""
    for template, operations in api.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\{[^/}]+\}", "[^/]+", template), path):
            return sorted(method.upper() for method in operations)
    return []


# --- guards ----------------------------------------------------------------------------------------


def api_key_check(settings: Settings) -> Callable[[Request], None]:
    """A FastAPI dependency: keys are required when sign-in is on or keys are configured."""
    keys = [key.encode("utf-8") for key in settings.api_keys]
    challenge = {"WWW-Authenticate": 'Bearer realm="policyqa"'}
    how = "Send Authorization: Bearer KEY or X-API-Key: KEY, with a key from POLICYQA_API_KEYS."

    def check(request: Request) -> None:
        if not settings.api_key_required:
            return
        if not keys:
            raise ApiError(401, "api_keys_not_configured",
                           "Sign-in is on, so the API needs a key, but the server has no API keys configured.",
                           "Ask the administrator to set POLICYQA_API_KEYS (comma-separated) and restart.", challenge)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        given = token.strip() if scheme.lower() == "bearer" else request.headers.get("x-api-key", "").strip()
        if not given:
            raise ApiError(401, "missing_api_key", "This API needs a key.", how, challenge)
        raw = given.encode("latin-1", errors="replace")  # header values arrive latin-1 decoded
        if not any(hmac.compare_digest(raw, key) for key in keys):  # constant time: no timing oracle
            raise ApiError(401, "invalid_api_key", "The API key is not valid.", how, challenge)

    return check


class _TooLarge(HTTPException):
    """Raised from `receive` mid-body. An HTTPException, because FastAPI turns any other error
    while reading a body into a 400, and the handlers render this one as JSON 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is over the limit of {limit:,} bytes.")
        self.hint = HINT


class BodyLimit:
    """Pure ASGI middleware limiting request bodies under /api."""

    def __init__(self, app, settings: Settings) -> None:
        self.app = app
        self.json_limit = settings.max_request_kb * 1024
        self.upload_limit = settings.max_upload_mb * 1024 * 1024 + MULTIPART_OVERHEAD

    def limit_for(self, scope) -> int:
        upload = scope["method"] == "POST" and scope["path"].rstrip("/") == f"{API_PREFIX}/documents"
        return self.upload_limit if upload else self.json_limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX + "/"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(send, limit)
            return
        seen, started = 0, False

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(limit)
            return message

        async def watched(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await self._refuse(send, limit)

    async def _refuse(self, send, limit: int) -> None:
        body = json.dumps(error_body("request_too_large", f"The request body is over the limit of {limit:,} bytes.",
                                     HINT)).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def _offline_docs(api: FastAPI) -> None:
    """/docs with Swagger UI served from the swagger-ui-bundle package: FastAPI's default page
    loads its scripts from a CDN, which an offline browser cannot reach."""
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    api.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @api.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="policyqa API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")
