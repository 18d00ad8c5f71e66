"""The badge says what was checked and how close the evidence is — never "correct" — in the web
render, and the evidence strength travels with the answer through the public JSON and back."""
from __future__ import annotations

from qa.api.schemas import AnswerIn
from qa.core.messages import answer_state
from qa.core.serialize import answer_view
from qa.core.types import Answer, Citation, EvidenceStrength
from qa.web.render import answer_html

CITATION = Citation(n=1, clause_id="d:二", doc_id="d", doc_title="方案", ref="二、主要目标",
                    text="地区生产总值迈上2100亿元台阶。", quote="地区生产总值迈上2100亿元台阶。")


def answer(level: str, score: float, refused: bool = False) -> Answer:
    evidence = None if refused else EvidenceStrength(score, level, ("2030年",) if level == "weak" else ())
    return Answer(question="q", text="所提供的文件中未找到相关内容。" if refused else "地区生产总值迈上2100亿元台阶[1]。",
                  citations=() if refused else (CITATION,), refused=refused, backend="offline",
                  verified=not refused, evidence=evidence)


def test_the_badge_names_the_checks_and_the_strength_not_correctness():
    strong, weak = answer_state(False, True, "strong"), answer_state(False, True, "weak")
    assert "引文逐字核对" in strong and "数字见于所引条款" in strong and "已核实" not in strong
    assert "证据弱" in weak and weak != strong
    assert "核对" not in answer_state(True, True) and "未找到" in answer_state(True, True)
    assert "partial" in answer_state(False, True, "partial", "en")


def test_a_weak_answer_is_shown_as_weak_and_a_refusal_as_not_verified():
    weak = answer_html(answer("weak", 0.2), turn=0)
    assert "证据弱" in weak and "pq-evidence-weak" in weak and "0.20" in weak
    assert "证据弱" not in answer_html(answer("strong", 0.9), turn=0)
    refused = answer_html(answer("weak", 0.0, refused=True), turn=0)
    assert "引文逐字核对" not in refused and "未找到依据" in refused


def test_evidence_strength_is_in_the_public_json_and_read_back():
    view = answer_view(answer("partial", 0.6))
    assert view["evidence"] == {"score": 0.6, "level": "partial", "missing": []}
    assert answer_view(answer("weak", 0.0, refused=True))["evidence"] is None
    back = AnswerIn.model_validate(view).to_answer()
    assert back.evidence == EvidenceStrength(0.6, "partial", ())
