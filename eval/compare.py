"""Compares two eval runs (their results.json): overall and per-type metric deltas, a paired
bootstrap interval per metric (eval/bootstrap.py) that tells a real change from noise, and
question by question which answers got better or worse."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from eval.bootstrap import RESAMPLES, SEED, PairedInterval, metric_intervals
from eval.metrics import BY_NAME, JUDGED_NAMES, METRIC_NAMES
from eval.report import fmt

TRACKED = ("hit@5", "mrr@10", "citation_precision", "citation_recall", "key_fact_recall", "refusal_accuracy", "crag")
EPSILON = 1e-9


@dataclass(frozen=True)
class MetricDelta:
    name: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def direction(self) -> int:
        """+1 better, -1 worse, 0 unchanged or not comparable."""
        delta = self.delta
        if delta is None or abs(delta) < EPSILON:
            return 0
        better = delta > 0 if BY_NAME[self.name].higher_is_better else delta < 0
        return 1 if better else -1


@dataclass(frozen=True)
class QuestionChange:
    id: str
    type: str
    moves: tuple[MetricDelta, ...]  # tracked metrics that changed

    @property
    def regressed(self) -> bool:
        return any(move.direction < 0 for move in self.moves)


@dataclass(frozen=True)
class ConfigComparison:
    name_a: str
    name_b: str
    overall: tuple[MetricDelta, ...]
    by_type: dict[str, tuple[MetricDelta, ...]]
    improved: tuple[QuestionChange, ...]
    regressed: tuple[QuestionChange, ...]
    only_in_a: tuple[str, ...]
    only_in_b: tuple[str, ...]
    intervals: tuple[PairedInterval, ...] = ()

    @property
    def significant_regressions(self) -> tuple[PairedInterval, ...]:
        return tuple(i for i in self.intervals if i.direction < 0)


def compare_runs(run_a: dict, run_b: dict, resamples: int = RESAMPLES, seed: int = SEED
                 ) -> tuple[list[ConfigComparison], list[str]]:
    """Pairs configurations by name (or the single configuration of each run when names differ)
    and compares each pair. Returns the comparisons and the names left unpaired."""
    configs_a = {c["name"]: c for c in run_a["configs"]}
    configs_b = {c["name"]: c for c in run_b["configs"]}
    pairs = [(configs_a[name], configs_b[name]) for name in configs_a if name in configs_b]
    if not pairs and len(configs_a) == len(configs_b) == 1:
        pairs = [(run_a["configs"][0], run_b["configs"][0])]
    paired = {c["name"] for pair in pairs for c in pair}
    unpaired = [name for name in [*configs_a, *configs_b] if name not in paired]
    return [_compare_config(a, b, resamples, seed) for a, b in pairs], unpaired


def _compare_config(a: dict, b: dict, resamples: int = RESAMPLES, seed: int = SEED) -> ConfigComparison:
    judged = tuple(name for name in JUDGED_NAMES if name in a["overall"] or name in b["overall"])
    overall = tuple(MetricDelta(name, a["overall"].get(name), b["overall"].get(name)) for name in METRIC_NAMES + judged)
    by_type = {
        kind: tuple(MetricDelta(name, a["by_type"].get(kind, {}).get(name), b["by_type"].get(kind, {}).get(name)) for name in TRACKED)
        for kind in sorted(set(a["by_type"]) | set(b["by_type"]))
    }
    questions_a = {q["id"]: q for q in a["questions"]}
    questions_b = {q["id"]: q for q in b["questions"]}
    changes = []
    for qid, before in questions_a.items():
        after = questions_b.get(qid)
        if after is None:
            continue
        moves = tuple(
            move for name in TRACKED
            if (move := MetricDelta(name, before["metrics"].get(name), after["metrics"].get(name))).direction
        )
        if moves:
            changes.append(QuestionChange(qid, before["type"], moves))
    return ConfigComparison(
        name_a=a["name"],
        name_b=b["name"],
        overall=overall,
        by_type=by_type,
        improved=tuple(c for c in changes if not c.regressed),
        regressed=tuple(c for c in changes if c.regressed),
        only_in_a=tuple(qid for qid in questions_a if qid not in questions_b),
        only_in_b=tuple(qid for qid in questions_b if qid not in questions_a),
        intervals=metric_intervals(a["questions"], b["questions"], METRIC_NAMES,
                                   {name: BY_NAME[name].higher_is_better for name in METRIC_NAMES}, resamples, seed),
    )


def comparison_json(label_a: str, label_b: str, comparisons: list[ConfigComparison], unpaired: list[str]) -> dict:
    """The comparison for machines: per configuration pair, each metric's paired change with its
    interval and verdict, and the ids of the questions that regressed or improved."""
    def interval(i: PairedInterval) -> dict:
        clean = {k: (None if isinstance(v, float) and v != v else v) for k, v in asdict(i).items()}
        return {**clean, "delta": None if i.delta != i.delta else i.delta, "significant": i.significant,
                "verdict": {1: "better", -1: "worse", 0: "no significant change"}[i.direction]}

    return {
        "a": label_a, "b": label_b, "unpaired": unpaired,
        "significant_regression": any(c.significant_regressions for c in comparisons),
        "configs": [{"a": c.name_a, "b": c.name_b, "metrics": [interval(i) for i in c.intervals],
                     "regressed": [q.id for q in c.regressed], "improved": [q.id for q in c.improved]}
                    for c in comparisons],
    }


def _signed(delta: float | None) -> str:
    return "–" if delta is None else f"{delta:+.3f}"


def _mark(move: MetricDelta) -> str:
    return {1: "better", -1: "WORSE", 0: ""}[move.direction]


def _interval_lines(comp: ConfigComparison) -> list[str]:
    if not comp.intervals:
        return []
    level = "95%"
    lines = ["", f"### Paired bootstrap ({level} interval of the per-question change, {RESAMPLES} resamples by default, fixed seed)", "",
             "| metric | n pairs | before | after | Δ | interval | verdict |", "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
    for i in comp.intervals:
        span = "–" if i.low != i.low else f"[{i.low:+.3f}, {i.high:+.3f}]"
        verdict = {1: "better", -1: "**WORSE**", 0: "noise"}[i.direction]
        lines.append(f"| {i.name} | {i.n} | {fmt(None if i.before != i.before else i.before)} "
                     f"| {fmt(None if i.after != i.after else i.after)} | {_signed(None if i.delta != i.delta else i.delta)} | {span} | {verdict} |")
    return lines


def render_comparison(label_a: str, label_b: str, comparisons: list[ConfigComparison], unpaired: list[str]) -> str:
    lines = [f"# Comparison: {label_a} → {label_b}", ""]
    if unpaired:
        lines += [f"Not compared (no configuration of the same name in the other run): {', '.join(unpaired)}.", ""]
    for comp in comparisons:
        title = comp.name_a if comp.name_a == comp.name_b else f"{comp.name_a} → {comp.name_b}"
        lines += [f"## {title}", "", "| metric | before | after | Δ | |", "| --- | ---: | ---: | ---: | --- |"]
        lines += [f"| {m.name}{' (model-judged)' if m.name in JUDGED_NAMES else ''} | {fmt(m.before)} | {fmt(m.after)} "
                  f"| {_signed(m.delta)} | {_mark(m)} |" for m in comp.overall]
        lines += _interval_lines(comp)
        lines += ["", "### By question type (Δ)", "", "| type | " + " | ".join(TRACKED) + " |",
                  "| --- | " + " | ".join("---:" for _ in TRACKED) + " |"]
        lines += [f"| {kind} | " + " | ".join(_signed(m.delta) for m in moves) + " |" for kind, moves in comp.by_type.items()]
        for heading, changes in (("Regressed", comp.regressed), ("Improved", comp.improved)):
            lines += ["", f"### {heading}: {len(changes)} question(s)", ""]
            lines += [f"- **{c.id}** ({c.type}): " + ", ".join(f"{m.name} {fmt(m.before)} → {fmt(m.after)}" for m in c.moves)
                      for c in changes]
        if comp.only_in_a or comp.only_in_b:
            lines += ["", f"Questions only in {label_a}: {', '.join(comp.only_in_a) or 'none'}; "
                          f"only in {label_b}: {', '.join(comp.only_in_b) or 'none'}."]
        lines.append("")
    return "\n".join(lines)
