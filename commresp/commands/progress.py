"""Progress bars for long work (check, backup, restore) on a terminal; nothing on a pipe."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

ProgressCallback = Callable[[str, int, int], None]


def _silent(what: str, done: int, total: int) -> None:
    """Nothing to show: standard error is not a terminal."""


@contextlib.contextmanager
def terminal_progress(console=None) -> Iterator[ProgressCallback]:
    """A ``progress(what, done, total)`` callback drawing one rich bar per step on standard
    error when it is a terminal (or on ``console``); silent otherwise, so that scripts and
    logs get only the results.  The bars are cleared when the work is done."""
    if console is None:
        if not sys.stderr.isatty():
            yield _silent
            return
        from rich.console import Console

        console = Console(stderr=True)
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bars:
        tasks: dict[str, int] = {}

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bars.add_task(what, total=total or 1)
            bars.update(tasks[what], completed=done, total=total or 1)

        yield update
