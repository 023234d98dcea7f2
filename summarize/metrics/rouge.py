"""ROUGE-1/2/L through Google's rouge-score package (Porter stemming on)."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version

from summarize.metrics.base import ReferenceStream, Score, StatsMetric

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


def rouge_signature(rouge_type: str, measure: str = "f") -> str:
    """One signature per ROUGE variant, in ``run``, ``batch`` and ``score`` alike (a single
    summary is a corpus of one segment, so its mean of segment F1 is its F1). ``measure``:
    ``f`` (F1, the default) or ``precision``."""
    aggregate = "mean-of-segment-f" if measure == "f" else f"mean-of-segment-{measure}"
    return f"{rouge_type}|rouge-score:{version('rouge-score')}|stem:yes|tok:default|agg:{aggregate}"


def rouge_scores(candidate: str, reference: str) -> dict[str, Score]:
    """F-measure (as ``value``) with precision and recall in ``details``, scaled to 0-100."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    raw = scorer.score(reference, candidate)
    return {
        name: Score(
            name,
            100 * raw[name].fmeasure,
            rouge_signature(name),
            {"precision": 100 * raw[name].precision, "recall": 100 * raw[name].recall},
        )
        for name in ROUGE_TYPES
    }


ALL_ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


class RougeMetric(StatsMetric):
    """One ROUGE variant as a corpus metric: the mean of per-segment F-measures (0-100).

    ``rougeLsum`` splits each segment into sentences at newlines (rouge-score's convention), so
    it differs from ``rougeL`` only for multi-sentence segments (e.g. JSONL summaries). With
    several references a segment scores against the one with the highest F-measure
    (rouge-score's ``score_multi``).
    """

    def __init__(self, rouge_type: str) -> None:
        self.name = rouge_type
        self.rouge_type = rouge_type

    def signature(self) -> str:
        return rouge_signature(self.rouge_type)

    def segment_scores(self, hypotheses: list[str], references: list[str]) -> list[float]:
        return self.multi_segment_scores(hypotheses, [references])

    def multi_segment_scores(
        self, hypotheses: list[str], streams: Sequence[ReferenceStream]
    ) -> list[float]:
        from rouge_score import rouge_scorer

        scorer = rouge_scorer.RougeScorer([self.rouge_type], use_stemmer=True)
        scores = []
        for hypothesis, *refs in zip(hypotheses, *streams, strict=True):
            targets = [ref for ref in refs if ref is not None]
            if not targets:
                scores.append(0.0)
                continue
            if len(targets) == 1:
                score = scorer.score(targets[0], hypothesis)
            else:
                score = scorer.score_multi(targets, hypothesis)
            scores.append(100 * score[self.rouge_type].fmeasure)
        return scores
