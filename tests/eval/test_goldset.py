"""Gold-set loading, validation and quote → clause resolution."""
from __future__ import annotations

import json
import re

import pytest

from eval.goldset import DEFAULT_GOLD, REFUSAL_TEXT, UNANSWERABLE_TYPES, load_gold, resolve
from qa.core.errors import GoldSetError
from qa.core.types import Clause

MINIMUMS = {"fact": 30, "number": 20, "list": 15, "cross-document": 15, "traditional": 15, "english": 5, "follow-up": 5}
MIN_UNANSWERABLE = 20


def write_rows(tmp_path, *rows) -> str:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return str(path)


def row(**fields) -> dict:
    base = {"id": "q1", "type": "fact", "question": "问题？", "answer": "回答。",
            "evidence": [{"doc_id": "doc-a", "quote": "八个字以上的原文引用"}]}
    return {**base, **fields}


def clause(doc_id: str, label: str, text: str, ordinal: int, part: int = 1, parts: int = 1, heading: str = "") -> Clause:
    clause_id = f"{doc_id}:{label}" + (f"#{part}" if parts > 1 else "")
    return Clause(clause_id=clause_id, doc_id=doc_id, doc_title=doc_id, ref=label, path=(label,), labels=(label,),
                  heading=heading, text=text, search_text=text, start=0, end=len(text), ordinal=ordinal, level=1,
                  part=part, parts=parts)


# --- the shipped gold set --------------------------------------------------------------------


@pytest.fixture(scope="module")
def gold():
    return load_gold(DEFAULT_GOLD)


def test_shipped_gold_set_meets_the_minimum_counts(gold):
    counts = gold.count_by_type()
    assert len(gold.rows) >= 120
    for kind, minimum in MINIMUMS.items():
        assert counts.get(kind, 0) >= minimum, kind
    assert sum(counts.get(kind, 0) for kind in UNANSWERABLE_TYPES) >= MIN_UNANSWERABLE
    follow_ups = [r for r in gold.rows if r.type == "follow-up"]
    assert all(r.history for r in follow_ups)  # `follows` was expanded into a history


def test_shipped_quotes_are_verbatim_in_the_raw_files(gold, corpus_dir):
    """Each quote lies inside one paragraph (line) of its file, in the file's own script; only
    whitespace is ignored (PDF text has stray spaces)."""
    lines = {p.stem: [re.sub(r"\s+", "", line) for line in p.read_text(encoding="utf-8").splitlines()]
             for p in corpus_dir.glob("*.txt")}
    missing = [(r.id, e.quote) for r in gold.rows for e in r.evidence
               if not any(re.sub(r"\s+", "", e.quote) in line for line in lines[e.doc_id])]
    assert missing == []


def test_shipped_unanswerables_use_the_refusal_phrase(gold):
    for r in gold.rows:
        assert (r.answer == REFUSAL_TEXT) == (not r.answerable), r.id


# --- validation errors --------------------------------------------------------------------------


def test_malformed_rows_are_reported_with_line_numbers(tmp_path):
    path = write_rows(
        tmp_path,
        row(id="ok"),
        "{not json",
        row(id="short", evidence=[{"doc_id": "doc-a", "quote": "太短"}]),
        row(id="u1", type="unanswerable", answer=REFUSAL_TEXT),  # has evidence
        row(id="ok"),  # duplicate id
        row(id="x1", type="cross-document"),  # one document only
        row(id="t1", type="trivia"),
        row(id="f1", type="follow-up", follows="nowhere"),
        row(id="e1", extra_field=1),
    )
    with pytest.raises(GoldSetError) as caught:
        load_gold(path)
    message = caught.value.message
    for expected in ("line 2: not valid JSON", "line 3: evidence.0.quote", "line 4:", "line 5: id 'ok' already used on line 1",
                     "line 6:", "line 7: type", "line 8: follows unknown id 'nowhere'", "line 9: extra_field"):
        assert expected in message, expected
    assert "line 1:" not in message


def test_missing_file_is_a_gold_set_error(tmp_path):
    with pytest.raises(GoldSetError, match="Cannot read"):
        load_gold(tmp_path / "absent.jsonl")


def test_follows_becomes_history(tmp_path):
    path = write_rows(
        tmp_path,
        row(id="first", question="第一个问题？", answer="第一个回答。"),
        row(id="second", type="follow-up", question="那呢？", follows="first"),
    )
    second = load_gold(path).by_id()["second"]
    assert [(t.question, t.answer) for t in second.history] == [("第一个问题？", "第一个回答。")]


# --- resolution ------------------------------------------------------------------------------


def test_resolve_ignores_spaces_width_and_script_and_joins_parts(tmp_path):
    clauses = [
        clause("doc-a", "一", "全 面落实省第十二次党代会部署，推动发展", 0),
        clause("doc-a", "二", "第二条的前半部分，加快組建四川", 1, part=1, parts=2),
        clause("doc-a", "二", "銀行，深化農村信用社改革", 1, part=2, parts=2),
        clause("doc-a", "三", "另一条也说全面落实省第十二次党代会部署", 2),
    ]
    path = write_rows(
        tmp_path,
        row(id="spaces", evidence=[{"doc_id": "doc-a", "quote": "全面落实省第十二次党代会部署"}]),
        row(id="parts", evidence=[{"doc_id": "doc-a", "quote": "加快组建四川银行,深化农村"}]),
    )
    resolution = resolve(load_gold(path), clauses)
    assert resolution.groups["spaces"] == (frozenset({"doc-a:一", "doc-a:三"}),)
    assert resolution.groups["parts"] == (frozenset({"doc-a:二"}),)  # the base id, not "#1"/"#2"
    assert resolution.unresolved == ()


def test_unresolved_quotes_are_listed_with_a_reason(tmp_path):
    clauses = [clause("doc-a", "一", "第一条的文字到此为止", 0), clause("doc-a", "二", "第二条从这里开始写", 1)]
    path = write_rows(
        tmp_path,
        row(id="across", evidence=[{"doc_id": "doc-a", "quote": "到此为止第二条从这里"}]),
        row(id="absent", evidence=[{"doc_id": "doc-a", "quote": "文件里根本没有这句话"},
                                   {"doc_id": "doc-a", "quote": "第一条的文字到此为止"}]),
        row(id="unknown", evidence=[{"doc_id": "doc-z", "quote": "第一条的文字到此为止"}]),
    )
    resolution = resolve(load_gold(path), clauses)
    reasons = {(u.row_id, u.line): u.reason for u in resolution.unresolved}
    assert "crosses a clause boundary" in reasons[("across", 1)]
    assert "not in the document text" in reasons[("absent", 2)]
    assert "not in the index" in reasons[("unknown", 3)]
    assert resolution.groups["absent"] == (frozenset({"doc-a:一"}),)  # the good quote still counts
