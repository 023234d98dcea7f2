"""Prepare documents for the pipeline: read, check and segment an article; reference mode.

Everything the user can get wrong in the input (file, size, languages, alignment) is checked
here before any model is loaded, so bad input fails in well under a second.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from summarize.errors import UserError
from summarize.input.languages import Language, get_language, identify_language
from summarize.input.segment import (
    DEFAULT_MAX_SEGMENT_CHARS,
    Segment,
    segment_document,
    split_paragraphs,
)
from summarize.input.text import check_language, max_bytes, read_text_file
from summarize.pipeline.options import SOURCE_LANGUAGE, RunOptions, check_options
from summarize.result import InputInfo

if TYPE_CHECKING:
    from summarize.input.documents import Document


@dataclass
class PreparedInput:
    text: str
    segments: list[Segment]
    info: InputInfo
    source: Language
    pivots: list[Language]
    reference: ReferenceInput | None = None
    # Round trip: per pivot code, a human translation into it, one line per segment.
    pivot_references: dict[str, list[str]] = field(default_factory=dict)


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


def prepare(path: Path, options: RunOptions) -> PreparedInput:
    """Read, validate and segment the article; resolve languages. Loads no model."""
    source, pivots = check_options(options)
    limit = max_bytes(options.max_input_mb)
    text = read_text_file(path, limit)
    pivot_texts = {
        code or None: read_text_file(Path(pivot_path), limit)
        for code, pivot_path in options.pivot_references.items()
    }
    prepared = prepare_text(text, str(path), options, source, pivots, pivot_references=pivot_texts)
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
    pivot_references: Mapping[str | None, str] | None = None,
) -> PreparedInput:
    """Check the language of ``text`` and segment it (``label`` names it in messages).

    With ``pivot_references`` (human translations into pivot languages, by pivot code; None:
    the one pivot) each non-empty line of ``text`` is one segment, not split into sentences,
    so that line ``i`` of every pivot reference translates segment ``i``."""
    if options.language_check:
        check_language(text, source.code, label)
    pivot_lines = _pivot_reference_lines(
        pivot_references or {}, pivots, label, options.source is not None
    )
    if pivot_lines:
        lines = split_paragraphs(text)
        _check_aligned(lines, pivot_lines, label, options.max_segment_chars)
        segments = [Segment(i, i, line) for i, line in enumerate(lines)]
    else:
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
    return PreparedInput(text, segments, info, source, pivots, pivot_references=pivot_lines)


def _pivot_reference_lines(
    texts: Mapping[str | None, str],
    pivots: list[Language],
    label: str,
    reference_mode: bool = False,
) -> dict[str, list[str]]:
    """The non-empty lines of each pivot reference, by pivot code. One without a language is
    the run's only pivot; a language that is not a pivot of the run is an error."""
    if not texts:
        return {}
    if reference_mode:
        raise UserError(
            f"{label}: a pivot reference scores the pivot of a round trip; reference mode "
            "(⟨source⟩) has no pivot"
        )
    codes = [pivot.code for pivot in pivots]
    lines: dict[str, list[str]] = {}
    for code, text in texts.items():
        if code is None and len(codes) != 1:
            raise UserError(
                f"{label}: a pivot reference without a language needs a single pivot, but "
                f"there are {len(codes)} ({', '.join(codes)}); give each its pivot in "
                f"⟨pivot_references⟩ ({codes[0]}=...)"
            )
        key = get_language(code).code if code is not None else codes[0]
        if key not in codes:
            raise UserError(
                f"{label}: a pivot reference in {key!r}, which is not a pivot of this run "
                f"({', '.join(codes)})"
            )
        lines[key] = split_paragraphs(text)
    return lines


def _check_aligned(
    lines: list[str], pivot_lines: dict[str, list[str]], label: str, max_chars: int
) -> None:
    """Every pivot reference has one non-empty line per non-empty line of the input."""
    for code, reference in pivot_lines.items():
        if len(reference) != len(lines):
            raise UserError(
                f"{label} has {len(lines)} non-empty lines but its pivot reference ({code}) has "
                f"{len(reference)}; a pivot reference needs one line per input line (each "
                "non-empty line is then one segment)"
            )
    _refuse_long_lines([(label, lines)], max_chars, "a pivot reference")


def _refuse_long_lines(
    sides: Sequence[tuple[str, list[str]]], max_chars: int, what: str = "reference mode"
) -> None:
    """A line over ``max_chars`` cannot be split into segments without breaking the alignment
    of line-aligned texts: it is refused, naming the side and the line."""
    for side, lines in sides:
        longest = max(range(len(lines)), key=lambda i: len(lines[i]), default=None)
        if longest is not None and len(lines[longest]) > max_chars:
            raise UserError(
                f"{side}: non-empty line {longest + 1} has {len(lines[longest])} characters, "
                f"over the {max_chars}-character segment limit of {what} (lines must "
                "stay aligned, so it is not split; ⟨max_segment_chars⟩ raises the limit)"
            )


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
    pivot_references = dict(document.pivot_references)
    _pivot_reference_lines(pivot_references, pivots, document.origin, document.source is not None)
    prepared = prepare_text(
        document.text,
        document.origin,
        options,
        english,
        pivots,
        document.id,
        document.reference_summary,
        pivot_references,
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
    _refuse_long_lines(((label, source_lines), ("the reference", reference_lines)), max_chars)
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
