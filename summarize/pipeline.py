"""One run over one article: input → segments → engine outputs → scores → :class:`RunResult`.

Everything the user can get wrong (file, languages, model names) is checked before any model is
loaded, so bad input fails in well under a second.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from summarize import __version__
from summarize.engines.registry import BACKENDS, resolve_source
from summarize.errors import UserError
from summarize.inputs import check_language, read_text_file
from summarize.languages import Language, get_language
from summarize.progress import Progress, SilentProgress
from summarize.result import InputInfo, RunResult
from summarize.segment import Segment, segment_document, split_paragraphs

SOURCE_LANGUAGE = "en"


@dataclass
class RunOptions:
    pivots: list[str] = field(default_factory=lambda: ["ru"])
    translator: str = "bundled"
    back_translator: str | None = None
    summarizers: list[str] = field(default_factory=lambda: ["bundled"])
    embedder: str = "minilm"
    lead_sentences: int = 3
    extractive_sentences: int = 3
    device: str = "auto"
    backend: str = "transformers"
    threads: int | None = None
    quantization: str | None = None
    language_check: bool = True
    use_cache: bool = True


@dataclass
class PreparedInput:
    text: str
    segments: list[Segment]
    info: InputInfo
    source: Language
    pivots: list[Language]


def prepare(path: Path, options: RunOptions) -> PreparedInput:
    """Read, validate and segment the article; resolve languages. Loads no model."""
    source = get_language(SOURCE_LANGUAGE)
    pivots = [get_language(code) for code in options.pivots]
    if any(pivot.code == source.code for pivot in pivots):
        raise UserError(f"the pivot language must differ from the input language ({source.code})")
    if options.lead_sentences < 1 or options.extractive_sentences < 1:
        raise UserError("--lead and --extractive-sentences must be at least 1")
    if options.backend not in BACKENDS:
        raise UserError(f"unknown backend {options.backend!r}; use one of {', '.join(BACKENDS)}")
    if options.threads is not None and options.threads < 1:
        raise UserError("--threads must be at least 1")
    resolve_source(options.translator, "translator")
    resolve_source(options.back_translator or options.translator, "translator")
    for name in options.summarizers:
        resolve_source(name, "summarizer")
    resolve_source(options.embedder, "embedder")
    text = read_text_file(path)
    if options.language_check:
        check_language(text, source.code, path)
    segments = segment_document(text, source.code)
    info = InputInfo(
        path=str(path),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        language=source.code,
        paragraphs=len(split_paragraphs(text)),
        sentences=len(segments),
        words=len(text.split()),
    )
    return PreparedInput(text, segments, info, source, pivots)


def run(
    prepared: PreparedInput, options: RunOptions, progress: Progress | None = None
) -> RunResult:
    """Re-translate through every pivot, summarise, and score everything."""
    from summarize.engines.registry import EngineRegistry
    from summarize.engines.torch_runtime import resolve_device
    from summarize.resources import cache_dir
    from summarize.store import OutputStore
    from summarize.tasks.roundtrip import round_trip
    from summarize.tasks.summaries import summarise_all

    progress = progress or SilentProgress()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    store = OutputStore(cache_dir() / "outputs.sqlite3") if options.use_cache else None
    registry = EngineRegistry(
        resolve_device(options.device),
        store,
        progress.note,
        backend=options.backend,
        threads=options.threads,
        quantization=options.quantization,
    )
    try:
        with progress.step("Loading models"):
            embedder = registry.embedder(options.embedder)
            forward = registry.translator(options.translator)
            backward = registry.translator(options.back_translator or options.translator)
            summarizers = [registry.summarizer(name) for name in options.summarizers]
        timings["load_models_s"] = time.perf_counter() - started

        mark = time.perf_counter()
        translations = [
            round_trip(
                prepared.segments, prepared.source, pivot, forward, backward, embedder, progress
            )
            for pivot in prepared.pivots
        ]
        timings["translation_s"] = time.perf_counter() - mark

        mark = time.perf_counter()
        sentence_vectors = embedder.embed([segment.text for segment in prepared.segments])
        summaries = summarise_all(
            prepared.segments,
            prepared.text,
            sentence_vectors,
            embedder,
            summarizers,
            options.lead_sentences,
            options.extractive_sentences,
            progress,
        )
        timings["summaries_s"] = time.perf_counter() - mark
    finally:
        if store:
            store.close()
    timings["total_s"] = time.perf_counter() - started
    return RunResult(
        tool_version=__version__,
        input=prepared.info,
        embedder=embedder.info.to_dict(),
        translations=translations,
        summaries=summaries,
        timings=timings,
    )
