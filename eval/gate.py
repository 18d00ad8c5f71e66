"""The CI gate: a run fails when a gated metric of any of its configurations falls below the
threshold in eval/thresholds.json."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from eval.metrics import JUDGED_NAMES
from qa.core.errors import UnreadableFile

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.json"


@dataclass(frozen=True)
class GateCheck:
    config: str
    metric: str
    value: float | None
    threshold: float

    @property
    def passed(self) -> bool:
        # An undefined value (no question could be scored) cannot pass a gate.
        return self.value is not None and self.value >= self.threshold


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
    judged = sorted({metric for table in tables.values() for metric in table if metric in JUDGED_NAMES})
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
        checks += [GateCheck(config["name"], metric, config["overall"].get(metric), minimum) for metric, minimum in table.items()]
    return checks
