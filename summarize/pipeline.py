"""One run over one article: input → segments → engine outputs → scores → :class:`RunResult`.

Everything the user can get wrong (file, languages, model names) is checked before any model is
loaded, so bad input fails in well under a second.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from summarize import __version__
from summarize.errors import UserError
from summarize.inputs import check_language, read_text_file
from summarize.languages import Language, get_language
from summarize.progress import Progress, SilentProgress
from summarize.result import InputInfo, RunResult, SummaryResult, TranslationResult
from summarize.segment import Segment, segment_document, split_paragraphs

if TYPE_CHECKING:
    from summarize.engines.base import AbstractiveSummarizer, Embedder, ModelInfo, Translator
    from summarize.engines.registry import EngineRegistry
    from summarize.store import OutputStore

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
    language_check: bool = True
    use_cache: bool = True


@dataclass
class PreparedInput:
    text: str
    segments: list[Segment]
    info: InputInfo
    source: Language
    pivots: list[Language]


@dataclass
class Engines:
    """The models of a run, loaded once (a batch shares them across all documents)."""

    embedder: Embedder
    forward: Translator
    backward: Translator
    summarizers: list[AbstractiveSummarizer]


def check_options(options: RunOptions) -> tuple[Language, list[Language]]:
    """Validate languages, sizes and model names; return (source, pivots). Loads no model."""
    source = get_language(SOURCE_LANGUAGE)
    pivots = [get_language(code) for code in options.pivots]
    if any(pivot.code == source.code for pivot in pivots):
        raise UserError(f"the pivot language must differ from the input language ({source.code})")
    if options.lead_sentences < 1 or options.extractive_sentences < 1:
        raise UserError("--lead and --extractive-sentences must be at least 1")
    from summarize.engines.registry import resolve_source

    resolve_source(options.translator, "translator")
    resolve_source(options.back_translator or options.translator, "translator")
    for name in options.summarizers:
        resolve_source(name, "summarizer")
    resolve_source(options.embedder, "embedder")
    return source, pivots


def prepare(path: Path, options: RunOptions) -> PreparedInput:
    """Read, validate and segment the article; resolve languages. Loads no model."""
    source, pivots = check_options(options)
    return prepare_text(read_text_file(path), str(path), options, source, pivots)


def prepare_text(
    text: str,
    label: str,
    options: RunOptions,
    source: Language,
    pivots: list[Language],
    document_id: str | None = None,
    reference_summary: str | None = None,
) -> PreparedInput:
    """Check the language of ``text`` and segment it (``label`` names it in messages)."""
    if options.language_check:
        check_language(text, source.code, label)
    segments = segment_document(text, source.code)
    if not segments:
        raise UserError(f"{label}: has no sentences to process")
    info = InputInfo(
        path=label,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        language=source.code,
        paragraphs=len(split_paragraphs(text)),
        sentences=len(segments),
        words=len(text.split()),
        document_id=document_id,
        reference_summary=reference_summary,
    )
    return PreparedInput(text, segments, info, source, pivots)


def load_engines(registry: EngineRegistry, options: RunOptions) -> Engines:
    return Engines(
        embedder=registry.embedder(options.embedder),
        forward=registry.translator(options.translator),
        backward=registry.translator(options.back_translator or options.translator),
        summarizers=[registry.summarizer(name) for name in options.summarizers],
    )


def open_registry(
    options: RunOptions, progress: Progress
) -> tuple[EngineRegistry, OutputStore | None]:
    """The engine registry on the chosen device, with the output cache unless turned off."""
    from summarize.engines.registry import EngineRegistry
    from summarize.engines.torch_runtime import resolve_device
    from summarize.resources import cache_dir
    from summarize.store import OutputStore

    store = OutputStore(cache_dir() / "outputs.sqlite3") if options.use_cache else None
    return EngineRegistry(resolve_device(options.device), store, progress.note), store


def score_summaries(
    prepared: PreparedInput,
    options: RunOptions,
    embedder: Embedder,
    abstractive: list[tuple[ModelInfo, str]],
) -> list[SummaryResult]:
    """Score the abstractive summaries (model, text) and add the extractive and lead ones."""
    from summarize.tasks.summaries import summarise_all

    sentence_vectors = embedder.embed([segment.text for segment in prepared.segments])
    return summarise_all(
        prepared.segments,
        prepared.text,
        sentence_vectors,
        embedder,
        abstractive,
        options.lead_sentences,
        options.extractive_sentences,
        prepared.info.reference_summary,
    )


def make_result(
    prepared: PreparedInput,
    embedder: Embedder,
    translations: list[TranslationResult],
    summaries: list[SummaryResult],
    timings: dict[str, float],
) -> RunResult:
    return RunResult(
        tool_version=__version__,
        input=prepared.info,
        embedder=embedder.info.to_dict(),
        translations=translations,
        summaries=summaries,
        timings=timings,
    )


def run(
    prepared: PreparedInput, options: RunOptions, progress: Progress | None = None
) -> RunResult:
    """Re-translate through every pivot, summarise, and score everything."""
    from summarize.tasks.roundtrip import round_trip

    progress = progress or SilentProgress()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    registry, store = open_registry(options, progress)
    try:
        with progress.step("Loading models"):
            engines = load_engines(registry, options)
        timings["load_models_s"] = time.perf_counter() - started

        mark = time.perf_counter()
        translations = [
            round_trip(
                prepared.segments,
                prepared.source,
                pivot,
                engines.forward,
                engines.backward,
                engines.embedder,
                progress,
            )
            for pivot in prepared.pivots
        ]
        timings["translation_s"] = time.perf_counter() - mark

        mark = time.perf_counter()
        abstractive = []
        for summarizer in engines.summarizers:
            with progress.step(f"Summarising with {summarizer.info.name}"):
                abstractive.append((summarizer.info, summarizer.summarize(prepared.text)))
        summaries = score_summaries(prepared, options, engines.embedder, abstractive)
        timings["summaries_s"] = time.perf_counter() - mark
    finally:
        if store:
            store.close()
    timings["total_s"] = time.perf_counter() - started
    return make_result(prepared, engines.embedder, translations, summaries, timings)
