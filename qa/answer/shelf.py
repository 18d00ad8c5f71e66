"""What the offline answerer may look up beyond the numbered context: the documents the context
comes from (their dates, for 今年/明年; their whole text, so a figure stated in another clause of
the same document is no false premise) and the clauses around a quoted one (the items under a
heading, the list after 「下列规定：」, the parent that sets a —— item's year).

`library` is anything with `documents()` (DocumentMeta) and `clauses(doc_id)` (Clause parts),
such as the index reader; without one the shelf holds only the context.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Protocol

from qa.core.clause_parts import whole_clauses
from qa.core.dates import document_year, resolve_relative_years
from qa.core.ids import ancestors, parent_of
from qa.core.numerals import figure_in
from qa.core.text import sentences, without_cited_names
from qa.core.types import Clause, ContextItem, DocumentMeta, Hit


class Library(Protocol):
    def documents(self) -> list[DocumentMeta]: ...

    def clauses(self, doc_id: str | None = None) -> list[Clause]: ...


class Shelf:
    def __init__(self, items: Sequence[ContextItem], library: Library | None = None) -> None:
        self.items = list(items)
        self.library = library
        self._whole: dict[str, list[tuple[Clause, str]]] = {}

    @cached_property
    def years(self) -> dict[str, int | None]:
        if self.library is None:
            return {}
        return {meta.doc_id: document_year(meta.date) for meta in self.library.documents()}

    def year(self, doc_id: str) -> int | None:
        return self.years.get(doc_id)

    @cached_property
    def _names(self) -> dict[str, str]:
        if self.library is None:
            return {}
        return {meta.doc_id: naming(meta) for meta in self.library.documents()}

    def names(self, doc_id: str, title: str = "") -> str:
        """How a question may name the document (`naming`); its title when it is not indexed."""
        return self._names.get(doc_id, title) or title

    def named_texts(self, items: Sequence[ContextItem]) -> list[str]:
        """Each item's text after the name a question may give its document."""
        return [f"{self.names(i.hit.clause.doc_id, i.hit.clause.doc_title)} {i.text}" for i in items]

    def clauses(self, doc_id: str) -> list[tuple[Clause, str]]:
        """The document's clauses, whole (parts joined), in order; only the context's without a library."""
        if doc_id not in self._whole:
            if self.library is None:
                found = [(i.hit.clause, i.text) for i in self.items if i.hit.clause.doc_id == doc_id]
            else:
                found = whole_clauses(self.library.clauses(doc_id))
            self._whole[doc_id] = found
        return self._whole[doc_id]

    def states(self, figure: str, doc_id: str, on_topic: Callable[[str], bool]) -> bool:
        """Does the document state `figure` in a sentence on the question's topic? A figure the
        document gives elsewhere for the same thing is no false premise; the same number said
        of something else (60% of another rate) does not make the question's premise true."""
        for _, text in self.clauses(doc_id):
            resolved = without_cited_names(resolve_relative_years(text, self.year(doc_id)))
            if not figure_in(figure, resolved):
                continue
            if any(figure_in(figure, s) and on_topic(s) for s in sentences(resolved)):
                return True
        return False

    def text_of(self, clause_id: str, doc_id: str) -> str:
        for item in self.items:
            if item.hit.clause_id == clause_id:
                return item.text
        return next((text for clause, text in self.clauses(doc_id) if clause.base_id == clause_id), "")

    def frame(self, clause: Clause) -> str:
        """The text of the clauses above `clause` and its own heading line: 「到2027年，…」 sets
        the year of its items, 「一、2025年…工作回顾」 that of the paragraph under it."""
        above = [self.text_of(a, clause.doc_id) for a in ancestors(parent(clause))]
        return " ".join([*above, own_heading(clause, self.text_of(clause.base_id, clause.doc_id))])

    def children(self, clause: Clause) -> list[tuple[Clause, str]]:
        return [(c, t) for c, t in self.clauses(clause.doc_id) if parent(c) == clause.base_id]

    def item_for(self, clause: Clause, text: str) -> ContextItem:
        """The context item of a clause, numbered after the context when it is not in it yet."""
        for item in self.items:
            if item.hit.clause_id == clause.base_id:
                return item
        item = ContextItem(n=len(self.items) + 1, hit=Hit(clause=clause, score=0.0, text=text), text=text)
        self.items.append(item)
        return item


def own_heading(clause: Clause, text: str) -> str:
    """The heading line a clause's text begins with (「一、2025年和“十四五”时期工作回顾」), '' when
    its first line is a sentence of the body: a lead phrase frames nothing beyond itself."""
    first, _, rest = text.strip().partition("\n")
    head = clause.heading.strip()
    if not head or not rest.strip() or head not in first or re.search(r"[。；;！？!?]", first):
        return ""
    return first.strip()


def parent(clause: Clause) -> str | None:
    """The id of the clause above: stored, or read from the clause's own id when the heading
    above has no text of its own and so is no stored clause (「第二节 主要原则」)."""
    return clause.parent_id or parent_of(clause.base_id)


def naming(meta: DocumentMeta) -> str:
    """How a question may name a document: its title, its short title (《先锋》文章) and its
    issuer (「国办意见」, 「国家医保局的意见」: the issuer's words pick the document)."""
    return f"{meta.title} {meta.short_title} {meta.issuer}"
