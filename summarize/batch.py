"""Score many articles in one process: models loaded once, segments batched across documents.

Documents are processed in chunks (:mod:`summarize.batch_chunk`) whose sentences share the
models' generate calls. A document with a ``source`` goes through reference mode (its source
translated into English and scored against its text), the others through the round trip; each
result has the structure ``summarize run --json`` gives.

Resuming: each finished document is appended to ``results.jsonl`` and fsync'd, and every model
output is in the SQLite cache (:mod:`summarize.store`), so an interrupted batch started again
skips the documents already written and regenerates nothing it had finished. ``batch.json``
records the settings; a folder written with other settings is refused unless ``restart``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from summarize import __version__
from summarize.batch_chunk import process_chunk
from summarize.batch_inputs import BatchInput, Document, DocumentError
from summarize.errors import UserError
from summarize.languages import Language
from summarize.metrics.base import Score
from summarize.pipeline import (
    PreparedInput,
    RunOptions,
    check_options,
    load_engines,
    open_registry,
    prepare_text,
    with_reference,
)
from summarize.progress import Progress, SilentProgress
from summarize.result import RunResult

BATCH_SCHEMA = "summarize.batch/1"
RESULTS_FILE = "results.jsonl"
MANIFEST_FILE = "batch.json"
LOCK_FILE = ".batch.lock"
DEFAULT_CHUNK_DOCUMENTS = 8
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0
CONFIDENCE = 0.95

# Per-document metrics aggregated across documents, per system: (key, label).
TRANSLATION_METRICS = [
    ("bleu", "BLEU"),
    ("chrf++", "chrF++"),
    ("ter", "TER"),
    ("embedding_cosine", "emb. cosine"),
    ("flagged_share", "flagged %"),
]
SUMMARY_METRICS = [
    ("rouge1", "ROUGE-1"),
    ("rouge2", "ROUGE-2"),
    ("rougeL", "ROUGE-L"),
    ("embedding_cosine", "emb. cosine"),
    ("compression_ratio", "compression"),
    ("words", "words"),
    ("ref_rouge1", "ROUGE-1 vs ref."),
    ("ref_rouge2", "ROUGE-2 vs ref."),
    ("ref_rougeL", "ROUGE-L vs ref."),
]


@dataclass(frozen=True)
class MeanCI:
    """Mean over documents with a seeded percentile-bootstrap confidence interval."""

    mean: float
    low: float
    high: float
    n: int


@dataclass
class SystemStats:
    """One system (a translation direction or a summary method) across all documents."""

    name: str
    kind: str  # "translation" or "summary"
    documents: int
    metrics: dict[str, MeanCI]
    # Translation systems: sacrebleu corpus scores over every segment of every document.
    corpus: dict[str, Score] = field(default_factory=dict)


@dataclass
class BatchResult:
    """Everything a batch report shows; every renderer reads only this."""

    input_path: str
    input_format: str
    settings: dict[str, Any]
    documents: list[RunResult]
    errors: list[DocumentError]
    systems: list[SystemStats]
    tool_version: str = __version__
    schema: str = BATCH_SCHEMA
    # How this invocation went (not part of the reports, which must not depend on timing).
    run_stats: dict[str, float] = field(default_factory=dict)


# -- progress ----------------------------------------------------------------------------


class BatchProgress(Progress, Protocol):
    """Progress plus a count of finished documents (for a bar with rate and ETA)."""

    def start(self, total: int, done: int) -> None: ...

    def documents_done(self, count: int) -> None: ...


class SilentBatchProgress(SilentProgress):
    def start(self, total: int, done: int) -> None:
        pass

    def documents_done(self, count: int) -> None:
        pass


# -- the batch -------------------------------------------------------------------------------


def settings_key(options: RunOptions) -> str:
    """Hash of the settings that change results (not the device or cache use)."""
    payload = {k: v for k, v in asdict(options).items() if k not in {"device", "use_cache"}}
    if options.translators == [options.translator]:
        payload["translators"] = []  # the same settings, written as before --translator repeated
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def prepare_document(
    document: Document, options: RunOptions, english: Language, pivots: list[Language]
) -> PreparedInput:
    """Check and segment one document; with a ``source`` it goes through reference mode."""
    prepared = prepare_text(
        document.text,
        document.origin,
        options,
        english,
        pivots,
        document.id,
        document.reference_summary,
    )
    if document.source is None:
        return prepared
    label = f"{document.origin} (source)"
    return with_reference(
        prepared, document.source, document.source_lang, label, options.language_check
    )


def run_batch(
    batch_input: BatchInput,
    out_dir: Path,
    options: RunOptions,
    progress: BatchProgress | None = None,
    chunk_documents: int = DEFAULT_CHUNK_DOCUMENTS,
    restart: bool = False,
) -> BatchResult:
    """Process every document not already in ``out_dir/results.jsonl``; return all results."""
    progress = progress or SilentBatchProgress()
    if chunk_documents < 1:
        raise UserError("--chunk-documents must be at least 1")
    started = time.perf_counter()
    source, pivots = check_options(options)
    errors = list(batch_input.errors)
    prepared: list[PreparedInput] = []
    for document in batch_input.documents:
        try:
            prepared.append(prepare_document(document, options, source, pivots))
        except UserError as exc:
            errors.append(DocumentError(document.origin, document.id, str(exc)))
    out_dir.mkdir(parents=True, exist_ok=True)
    with _locked(out_dir):
        _check_manifest(out_dir, batch_input, options, restart)
        finished = _load_finished(out_dir / RESULTS_FILE)
        done = {
            p.info.document_id: finished[key]
            for p in prepared
            if (key := _prepared_key(p)) in finished
        }
        # Rewrite the results without stale or half-written lines before appending to them.
        _write_results(
            out_dir / RESULTS_FILE,
            [done[p.info.document_id] for p in prepared if p.info.document_id in done],
        )
        todo = [p for p in prepared if p.info.document_id not in done]
        progress.start(len(prepared), len(done))
        if todo:
            done.update(_process(todo, out_dir, options, progress, chunk_documents, errors))
        results = [done[p.info.document_id] for p in prepared if p.info.document_id in done]
        _write_results(out_dir / RESULTS_FILE, results)
    documents = [RunResult.from_dict(line) for line in results]
    return BatchResult(
        input_path=str(batch_input.path),
        input_format=batch_input.format,
        settings={**asdict(options), "settings_key": settings_key(options)},
        documents=documents,
        errors=errors,
        systems=aggregate(documents),
        run_stats={
            "wall_s": time.perf_counter() - started,
            "processed": len(todo),
            "resumed": len(prepared) - len(todo),
            "failed": len(errors),
        },
    )


def _process(
    todo: list[PreparedInput],
    out_dir: Path,
    options: RunOptions,
    progress: BatchProgress,
    chunk_documents: int,
    errors: list[DocumentError],
) -> dict[str, dict]:
    finished: dict[str, dict] = {}
    registry, store = open_registry(options, progress.note)
    registry.progress = progress  # bars for one-time steps such as assembling a model
    try:
        with progress.step("Loading models"):
            engines = load_engines(registry, options, todo)
        with open(out_dir / RESULTS_FILE, "a", encoding="utf-8") as sink:
            for start in range(0, len(todo), chunk_documents):
                chunk = todo[start : start + chunk_documents]
                for prepared, outcome in zip(
                    chunk, process_chunk(chunk, engines, options, progress), strict=True
                ):
                    if isinstance(outcome, str):
                        errors.append(
                            DocumentError(prepared.info.path, prepared.info.document_id, outcome)
                        )
                        continue
                    line = outcome.to_dict()
                    sink.write(json.dumps(line, ensure_ascii=False) + "\n")
                    sink.flush()
                    os.fsync(sink.fileno())
                    finished[prepared.info.document_id] = line
                progress.documents_done(len(chunk))
    finally:
        if store:
            store.close()
    return finished


# -- the output folder -----------------------------------------------------------------------


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """One batch writes to a folder at a time (the model cache itself is shared safely)."""
    with open(out_dir / LOCK_FILE, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise UserError(f"{out_dir}: another summarize batch is writing here") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _check_manifest(out_dir: Path, batch_input: BatchInput, options: RunOptions, restart: bool):
    from summarize.render import write_atomically

    manifest = out_dir / MANIFEST_FILE
    key = settings_key(options)
    if manifest.exists() and not restart:
        try:
            previous = json.loads(manifest.read_text(encoding="utf-8")).get("settings_key")
        except (OSError, ValueError, AttributeError):
            previous = None
        if previous != key:
            raise UserError(
                f"{out_dir} holds results made with other settings; "
                "use another --out folder or pass --restart to discard them"
            )
    if restart:
        (out_dir / RESULTS_FILE).unlink(missing_ok=True)
    record = {
        "schema": BATCH_SCHEMA,
        "input": str(batch_input.path),
        "settings": asdict(options),
        "settings_key": key,
    }
    write_atomically(manifest, json.dumps(record, indent=2, ensure_ascii=False) + "\n")


# What a finished result was made from: id, text hash, and the source's hash and language.
DocumentKey = tuple[str, str, str | None, str | None]


def _document_key(info: dict, source_info: dict | None) -> DocumentKey:
    source = source_info or {}
    return (info["document_id"], info["sha256"], source.get("sha256"), source.get("language"))


def _prepared_key(prepared: PreparedInput) -> DocumentKey:
    source = prepared.reference.info if prepared.reference else None
    return _document_key(asdict(prepared.info), asdict(source) if source else None)


def _load_finished(path: Path) -> dict[DocumentKey, dict]:
    """Finished documents by what they were made from (a changed text or source is redone);
    a torn last line (a kill mid-write) is dropped."""
    finished: dict[DocumentKey, dict] = {}
    if not path.exists():
        return finished
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                data = json.loads(line)
                finished[_document_key(data["input"], data.get("source_input"))] = data
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
    return finished


def _write_results(path: Path, lines: list[dict]) -> None:
    from summarize.render import write_atomically

    write_atomically(path, "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))


# -- aggregation -----------------------------------------------------------------------------


def bootstrap_ci(values: Sequence[float], seed: int = BOOTSTRAP_SEED) -> MeanCI:
    """Mean and 95% percentile-bootstrap interval over documents (seeded, so reports repeat)."""
    import numpy as np

    data = np.asarray(values, dtype=float)
    mean = float(data.mean())
    if len(data) < 2:
        return MeanCI(mean, mean, mean, len(data))
    rng = np.random.default_rng(seed)
    samples = data[rng.integers(0, len(data), size=(BOOTSTRAP_RESAMPLES, len(data)))].mean(axis=1)
    tail = 100 * (1 - CONFIDENCE) / 2
    low, high = np.percentile(samples, [tail, 100 - tail])
    return MeanCI(mean, float(low), float(high), len(data))


def document_metrics(result: RunResult) -> dict[str, dict[str, float]]:
    """Per-system numbers of one document: what the reports plot and average."""
    values: dict[str, dict[str, float]] = {}
    for system in result.translations:
        numbers = {
            key: system.scores[key].value for key, _ in TRANSLATION_METRICS if key in system.scores
        }
        flagged = sum(1 for segment in system.segments if segment.flags)
        numbers["flagged_share"] = 100 * flagged / max(len(system.segments), 1)
        values[system.name] = numbers
    for summary in result.summaries:
        numbers = {
            key: summary.scores[key].value for key, _ in SUMMARY_METRICS if key in summary.scores
        }
        numbers["words"] = float(len(summary.text.split()))
        values[summary.name] = numbers
    return values


def aggregate(documents: Sequence[RunResult]) -> list[SystemStats]:
    """Per-system means with bootstrap CIs, and pooled corpus scores for translations."""
    from summarize.metrics.translation import corpus_scores

    kinds: dict[str, str] = {}
    columns: dict[str, dict[str, list[float]]] = {}
    pooled: dict[str, tuple[list[str], list[str]]] = {}
    for result in documents:
        for system in result.translations:
            kinds.setdefault(system.name, "translation")
            outputs, references = pooled.setdefault(system.name, ([], []))
            outputs += [segment.output for segment in system.segments]
            references += [segment.reference for segment in system.segments]
        for summary in result.summaries:
            kinds.setdefault(summary.name, "summary")
        for name, numbers in document_metrics(result).items():
            for key, value in numbers.items():
                if math.isfinite(value):
                    columns.setdefault(name, {}).setdefault(key, []).append(value)
    stats = []
    for name, kind in kinds.items():
        metrics = {key: bootstrap_ci(values) for key, values in columns.get(name, {}).items()}
        documents_count = max((m.n for m in metrics.values()), default=0)
        corpus = corpus_scores(*pooled[name]) if name in pooled else {}
        stats.append(SystemStats(name, kind, documents_count, metrics, corpus))
    return stats


def metric_labels(kind: str) -> list[tuple[str, str]]:
    return TRANSLATION_METRICS if kind == "translation" else SUMMARY_METRICS
