"""Score one translation system's outputs against their English references.

Shared by round trip (reference = the English input) and reference mode (reference = the
supplied English translation), so both give the same numbers for the same texts.
"""

from __future__ import annotations

from summarize.engines.base import Embedder
from summarize.metrics.base import Score
from summarize.metrics.similarity import embedding_signature, pairwise_cosine
from summarize.metrics.translation import corpus_scores, sentence_chrf
from summarize.result import SegmentResult
from summarize.segment import Segment
from summarize.tasks.flags import Flag


def score_outputs(
    segments: list[Segment],
    sources: list[str],
    pivots: list[str] | None,
    outputs: list[str],
    references: list[str],
    flags: list[list[Flag]],
    embedder: Embedder,
) -> tuple[list[SegmentResult], dict[str, Score]]:
    """Per-segment chrF++ and embedding cosine, and corpus BLEU/chrF++/TER/cosine."""
    cosines = pairwise_cosine(embedder.embed(references), embedder.embed(outputs))
    results = [
        SegmentResult(
            index=segment.index,
            paragraph=segment.paragraph,
            source=source,
            pivot=pivots[i] if pivots is not None else None,
            output=outputs[i],
            reference=references[i],
            chrf=sentence_chrf(outputs[i], references[i]),
            embedding_cosine=cosines[i],
            flags=flags[i],
        )
        for i, (segment, source) in enumerate(zip(segments, sources, strict=True))
    ]
    scores = corpus_scores(outputs, references)
    scores["embedding_cosine"] = Score(
        "embedding_cosine",
        sum(cosines) / len(cosines),
        embedding_signature(embedder.info, "sentence"),
    )
    return results, scores
