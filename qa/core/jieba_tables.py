"""jieba's two big dictionaries, opened by first character instead of whole.

On the first cut jieba loads its whole prefix dictionary (500k entries: ~1.3 s of CPU to
unmarshal and grow the heap, 2–3 s on two busy cores) and jieba.posseg parses its dictionary file
for the part-of-speech tags (~0.8 s); a cold `policyqa ask` needs the entries of the few dozen
characters its question holds. So both tables are written once, grouped by first character, into
files under POLICYQA_HOME/cache/jieba (from jieba's own dictionary, never fetched), and a process
loads a character's entries when a cut first meets it. The lookups answer exactly as jieba's dicts
would, so every cut is the same. A process that cuts a lot (an index build) meets many characters:
past PROMOTE_AFTER it reads the whole table once and jieba works on a plain dict from then on.

No jieba import here: qa/core/tokenize.py, jieba's one owner, hands the tables over.
"""
from __future__ import annotations

import marshal
import mmap
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

FORMAT = 1
PROMOTE_AFTER = 800  # characters loaded one at a time before the whole table is read at once


def write_table(path: Path, table: Mapping[str, object], extra: object) -> None:
    """The table grouped by first character: a header (format, extra, character → (offset,
    length)) then one marshalled dict per character. Written beside, then renamed into place."""
    groups: dict[str, dict[str, object]] = {}
    for word, value in table.items():
        if word:
            groups.setdefault(word[0], {})[word] = value
    blobs = {ch: marshal.dumps(group) for ch, group in groups.items()}
    offsets, at = {}, 0
    for ch, blob in blobs.items():
        offsets[ch] = (at, len(blob))
        at += len(blob)
    header = marshal.dumps((FORMAT, extra, offsets))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as out:
        out.write(len(header).to_bytes(8, "little"))
        out.write(header)
        for blob in blobs.values():
            out.write(blob)
    tmp.replace(path)


class LazyTable:
    """A read-only dict by first character (`in`, `[]`, `get`: what jieba asks of its tables)."""

    def __init__(self, path: Path, promote: Callable[[dict], None]) -> None:
        with open(path, "rb") as f:
            size = int.from_bytes(f.read(8), "little")
            version, self.extra, self._offsets = marshal.loads(f.read(size))
            if version != FORMAT:
                raise ValueError(f"{path}: format {version}, not {FORMAT}")
            self._base = 8 + size
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self._groups: dict[str, dict] = {}
        self._promote = promote
        self._lock = threading.Lock()

    def _group(self, ch: str) -> dict:
        group = self._groups.get(ch)
        if group is None:
            where = self._offsets.get(ch)
            start = self._base + where[0] if where else 0
            group = marshal.loads(self._map[start : start + where[1]]) if where else {}
            with self._lock:
                self._groups[ch] = group
                if len(self._groups) == PROMOTE_AFTER:
                    self._promote(self.whole())
        return group

    def whole(self) -> dict:
        table: dict = {}
        for ch in self._offsets:
            table.update(self._group_only(ch))
        return table

    def _group_only(self, ch: str) -> dict:
        if ch in self._groups:
            return self._groups[ch]
        start, length = self._offsets[ch]
        return marshal.loads(self._map[self._base + start : self._base + start + length])

    def __contains__(self, word: str) -> bool:
        return bool(word) and word in self._group(word[0])

    def __getitem__(self, word: str):
        if not word:
            raise KeyError(word)
        return self._group(word[0])[word]

    def get(self, word: str, default=None):
        return self._group(word[0]).get(word, default) if word else default


def open_table(path: Path, build: Callable[[], tuple[Mapping[str, object], object]], stamp: object,
               promote: Callable[[dict], None]) -> LazyTable:
    """The table at `path`, written first from `build()` (table, extra) when it is missing or was
    written for another `stamp` (jieba's version and dictionary)."""
    try:
        table = LazyTable(path, promote)
        if table.extra[0] == stamp:
            return table
    except (OSError, ValueError, EOFError, TypeError, IndexError):
        pass
    content, extra = build()
    write_table(path, content, (stamp, extra))
    return LazyTable(path, promote)
