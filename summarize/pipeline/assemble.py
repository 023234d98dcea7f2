"""One document's outputs into its :class:`~summarize.result.RunResult`: the summaries scored
(abstractive, extractive and lead) and the result put together."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from summarize import __version__
from summarize.pipeline.options import RunOptions
from summarize.pipeline.prepare import PreparedInput
from summarize.result import RunResult, SummaryResult, TranslationResult

if TYPE_CHECKING:
    from summarize.engines.base import Embedder, ModelInfo, PromptText


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
        prepared.source.code,
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
