"""Score one translation system's outputs against their English references.

Shared by round trip (reference = the English input) and reference mode (reference = the
supplied English translation), so both give the same numbers for the same texts. With other
references (several translators), chrF++, BLEU and TER use all of a segment's references as
sacrebleu does, and the embedding cosine takes the best one.
"""

from __future__ import annotations

from summarize.engines.base import Embedder
from summarize.input.segment import Segment
from summarize.metrics import registry
from summarize.metrics.base import Score
from summarize.metrics.likelihood import LegScores
from summarize.metrics.outputs import TranslationOutputs
from summarize.metrics.translation import sentence_chrf
from summarize.result import SegmentResult
from summarize.tasks.flags import Flag


def score_outputs(
    segments: list[Segment],
    sources: list[str],
    pivots: list[str] | None,
    outputs: list[str],
    references: list[str],
    flags: list[list[Flag]],
    embedder: Embedder,
    other_references: list[list[str]] | None = None,
    legs: LegScores | None = None,
    target_language: str | None = None,
    pivot_references: list[str] | None = None,
    pivot_language: str | None = None,
) -> tuple[list[SegmentResult], dict[str, Score]]:
    """Per-segment chrF++, embedding cosine and leg scores, and every registered metric of the
    system's outputs (corpus BLEU/chrF++/TER/cosine...).

    ``other_references``: per segment, its further references (may be empty); ``legs``: each
    leg's reference-free scores, if scored; ``target_language``: the outputs' language (ISO
    639-1), which picks BLEU's tokenizer as sacrebleu's ``-l`` does; ``pivot_references``: per
    segment, a human translation into ``pivot_language`` that the pivot is scored against
    (round trip)."""
    others = other_references or [[] for _ in references]
    all_refs = [[ref, *more] for ref, more in zip(references, others, strict=True)]
    system = TranslationOutputs(
        outputs,
        all_refs,
        sources,
        embedder,
        legs,
        target_language,
        pivots,
        pivot_references,
        pivot_language,
    )
    results = [
        SegmentResult(
            index=segment.index,
            paragraph=segment.paragraph,
            source=source,
            pivot=pivots[i] if pivots is not None else None,
            output=outputs[i],
            reference=references[i],
            chrf=sentence_chrf(outputs[i], all_refs[i], target_language),
            embedding_cosine=system.cosines[i],
            flags=flags[i],
            other_references=list(others[i]),
            logprob=legs.segment(i) if legs else {},
            pivot_reference=pivot_references[i] if pivot_references else None,
        )
        for i, (segment, source) in enumerate(zip(segments, sources, strict=True))
    ]
    return results, registry.score_translation(system)
