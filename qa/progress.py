"""Progress bars on the terminal, for every job that takes more than a couple of seconds: index
builds (from the CLI, the app's first start, eval), eval runs. One look for all of them, with
an estimate of the time left. Faces that are not terminals (the web UI) pass their own
callback instead."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

BUILD_STAGES = {"read": "Reading documents", "embed": "Embedding clauses", "sentences": "Embedding sentences",
                "store": "Writing the index"}
StageProgress = Callable[[str, int, int], None]  # (stage, done, total)


def bars(console: Console | None = None) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("eta"), TimeRemainingColumn(), console=console or Console(stderr=True), transient=False)


@contextmanager
def stage_bars(labels: dict[str, str] = BUILD_STAGES) -> Iterator[StageProgress]:
    """A callback (stage, done, total) that draws one bar per stage on stderr."""
    progress = bars()
    tasks: dict[str, int] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(labels.get(stage, stage), total=total)
        progress.update(tasks[stage], completed=done, total=total)

    with progress:
        yield report
