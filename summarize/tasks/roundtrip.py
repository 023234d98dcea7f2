"""Re-translation: English → pivot → English (round trip), scored against the English input."""

from __future__ import annotations

from collections.abc import Sequence

from summarize.engines.base import Embedder, ModelInfo, PromptText
from summarize.input.languages import Language
from summarize.input.segment import Segment
from summarize.metrics.likelihood import LegScores
from summarize.result import TranslationResult
from summarize.tasks.flags import Output, OutputKind, flags_of
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
    forward_prompt: Sequence[PromptText] = (),
    backward_prompt: Sequence[PromptText] = (),
    legs: LegScores | None = None,
    pivot_reference: list[str] | None = None,
) -> TranslationResult:
    """Score and flag a finished round trip (pivot texts and back-translations, per segment).

    ``forward_prompt``/``backward_prompt``: what each direction's prompts hold besides the
    input (:func:`summarize.engines.base.prompt_texts`); an output that reproduces one of them
    is flagged ``prompt_leak``. The back-translation is compared with the original for lost and
    made-up numbers and names (``consistency``). ``pivot_reference``: a human translation into
    the pivot language, one line per segment, that the pivot texts are scored against."""
    texts = [segment.text for segment in segments]
    flags = []
    for text, pivot_text, output in zip(texts, pivots, outputs, strict=True):
        forward_output = Output(
            OutputKind.PIVOT,
            pivot_text,
            source=text,
            language=pivot,
            source_language=source,
            prompt=forward_prompt,
        )
        back_output = Output(
            OutputKind.BACK,
            output,
            source=pivot_text,
            language=source,
            source_language=pivot,
            reference=text,
            prompt=backward_prompt,
        )
        flags.append(flags_of(forward_output) + flags_of(back_output))
    results, scores = score_outputs(
        segments,
        texts,
        pivots,
        outputs,
        texts,
        flags,
        embedder,
        legs=legs,
        target_language=source.code,
        pivot_references=pivot_reference,
        pivot_language=pivot.code,
    )
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
        self_scored=list(legs.self_scored) if legs else [],
    )
