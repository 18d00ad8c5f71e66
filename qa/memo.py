"""Memo export: answers as Markdown or Word, each claim footnoted with the clause it rests on.

Notes are numbered across the whole memo and a clause cited twice gets one note. Word has
no footnote API in python-docx, so the DOCX carries superscript note numbers in the text and
a numbered 「注释」 section at the end, which is what a memo pasted into a report needs.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from qa.core.dates import cn_date
from qa.core.markers import MARKER, marker_numbers
from qa.core.messages import backend_label
from qa.core.types import Answer, Citation, DocumentMeta

MEMO_TITLE = "政策问答备忘录"
_QUOTE_CHARS = 300  # a footnote quotes the supporting sentence, or the clause up to this length


@dataclass(frozen=True)
class Note:
    number: int
    citation: Citation

    def text(self) -> str:
        c = self.citation
        facts = "，".join(x for x in (c.issuer, cn_date(c.date)) if x)
        source = f"《{c.doc_title}》" + (f"（{facts}）" if facts else "")
        return f"{source}，{c.ref}：“{quoted(c)}”"


@dataclass(frozen=True)
class Segment:
    """A run of answer text followed by the note numbers it carries (empty for the last run)."""

    text: str
    notes: tuple[int, ...] = ()


@dataclass(frozen=True)
class MemoEntry:
    question: str
    segments: tuple[Segment, ...]
    refused: bool
    backend: str
    unverified: tuple[str, ...]


@dataclass(frozen=True)
class Memo:
    title: str
    created: str
    entries: tuple[MemoEntry, ...]
    notes: tuple[Note, ...]


def quoted(citation: Citation) -> str:
    text = (citation.quote or citation.text).strip().replace("\n", " ")
    return text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS].rstrip() + "……"


def with_document_facts(citation: Citation, documents: Mapping[str, DocumentMeta]) -> Citation:
    """The full title, issuer and date of the cited document, where the citation lacks them."""
    meta = documents.get(citation.doc_id)
    if meta is None:
        return citation
    return replace(citation, doc_title=meta.title or citation.doc_title,
                   issuer=citation.issuer or meta.issuer, date=citation.date or meta.date)


def build_memo(answers: Sequence[Answer], documents: Mapping[str, DocumentMeta] | None = None,
               title: str = MEMO_TITLE, now: datetime | None = None) -> Memo:
    """Renumber every answer's [n] markers into memo-wide note numbers."""
    notes: dict[str, Note] = {}
    entries = []
    for answer in answers:
        by_n = {c.n: with_document_facts(c, documents or {}) for c in answer.citations}
        segments, pos = [], 0
        for match in MARKER.finditer(answer.text):
            numbers = []
            for n in marker_numbers(match.group(1)):
                if n not in by_n:
                    continue  # a marker the verifier dropped: nothing to footnote
                key = by_n[n].clause_id
                notes.setdefault(key, Note(len(notes) + 1, by_n[n]))
                if notes[key].number not in numbers:
                    numbers.append(notes[key].number)
            segments.append(Segment(answer.text[pos : match.start()], tuple(numbers)))
            pos = match.end()
        segments.append(Segment(answer.text[pos:]))
        entries.append(MemoEntry(
            question=answer.question,
            segments=_merge_adjacent(segments),
            refused=answer.refused,
            backend=answer.backend,
            unverified=tuple(c.sentence.strip() for c in answer.unverified),
        ))
    created = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    return Memo(title=title, created=created, entries=tuple(entries), notes=tuple(notes.values()))


def _merge_adjacent(segments: list[Segment]) -> tuple[Segment, ...]:
    """'…目标[1][2]。' gives an empty run between the two markers: fold it into the previous one."""
    merged: list[Segment] = []
    for segment in segments:
        if merged and not segment.text and segment.notes:
            previous = merged[-1]
            merged[-1] = Segment(previous.text, previous.notes + tuple(n for n in segment.notes if n not in previous.notes))
        else:
            merged.append(segment)
    return tuple(s for s in merged if s.text or s.notes)


def _backends(memo: Memo) -> str:
    return "、".join(dict.fromkeys(backend_label(e.backend) for e in memo.entries))


# --- Markdown -----------------------------------------------------------------------------------
def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def to_markdown(memo: Memo) -> str:
    lines = [f"# {memo.title}", "", f"生成时间：{memo.created}　回答方式：{_backends(memo)}", ""]
    for i, entry in enumerate(memo.entries, 1):
        heading = f"问题{i}：" if len(memo.entries) > 1 else "问题："
        lines += [f"## {heading}{_md_escape(entry.question)}", ""]
        body = "".join(_md_escape(s.text) + "".join(f"[^{n}]" for n in s.notes) for s in entry.segments)
        lines += [("> " if entry.refused else "") + body.strip(), ""]
        if entry.unverified:
            lines += ["**待核实：**", ""] + [f"- {_md_escape(s)}" for s in entry.unverified] + [""]
    if memo.notes:
        lines += ["---", "", "## 注释", ""]
        lines += [f"[^{note.number}]: {_md_escape(note.text())}" for note in memo.notes]
    return "\n".join(lines).rstrip() + "\n"


# --- Word ----------------------------------------------------------------------------------------
def _set_east_asian_font(style, name: str) -> None:
    from docx.oxml.ns import qn

    style.font.name = name
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def to_docx(memo: Memo, path: Path) -> Path:
    from docx import Document as WordDocument
    from docx.shared import Pt

    doc = WordDocument()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2"):
        _set_east_asian_font(doc.styles[style_name], "SimSun" if style_name == "Normal" else "SimHei")
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(memo.title, level=0)
    doc.add_paragraph(f"生成时间：{memo.created}　回答方式：{_backends(memo)}")
    for i, entry in enumerate(memo.entries, 1):
        doc.add_heading((f"问题{i}：" if len(memo.entries) > 1 else "问题：") + entry.question, level=1)
        paragraph = doc.add_paragraph()
        for segment in entry.segments:
            paragraph.add_run(segment.text).italic = entry.refused
            if segment.notes:
                paragraph.add_run(",".join(str(n) for n in segment.notes)).font.superscript = True
        if entry.unverified:
            doc.add_paragraph("待核实：").runs[0].bold = True
            for sentence in entry.unverified:
                doc.add_paragraph(sentence, style="List Bullet")
    if memo.notes:
        doc.add_heading("注释", level=1)
        for note in memo.notes:
            doc.add_paragraph(f"{note.number}. {note.text()}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def write_memo(answers: Sequence[Answer], folder: Path, fmt: str,
               documents: Mapping[str, DocumentMeta] | None = None, stem: str = "policyqa-memo") -> Path:
    """Write the memo as `fmt` ("md" or "docx") into `folder`; returns the file's path."""
    memo = build_memo(answers, documents)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = Path(folder) / f"{stem}-{stamp}.{fmt}"
    if fmt == "md":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_markdown(memo), encoding="utf-8")
        return path
    if fmt == "docx":
        return to_docx(memo, path)
    raise ValueError(f"Unknown memo format {fmt!r}; use 'md' or 'docx'.")
