"""Score many articles in one process: models loaded once, segments batched across documents.

Documents are processed in chunks (:mod:`summarize.pipeline.chunk`) whose sentences share the
models' generate calls. A document with a ``source`` goes through reference mode (its source
translated into English and scored against its text), the others through the round trip; each
result has the structure ``summarize run --json`` gives.

Resuming: each finished document is appended to ``results.jsonl`` and fsync'd, and every model
output is in the SQLite cache (:mod:`summarize.engines.store`), so an interrupted batch started
again skips the documents already written and regenerates nothing it had finished. ``batch.json``
records the input and settings; a folder holding another input's results or results made with
other settings is refused unless ``restart`` (see :mod:`summarize.batch.folder`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

from summarize.batch.aggregate import aggregate
from summarize.batch.folder import (
    LOCK_FILE,
    MANIFEST_FILE,
    RESULTS_FILE,
    ResultsAppender,
    check_folder,
    check_manifest,
    load_results,
    locked,
    write_results,
)
from summarize.engines.embeddings import DEFAULT_EMBEDDER
from summarize.errors import UserError
from summarize.input.documents import BatchInput, DocumentError
from summarize.input.segment import DEFAULT_MAX_SEGMENT_CHARS
from summarize.pipeline.options import RunOptions, check_options
from summarize.pipeline.prepare import PreparedInput, prepare_document
from summarize.pipeline.session import Session
from summarize.progress import Progress, SilentProgress
from summarize.result import BATCH_SCHEMA, BatchResult, RunResult

__all__ = ["LOCK_FILE", "MANIFEST_FILE", "RESULTS_FILE"]  # re-exported: the folder's files
DEFAULT_CHUNK_DOCUMENTS = 8
# -- progress ----------------------------------------------------------------------------


class BatchProgress(Progress, Protocol):
    """Progress plus a count of finished documents (for a bar with rate and ETA)."""

    def start(self, total: int, done: int, work: int = 0) -> None:
        """``total`` documents, ``done`` from an earlier run; the rest need ``work`` model
        outputs (:func:`document_work`)."""

    def documents_done(self, count: int, work: int = 0) -> None:
        """``count`` documents written, whose work was ``work`` model outputs."""


class SilentBatchProgress(SilentProgress):
    def start(self, total: int, done: int, work: int = 0) -> None:
        pass

    def documents_done(self, count: int, work: int = 0) -> None:
        pass


def document_work(prepared: PreparedInput, options: RunOptions) -> int:
    """Model outputs a document needs: each sentence through every translation system (twice
    for a round trip: there and back) and one summary per abstractive summariser. Progress
    counts these, so rate and time left follow the sentences done, not whole documents."""
    translators = len(options.all_translators())
    if prepared.reference is not None:
        translations = len(prepared.reference.sources) * translators
    else:
        translations = len(prepared.segments) * translators * len(prepared.pivots) * 2
    return translations + len(options.summarizers)


# -- the batch -------------------------------------------------------------------------------


def settings_key(options: RunOptions) -> str:
    """Hash of the settings that change results (not the device, cache use or size limit)."""
    ignored = {"device", "use_cache", "max_input_mb"}
    payload = {k: v for k, v in asdict(options).items() if k not in ignored}
    if options.translators == [options.translator]:
        payload["translators"] = []  # the same settings, written as before --translator repeated
    if options.max_segment_chars == DEFAULT_MAX_SEGMENT_CHARS:
        del payload["max_segment_chars"]  # the same key as before the limit existed
    if not options.wmt_systems:
        del payload["wmt_systems"]  # the same key as before the option existed
    if not options.pivot_references:
        del payload["pivot_references"]  # likewise
    if options.embedder == DEFAULT_EMBEDDER:
        del payload["embedder"]  # likewise
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def run_batch(
    batch_input: BatchInput,
    out_dir: Path,
    options: RunOptions,
    progress: BatchProgress | None = None,
    chunk_documents: int = DEFAULT_CHUNK_DOCUMENTS,
    restart: bool = False,
    first_alone: bool = False,
    engine: BatchEngine | None = None,
) -> BatchResult:
    """Process every document not already in ``out_dir/results.jsonl``; return all results."""
    progress = progress or SilentBatchProgress()
    if chunk_documents < 1:
        raise UserError("⟨chunk_documents⟩ must be at least 1")
    started = time.perf_counter()
    source, pivots = check_options(options)
    _check_wmt_systems(batch_input, options)
    errors = list(batch_input.errors)
    prepared: list[PreparedInput] = []
    for document in batch_input.documents:
        try:
            prepared.append(prepare_document(document, options, source, pivots))
        except UserError as exc:
            errors.append(DocumentError(document.origin, document.id, str(exc)))
    check_folder(out_dir, batch_input.path)
    with locked(out_dir):
        check_manifest(out_dir, _manifest(batch_input, options), restart)
        finished = load_results(out_dir / RESULTS_FILE, _line_key)
        done = {
            p.info.document_id: finished[key]
            for p in prepared
            if (key := _prepared_key(p)) in finished
        }
        # Rewrite the results without stale or half-written lines before appending to them.
        write_results(
            out_dir / RESULTS_FILE,
            [done[p.info.document_id] for p in prepared if p.info.document_id in done],
        )
        todo = [p for p in prepared if p.info.document_id not in done]
        progress.start(len(prepared), len(done), sum(document_work(p, options) for p in todo))
        if todo:
            done.update(
                _process(
                    todo,
                    out_dir,
                    options,
                    progress,
                    (chunk_documents, first_alone),
                    errors,
                    engine or LocalEngine(),
                    len(done),
                )
            )
        results = [done[p.info.document_id] for p in prepared if p.info.document_id in done]
        write_results(out_dir / RESULTS_FILE, results)
    documents = [RunResult.from_dict(line) for line in results]
    batch = batch_result(str(batch_input.path), batch_input.format, options, documents, errors)
    batch.run_stats = {
        "wall_s": time.perf_counter() - started,
        "processed": len(todo),
        "resumed": len(prepared) - len(todo),
        "failed": len(errors),
    }
    return batch


def _check_wmt_systems(batch_input: BatchInput, options: RunOptions) -> None:
    """The documents carry a WMT set's systems exactly when the options score them."""
    if options.wmt_systems and not batch_input.wmt_systems:
        raise UserError(
            f"{batch_input.path}: ⟨wmt_systems=True⟩ needs the input read with its systems "
            "(read_batch_input(..., wmt_systems=True))"
        )
    if batch_input.wmt_systems and not options.wmt_systems:
        raise UserError(
            f"{batch_input.path}: was read with its WMT systems; pass ⟨wmt_systems=True⟩ to "
            "score them, or read it without"
        )


def batch_result(
    input_path: str,
    input_format: str,
    options: RunOptions,
    documents: list[RunResult],
    errors: Sequence[DocumentError] = (),
) -> BatchResult:
    """What the batch reports show, for ``documents`` (``summarize run --out report.html`` makes
    the page of a batch of one with it)."""
    return BatchResult(
        input_path=input_path,
        input_format=input_format,
        settings={**asdict(options), "settings_key": settings_key(options)},
        documents=documents,
        errors=list(errors),
        systems=aggregate(documents),
    )


class BatchEngine(Protocol):
    """Runs the chunks of a batch and yields each chunk with one outcome per document, as the
    chunks finish: the ``results.jsonl`` line (``RunResult.to_dict()``) or the reason the
    document failed. The local engine runs them in this process; another engine (e.g. a
    cluster) may run them elsewhere with the same chunk code."""

    def results(
        self, chunks: list[list[PreparedInput]], options: RunOptions, progress: BatchProgress
    ) -> Iterator[tuple[list[PreparedInput], list[dict | str]]]: ...


class LocalEngine:
    """Models loaded once in this process; chunks one after another."""

    def results(
        self, chunks: list[list[PreparedInput]], options: RunOptions, progress: BatchProgress
    ) -> Iterator[tuple[list[PreparedInput], list[dict | str]]]:
        with Session(options, progress) as session:
            # Every model up front: a missing one fails before any work.
            session.engines([p for chunk in chunks for p in chunk])
            for chunk in chunks:
                outcomes = session.run_chunk(chunk)
                yield chunk, [o if isinstance(o, str) else o.to_dict() for o in outcomes]


def _process(
    todo: list[PreparedInput],
    out_dir: Path,
    options: RunOptions,
    progress: BatchProgress,
    chunking: tuple[int, bool],
    errors: list[DocumentError],
    engine: BatchEngine,
    kept: int,
) -> dict[str, dict]:
    """Run ``todo`` on ``engine``, appending each finished document to ``results.jsonl``."""
    finished: dict[str, dict] = {}
    with ResultsAppender(out_dir / RESULTS_FILE, kept) as sink:
        for chunk, outcomes in engine.results(list(chunks(todo, *chunking)), options, progress):
            for prepared, outcome in zip(chunk, outcomes, strict=True):
                if isinstance(outcome, str):
                    errors.append(
                        DocumentError(prepared.info.path, prepared.info.document_id, outcome)
                    )
                    continue
                sink.append(outcome)
                finished[prepared.info.document_id] = outcome
            progress.documents_done(len(chunk), sum(document_work(p, options) for p in chunk))
    return finished


def chunks(
    documents: list[PreparedInput], size: int, first_alone: bool
) -> Iterator[list[PreparedInput]]:
    """``size`` documents at a time; with ``first_alone`` the first document goes alone, so its
    result is written after about one ``summarize run``'s time (the command line does that: a
    user sees a result early), and the rest share the models' generate calls."""
    start = 1 if first_alone and documents else 0
    if start:
        yield documents[:1]
    for begin in range(start, len(documents), size):
        yield documents[begin : begin + size]


# -- the output folder -----------------------------------------------------------------------


def _manifest(batch_input: BatchInput, options: RunOptions) -> dict[str, Any]:
    """What ``batch.json`` records: the input (path as given, resolved path, content hash) and
    the settings."""
    return {
        "schema": BATCH_SCHEMA,
        "input": str(batch_input.path),
        "input_resolved": str(batch_input.path.resolve()),
        "input_sha256": batch_input.sha256,
        "settings": asdict(options),
        "settings_key": settings_key(options),
    }


# What a finished result was made from: id, text hash, the source's hash and language, and the
# other references' hash.
DocumentKey = tuple[str, str, str | None, str | None, str | None]


def _document_key(info: dict, source_info: dict | None) -> DocumentKey:
    source = source_info or {}
    return (
        info["document_id"],
        info["sha256"],
        source.get("sha256"),
        source.get("language"),
        source.get("other_references_sha256"),
    )


def _prepared_key(prepared: PreparedInput) -> DocumentKey:
    source = prepared.reference.info if prepared.reference else None
    return _document_key(asdict(prepared.info), asdict(source) if source else None)


def _line_key(data: dict) -> DocumentKey:
    """A ``results.jsonl`` line's key: a changed text or source is redone."""
    return _document_key(data["input"], data.get("source_input"))
