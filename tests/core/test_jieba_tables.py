"""jieba's dictionaries opened lazily by first character (qa/core/jieba_tables.py) cut every text
exactly as jieba's own dictionaries do, before and after the whole table is read, and a cold
process opens them faster. Each side runs in its own process: jieba is set up once per process."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CUT = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
started = time.perf_counter()
from qa.core import jieba_tables, tokenize
if {folder!r}:
    tokenize.use_cache_dir(Path({folder!r}))
    jieba_tables.PROMOTE_AFTER = {promote}
lines = [l for p in sorted(Path({root!r}, "data", "corpus").glob("*.txt"))
         for l in p.read_text(encoding="utf-8").splitlines() if l.strip()][: {lines}]
first = tokenize.keyword_terms(lines[0]) if lines else []
seconds = time.perf_counter() - started
out = [[tokenize.keyword_terms(l), tokenize.tagged(l), tokenize.search_words(l)] for l in lines]
jieba = tokenize._jieba()
print(json.dumps({{"cuts": out, "first": seconds, "plain": type(jieba.dt.FREQ) is dict,
                  "plain_tags": type(jieba.posseg.dt.word_tag_tab) is dict,
                  "freq": tokenize.word_frequency("发展")}}, ensure_ascii=False))
"""


def cut(folder: str, lines: int, promote: int = 800) -> dict:
    code = CUT.format(root=str(ROOT), folder=folder, lines=lines, promote=promote)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_lazy_tables_cut_as_jieba_does_before_and_after_the_whole_table_is_read(tmp_path):
    jieba_own = cut("", 150)
    lazy = cut(str(tmp_path / "jieba"), 150, promote=100_000)  # writes the tables, then opens them lazily
    assert (tmp_path / "jieba" / "prefix.bin").exists() and (tmp_path / "jieba" / "tags.bin").exists()
    reopened = cut(str(tmp_path / "jieba"), 150, promote=100_000)
    assert not reopened["plain"] and not reopened["plain_tags"]  # still lazy: few characters met
    promoted = cut(str(tmp_path / "jieba"), 150, promote=50)
    assert promoted["plain"] and promoted["plain_tags"]  # many characters: jieba's plain dicts again
    for run in (lazy, reopened, promoted):
        assert run["cuts"] == jieba_own["cuts"] and run["freq"] == jieba_own["freq"] > 0


def test_a_cold_process_cuts_its_first_text_sooner_from_the_tables(tmp_path):
    cut(str(tmp_path / "jieba"), 1)  # writes the tables
    lazy = min(cut(str(tmp_path / "jieba"), 1)["first"] for _ in range(1))
    whole = min(cut("", 1)["first"] for _ in range(1))
    assert lazy < 0.6 * whole, (lazy, whole)
