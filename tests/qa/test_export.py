"""Memo export: footnote numbering, Markdown and DOCX content (opened back with python-docx).

Unit tests over hand-made Answers (pure functions); the browser test exports a real answer."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from docx import Document as WordDocument

from qa.core.types import DocumentMeta
from qa.memo import build_memo, to_docx, to_markdown, write_memo
from qa.core.types import Answer, Citation, SentenceCheck

GOAL = Citation(
    n=1, clause_id="yz:二", doc_id="yz", doc_title="渝中区十项行动实施方案", ref="二、主要目标",
    text="到2027年，地区生产总值突破2000亿元。其他内容。", quote="到2027年，地区生产总值突破2000亿元。",
    issuer="重庆市渝中区人民政府", date="2023-05-23",
)
AREA = Citation(
    n=2, clause_id="tf:一/（一）", doc_id="tf", doc_title="四川天府新区发展规划", ref="一、（一）区位",
    text="成都直管区面积564平方公里。" * 40, issuer="四川天府新区管委会", date="2022-08-30",
)


def answer(question: str, text: str, citations, checks=(), refused=False) -> Answer:
    return Answer(question=question, text=text, citations=tuple(citations), refused=refused,
                  backend="offline", verified=all(c.verified for c in checks), checks=tuple(checks))


FIRST = answer("渝中区2027年目标？", "地区生产总值突破2000亿元[1]。面积564平方公里[2]。", [GOAL, AREA])
SECOND = answer(
    "再说一次？", "目标是2000亿元[2][9]。人口3000万。", [replace(GOAL, n=2)],
    checks=[SentenceCheck("目标是2000亿元[2][9]。", (2,), ("2000亿元",), (), True),
            SentenceCheck("人口3000万。", (), ("3000万",), ("3000万",), False, "uncited")],
)


def test_notes_are_numbered_across_the_memo_and_shared_by_one_clause():
    memo = build_memo([FIRST, SECOND])
    assert [n.citation.clause_id for n in memo.notes] == ["yz:二", "tf:一/（一）"]
    # the second answer cites the first clause as [2]: it must reuse note 1; [9] has no citation
    assert memo.entries[1].segments[0].notes == (1,)
    assert memo.entries[1].unverified == ("人口3000万。",)


def test_markdown_has_footnotes_quoting_clause_with_title_issuer_date_and_ref():
    md = to_markdown(build_memo([FIRST]))
    assert "地区生产总值突破2000亿元[^1]。面积564平方公里[^2]。" in md
    note1 = re.search(r"^\[\^1\]: (.+)$", md, re.M).group(1)
    assert "《渝中区十项行动实施方案》" in note1 and "重庆市渝中区人民政府" in note1
    assert "2023年5月23日" in note1 and "二、主要目标" in note1 and "“到2027年，地区生产总值突破2000亿元。”" in note1
    note2 = re.search(r"^\[\^2\]: (.+)$", md, re.M).group(1)
    assert note2.endswith("……”")  # the long clause is quoted, cut with an ellipsis
    assert "[^9]" not in md


def test_missing_issuer_and_date_come_from_the_document_metadata():
    bare = replace(GOAL, issuer="", date="", doc_title="渝中区方案")
    meta = DocumentMeta(doc_id="yz", title="渝中区全力推进“十项行动”实施方案", short_title="渝中区方案",
                        issuer="重庆市渝中区人民政府", date="2023-05-23")
    note = build_memo([answer("q", "x[1]", [bare])], {"yz": meta}).notes[0].text()
    assert note.startswith("《渝中区全力推进“十项行动”实施方案》（重庆市渝中区人民政府，2023年5月23日）")


def test_markdown_escapes_text_that_would_break_the_markup():
    md = to_markdown(build_memo([answer("a*b*?", "x_y_[z] <b>[1]", [GOAL])]))
    assert r"a\*b\*?" in md and r"x\_y\_\[z\] \<b\>[^1]" in md


def test_docx_holds_superscript_note_numbers_and_numbered_notes(tmp_path):
    path = to_docx(build_memo([FIRST, SECOND]), tmp_path / "memo.docx")
    doc = WordDocument(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert "问题1：渝中区2027年目标？" in texts and "问题2：再说一次？" in texts
    body = next(p for p in doc.paragraphs if p.text.startswith("地区生产总值"))
    superscripts = [r.text for r in body.runs if r.font.superscript]
    assert superscripts == ["1", "2"]
    notes_at = texts.index("注释")
    notes = texts[notes_at + 1 :]
    assert notes[0].startswith("1. 《渝中区十项行动实施方案》（重庆市渝中区人民政府，2023年5月23日），二、主要目标：“")
    assert notes[1].startswith("2. 《四川天府新区发展规划》")
    assert "人口3000万。" in texts  # listed under 待核实


def test_write_memo_writes_both_formats_and_rejects_others(tmp_path):
    md = write_memo([FIRST], tmp_path, "md")
    docx = write_memo([FIRST], tmp_path, "docx")
    assert md.read_text(encoding="utf-8").startswith("# 政策问答备忘录")
    assert WordDocument(str(docx)).paragraphs[0].text == "政策问答备忘录"
    with pytest.raises(ValueError):
        write_memo([FIRST], tmp_path, "pdf")


def test_refused_answer_is_marked_in_the_memo():
    md = to_markdown(build_memo([answer("人口？", "文件中未找到相关内容。", [], refused=True)]))
    assert "> 文件中未找到相关内容。" in md and "## 注释" not in md
