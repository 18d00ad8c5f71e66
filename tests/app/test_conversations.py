"""Saved conversations in a real browser (Debian chromium) on an app of their own: a conversation
survives a page reload and a server restart (reopened automatically, and found in the list), is
reopened from the list with working citations, memo export and follow-ups, and is deleted; the
filters in force show under an answer, and filters that leave no document are said as such."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app_harness import copy_of_built_home, free_port, running_app
from qa.core.messages import REFUSAL_ZH

pytestmark = pytest.mark.slow

SETTLED = "document.querySelectorAll('#pq-chat .pq-answer:not(.pq-streaming)').length === {n}"
GDP = "渝中区到2027年地区生产总值目标是多少？"
PER_CAPITA = "人均地区生产总值呢？"
YUZHONG = "渝中区十项行动实施方案"  # its short title, as the document filter lists it


def settled(page, n: int, timeout: int = 120_000) -> None:
    page.wait_for_function(SETTLED.format(n=n), timeout=timeout)


def ask(page, question: str, answers_before: int):
    page.wait_for_function("document.querySelector('#pq-question textarea').value === ''")
    page.fill("#pq-question textarea", question)
    page.press("#pq-question textarea", "Enter")
    settled(page, answers_before + 1)
    return page.locator("#pq-chat .pq-answer").nth(answers_before)


def saved(page) -> list[str]:
    """The saved conversations as the list shows them (opening the accordion if needed)."""
    if not page.locator("#pq-history-list").is_visible():
        page.get_by_text("历史对话", exact=True).click()
    page.locator("#pq-history-list input").click()
    options = [o.replace("✓", "").strip() for o in page.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    page.locator("#pq-history-list input").blur()  # the list opens again on the next focus
    return options


def choose(page, label: re.Pattern) -> None:
    saved(page)  # the accordion open
    page.locator("#pq-history-list input").click()
    page.get_by_role("option").filter(has_text=label).click()


def citation_opens_its_clause(page, answer, text: str) -> None:
    answer.locator("a.pq-cite").first.click()
    page.wait_for_function("([t]) => document.querySelector('#pq-panel .pq-clause-text')?.innerText.includes(t)",
                           arg=[text], timeout=30_000)


def test_conversations_survive_reload_and_restart_reopen_export_and_delete(browser, built_service, tmp_path_factory):
    home = copy_of_built_home(built_service, tmp_path_factory)
    logs, port = tmp_path_factory.mktemp("conversations-log"), free_port()
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    try:
        with running_app(home, logs / "first.log", port=port) as url:
            two_conversations_one_filtered(page, url)
            page.goto("about:blank")  # the tab leaves before the server stops
        with running_app(home, logs / "restarted.log", port=port) as url:
            reopen_follow_up_and_delete_after_restart(page, url)
    finally:
        context.close()


def two_conversations_one_filtered(page, url: str) -> None:
    """A two-turn conversation kept over a reload; then a new one under a document filter, whose
    answer shows it, and a question whose filters leave no document."""
    page.goto(url)
    page.wait_for_selector("#pq-question textarea", timeout=30_000)
    ask(page, GDP, 0)
    assert "33万元" in ask(page, PER_CAPITA, 1).inner_text()  # the follow-up read with its history: the per-capita figure
    assert page.locator("#pq-chat .pq-filters").count() == 0  # unfiltered: no filters line

    page.reload()  # the conversation in progress comes back by itself, citations working
    settled(page, 2, timeout=30_000)
    follow = page.locator("#pq-chat .pq-answer").nth(1)
    assert "33万元" in follow.inner_text()
    citation_opens_its_clause(page, follow, "33万元")
    assert [re.fullmatch(rf"{re.escape(GDP)} · \d{{4}}-\d\d-\d\d \d\d:\d\d · 2 轮", o) is not None
            for o in saved(page)] == [True]

    page.click("#pq-clear")  # a new conversation; the first stays saved
    settled(page, 0)
    page.get_by_text("筛选与设置").click()
    page.locator("#pq-doc-filter input").click()
    page.get_by_role("option", name=YUZHONG).click()
    page.keyboard.press("Escape")
    filtered = ask(page, GDP, 0)
    assert "2100亿元" in filtered.inner_text()
    assert filtered.locator(".pq-filters").inner_text() == f"筛选条件：文件《{YUZHONG}》"

    page.get_by_label("起始日期").fill("2030")
    nothing = ask(page, "渝中区人均地区生产总值目标是多少？", 1)
    said = nothing.inner_text()
    assert "没有文件符合当前的筛选条件" in said and f"《{YUZHONG}》" in said and "2030年1月1日起" in said
    assert REFUSAL_ZH.rstrip("。") not in said and "未找到依据" not in said
    assert nothing.get_attribute("class") == "pq-answer pq-nomatch"
    assert len(saved(page)) == 2


def reopen_follow_up_and_delete_after_restart(page, url: str) -> None:
    """After a restart: the filtered conversation reopened by itself, the first one from the list
    (citations, memo, a follow-up), and deleting, seen from a second browser too."""
    page.goto(url)  # after a restart the browser still reopens the conversation it was in
    settled(page, 1, timeout=30_000)
    assert page.locator("#pq-chat .pq-filters").inner_text() == f"筛选条件：文件《{YUZHONG}》"
    page.get_by_text("筛选与设置").click()
    assert page.locator("#pq-doc-filter").inner_text().count(YUZHONG) == 1  # its filters, in force again
    assert len(saved(page)) == 2

    choose(page, re.compile(r"· 2 轮"))  # the first one, from the list
    settled(page, 2, timeout=30_000)
    assert page.locator("#pq-chat .pq-filters").count() == 0
    citation_opens_its_clause(page, page.locator("#pq-chat .pq-answer").first, "2100亿元")
    memo = export_whole_conversation_markdown(page)
    assert f"问题1：{GDP}" in memo and f"问题2：{PER_CAPITA}" in memo and re.search(r"^\[\^1\]: 《", memo, re.M)

    ask(page, "渝中区现代服务业增加值占GDP比重要提高到多少？", 2)  # a follow-up continues it
    assert any(o.startswith(GDP) and o.endswith("· 3 轮") for o in saved(page))

    fresh = page.context.browser.new_context(locale="zh-CN")  # another browser: nothing reopened, all listed
    try:
        other = fresh.new_page()
        other.goto(page.url)
        other.wait_for_selector("#pq-question textarea", timeout=30_000)
        assert len(saved(other)) == 2 and other.locator("#pq-chat .pq-answer").count() == 0

        page.once("dialog", lambda dialog: dialog.dismiss())  # asked first; not confirmed, kept
        page.click("#pq-history-delete")
        page.wait_for_timeout(1_000)
        assert len(saved(page)) == 2 and page.locator("#pq-chat .pq-answer").count() == 3
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#pq-history-delete")  # the open one is selected: it goes, and the chat starts anew
        settled(page, 0, timeout=30_000)
        page.wait_for_function("document.querySelector('#pq-history-list input').value === ''")
        remaining = saved(page)
        assert len(remaining) == 1 and remaining[0].startswith(GDP) and remaining[0].endswith("· 1 轮")

        choose(other, re.compile(r"· 3 轮"))  # its list is from before the deletion
        other.get_by_text("这个对话已不存在").first.wait_for(timeout=30_000)
        assert other.locator("#pq-chat .pq-answer").count() == 0 and saved(other) == remaining
        assert other.get_by_text("这个对话已不存在").count() == 1  # said once, not again on each blur
    finally:
        fresh.close()
    page.reload()  # the deleted one is not brought back
    page.wait_for_selector("#pq-question textarea")
    page.wait_for_timeout(2_000)
    assert page.locator("#pq-chat .pq-answer").count() == 0 and len(saved(page)) == 1


def export_whole_conversation_markdown(page) -> str:
    page.click("#pq-export")
    page.get_by_text("整个对话").click()
    page.click("#pq-export-md")
    link = page.locator("#pq-export-file a").first
    link.wait_for(timeout=30_000)
    with page.expect_download() as download:
        link.click()
    return Path(download.value.path()).read_text(encoding="utf-8")
