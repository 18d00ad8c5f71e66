"""Answer latency, warm and cold, offline, on the default corpus index.

    .venv/bin/python bench/answer_latency.py [--gold FILE ...] [--limit N] [--cold-runs 3] [--no-cold]

Warm: one PolicyQA, one warm-up question, then every gold question (eval/gold/policyqa_gold.jsonl,
161; each asked alone, as written) through `service.ask(question, mode="offline")` (the path the
CLI, the API and eval take; the LangChain runnable runs the same stages), timed end to end;
p50/p95/max, and the same per stage from Answer.timings (condense, retrieve, context, prompt,
answer, verify). Cold: `policyqa ask QUESTION` in a fresh process (the console script beside this
interpreter), wall time and CPU (user + sys of the child), medians of --cold-runs. The index is
built first when missing (incremental: a no-op when it is current). Prints figures, asserts
nothing; the load average is printed too, since on a shared machine it moves every figure.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_GOLD = ROOT / "eval" / "gold" / "policyqa_gold.jsonl"
COLD_QUESTION = "渝中区到2027年地区生产总值目标是多少？"


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 161 values is the 153rd smallest)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(share * len(ordered) + 0.5)) - 1))]


def questions(paths: list[Path], limit: int | None) -> list[str]:
    found = [json.loads(line)["question"] for path in paths
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return found[:limit] if limit else found


def warm(texts: list[str]) -> dict:
    from qa.service import PolicyQA
    from qa.settings import load_settings

    service = PolicyQA(load_settings())
    began = time.perf_counter()
    report = service.build_index()
    built = time.perf_counter() - began
    began = time.perf_counter()
    service.ask(texts[0], mode="offline")  # loads the model, index, weights
    first = time.perf_counter() - began
    totals: list[float] = []
    stages: dict[str, list[float]] = {}
    for text in texts:
        began = time.perf_counter()
        answer = service.ask(text, mode="offline")
        totals.append(time.perf_counter() - began)
        for stage, seconds in answer.timings:
            stages.setdefault(stage, []).append(seconds)
    return {"totals": totals, "stages": stages, "first": first, "build": built,
            "build_unchanged": report.unchanged, "clauses": report.clauses}


def cold(runs: int, question: str) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user + sys) of each fresh `policyqa ask`."""
    script = Path(sys.executable).with_name("policyqa")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "qa.cli"]
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        done = subprocess.run([*command, "ask", question], cwd=os.getcwd(), capture_output=True, text=True)
        walls.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            print(f"  (policyqa ask exited {done.returncode}: {done.stderr.strip()[-300:]})")
    return walls, cpus


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, action="append", help="gold JSONL (repeatable); default the shipped set")
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--no-cold", action="store_true")
    args = parser.parse_args()
    texts = questions(args.gold or [DEFAULT_GOLD], args.limit)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}  ({os.cpu_count()} cores)")
    result = warm(texts)
    state = "unchanged" if result["build_unchanged"] else "built"
    print(f"index: {result['clauses']} clauses, {state} in {result['build']:.1f} s; first question {result['first']:.2f} s")
    totals = result["totals"]
    print(f"\nwarm offline answer over {len(totals)} questions:")
    print(f"  total     p50 {ms(percentile(totals, 0.5))}  p95 {ms(percentile(totals, 0.95))}  max {ms(max(totals))}"
          f"  mean {ms(statistics.fmean(totals))}")
    for stage, values in result["stages"].items():
        print(f"  {stage:<9} p50 {ms(percentile(values, 0.5))}  p95 {ms(percentile(values, 0.95))}  max {ms(max(values))}")
    if not args.no_cold:
        walls, cpus = cold(args.cold_runs, COLD_QUESTION)
        print(f"\ncold `policyqa ask \"{COLD_QUESTION}\"`: median {statistics.median(walls):.2f} s wall, "
              f"{statistics.median(cpus):.2f} s CPU user+sys (runs: {', '.join(f'{t:.2f}' for t in walls)} s wall; "
              f"{', '.join(f'{t:.2f}' for t in cpus)} s CPU)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
