"""The app in a real browser (Debian chromium) over the real corpus index: ask, read a cited
clause, follow up, export a memo, compare documents, add a document and ask about it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document as WordDocument

from app_harness import UPLOAD_PLAN as UPLOAD_DOC
from qa.core.text import to_search_text

pytestmark = pytest.mark.slow

SETTLED = "document.querySelectorAll('#pq-chat .pq-answer:not(.pq-streaming)').length >= {n}"
TITLE = "青川市低空经济发展三年行动计划(2024-2026年)"


BOX = "#pq-question textarea"
BOX_EMPTY = f"document.querySelector('{BOX}').value === ''"


def send(page, question: str) -> None:
    page.fill(BOX, question)
    page.press(BOX, "Enter")


def ask(page, question: str, answers_before: int) -> object:
    page.wait_for_function(BOX_EMPTY)
    send(page, question)
    page.wait_for_function(SETTLED.format(n=answers_before + 1), timeout=120_000)
    return page.locator("#pq-chat .pq-answer").nth(answers_before)


def test_a_question_sent_while_an_answer_streams_is_asked_next_and_a_second_enter_is_not(page):
    send(page, "渝中区到2027年地区生产总值目标是多少？")
    page.press(BOX, "Enter")  # pressed again at once: the same question must not be asked twice
    page.wait_for_function(BOX_EMPTY)  # taken into the chat; the first answer may still be on its way
    send(page, "天府新区成都片区面积是多少平方公里？")
    page.wait_for_function(SETTLED.format(n=2), timeout=120_000)
    answers = page.locator("#pq-chat .pq-answer")
    assert "2100亿元" in answers.nth(0).inner_text() and "天府新区" in answers.nth(1).inner_text()
    page.wait_for_timeout(2_000)  # room for a wrongly repeated question to show up
    assert answers.count() == 2 and page.input_value(BOX) == ""


def test_answer_with_citations_opens_the_clause_in_its_document(page, artifacts):
    # first load: example questions, the backend in use, nothing fetched from outside
    assert page.get_by_text("渝中区到2027年地区生产总值目标是多少？").is_visible()
    assert "离线抽取式" in page.inner_text("#pq-header")
    page.get_by_text("渝中区到2027年地区生产总值目标是多少？").click()
    page.wait_for_function(SETTLED.format(n=1), timeout=120_000)
    answer = page.locator("#pq-chat .pq-answer").first
    assert "2100亿元" in answer.inner_text()
    markers = answer.locator("a.pq-cite")
    assert markers.count() >= 1
    references = answer.locator(".pq-refs li")
    assert references.count() >= 1
    assert re.match(r"\[\d+\] 《[^》]+》\S", references.first.inner_text())
    assert "离线抽取式回答" in answer.locator(".pq-badge").inner_text()

    markers.first.click()
    panel = page.locator("#pq-panel")
    panel.locator(".pq-doc-title").wait_for()
    assert "渝中区" in panel.locator(".pq-doc-title").inner_text()
    assert "重庆市渝中区人民政府" in panel.inner_text() and "2023年5月23日" in panel.inner_text()
    assert panel.locator(".pq-path").inner_text().strip()
    highlighted = panel.locator("mark.pq-quote")
    assert highlighted.count() >= 1 and highlighted.first.inner_text() in panel.locator(".pq-clause-text").inner_text()
    page.screenshot(path=str(artifacts / "ui-answer-clause.png"))  # docs/screenshot.png is a copy of this

    # the clause in its document: neighbours around it, the cited one marked; a neighbour opens
    panel.locator("summary").click()
    assert panel.locator(".pq-ctx").count() >= 2 and panel.locator(".pq-ctx-current").count() == 1
    current = panel.locator(".pq-ctx-current .pq-ctx-ref").inner_text()
    other = panel.locator(".pq-ctx:not(.pq-ctx-current) .pq-ctx-ref").first
    other_ref = other.inner_text()
    other.click()
    page.wait_for_function(
        "([ref]) => document.querySelector('#pq-panel .pq-path')?.innerText.includes(ref)", arg=[other_ref.split()[-1]]
    )
    assert current != other_ref
    assert page.requested_hosts == {page.url.split("/")[2]}, "the page fetched something from another host"


def test_follow_up_refusal_and_clear(page, artifacts):
    first = ask(page, "渝中区到2027年地区生产总值目标是多少？", 0)
    assert "2100亿元" in first.inner_text()
    follow = ask(page, "人均地区生产总值呢？", 1)
    assert "33万元" in follow.inner_text() and follow.locator("a.pq-cite").count() >= 1
    refused = ask(page, "火星基地的建设目标是什么？", 2)
    assert "未找到依据" in refused.inner_text()
    nearest = refused.locator("a.pq-ref")
    assert nearest.count() >= 1  # the nearest clauses, to check by hand
    nearest.first.click()
    page.locator("#pq-panel .pq-doc-title").wait_for()
    page.screenshot(path=str(artifacts / "ui-follow-up-refusal.png"), full_page=True)
    page.click("#pq-clear")
    page.wait_for_function("document.querySelectorAll('#pq-chat .pq-answer').length === 0")
    assert page.get_by_text("成德眉资同城化有哪些举措？").is_visible()


def export(page, button: str):
    page.click(button)
    link = page.locator("#pq-export-file a").first
    link.wait_for(timeout=30_000)
    with page.expect_download() as download:
        link.click()
    return download.value


def test_memo_export_markdown_and_docx(page, tmp_path, artifacts):
    ask(page, "渝中区到2027年地区生产总值目标是多少？", 0)
    ask(page, "天府新区成都片区面积是多少平方公里？", 1)
    page.click("#pq-export")
    page.get_by_text("整个对话").click()

    docx_path = artifacts / "ui-memo.docx"
    export(page, "#pq-export-docx").save_as(docx_path)
    texts = [p.text for p in WordDocument(str(docx_path)).paragraphs]
    assert "问题1：渝中区到2027年地区生产总值目标是多少？" in texts and "问题2：天府新区成都片区面积是多少平方公里？" in texts
    notes = texts[texts.index("注释") + 1 :]
    assert notes and all(re.match(r"\d+\. 《[^》]+》（[^）]+，\d{4}年\d{1,2}月\d{1,2}日），.+：“.+”", n) for n in notes)
    assert any("渝中区" in n for n in notes) and any("天府新区" in n for n in notes)

    page.get_by_text("当前回答").click()
    md = Path(export(page, "#pq-export-md").path()).read_text(encoding="utf-8")
    assert "## 问题：天府新区成都片区面积是多少平方公里？" in md and "渝中区到2027年" not in md
    assert re.search(r"\[\^1\]", md) and re.search(r"^\[\^1\]: 《四川天府新区", md, re.M)


def test_compare_documents_table(page, artifacts):
    page.get_by_role("tab", name="跨文件比较").click()
    page.click("#pq-compare-btn")
    table = page.locator("#pq-compare-out table")
    table.wait_for(timeout=120_000)
    rows = table.locator("tbody tr")
    assert rows.count() == 5
    by_title = {rows.nth(i).locator(".pq-cmp-title").inner_text(): rows.nth(i) for i in range(rows.count())}
    yuzhong = next(row for title, row in by_title.items() if "渝中区" in title)
    assert yuzhong.locator(".pq-absent").inner_text() == "未涉及"
    chengdu = next(row for title, row in by_title.items() if "成都市委" in title)
    assert "成德眉资" in to_search_text(chengdu.locator(".pq-cmp-quote").first.inner_text())
    chengdu.locator("a.pq-ref").first.click()
    page.locator("#pq-panel .pq-doc-title").wait_for()
    page.screenshot(path=str(artifacts / "ui-compare.png"), full_page=True)
    assert "成都市委" in page.locator("#pq-panel .pq-doc-title").inner_text()


def test_upload_rejects_bad_files_then_adds_one_that_is_searchable(page, tmp_path, artifacts):
    page.get_by_role("tab", name="添加文件").click()
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ\x00\x01")
    page.set_input_files("#pq-upload input[type=file]", str(bad))
    page.get_by_text(re.compile(r"Invalid file type: tool\.exe")).wait_for(timeout=10_000)
    assert page.locator("#pq-upload-preview .pq-upload-ok").count() == 0

    good = tmp_path / "qingchuan-low-altitude-plan.md"
    good.write_text(UPLOAD_DOC, encoding="utf-8")
    page.set_input_files("#pq-upload input[type=file]", str(good))
    page.wait_for_function("document.querySelector('#pq-upload-preview .pq-upload-ok') !== null", timeout=60_000)
    preview = page.locator("#pq-upload-preview").inner_text()
    assert "qingchuan-low-altitude-plan.md" in preview and re.search(r"[3-9] 条条款", preview)
    assert "一、总体目标" in preview
    page.screenshot(path=str(artifacts / "ui-upload-preview.png"))
    page.fill("#pq-upload-title textarea", TITLE)
    page.fill("#pq-upload-issuer textarea", "青川市人民政府")
    page.fill("#pq-upload-date textarea", "2024-03-01")
    page.click("#pq-add")
    page.wait_for_function("document.querySelector('#pq-add-status')?.innerText.includes('已加入')", timeout=180_000)

    page.get_by_role("tab", name="问答").click()
    answer = ask(page, "青川市低空经济产业规模到2026年要突破多少？", 0)
    assert "318亿元" in answer.inner_text()
    assert f"《{TITLE}》" in answer.locator(".pq-refs").inner_text()
    answer.locator("a.pq-cite").first.click()
    page.wait_for_function("document.querySelector('#pq-panel')?.innerText.includes('青川市人民政府')")
    assert "2024年3月1日" in page.inner_text("#pq-panel")
    page.get_by_text("筛选与设置").click()
    page.locator("#pq-doc-filter input").click()
    assert TITLE in page.get_by_role("option").all_inner_texts()
