"""The clause tree while it is being built: a stack of open clauses, and the Clause values it
turns into.

A new clause of a numbering style already on the stack pops back to it (a sibling); any other
style is pushed below the top (a child). So levels follow the order in which styles appear in a
document, not a fixed table. Headings restored from a table of contents that have no text of
their own (a chapter whose only content is its sections) sit on the stack and in paths, but are
emitted as no clause; so are 第X编/篇/章/节 lines without text (they are context: path and search
text of their clauses). Everything under a 第X条 is folded into the article (Clause.items).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.ingest.numbering import (
    HEADING_MAX_CHARS,
    Numbering,
    first_sentence_heading,
    lead_phrase,
    match_numbering,
    short_label,
)
from qa.core.text import SENTENCE_END, fold, to_search_text
from qa.core.types import Clause, Document, TocEntry

PREAMBLE_LABEL = "前言"
REF_HEADING_MAX = 10
CONTEXT_STYLES = ("第编", "第篇", "第章", "第节")
ARTICLE_STYLE = "第条"  # a top-level heading this short is printed in the ref: 「三、重点任务」


@dataclass
class Para:
    """A paragraph (one line of the cleaned text, or the part of a line after an inline heading)."""

    start: int
    end: int
    text: str


@dataclass(eq=False)
class Node:
    """A clause while the tree is being built (or a heading restored from the TOC, never emitted)."""

    label: str  # id label: 三, （二）, 5, 第七篇, a lead phrase clipped
    display: str  # ref piece: 三、, （二）, 5., or the lead phrase itself
    textual: bool  # display is text (lead phrase, heading) rather than a numbering label
    heading: str
    style: str
    start: int
    end: int
    parent: Node | None = None
    emit: bool = True
    has_body: bool = False
    kind: str = "clause"  # "clause" | "preamble" | "note"
    aligned: bool = False  # placed by aligning the body with the table of contents
    children_labels: dict[str, int] = field(default_factory=dict)

    def chain(self) -> list[Node]:
        node, out = self, []
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]

    @property
    def level(self) -> int:
        return 0 if self.kind != "clause" else len(self.chain())

    def path_entry(self) -> str:
        if self.textual or not self.heading:
            return self.display
        return f"{self.display}{_joiner(self)}{self.heading}"


def _joiner(node: Node) -> str:
    """「第七篇 互联互融…」 and 「2 本法所稱主管機關」 but 「三、重点任务」, 「（二）全力推进…」."""
    return " " if node.style.startswith("第") or node.style == "ar␣" else ""


class TreeBuilder:
    def __init__(self, toc: tuple[TocEntry, ...] = ()) -> None:
        self.toc = toc
        self.nodes: list[Node] = []
        self.stack: list[Node] = []
        self.toc_nodes: dict[int, Node] = {}
        self.top_labels: dict[str, int] = {}
        self.leads_at_top = True
        self.aligning = False  # clauses opened now are placed by TOC alignment, not by a heading

    # opening clauses

    def open_styles(self) -> list[str]:
        return [n.style for n in self.stack]

    def under_numbered(self) -> bool:
        return any(not n.textual for n in self.stack)

    def after_bullets(self) -> bool:
        """A —— bullet is one paragraph: what follows the last one belongs to their parent."""
        return bool(self.stack) and self.stack[-1].style == "dash"

    def close_bullets(self) -> None:
        while self.stack and self.stack[-1].style == "dash":
            self.stack.pop()

    def close_to_section(self) -> None:
        """Back to the outermost numbered unit: what follows is its text, not its last item's."""
        top = next((i for i, n in enumerate(self.stack) if not n.textual and n.kind == "clause"), None)
        if top is not None:
            del self.stack[top + 1 :]

    def trim_last(self, end: int) -> None:
        """The clause just opened or continued ends where an item glued to it starts."""
        node = self.stack[-1] if self.stack else None
        if node is not None and node.end > end:
            node.end = end

    def open_numbered(self, para: Para, number: Numbering) -> None:
        rest = para.text[number.end :]
        heading_only = not any(ch in fold(rest) for ch in SENTENCE_END) and len(rest) <= HEADING_MAX_CHARS
        heading = rest.strip() if heading_only else first_sentence_heading(rest)
        self._push(Node(number.label, number.display, False, heading, number.style, para.start, para.end,
                        has_body=not heading_only))

    def open_bullet(self, para: Para, number: Numbering) -> None:
        phrase = lead_phrase(para.text[number.end :]) or first_sentence_heading(para.text[number.end :], limit=20)
        label = f"——{short_label(phrase)}"
        self.close_bullets()  # a bullet after a bullet is its sibling, under the same parent
        self._push(Node(label, f"——{phrase}", True, phrase, "dash", para.start, para.end, has_body=True),
                   replace_style=False)

    def open_heading(self, para: Para) -> None:
        short = re.split(r"[,，]", para.text, maxsplit=1)[0]
        self._push(Node(short_label(short, 20), short, True, para.text, "heading", para.start, para.end))

    def open_lead(self, para: Para, phrase: str) -> None:
        body = para.text[len(phrase) + 1 :].strip()
        self._push(Node(short_label(phrase), phrase, True, phrase, "lead", para.start, para.end, has_body=bool(body)))

    def open_free(self, para: Para) -> None:
        """A paragraph of a document whose headings were lost: a clause of its own, named by its
        lead phrase or, lacking one, by its opening words."""
        phrase = lead_phrase(para.text)
        if phrase:
            self.open_lead(para, phrase)
            return
        opening = short_label(para.text)
        self._push(Node(opening, f"{opening}…", True, "", "lead", para.start, para.end, has_body=True))

    def open_toc(self, para: Para, chain: list[int], is_slot: bool) -> None:
        """A clause for a TOC entry: a heading line that survived in the body (anchor), or a body
        paragraph aligned to the entry (slot). Its TOC ancestors that have no text of their own
        stay in its path and labels but are emitted as no clause."""
        self.enter_toc(chain[:-1], keep_deeper=False)
        node = self._toc_node(chain[-1], para.start, para.end)
        node.has_body = is_slot
        node.aligned = is_slot  # an anchor is a heading that survived; a slot was aligned to its entry
        self._push(node, replace_style=False)

    def enter_toc(self, chain: list[int], keep_deeper: bool = True) -> None:
        """Put the TOC entries `chain` (top entry first) on the stack. Clauses opened under the
        same chain before stay on it, so consecutive lead phrases there remain siblings."""
        restored = set(map(id, self.toc_nodes.values()))
        on_stack = [n for n in self.stack if id(n) in restored]
        wanted = [self.toc_nodes.get(i) for i in chain]
        if keep_deeper and on_stack == wanted and self.stack[: len(wanted)] == wanted:
            return
        self.stack = []
        for index in chain:
            self.stack.append(self.toc_nodes.get(index) or self._toc_node(index, -1, -1, emit=False))

    def _toc_node(self, index: int, start: int, end: int, emit: bool = True) -> Node:
        entry = self.toc[index]
        number = match_numbering(entry.label)
        label, display = (number.label, number.display) if number else (entry.label, entry.label)
        node = Node(label, display, False, entry.title, number.style if number else "toc", start, end, emit=emit)
        node.parent = self.stack[-1] if self.stack and not emit else None
        if not emit:
            self._register(node)
        self.toc_nodes[index] = node
        return node

    def lead_allowed(self) -> bool:
        """Lead phrases open clauses only where no numbering is in force: under an unnumbered
        heading, among lead-phrase siblings, or under a numbered heading line with no body yet.
        Inside a numbered clause that has its own text they are just its next paragraph."""
        frames = [n for n in self.stack if n.style != "dash"]
        if not frames or frames[-1].kind == "preamble":
            return self.leads_at_top
        top = frames[-1]
        return top.style in ("heading", "lead") or not top.has_body

    def awaits_body(self) -> bool:
        """A lead phrase standing alone on its line (「总定位：」) takes the next paragraph as its text."""
        return bool(self.stack) and self.stack[-1].style == "lead" and not self.stack[-1].has_body

    def add_note(self, para: Para, label: str) -> None:
        node = Node(label, label, True, "", "note", para.start, para.end, kind="note")
        self._register(node)

    def continue_with(self, para: Para) -> None:
        if not self.stack:
            self._preamble(para)
            return
        current = self.stack[-1]
        if not current.emit:  # a restored heading has no text to extend
            self.open_free(para)
            return
        current.end = para.end
        current.has_body = True

    def _preamble(self, para: Para) -> Node:
        node = Node(PREAMBLE_LABEL, PREAMBLE_LABEL, True, "", "preamble", para.start, para.end, kind="preamble")
        self._register(node)
        self.stack.append(node)
        return node

    def _push(self, node: Node, replace_style: bool = True) -> None:
        if self.stack and self.stack[-1].kind == "preamble":
            self.stack.pop()
        if replace_style:
            same = [i for i, n in enumerate(self.stack) if n.style == node.style]
            if same:
                del self.stack[same[-1] :]
        node.parent = self.stack[-1] if self.stack else None
        node.aligned = node.aligned or (self.aligning and node.style != "toc" and not node.style.startswith("第"))
        self._register(node)
        self.stack.append(node)

    def _register(self, node: Node) -> None:
        siblings = node.parent.children_labels if node.parent else self.top_labels
        seen = siblings.get(node.label, 0) + 1
        siblings[node.label] = seen
        if seen > 1:
            node.label = f"{node.label}~{seen}"
        self.nodes.append(node)

    # output

    def clauses(self, document: Document) -> list[Clause]:
        items = self._fold_items(document.text)
        emitted = sorted((n for n in self.nodes if n.emit), key=lambda n: n.start)
        meta = document.meta
        restored = set(map(id, self.toc_nodes.values()))
        out = []
        for ordinal, node in enumerate(emitted):
            chain = node.chain() if node.kind == "clause" else [node]
            labels = tuple(n.label for n in chain)
            parent = next((n for n in reversed(chain[:-1]) if n.emit), None)
            text = document.text[node.start : node.end]
            # Headings that are no clause of their own (第二章 总则) are searched with their clauses.
            context = " ".join(n.path_entry() for n in chain[:-1] if not n.emit)
            out.append(
                Clause(
                    clause_id=f"{meta.doc_id}:{'/'.join(labels)}",
                    doc_id=meta.doc_id,
                    doc_title=meta.title,
                    ref=render_ref(chain),
                    path=tuple(n.path_entry() for n in chain),
                    labels=labels,
                    heading=node.heading,
                    text=text,
                    search_text=to_search_text(f"{context}\n{text}" if context else text),
                    start=node.start,
                    end=node.end,
                    ordinal=ordinal,
                    level=node.level,
                    parent_id=f"{meta.doc_id}:{'/'.join(n.label for n in parent.chain())}" if parent else None,
                    items=tuple(items.get(id(node), ())),
                    aligned=node.aligned and any(id(n) in restored for n in chain),
                )
            )
        return out

    def _fold_items(self, text: str) -> dict[int, list[tuple[str, int, int]]]:
        """The citable unit of a law is the article with its items: everything under a 第X条
        joins the article's text and is kept as an item of it (第五条（三） stays addressable),
        instead of cutting 「…应当具备下列条件：」 from the conditions. A 第X编/篇/章/节 line with
        no text of its own is context (path, search text) of the clauses under it, not a clause."""
        items: dict[int, list[tuple[str, int, int]]] = {}
        for node in self.nodes:
            if node.kind == "clause" and node.style in CONTEXT_STYLES and not node.has_body:
                node.emit = False
        for node in sorted(self.nodes, key=lambda n: n.start):
            chain = node.chain() if node.kind == "clause" else []
            article = next((n for n in chain[:-1] if n.style == ARTICLE_STYLE), None)
            if article is None or not node.emit:
                continue
            node.emit = False
            inner = chain[chain.index(article) + 1 :]
            # an item is its own paragraph: what follows the last one is the article's next 款
            line_end = text.find("\n", node.start, node.end)
            end = node.end if line_end < 0 else line_end
            items.setdefault(id(article), []).append(("/".join(n.display for n in inner), node.start, end))
            article.end = max(article.end, node.end)
        return items


def render_ref(chain: list[Node]) -> str:
    """What a memo prints after the document title. The top level shows its label and, when
    short, its heading (「三、重点任务」); deeper numbered levels show their labels only
    (「三、重点任务 （二） 5.」); unnumbered levels show their heading's first phrase or their lead
    phrase, joined by 「 · 」 (「正确处理好稳定当前与谋划长远的关系 · 努力保持稳中求进的发展态势」)."""
    ref = ""
    for i, node in enumerate(chain):
        piece = node.display
        if i == 0 and not node.textual and node.heading and len(node.heading) <= REF_HEADING_MAX:
            piece = f"{node.display}{_joiner(node)}{node.heading}"
        if i == 0:
            ref = piece
        elif ref.endswith("、"):
            ref += piece
        elif node.textual and chain[i - 1].textual:
            ref += f" · {piece}"
        else:
            ref += f" {piece}"
    return ref
