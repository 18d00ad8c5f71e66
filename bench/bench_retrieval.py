"""Speed and memory of indexing and retrieval on the default corpus; prints a table.

    .venv/bin/python bench/bench_retrieval.py [--corpus DIR] [--rounds 1]

Measures: cold build (fresh POLICYQA_HOME), warm rebuild (nothing changed), opening the index
plus the first query, retrieve latency p50/p95 over the question set and perturbations of it
for dense-only, BM25-only and hybrid (warm), and peak memory.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUESTIONS = Path(__file__).with_name("retrieval_questions.jsonl")
# Perturbations a user would plausibly type; they change the text both retrievers see.
PERTURBATIONS = (lambda q: q, lambda q: "请问" + q, lambda q: q.rstrip("？?") + "，具体有哪些内容")


def question_pool(path: Path) -> list[str]:
    base = [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [perturb(q) for perturb in PERTURBATIONS for q in base]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def latencies(runs: dict, questions: list[str], rounds: int) -> dict[str, list[float]]:
    """Milliseconds per search for each retriever, interleaved question by question so that
    background load on the machine falls on all retrievers alike."""
    for retriever in runs.values():
        for question in questions[:10]:  # warm caches (jieba dictionary, model, Chroma segments)
            retriever.search(question)
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for question in questions:
            for name, retriever in runs.items():
                seconds, _ = timed(lambda: retriever.search(question))
                samples[name].append(seconds * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="corpus folder; default: data/corpus")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--rounds", type=int, default=1, help="passes over the question pool per retriever")
    args = parser.parse_args()

    from qa.service import PolicyQA
    from qa.settings import load_settings

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="policyqa-bench-") as tmp:
        overrides = {"home": Path(tmp)}
        if args.corpus:
            overrides["corpus_dir"] = args.corpus
        settings = load_settings(**overrides)

        cold, report = timed(lambda: PolicyQA(settings).build_index())
        rows.append(("cold build", f"{cold:.2f} s  ({report.documents} docs, {report.clauses} clauses, {report.embedded} embedded)"))
        warm, report = timed(lambda: PolicyQA(settings).build_index())
        rows.append(("warm rebuild (unchanged)", f"{warm:.2f} s  ({report.embedded} embedded, {report.reused} reused)"))

        service = PolicyQA(settings)
        questions = question_pool(args.questions)
        first, _ = timed(lambda: service.retriever.search(questions[0]))
        rows.append(("open index + first query", f"{first * 1000:.0f} ms"))

        hybrid = service.retriever
        runs = {
            "dense": hybrid.model_copy(update={"sources": ("dense",)}),
            "bm25": hybrid.model_copy(update={"sources": ("bm25",)}),
            "hybrid": hybrid,
        }
        for name, samples in latencies(runs, questions, args.rounds).items():
            rows.append(
                (
                    f"retrieve {name} (warm, k={hybrid.k})",
                    f"p50 {statistics.median(samples):.1f} ms  p95 {percentile(samples, 95):.1f} ms  "
                    f"mean {statistics.fmean(samples):.1f} ms  (n={len(samples)})",
                )
            )

        tracemalloc.start()
        for question in questions:
            hybrid.search(question)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append(("python heap peak during hybrid pass", f"{traced_peak / 2**20:.1f} MiB (tracemalloc)"))
        rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
        rows.append(("process peak RSS", f"{rss_mib:.0f} MiB (getrusage, whole run)"))
        # Tail latency on a 2-core machine depends on what else runs: say how busy it was.
        rows.append(("machine load (1/5/15 min)", " / ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs"))

    width = max(len(name) for name, _ in rows)
    print(f"{'measure':{width}}  value")
    print("-" * (width + 60))
    for name, value in rows:
        print(f"{name:{width}}  {value}")


if __name__ == "__main__":
    main()
