"""Re-translation: English → pivot → English (round trip), scored against the English input."""

from __future__ import annotations

from summarize.engines.base import Embedder, ModelInfo
from summarize.languages import Language
from summarize.result import TranslationResult
from summarize.segment import Segment
from summarize.tasks.flags import output_flags
from summarize.tasks.scoring import score_outputs


def score_round_trip(
    segments: list[Segment],
    source: Language,
    pivot: Language,
    pivots: list[str],
    outputs: list[str],
    forward: ModelInfo,
    backward: ModelInfo,
    embedder: Embedder,
) -> TranslationResult:
    """Score and flag a finished round trip (pivot texts and back-translations, per segment)."""
    texts = [segment.text for segment in segments]
    flags = [
        output_flags(pivot_text, text, "pivot", pivot, source)
        + output_flags(output, pivot_text, "back", source, pivot)
        for text, pivot_text, output in zip(texts, pivots, outputs, strict=True)
    ]
    results, scores = score_outputs(segments, texts, pivots, outputs, texts, flags, embedder)
    return TranslationResult(
        name=f"{forward.name}:{source.code}→{pivot.code}→{source.code}",
        mode="round_trip",
        source_lang=source.code,
        pivot_lang=pivot.code,
        target_lang=source.code,
        forward_model=forward.to_dict(),
        backward_model=backward.to_dict(),
        segments=results,
        scores=scores,
    )
