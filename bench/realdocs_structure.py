"""Structure, furniture and metadata on the real-document corpus (data/realdocs/), per document.

    .venv/bin/python bench/realdocs_structure.py                  # dev and heldout, totals apart
    .venv/bin/python bench/realdocs_structure.py --split dev --verbose
    .venv/bin/python bench/realdocs_structure.py --json > /tmp/structure.json

Every file goes through `index.ingest.corpus.parse_file` — the path `policyqa index build` takes —
with NO manifest metadata, so title, issuer, date and 文号 are what inference finds in the text.
No embeddings, no index: a run takes seconds.

Scores, per document:
* structure: share of `expected/<doc>.json` entries whose snippet lies in a unit whose path
  matches the expected path. The unit is the most specific addressable one holding the whole
  snippet: a clause (its parts joined), or an item inside it (`Clause.items`, when the parser
  keeps items inside their article). Only numbered elements of the actual path are compared
  (the expected paths list numbered units only; lead phrases, unnumbered headings, 前言 and
  —— bullets are not numbered units). Elements match when their labels are equal after folding
  width and punctuation (第九条 = 第九条, 2. = 2． = 2、, （二） = (二), 一是 = 一是) and, when
  the expected element carries heading text, the actual element's text after the label starts
  with it (an actual heading clipped with 「…」 may stop early). The snippet is found in the
  cleaned text ignoring whitespace; a snippet the cleaner lost counts as a failure.
* boilerplate: how many of the expected furniture strings occur in some clause text.
* metadata: title, issuer, date, doc_number equal to the expected ones (whitespace, 《》 and
  width ignored; issuers compared as sets of names).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.ingest.corpus import parse_file  # noqa: E402
from qa.core.errors import UnreadableFile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "data" / "realdocs"
META_FIELDS = ("title", "issuer", "date", "doc_number")
_CN = "〇零一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰"
_SPACE = re.compile(r"\s+")
# A numbered label, on NFKC-folded text: (kind, number) decides equality.
_LABELS = (
    ("第", re.compile(rf"^第([{_CN}\d]+)([编篇章节条款項项編節條])")),
    ("附", re.compile(r"^(附件|附录|附錄)\s*(\d+)")),
    ("cn是", re.compile(rf"^([{_CN}]+)是")),
    ("(cn)", re.compile(rf"^\(([{_CN}]+)\)")),
    ("cn、", re.compile(rf"^([{_CN}]+)[、.,，]")),
    ("(ar)", re.compile(r"^\((\d{1,3})\)")),
    ("ar.", re.compile(r"^(\d{1,3})(?:[、.,，](?!\d)|\.(?=\d))")),
    ("circled", re.compile(r"^([\u2460-\u2473])")),
)


def parse_label(element: str) -> tuple[tuple[str, ...], str] | None:
    """(label key, the text after the label) for a numbered path element, None otherwise."""
    folded = unicodedata.normalize("NFKC", element.strip()).replace("．", ".")
    for kind, pattern in _LABELS:
        if m := pattern.match(folded):
            key = (kind, *m.groups())
            return key, folded[m.end():].strip(" :：、")
    return None


def _plain(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).strip("《》“”\"")


def element_matches(expected: str, actual: str) -> bool:
    exp, act = parse_label(expected), parse_label(actual)
    if exp is None or act is None:
        return exp is None and act is None and _plain(actual).startswith(_plain(expected))
    if exp[0] != act[0]:
        return False
    want, have = _plain(exp[1]), _plain(act[1])
    if not want:
        return True
    if have.startswith(want):
        return True
    clipped = have.rstrip("…")
    return have.endswith("…") and len(clipped) >= 4 and want.startswith(clipped)


def numbered(path: list[str]) -> list[str]:
    return [p for p in path if parse_label(p) is not None]


def path_matches(expected: list[str], actual: list[str]) -> bool:
    act = numbered(actual)
    labelled = [e for e in expected if parse_label(e) is not None]
    if len(labelled) != len(expected):  # an unlabelled expected element: compare whole paths
        act = actual
    return len(act) == len(expected) and all(element_matches(e, a) for e, a in zip(expected, act))


@dataclass
class Unit:
    path: list[str]
    start: int
    end: int
    clause_id: str


def units_of(clauses) -> list[Unit]:
    """Clauses with their parts joined, plus the items kept inside them."""
    by_base: dict[str, Unit] = {}
    items: list[Unit] = []
    for c in clauses:
        unit = by_base.get(c.base_id)
        if unit is None:
            by_base[c.base_id] = Unit(list(c.path), c.start, c.end, c.base_id)
            for label, start, end in getattr(c, "items", ()) or ():
                items.append(Unit([*c.path, *label.split("/")], start, end, f"{c.base_id}/{label}"))
        else:
            unit.start, unit.end = min(unit.start, c.start), max(unit.end, c.end)
    return [*by_base.values(), *items]


def locate(text: str, snippet: str) -> tuple[int, int] | None:
    """The snippet's span in `text`, whitespace ignored on both sides."""
    if (i := text.find(snippet)) >= 0:
        return i, i + len(snippet)
    keep = [i for i, ch in enumerate(text) if not ch.isspace()]
    squashed = "".join(text[i] for i in keep)
    want = _SPACE.sub("", snippet)
    j = squashed.find(want) if want else -1
    if j < 0:
        return None
    return keep[j], keep[j + len(want) - 1] + 1


def innermost(units: list[Unit], span: tuple[int, int]) -> Unit | None:
    holding = [u for u in units if u.start <= span[0] and span[1] <= u.end]
    return min(holding, key=lambda u: (u.end - u.start, -len(u.path))) if holding else None


@dataclass
class DocResult:
    doc_id: str
    split: str
    kind: str
    entries: int = 0
    correct: int = 0
    boilerplate: int = 0
    boilerplate_found: list[str] = field(default_factory=list)
    meta_ok: dict[str, bool] = field(default_factory=dict)
    meta_got: dict[str, str] = field(default_factory=dict)
    clauses: int = 0
    failures: list[dict] = field(default_factory=list)
    error: str = ""


def _meta_equal(name: str, want: str, got: str) -> bool:
    if name == "issuer":
        split = lambda s: frozenset(_plain(x) for x in re.split(r"[\s、,，]+", unicodedata.normalize("NFKC", s)) if x)
        return split(want) == split(got)
    return _plain(want) == _plain(got)


def evaluate(entry: dict) -> DocResult:
    expected = json.loads((ROOT / "expected" / f"{Path(entry['file']).stem}.json").read_text("utf-8"))
    result = DocResult(expected["doc_id"], entry["split"], entry.get("kind", ""))
    result.entries = len(expected["entries"])
    result.boilerplate = len(expected["boilerplate"])
    try:
        parsed = parse_file(ROOT / entry["file"])
    except UnreadableFile as exc:
        result.error = exc.message
        return result
    doc, clauses = parsed.document, list(parsed.clauses)
    result.clauses = len({c.base_id for c in clauses})
    units = units_of(clauses)
    for item in expected["entries"]:
        span = locate(doc.text, item["snippet"])
        unit = innermost(units, span) if span else None
        if unit and path_matches(item["path"], unit.path):
            result.correct += 1
            continue
        result.failures.append({"snippet": item["snippet"], "expected": item["path"],
                                "actual": unit.path if unit else None, "clause_id": unit.clause_id if unit else None,
                                "why": "snippet not in cleaned text" if not span else "in no single unit" if not unit else "path"})
    texts = [c.text for c in clauses]
    result.boilerplate_found = [b for b in expected["boilerplate"] if any(b in t for t in texts)]
    for name in META_FIELDS:
        got = str(getattr(doc.meta, name, "") or "")
        result.meta_got[name] = got
        result.meta_ok[name] = _meta_equal(name, expected["meta"].get(name, ""), got)
    return result


def totals(results: list[DocResult]) -> dict:
    entries = sum(r.entries for r in results)
    correct = sum(r.correct for r in results)
    meta = {name: sum(r.meta_ok.get(name, False) for r in results) for name in META_FIELDS}
    return {"documents": len(results), "entries": entries, "correct": correct,
            "structure": round(correct / entries, 3) if entries else 0.0,
            "boilerplate_found": sum(len(r.boilerplate_found) for r in results),
            "boilerplate_expected": sum(r.boilerplate for r in results),
            "meta_correct": meta, "meta_total": len(results), "errors": sum(bool(r.error) for r in results)}


def print_table(results: list[DocResult], verbose: bool) -> None:
    head = f"{'document':58} {'struct':>9} {'boiler':>7} {'t i d n':>8} {'clauses':>7}"
    for split in ("dev", "heldout"):
        rows = [r for r in results if r.split == split]
        if not rows:
            continue
        print(f"\n== {split} ==\n{head}")
        for r in rows:
            marks = " ".join("+" if r.meta_ok.get(n) else "-" for n in META_FIELDS)
            struct = f"{r.correct}/{r.entries}"
            print(f"{r.doc_id[:58]:58} {struct:>9} {len(r.boilerplate_found):>3}/{r.boilerplate:<3} {marks:>8} {r.clauses:>7}"
                  + (f"  ERROR {r.error}" if r.error else ""))
            if verbose:
                for f in r.failures:
                    print(f"    ✗ {f['snippet']!r} [{f['why']}]\n      want {f['expected']}\n      got  {f['actual']}  ({f['clause_id']})")
                for b in r.boilerplate_found:
                    print(f"    furniture in a clause: {b!r}")
                for n in META_FIELDS:
                    if not r.meta_ok.get(n):
                        print(f"    meta {n}: got {r.meta_got.get(n)!r}")
        t = totals(rows)
        meta = " ".join(f"{n}={v}/{t['meta_total']}" for n, v in t["meta_correct"].items())
        print(f"TOTAL {split}: structure {t['correct']}/{t['entries']} = {t['structure']:.3f} · boilerplate in clauses "
              f"{t['boilerplate_found']}/{t['boilerplate_expected']} · meta {meta} · errors {t['errors']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="all")
    parser.add_argument("--json", action="store_true", help="machine-readable results")
    parser.add_argument("--verbose", action="store_true", help="every failing entry with its actual path")
    parser.add_argument("--doc", help="only documents whose id contains this")
    args = parser.parse_args(argv)
    manifest = json.loads((ROOT / "manifest.json").read_text("utf-8"))["documents"]
    chosen = [e for e in manifest if args.split in ("all", e["split"]) and (not args.doc or args.doc in e["file"])]
    results = [evaluate(e) for e in chosen]
    if args.json:
        out = {"documents": [r.__dict__ for r in results],
               "totals": {s: totals([r for r in results if r.split == s]) for s in ("dev", "heldout")}}
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print_table(results, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
