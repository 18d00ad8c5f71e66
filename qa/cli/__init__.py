"""The `policyqa` command. Subcommands live in qa/cli/{index,retrieve,ask}.py and eval/cli.py;
errors become user text here, at the edge, and nowhere else. Subcommand modules import only
typer and rich at import time (everything heavy inside the command), so `policyqa --help`
starts fast."""
from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from qa.core.errors import PolicyQAError
from qa.question import printable

app = typer.Typer(
    name="policyqa",
    help="Ask questions of Chinese policy documents; get answers with verifiable clause citations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


_OWN_COMMANDS = ("ask", "retrieve", "index")


def _register(argv: list[str]) -> None:
    """`policyqa ask …` does not need the eval commands, whose imports (metrics, plots, the
    judge) cost a quarter of a second of every cold start: they are registered for everything else
    (`policyqa eval …`, `--help`, no command)."""
    from qa.cli import ask, retrieve
    from qa.cli import index as index_cli

    faces = [index_cli, retrieve, ask]
    as_command = bool(argv) and Path(argv[0]).name in ("policyqa", "__main__.py", "-m")  # not a test importing `app`
    if not (as_command and argv[1:2] and argv[1] in _OWN_COMMANDS):
        from eval import cli as eval_cli

        faces.append(eval_cli)
    for face in faces:
        face.register(app)


_register(sys.argv)


def main() -> None:
    try:
        app()
    except PolicyQAError as exc:
        # Messages quote user input (file names, ids, questions): print it as text, not markup.
        err_console.print(f"[bold red]Error:[/] {escape(printable(exc.message))}")
        if exc.hint:
            err_console.print(escape(printable(exc.hint)))
        sys.exit(1)


if __name__ == "__main__":
    main()
