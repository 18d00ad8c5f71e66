"""Saved conversations: every turn kept with its answer, citations and the filters in force, in
SQLite under POLICYQA_HOME, so a conversation survives a page reload or a restart and can be
reopened, exported as a memo, or deleted.

SQLite because it ships with Python, needs no server, and serialises concurrent writers from
several app workers safely; each call opens its own connection, so the store can be shared by
request threads.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from qa.core.errors import BadQuestion
from qa.core.serialize import from_data, to_data
from qa.core.types import Answer, Filters

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    n INTEGER NOT NULL, asked TEXT NOT NULL, mode TEXT NOT NULL,
    filters TEXT NOT NULL, answer TEXT NOT NULL,
    PRIMARY KEY (conversation_id, n)
);
"""
TITLE_CHARS = 40


@dataclass(frozen=True)
class SavedTurn:
    n: int  # 0-based position in its conversation
    asked: str  # ISO time
    mode: str
    filters: Filters
    answer: Answer


@dataclass(frozen=True)
class ConversationSummary:
    id: str
    title: str  # the first question, clipped
    created: str
    updated: str
    turns: int


@dataclass(frozen=True)
class Conversation:
    id: str
    title: str
    created: str
    updated: str
    turns: tuple[SavedTurn, ...]

    @property
    def answers(self) -> tuple[Answer, ...]:
        return tuple(turn.answer for turn in self.turns)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class ConversationStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.executescript(_SCHEMA)
        finally:
            db.close()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One transaction, holding the write lock from its start: two writers numbering turns
        at once must not both read the same count."""
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    def create(self, title: str = "") -> str:
        conversation_id = uuid.uuid4().hex
        now = _now()
        with self._connect() as db:
            db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?)", (conversation_id, title[:TITLE_CHARS], now, now))
        return conversation_id

    def add_turn(self, conversation_id: str, answer: Answer, filters: Filters = Filters(), mode: str = "auto") -> int:
        """Append a turn; returns its position. The conversation's title is its first question."""
        now = _now()
        with self._connect() as db:
            row = db.execute("SELECT title FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
            if row is None:
                raise BadQuestion(f"No conversation {conversation_id}.", hint="List them to see which exist.")
            n = db.execute("SELECT COUNT(*) FROM turns WHERE conversation_id = ?", (conversation_id,)).fetchone()[0]
            db.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)", (
                conversation_id, n, now, str(mode), json.dumps(to_data(filters), ensure_ascii=False),
                json.dumps(to_data(answer), ensure_ascii=False)))
            title = row[0] or answer.question[:TITLE_CHARS]
            db.execute("UPDATE conversations SET updated = ?, title = ? WHERE id = ?", (now, title, conversation_id))
        return n

    def list(self) -> list[ConversationSummary]:
        """Most recently updated first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT c.id, c.title, c.created, c.updated, COUNT(t.n) FROM conversations c "
                "LEFT JOIN turns t ON t.conversation_id = c.id GROUP BY c.id ORDER BY c.updated DESC, c.rowid DESC"
            ).fetchall()
        return [ConversationSummary(*row) for row in rows]

    def get(self, conversation_id: str) -> Conversation:
        with self._connect() as db:
            head = db.execute("SELECT id, title, created, updated FROM conversations WHERE id = ?",
                              (conversation_id,)).fetchone()
            if head is None:
                raise BadQuestion(f"No conversation {conversation_id}.", hint="List them to see which exist.")
            rows = db.execute("SELECT n, asked, mode, filters, answer FROM turns WHERE conversation_id = ? ORDER BY n",
                              (conversation_id,)).fetchall()
        turns = tuple(SavedTurn(n, asked, mode, from_data(Filters, json.loads(filters)), from_data(Answer, json.loads(answer)))
                      for n, asked, mode, filters, answer in rows)
        return Conversation(*head, turns=turns)

    def delete(self, conversation_id: str) -> None:
        with self._connect() as db:
            if db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,)).rowcount == 0:
                raise BadQuestion(f"No conversation {conversation_id}.", hint="List them to see which exist.")
