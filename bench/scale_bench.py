"""Scale benchmark: build, add one document, delete one, query and serving memory, against a
local `chroma run` server, for synthetic corpora of growing size (bench/scale_corpus.py), with
the stand-in embedding endpoint (bench/scale_embed_server.py) so the model's time is not in it.

    .venv/bin/python bench/scale_bench.py --sizes 10000 100000 [--work /tmp/policyqa-scale]

Prints one row per size and writes WORK/results.json. "excl. embedding" subtracts the time the
build spent in its embed stage (first to last embed progress report); "no-emb" subtracts every
wait on the endpoint (the sentence vectors' too). "wrk cpu" is the parse workers' CPU, which
"cpu s" (this process, its children, the server) does not hold.
"""
from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from scale_corpus import generate, sentences  # noqa: E402
from scale_embed_server import serve, vector  # noqa: E402

CHROMA = REPO / ".venv" / "bin" / "chroma"
MODEL = "standin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma(path: Path) -> tuple[subprocess.Popen, int]:
    import httpx

    port = free_port()
    process = subprocess.Popen([str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                return process, port
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("chroma run did not start")


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time used so far: this process and its finished children, or another process by pid.
    On a shared machine wall time measures the neighbours too; CPU time measures the work."""
    import os
    import resource

    if pid is None:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CHROMA_PID: list[int] = []


class _Timed:
    """The embedder, with the time the build spent waiting on it."""

    def __init__(self, inner) -> None:
        self.inner, self.seconds = inner, 0.0

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def embed_passages(self, texts):
        started = time.perf_counter()
        try:
            return self.inner.embed_passages(texts)
        finally:
            self.seconds += time.perf_counter() - started


def _workers_cpu() -> float:
    """CPU of the parse workers that have ended: children of the forkserver (index/changes.py),
    so neither this process's nor its children's rusage counts them."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if not pid or not Path(f"/proc/{pid}/stat").exists():
        return 0.0
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")  # cutime + cstime


def timed_build(corpus: Path, index_dir: Path, cache: Path, embed_url: str, port: int) -> dict:
    from index.build import build_index
    from index.embed import OpenAICompatibleEmbedder

    marks: dict[str, list[float]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks.setdefault(stage, []).append(time.perf_counter())

    embedder = _Timed(OpenAICompatibleEmbedder(MODEL, base_url=embed_url, concurrency=2))
    started, cpu, server_cpu = time.perf_counter(), cpu_seconds(), cpu_seconds(CHROMA_PID[0])
    workers_cpu = _workers_cpu()
    report = build_index(corpus, index_dir, embedder, cache, chroma_host="127.0.0.1", chroma_port=port, progress=progress)
    total = time.perf_counter() - started
    embed = (max(marks["embed"]) - min(marks["embed"])) if "embed" in marks else 0.0
    # The stand-in endpoint runs in this process: its CPU is in "cpu_s" too (small: hashing).
    # Where the time went: each stage's first and last report, in seconds from the start.
    stages = {stage: [round(min(t) - started, 2), round(max(t) - started, 2)] for stage, t in marks.items()}
    return {"seconds": total, "embed_seconds": embed, "excl_embedding": total - embed, "clauses": report.clauses,
            # Every wait on the endpoint, the sentence vectors' too (the "sentences" stage embeds):
            # the whole model's time, where embed_seconds is the clause vectors' stage only.
            "embed_calls_s": round(embedder.seconds, 2), "excl_all_embedding": round(total - embedder.seconds, 2),
            "stages": stages, "workers_cpu_s": round(_workers_cpu() - workers_cpu, 2),
            "cpu_s": round(cpu_seconds() - cpu, 2), "chroma_cpu_s": round(cpu_seconds(CHROMA_PID[0]) - server_cpu, 2),
            "written": report.embedded + report.reused, "generation": report.generation}


def serving(index_dir: Path, port: int, questions: int) -> dict:
    """Runs in a fresh process: open the index, answer `questions` retrievals, report latency and RSS."""
    script = f"""
import json, sys, time, statistics
sys.path[:0] = [{str(REPO)!r}, {str(REPO / 'bench')!r}]
from scale_bench import serve_and_measure
print(json.dumps(serve_and_measure({str(index_dir)!r}, {port}, {questions})))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rss() -> dict:
    status = Path("/proc/self/status").read_text()
    field = lambda key: int(next(l for l in status.splitlines() if l.startswith(key)).split()[1]) / 1024  # noqa: E731
    # RssFile: pages of memory-mapped files (keyword segments, clause records), which the kernel
    # drops under pressure; RssAnon is the process's own memory.
    return {"rss_mb": round(field("VmRSS:"), 1), "peak_mb": round(field("VmHWM:"), 1),
            "rss_anon_mb": round(field("RssAnon:"), 1), "rss_file_mb": round(field("RssFile:"), 1)}


class _StandIn:
    model_id = f"openai-compatible/{MODEL}"
    dim = 384

    def embed_query(self, text: str):
        return vector(text)


def serve_and_measure(index_dir: str, port: int, questions: int) -> dict:
    import random

    from index.build import open_index
    from qa.question import prepare_question
    from qa.retrieve.hybrid import HybridRetriever

    before = _rss()
    reader = open_index(index_dir, _StandIn(), chroma_host="127.0.0.1", chroma_port=port)
    retriever = HybridRetriever(reader=reader, embedder=_StandIn(), k=8)
    rng = random.Random(3)
    pool = sentences()
    picked = [s[rng.randrange(0, max(1, len(s) - 14)):][:14] for s in rng.sample(pool, 2 * questions)]
    asked, own = picked[:questions], picked[questions:]
    opened = time.perf_counter()
    retriever.search(asked[0])
    first = time.perf_counter() - opened
    # The index's own part (dense and keyword search, clause records), on questions not asked
    # below, so the record cache is as cold as for the full retrieval.
    depth = retriever.fusion.depth(8)
    index_times = []
    for question in own:
        started = time.perf_counter()
        text = prepare_question(question, 2000).search_text
        reader.dense_search(_StandIn().embed_query(text), depth)
        reader.bm25_search(text, depth)
        index_times.append((time.perf_counter() - started) * 1000)
    index_times.sort()
    times, cpu = [], time.process_time()
    for question in asked:
        started = time.perf_counter()
        retriever.search(question)
        times.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / len(asked)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * len(times)) - 1], 1),
            "index_p50_ms": round(statistics.median(index_times), 1),
            "index_p95_ms": round(index_times[int(0.95 * len(index_times)) - 1], 1),
            "client_cpu_ms_per_query": round(cpu_ms, 1), "first_query_s": round(first, 2), "rss_before_open_mb": before["rss_mb"], **_rss()}


def run_size(size: int, work: Path, port: int, embed_url: str, questions: int) -> dict:
    corpus = work / f"corpus-{size}"
    if not corpus.exists():
        generate(corpus, size)
    extra = generate(work / f"extra-{size}", 50, start=900_000)[0]
    index_dir, cache = work / f"index-{size}", work / f"cache-{size}"
    shutil.rmtree(index_dir, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    row = {"size": size, "cold": timed_build(corpus, index_dir, cache, embed_url, port)}
    # A serving app or a library upload builds in a warm process; a CLI run pays jieba's and
    # tiktoken's start (about 3 s on an idle core) on top, reported separately.
    started = time.perf_counter()
    from index.ingest.corpus import parse_file
    from qa.core.tokenize import keyword_terms

    keyword_terms(parse_file(extra).clauses[0].search_text)
    row["process_warmup_s"] = round(time.perf_counter() - started, 2)
    shutil.copy(extra, corpus / extra.name)
    try:
        row["add_one"] = timed_build(corpus, index_dir, cache, embed_url, port)
    finally:
        (corpus / extra.name).unlink()
    row["delete_one"] = timed_build(corpus, index_dir, cache, embed_url, port)
    row["serve"] = serving(index_dir, port, questions)
    row["ratio_add_to_full"] = row["add_one"]["excl_embedding"] / row["cold"]["excl_embedding"]
    row["keyword_mb"] = round(sum(p.stat().st_size for p in (index_dir / "keyword").rglob("*") if p.is_file()) / 2**20, 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/policyqa-scale"))
    parser.add_argument("--questions", type=int, default=100)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    embed_port = free_port()
    server = serve(port=embed_port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # A fresh server: the index's pointer and manifests live on it, so a kept one makes the next
    # run's "cold" build find its index up to date.
    shutil.rmtree(args.work / "chroma-server", ignore_errors=True)
    chroma, port = start_chroma(args.work / "chroma-server")
    CHROMA_PID.append(chroma.pid)
    rows = []
    try:
        for size in args.sizes:
            row = run_size(size, args.work, port, f"http://127.0.0.1:{embed_port}/v1", args.questions)
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        chroma.terminate()
        chroma.wait(timeout=60)
        server.shutdown()
    (args.work / "results.json").write_text(json.dumps(rows, indent=1))
    print(f"\n{'clauses':>8} {'build s':>8} {'excl.emb':>8} {'cl/s':>6} {'no-emb':>6} {'cl/s':>6} {'wrk cpu':>7} {'cpu s':>7} {'add s':>6} {'ratio':>6} "
          f"{'add cpu':>7} {'del s':>6} {'del cpu':>7} {'p50 ms':>7} {'p95 ms':>7} {'idx p50':>7} {'idx p95':>7} {'RSS MB':>7}")
    for r in rows:
        c, a, d = r["cold"], r["add_one"], r["delete_one"]
        print(f"{c['clauses']:>8} {c['seconds']:>8.1f} {c['excl_embedding']:>8.1f} {c['clauses'] / c['excl_embedding']:>6.0f} "
              f"{c['excl_all_embedding']:>6.1f} {c['clauses'] / c['excl_all_embedding']:>6.0f} {c['workers_cpu_s']:>7.1f} "
              f"{c['cpu_s'] + c['chroma_cpu_s']:>7.1f} {a['excl_embedding']:>6.2f} {r['ratio_add_to_full']:>6.1%} "
              f"{a['cpu_s'] + a['chroma_cpu_s']:>7.2f} {d['seconds']:>6.2f} {d['cpu_s'] + d['chroma_cpu_s']:>7.2f} "
              f"{r['serve']['p50_ms']:>7.1f} {r['serve']['p95_ms']:>7.1f} {r['serve']['index_p50_ms']:>7.1f} "
              f"{r['serve']['index_p95_ms']:>7.1f} {r['serve']['rss_mb']:>7.0f}")


if __name__ == "__main__":
    main()
