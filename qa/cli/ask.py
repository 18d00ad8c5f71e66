"""`policyqa ask`: a cited answer (or a refusal) to a question, pretty or as JSON.

Exit status: 0 answered (a refusal is an answer); 1 the question could not be asked (a bad
question, filters or settings: said on stderr, never as a traceback), or `--mode llm` was asked
and the model failed, so the offline answer was printed instead (its notice on stderr). With
--batch every line is answered or reported, and the status is 1 if any line was not.
"""
from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from qa.cli.retrieve import BatchOption, LeadUnitOption, read_batch, require_question_or_batch
from qa.core.errors import BadQuestion, LLMError
from qa.core.serialize import answer_view
from qa.core.messages import answer_state
from qa.core.types import OFFLINE_BACKEND, Answer, AnswerMode, Filters, Language
from qa.question import printable


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)


def ask(
    question: Annotated[str | None, typer.Argument(help="The question. Omit it when using --batch.")] = None,
    k: Annotated[int | None, typer.Option("-k", "--top-k", min=1, max=100, help="Clauses to retrieve [default: POLICYQA_TOP_K]")] = None,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Only use this document id (repeatable).")] = None,
    lead_unit: LeadUnitOption = None,
    mode: Annotated[str, typer.Option("--mode", help="auto (LLM when configured), offline or llm (exit 1 when the model fails and the offline answer is shown).")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of formatted text.")] = False,
    batch: BatchOption = None,
) -> None:
    """Answer a question from the indexed documents, citing the clauses every statement rests on."""
    require_question_or_batch(question, batch)
    modes = [m.value for m in AnswerMode]
    if mode not in modes:
        raise typer.BadParameter(f"--mode must be one of {', '.join(modes)}, not {mode!r}.")
    from qa.service import PolicyQA
    from qa.settings import load_settings

    service = PolicyQA(load_settings())
    filters = Filters(doc_ids=tuple(doc or ()), lead_units=tuple(lead_unit or ()))
    service.check_filters(filters)  # an unknown --doc fails once, before any question runs
    if batch is not None:
        _ask_batch(service, batch, k, filters, mode)
        return

    console = Console()
    with console.status("Answering…", spinner="dots") if not as_json else nullcontext():
        answer = service.ask(question, k=k, filters=filters, mode=mode)
    fell_back = _fell_back(answer, mode)
    if as_json:
        typer.echo(json.dumps(to_json(answer), ensure_ascii=False))
    else:
        print_answer(console, answer, show_notice=not fell_back)
    if fell_back:
        Console(stderr=True).print(f"[yellow]Notice:[/] {escape(answer.notice)}")
        raise typer.Exit(1)


def _fell_back(answer: Answer, mode: str) -> bool:
    """The model was asked for by name and failed: the offline answer is not what was asked."""
    return mode == AnswerMode.LLM and answer.backend == OFFLINE_BACKEND


def _ask_batch(service, batch: Path, k: int | None, filters: Filters, mode: str) -> None:
    """One JSON line per question, in order; a line that cannot be answered gets an "error"
    record (and a line on stderr) and the rest still run."""
    err = Console(stderr=True)
    failed = fell_back = 0
    for line_no, text, problem in read_batch(batch):
        if text is not None:
            try:
                answer = service.ask(text, k=k, filters=filters, mode=mode)
            except (BadQuestion, LLMError) as exc:
                problem = exc.message
            else:
                record = to_json(answer)
                if _fell_back(answer, mode):
                    fell_back += 1
                    err.print(f"[yellow]line {line_no}: answered offline:[/] {escape(answer.notice)}")
        if problem:
            failed += 1
            record = {"question": printable(text or ""), "line": line_no, "error": problem}
            err.print(f"[yellow]line {line_no}:[/] {escape(problem)}")
        typer.echo(json.dumps(record, ensure_ascii=False))
    if failed:
        err.print(f"[yellow]{failed} question(s) in {batch} could not be answered; see their \"error\" field.[/]")
    if fell_back:
        err.print(f"[yellow]{fell_back} question(s) in {batch} were answered offline because the model failed.[/]")
    if failed or fell_back:
        raise typer.Exit(1)


to_json = answer_view  # the public JSON of an answer, shared with the HTTP API


def print_answer(console: Console, answer: Answer, show_notice: bool = True) -> None:
    if answer.standalone_question:
        console.print(f"[dim]Understood as: {escape(answer.standalone_question)}[/]")
    text = escape(answer.text)
    for check in answer.unverified:
        sentence = escape(check.sentence)
        why = "no citation" if check.reason == "uncited" else "figure not in cited clause: " + "、".join(check.missing_figures)
        text = text.replace(sentence, f"[yellow underline]{sentence}[/] [yellow]⚠ unverified ({escape(why)})[/]", 1)
    console.print(text)
    console.print()
    if answer.refused and answer.nearest:
        console.print("[bold]Nearest clauses[/] (they do not answer the question):")
        for hit in answer.nearest:
            console.print(f"  • 《{escape(hit.clause.doc_title)}》{escape(hit.clause.ref)}")
    elif answer.citations:
        console.print("[bold]References[/]")
        for c in answer.citations:
            console.print(f"  {escape(f'[{c.n}]')} 《{escape(c.doc_title)}》{escape(c.ref)}")
    # The same words as the web badge: which checks ran and how closely the evidence matches.
    level = answer.evidence.level if answer.evidence else ""
    state = answer_state(answer.refused, answer.verified, level, Language.EN)
    missing = f" (not found: {'、'.join(answer.evidence.missing)})" if answer.evidence and answer.evidence.missing else ""
    console.print(f"[dim]backend: {escape(answer.backend)} · {escape(state)}{escape(missing)}[/]")
    if answer.notice and show_notice:
        console.print(f"[cyan]Notice:[/] {escape(answer.notice)}")
