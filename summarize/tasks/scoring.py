"""Score one translation system's outputs against their English references.

Shared by round trip (reference = the English input) and reference mode (reference = the
supplied English translation), so both give the same numbers for the same texts. With other
references (several translators), chrF++, BLEU and TER use all of a segment's references as
sacrebleu does, and the embedding cosine takes the best one.
"""

from __future__ import annotations

from summarize.engines.base import Embedder
from summarize.input.segment import Segment
from summarize.metrics.base import Score, count_references, streams_from_segments
from summarize.metrics.similarity import pairwise_cosine, segment_cosine_signature
from summarize.metrics.translation import corpus_scores, sentence_chrf
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
) -> tuple[list[SegmentResult], dict[str, Score]]:
    """Per-segment chrF++ and embedding cosine, and corpus BLEU/chrF++/TER/cosine.

    ``other_references``: per segment, its further references (may be empty)."""
    others = other_references or [[] for _ in references]
    all_refs = [[ref, *more] for ref, more in zip(references, others, strict=True)]
    output_vectors = embedder.embed(outputs)
    cosines = pairwise_cosine(embedder.embed(references), output_vectors)
    for k in range(1, max(map(len, all_refs), default=1)):
        present = [i for i, refs in enumerate(all_refs) if len(refs) > k]
        more = pairwise_cosine(
            embedder.embed([all_refs[i][k] for i in present]), output_vectors[present]
        )
        for i, cosine in zip(present, more, strict=True):
            cosines[i] = max(cosines[i], cosine)
    results = [
        SegmentResult(
            index=segment.index,
            paragraph=segment.paragraph,
            source=source,
            pivot=pivots[i] if pivots is not None else None,
            output=outputs[i],
            reference=references[i],
            chrf=sentence_chrf(outputs[i], all_refs[i]),
            embedding_cosine=cosines[i],
            flags=flags[i],
            other_references=list(others[i]),
        )
        for i, (segment, source) in enumerate(zip(segments, sources, strict=True))
    ]
    streams = streams_from_segments(all_refs)
    scores = corpus_scores(outputs, streams)
    signature = segment_cosine_signature(embedder.info)
    if len(streams) > 1:
        signature += f"|nrefs:{_count(streams)}|refs:best-per-segment"
    scores["embedding_cosine"] = Score("embedding_cosine", sum(cosines) / len(cosines), signature)
    return results, scores


def _count(streams: list[list[str | None]]) -> str:
    count = count_references(streams)
    return "var" if count < 0 else str(count)
