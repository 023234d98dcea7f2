"""Progress reporting for long steps, decoupled from the terminal.

The library reports through :class:`Progress`; the CLI passes a rich implementation that draws
on stderr (so stdout stays clean for ``--json``), library users get :class:`SilentProgress`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

# Called with the number of items just finished (a progress bar's advance).
ProgressCallback = Callable[[int], None]


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
        from rich.markup import escape

        # One line per note whatever its length (a log reader greps it); the text is not markup.
        self.console.print(f"[yellow]•[/yellow] {escape(message)}", soft_wrap=True)


def _duration(seconds: float) -> str:
    """``1:02:03`` / ``4:05``: time left, to the second."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class WorkRate:
    """Documents per minute and time left, from the work done so far in this invocation.

    Work is counted in model outputs (a sentence translated, a summary written), which arrive
    many times per chunk, so the rate and the time left move while a chunk runs instead of
    jumping once per chunk; documents resumed from an earlier run are not part of the rate.
    """

    def __init__(self, documents: int, work: int, clock=None) -> None:
        import time

        self.clock = clock or time.perf_counter
        self.started = self.clock()
        self.documents, self.work = documents, max(work, 0)
        self.done = 0  # work units done since the start
        self.finished_work = 0  # work of the documents finished so far

    def advance(self, units: int) -> None:
        self.done += units

    def documents_finished(self, work: int) -> None:
        """Documents whose work was ``work`` units are written (resynchronises the count: a
        step may report fewer units than the documents needed, e.g. cached outputs)."""
        self.finished_work += work
        self.done = max(self.done, self.finished_work)

    def per_minute(self) -> float | None:
        """Documents per minute (None until some work is done)."""
        elapsed = self.clock() - self.started
        if self.done <= 0 or elapsed <= 0 or not self.work:
            return None
        return 60 * (self.done / elapsed) * (self.documents / self.work)

    def seconds_left(self) -> float | None:
        elapsed = self.clock() - self.started
        if self.done <= 0 or elapsed <= 0:
            return None
        return max(self.work - self.done, 0) / (self.done / elapsed)

    def text(self) -> str:
        """``1.6 docs/min, 12:30 left`` (``estimating...`` before any work is done)."""
        rate, left = self.per_minute(), self.seconds_left()
        if rate is None or left is None:
            return "estimating..."
        return f"{rate:.1f} docs/min, {_duration(left)} left"


class RichBatchProgress(RichProgress):
    """A documents bar (count, documents per minute and time left from the sentences done so
    far) that stays up while steps come and go.

    When stderr is no terminal, one plain line per finished chunk instead.
    """

    def __init__(self) -> None:
        super().__init__()
        self._bar = None
        self._documents = None
        self._total = 0
        self._done = 0
        self._resumed = 0
        self._rate: WorkRate | None = None

    def start(self, total: int, done: int, work: int = 0) -> None:
        """``total`` documents, ``done`` of them from an earlier run; the others need ``work``
        model outputs (sentences to translate each way, summaries to write)."""
        self._total, self._done, self._resumed = total, done, done
        self._rate = WorkRate(total - done, work)
        if not self.console.is_terminal:
            print(f"{total} documents, {done} already done", file=sys.stderr, flush=True)
            return
        from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichBar

        self._bar = RichBar(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[count]}"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=self.console,
        )
        self._bar.start()
        self._documents = self._bar.add_task(
            "Documents", total=max(total, 1), completed=done, count="", rate=""
        )
        self._show()

    def _show(self) -> None:
        if self._bar is None or self._rate is None:
            return
        rate = self._rate
        todo = self._total - self._resumed
        share = min(rate.done / rate.work, 1.0) if rate.work else 0.0
        self._bar.update(
            self._documents,
            completed=self._resumed + share * todo,
            count=f"{self._done}/{self._total}",
            rate=rate.text(),
        )

    def _advance_work(self, units: int) -> None:
        if self._rate is not None:
            self._rate.advance(units)
            self._show()

    def documents_done(self, count: int, work: int = 0) -> None:
        self._done += count
        if self._rate is None:
            return
        self._rate.documents_finished(work)
        if self._bar is None:
            print(
                f"[{self._done}/{self._total}] documents, {self._rate.text()}",
                file=sys.stderr,
                flush=True,
            )
            return
        self._show()

    @contextmanager
    def step(self, description: str, total: int | None = None) -> Iterator[ProgressCallback]:
        def advance_work(done: int) -> None:
            if total is not None:  # steps with a count are model outputs
                self._advance_work(done)

        if self._bar is None:
            with super().step(description, total) as advance:
                yield lambda done: (advance(done), advance_work(done))
            return
        task = self._bar.add_task(f"  {description}", total=total, count="", rate="")
        try:
            yield lambda done: (self._bar.advance(task, done), advance_work(done))
        finally:
            self._bar.remove_task(task)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
