"""The score record shared by all metric families."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Score:
    """A metric value and everything needed to reproduce it.

    ``signature`` follows sacrebleu's style (``key:value|key:value``): two scores are comparable
    only when their signatures match.
    """

    metric: str
    value: float
    signature: str
    details: dict[str, float] = field(default_factory=dict)


@dataclass
class StatsScore:
    """What :class:`StatsMetric` returns: sacrebleu's significance code reads ``name``/``score``."""

    name: str
    score: float


class StatsSignature:
    """A signature that sacrebleu's paired tests can extend (``update``) and print (``format``)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.extra: dict[str, object] = {}

    def update(self, key: str, value: object) -> None:
        self.extra[key] = value

    def format(self, short: bool = False) -> str:
        extra = [f"{key}:{value}" for key, value in self.extra.items() if value is not None]
        return "|".join([self.base, *extra])

    def __str__(self) -> str:
        return self.format()


class StatsMetric:
    """A metric whose corpus score is a function of summed per-segment statistics.

    It speaks the small protocol sacrebleu's significance code uses on its own metrics
    (``_extract_corpus_statistics``, ``_compute_score_from_stats``, ``_aggregate_and_compute``,
    ``get_signature``), so ROUGE and embedding scores get confidence intervals and paired tests
    from exactly the same code, with the same seeds, as BLEU, chrF and TER.

    Subclasses define ``name``, ``signature()`` and ``segment_stats``; the default corpus score
    is the mean of the per-segment scores (stats ``[score, 1]``).
    """

    name = "metric"
    higher_is_better = True

    def signature(self) -> str:
        raise NotImplementedError

    def segment_scores(self, hypotheses: list[str], references: list[str]) -> list[float]:
        raise NotImplementedError

    def segment_stats(self, hypotheses: list[str], references: list[str]):
        import numpy as np

        scores = self.segment_scores(hypotheses, references)
        return np.array([[score, 1.0] for score in scores], dtype="float64").reshape(-1, 2)

    def score_from_stats(self, totals) -> float:
        return float(totals[0] / totals[1]) if totals[1] else 0.0

    # sacrebleu's protocol
    def _extract_corpus_statistics(self, hypotheses, references):
        return self.segment_stats(list(hypotheses), list(references[0]))

    def _compute_score_from_stats(self, totals) -> StatsScore:
        return StatsScore(self.name, self.score_from_stats(totals))

    def _aggregate_and_compute(self, stats) -> StatsScore:
        import numpy as np

        return self._compute_score_from_stats(np.asarray(stats, dtype="float64").sum(axis=0))

    def get_signature(self) -> StatsSignature:
        return StatsSignature(self.signature())
