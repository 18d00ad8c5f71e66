"""Writes a run to disk: results.json (everything, for `eval compare` and `eval gate`),
questions.csv (one row per configuration and question), report.md (for people) and PNG plots."""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from eval.judge import judged_section
from eval.metrics import BY_NAME, JUDGED_METRICS, JUDGED_NAMES, METRIC_NAMES, METRICS
from eval.metrics.crag import KEY_FACT_THRESHOLD, ROUGE_THRESHOLD
from eval.runner import ConfigResult, RunResult

SCHEMA = 1
TYPE_TABLE_METRICS = ("hit@5", "mrr@10", "citation_precision", "key_fact_recall", "rouge_l", "refusal_accuracy", "crag")
PLOT_METRICS = ("hit@1", "hit@5", "recall@5", "mrr@10", "ndcg@10", "citation_precision", "citation_recall",
                "badge_rate", "verified", "key_fact_recall", "rouge_l", "token_f1", "refusal_accuracy", "crag")
TYPE_PLOT_METRICS = ("hit@5", "key_fact_recall", "refusal_accuracy", "crag")
# Dev and test apart, and the figures a reader asks of each part.
GROUP_TABLE_METRICS = ("hit@5", "mrr@10", "citation_precision", "key_fact_recall", "verified", "false_refusal",
                       "refusal_recall", "crag")
MAX_LISTED_FAILURES = 25


def write_reports(run: RunResult, out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = to_json(run)
    paths = {
        "results": out / "results.json",
        "questions": out / "questions.csv",
        "report": out / "report.md",
        "plot_configs": out / "metrics_by_config.png",
        "plot_types": out / "metrics_by_type.png",
    }
    paths["results"].write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    _write_csv(data, paths["questions"])
    paths["report"].write_text(render_markdown(data), encoding="utf-8")
    plot_by_config(data, paths["plot_configs"])
    plot_by_type(data, paths["plot_types"])
    return paths


def _clean(value: float) -> float | None:
    """JSON has no NaN: an undefined metric is written as null."""
    return None if isinstance(value, float) and math.isnan(value) else round(value, 6)


def _metrics(values: dict[str, float]) -> dict[str, float | None]:
    return {name: _clean(values[name]) for name in METRIC_NAMES + JUDGED_NAMES if name in values}


def to_json(run: RunResult) -> dict:
    return {
        "schema": SCHEMA,
        "started": run.started,
        "gold": {"path": run.gold_path, "rows": run.gold_rows, "types": run.type_counts},
        "unresolved": [vars(u) for u in run.unresolved],
        "meta": run.meta,
        "configs": [_config_json(c) for c in run.configs],
    }


def _config_json(result: ConfigResult) -> dict:
    config = result.config
    return {
        "name": config.name,
        "retriever": config.retriever,
        "k": config.k,
        "answerer": config.answerer,
        "backend": result.backend,
        "seconds": round(result.seconds, 3),
        "overall": _metrics(result.overall),
        "counted": result.counted,
        "by_type": {kind: _metrics(values) for kind, values in result.by_type.items()},
        "by_split": {name: _metrics(values) for name, values in result.by_split.items()},
        "by_language": {name: _metrics(values) for name, values in result.by_language.items()},
        "split_counts": result.split_counts,
        "language_counts": result.language_counts,
        "questions": [
            {
                "id": q.id,
                "type": q.type,
                "split": q.split,
                "language": q.language,
                "question": q.question,
                "answerable": q.answerable,
                "refused": q.observation.refused,
                "verified": q.observation.verified,
                "error": q.error,
                "seconds": round(q.seconds, 4),
                "retrieved": list(q.observation.retrieved),
                "cited": list(q.observation.cited),
                "answer": q.observation.answer,
                "metrics": _metrics(q.metrics),
                **(_judged_json(q) if any(name in q.metrics for name in JUDGED_NAMES) else {}),
            }
            for q in result.questions
        ],
    }


def _judged_json(q) -> dict:
    """What the judge said about a question, kept so a reader can check the judge, not just its score."""
    claims = q.judgement.claims if q.judgement else ()
    return {"judge_error": q.judge_error,
            "judged_claims": [{"claim": c.claim, "supported": c.supported, "citations": list(c.citations)} for c in claims]}


def load_results(path: str | Path) -> dict:
    """A run's results.json, given the file or the run folder."""
    from qa.core.errors import UnreadableFile

    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableFile(f"Cannot read eval results {path}: {exc}", hint="Give a folder written by `policyqa eval run` or its results.json.") from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or "configs" not in data:
        raise UnreadableFile(f"{path} is not a policyqa eval results file (schema {SCHEMA}).", hint="Re-run `policyqa eval run`.")
    return data


def _write_csv(data: dict, path: Path) -> None:
    # Judged columns only in judged runs, so an offline CSV keeps the columns scripts already read.
    judged = JUDGED_NAMES if data.get("meta", {}).get("judge") else ()
    scored = METRIC_NAMES + judged
    # "badged" is the answer's own badge; the "verified" metric column says whether that badge held.
    columns = ["config", "id", "type", "split", "language", "answerable", "refused", "badged", "error", "seconds", *scored,
               *(["judge_error"] if judged else []), "retrieved_top5", "cited", "question", "answer"]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel opens Chinese CSV correctly
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for config in data["configs"]:
            for q in config["questions"]:
                writer.writerow({
                    "config": config["name"], "id": q["id"], "type": q["type"], "split": q.get("split", ""),
                    "language": q.get("language", ""), "answerable": q["answerable"],
                    "refused": q["refused"], "badged": q["verified"], "error": q["error"], "seconds": q["seconds"],
                    **{name: "" if q["metrics"].get(name) is None else q["metrics"][name] for name in scored},
                    **({"judge_error": q.get("judge_error", "")} if judged else {}),
                    "retrieved_top5": " ".join(q["retrieved"][:5]), "cited": " ".join(q["cited"]),
                    "question": q["question"], "answer": q["answer"],
                })


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def render_markdown(data: dict) -> str:
    configs = data["configs"]
    gold = data["gold"]
    types = ", ".join(f"{kind} {count}" for kind, count in sorted(gold["types"].items()))
    lines = [
        f"# policyqa eval — {data['started']}",
        "",
        f"Gold set `{gold['path']}`: {gold['rows']} questions ({types}).",
        "",
        "## Results",
        "",
        "| metric | " + " | ".join(c["name"] for c in configs) + " |",
        "| --- | " + " | ".join("---:" for _ in configs) + " |",
    ]
    for name in METRIC_NAMES:
        arrow = "↑" if BY_NAME[name].higher_is_better else "↓"
        cells = [f"{fmt(c['overall'].get(name))} (n={c['counted'].get(name, 0)})" for c in configs]
        lines.append(f"| {name} {arrow} | " + " | ".join(cells) + " |")
    lines.append("| seconds | " + " | ".join(f"{c['seconds']:.1f}" for c in configs) + " |")
    for config in configs:
        lines += _group_section(config, "by_split", "split_counts", "By split (dev: tuning allowed; test: only reported)")
        lines += _group_section(config, "by_language", "language_counts", "By question language")
    for config in configs:
        lines += ["", f"## By question type — {config['name']}", "",
                  "| type | n | " + " | ".join(TYPE_TABLE_METRICS) + " |",
                  "| --- | ---: | " + " | ".join("---:" for _ in TYPE_TABLE_METRICS) + " |"]
        for kind, values in config["by_type"].items():
            cells = " | ".join(fmt(values.get(name)) for name in TYPE_TABLE_METRICS)
            lines.append(f"| {kind} | {gold['types'].get(kind, 0)} | {cells} |")
    lines += judged_section(data, fmt, _cell)
    lines += _unresolved_section(data["unresolved"])
    for config in configs:
        lines += _failures_section(config)
    lines += _definitions_section(bool(data.get("meta", {}).get("judge")))
    return "\n".join(lines) + "\n"


def _group_section(config: dict, key: str, counts_key: str, title: str) -> list[str]:
    groups, counts = config.get(key) or {}, config.get(counts_key) or {}
    if not groups:
        return []
    lines = ["", f"## {title} — {config['name']}", "",
             "| part | n | " + " | ".join(GROUP_TABLE_METRICS) + " |",
             "| --- | ---: | " + " | ".join("---:" for _ in GROUP_TABLE_METRICS) + " |"]
    for name, values in groups.items():
        cells = " | ".join(fmt(values.get(metric)) for metric in GROUP_TABLE_METRICS)
        lines.append(f"| {name} | {counts.get(name, 0)} | {cells} |")
    return lines


def _unresolved_section(unresolved: list[dict]) -> list[str]:
    if not unresolved:
        return ["", "## Unresolved evidence", "", "Every evidence quote resolved to a clause."]
    lines = ["", "## Unresolved evidence", "",
             f"{len(unresolved)} quote(s) match no single clause; their questions were scored on the evidence that did resolve.", "",
             "| question | line | document | quote | reason |", "| --- | ---: | --- | --- | --- |"]
    for u in unresolved:
        lines.append(f"| {u['row_id']} | {u['line']} | {u['doc_id']} | {_cell(u['quote'])} | {u['reason']} |")
    return lines


def _failures_section(config: dict) -> list[str]:
    failures = [q for q in config["questions"] if q["error"] or q["metrics"].get("crag") == -1 or q["metrics"].get("hit@5") == 0]
    lines = ["", f"## Failures — {config['name']}", ""]
    if not failures:
        return lines + ["None: every question was retrieved within 5 and answered or refused correctly."]
    lines += [f"{len(failures)} question(s) with an error, a retrieval miss at 5, or a wrong answer (CRAG −1)"
              + (f"; the first {MAX_LISTED_FAILURES}:" if len(failures) > MAX_LISTED_FAILURES else ":"), "",
              "| id | type | hit@5 | key facts | refused | answer |", "| --- | --- | ---: | ---: | --- | --- |"]
    for q in failures[:MAX_LISTED_FAILURES]:
        answer = q["error"] and f"error: {q['error']}" or q["answer"]
        lines.append(f"| {q['id']} | {q['type']} | {fmt(q['metrics'].get('hit@5'))} | {fmt(q['metrics'].get('key_fact_recall'))} "
                     f"| {'yes' if q['refused'] else 'no'} | {_cell(answer, 80)} |")
    return lines


def _cell(text: str, limit: int = 60) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _definitions_section(judged: bool) -> list[str]:
    lines = ["", "## Metric definitions", "",
             "Averages skip undefined values (shown as –), so n differs per metric: retrieval, citation and answer "
             "metrics are undefined on unanswerable questions, citation precision on answers citing nothing, "
             "`badge_rate` on refusals, `verified` on refusals and unbadged answers, refusal recall on answerable questions and false refusal on unanswerable ones.", ""]
    lines += [f"- **{m.name}** ({m.group}, {'higher' if m.higher_is_better else 'lower'} is better): {m.definition}."
              for m in METRICS + (JUDGED_METRICS if judged else ())]
    lines += ["", f"An answer is *correct* when its key-fact recall is ≥ {KEY_FACT_THRESHOLD} (or, for a question without key "
              f"facts, its character ROUGE-L F1 is ≥ {ROUGE_THRESHOLD}). On an unanswerable question the refusal is correct "
              "(+1) and any answer counts as wrong (−1). "
              + ("Every figure outside the model-judged faithfulness section is computed offline." if judged
                 else "All figures are computed offline; none is model-judged.")]
    return lines


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    return plt


def plot_by_config(data: dict, path: Path) -> None:
    plt = _pyplot()
    configs = data["configs"]
    width = 0.8 / max(len(configs), 1)
    fig, ax = plt.subplots(figsize=(max(8, len(PLOT_METRICS) * 0.9), 4.5))
    for i, config in enumerate(configs):
        values = [config["overall"].get(name) for name in PLOT_METRICS]
        xs = [n + i * width for n in range(len(PLOT_METRICS))]
        ax.bar(xs, [0 if v is None else v for v in values], width, label=config["name"])
    ax.set_xticks([n + width * (len(configs) - 1) / 2 for n in range(len(PLOT_METRICS))], PLOT_METRICS, rotation=40, ha="right")
    # Headroom above 1 keeps the legend off the bars.
    ax.set_ylim(-1 if any((c["overall"].get("crag") or 0) < 0 for c in configs) else 0, 1.18)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_title("Metrics per configuration")
    ax.legend(fontsize="small", loc="upper center", ncol=len(configs))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def type_labels(data: dict, kinds: list[str]) -> list[str]:
    """Axis labels that carry each type's question count: a bar of 3 questions is not a bar of 30."""
    counts = data["gold"]["types"]
    return [f"{kind}\n(n={counts.get(kind, 0)})" for kind in kinds]


def plot_by_type(data: dict, path: Path) -> None:
    plt = _pyplot()
    configs = data["configs"]
    fig, axes = plt.subplots(len(configs), 1, figsize=(10, 3.6 * len(configs)), squeeze=False)
    width = 0.8 / len(TYPE_PLOT_METRICS)
    for ax, config in zip(axes[:, 0], configs):
        kinds = list(config["by_type"])
        for i, name in enumerate(TYPE_PLOT_METRICS):
            values = [config["by_type"][kind].get(name) for kind in kinds]
            ax.bar([n + i * width for n in range(len(kinds))], [0 if v is None else v for v in values], width, label=name)
        labels = type_labels(data, kinds)
        ax.set_xticks([n + width * (len(TYPE_PLOT_METRICS) - 1) / 2 for n in range(len(kinds))], labels, rotation=0, fontsize="small")
        ax.set_ylim(-1, 1.3)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_title(f"Per question type — {config['name']}")
        ax.legend(fontsize="small", loc="upper center", ncol=len(TYPE_PLOT_METRICS))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
