"""What a user asked, made safe once at the answer chain's entry (and the retriever's).

`clean_question` is the one gate every face goes through: it refuses what is not text (a lone
surrogate: bytes that were not UTF-8, e.g. a GBK terminal) and removes what is not part of the
question (terminal colour codes, control and zero-width characters), so the retriever, the
answerer and the printed answer all see the same words. `prepare_question` adds the normalised
form both retrievers search with: the same normalisation as the clauses (qa.core.text), so a
simplified question matches a traditional clause and full-width digits match half-width ones.
`as_filters` reads the filters a LangChain caller may pass as a plain dict.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields

from qa.core.errors import BadQuestion
from qa.core.text import to_search_text
from qa.core.types import Filters

# Line breaks and tabs are word separators in a pasted question; every other control or
# format character (NUL, escape sequences, zero-width marks, bidi overrides) is noise.
_SEPARATORS = re.compile(r"[\r\n\t\v\f\u2028\u2029\x85]+")
# Terminal escape sequences pasted with the text: CSI (colours, cursor moves) and OSC (titles,
# links). Removed whole: dropping only the ESC would leave 「[31m」 and a figure 31 in the question.
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x9b[0-?]*[ -/]*[@-~]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_WORD_CHAR = re.compile(r"\w")
_EXAMPLE = "营造良好创新生态"
# 「有几个方面？」 asks for the list; 「有几个能行人的安全出口」 counts a named thing.
_LIST_ASKED = re.compile(r"哪些|哪几|列举|分别是|包括什么|包含什么|有几[个项条方面类种](?=方面|[？?呢吗，,。]|$|分别)|"
                         r"哪[一二三四五六七八九十两\d]+[个项条方面类大种级步]|\b(?:list|what are)\b"
                         # "Which groups…", "which key technologies…" ask for several; "which organisation is…",
                         # "which tariff applies to…" one: a plural noun within three words of which (not a
                         # verb in -s: "is", "does", nor one its object or preposition follows).
                         r"|\b(?:which|what) (?:[\w-]+ ){0,2}(?!(?:is|was|has|does|this|its|thus|plus|bus|status|gas)\b)"
                         r"[a-z]{2,}(?<!ss)(?<!us)s(?:'|\b(?!\s+(?:to|for|on|the|a|an|its|their|with)\b))",
                         re.IGNORECASE)


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


def printable(text: str) -> str:
    """`text` safe to print or encode as UTF-8: a lone surrogate shown as its escape (\\udcff)."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def clean_question(raw: object, max_chars: int) -> str:
    """The question as the chain should see it, or BadQuestion saying what is wrong with it:
    not text, not valid Unicode, empty once the noise is gone, or longer than `max_chars`."""
    if not isinstance(raw, str):
        raise BadQuestion(f"A question must be text, not {type(raw).__name__}.")
    bad = _SURROGATE.search(raw)
    if bad:
        raise BadQuestion(
            f"The question is not valid text: character {bad.start() + 1} is {printable(bad.group())}, "
            "a lone surrogate (bytes that were not UTF-8).",
            hint="Type or paste the question as UTF-8 text (check the terminal's or file's encoding).",
        )
    text = strip_control(raw).strip()
    if not text:
        raise BadQuestion("The question is empty.", hint=f"Ask about the documents, e.g. 「{_EXAMPLE}」")
    if len(text) > max_chars:
        raise BadQuestion(
            f"The question is {len(text):,} characters long; the limit is {max_chars:,} characters.",
            hint="Shorten it to the point you want answered, or raise POLICYQA_MAX_QUESTION_CHARS.",
        )
    return text


def prepare_question(raw: object, max_chars: int) -> Question:
    """Validate a question (clean_question) and normalise it for retrieval."""
    text = clean_question(raw, max_chars)
    return Question(text=text, search_text=to_search_text(text))


_FILTER_FIELDS = tuple(f.name for f in fields(Filters))


def as_filters(value: Filters | Mapping | None) -> Filters | None:
    """Filters from a Filters, a dict with the same keys (lists or single strings), or None."""
    if value is None or isinstance(value, Filters):
        return value
    if not isinstance(value, Mapping):
        raise BadQuestion(f"Filters must be a Filters or a dict, not {type(value).__name__}.")
    unknown = sorted(set(value) - set(_FILTER_FIELDS))
    if unknown:
        raise BadQuestion(f"Unknown filter{'s' if len(unknown) > 1 else ''}: {', '.join(map(str, unknown))}.",
                          hint="Filters take: " + ", ".join(_FILTER_FIELDS) + ".")
    given = {}
    for key, item in value.items():
        if key in ("doc_ids", "issuers", "lead_units"):
            item = (item,) if isinstance(item, str) else tuple(item or ())
        given[key] = item if item is not None else ""
    return Filters(**given)


def asks_for_list(question: str) -> bool:
    """「有哪些」「哪几项」「哪三个」, "which measures…": the question asks for the items of a list,
    which the retriever brings in under their heading and the answerer quotes whole."""
    return bool(_LIST_ASKED.search(question))
