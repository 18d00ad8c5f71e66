"""Repairs made for one format run on that format only: a .docx law with two spaces after
「第X条」 keeps every article (PDF line joining never runs on it), and plain text with spaced
labels is not taken for a PDF text layer."""
from __future__ import annotations

import pytest

from index.ingest.clean import clean_text
from index.ingest.corpus import parse_file
from index.ingest.pdf_text import has_extraction_gaps

CN = "一二三四五六七八九十"
LABELS = [f"第{CN[i]}条" for i in range(10)] + [f"第十{CN[i]}条" for i in range(9)]
# Articles that stop mid-sentence at the line end (a list follows), the case PDF joining merges.
ARTICLES = [f"{label}  有关部门应当按照下列要求开展第{n + 1}项工作" if n % 3 == 0 else
            f"{label}  有关单位应当做好第{n + 1}项相应工作，加强协调，明确责任。" for n, label in enumerate(LABELS)]


@pytest.fixture
def docx_law(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("某某事项管理条例")
    document.add_paragraph("第一章  总则")
    for n, article in enumerate(ARTICLES):
        document.add_paragraph(article)
        if n % 3 == 2:  # empty paragraphs between some articles: read as PDF text, blank lines mark paragraphs
            document.add_paragraph("")
    path = tmp_path / "regulation.docx"
    document.save(str(path))
    return path


def test_docx_with_two_spaces_after_labels_keeps_every_article(docx_law):
    parsed = parse_file(docx_law)
    labels = [c.labels[-1] for c in parsed.clauses if c.labels and c.labels[-1].endswith("条")]
    assert labels == LABELS
    assert all(line.count("第") <= 2 for line in parsed.document.text.split("\n"))


def test_spaced_labels_are_not_pdf_gaps():
    text = "\n".join(ARTICLES * 3)
    assert not has_extraction_gaps(text)
    cleaned = clean_text(text, "txt").text.split("\n")
    assert len(cleaned) == 3 * len(ARTICLES)  # no article glued onto another


def test_pdf_repairs_never_run_on_docx_or_html_text():
    gappy = "\n".join(["有 关 单 位 应 当 按 照 下 列 要 求", "开 展 工 作 ， 明 确 责 任 。"] * 10)
    assert has_extraction_gaps(gappy)
    for fmt in ("docx", "html"):
        assert clean_text(gappy, fmt, paragraphs=fmt == "docx").text.count("\n") == 19
    assert clean_text(gappy, "txt").text.count("\n") < 19  # plain text that looks like a PDF dump is repaired
