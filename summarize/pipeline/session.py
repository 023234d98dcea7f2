"""The one path every document takes: a session loads the models once and runs chunks of
prepared documents through :func:`summarize.pipeline.chunk.process_chunk`.

``summarize run`` is a session over one document, ``summarize batch`` (and the Python API's
:class:`~summarize.api.Runner`) one over many chunks, so a document's result is the same either
way (timings aside).
"""

from __future__ import annotations

from collections.abc import Sequence

from summarize.engines.notes import NoteRouter
from summarize.errors import UserError
from summarize.pipeline.chunk import process_chunk
from summarize.pipeline.loading import Engines, load_engines, open_registry
from summarize.pipeline.options import RunOptions
from summarize.pipeline.prepare import PreparedInput
from summarize.progress import Progress, SilentProgress
from summarize.result import RunResult


class Session:
    """Models loaded once for any number of documents: the one path every document takes.

    ``summarize run`` is a session over one document, ``summarize batch`` one over many chunks;
    both go through :func:`summarize.pipeline.chunk.process_chunk`, so a document's result is the
    same either way (timings aside).
    """

    def __init__(self, options: RunOptions, progress: Progress | None = None) -> None:
        self.options = options
        self.progress = progress or SilentProgress()
        self.notes = NoteRouter(self.progress.note)
        self.registry, self._store = open_registry(options, self.notes)
        self.registry.progress = self.progress  # bars for one-time steps (assembling a model)
        self._loaded_for: set[tuple[str | None, ...]] = set()

    def engines(self, documents: Sequence[PreparedInput]) -> Engines:
        """The models ``documents`` need (the registry keeps each one loaded)."""
        needs = {(d.reference.language.code if d.reference else None) for d in documents}
        key = tuple(sorted(needs, key=str))
        if key in self._loaded_for:
            return load_engines(self.registry, self.options, documents)
        with self.progress.step("Loading models"):
            engines = load_engines(self.registry, self.options, documents)
        self._loaded_for.add(key)
        return engines

    def run_chunk(self, chunk: Sequence[PreparedInput]) -> list[RunResult | str]:
        """One result per document (or the reason its scoring failed), in order."""
        engines = self.engines(chunk)
        return process_chunk(chunk, engines, self.options, self.progress, self.notes)

    def close(self) -> None:
        if self._store:
            self._store.close()
            self._store = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def run(
    prepared: PreparedInput, options: RunOptions, progress: Progress | None = None
) -> RunResult:
    """Re-translate through every pivot (or the source into English), summarise, and score:
    a session over this one document."""
    with Session(options, progress) as session:
        (outcome,) = session.run_chunk([prepared])
    if isinstance(outcome, str):
        raise UserError(f"{prepared.info.path}: {outcome}")
    return outcome
