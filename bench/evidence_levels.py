"""Calibrate the evidence-strength levels (qa/core/config.py RefusalThresholds.min_evidence,
partial_evidence, strong_evidence) on the gold set's dev split.

Every dev question is answered offline with the evidence refusal switched off (min_evidence 0),
and the strength of the answer's cited sentences is recorded with whether the question is
answerable and whether the answer holds its key facts. Prints the distribution and, per
candidate min_evidence, how many unanswerable questions it would refuse and how many
answerable ones (with and without the key facts) it would lose.

    POLICYQA_HOME=... .venv/bin/python bench/evidence_levels.py [--split dev] [--gold FILE]
"""
from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRID = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.75]


def rows(gold: Path, split: str) -> list[dict]:
    out = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in out if split == "all" or r.get("split", "dev") == split and not r.get("follows")]


def measure(gold: Path, split: str) -> list[tuple[dict, float | None, bool, bool]]:
    from qa.service import PolicyQA
    from qa.settings import load_settings

    service = PolicyQA(load_settings())
    answerer = service._answer_chain.extractive
    answerer.thresholds = replace(answerer.thresholds, min_evidence=0.0)
    out = []
    for row in rows(gold, split):
        answer = service.ask(row["question"], mode="offline")
        answerable = row["type"] not in ("unanswerable", "false-premise")
        facts = row.get("key_facts") or []
        has_facts = all(f.replace(" ", "") in answer.text.replace(" ", "") for f in facts) if facts else True
        score = answer.evidence.score if answer.evidence else None
        out.append((row, score, answerable, has_facts and not answer.refused))
        print(f"{row['id']:<28} {row['type']:<15} refused={answer.refused!s:<5} "
              f"score={score if score is not None else '-'} facts={has_facts}", flush=True)
    return out


def report(measured) -> None:
    answered = [(s, a, ok) for _, s, a, ok in measured if s is not None]
    print(f"\n{len(answered)} answered of {len(measured)}")
    for cut in GRID:
        refused_bad = sum(1 for s, a, _ in answered if not a and s < cut)
        lost_good = sum(1 for s, a, ok in answered if a and ok and s < cut)
        lost_wrong = sum(1 for s, a, ok in answered if a and not ok and s < cut)
        print(f"min_evidence {cut:.2f}: refuses {refused_bad} unanswerable, loses {lost_good} right "
              f"and {lost_wrong} wrong answers to answerable questions")


if __name__ == "__main__":
    args = sys.argv[1:]
    split = args[args.index("--split") + 1] if "--split" in args else "dev"
    gold = Path(args[args.index("--gold") + 1]) if "--gold" in args else ROOT / "eval" / "gold" / "policyqa_gold.jsonl"
    report(measure(gold, split))
