"""Asking (JSON, or streamed as Server-Sent Events), retrieving and comparing.

Handlers are plain functions: FastAPI runs them in its thread pool, so a slow answer never
blocks the event loop, and reads follow index rebuilds by themselves (index/build.py IndexReader).
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from qa.api.errors import ApiError, error_body, error_response, status_of
from qa.api.resources import saved
from qa.api.schemas import (AskRequest, CompareRequest, RetrieveRequest, comparison_view, filters_of,
                            hit_view)
from qa.compare import compare_documents
from qa.core.errors import NoMatchingDocuments, PolicyQAError
from qa.core.serialize import answer_view
from qa.core.types import Answer, AnswerMode

SSE_EXAMPLE = 'event: delta\ndata: {"text": "……"}\n\nevent: answer\ndata: {"question": …, "answer": …}\n\n'


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


class Asking:
    """One ask request: its history (given, or the saved conversation's) and where the answer goes."""

    def __init__(self, service, body: AskRequest) -> None:
        if body.mode == AnswerMode.LLM and not service.settings.llm_configured:
            raise ApiError(400, "llm_not_configured", "No LLM is configured, so mode 'llm' cannot be used.",
                           "Use mode 'auto' or 'offline', or configure OPENAI_BASE_URL / OPENAI_API_KEY.")
        self.service, self.body = service, body
        self.filters = filters_of(body.filters)
        if body.conversation_id:
            self.history = saved(service, body.conversation_id).answers
        else:
            self.history = tuple((turn.question, turn.answer) for turn in body.history)

    def kwargs(self) -> dict:
        return {"history": self.history, "k": self.body.k, "filters": self.filters, "mode": self.body.mode}

    def view(self, answer: Answer) -> dict:
        """The answer's public JSON; appended to the conversation first when there is one."""
        view = answer_view(answer)
        if self.body.conversation_id:
            turn = self.service.conversations.add_turn(self.body.conversation_id, answer, self.filters,
                                                       str(self.body.mode))
            view.update(conversation_id=self.body.conversation_id, turn=turn)
        return view


def _stream(asking: Asking, events: Iterator) -> Iterator[str]:
    """delta events while the answer is written, then one answer event. A failure midway (the
    response has started, so its status cannot change) is an error event, never a traceback."""
    try:
        for event in events:
            if isinstance(event, Answer):
                yield _sse("answer", asking.view(event))
            else:
                yield _sse("delta", {"text": event})
    except PolicyQAError as exc:
        yield _sse("error", error_body(status_of(exc)[1], exc.message, exc.hint))
    except Exception as exc:  # noqa: BLE001 - logged by error_response; the client gets the JSON
        yield _sse("error", json.loads(error_response(exc).body))


def answers_router(service) -> APIRouter:
    router = APIRouter(tags=["answers"])

    @router.post("/ask", summary="A cited answer (the same JSON as `policyqa ask --json`)")
    def ask(body: AskRequest) -> dict:
        asking = Asking(service, body)
        return asking.view(service.ask(body.question, **asking.kwargs()))

    @router.post("/ask/stream", summary="A cited answer as Server-Sent Events: delta events, then one answer event",
                 response_class=StreamingResponse,
                 responses={200: {"content": {"text/event-stream": {"example": SSE_EXAMPLE}}}})
    def ask_stream(body: AskRequest) -> StreamingResponse:
        asking = Asking(service, body)
        events = service.ask_stream(body.question, **asking.kwargs())
        # The first step validates the question and filters: a bad request is a 4xx JSON
        # error, not a 200 stream that fails.
        first = next(events, None)
        chained = (event for part in ([first] if first is not None else [], events) for event in part)
        return StreamingResponse(_stream(asking, chained), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @router.post("/retrieve", summary="The best-matching clauses, with clause ids and document metadata")
    def retrieve(body: RetrieveRequest) -> dict:
        filters = filters_of(body.filters)
        service.check_filters(filters)
        hits = service.retrieve(body.question, k=body.k, filters=filters)
        documents = {m.doc_id: m for m in service.documents()}
        return {"question": body.question, "hits": [hit_view(i, hit, documents) for i, hit in enumerate(hits, 1)]}

    @router.post("/compare", summary="What each document says about one question, quoted and cited")
    def compare(body: CompareRequest) -> dict:
        documents = service.documents_matching(filters_of(body.filters))
        if not documents:
            raise NoMatchingDocuments("No document matches these filters.", hint="Widen the filters or clear them.")
        return comparison_view(compare_documents(service, body.question, [m.doc_id for m in documents], k=body.k))

    return router
