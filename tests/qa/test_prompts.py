"""Prompt files load by name and are validated (qa/answer/prompts.py)."""
from __future__ import annotations

import pytest

from qa.core.errors import PromptError
from qa.answer.prompts import LANGUAGES, VARIABLES, load_prompt
from qa.core.text import foreign_script, question_language


@pytest.mark.parametrize("kind", sorted(VARIABLES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_shipped_prompts_load_with_their_variables(kind, language):
    prompt = load_prompt(kind, language)
    assert set(prompt.input_variables) == VARIABLES[kind]
    messages = prompt.invoke({name: f"<{name}-value>" for name in VARIABLES[kind]}).to_messages()
    assert [m.type for m in messages] == ["system", "human"]
    assert "<question-value>" in messages[-1].content


def test_answer_prompt_treats_documents_and_question_as_data():
    for language in LANGUAGES:
        system = load_prompt("answer", language).messages[0].prompt.template
        assert "<documents>" in system and "<question>" in system


def _write(tmp_path, text):
    (tmp_path / "answer_zh.txt").write_text(text, encoding="utf-8")
    return tmp_path


def test_missing_variable_is_a_prompt_error(tmp_path):
    folder = _write(tmp_path, "=== system ===\n拒答：{refusal}\n=== user ===\n{question}\n")
    with pytest.raises(PromptError, match=r"missing \{context\}"):
        load_prompt("answer", "zh", folder)


def test_unexpected_variable_is_a_prompt_error(tmp_path):
    folder = _write(tmp_path, "=== system ===\n{refusal} {today}\n=== user ===\n{context}{question}\n")
    with pytest.raises(PromptError, match=r"unexpected \{today\}"):
        load_prompt("answer", "zh", folder)


def test_missing_file_and_broken_template_are_prompt_errors(tmp_path):
    with pytest.raises(PromptError, match="missing"):
        load_prompt("answer", "zh", tmp_path)
    folder = _write(tmp_path, "=== system ===\n{refusal\n=== user ===\n{context}{question}\n")
    with pytest.raises(PromptError, match="not a valid template"):
        load_prompt("answer", "zh", folder)
    with pytest.raises(PromptError):
        load_prompt("summary", "zh")


def test_question_language():
    assert question_language("How large is the Chengdu part of the Tianfu New Area?") == "en"
    assert question_language("What does 渝中区 plan for 2027?") == "en"
    assert question_language("渝中区到2027年GDP目标是多少？") == "zh"


def test_foreign_script_names_scripts_that_are_neither_chinese_nor_latin():
    assert foreign_script("Какова цель ВВП?") == "CYRILLIC"
    assert foreign_script("목표는 무엇입니까?") == "HANGUL"
    assert foreign_script("渝中区的目标") == "" and foreign_script("What is the GDP target?") == ""
    assert foreign_script("2027？") == ""  # digits alone are searchable, not a script
