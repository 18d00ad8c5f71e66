"""Saved conversations in the chat, without a browser: ChatApp.ask stores every answered turn with
its filters and mode, History reopens a conversation exactly as the chat showed it (with working
citations and memo export), restores the one the browser remembers, and deletes; the filters line
and the no-matching-documents message are pure HTML, escaped."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from app_harness import copy_of_built_home
from qa.core.messages import REFUSAL_ZH
from qa.core.types import Answer, Filters
from qa.service import PolicyQA
from qa.settings import load_settings
from qa.web.callbacks import KEEP_BOX, ChatApp
from qa.web.history import History, history_label, local_time, remembered
from qa.web.render import answer_html, filters_line, no_match_html

GDP = "渝中区到2027年地区生产总值目标是多少？"
YUZHONG = "yuzhong-2023-05-ten-actions-plan"
TITLES = {YUZHONG: "渝中区十项行动实施方案", "x<y": "A<b>&"}


# --- pure rendering ---------------------------------------------------------------------------
def test_filters_line_names_documents_issuers_and_date_spans_and_is_empty_unfiltered():
    assert filters_line(Filters(), TITLES) == ""
    both = Filters(doc_ids=(YUZHONG, "gone-doc"), issuers=("中共四川省委", "中共成都市委"),
                   date_from="2020-01-01", date_to="2023-12-31")
    assert filters_line(both, TITLES) == ("文件《渝中区十项行动实施方案》、《gone-doc》；发文机关 中共四川省委、中共成都市委；"
                                          "日期 2020年1月1日 至 2023年12月31日")
    assert filters_line(Filters(date_from="2021-02-01"), TITLES) == "日期 2021年2月1日起"
    assert filters_line(Filters(date_to="2021-02-28"), TITLES) == "日期 至2021年2月28日"


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.classes, self.depth = [], 0

    def handle_starttag(self, tag, attrs):
        self.classes.append(dict(attrs).get("class", ""))
        self.depth += tag != "br"

    def handle_endtag(self, tag):
        self.depth -= 1


def test_answer_carries_its_filters_line_escaped_and_none_when_unfiltered():
    answer = Answer(question="q", text="答[1]。", citations=(), refused=False, backend="offline", verified=True)
    plain = answer_html(answer, 0)
    assert "pq-filters" not in plain and answer_html(answer, 0, scope="") == plain
    scoped = answer_html(answer, 0, scope=filters_line(Filters(doc_ids=("x<y",), issuers=("<script>",)), TITLES))
    assert '<div class="pq-filters">筛选条件：文件《A&lt;b&gt;&amp;》；发文机关 &lt;script&gt;</div></div>' in scoped
    tags = Tags()
    tags.feed(scoped)
    assert tags.depth == 0 and tags.classes[0] == "pq-answer" and "pq-filters" in tags.classes


def test_no_matching_documents_names_the_filters_and_is_neither_a_refusal_nor_an_error():
    markup = no_match_html(filters_line(Filters(issuers=("<b>机关</b>",), date_from="2030-01-01"), TITLES))
    assert "没有文件符合当前的筛选条件" in markup and "2030年1月1日起" in markup
    assert "&lt;b&gt;机关&lt;/b&gt;" in markup and "<b>" not in markup
    assert REFUSAL_ZH.rstrip("。") not in markup and "pq-error" not in markup and "pq-nomatch" in markup


def test_history_labels_and_the_remembered_value():
    assert history_label("问题", "2024-03-01T06:05:00+00:00", 2).startswith("问题 · 2024-03-0")
    assert history_label("问题", "2024-03-01T06:05:00+00:00", 2).endswith(" · 2 轮")
    assert history_label("", "x", 0) == "（无标题） · x · 0 轮"
    assert len(local_time("2024-03-01T06:05:00.123456+00:00")) == len("2024-03-01 14:05")
    assert remembered("") == {"id": ""} and remembered("abc") == {"id": "abc"}  # never a bare '' (not stored)


# --- with the real index ------------------------------------------------------------------------
@pytest.fixture
def app(built_service, tmp_path_factory) -> ChatApp:
    """A ChatApp over its own copy of the built index: conversations saved here stay here."""
    home = copy_of_built_home(built_service, tmp_path_factory)
    return ChatApp(PolicyQA(load_settings(home=home, corpus_dir=built_service.settings.corpus_dir)))


def ask(app: ChatApp, question: str, chat=(), turns=(), conversation="", doc_ids=(), issuers=(), date_from="",
        mode="auto", lead_units=()):
    """Run ChatApp.ask to its end; returns (question box as the user is left with it, chat, turns,
    conversation) — a KEEP_BOX update leaves the box as the one before it set it."""
    box = question
    for update, chat, turns, conversation in app.ask(question, list(chat), list(turns), list(doc_ids), list(issuers),
                                                     list(lead_units), date_from, "", 8, mode, conversation):
        box = box if update is KEEP_BOX else update
    return box, chat, turns, conversation


@pytest.mark.slow
def test_turns_are_saved_and_a_reopened_conversation_is_shown_exactly_as_asked(app):
    box, chat, turns, conv = ask(app, GDP, doc_ids=[YUZHONG], mode="offline")
    assert box == "" and conv and "2100亿元" in chat[-1]["content"]
    assert "筛选条件：文件《渝中区十项行动实施方案》" in chat[-1]["content"]
    box, chat, turns, conv2 = ask(app, "人均地区生产总值呢？", chat, turns, conv)
    assert conv2 == conv and "33万元" in chat[-1]["content"]  # the follow-up was read with its history
    saved = app.service.conversations.get(conv)
    assert [t.filters for t in saved.turns] == [Filters(doc_ids=(YUZHONG,)), Filters()]
    assert [t.mode for t in saved.turns] == ["offline", "auto"] and saved.answers == tuple(turns)

    opened = app.history.open(conv)
    assert opened.chat == chat  # the same messages, HTML included, as when they were asked
    assert opened.turns == turns and (opened.filters, opened.mode) == (Filters(), "auto")
    key = next(a for a in chat[-1]["content"].split('"') if a.startswith("#pq:cite:1:")).removeprefix("#pq:")
    assert "33万元" in app.open_link(opened.turns, key)  # a [n] link opens its clause in the panel
    memo = app.export(opened.turns, "all", "md")
    text = open(memo, encoding="utf-8").read()
    assert GDP in text and "人均地区生产总值呢？" in text

    _, _, _, conv3 = ask(app, GDP)  # after 清空对话 (conversation ""): a new one; the old one stays
    assert conv3 != conv and [c.id for c in app.service.conversations.list()] == [conv3, conv]
    assert [label.split(" · ")[-1] for label, _ in app.history.choices()] == ["1 轮", "2 轮"]


@pytest.mark.slow
def test_filters_that_leave_no_document_are_said_as_such_and_nothing_is_saved(app):
    box, chat, turns, conv = ask(app, GDP, issuers=["重庆市渝中区人民政府"], date_from="2030")
    message = chat[-1]["content"]
    assert "没有文件符合当前的筛选条件" in message and "发文机关 重庆市渝中区人民政府；日期 2030年1月1日起" in message
    assert REFUSAL_ZH.rstrip("。") not in message and "未找到依据" not in message and "pq-error" not in message
    assert box == GDP and turns == [] and conv == ""  # the question stays to resend; no turn to save
    assert app.service.conversations.list() == []


@pytest.mark.slow
def test_restore_delete_and_a_conversation_deleted_meanwhile(app):
    *_, first = ask(app, GDP)
    *_, second = ask(app, "天府新区成都片区面积是多少平方公里？")
    store = app.service.conversations  # turns asked under what no longer applies:
    store.add_turn(first, store.get(first).answers[0], Filters(), "llm")  # the model since unconfigured
    store.add_turn(second, store.get(second).answers[0], Filters(doc_ids=(YUZHONG, "removed-doc")), "offline")
    assert app.history.restore(remembered(first)).mode == "auto"
    reopened = app.history.restore({"id": second})  # under its last turn's filters, as far as they still apply
    assert (reopened.filters, reopened.mode, len(reopened.chat)) == (Filters(doc_ids=(YUZHONG,)), "offline", 4)
    assert "《removed-doc》" in reopened.chat[-1]["content"]  # the line still says what was in force
    for nothing in (None, {}, remembered(""), {"id": 3}, "junk", {"id": "no-such-conversation"}):
        assert app.history.restore(nothing) is None

    assert app.history.delete(second, current=first) is False  # another one: the open chat stays
    assert app.history.delete(first, current=first) is True  # the open one: the chat starts anew
    assert app.history.choices() == [] and app.history.restore(remembered(first)) is None
    assert app.history.delete("", current="") is False and app.history.delete(first, current="") is False

    box, chat, turns, conv = ask(app, GDP, conversation=first)  # asked in a chat whose conversation is gone
    assert conv not in ("", first) and [c.turns for c in app.service.conversations.list()] == [1]


@pytest.mark.slow
def test_the_browser_key_is_kept_under_the_home_across_restarts(app, tmp_path):
    secret = app.history.browser_secret()
    assert len(secret) >= 24 and History(app.service).browser_secret() == secret
    other = PolicyQA(load_settings(home=tmp_path / "other", corpus_dir=app.settings.corpus_dir))
    assert History(other).browser_secret() != secret
