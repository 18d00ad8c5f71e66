"""`policyqa eval …`: run a gold set, compare two runs, gate CI on thresholds, check a gold set."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from eval.gate import DEFAULT_THRESHOLDS
from eval.goldset import DEFAULT_GOLD

eval_app = typer.Typer(name="eval", help="Benchmark policyqa on a gold question set.", no_args_is_help=True)
console = Console()
# Short headers keep the summary inside an 80-column terminal; report.md has the full names.
SUMMARY_METRICS = {"hit@5": "hit@5", "mrr@10": "MRR", "citation_precision": "cite P", "key_fact_recall": "facts",
                   "rouge_l": "ROUGE-L", "refusal_accuracy": "refuse", "crag": "CRAG"}


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")


GoldOption = Annotated[Path, typer.Option("--gold", dir_okay=False, help="Gold-set JSONL (see eval/gold/FORMAT.md).")]
CorpusOption = Annotated[Path | None, typer.Option(
    "--corpus", file_okay=False, exists=True,
    help="Corpus folder the gold set is about [default: POLICYQA_CORPUS]; another folder gets its own index under POLICYQA_HOME/corpora/.")]


@eval_app.command("run")
def run(
    gold: GoldOption = DEFAULT_GOLD,
    corpus: CorpusOption = None,
    split: Annotated[str, typer.Option("--split", help="dev (tuning allowed) | test (only reported) | all.")] = "all",
    retriever: Annotated[list[str] | None, typer.Option("--retriever", help="dense | bm25 | hybrid | all; repeat to compare several.")] = None,
    k: Annotated[int | None, typer.Option("-k", "--top-k", min=1, max=100, help="Clauses given to the answerer [default: POLICYQA_TOP_K].")] = None,
    answerer: Annotated[str, typer.Option("--answerer", help="offline (extractive) | llm (needs an endpoint).")] = "offline",
    out: Annotated[Path | None, typer.Option("--out", file_okay=False, help="Report folder [default: POLICYQA_HOME/eval/<time>].")] = None,
    only_type: Annotated[list[str] | None, typer.Option("--type", help="Only questions of this type (repeatable).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N questions.")] = None,
    gate: Annotated[bool, typer.Option("--gate", help="Exit 1 when a gated metric is below eval/thresholds.json.")] = False,
    thresholds: Annotated[Path, typer.Option("--thresholds", dir_okay=False, help="Thresholds for --gate.")] = DEFAULT_THRESHOLDS,
    judge: Annotated[bool, typer.Option("--judge", help="Also score faithfulness_llm: a judge model checks each claim against the cited clauses (needs an endpoint; model-judged, never gated).")] = False,
    judge_model: Annotated[str, typer.Option("--judge-model", help="Judge model at the endpoint [default: POLICYQA_LLM_MODEL].")] = "",
) -> None:
    """Run the gold set; write report.md, results.json, questions.csv and plots."""
    from eval.goldset import load_gold
    from eval.judge import FaithfulnessJudge
    from eval.report import write_reports
    from eval.runner import RETRIEVER_SOURCES, RunConfig, run_eval, service_for
    from qa.service import PolicyQA
    from qa.core.errors import LLMError

    settings = corpus_settings(corpus)
    if answerer == "llm" and not settings.llm_configured:
        raise LLMError("--answerer llm needs an LLM endpoint.", hint="Set OPENAI_API_KEY and/or OPENAI_BASE_URL (see README), or use --answerer offline.")
    if judge_model and not judge:
        raise typer.BadParameter("--judge-model only applies with --judge.")
    judge_with = FaithfulnessJudge.from_service(PolicyQA(settings), judge_model) if judge else None
    modes = retriever or ["hybrid"]
    modes = list(RETRIEVER_SOURCES) if "all" in modes else list(dict.fromkeys(modes))
    configs = [RunConfig(retriever=mode, k=k or settings.top_k, answerer=answerer) for mode in modes]

    gold_set = load_gold(gold).select_split(split)
    if only_type:
        gold_set = gold_set.subset(row.id for row in gold_set.rows if row.type in only_type)
    if limit:
        gold_set = gold_set.subset(row.id for row in gold_set.rows[:limit])
    if not gold_set.rows:
        raise typer.BadParameter("no gold question matches --split/--type/--limit.")
    _ensure_index(settings)

    result = run_eval(lambda config: service_for(settings, config), gold_set, configs, progress=True, judge=judge_with)
    out_dir = out or settings.home / "eval" / datetime.now().strftime("%Y%m%d-%H%M%S")
    paths = write_reports(result, out_dir)
    console.print(_summary_table(result))
    if judge_with:
        _print_judged(result, judge_with.model)
    if result.unresolved:
        console.print(f"[yellow]{len(result.unresolved)} evidence quote(s) did not resolve to a clause; see report.md.[/]")
    console.print(f"Report: {paths['report']}\nResults: {paths['results']}")
    if gate:
        _gate(paths["results"], thresholds)


@eval_app.command("compare")
def compare(
    run_a: Annotated[Path, typer.Argument(help="Earlier run (folder or results.json).")],
    run_b: Annotated[Path, typer.Argument(help="Later run (folder or results.json).")],
    out: Annotated[Path | None, typer.Option("--out", dir_okay=False, help="Also write the comparison as Markdown.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON (intervals and verdicts).")] = False,
    resamples: Annotated[int, typer.Option("--resamples", min=100, help="Bootstrap resamples.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed (fixed: the same runs give the same verdict).")] = 20261130,
) -> None:
    """What improved and what regressed from RUN_A to RUN_B, with a paired bootstrap interval per
    metric; exits 1 when a metric got significantly worse (its interval excludes 0 on the worse side)."""
    import json

    from eval.compare import compare_runs, comparison_json, render_comparison
    from eval.report import load_results

    comparisons, unpaired = compare_runs(load_results(run_a), load_results(run_b), resamples, seed)
    text = render_comparison(str(run_a), str(run_b), comparisons, unpaired)
    if as_json:
        typer.echo(json.dumps(comparison_json(str(run_a), str(run_b), comparisons, unpaired), ensure_ascii=False, indent=1))
    else:
        console.print(Markdown(text))
    if out:
        out.write_text(text, encoding="utf-8")
        if not as_json:
            console.print(f"Written to {out}")
    if any(c.significant_regressions for c in comparisons):
        if not as_json:
            worse = sorted({i.name for c in comparisons for i in c.significant_regressions})
            console.print(f"[red]Significant regression: {', '.join(worse)}[/]")
        raise typer.Exit(1)


@eval_app.command("gate")
def gate_command(
    run_dir: Annotated[Path, typer.Argument(help="A run folder or its results.json.")],
    thresholds: Annotated[Path, typer.Option("--thresholds", dir_okay=False)] = DEFAULT_THRESHOLDS,
) -> None:
    """Exit 1 when a gated metric (overall, or on a split or language) is on the wrong side of its threshold."""
    _gate(run_dir, thresholds)


@eval_app.command("check")
def check(gold: GoldOption = DEFAULT_GOLD, corpus: CorpusOption = None) -> None:
    """Validate a gold set and resolve its quotes against the built index, without asking anything."""
    from eval.goldset import load_gold, resolve
    from qa.service import PolicyQA

    gold_set = load_gold(gold)
    counts = gold_set.count_by_type()
    console.print(f"{len(gold_set.rows)} questions: " + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())))
    settings = corpus_settings(corpus)
    _ensure_index(settings)
    resolution = resolve(gold_set, PolicyQA(settings).clauses())
    quotes = sum(len(row.evidence) for row in gold_set.rows)
    if not resolution.unresolved:
        console.print(f"All {quotes} evidence quotes resolve to clauses.")
        return
    table = Table(title=f"{len(resolution.unresolved)} of {quotes} quotes do not resolve")
    for column in ("id", "line", "document", "quote", "reason"):
        table.add_column(column)
    for u in resolution.unresolved:
        table.add_row(u.row_id, str(u.line), u.doc_id, u.quote, u.reason)
    console.print(table)
    raise typer.Exit(1)


def corpus_settings(corpus: Path | None):
    """Settings for the corpus a gold set is about. A folder other than the configured one gets an
    index of its own (POLICYQA_HOME/corpora/<name>-<hash>), so evaluating the real-document or the
    laws corpus never touches the app's index, nor the app's uploaded documents."""
    import hashlib

    from qa.settings import load_settings

    settings = load_settings()
    if corpus is None or corpus.resolve() == settings.corpus_dir.resolve():
        return settings
    folder = corpus.resolve()
    name = f"{folder.name}-{hashlib.sha256(str(folder).encode('utf-8')).hexdigest()[:8]}"
    return load_settings(corpus_dir=folder, home=settings.home / "corpora" / name)


def _ensure_index(settings) -> None:
    """Bring the index up to date before measuring, like the app does: built on first use, and
    rebuilt incrementally when a corpus file or the parser changed (an eval over a stale index
    would score documents it cannot see as missing evidence)."""
    from qa.core.errors import IndexNotBuilt
    from qa.progress import stage_bars
    from qa.service import PolicyQA

    service = PolicyQA(settings)
    try:
        service.clauses()
        console.print(f"Checking the index at {settings.index_dir} against {settings.corpus_dir}.")
    except IndexNotBuilt:
        console.print(f"No index at {settings.index_dir}; building it from {settings.corpus_dir} first.")
    with stage_bars() as progress:
        report = service.build_index(progress=progress)
    if not report.unchanged:
        console.print(f"Index updated: {len(report.added)} added, {len(report.changed)} changed, "
                      f"{len(report.removed_documents)} removed document(s); {report.clauses} clauses.")


def _gate(run_dir: Path, thresholds_path: Path) -> None:
    from eval.gate import check_gate, load_thresholds
    from eval.report import fmt, load_results

    checks = check_gate(load_results(run_dir), load_thresholds(thresholds_path))
    table = Table(title="CI gate")
    for column in ("configuration", "metric", "value", "limit", ""):
        table.add_column(column)
    for c in checks:
        table.add_row(c.config, c.metric, fmt(c.value), ("≤ " if c.at_most else "≥ ") + f"{c.threshold:.3f}", "[green]pass[/]" if c.passed else "[red]FAIL[/]")
    console.print(table)
    if not all(c.passed for c in checks):
        raise typer.Exit(1)


def _print_judged(result, model: str) -> None:
    """Printed apart from the summary table, which holds only offline figures."""
    from eval.metrics.faithfulness import NAME
    from eval.report import fmt

    for config in result.configs:
        value = config.overall.get(NAME, float("nan"))
        errors = f", [yellow]{config.judge_errors} judge error(s)[/]" if config.judge_errors else ""
        console.print(f"{config.config.name}: {NAME} {fmt(None if value != value else value)} "
                      f"(n={config.counted.get(NAME, 0)}{errors}) — model-judged (judge model: {model})")


def _summary_table(result) -> Table:
    from eval.report import fmt

    table = Table(title=f"{result.gold_rows} questions")
    table.add_column("configuration", no_wrap=True)
    for header in SUMMARY_METRICS.values():
        table.add_column(header, justify="right")
    table.add_column("s", justify="right")
    for config in result.configs:
        values = [fmt(None if v != v else v) for v in (config.overall[name] for name in SUMMARY_METRICS)]
        table.add_row(config.config.name, *values, f"{config.seconds:.1f}")
        # Dev and test apart: a figure tuned on dev says little until test agrees.
        for part, averages in config.by_split.items():
            values = [fmt(None if v != v else v) for v in (averages.get(name, float("nan")) for name in SUMMARY_METRICS)]
            table.add_row(f"  {part} (n={config.split_counts.get(part, 0)})", *values, "")
    return table
