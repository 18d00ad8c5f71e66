"""The `policyqa` command. Subcommands live in qa/cli_*.py and eval/cli.py; errors become
user text here, at the edge, and nowhere else."""
from __future__ import annotations

import sys

import typer
from rich.console import Console

from qa.core.errors import PolicyQAError

app = typer.Typer(
    name="policyqa",
    help="Ask questions of Chinese policy documents; get answers with verifiable clause citations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


def _register() -> None:
    from qa.cli import index as cli_index

    cli_index.register(app)
    for name in ("qa.cli.retrieve", "qa.cli.ask", "eval.cli"):
        __import__(name, fromlist=["register"]).register(app)


_register()


def main() -> None:
    try:
        app()
    except PolicyQAError as exc:
        err_console.print(f"[bold red]Error:[/] {exc.message}")
        if exc.hint:
            err_console.print(exc.hint)
        sys.exit(1)


if __name__ == "__main__":
    main()
