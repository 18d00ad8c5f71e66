"""`policyqa retrieve`: the clauses the answer reads for a question (hybrid retrieval, a heading's clauses after it), as a table or JSON."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qa.core.errors import BadQuestion, UnreadableFile
from qa.core.types import Filters, Hit
from qa.question import printable, strip_control

SNIPPET_CHARS = 60


LeadUnitOption = Annotated[
    list[str] | None,
    typer.Option("--lead-unit", help="Only clauses this unit leads (牵头单位; repeatable). `policyqa index units` lists them."),
]
BatchOption = Annotated[
    Path | None,
    typer.Option("--batch", dir_okay=False, help="One question per line, or JSONL with a \"question\" field; prints one JSON object per line."),
]


def require_question_or_batch(question: str | None, batch: Path | None) -> None:
    if (question is None) == (batch is None):
        raise typer.BadParameter("give either a QUESTION or --batch FILE (not both).")


def register(app: typer.Typer) -> None:
    app.command("retrieve")(retrieve)


def retrieve(
    question: Annotated[str | None, typer.Argument(help="The question. Omit it when using --batch.")] = None,
    k: Annotated[int | None, typer.Option("-k", "--top-k", min=1, max=100, help="Clauses to return [default: POLICYQA_TOP_K]")] = None,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Only search this document id (repeatable).")] = None,
    lead_unit: LeadUnitOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    batch: BatchOption = None,
) -> None:
    """Show the clauses the answer reads for a question: hybrid retrieval (dense + BM25), a heading's clauses after it."""
    require_question_or_batch(question, batch)
    from qa.service import PolicyQA
    from qa.settings import load_settings

    service = PolicyQA(load_settings())
    filters = Filters(doc_ids=tuple(doc or ()), lead_units=tuple(lead_unit or ()))
    service.check_filters(filters)  # an unknown --doc (or filters matching nothing) fails once, before any question runs

    if batch is not None:
        failed = _run_batch(service.retrieve, read_batch(batch), k, filters)
        if failed:
            Console(stderr=True).print(f"[yellow]{failed} question(s) in {batch} could not be run; see their \"error\" field.[/]")
            raise typer.Exit(1)
        return
    hits = service.retrieve(question, k=k, filters=filters)
    if as_json:
        typer.echo(json.dumps(to_json(question, hits), ensure_ascii=False))
    else:
        titles = {meta.doc_id: meta.short_title or meta.title for meta in service.documents()}
        Console().print(hit_table(question, hits, titles))


def _run_batch(retrieve, rows: list[tuple[int, str | None, str]], k: int | None, filters: Filters) -> int:
    failed = 0
    for line_no, question, problem in rows:
        if question is not None:
            try:
                record = to_json(question, retrieve(question, k=k, filters=filters))
            except BadQuestion as exc:
                problem = exc.message
        if problem:
            failed += 1
            record = {"question": printable(question or ""), "hits": [], "line": line_no, "error": problem}
        typer.echo(json.dumps(record, ensure_ascii=False))
    return failed


def read_batch(path: Path) -> list[tuple[int, str | None, str]]:
    """(line number, question, problem) for each non-blank line; question is None when the
    line cannot be read as a question, and problem says why."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFile(f"Cannot read the batch file {path}: {exc}", hint="Give a UTF-8 text or JSONL file.") from exc
    rows = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if not line.startswith("{"):
            rows.append((line_no, line, ""))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append((line_no, None, f"line {line_no} is not valid JSON: {exc.msg}"))
            continue
        question = record.get("question") if isinstance(record, dict) else None
        if isinstance(question, str):
            rows.append((line_no, question, ""))
        else:
            rows.append((line_no, None, f"line {line_no} has no \"question\" text field"))
    return rows


def to_json(question: str, hits: list[Hit]) -> dict:
    return {
        "question": strip_control(question).strip(),  # as searched: no colour codes in the output
        "hits": [
            {
                "rank": rank,
                "clause_id": hit.clause_id,
                "doc_id": hit.clause.doc_id,
                "doc_title": hit.clause.doc_title,
                "ref": hit.clause.ref,
                "text": hit.text or hit.clause.text,
                "score": round(hit.score, 6),
                "dense_rank": hit.dense_rank,
                "bm25_rank": hit.bm25_rank,
            }
            for rank, hit in enumerate(hits, start=1)
        ],
    }


def hit_table(question: str, hits: list[Hit], short_titles: dict[str, str]) -> Table:
    table = Table(title=escape(strip_control(question).strip()), caption=None if hits else "No matching clauses.", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("clause")
    table.add_column("score", justify="right")
    table.add_column("dense", justify="right")
    table.add_column("bm25", justify="right")
    table.add_column("text")
    for rank, hit in enumerate(hits, start=1):
        clause = hit.clause
        text = " ".join((hit.text or clause.text).split())
        snippet = text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"
        table.add_row(
            str(rank),
            f"《{short_titles.get(clause.doc_id, clause.doc_title)}》{clause.ref}",
            f"{hit.score:.4f}",
            _rank(hit.dense_rank),
            _rank(hit.bm25_rank),
            snippet,
        )
    return table


def _rank(rank: int | None) -> str:
    return "-" if rank is None else str(rank)
