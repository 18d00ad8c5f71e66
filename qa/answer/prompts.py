"""Prompt files, loaded by name from prompts/ and checked before use.

A prompt file holds its messages under `=== system ===` / `=== user ===` lines; `{name}` is a
variable and `{{`/`}}` a literal brace. Each prompt kind declares the variables its caller fills,
so a file edited to drop `{context}` or to add `{date}` fails loudly at load time (PromptError)
instead of sending a broken prompt to the model.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a template is built: an offline answer needs only defuse
    from langchain_core.prompts import ChatPromptTemplate

from qa.core.errors import PromptError
from qa.core.types import Language

PROMPT_DIR = Path(__file__).resolve().parents[2] / "prompts"

# What each kind of prompt is filled with (by qa/chain.py and eval/judge.py).
VARIABLES: dict[str, frozenset[str]] = {
    "answer": frozenset({"refusal", "context", "question"}),
    "condense": frozenset({"history", "question"}),
    "judge_faithfulness": frozenset({"question", "answer", "context"}),
}
LANGUAGES = tuple(language.value for language in Language)

# Delimiters the prompts use around data; a clause or question quoting them must not close the
# data block early, so they are defused in the text handed to the model.
_DELIMITER = re.compile(r"</?\s*(documents|question|history)\s*>", re.IGNORECASE)
_SECTION = re.compile(r"^=== (system|user) ===[ \t]*$", re.MULTILINE)
_ROLE = {"system": "system", "user": "human"}


def defuse(text: str) -> str:
    return _DELIMITER.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)


def prompt_path(kind: str, language: str, directory: Path | None = None) -> Path:
    return (directory or PROMPT_DIR) / f"{kind}_{language}.txt"


def load_prompt(kind: str, language: str, directory: Path | None = None) -> ChatPromptTemplate:
    """The chat prompt `prompts/<kind>_<language>.txt`, validated against VARIABLES[kind]."""
    if kind not in VARIABLES:
        raise PromptError(f"Unknown prompt kind {kind!r}.", hint=f"Known kinds: {', '.join(sorted(VARIABLES))}.")
    if language not in LANGUAGES:
        raise PromptError(f"No prompts for language {language!r}.", hint=f"Languages: {', '.join(LANGUAGES)}.")
    return _load(prompt_path(kind, language, directory), VARIABLES[kind])


@lru_cache(maxsize=32)
def _load(path: Path, expected: frozenset[str]) -> ChatPromptTemplate:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PromptError(f"Prompt file {path} is missing.", hint="Restore it from the repository.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"Prompt file {path} cannot be read: {exc}.") from None
    messages = _messages(raw, path)
    from langchain_core.prompts import ChatPromptTemplate

    try:
        template = ChatPromptTemplate.from_messages(messages)
    except (ValueError, KeyError) as exc:
        raise PromptError(
            f"Prompt file {path} is not a valid template: {exc}.",
            hint="Variables are written {name}; a literal brace is written {{ or }}.",
        ) from None
    found = set(template.input_variables)
    missing, unexpected = sorted(expected - found), sorted(found - expected)
    if missing or unexpected:
        problems = []
        if missing:
            problems.append("missing " + ", ".join("{" + v + "}" for v in missing))
        if unexpected:
            problems.append("unexpected " + ", ".join("{" + v + "}" for v in unexpected))
        raise PromptError(
            f"Prompt file {path} has the wrong variables: {'; '.join(problems)}.",
            hint="It must use exactly " + ", ".join("{" + v + "}" for v in sorted(expected)) + ".",
        )
    return template


def _messages(raw: str, path: Path) -> list[tuple[str, str]]:
    heads = list(_SECTION.finditer(raw))
    if not heads or raw[: heads[0].start()].strip():
        raise PromptError(
            f"Prompt file {path} must start with a '=== system ===' or '=== user ===' line.",
        )
    messages = []
    for head, following in zip(heads, heads[1:] + [None]):
        body = raw[head.end() : following.start() if following else len(raw)].strip()
        if not body:
            raise PromptError(f"Prompt file {path} has an empty '{head.group(1)}' section.")
        messages.append((_ROLE[head.group(1)], body))
    if messages[-1][0] != "human":
        raise PromptError(f"Prompt file {path} must end with a '=== user ===' section.")
    return messages
