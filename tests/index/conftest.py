"""Fixtures that render corpus documents into other formats (.docx with python-docx, .pdf with
fpdf2) so the ingestion tests read real files of every kind."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ingest_helpers import CORPUS

_FONT_GLOBS = ("**/*CJK*.ttc", "**/*CJK*.otf", "**/*CJK*.ttf", "**/wqy*.tt[cf]", "**/DroidSansFallback*.ttf")


def _system_cjk_font() -> Path | None:
    if shutil.which("fc-list"):
        listing = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout
        files = sorted(line.split(":")[0].strip() for line in listing.splitlines() if line.strip())
        sans = [f for f in files if "Sans" in f and "Mono" not in f]
        if sans or files:
            return Path((sans or files)[0])
    for root in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts")):
        for pattern in _FONT_GLOBS:
            found = sorted(root.glob(pattern)) if root.exists() else []
            if found:
                return found[0]
    return None


@pytest.fixture(scope="session")
def cjk_font(tmp_path_factory) -> Path:
    """A TrueType CJK font holding every character of the corpus.

    System CJK fonts are CID-keyed CFF (Noto) collections; fpdf2 embeds those with an inline
    encoding CMap that pypdf cannot map back to text, so the glyphs used by the corpus are
    subset and converted to TrueType outlines, which both tools handle like any producer's font."""
    source = _system_cjk_font()
    if source is None:
        pytest.skip("no CJK font on this system (apt-get install fonts-noto-cjk)")
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTCollection, TTFont, newTable

    if source.suffix.lower() == ".ttc":
        fonts = TTCollection(str(source)).fonts
        font = next((f for f in fonts if " SC" in (f["name"].getDebugName(4) or "")), fonts[0])
    else:
        font = TTFont(str(source))
    characters = set("\u3000 ")
    for path in CORPUS.glob("*.txt"):
        characters |= set(path.read_text(encoding="utf-8"))
    options = subset.Options()
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(characters)))
    subsetter.subset(font)
    if "CFF " in font:
        order, glyph_set = font.getGlyphOrder(), font.getGlyphSet()
        glyf = newTable("glyf")
        glyf.glyphOrder, glyf.glyphs = order, {}
        for name in order:
            pen = TTGlyphPen(glyph_set)
            glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyf[name] = pen.glyph()
        font["glyf"], font["loca"] = glyf, newTable("loca")
        del font["CFF "]
        if "VORG" in font:
            del font["VORG"]
        maxp = newTable("maxp")
        maxp.tableVersion = 0x00010000
        for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                     "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
            setattr(maxp, attr, 0)
        maxp.maxZones, maxp.numGlyphs = 1, len(order)
        font["maxp"] = maxp
        font["head"].glyphDataFormat = 0
        font.sfntVersion = "\x00\x01\x00\x00"
    target = tmp_path_factory.mktemp("font") / "cjk.ttf"
    font.save(str(target))
    return target


@pytest.fixture(scope="session")
def render_pdf(cjk_font):
    """render_pdf(lines, path): an A4 PDF, one indented paragraph per line, wrapped by fpdf2."""
    from fpdf import FPDF

    def render(lines: list[str], path: Path) -> Path:
        pdf = FPDF(format="A4")
        pdf.set_auto_page_break(True, margin=20)
        pdf.add_page()
        pdf.add_font("cjk", fname=str(cjk_font))
        pdf.set_font("cjk", size=11)
        for line in lines:
            pdf.multi_cell(0, 7, "\u3000\u3000" + line, new_x="LMARGIN", new_y="NEXT")
        pdf.output(str(path))
        return path

    return render


@pytest.fixture(scope="session")
def render_docx():
    """render_docx(lines, path, table=None): one paragraph per line, plus an optional table."""
    from docx import Document

    def render(lines: list[str], path: Path, table: list[list[str]] | None = None) -> Path:
        document = Document()
        for line in lines:
            document.add_paragraph(line)
        if table:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for c, value in enumerate(row):
                    grid.cell(r, c).text = value
        document.save(str(path))
        return path

    return render
