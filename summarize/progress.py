"""Progress reporting for long steps, decoupled from the terminal.

The library reports through :class:`Progress`; the CLI passes a rich implementation that draws
on stderr (so stdout stays clean for ``--json``), library users get :class:`SilentProgress`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from summarize.engines.base import ProgressCallback


class Progress(Protocol):
    def step(self, description: str, total: int | None = None):
        """Context manager around one step; yields a callback taking the items just done."""
        ...

    def note(self, message: str) -> None:
        """A one-off message for the user (e.g. a first-time model conversion)."""
        ...


def _bar_columns(with_total: bool, extra: str | None = None) -> list:
    """Spinner, description, [bar, n/total, extra text, time left], elapsed time."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if with_total:
        columns += [BarColumn(), MofNCompleteColumn()]
        columns += [TextColumn(extra)] if extra else []
        columns.append(TimeRemainingColumn())
    return [*columns, TimeElapsedColumn()]


def _step_columns() -> list:
    """Spinner, description, elapsed time, and for steps with a total (this one or one within
    it) bar, n/total and time left."""
    from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TimeRemainingColumn
    from rich.text import Text

    class WithTotal(ProgressColumn):
        def __init__(self, column: ProgressColumn) -> None:
            super().__init__()
            self.column = column

        def render(self, task):
            return self.column.render(task) if task.total is not None else Text("")

    spinner, description, *_, elapsed = _bar_columns(False)
    counted = [BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    return [spinner, description, *(WithTotal(column) for column in counted), elapsed]


class SilentProgress:
    @contextmanager
    def step(self, description: str, total: int | None = None) -> Iterator[ProgressCallback]:
        yield lambda _done: None

    def note(self, message: str) -> None:
        pass


class RichProgress:
    """Spinner + bar + counts + elapsed/ETA on stderr; plain lines when stderr is no terminal."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self._live = None  # the bar of the step in progress; a step within it adds a line

    @contextmanager
    def step(self, description: str, total: int | None = None) -> Iterator[ProgressCallback]:
        if not self.console.is_terminal:
            print(f"{description}...", file=sys.stderr, flush=True)
            yield lambda _done: None
            return
        if self._live is not None:  # a step within a step (e.g. assembling while loading)
            outer = self._live
            task = outer.add_task(description, total=total)
            try:
                yield lambda done: outer.advance(task, done)
            finally:
                outer.remove_task(task)
            self.console.print(f"[green]✓[/green] {description}")
            return
        from rich.progress import Progress as RichBar

        with RichBar(*_step_columns(), console=self.console, transient=True) as bar:
            self._live = bar
            try:
                task = bar.add_task(description, total=total)
                yield lambda done: bar.advance(task, done)
            finally:
                self._live = None
        self.console.print(f"[green]✓[/green] {description}")

    def note(self, message: str) -> None:
        self.console.print(f"[yellow]•[/yellow] {message}")


class RichBatchProgress(RichProgress):
    """A documents bar (count, rate per minute, ETA) that stays up while steps come and go.

    When stderr is no terminal, one plain line per finished chunk instead.
    """

    def __init__(self) -> None:
        super().__init__()
        self._bar = None
        self._documents = None
        self._total = 0
        self._done = 0
        self._started = 0.0
        self._resumed = 0

    def start(self, total: int, done: int) -> None:
        import time

        self._total, self._done, self._resumed = total, done, done
        self._started = time.perf_counter()
        if not self.console.is_terminal:
            print(f"{total} documents, {done} already done", file=sys.stderr, flush=True)
            return
        from rich.progress import Progress as RichBar

        self._bar = RichBar(
            *_bar_columns(True, "{task.fields[rate]}"),
            console=self.console,
            speed_estimate_period=24 * 3600,
        )
        self._bar.start()
        self._documents = self._bar.add_task("Documents", total=total, completed=done, rate="")

    def documents_done(self, count: int) -> None:
        import time

        self._done += count
        elapsed = time.perf_counter() - self._started
        per_minute = 60 * (self._done - self._resumed) / elapsed if elapsed else 0.0
        left = self._total - self._done
        eta = left / per_minute if per_minute else float("nan")
        if self._bar is None:
            print(
                f"[{self._done}/{self._total}] documents, {per_minute:.1f}/min, "
                f"about {eta:.0f} min left",
                file=sys.stderr,
                flush=True,
            )
            return
        self._bar.update(self._documents, advance=count, rate=f"{per_minute:.1f} docs/min")

    @contextmanager
    def step(self, description: str, total: int | None = None) -> Iterator[ProgressCallback]:
        if self._bar is None:
            with super().step(description, total) as advance:
                yield advance
            return
        task = self._bar.add_task(f"  {description}", total=total, rate="")
        try:
            yield lambda done: self._bar.advance(task, done)
        finally:
            self._bar.remove_task(task)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
