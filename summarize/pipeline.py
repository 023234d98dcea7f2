"""One run over one article: input → segments → engine outputs → scores → :class:`RunResult`.

Everything the user can get wrong (file, languages, model names) is checked before any model is
loaded, so bad input fails in well under a second.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from summarize import __version__
from summarize.errors import UserError
from summarize.inputs import check_language, read_text_file
from summarize.languages import Language, get_language, identify_language
from summarize.progress import Progress, SilentProgress
from summarize.result import InputInfo, RunResult, SummaryResult, TranslationResult
from summarize.segment import Segment, segment_document, split_paragraphs

if TYPE_CHECKING:
    from summarize.engines.base import AbstractiveSummarizer, Embedder, ModelInfo, Translator
    from summarize.engines.registry import EngineRegistry
    from summarize.store import OutputStore

SOURCE_LANGUAGE = "en"


def _default_model() -> str:
    from summarize.engines.registry import default_model

    return default_model()[0]


@dataclass
class RunOptions:
    pivots: list[str] = field(default_factory=lambda: ["ru"])
    translator: str = field(default_factory=_default_model)
    back_translator: str | None = None
    # Several translation systems side by side (default: just ``translator``).
    translators: list[str] = field(default_factory=list)
    # Reference mode: this source text is translated into English and scored against the
    # English text given to :func:`prepare` (line-aligned); no pivots.
    source: Path | None = None
    source_lang: str | None = None
    allow_pickle: bool = False
    summarizers: list[str] = field(default_factory=lambda: [_default_model()])
    embedder: str = "minilm"
    lead_sentences: int = 3
    extractive_sentences: int = 3
    device: str = "auto"
    backend: str = "transformers"
    threads: int | None = None
    quantization: str | None = None
    language_check: bool = True
    use_cache: bool = True

    def all_translators(self) -> list[str]:
        return self.translators or [self.translator]


@dataclass
class PreparedInput:
    text: str
    segments: list[Segment]
    info: InputInfo
    source: Language
    pivots: list[Language]
    reference: ReferenceInput | None = None


@dataclass
class ReferenceInput:
    """Reference mode: source lines and the English lines they translate into, aligned."""

    language: Language
    sources: list[Segment]
    references: list[Segment]
    info: InputInfo


@dataclass(frozen=True)
class RoundTripSystem:
    """One round-trip system: a model into the pivot and one back (often the same model)."""

    pivot: Language
    forward: Translator
    backward: Translator


@dataclass
class Engines:
    """The models of a run, loaded once (a batch shares them across all documents)."""

    embedder: Embedder
    summarizers: list[AbstractiveSummarizer]
    # One per (translator, pivot), translators outermost: the order ``run`` lists systems in.
    round_trips: list[RoundTripSystem] = field(default_factory=list)
    # Reference mode: per source language code, one model into English per translator.
    references: dict[str, list[Translator]] = field(default_factory=dict)


def check_options(options: RunOptions) -> tuple[Language, list[Language]]:
    """Validate languages, sizes and model names; return (source, pivots). Loads no model."""
    source = get_language(SOURCE_LANGUAGE)
    pivots = [get_language(code) for code in options.pivots]
    if any(pivot.code == source.code for pivot in pivots):
        raise UserError(f"the pivot language must differ from the input language ({source.code})")
    if options.lead_sentences < 1 or options.extractive_sentences < 1:
        raise UserError("--lead and --extractive-sentences must be at least 1")
    from summarize.engines.registry import BACKENDS, resolve_source

    if options.backend not in BACKENDS:
        raise UserError(f"unknown backend {options.backend!r}; use one of {', '.join(BACKENDS)}")
    if options.threads is not None and options.threads < 1:
        raise UserError("--threads must be at least 1")
    for name in options.all_translators():
        resolve_source(name, "translator")
    if options.source is None:
        resolve_source(options.back_translator or options.translator, "translator")
    for name in options.summarizers:
        resolve_source(name, "summarizer")
    resolve_source(options.embedder, "embedder")
    return source, pivots


def prepare(path: Path, options: RunOptions) -> PreparedInput:
    """Read, validate and segment the article; resolve languages. Loads no model."""
    source, pivots = check_options(options)
    text = read_text_file(path)
    prepared = prepare_text(text, str(path), options, source, pivots)
    if options.source is not None:
        source_text = read_text_file(options.source)
        prepared = with_reference(
            prepared, source_text, options.source_lang, str(options.source), options.language_check
        )
    return prepared


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
    info = _input_info(
        label,
        text,
        source.code,
        len(segments),
        document_id=document_id,
        reference_summary=reference_summary,
    )
    return PreparedInput(text, segments, info, source, pivots)


def _input_info(
    path: Path | str, text: str, language: str, sentences: int, **extra: str | None
) -> InputInfo:
    return InputInfo(
        path=str(path),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        language=language,
        paragraphs=len(split_paragraphs(text)),
        sentences=sentences,
        words=len(text.split()),
        **extra,
    )


def with_reference(
    prepared: PreparedInput,
    source_text: str,
    source_lang: str | None,
    label: str,
    language_check: bool = True,
) -> PreparedInput:
    """Reference mode for ``prepared``: ``source_text`` (named ``label`` in messages) is
    translated into English and scored line by line against ``prepared.text``; no pivots.

    ``source_lang`` defaults to the detected language of the source. Loads no model.
    """
    if source_lang:
        language = get_language(source_lang)
        if language_check:
            check_language(source_text, language.code, label)
    else:
        language = get_language(identify_language(source_text))
    if language.code == SOURCE_LANGUAGE:
        raise UserError(f"{label}: the source must not be English in reference mode")
    source_lines, reference_lines = split_paragraphs(source_text), split_paragraphs(prepared.text)
    if len(source_lines) != len(reference_lines):
        raise UserError(
            f"{label} has {len(source_lines)} non-empty lines but the reference has "
            f"{len(reference_lines)}; reference mode needs line-aligned texts "
            "(one sentence or paragraph per line in both)"
        )
    sources = [Segment(i, i, line) for i, line in enumerate(source_lines)]
    references = [Segment(i, i, line) for i, line in enumerate(reference_lines)]
    info = _input_info(label, source_text, language.code, len(sources))
    reference = ReferenceInput(language, sources, references, info)
    return replace(prepared, reference=reference, pivots=[])


def run(
    prepared: PreparedInput, options: RunOptions, progress: Progress | None = None
) -> RunResult:
    """Re-translate through every pivot, summarise, and score everything."""
    from summarize.tasks.reference import reference_translation
    from summarize.tasks.roundtrip import round_trip

    progress = progress or SilentProgress()
    timings: dict[str, float] = {}
    notes: list[str] = []

    def notify(message: str) -> None:
        notes.append(message)
        progress.note(message)

    started = time.perf_counter()
    registry, store = open_registry(options, notify)
    registry.progress = progress  # bars for one-time steps such as assembling a model
    english, reference = prepared.source, prepared.reference
    try:
        with progress.step("Loading models"):
            engines = load_engines(registry, options, [prepared])
        timings["load_models_s"] = time.perf_counter() - started

        mark = time.perf_counter()
        if reference is not None:
            translations = [
                reference_translation(
                    reference.sources,
                    reference.references,
                    reference.language,
                    english,
                    translator,
                    engines.embedder,
                    progress,
                )
                for translator in engines.references[reference.language.code]
            ]
        else:
            translations = [
                round_trip(
                    prepared.segments,
                    english,
                    system.pivot,
                    system.forward,
                    system.backward,
                    engines.embedder,
                    progress,
                )
                for system in engines.round_trips
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
    return make_result(prepared, engines.embedder, translations, summaries, timings, notes)


def open_registry(
    options: RunOptions, notify: Callable[[str], None]
) -> tuple[EngineRegistry, OutputStore | None]:
    """The engine registry on the chosen device, with the output cache unless turned off."""
    from summarize.engines.registry import EngineRegistry
    from summarize.engines.torch_runtime import resolve_device
    from summarize.resources import cache_dir
    from summarize.store import OutputStore

    store = OutputStore(cache_dir() / "outputs.sqlite3") if options.use_cache else None
    registry = EngineRegistry(
        resolve_device(options.device),
        store,
        notify,
        allow_pickle=options.allow_pickle,
        backend=options.backend,
        threads=options.threads,
        quantization=options.quantization,
    )
    return registry, store


def load_engines(
    registry: EngineRegistry, options: RunOptions, documents: Sequence[PreparedInput]
) -> Engines:
    """Every model that ``documents`` need (one article for ``run``, all of them for ``batch``).

    Each direction is asked for on its own, so a per-direction preset (``opus-mt``) gets its
    own model for every pivot and source language; the registry keeps each model once however
    many roles it plays. Text engines load first: a missing Hub model fails before anything slow.
    """
    english = documents[0].source
    pivots = next((d.pivots for d in documents if d.reference is None), [])
    languages = {d.reference.language.code: d.reference.language for d in documents if d.reference}
    names = options.all_translators()
    round_trips = [
        RoundTripSystem(
            pivot,
            registry.translator(name, english, pivot),
            registry.translator(options.back_translator or name, pivot, english),
        )
        for name in names
        for pivot in pivots
    ]
    references = {
        code: [registry.translator(name, language, english) for name in names]
        for code, language in languages.items()
    }
    summarizers = [registry.summarizer(name) for name in options.summarizers]
    embedder = registry.embedder(options.embedder)
    return Engines(embedder, summarizers, round_trips, references)


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
    notes: list[str] | None = None,
) -> RunResult:
    reference = prepared.reference
    return RunResult(
        tool_version=__version__,
        input=prepared.info,
        embedder=embedder.info.to_dict(),
        translations=translations,
        summaries=summaries,
        timings=timings,
        notes=notes or [],
        source_input=reference.info if reference else None,
    )
