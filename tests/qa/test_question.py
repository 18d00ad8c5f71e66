"""qa/question.py: the one gate a question passes before the chain or the retriever sees it."""
from __future__ import annotations

import pytest

from qa.core.errors import BadQuestion
from qa.core.types import Filters
from qa.question import as_filters, clean_question, prepare_question, printable

GDP = "渝中区到2027年地区生产总值要迈上什么台阶？"


@pytest.mark.parametrize("raw", [
    f"\x1b[31m{GDP}\x1b[0m",  # colour codes pasted from a terminal
    f"\x1b[1;38;5;196m{GDP}\x1b[m",  # 256-colour, bold, reset
    f"\x1b]0;title\x07{GDP}",  # an OSC window-title sequence
    f"\u200b{GDP}\u202e",  # zero-width space, bidi override
    f"  {GDP}\x00 ",  # NUL and surrounding blanks
])
def test_terminal_and_control_noise_is_removed_whole(raw):
    assert clean_question(raw, 2000) == GDP  # no stray 「[31m」, so no figure 31 to refuse over


def test_line_breaks_and_tabs_are_word_separators():
    assert clean_question("渝中区\n的目标\t是什么", 2000) == "渝中区 的目标 是什么"


@pytest.mark.parametrize("raw, where", [("\udcff渝中区", "character 1 is \\udcff"), ("渝中\ud800区", "character 3 is \\ud800")])
def test_a_lone_surrogate_is_a_bad_question_that_can_be_printed(raw, where):
    with pytest.raises(BadQuestion) as caught:
        clean_question(raw, 2000)
    message = caught.value.message
    assert where in message and "UTF-8" in message
    message.encode("utf-8")  # the error itself must be printable
    with pytest.raises(BadQuestion):
        prepare_question(raw, 2000)  # the retriever's gate is the same one


@pytest.mark.parametrize("raw, match", [("", "empty"), ("\x1b[31m\x1b[0m", "empty"), ("问" * 11, "limit is 10"),
                                        (None, "must be text"), (42, "must be text")])
def test_other_bad_questions(raw, match):
    with pytest.raises(BadQuestion, match=match):
        clean_question(raw, 10)


def test_prepare_question_normalises_for_search():
    prepared = prepare_question("\x1b[32m發展ＧＤＰ\x1b[0m", 2000)
    assert prepared.text == "發展ＧＤＰ" and prepared.searchable
    assert "发展" in prepared.search_text
    assert not prepare_question("？？？", 2000).searchable


def test_printable_escapes_only_surrogates():
    assert printable("渝中\udcff区") == "渝中\\udcff区"
    assert printable(GDP) == GDP


def test_filters_from_a_dict_or_a_filters():
    same = Filters(doc_ids=("a",))
    assert as_filters(same) is same and as_filters(None) is None
    assert as_filters({"doc_ids": "a"}) == same
    assert as_filters({"doc_ids": ["a", "b"], "issuers": ("x",), "date_from": "2020-01-01", "date_to": None}) == \
        Filters(doc_ids=("a", "b"), issuers=("x",), date_from="2020-01-01")
    with pytest.raises(BadQuestion, match="Unknown filters: doc, issuer"):
        as_filters({"doc": "a", "issuer": "x"})
    with pytest.raises(BadQuestion, match="Filters must be"):
        as_filters(["a"])


def test_english_nouns_that_only_have_numbers_ask_for_a_figure():
    from qa.answer.asks import read_question

    assert read_question("What resident population does the plan aim for by 2027?").figure
    assert read_question("What is the total investment in the new metro line?").figure
    assert not read_question("What target does the plan set for green development?").figure
    assert read_question("How long is the settlement card valid?").duration
    assert not read_question("How long is the new expressway?").duration  # a length
