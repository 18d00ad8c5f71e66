"""What policyqa says to people, in Chinese and English, in one place. The language is chosen at
the edge (the question's language, or the face's); code below the faces passes a Language and
never writes user text of its own.

Errors keep their own messages (qa/core/errors.py): they name files and settings, and are turned
into text at the faces.
"""
from __future__ import annotations

from collections.abc import Sequence

from qa.core.numerals import english_unit_name
from qa.core.types import OFFLINE_BACKEND, Language

# The fixed phrase of an answer that finds nothing: prompts ask the model for it verbatim, a
# model answer containing it is taken as a refusal, and gold sets expect it.
REFUSAL_ZH = "所提供的文件中未找到相关内容。"
REFUSAL_EN = "The provided documents do not contain this information."


def refusal_phrase(language: Language | str) -> str:
    return REFUSAL_EN if language == Language.EN else REFUSAL_ZH


def backend_label(backend: str) -> str:
    return "离线抽取式回答" if backend == OFFLINE_BACKEND else f"模型 {backend}"


def foreign_script_notice(script: str) -> str:
    return f"离线回答只能理解中文或英文提问（此问题使用 {script} 文字）；可改用中文或英文提问，或配置大模型。"


def unsupported_premise_notice(premises: Sequence[str], language: Language | str) -> str:
    if language == Language.EN:
        return (f"The question states {', '.join(premises)}, which no retrieved clause contains; "
                "its premise may not match the documents.")
    listed = "、".join(f"「{p}」" for p in premises)
    return f"问题中的{listed}在检索到的条款中未出现，问题的前提可能与文件不符。"


def traditional_quote_notice(language: Language | str) -> str:
    if language == Language.EN:
        return "Quotations keep the document's original (traditional) script."
    return "引文按原文字形（繁体）照录。"


def llm_failed_notice(stage: str, reason: str, language: Language | str) -> str:
    """The model failed at `stage` ("condense" or "answer") and policyqa carried on without it."""
    if language == Language.EN:
        what = "rewriting the follow-up by rule" if stage == "condense" else "showing the offline extractive answer"
        return f"The language model failed, so policyqa is {what}: {reason}"
    what = "已按规则改写追问" if stage == "condense" else "已改用离线抽取式回答"
    return f"大模型调用失败，{what}。原因：{reason}"


def answer_state(refused: bool, verified: bool, level: str = "", language: Language | str = Language.ZH) -> str:
    """The badge over an answer: it says which checks ran and how closely the cited sentences
    match the question (`level`: strong / partial / weak, "" when unknown), never "correct".
    A refusal is not verified: it only says nothing was found."""
    en = language == Language.EN
    if refused:
        return "No supporting clause found (not an answer)" if en else "未找到依据（未作回答）"
    checked = ("quotes checked, figures found in the cited clauses" if en else "引文逐字核对、数字见于所引条款") \
        if verified else ("some sentences not verified" if en else "部分未核实")
    match = {"strong": ("close match to the question", "与问题切合"),
             "partial": ("partial match to the question", "与问题部分相符"),
             "weak": ("weak evidence: may not answer the question", "证据弱：所引条款未必回答此问题")}.get(level)
    if match is None:
        return checked
    return f"{checked} · {match[0] if en else match[1]}"


def amount_in(unit: str, language: Language | str) -> str:
    """How a refusal names the amount the question asked for and no clause stated: 「以元计的数额」."""
    if language == Language.EN:
        name = english_unit_name(unit)
        return f"an amount in {unit} ({name})" if name else f"an amount in {unit}"
    return f"以{unit}计的数额"


def refusal_notice(missing: Sequence[str], language: Language | str) -> str:
    """What a refusal did not find, so it is never silent: the question's words, years or
    figures that no retrieved clause holds (or that no sentence holds together)."""
    if language == Language.EN:
        if not missing:
            return "No retrieved clause answers the question closely enough."
        return f"No retrieved clause says anything about {', '.join(missing)}."
    if not missing:
        return "检索到的条款都不足以回答此问题。"
    return f"文件中未找到关于{'、'.join(f'「{m}」' for m in missing)}的内容。"


def check_reason(uncited: bool, missing_figures: Sequence[str], reason: str = "") -> str:
    """Why one answer sentence could not be verified."""
    if uncited:
        return "此句没有引用条款"
    if missing_figures:
        return f"数字 {'、'.join(missing_figures)} 不在所引条款中"
    return reason or "未能核实"
