"""Render public law texts as PDF and DOCX files for data/realdocs (no real PDF/DOCX could be
fetched). The renderings carry what real files carry and the parser must cope with: a bigger
bold title and chapter headings, a running header and page numbers in the footer, a chapter
heading as the last line of a page, and (DOCX) two spaces after 「第X条」.

    .venv/bin/python bench/make_format_fixtures.py          # rewrites the files listed in RENDERINGS

Sources are LawRefBook markdown files saved verbatim in data/realdocs/sources/ (origin in
data/realdocs/README.md). Needs fpdf2 and python-docx, and the Noto Sans CJK fonts
(/usr/share/fonts/opentype/noto/, Debian's fonts-noto-cjk).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALDOCS = ROOT / "data" / "realdocs"
FONTS = Path("/usr/share/fonts/opentype/noto")
SC_FACE = 2  # Noto Sans CJK SC inside the .ttc collections
FIXED_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Rendering:
    source: str  # file in data/realdocs/sources/
    target: str  # path under data/realdocs/
    label_gap: str = " "  # what follows 「第X条」 in the DOCX (two spaces in some real files)
    blank_every: int = 0  # an empty paragraph after every n-th article, as hand-edited Word files have
    chapter_at_page_end: int = 0  # 1-based chapter whose heading is put on the last line of a page


RENDERINGS = (
    Rendering("law-2015-employment-promotion-law.md", "dev/law-2015-employment-promotion-law-print.pdf",
              chapter_at_page_end=3),
    Rendering("law-2015-employment-promotion-law.md", "dev/law-2015-employment-promotion-law-word.docx",
              label_gap="  ", blank_every=2),
    Rendering("law-2009-returned-overseas-chinese-rights-law.md",
              "heldout/law-2009-returned-overseas-chinese-rights-law-print.pdf"),
    Rendering("law-2009-returned-overseas-chinese-rights-law.md",
              "heldout/law-2009-returned-overseas-chinese-rights-law-word.docx", label_gap="\u3000"),
)


@dataclass(frozen=True)
class Block:
    kind: str  # "title" | "note" | "chapter" | "para"
    text: str


def read_source(path: Path) -> list[Block]:
    """LawRefBook markdown: `# title`, adoption/revision lines, `<!-- INFO END -->`, `## 第X章`, paragraphs."""
    blocks, in_info = [], True
    for line in (line.strip() for line in path.read_text(encoding="utf-8").split("\n")):
        if not line:
            continue
        if line.startswith("<!--"):
            in_info = False
        elif line.startswith("# "):
            blocks.append(Block("title", line[2:].strip()))
        elif line.startswith("## "):
            blocks.append(Block("chapter", line[3:].strip()))
        else:
            blocks.append(Block("note" if in_info else "para", line.replace("<", "《").replace(">", "》")))
    return blocks


def render_pdf(blocks: list[Block], target: Path, chapter_at_page_end: int) -> None:
    from fpdf import FPDF

    title = next(b.text for b in blocks if b.kind == "title")

    class LawPDF(FPDF):
        def header(self) -> None:
            if self.page_no() > 1:  # a running header, as printed laws carry
                self.set_font("sc", "", 9)
                self.cell(0, 6, title, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(4)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("sc", "", 9)
            self.cell(0, 8, f"— {self.page_no()} —", align="C")

    pdf = LawPDF(format="A5")
    pdf.set_creation_date(FIXED_TIME)
    pdf.add_font("sc", "", FONTS / "NotoSansCJK-Regular.ttc", collection_font_number=SC_FACE)
    pdf.add_font("sc", "B", FONTS / "NotoSansCJK-Bold.ttc", collection_font_number=SC_FACE)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    chapter = 0
    for block in blocks:
        if block.kind == "title":
            pdf.set_font("sc", "B", 16)
            pdf.multi_cell(0, 9, block.text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif block.kind == "note":
            pdf.set_font("sc", "", 8)
            pdf.multi_cell(0, 5, f"（{_wide(block.text)}）", align="C", new_x="LMARGIN", new_y="NEXT")
        elif block.kind == "chapter":
            chapter += 1
            pdf.set_font("sc", "B", 12)
            if chapter == chapter_at_page_end:  # the heading on the page's last line, its articles overleaf
                pdf.set_y(pdf.page_break_trigger - 8)
            else:
                pdf.ln(3)
            pdf.cell(0, 8, block.text, align="C", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("sc", "", 10)
            pdf.multi_cell(0, 6, "\u3000\u3000" + _wide(block.text), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(target))


def _wide(text: str) -> str:
    """Spaces as printed Chinese has them: none inside a title note, and a no-break space after
    「第X条」, so a line wraps at any character (as in printed laws), never at that space."""
    return text.replace(" ", "\u00a0\u00a0") if re.match(r"第\S+条 ", text) else text.replace(" ", "")


def render_docx(blocks: list[Block], target: Path, label_gap: str, blank_every: int = 0) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    document.core_properties.created = document.core_properties.modified = FIXED_TIME.replace(tzinfo=None)
    articles = 0
    for block in blocks:
        if block.kind == "para":
            label = re.match(r"^(第[一二三四五六七八九十百零〇]+条) ", block.text)
            if label and blank_every and articles and articles % blank_every == 0:
                document.add_paragraph("")
            articles += bool(label)
            text = re.sub(r"^(第[一二三四五六七八九十百零〇]+条) ", lambda m: m.group(1) + label_gap, block.text)
            paragraph = document.add_paragraph(text)
            paragraph.paragraph_format.first_line_indent = Pt(21)
            continue
        paragraph = document.add_paragraph()
        run = paragraph.add_run(block.text if block.kind != "note" else f"（{block.text}）")
        run.bold = block.kind != "note"
        run.font.size = Pt({"title": 18, "chapter": 14, "note": 9}[block.kind])
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.save(str(target))


def main() -> int:
    for rendering in RENDERINGS:
        blocks = read_source(REALDOCS / "sources" / rendering.source)
        target = REALDOCS / rendering.target
        if target.suffix == ".pdf":
            render_pdf(blocks, target, rendering.chapter_at_page_end)
        else:
            render_docx(blocks, target, rendering.label_gap, rendering.blank_every)
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
