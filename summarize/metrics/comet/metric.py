"""COMET-22 and CometKiwi as corpus metrics of ``summarize score``: the mean of the segment
scores (unbabel-comet's system score), segment scores, and sacrebleu's intervals and paired
tests over them (:class:`~summarize.metrics.base.StatsMetric`)."""

from __future__ import annotations

from collections.abc import Sequence

from summarize.metrics.base import StatsMetric
from summarize.metrics.comet.scorer import CometScorer, load_scorer


class CometMetric(StatsMetric):
    """One COMET model's score of each hypothesis with its source line (and reference, for
    COMET-22). Each segment is scored once however often it is asked for (corpus score,
    segment scores, each reference stream)."""

    def __init__(self, name: str, scorer: CometScorer, sources: Sequence[str]) -> None:
        self.name = name
        self.scorer = scorer
        self.sources = list(sources)
        self.uses_references = scorer.needs_reference
        self._scores: dict[tuple[str, str, str | None], float] = {}

    def signature(self) -> str:
        return f"{self.name}|{self.scorer.signature()}"

    def segment_scores(self, hypotheses: list[str], references: list[str]) -> list[float]:
        refs: list[str | None] = (
            list(references) if self.uses_references else [None] * len(hypotheses)
        )
        keys = list(zip(self.sources, hypotheses, refs, strict=True))
        missing = list(dict.fromkeys(key for key in keys if key not in self._scores))
        if missing:
            sources, outputs, wanted = (list(column) for column in zip(*missing, strict=True))
            found = self.scorer.score(sources, outputs, wanted if self.uses_references else None)
            self._scores.update(zip(missing, found, strict=True))
        return [self._scores[key] for key in keys]


def comet_metric(name: str, model: str, sources: Sequence[str]) -> CometMetric:
    """The metric ``name`` of the COMET model ``model`` (a folder or Hub id), loaded now: a
    model that cannot be had fails before any scoring."""
    return CometMetric(name, load_scorer(model), sources)
