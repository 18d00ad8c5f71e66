"""index/ingest/load: every format and encoding the corpus accepts, on real corpus text, and a clear
UnreadableFile for everything it does not."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ingest_helpers import CORPUS, paragraphs
from qa.core.errors import UnreadableFile
from index.ingest.load import load_file

CHENGDU = CORPUS / "chengdu-2020-07-15-municipal-decision.txt"
SICHUAN = CORPUS / "sichuan-2020-07-10-provincial-decision.txt"
TIANFU = CORPUS / "tianfu-new-area-plan-2022-2027-draft.txt"


def seed(path: Path) -> str:
    # Big5 has no no-break space; the one thing in the corpus it cannot encode.
    return path.read_text(encoding="utf-8").replace("\xa0", " ")


@pytest.mark.parametrize(
    ("source", "codec", "reported"),
    [
        (CHENGDU, "gbk", "gb18030"),
        (CHENGDU, "gb18030", "gb18030"),
        (TIANFU, "gbk", "gb18030"),
        (SICHUAN, "big5", "big5"),
        (SICHUAN, "cp950", "big5"),
        (SICHUAN, "gb18030", "gb18030"),  # traditional characters in a GB file stay GB
        (CHENGDU, "utf-16", "utf-16"),  # with BOM
        (SICHUAN, "utf-16-le", "utf-16-le"),  # no BOM
        (TIANFU, "utf-16-be", "utf-16-be"),
        (CHENGDU, "utf-8-sig", "utf-8-sig"),
        (SICHUAN, "utf-8", "utf-8"),
    ],
)
def test_encodings_round_trip(tmp_path, source, codec, reported):
    original = seed(source)
    path = tmp_path / f"copy-{codec}.txt"
    path.write_bytes(original.encode(codec))
    loaded = load_file(path)
    assert loaded.text == original
    assert (loaded.encoding, loaded.format) == (reported, "txt")


@pytest.mark.parametrize("length", [12, 40, 200])
def test_short_big5_and_gbk_snippets_are_told_apart(tmp_path, length):
    """Big5 bytes are almost always valid GB18030: only the character statistics decide."""
    traditional = "".join(paragraphs(seed(SICHUAN))[5:])[:length]
    simplified = "".join(paragraphs(seed(CHENGDU))[6:])[:length]
    (tmp_path / "t.txt").write_bytes(traditional.encode("big5"))
    (tmp_path / "s.txt").write_bytes(simplified.encode("gbk"))
    assert load_file(tmp_path / "t.txt").text == traditional
    assert load_file(tmp_path / "s.txt").text == simplified


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", " \n\n\u3000\n".encode(), "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary content"),
        ("noise.txt", os.urandom(4096).replace(b"\x00", b"\x01"), "binary content"),
        ("sheet.xlsx", b"PK\x03\x04 not really", "unsupported format .xlsx"),
        ("broken.txt", "成都市委决定".encode("gbk") + b"\xff\xfe\xfd" + "全文".encode("gbk"), "cannot decode as UTF-8, GB18030, Big5 or UTF-16"),
        ("broken.pdf", b"%PDF-1.4\nthis is not a pdf body", "not a readable PDF"),
        ("broken.docx", b"PK\x03\x04 truncated zip", "not a valid .docx"),
    ],
)
def test_unreadable_files_say_why_and_name_the_file(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as caught:
        load_file(path)
    assert reason in caught.value.message and name in caught.value.message


def test_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("成渝地区双城经济圈。" * 5000, encoding="utf-8")
    with pytest.raises(UnreadableFile, match="too large") as caught:
        load_file(path, max_bytes=10_000)
    assert "big.txt" in caught.value.message
    assert load_file(path, max_bytes=path.stat().st_size).text.startswith("成渝")


def test_html_visible_text_in_blocks(tmp_path):
    body = paragraphs(seed(CHENGDU))[4:8]
    html = f"""<html><head><meta charset="gbk"><title>站点标题</title><style>p {{color: red}}</style></head>
    <body><header>网站首页 | 媒体聚焦</header><nav><a href="/">首页</a> &gt; 要闻</nav>
    <script>var counter = "访问量";</script>
    <div class="content"><h1>{body[0]}</h1>
    <p>{body[1][:10]}<span>{body[1][10:20]}</span><b>{body[1][20:]}</b></p>
    <p>{body[2]}<br>{body[3]}</p></div>
    <footer>版权所有 蜀ICP备16024791号</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("gbk"))
    loaded = load_file(path)
    assert loaded.format == "html" and loaded.encoding == "gbk"
    assert loaded.text.split("\n") == body  # inline tags stay inside their paragraph
    assert not re.search("站点标题|color|访问量|ICP|媒体聚焦", loaded.text)


def test_docx_paragraphs_and_table_cells(tmp_path, render_docx):
    lines = paragraphs(seed(SICHUAN))[2:6]
    table = [["牵头单位", "完成时限"], ["省发展改革委", "2025年"]]
    path = render_docx(lines, tmp_path / "decision.docx", table=table)
    loaded = load_file(path)
    assert (loaded.format, loaded.encoding) == ("docx", "")
    assert [line for line in loaded.text.split("\n") if line] == lines + [cell for row in table for cell in row]


def test_pdf_text_layer(tmp_path, render_pdf):
    lines = paragraphs(seed(CHENGDU))[3:40]
    path = render_pdf(lines, tmp_path / "decision.pdf")
    loaded = load_file(path)
    assert loaded.format == "pdf" and "\f" in loaded.text  # pages stay apart for the cleaner
    assert re.sub(r"\s", "", loaded.text) == re.sub(r"\s", "", "".join(lines))


def test_pdf_without_text_layer(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 100, 60, style="F")  # a scan: shapes, no text
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(UnreadableFile, match="PDF has no text layer") as caught:
        load_file(path)
    assert "scan.pdf" in caught.value.message and caught.value.hint


def test_markdown_is_text(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text("# 标题\n\n一、总体目标\n", encoding="utf-8")
    assert load_file(path).format == "md"


def test_a_one_record_data_export_reads_as_its_document_under_its_title(tmp_path):
    body = "政府工作报告\n——2026年1月27日在青川市人民代表大会上\n" + "一、工作回顾\n" + "过去一年，全市经济稳中有进。" * 60
    path = tmp_path / "report.txt"
    path.write_text('province,year,title,source_url,full_text\n青川市,2026,2026年青川市政府工作报告,https://example.gov.cn/a,"'
                    + body.replace('"', '""') + '"\n', encoding="utf-8")
    text = load_file(path).text
    assert text.startswith("2026年青川市政府工作报告\n政府工作报告\n") and "source_url" not in text and "https://" not in text


def test_a_table_of_many_rows_or_short_fields_stays_as_it_is(tmp_path):
    table = "name,value\n甲,1\n乙,2\n"
    path = tmp_path / "table.txt"
    path.write_text(table, encoding="utf-8")
    assert load_file(path).text.replace("\r", "") == table
