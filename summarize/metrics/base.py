"""The score record shared by all metric families, reference streams, and
:class:`StatsMetric`: our metrics as sacrebleu metrics."""

from __future__ import annotations

from collections.abc import Sequence

from sacrebleu.metrics.base import Metric, Signature
from sacrebleu.metrics.base import Score as SacrebleuScore

from summarize.result import Score  # noqa: F401  (the score record, re-exported)

# A reference stream (sacrebleu's convention): one reference per segment, line-aligned with the
# hypotheses; ``None`` where a stream has no reference for a segment (a variable count).
ReferenceStream = Sequence[str | None]


def reference_streams(references: Sequence[str | None] | Sequence[ReferenceStream]):
    """References as sacrebleu takes them, ``list[list[str]]`` with one list per reference
    stream; a plain list of strings is taken as the only stream."""
    items = list(references)
    if items and (items[0] is None or isinstance(items[0], str)):
        return [items]
    return [list(stream) for stream in items]


def streams_from_segments(per_segment: Sequence[Sequence[str]]) -> list[list[str | None]]:
    """Each segment's references (one or more) as sacrebleu's reference streams, ``None``
    where a segment has fewer references than the most any segment has."""
    width = max((len(refs) for refs in per_segment), default=1)
    return [[refs[k] if k < len(refs) else None for refs in per_segment] for k in range(width)]


def count_references(streams: Sequence[ReferenceStream]) -> int:
    """References per segment, or -1 when it varies (sacrebleu prints that as ``nrefs:var``)."""
    counts = {sum(ref is not None for ref in refs) for refs in zip(*streams, strict=True)}
    if not counts:
        return len(streams)
    return counts.pop() if len(counts) == 1 else -1


class StatsSignature(Signature):
    """sacrebleu's :class:`~sacrebleu.metrics.base.Signature` for a metric whose settings are
    already one string (``base``): what sacrebleu's paired tests add (``update``: ``bs``,
    ``ar``, ``seed``) follows it, in the order added."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._abbr = {}
        self.info: dict[str, object] = {}

    def format(self, short: bool = False) -> str:
        extra = [f"{key}:{value}" for key, value in self.info.items() if value is not None]
        return "|".join([self.base, *extra])


class StatsMetric(Metric):
    """A metric whose corpus score is a function of summed per-segment statistics.

    A :class:`sacrebleu.metrics.base.Metric` (sacrebleu's public base for new metrics): it
    implements the methods that base declares, so ROUGE and embedding scores get confidence
    intervals and paired tests from sacrebleu's :class:`~sacrebleu.significance.PairedTest`,
    with the same seeds, exactly as BLEU, chrF and TER do.

    Subclasses define ``name``, ``signature()`` and ``segment_scores`` (one reference per
    segment); the default corpus score is the mean of the per-segment scores (stats
    ``[score, 1]``). With several references a segment scores against its best reference (the
    highest score, or the lowest where lower is better), as rouge-score's ``score_multi`` does,
    and the signature records ``nrefs:N|refs:best-per-segment``.
    """

    name = "metric"
    higher_is_better = True
    # Metrics that compare with the source (not the references) set this to False.
    uses_references = True
    # Set from the references on every scoring call, as sacrebleu's metrics do.
    num_refs = 1

    def signature(self) -> str:
        raise NotImplementedError

    def segment_scores(self, hypotheses: list[str], references: list[str]) -> list[float]:
        raise NotImplementedError

    def multi_segment_scores(
        self, hypotheses: list[str], streams: Sequence[ReferenceStream]
    ) -> list[float]:
        """Per-segment scores against the best of each segment's references."""
        if not self.uses_references or (len(streams) == 1 and None not in streams[0]):
            return self.segment_scores(hypotheses, list(streams[0]))
        best: list[float | None] = [None] * len(hypotheses)
        pick = max if self.higher_is_better else min
        for stream in streams:
            present = [i for i, ref in enumerate(stream) if ref is not None]
            scores = self.segment_scores(
                [hypotheses[i] for i in present], [stream[i] for i in present]
            )
            for i, score in zip(present, scores, strict=True):
                best[i] = score if best[i] is None else pick(best[i], score)
        return [float("nan") if score is None else score for score in best]

    def segment_stats(self, hypotheses: list[str], streams: Sequence[ReferenceStream]):
        import numpy as np

        scores = self.multi_segment_scores(hypotheses, streams)
        return np.array([[score, 1.0] for score in scores], dtype="float64").reshape(-1, 2)

    def score_from_stats(self, totals) -> float:
        return float(totals[0] / totals[1]) if totals[1] else 0.0

    def full_signature(self) -> str:
        """``signature()`` plus the reference count when there are several references."""
        if not self.uses_references or self.num_refs == 1:
            return self.signature()
        count = "var" if self.num_refs < 0 else self.num_refs
        return f"{self.signature()}|nrefs:{count}|refs:best-per-segment"

    # sacrebleu's Metric: the methods it declares for a metric to implement. Statistics come
    # from whole segments (segment_stats), so its per-reference caching steps are not used.
    def _extract_corpus_statistics(self, hypotheses, references):
        streams = reference_streams(references)
        self.num_refs = count_references(streams)
        return self.segment_stats(list(hypotheses), streams)

    def _compute_score_from_stats(self, stats) -> SacrebleuScore:
        return SacrebleuScore(self.name, self.score_from_stats(stats))

    def _aggregate_and_compute(self, stats) -> SacrebleuScore:
        import numpy as np

        return self._compute_score_from_stats(np.asarray(stats, dtype="float64").sum(axis=0))

    def _preprocess_segment(self, sent: str) -> str:
        return sent

    def _extract_reference_info(self, refs: Sequence[str]) -> dict:
        return {"refs": list(refs)}

    def _compute_segment_statistics(self, hypothesis: str, ref_kwargs: dict) -> list[float]:
        return list(self.segment_stats([hypothesis], [[ref] for ref in ref_kwargs["refs"]])[0])

    def get_signature(self) -> StatsSignature:
        return StatsSignature(self.full_signature())
