"""The CI gate: a run fails when a gated metric of any of its configurations is on the wrong side
of its threshold in eval/thresholds.json.

A key is a metric name (the overall value) or `<part>/<metric>` for one split or language of the
gold set (`test/hit@5`, `en/hit@5`). The threshold is a minimum for a metric where higher is
better and a maximum where lower is better (`false_refusal`)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from eval.metrics import BY_NAME, JUDGED_NAMES
from qa.core.errors import UnreadableFile

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.json"


@dataclass(frozen=True)
class GateCheck:
    config: str
    metric: str
    value: float | None
    threshold: float
    at_most: bool = False  # the threshold is a maximum (a metric where lower is better)

    @property
    def passed(self) -> bool:
        # An undefined value (no question could be scored) cannot pass a gate.
        if self.value is None:
            return False
        return self.value <= self.threshold if self.at_most else self.value >= self.threshold


def load_thresholds(path: str | Path = DEFAULT_THRESHOLDS) -> dict[str, dict[str, float]]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableFile(f"Cannot read the thresholds file {path}: {exc}", hint="See eval/thresholds.json for the format.") from exc
    tables = {key: value for key, value in data.items() if not key.startswith("_")}
    if "default" not in tables or not all(
        isinstance(table, dict) and all(isinstance(v, (int, float)) for v in table.values()) for table in tables.values()
    ):
        raise UnreadableFile(
            f"{path} must map \"default\" (and optionally a retriever or configuration name) to {{metric: minimum}}.",
            hint='e.g. {"default": {"hit@5": 0.8, "citation_precision": 0.6, "refusal_accuracy": 0.7}}',
        )
    # A gate must give the same verdict on the same answers, offline; a judge model's opinion does neither.
    unknown = sorted({key for table in tables.values() for key in table if _metric(key) not in BY_NAME})
    if unknown:
        raise UnreadableFile(f"{path} gates on unknown metric(s): {', '.join(unknown)}.",
                             hint="Use a metric of eval/metrics, optionally as <split or language>/<metric>.")
    judged = sorted({key for table in tables.values() for key in table if _metric(key) in JUDGED_NAMES})
    if judged:
        raise UnreadableFile(
            f"{path} gates on {', '.join(judged)}, which is model-judged and cannot gate CI.",
            hint="Remove it; read it in report.md of a run with --judge instead.",
        )
    return tables


def check_gate(results: dict, thresholds: dict[str, dict[str, float]]) -> list[GateCheck]:
    """One check per configuration and gated metric. The table used is the configuration's own
    name if listed, else its retriever ("bm25"), else "default"."""
    checks = []
    for config in results["configs"]:
        table = thresholds.get(config["name"]) or thresholds.get(config["retriever"]) or thresholds["default"]
        checks += [GateCheck(config["name"], key, gated_value(config, key), limit,
                             at_most=not BY_NAME[_metric(key)].higher_is_better)
                   for key, limit in table.items()]
    return checks


def _metric(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def gated_value(config: dict, key: str) -> float | None:
    """The overall value, or the value on one split (by_split) or question language (by_language)."""
    if "/" not in key:
        return config["overall"].get(key)
    part, metric = key.rsplit("/", 1)
    groups = {**config.get("by_language", {}), **config.get("by_split", {})}
    return groups.get(part, {}).get(metric)
