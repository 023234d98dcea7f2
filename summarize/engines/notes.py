"""Notes: what a reader of a result must know about how it was made.

Engines report things like "2 segments were longer than the model's input and were split" or
"CTranslate2 cannot run this model; using transformers" through one callback,
``notify(message, items=None)``. The chunk runner routes each note to the documents it concerns,
so a document's notes are the same whether it ran alone (``summarize run``) or among others in a
batch chunk:

- a note sent while models load (no generate call under way) concerns every document the models
  then process;
- a note sent during a generate call concerns the documents that own ``items`` (indices into the
  texts of that call), or every document of the call when ``items`` is ``None``;
- ``items=()`` concerns no document: progress only (a one-time model conversion, which says
  nothing about any result).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol


class Notify(Protocol):
    def __call__(self, message: str, items: Sequence[int] | None = None) -> None: ...


class NoteRouter:
    """Echoes every note (to the progress display) and keeps it for the documents it concerns."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        self._echo = echo
        self._owners: Sequence[int] | None = None
        self._engine_notes: list[str] = []
        self._document_notes: dict[int, list[str]] = {}

    def __call__(self, message: str, items: Sequence[int] | None = None) -> None:
        self._echo(message)
        if items is not None and not items:
            return
        if self._owners is None:
            if message not in self._engine_notes:
                self._engine_notes.append(message)
            return
        owners = set(self._owners) if items is None else {self._owners[i] for i in items}
        for document in sorted(owners):
            notes = self._document_notes.setdefault(document, [])
            if message not in notes:
                notes.append(message)

    @contextmanager
    def call(self, owners: Sequence[int]) -> Iterator[None]:
        """Around one generate call: ``owners[i]`` is the document of the call's ``i``-th text."""
        previous, self._owners = self._owners, owners
        try:
            yield
        finally:
            self._owners = previous

    def for_document(self, document: int) -> list[str]:
        """Notes of the models in use, then those of the document's own texts."""
        return [*self._engine_notes, *self._document_notes.get(document, [])]

    def start_chunk(self) -> None:
        """Forget the per-document notes of the previous chunk (its documents are done)."""
        self._document_notes.clear()


def send_note(
    notify: Callable[[str], None], message: str, items: Sequence[int] | None = None
) -> None:
    """Send a note; ``items`` reaches a :class:`NoteRouter` (a plain callback gets the text)."""
    if isinstance(notify, NoteRouter):
        notify(message, items)
    else:
        notify(message)
