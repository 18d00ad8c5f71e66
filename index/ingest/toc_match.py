"""Aligning body paragraphs with the table-of-contents entries between two surviving headings,
when their counts do not match one to one.

The body and the TOC are read in the same order: paragraphs are cut into consecutive runs, one
per entry, and every leaf entry (a 节, or a 章 without 节) gets at least one paragraph. Among all
such cuts the one chosen maximises how much each paragraph shares with the entry it is placed
under (character bigrams of the entry's title, and of its parent's title at half weight), by
dynamic programming. The result is used only when it is convincing: most leaf entries must open
with a paragraph that shares words with their title — otherwise the order of TOC and body is
not known to agree and the caller keeps the paragraphs under their common container.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from index.ingest.numbering import lead_phrase
from qa.core.text import fold, squash
from qa.core.types import TocEntry

PREAMBLE_SCORE = 0.15  # what a paragraph before the first entry scores: above no overlap at all
MIN_LEAF_OPENINGS = 0.5  # share of leaf entries whose first paragraph shares more with them than with any other (chance: ~1/leaves)
UNSURE = -1  # align's answer for a paragraph it cannot place with confidence
_RARE = math.log(2) + 0.1  # weight of a title bigram no paragraph has
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


@lru_cache(maxsize=4096)
def _bigrams(text: str) -> frozenset[str]:
    runs = _CJK_RUN.findall(squash(text))
    return frozenset(run[i : i + 2] for run in runs for i in range(len(run) - 1))


def _overlap(title: str, text: str, weight: dict[str, float]) -> float:
    """Share of the title's bigrams the text has, each weighted by how rare it is in the body
    (「发展」「建设」 are everywhere and say little about where a paragraph belongs)."""
    wanted = _bigrams(title)
    total = sum(weight.get(b, _RARE) for b in wanted)
    return sum(weight.get(b, _RARE) for b in wanted & _bigrams(text)) / total if total else 0.0


def _weights(texts: list[str]) -> dict[str, float]:
    df: dict[str, int] = {}
    for text in texts:
        for b in _bigrams(text):
            df[b] = df.get(b, 0) + 1
    return {b: math.log((len(texts) + 1) / (n + 1)) + 0.1 for b, n in df.items()}


def align(texts: list[str], toc: tuple[TocEntry, ...], slots: list[int], parents: tuple[int | None, ...],
          leaves: set[int], preamble: bool) -> list[int | None] | None:
    """The entry (index into toc) for each text, None for a preamble; None when not convincing."""
    if not texts or not slots or len(texts) < len([s for s in slots if s in leaves]):
        return None
    columns: list[int | None] = ([None] if preamble else []) + list(slots)
    weight = _weights(texts)
    score = [[_score(text, col, toc, parents, weight) for col in columns] for text in texts]
    required = [col is not None and col in leaves for col in columns]
    stays = sticky(texts)
    path = _best_path(score, required, stays)
    if path is None:
        return None
    chosen, n = [columns[j] for j in path], len(texts)
    openings = [i for i in range(len(chosen)) if chosen[i] in leaves and (i == 0 or chosen[i - 1] != chosen[i])]
    leaf_columns = [j for j, col in enumerate(columns) if required[j]]
    # an opening agrees when it shares more with its own entry than with any other leaf entry
    agreeing = sum(1 for i in openings if score[i][path[i]] > max(
        (score[i][j] for j in leaf_columns if j != path[i]), default=0.0))
    if not openings or agreeing / len(openings) < MIN_LEAF_OPENINGS:
        return None
    # a paragraph with nothing in common with its entry, at the border of two entries, is placed
    # by the caller under what the two have in common
    return [col if score[i][path[i]] > 0 or stays[i] or (0 < i < n - 1 and chosen[i - 1] == col == chosen[i + 1]) else UNSURE
            for i, col in enumerate(chosen)]


def _score(text: str, col: int | None, toc: tuple[TocEntry, ...], parents: tuple[int | None, ...],
           weight: dict[str, float]) -> float:
    if col is None:
        return PREAMBLE_SCORE
    own = _overlap(toc[col].title, text, weight)
    parent = parents[col]
    return own + (0.5 * _overlap(toc[parent].title, text, weight) if parent is not None else 0.0)


def sticky(texts: list[str]) -> list[bool]:
    """Paragraphs that cannot open a new entry: the text of a lead standing alone (「功能定位：」),
    a —— bullet after a bullet, a paragraph whose lead phrase the paragraph announcing the list
    names (「“四区”：即高端制造产业集聚区、…」 then 「高端制造产业集聚区。…」), and one whose
    two-part lead phrase has the shape of the previous one (「聚焦科技创新高水平，创新策源新高地
    初步建成。」 then 「聚焦城市建设高颜值，公园城市新范式基本成型。」): parallel items of one list."""
    out = [False] * len(texts)
    head = ""
    for i in range(1, len(texts)):
        text, prev = texts[i], texts[i - 1]
        bullet = prev.rstrip().endswith(("：", ":")) or text.startswith(("——", "--")) and prev.startswith(("——", "--"))
        phrase = lead_phrase(text)
        named = len(phrase) >= 4 and (phrase in prev or phrase in head)
        shape = skeleton(phrase)
        parallel = bool(phrase) and not shape.isdigit() and shape == skeleton(lead_phrase(prev))
        out[i] = bullet or named or parallel
        if not out[i]:
            head = text
    return out


def skeleton(phrase: str) -> str:
    """「生态筑底、公园塑型」 → 「4、4」: the shape parallel lead phrases share."""
    return re.sub(r"[^\W_]+", lambda m: str(len(m.group())), fold(phrase))


def _best_path(score: list[list[float]], required: list[bool], stays: list[bool]) -> list[int] | None:
    """Monotone assignment of rows to columns, each required column used at least once, no
    required column skipped; the highest total score."""
    n, m = len(score), len(score[0])
    neg = float("-inf")
    best = [[neg] * m for _ in range(n)]
    back = [[-1] * m for _ in range(n)]
    for j in range(m):  # the first row may start in any column before the first required one
        if not any(required[:j]):
            best[0][j] = score[0][j]
    for i in range(1, n):
        for j in range(m):
            # stay in column j, or come from any column k < j with no required column strictly between
            k_best, v_best = j, best[i - 1][j]
            for k in range(j - 1, -1, -1) if not stays[i] else ():
                if best[i - 1][k] > v_best:
                    k_best, v_best = k, best[i - 1][k]
                if required[k]:
                    break
            if v_best > neg:
                best[i][j], back[i][j] = v_best + score[i][j], k_best
    ends = [j for j in range(m) if not any(required[j + 1 :]) and best[n - 1][j] > neg]
    if not ends:
        return None
    j = max(ends, key=lambda c: best[n - 1][c])
    path = [j]
    for i in range(n - 1, 0, -1):
        j = back[i][j]
        path.append(j)
    return path[::-1]
