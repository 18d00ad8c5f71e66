"""PDF read with its layout (index/ingest/pdf_layout.py): headings by font size, page furniture
out, a chapter heading at a page's foot kept apart from the article before it, every clause
knowing its page, and garbage text layers refused with their own reason. The PDFs are made
here with fpdf2 from made-up text in the shape of a regulation."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.ingest.corpus import parse_file, read_corpus
from index.ingest.pdf_layout import check_text
from qa.core.errors import GarbledText
from qa.core.types import SkipReason

NOTO = Path("/usr/share/fonts/opentype/noto")
ARTICLE = "有关单位应当按照本办法的要求做好相应工作，加强统筹协调，明确责任分工，确保各项措施落到实处，并定期报告进展情况。"
CN = "一二三四五六七八九十"


def _regulation_pdf(path: Path) -> None:
    from fpdf import FPDF

    if not (NOTO / "NotoSansCJK-Regular.ttc").exists():
        pytest.skip("Noto Sans CJK not installed")

    class Doc(FPDF):
        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("sc", "", 9)
            self.cell(0, 8, f"- {self.page_no()} -", align="C")

    pdf = Doc(format="A5")
    pdf.add_font("sc", "", NOTO / "NotoSansCJK-Regular.ttc", collection_font_number=2)
    pdf.add_font("sc", "B", NOTO / "NotoSansCJK-Bold.ttc", collection_font_number=2)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("sc", "B", 16)
    pdf.cell(0, 10, "某某事项管理办法", align="C", new_x="LMARGIN", new_y="NEXT")
    article = 0
    for chapter in range(1, 4):
        pdf.set_font("sc", "B", 12)
        if chapter == 2:  # the heading on the last line of a page, its articles overleaf
            pdf.set_y(pdf.page_break_trigger - 8)
        pdf.cell(0, 8, f"第{CN[chapter - 1]}章\u3000第{chapter}部分规定", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("sc", "", 10)
        for _ in range(3):
            article += 1
            pdf.multi_cell(0, 6, f"\u3000\u3000第{CN[article - 1] if article <= 10 else '十' + CN[article - 11]}条\u00a0{ARTICLE}",
                           new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "regulation.pdf"
    _regulation_pdf(path)
    return parse_file(path)


def test_chapter_heading_at_a_page_foot_is_not_glued_to_the_article_before(parsed):
    lines = parsed.document.text.split("\n")
    assert "第二章第2部分规定" in [line.replace(" ", "") for line in lines]
    assert not any(line.endswith("第二章第2部分规定") and line != "第二章第2部分规定" for line in lines)
    articles = [c for c in parsed.clauses if c.labels and c.labels[-1].endswith("条")]
    assert len(articles) == 9
    assert all(len(c.labels) == 2 for c in articles)  # every article under its chapter


def test_page_numbers_are_removed_and_clauses_know_their_page(parsed):
    assert "- 1 -" not in parsed.document.text and "- 2 -" not in parsed.document.text
    pages = [c.page for c in parsed.clauses]
    assert None not in pages and pages == sorted(pages) and pages[-1] >= 2
    fourth = next(c for c in parsed.clauses if c.labels and c.labels[-1] == "第四条")
    assert fourth.page == parsed.document.page_at(fourth.start) >= 2


def test_title_is_found_in_the_bigger_bold_line(parsed):
    assert parsed.document.meta.title == "某某事项管理办法"


def test_garbage_text_layers_are_refused_with_their_reason():
    with pytest.raises(GarbledText, match="garbage"):
        check_text("plan.pdf", "\ue000\ue001\ue002\ue003 第一条 \ue004\ue005\ue006\ue007\ue008" * 20, 1)
    with pytest.raises(GarbledText, match="no Chinese"):
        check_text("管理办法.pdf", "Ibq{ !#% kxw Ibq{ !#% kxw " * 20, 1)
    check_text("plan.pdf", "第一条 有关单位应当做好相应工作。" * 5, 1)  # clean text passes


def test_a_garbled_pdf_is_skipped_with_a_specific_reason(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "", 12)
    for _ in range(20):
        pdf.cell(0, 8, "Ibq{ !#% kxw vqz Ibq{ !#% kxw", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "管理办法.pdf"))
    (tmp_path / "ok.txt").write_text("某某办法\n第一条 有关单位应当做好相应工作。\n", encoding="utf-8")
    parsed, skipped = read_corpus(tmp_path)
    assert [p.document.meta.doc_id for p in parsed] == ["ok"]
    assert [(Path(s.path).name, s.kind) for s in skipped] == [("管理办法.pdf", SkipReason.GARBLED)]
    assert "garbage" in skipped[0].reason or "no Chinese" in skipped[0].reason


def test_kangxi_radicals_read_as_the_characters_they_stand_for(tmp_path):
    from fpdf import FPDF

    if not (NOTO / "NotoSansCJK-Regular.ttc").exists():
        pytest.skip("Noto Sans CJK not installed")
    pdf = FPDF()
    pdf.add_font("sc", "", NOTO / "NotoSansCJK-Regular.ttc", collection_font_number=2)
    pdf.add_page()
    pdf.set_font("sc", "", 12)
    for _ in range(3):  # 「⼈」「⽇」: Kangxi radicals a PDF's font maps 人 and 日 to
        pdf.cell(0, 8, "第一条　各级\u2f08民政府应当于每\u2f47做好相应工作。", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "radicals.pdf"))
    text = parse_file(tmp_path / "radicals.pdf").document.text
    assert "各级人民政府应当于每日做好相应工作" in text and "\u2f08" not in text
