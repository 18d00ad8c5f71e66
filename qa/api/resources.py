"""What the server keeps, over HTTP: the document library and saved conversations.

Documents: list, add by upload, re-tag, delete (an upload) or hide (a corpus document, which stays
in the corpus folder and can be restored). Each change is one incremental index build
(qa/library.py); questions asked meanwhile are answered from the previous index generation until
the new one is switched in. Conversations (qa.conversations.ConversationStore under
POLICYQA_HOME) can be listed, read, deleted, and exported as a memo, as can answers sent back.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile

from qa.api.errors import ApiError, printable
from qa.api.schemas import (MemoRequest, NewConversation, RetagRequest, ShortText, clause_view, conversation_view,
                            document_view, summary_view)
from qa.conversations import Conversation
from qa.core.errors import BadQuestion
from qa.library import (UnknownDocument, add_upload, check_upload_content, check_upload_name, check_upload_size,
                        delete_document, hidden_documents, is_upload, restore_document, retag_document, stage_upload)
from qa.memo import MEMO_TITLE, build_memo, to_docx, to_markdown

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def saved(service, conversation_id: str) -> Conversation:
    """The conversation, or a 404: the store says BadQuestion, but here the id is a resource."""
    try:
        return service.conversations.get(conversation_id)
    except BadQuestion:
        raise ApiError(404, "unknown_conversation", f"No conversation {conversation_id}.",
                       "GET /api/conversations lists them.") from None


def conversations_router(service) -> APIRouter:
    router = APIRouter(tags=["conversations"])

    @router.get("/conversations", summary="Saved conversations, most recently updated first")
    def list_conversations() -> dict:
        return {"conversations": [summary_view(s) for s in service.conversations.list()]}

    @router.post("/conversations", status_code=201, summary="Start a conversation; ask with its id to add turns")
    def create_conversation(body: NewConversation | None = None) -> dict:
        conversation_id = service.conversations.create(body.title if body else "")
        return conversation_view(saved(service, conversation_id))

    @router.get("/conversations/{conversation_id}", summary="A conversation with every turn and its answer")
    def get_conversation(conversation_id: str) -> dict:
        return conversation_view(saved(service, conversation_id))

    @router.delete("/conversations/{conversation_id}", summary="Delete a conversation")
    def delete_conversation(conversation_id: str) -> dict:
        saved(service, conversation_id)
        service.conversations.delete(conversation_id)
        return {"deleted": conversation_id}

    @router.post("/memo", summary="A memo (Markdown or Word) of answers or of a saved conversation",
                 responses={200: {"content": {"text/markdown": {}, DOCX: {}}}})
    def memo(body: MemoRequest) -> Response:
        if body.conversation_id:
            answers = saved(service, body.conversation_id).answers
            if not answers:
                raise ApiError(422, "empty_conversation", "The conversation has no answers yet.", "Ask in it first.")
        else:
            answers = tuple(a.to_answer() for a in body.answers)
        documents = {m.doc_id: m for m in service.documents()}
        built = build_memo(answers, documents, title=body.title or MEMO_TITLE)
        if body.format == "md":
            return Response(to_markdown(built), media_type="text/markdown; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="policyqa-memo.md"'})
        with tempfile.TemporaryDirectory(prefix="policyqa-memo-") as folder:
            data = to_docx(built, Path(folder) / "memo.docx").read_bytes()
        return Response(data, media_type=DOCX,
                        headers={"Content-Disposition": 'attachment; filename="policyqa-memo.docx"'})

    return router


def documents_router(service) -> APIRouter:
    router = APIRouter(tags=["documents"])
    settings = service.settings

    def view(meta, counts: dict[str, int] | None = None) -> dict:
        counts = service.clause_counts() if counts is None else counts
        origin = "upload" if is_upload(settings, meta.doc_id) else "corpus"
        return document_view(meta, origin, counts.get(meta.doc_id, 0))

    def find(doc_id: str):
        meta = next((m for m in service.documents() if m.doc_id == doc_id), None)
        if meta is None:
            raise UnknownDocument(f"No document {doc_id}.", hint="GET /api/documents lists them.")
        return meta

    @router.get("/documents", summary="The indexed documents; `hidden` lists corpus documents deleted here")
    def list_documents() -> dict:
        counts = service.clause_counts()
        return {"documents": [view(m, counts) for m in service.documents()], "hidden": hidden_documents(settings)}

    @router.get("/lead-units", summary="The lead units (牵头单位…) clauses name, with clause counts: the lead-unit filter's choices")
    def list_lead_units() -> dict:
        return {"lead_units": [{"unit": unit, "clauses": n} for unit, n in service.lead_unit_counts().items()]}

    @router.get("/documents/{doc_id}", summary="One document with its clauses in document order")
    def get_document(doc_id: str) -> dict:
        meta = find(doc_id)
        return {**view(meta), "clauses": [clause_view(c) for c in service.clauses(doc_id)]}

    @router.post("/documents", status_code=201, summary="Add a document (.txt .md .html .htm .pdf .docx) and index it")
    def add_document(file: Annotated[UploadFile, File(description="The document")],
                     title: Annotated[ShortText, Form()] = "", issuer: Annotated[ShortText, Form()] = "",
                     date: Annotated[ShortText, Form(description="yyyy-mm-dd")] = "") -> dict:
        name = printable(Path(file.filename or "").name)
        if not name:
            raise ApiError(400, "missing_file_name", "The uploaded file has no name.",
                           "Send it as multipart/form-data with a file name; its extension gives its type.")
        check_upload_name(name)  # type and size are checked before anything is stored
        if file.size is not None:
            check_upload_size(name, file.size, settings.max_upload_mb)
        content = file.file.read(settings.max_upload_mb * 1024 * 1024 + 1)
        check_upload_size(name, len(content), settings.max_upload_mb)
        check_upload_content(name, content[:8])
        staged = stage_upload(settings, name, content, {m.doc_id for m in service.documents()})
        if staged.parsed is None:
            raise ApiError(400, "unreadable_file", staged.error, "Check that the file opens and holds text.")
        try:
            meta = add_upload(service, staged, title=title, issuer=issuer, date=date)
        finally:
            shutil.rmtree(Path(staged.path).parent, ignore_errors=True)  # an API caller cannot retry a preview
        return view(meta)

    @router.patch("/documents/{doc_id}", summary="Re-tag a document's title, issuer or date (kept across rebuilds)")
    def retag(doc_id: str, body: RetagRequest) -> dict:
        find(doc_id)
        return view(retag_document(service, doc_id, title=body.title, issuer=body.issuer, date=body.date))

    @router.delete("/documents/{doc_id}", summary="Delete an upload, or hide a corpus document (restorable)")
    def delete(doc_id: str) -> dict:
        origin = view(find(doc_id))["origin"]
        delete_document(service, doc_id)
        result = {"deleted": doc_id, "origin": origin}
        if origin == "corpus":
            result["note"] = ("Corpus files are managed in the corpus folder: this one is hidden from the index, "
                              f"not removed. POST /api/documents/{doc_id}/restore brings it back.")
        return result

    @router.post("/documents/{doc_id}/restore", summary="Index a hidden corpus document again")
    def restore(doc_id: str) -> dict:
        return view(restore_document(service, doc_id))

    return router
