"""`policyqa index build|show|stats`: build the clause index and look inside it."""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from qa.core.types import BuildReport, Clause
from qa.progress import stage_bars

index_app = typer.Typer(help="Build and inspect the clause index.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)

SNIPPET_CHARS = 50


def register(app: typer.Typer) -> None:
    app.add_typer(index_app, name="index")


def _service():
    from qa.service import PolicyQA
    from qa.settings import load_settings

    return PolicyQA(load_settings())


@index_app.command("build")
def build(
    corpus: Annotated[
        Path | None, typer.Option("--corpus", exists=True, file_okay=False, help="Corpus folder [default: POLICYQA_CORPUS]")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Write a new index even if nothing changed.")] = False,
) -> None:
    """Parse the corpus and (re)build the index; only new or changed clauses are embedded."""
    service = _service()
    with stage_bars() as progress:
        report = service.build_index(corpus_dir=corpus, progress=progress, force=force)
    console.print(summary(report))
    # Outside the table so a long path is never wrapped: users copy it.
    console.print(f"Index location: {report.index_dir}", soft_wrap=True, highlight=False)


MAX_DUPLICATE_LINES = 10  # a corpus of reposts can have hundreds; the first ones say enough


def summary(report: BuildReport) -> Table:
    table = Table(title="Index unchanged (corpus and model as before)" if report.unchanged else "Index built",
                  show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("documents read", str(report.documents))
    for label in ("added", "changed"):
        if getattr(report, label):
            table.add_row(f"  {label}", ", ".join(getattr(report, label)))
    if report.removed_documents:
        table.add_row("  removed", ", ".join(report.removed_documents))
    table.add_row("skipped", str(len(report.skipped)))
    for skipped in report.skipped:
        table.add_row("", f"{Path(skipped.path).name}: {skipped.reason}")
    if report.duplicates:
        table.add_row("duplicates", str(len(report.duplicates)))
        for line in report.duplicates[:MAX_DUPLICATE_LINES]:
            table.add_row("", line)
        if len(report.duplicates) > MAX_DUPLICATE_LINES:
            table.add_row("", f"… and {len(report.duplicates) - MAX_DUPLICATE_LINES} more")
    table.add_row("clauses", str(report.clauses))
    table.add_row("embedded / reused", f"{report.embedded} / {report.reused}")
    table.add_row("seconds", f"{report.seconds:.1f}")
    if report.store.startswith("http"):
        table.add_row("chroma server", report.store)
    table.add_row("embedding model", report.model_id)
    table.add_row("generation", report.generation)
    return table


@index_app.command("show")
def show(
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per clause per line.")] = False,
) -> None:
    """List the clauses in document order, from the index (or parsed now when there is none)."""
    from qa.core.errors import IndexNotBuilt

    service = _service()
    try:
        clauses = service.clauses(doc)
        titles = {m.doc_id: m.title for m in service.documents()}
    except IndexNotBuilt:
        clauses, titles = _parse_without_index(service.settings, doc)
    if as_json:
        for clause in clauses:
            typer.echo(json.dumps(clause_json(clause), ensure_ascii=False))
        return
    for doc_id, tree in clause_trees(clauses, titles).items():
        console.print(tree)


def _parse_without_index(settings, doc: str | None) -> tuple[list[Clause], dict[str, str]]:
    from index.ingest.corpus import read_corpus
    from qa.core.errors import BadQuestion

    err_console.print(
        f"[yellow]No index at {settings.index_dir}: showing {settings.corpus_dir} parsed now, not indexed.[/] "
        "Build it with: policyqa index build"
    )
    with stage_bars() as callback:
        parsed, skipped = read_corpus(settings.corpus_dir, settings.chunk_tokens, lambda d, t: callback("read", d, t))
    for item in skipped:
        err_console.print(f"skipped {item.path}: {item.reason}")
    titles = {p.document.meta.doc_id: p.document.meta.title for p in parsed}
    if doc is not None and doc not in titles:
        raise BadQuestion(f"Unknown document id: {doc}.", hint="Valid ids: " + ", ".join(titles))
    return [c for p in parsed for c in p.clauses if doc is None or c.doc_id == doc], titles


def clause_json(clause: Clause) -> dict:
    return {
        "clause_id": clause.clause_id,
        "doc_id": clause.doc_id,
        "doc_title": clause.doc_title,
        "ref": clause.ref,
        "path": list(clause.path),
        "labels": list(clause.labels),
        "heading": clause.heading,
        "text": clause.text,
        "level": clause.level,
        "ordinal": clause.ordinal,
        "part": clause.part,
        "parts": clause.parts,
        "parent_id": clause.parent_id,
        "start": clause.start,
        "end": clause.end,
        "page": clause.page,
        "lead_units": list(clause.lead_units),
        "responsible_units": list(clause.responsible_units),
        "items": [{"label": label, "start": start, "end": end} for label, start, end in clause.items],
        "aligned": clause.aligned,
    }


def clause_trees(clauses: Sequence[Clause], titles: dict[str, str]) -> dict[str, Tree]:
    """One tree per document; a clause hangs under its parent, parts of a clause share a node."""
    trees: dict[str, Tree] = {}
    nodes: dict[str, Tree] = {}
    for clause in clauses:
        if clause.doc_id not in trees:
            trees[clause.doc_id] = Tree(f"[bold]{titles.get(clause.doc_id, clause.doc_title)}[/] ({clause.doc_id})")
        if clause.part > 1:
            continue
        parent = nodes.get(clause.parent_id or "", trees[clause.doc_id])
        text = " ".join(clause.text.split())
        snippet = text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"
        parts = f" [dim]({clause.parts} parts)[/]" if clause.parts > 1 else ""
        heading = f" [bold]{_escape(clause.heading)}[/]" if clause.heading else ""
        lead = f" [magenta]牵头：{_escape('、'.join(clause.lead_units))}[/]" if clause.lead_units else ""
        lead += " [yellow](placed by TOC alignment)[/]" if clause.aligned else ""
        lead += f" [dim]items {_escape(' '.join(i[0] for i in clause.items))}[/]" if clause.items else ""
        label = (f"[cyan]{_escape(clause.ref or '(preamble)')}[/]{heading}{parts}{lead} [dim]{clause.clause_id}[/]"
                 f"\n{_escape(snippet)}")
        nodes[clause.base_id] = parent.add(label)
    return trees


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@index_app.command("units")
def units(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The lead units (牵头单位…) the indexed clauses name, with clause counts: what --lead-unit takes."""
    counts = _service().lead_unit_counts()
    if as_json:
        typer.echo(json.dumps([{"unit": unit, "clauses": n} for unit, n in counts.items()], ensure_ascii=False))
        return
    if not counts:
        console.print("No clause of the indexed documents names a lead unit.")
        return
    table = Table("lead unit", "clauses")
    for unit, n in counts.items():
        table.add_row(_escape(unit), str(n))
    console.print(table)


@index_app.command("stats")
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Documents, clauses, where the index lives, the embedding model, sizes on disk."""
    figures = _service().index_stats()
    if as_json:
        typer.echo(json.dumps(figures, ensure_ascii=False, indent=1))
        return
    table = Table(title="Index", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for key in ("documents", "clauses", "index_dir", "store", "collection", "generation", "built_at",
                "embedding_model", "dim", "chunk_tokens", "corpus_dir"):
        table.add_row(key.replace("_", " "), str(figures[key]))
    for part, size in figures["bytes"].items():
        table.add_row(f"size: {part}", "on the server" if size is None else _human(size))
    for doc_id, count in figures["per_document"].items():
        table.add_row(f"  {doc_id}", f"{count} clauses")
    console.print(table)


def _human(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)
