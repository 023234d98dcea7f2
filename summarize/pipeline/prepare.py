"""One run over one article: input → segments → engine outputs → scores → :class:`RunResult`.

Everything the user can get wrong (file, languages, model names) is checked before any model is
loaded, so bad input fails in well under a second.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from summarize import __version__
from summarize.errors import UserError
from summarize.input.languages import Language, get_language, identify_language
from summarize.input.segment import (
    DEFAULT_MAX_SEGMENT_CHARS,
    Segment,
    segment_document,
    split_paragraphs,
)
from summarize.input.text import DEFAULT_MAX_INPUT_MB, check_language, max_bytes, read_text_file
from summarize.result import InputInfo, RunResult, SummaryResult, TranslationResult

if TYPE_CHECKING:
    from summarize.engines.base import (
        AbstractiveSummarizer,
        Embedder,
        ModelInfo,
        PromptText,
        Translator,
    )
    from summarize.engines.registry import EngineRegistry
    from summarize.engines.store import OutputStore
    from summarize.input.documents import Document

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
    backend: str = "auto"
    threads: int | None = None
    quantization: str | None = None
    language_check: bool = True
    use_cache: bool = True
    # Input bounds: the largest article (MB), and the longest segment (characters), longer
    # sentences being split (reference-mode lines, which must stay aligned, are refused).
    max_input_mb: float = DEFAULT_MAX_INPUT_MB
    max_segment_chars: int = DEFAULT_MAX_SEGMENT_CHARS
    # A batch on a WMT XML test set: its systems' outputs (``Document.systems``) are scored as
    # translation systems beside the translators, on the same segments (no model runs them).
    wmt_systems: bool = False

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
    """Reference mode: source lines and the English lines they translate into, aligned.

    ``systems``: existing translations of the same sources (a WMT set's systems), each
    (name, one output per source line), scored beside the translators' outputs."""

    language: Language
    sources: list[Segment]
    references: list[Segment]
    info: InputInfo
    systems: list[tuple[str, list[str]]] = field(default_factory=list)


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
        raise UserError("⟨lead_sentences⟩ and ⟨extractive_sentences⟩ must be at least 1")
    from summarize.engines.registry import BACKENDS, resolve_source

    if options.backend not in BACKENDS:
        raise UserError(f"unknown backend {options.backend!r}; use one of {', '.join(BACKENDS)}")
    if options.threads is not None and options.threads < 1:
        raise UserError("⟨threads⟩ must be at least 1")
    max_bytes(options.max_input_mb)  # refuses a limit that is not positive
    if options.max_segment_chars < 1:
        raise UserError("⟨max_segment_chars⟩ must be at least 1")
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
    limit = max_bytes(options.max_input_mb)
    text = read_text_file(path, limit)
    prepared = prepare_text(text, str(path), options, source, pivots)
    if options.source is not None:
        source_text = read_text_file(options.source, limit)
        prepared = with_reference(
            prepared,
            source_text,
            options.source_lang,
            str(options.source),
            options.language_check,
            max_chars=options.max_segment_chars,
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
    segments = segment_document(text, source.code, options.max_segment_chars)
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
        prepared,
        document.source,
        document.source_lang,
        label,
        options.language_check,
        document.other_references,
        options.max_segment_chars,
        document.systems if options.wmt_systems else (),
    )


def with_reference(
    prepared: PreparedInput,
    source_text: str,
    source_lang: str | None,
    label: str,
    language_check: bool = True,
    other_references: Sequence[Sequence[str]] = (),
    max_chars: int = DEFAULT_MAX_SEGMENT_CHARS,
    systems: Sequence[tuple[str, Sequence[str]]] = (),
) -> PreparedInput:
    """Reference mode for ``prepared``: ``source_text`` (named ``label`` in messages) is
    translated into English and scored line by line against ``prepared.text``; no pivots.

    ``source_lang`` defaults to the detected language of the source. ``other_references``
    are further references, line-aligned with ``prepared.text`` (``""`` where one lacks a
    line): each segment is scored against all of its references. A line over ``max_chars`` is
    refused: splitting one side would break the alignment. ``systems`` are existing
    translations of the source, (name, one line per source line), scored beside the
    translators (:attr:`ReferenceInput.systems`). Loads no model.
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
    for side, lines in ((label, source_lines), ("the reference", reference_lines)):
        longest = max(range(len(lines)), key=lambda i: len(lines[i]), default=None)
        if longest is not None and len(lines[longest]) > max_chars:
            raise UserError(
                f"{side}: non-empty line {longest + 1} has {len(lines[longest])} characters, "
                f"over the {max_chars}-character segment limit of reference mode (lines must "
                "stay aligned, so it is not split; ⟨max_segment_chars⟩ raises the limit)"
            )
    sources = [Segment(i, i, line) for i, line in enumerate(source_lines)]
    others = _other_reference_lines(other_references, len(reference_lines), label)
    references = [
        Segment(i, i, line, tuple(other[i] for other in others if other[i]))
        for i, line in enumerate(reference_lines)
    ]
    info = _input_info(
        label,
        source_text,
        language.code,
        len(sources),
        other_references_sha256=_lines_hash(others) if others else None,
    )
    outputs = [(name, list(lines)) for name, lines in systems]
    for name, lines in outputs:
        if len(lines) != len(sources):
            raise UserError(
                f"{label}: system {name!r} has {len(lines)} lines but the source has "
                f"{len(sources)}; its outputs must be line-aligned with the source"
            )
    reference = ReferenceInput(language, sources, references, info, outputs)
    return replace(prepared, reference=reference, pivots=[])


def _other_reference_lines(
    other_references: Sequence[Sequence[str]], count: int, label: str
) -> list[list[str]]:
    others = [[" ".join(line.split()) for line in lines] for lines in other_references]
    for lines in others:
        if len(lines) != count:
            raise UserError(
                f"{label}: another reference has {len(lines)} lines but the reference has "
                f"{count}; references must be line-aligned"
            )
    return others


def _lines_hash(streams: list[list[str]]) -> str:
    return hashlib.sha256(json.dumps(streams, ensure_ascii=False).encode()).hexdigest()


def open_registry(
    options: RunOptions, notify: Callable[[str], None]
) -> tuple[EngineRegistry, OutputStore | None]:
    """The engine registry on the chosen device, with the output cache unless turned off."""
    from summarize.engines.notes import send_note
    from summarize.engines.registry import EngineRegistry
    from summarize.engines.store import OutputStore
    from summarize.engines.torch_runtime import resolve_device
    from summarize.resources import cache_dir

    # A broken cache says so once and turns itself off (never fatal). The outputs are the same
    # with or without it, so the warning is on the progress line, not in any result's notes.
    store = (
        OutputStore(cache_dir() / "outputs.sqlite3", lambda message: send_note(notify, message, ()))
        if options.use_cache
        else None
    )
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
    prompts: Sequence[Sequence[PromptText]] | None = None,
) -> list[SummaryResult]:
    """Score the abstractive summaries (model, text) and add the extractive and lead ones;
    ``prompts``: per abstractive summary, its model's prompt texts (``prompt_leak``)."""
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
        prompts,
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
