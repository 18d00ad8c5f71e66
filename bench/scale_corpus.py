"""A synthetic corpus of N clauses for the scale benchmarks, recombined from real clause texts.

Sentences of the real documents (data/corpus, data/realdocs, data/laws; .txt and .md only, so
no PDF has to be parsed) are shuffled into new clauses of two or three sentences each, and the
clauses into documents numbered the way Chinese policy documents are: 一、 sections with
（一） items, and a few 1. sub-items. Deterministic for a seed.

    .venv/bin/python bench/scale_corpus.py OUT_DIR --clauses 100000 [--per-doc 50] [--seed 7]
"""
from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = [REPO / "data" / "corpus", REPO / "data" / "realdocs", REPO / "data" / "laws"]
_SENTENCE = re.compile(r"[^。；！？\n]{12,160}[。；！？]")
_NUMBERING = re.compile(r"^[\s　]*(?:第[一二三四五六七八九十百零]+[章节条篇]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、])")
CN = "一二三四五六七八九十"
TOPICS = ["科技创新", "产业升级", "城乡融合", "生态保护", "公共服务", "营商环境", "对外开放", "人才发展",
          "交通建设", "数字经济", "乡村振兴", "医疗卫生", "教育发展", "安全生产", "文化旅游", "金融服务"]
PLACES = ["成都", "重庆", "绵阳", "德阳", "宜宾", "泸州", "南充", "达州", "乐山", "遂宁", "内江", "眉山"]


def cn_number(n: int) -> str:
    if n <= 10:
        return CN[n - 1]
    tens, ones = divmod(n, 10)
    return (CN[tens - 1] if tens > 1 else "") + "十" + (CN[ones - 1] if ones else "")


def sentences() -> list[str]:
    """Every sentence of the real documents' body lines (numbering removed), deduplicated."""
    found: dict[str, None] = {}
    for root in SOURCES:
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".txt", ".md")):
            for line in path.read_text(encoding="utf-8", errors="ignore").splitlines():
                body = _NUMBERING.sub("", line).strip()
                for sentence in _SENTENCE.findall(body):
                    found[sentence.strip()] = None
    return list(found)


def document(rng: random.Random, pool: list[str], number: int, clauses: int) -> tuple[str, str]:
    """(file stem, text) of one document of about `clauses` clauses."""
    place, topic = rng.choice(PLACES), rng.choice(TOPICS)
    title = f"{place}市关于推进{topic}高质量发展的实施方案（第{number}号）"
    lines = [title, "", f"为深入推进{topic}工作，结合{place}实际，制定本方案。", ""]
    per_section = max(3, min(12, clauses // 5))
    written, section = 1, 0
    while written < clauses:
        section += 1
        lines.append(f"{cn_number(section)}、{rng.choice(TOPICS)}{rng.choice(['目标', '任务', '举措', '保障'])}")
        written += 1
        for item in range(1, per_section + 1):
            if written >= clauses:
                break
            text = "".join(rng.sample(pool, rng.choice((2, 2, 3))))
            lines.append(f"（{cn_number(item)}）{rng.choice(TOPICS)}。{text}")
            written += 1
            if rng.random() < 0.1 and written < clauses:
                lines.append(f"1.{''.join(rng.sample(pool, 1))}")
                written += 1
        lines.append("")
    return f"doc{number:06d}", "\n".join(lines) + "\n"


def generate(out: Path, total: int, per_doc: int = 50, seed: int = 7, start: int = 0) -> list[Path]:
    rng = random.Random(seed + start)
    pool = sentences()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + max(1, total // per_doc)):
        stem, text = document(rng, pool, number, per_doc)
        path = out / f"{stem}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--clauses", type=int, default=10_000)
    parser.add_argument("--per-doc", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    written = generate(args.out, args.clauses, args.per_doc, args.seed)
    print(f"{len(written)} documents in {args.out} ({len(sentences())} source sentences)")
