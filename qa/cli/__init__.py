"""The `policyqa` command. Subcommands live in qa/cli/{index,retrieve,ask}.py and eval/cli.py;
errors become user text here, at the edge, and nowhere else. Subcommand modules import only
typer and rich at import time (everything heavy inside the command), so `policyqa --help`
starts fast."""
from __future__ import annotations

import sys

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


def _register() -> None:
    from eval import cli as eval_cli
    from qa.cli import ask, retrieve
    from qa.cli import index as index_cli

    for face in (index_cli, retrieve, ask, eval_cli):
        face.register(app)


_register()


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
