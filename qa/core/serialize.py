"""The shared types as JSON and back: one way for the CLI's --json, the HTTP API and saved
conversations to write an Answer, and for a saved conversation to be read back as the same value.

`to_data` turns frozen dataclasses (nested, with tuples, enums and read-only mappings) into plain
JSON data; `from_data(cls, data)` rebuilds `cls` from it, guided by the dataclass's type hints.
`answer_view` is the public shape of an answer (what `policyqa ask --json` prints and the API
returns): flat, without the internal retrieval details of every clause.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from qa.core.types import Answer

T = TypeVar("T")


def to_data(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [to_data(v) for v in value]
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_data(cls: type[T], data: Any) -> T:
    """`cls` (a dataclass, or a type hint such as tuple[Citation, ...]) rebuilt from to_data's output."""
    origin, args = typing.get_origin(cls), typing.get_args(cls)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None  # type: ignore[return-value]
        return from_data(next(a for a in args if a is not type(None)), data)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], item) for item in data)  # type: ignore[return-value]
        return tuple(from_data(a, item) for a, item in zip(args, data))  # type: ignore[return-value]
    if origin in (dict, Mapping) or cls is dict:
        key, val = args or (str, Any)
        return {from_data(key, k): from_data(val, v) for k, v in data.items()}  # type: ignore[return-value]
    if dataclasses.is_dataclass(cls):
        hints = _hints(cls)
        names = {f.name for f in dataclasses.fields(cls) if f.init}
        return cls(**{name: from_data(hints[name], value) for name, value in data.items() if name in names})
    if isinstance(cls, type) and issubclass(cls, Enum):
        return cls(data)
    if cls is int and isinstance(data, str):
        return int(data)  # JSON object keys are strings
    return data


def answer_view(answer: Answer) -> dict:
    """The public JSON of an answer."""
    return {
        "question": answer.question,
        "standalone_question": answer.standalone_question,
        "answer": answer.text,
        "refused": answer.refused,
        "backend": answer.backend,
        "verified": answer.verified,
        "evidence": to_data(answer.evidence),  # {"score", "level", "missing"} or null for a refusal
        "citations": [
            {"n": c.n, "clause_id": c.clause_id, "doc_id": c.doc_id, "doc_title": c.doc_title, "ref": c.ref,
             "text": c.text, "quote": c.quote}
            for c in answer.citations
        ],
        "unverified": [
            {"sentence": c.sentence, "reason": c.reason, "missing_figures": list(c.missing_figures)}
            for c in answer.unverified
        ],
        "notice": answer.notice,
        "dropped_markers": list(answer.dropped_markers),
        "nearest": [
            {"clause_id": h.clause_id, "doc_id": h.clause.doc_id, "doc_title": h.clause.doc_title, "ref": h.clause.ref}
            for h in answer.nearest
        ],
        "timings": {stage: round(seconds, 4) for stage, seconds in answer.timings},
    }
