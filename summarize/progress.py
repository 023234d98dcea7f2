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

    @contextmanager
    def step(self, description: str, total: int | None = None) -> Iterator[ProgressCallback]:
        if not self.console.is_terminal:
            print(f"{description}...", file=sys.stderr, flush=True)
            yield lambda _done: None
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichBar

        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if total is not None:
            columns += [BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
        columns.append(TimeElapsedColumn())
        with RichBar(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(description, total=total)
            yield lambda done: bar.advance(task, done)
        self.console.print(f"[green]✓[/green] {description}")

    def note(self, message: str) -> None:
        self.console.print(f"[yellow]•[/yellow] {message}")
