"""Calibrate the offline answerer's refusal thresholds (qa/core/config.py RefusalThresholds).

Runs the labelled questions of tests/qa/refusal_calibration.jsonl (answerable ones about the
default corpus, unanswerable ones about other cities or figures no document gives) through
retrieval and the extractive answerer's evidence step, prints each question's features, and
searches the threshold grid for the values that classify the set best (balanced accuracy, ties
to the most lenient values). Copy the printed values into qa/core/config.py (RefusalThresholds).

    .venv/bin/python bench/calibrate_refusal.py            # uses POLICYQA_HOME, builds if needed
"""
from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CALIBRATION_SET = ROOT / "tests" / "qa" / "refusal_calibration.jsonl"
COVERAGE_GRID = [round(0.30 + 0.05 * i, 2) for i in range(12)]  # 0.30 … 0.85
SIMILARITY_GRID = [round(0.70 + 0.01 * i, 2) for i in range(16)]  # 0.70 … 0.85


def load_rows(path: Path = CALIBRATION_SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evidence_for(service, rows: list[dict]) -> list[tuple[dict, object]]:
    """(row, Evidence) per calibration question, computed exactly as `ask` does offline."""
    from qa.answer.context import build_context

    answerer = service._answer_chain.extractive
    out = []
    for row in rows:
        items = build_context(service.retrieve(row["question"]), service.settings.context_tokens)
        out.append((row, answerer.assess(row["question"], items)[1]))
    return out


def score(thresholds, labelled) -> tuple[float, int, int]:
    """Balanced accuracy, false refusals, false answers."""
    from qa.answer.refusal import refuses

    false_refusals = sum(1 for row, ev in labelled if row["answerable"] and refuses(ev, thresholds))
    false_answers = sum(1 for row, ev in labelled if not row["answerable"] and not refuses(ev, thresholds))
    answerable = sum(1 for row, _ in labelled if row["answerable"]) or 1
    unanswerable = (len(labelled) - answerable) or 1
    balanced = 0.5 * ((1 - false_refusals / answerable) + (1 - false_answers / unanswerable))
    return balanced, false_refusals, false_answers


def calibrate(labelled):
    from qa.core.config import RefusalThresholds

    best = None
    for coverage, similarity, figure_coverage in itertools.product(COVERAGE_GRID, SIMILARITY_GRID, COVERAGE_GRID):
        if figure_coverage < coverage:
            continue
        candidate = RefusalThresholds(coverage, similarity, figure_coverage)
        balanced = score(candidate, labelled)[0]
        leniency = -(coverage + similarity + figure_coverage)
        if best is None or (balanced, leniency) > (best[0], best[1]):
            best = (balanced, leniency, candidate)
    return best[2]


def main() -> None:
    from qa.core.config import TUNING

    THRESHOLDS = TUNING.refusal
    from qa.service import PolicyQA
    from qa.settings import load_settings

    service = PolicyQA(load_settings())
    try:
        service.retriever
    except Exception:  # noqa: BLE001 — no index yet: build one
        service.build_index()
    labelled = evidence_for(service, load_rows())
    print(f"{'ans':>3} {'cov':>5} {'sim':>5} {'fig?':>4} {'has':>4} {'unknown place':>13}  question")
    for row, ev in labelled:
        print(f"{'yes' if row['answerable'] else 'no':>3} {ev.coverage:5.2f} {ev.similarity:5.3f} "
              f"{'y' if ev.asks_figure else '-':>4} {'y' if ev.has_figure else '-':>4} "
              f"{','.join(ev.unknown_places) or '-':>13}  {row['question']}")
    current = score(THRESHOLDS, labelled)
    print(f"\ncurrent  {THRESHOLDS}: balanced accuracy {current[0]:.3f}, "
          f"false refusals {current[1]}, false answers {current[2]}")
    best = calibrate(labelled)
    found = score(best, labelled)
    print(f"suggested {best}: balanced accuracy {found[0]:.3f}, false refusals {found[1]}, false answers {found[2]}")


if __name__ == "__main__":
    main()
