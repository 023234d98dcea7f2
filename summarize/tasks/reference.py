"""Reference mode: a supplied source text translated into English and scored against the
supplied English translation (same metrics and result structure as the round trip)."""

from __future__ import annotations

from summarize.engines.base import Embedder, ModelInfo
from summarize.languages import Language
from summarize.result import TranslationResult
from summarize.segment import Segment
from summarize.tasks.flags import output_flags
from summarize.tasks.scoring import score_outputs


def score_reference(
    sources: list[Segment],
    references: list[Segment],
    source: Language,
    target: Language,
    outputs: list[str],
    model: ModelInfo,
    embedder: Embedder,
) -> TranslationResult:
    """Score and flag finished translations of ``sources`` (one output per segment)."""
    texts = [segment.text for segment in sources]
    reference_texts = [segment.text for segment in references]
    flags = [
        output_flags(output, text, "translation", target, source)
        for output, text in zip(outputs, texts, strict=True)
    ]
    others = [list(segment.alternatives) for segment in references]
    results, scores = score_outputs(
        sources, texts, None, outputs, reference_texts, flags, embedder, others
    )
    return TranslationResult(
        name=f"{model.name}:{source.code}→{target.code}",
        mode="reference",
        source_lang=source.code,
        pivot_lang=None,
        target_lang=target.code,
        forward_model=model.to_dict(),
        backward_model=None,
        segments=results,
        scores=scores,
    )
