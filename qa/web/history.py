"""Saved conversations in the chat, without gradio: every answered turn is stored (qa/conversations.py,
through `service.conversations`), and a saved conversation can be listed, reopened as the chat
showed it, or deleted.

The browser remembers which conversation is open (qa/web/layout.py keeps `{"id": ...}` in the
page's local storage, encrypted with `browser_secret()`), so a reload, or a restart of the app,
reopens it.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from qa.core.errors import BadQuestion
from qa.core.types import Answer, Filters
from qa.web import render

STORAGE_KEY = "policyqa-conversation"  # the browser's local storage key for the open conversation
SECRET_FILE = "browser-state.secret"  # under POLICYQA_HOME: kept, so a restart can read what it wrote


@dataclass(frozen=True)
class Opened:
    """A saved conversation as the chat shows it: messages, the Answers (the session's turns), and
    the filters and answer mode of its last turn, to continue it under the same ones."""

    conversation_id: str
    chat: list[dict] = field(default_factory=list)
    turns: list[Answer] = field(default_factory=list)
    filters: Filters = Filters()
    mode: str = "auto"

    @property
    def remembered(self) -> dict:
        return remembered(self.conversation_id)


def remembered(conversation_id: str) -> dict:
    """What the browser keeps. Never a bare '': the page does not store an empty value, so a new
    chat has to be written as {"id": ""} to make a reload forget the old conversation."""
    return {"id": conversation_id or ""}


def local_time(iso: str) -> str:
    """'2024-03-01T06:05:00+00:00' → '2024-03-01 14:05' in the server's time zone."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def history_label(title: str, updated: str, turns: int) -> str:
    """How a saved conversation is listed: its first question, when it last changed, its length."""
    return f"{title or '（无标题）'} · {local_time(updated)} · {turns} 轮"


class History:
    def __init__(self, service) -> None:
        self.service = service

    @property
    def store(self):
        return self.service.conversations

    def titles(self) -> Mapping[str, str]:
        return {m.doc_id: m.short_title or m.title for m in self.service.documents()}

    def message(self, answer: Answer, turn: int, filters: Filters) -> str:
        """The assistant message for a turn, with the filters it was asked under: the same HTML when
        asked and when reopened."""
        return render.answer_html(answer, turn, scope=render.filters_line(filters, self.titles()))

    def no_match(self, filters: Filters) -> str:
        return render.no_match_html(render.filters_line(filters, self.titles()))

    def choices(self) -> list[tuple[str, str]]:
        """(label, id) for every saved conversation, most recently updated first."""
        return [(history_label(c.title, c.updated, c.turns), c.id) for c in self.store.list()]

    def record(self, conversation_id: str, answer: Answer, filters: Filters, mode: str) -> str:
        """Store a turn in the conversation (a new one on a chat's first question, or when the open
        one was deleted meanwhile, e.g. from another tab); returns the conversation's id."""
        if conversation_id:
            try:
                self.store.add_turn(conversation_id, answer, filters, str(mode))
                return conversation_id
            except BadQuestion:
                pass
        conversation_id = self.store.create(answer.question)
        self.store.add_turn(conversation_id, answer, filters, str(mode))
        return conversation_id

    def open(self, conversation_id: str) -> Opened:
        """A saved conversation as the chat shows it; BadQuestion if there is no such conversation."""
        if not conversation_id:
            raise BadQuestion("请先在列表中选择一个对话。")
        try:
            conversation = self.store.get(conversation_id)
        except BadQuestion:
            raise BadQuestion("这个对话已不存在（可能已被删除）。", hint="列表已刷新，请另选一个。") from None
        chat = []
        for turn in conversation.turns:
            chat += [{"role": "user", "content": turn.answer.question},
                     {"role": "assistant", "content": self.message(turn.answer, turn.n, turn.filters)}]
        last = conversation.turns[-1] if conversation.turns else None
        filters, mode = (last.filters, last.mode) if last else (Filters(), "auto")
        return Opened(conversation.id, chat, list(conversation.answers), *self._usable(filters, mode))

    def _usable(self, filters: Filters, mode: str) -> tuple[Filters, str]:
        """The filters and mode as the page can show them now: documents, issuers and lead units still in the
        index, and "llm" only while a model is configured."""
        documents = self.service.documents()
        doc_ids = tuple(d for d in filters.doc_ids if d in {m.doc_id for m in documents})
        issuers = tuple(i for i in filters.issuers if i in {m.issuer for m in documents})
        lead_units = tuple(u for u in filters.lead_units if u in self.service.lead_unit_counts())
        llm = self.service.settings.llm_configured
        mode = mode if mode in ("auto", "offline") or (mode == "llm" and llm) else "auto"
        return Filters(doc_ids, issuers, filters.date_from, filters.date_to, lead_units), mode

    def restore(self, kept) -> Opened | None:
        """The conversation the browser remembers (`kept`, as stored by the page), or None when it
        remembers none or that conversation is gone."""
        conversation_id = kept.get("id") if isinstance(kept, Mapping) else None
        if not conversation_id or not isinstance(conversation_id, str):
            return None
        try:
            return self.open(conversation_id)
        except BadQuestion:
            return None

    def delete(self, selected: str, current: str) -> bool:
        """Delete the selected conversation; True when it is the one open in the chat (which then
        starts anew). Nothing selected (or the deletion not confirmed) deletes nothing."""
        if not selected:
            return False
        try:
            self.store.delete(selected)
        except BadQuestion:
            pass  # already gone (deleted from another tab): the refreshed list shows it
        return selected == current

    def browser_secret(self) -> str:
        """The key the page encrypts the remembered conversation with, kept under POLICYQA_HOME so
        that what a browser stored before a restart can still be read after it."""
        path = self.service.settings.home / SECRET_FILE
        if not path.exists():  # written whole, then linked: two app workers starting at once agree
            path.parent.mkdir(parents=True, exist_ok=True)
            draft = path.with_name(f".{SECRET_FILE}.{os.getpid()}")
            draft.write_text(secrets.token_urlsafe(24), encoding="utf-8")
            draft.chmod(0o600)
            try:
                os.link(draft, path)
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        return path.read_text(encoding="utf-8").strip()
