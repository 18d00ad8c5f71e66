"""Retrieval quality on bench/retrieval_questions.jsonl: hit@1, hit@5 and MRR@10 for dense-only,
BM25-only and hybrid retrieval, per question type, plus the misses.

    .venv/bin/python bench/retrieval_checks.py            # builds the default corpus in a temp home
    .venv/bin/python bench/retrieval_checks.py --home .policyqa --sweep   # reuse an index, compare fusions

Gold evidence is {"doc_id", "quote"}; the gold clause is every clause of that document whose
whole text contains the quote (whitespace ignored, since PDF text carries stray spaces).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.core.errors import GoldSetError  # noqa: E402
from qa.core.config import FusionConfig  # noqa: E402
from qa.core.clause_parts import join_parts  # noqa: E402
from qa.retrieve.hybrid import HybridRetriever  # noqa: E402

QUESTIONS = Path(__file__).with_name("retrieval_questions.jsonl")
DEPTH = 10  # MRR@10
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    type: str
    question: str
    gold: frozenset[str]  # base clause ids


def squash(text: str) -> str:
    return _SPACE.sub("", text)


def load_questions(path: Path, reader) -> list[GoldQuestion]:
    parts_by_base = defaultdict(list)
    for clause in reader.clauses():
        parts_by_base[clause.base_id].append(clause)
    texts_by_doc: dict[str, dict[str, str]] = defaultdict(dict)
    for base, parts in parts_by_base.items():
        parts.sort(key=lambda p: p.part)
        texts_by_doc[parts[0].doc_id][base] = squash(join_parts(parts))

    questions = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not row.get("evidence"):
            continue  # an unanswerable question (eval gold sets have them): nothing to retrieve
        gold = set()
        for evidence in row["evidence"]:
            quote = squash(evidence["quote"])
            found = [base for base, text in texts_by_doc.get(evidence["doc_id"], {}).items() if quote in text]
            if not found:
                raise GoldSetError(
                    f"{path}:{line_no} ({row['id']}): no clause of {evidence['doc_id']} contains {evidence['quote']!r}.",
                    hint="Fix the quote (verbatim, original script) or the clause parser.",
                )
            gold.update(found)
        questions.append(GoldQuestion(row["id"], row["type"], row["question"], frozenset(gold)))
    return questions


class MemoReader:
    """Answers each (query, depth, filters) once, so a fusion sweep re-ranks the same candidates."""

    def __init__(self, reader) -> None:
        self._reader = reader
        self._cache: dict = {}

    def dense_search(self, vector, k, filters):
        return self._memo(("dense", vector.tobytes(), k, filters), lambda: self._reader.dense_search(vector, k, filters))

    def bm25_search(self, text, k, filters):
        return self._memo(("bm25", text, k, filters), lambda: self._reader.bm25_search(text, k, filters))

    def _memo(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def __getattr__(self, name):
        return getattr(self._reader, name)


def first_gold_rank(retriever: HybridRetriever, question: GoldQuestion) -> int | None:
    for rank, hit in enumerate(retriever.search(question.question, k=DEPTH), start=1):
        if hit.clause_id in question.gold:
            return rank
    return None


def scores(ranks: list[int | None]) -> tuple[float, float, float]:
    n = len(ranks) or 1
    hit1 = sum(1 for r in ranks if r == 1) / n
    hit5 = sum(1 for r in ranks if r is not None and r <= 5) / n
    mrr = sum(1 / r for r in ranks if r is not None) / n
    return hit1, hit5, mrr


def variants(base: HybridRetriever, sweep: bool) -> dict[str, HybridRetriever]:
    runs = {
        "dense": base.model_copy(update={"sources": ("dense",)}),
        "bm25": base.model_copy(update={"sources": ("bm25",)}),
        f"hybrid {base.fusion.label()}": base,
    }
    if sweep:
        configs = [FusionConfig(method="rrf", rrf_k=k, dense_weight=1.0, bm25_weight=1.0) for k in (10, 30, 60)]
        configs += [FusionConfig(method="rrf", dense_weight=w, bm25_weight=1.0) for w in (0.3, 0.5, 0.7, 1.5)]
        configs += [FusionConfig(method="linear", dense_weight=a, bm25_weight=round(1 - a, 2)) for a in (0.2, 0.3, 0.5, 0.7)]
        for config in configs:
            runs[f"hybrid {config.label()}"] = base.model_copy(update={"fusion": config})
    return runs


def report(runs: dict[str, HybridRetriever], questions: list[GoldQuestion], list_misses: int) -> None:
    types = sorted({q.type for q in questions})
    header = f"{'retriever':36} {'hit@1':>6} {'hit@5':>6} {'MRR@10':>7}  " + "  ".join(f"{t + ' MRR':>14}" for t in types)
    print(header)
    print("-" * len(header))
    all_ranks = {}
    for name, retriever in runs.items():
        ranks = {q.id: first_gold_rank(retriever, q) for q in questions}
        all_ranks[name] = ranks
        hit1, hit5, mrr = scores(list(ranks.values()))
        per_type = [scores([ranks[q.id] for q in questions if q.type == t])[2] for t in types]
        print(f"{name:36} {hit1:6.3f} {hit5:6.3f} {mrr:7.3f}  " + "  ".join(f"{m:14.3f}" for m in per_type))
    counts = ", ".join(f"{t}={sum(q.type == t for q in questions)}" for t in types)
    print(f"\n{len(questions)} questions ({counts})")
    for name in list(runs)[:list_misses]:
        misses = [q for q in questions if (all_ranks[name][q.id] or DEPTH + 1) > 5]
        print(f"\nmisses of {name} (gold not in top 5): {len(misses)}")
        for q in misses:
            rank = all_ranks[name][q.id]
            print(f"  [{q.type}] {q.id}: {q.question}  gold rank={rank or '>10'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="POLICYQA_HOME to (re)use; default: a fresh temp dir")
    parser.add_argument("--corpus", type=Path, help="corpus folder; default: data/corpus")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--sweep", action="store_true", help="also compare fusion variants (RRF k, weights, linear)")
    args = parser.parse_args()

    from qa.service import PolicyQA
    from qa.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="policyqa-bench-") as tmp:
        overrides = {"home": args.home or Path(tmp)}
        if args.corpus:
            overrides["corpus_dir"] = args.corpus
        service = PolicyQA(load_settings(**overrides))
        from qa.progress import stage_bars

        with stage_bars() as progress:
            service.build_index(progress=progress)
        base = service.retriever
        base = base.model_copy(update={"reader": MemoReader(base.reader)})
        questions = load_questions(args.questions, base.reader)
        report(variants(base, args.sweep), questions, list_misses=3)


if __name__ == "__main__":
    main()
