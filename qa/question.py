"""Question validation and normalisation: what both retrievers see of a user's question.

The question goes through the same normalisation as the clauses (qa.core.text), so a
simplified question matches a traditional clause and full-width digits match half-width ones.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from qa.core.errors import BadQuestion
from qa.core.text import to_search_text

# Line breaks and tabs are word separators in a pasted question; every other control or
# format character (NUL, escape sequences, zero-width marks, bidi overrides) is noise.
_SEPARATORS = re.compile(r"[\r\n\t\v\f\u2028\u2029\x85]+")
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")  # terminal colour codes pasted with the text
_WORD_CHAR = re.compile(r"\w")
_EXAMPLE = "营造良好创新生态"


@dataclass(frozen=True)
class Question:
    text: str  # as the user asked it, control characters removed
    search_text: str  # normalised like Clause.search_text: what BM25 and the embedder see

    @property
    def searchable(self) -> bool:
        """False when nothing in the question can match a word (only emoji or punctuation)."""
        return bool(_WORD_CHAR.search(self.search_text))


def strip_control(text: str) -> str:
    text = _SEPARATORS.sub(" ", _ANSI_ESCAPE.sub("", text))
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))


def prepare_question(raw: str, max_chars: int) -> Question:
    """Validate a question and normalise it for retrieval.

    Raises BadQuestion for an empty question or one longer than `max_chars`."""
    if not isinstance(raw, str):
        raise BadQuestion(f"A question must be text, not {type(raw).__name__}.")
    text = strip_control(raw).strip()
    if not text:
        raise BadQuestion(
            "The question is empty.", hint=f"Ask about the documents, e.g. 「{_EXAMPLE}」"
        )
    if len(text) > max_chars:
        raise BadQuestion(
            f"The question is {len(text):,} characters long; the limit is {max_chars:,} characters.",
            hint="Shorten it to the point you want answered, or raise POLICYQA_MAX_QUESTION_CHARS.",
        )
    return Question(text=text, search_text=to_search_text(text))
