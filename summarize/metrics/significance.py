"""Confidence intervals and paired significance tests, through sacrebleu's own code.

Everything goes through sacrebleu's public :class:`~sacrebleu.significance.PairedTest` (paired
bootstrap resampling, Koehn 2004; approximate randomisation, Riezler & Maxwell 2005; a bootstrap
interval is its estimate for a single, baseline system). It runs unchanged on sacrebleu's metrics
and on our :class:`~summarize.metrics.base.StatsMetric` ones (subclasses of sacrebleu's public
``Metric``), so every metric's interval and p-value comes from the same algorithm and seed.
The numbers equal ``sacrebleu --confidence`` and ``sacrebleu --paired-bs`` / ``--paired-ar``
run with ``SACREBLEU_SEED`` set to the same seed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from summarize.metrics.base import StatsMetric, reference_streams

DEFAULT_SEED = 12345  # sacrebleu's default, so default runs match its command line
DEFAULT_BOOTSTRAP = 1000
DEFAULT_AR_TRIALS = 10000
TESTS = ("bs", "ar")


@dataclass(frozen=True)
class Interval:
    """Bootstrap estimate of a corpus score: the resampled mean and the 95% half-width
    (sacrebleu's ``μ ± ci``): the interval is ``[mean - half_width, mean + half_width]``."""

    mean: float
    half_width: float

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width


@dataclass(frozen=True)
class Comparison:
    """One metric for one system: its score, interval, and p-value against the baseline
    (``None`` for the baseline itself)."""

    score: float
    interval: Interval | None
    p_value: float | None


def _p_value(p_value: float | None, identical_to_baseline: bool) -> float | None:
    """sacrebleu counts only resampled differences strictly greater than the observed one, so
    a system whose outputs equal the baseline's gets the smallest possible p-value, 1/(n+1), as
    if significantly different. Identical outputs are no evidence of a difference: p = 1."""
    if p_value is None:
        return None
    return 1.0 if identical_to_baseline else float(p_value)


@contextmanager
def sacrebleu_seed(seed: int | None) -> Iterator[None]:
    """sacrebleu reads its RNG seed from ``SACREBLEU_SEED``; set it for the duration only."""
    old = os.environ.get("SACREBLEU_SEED")
    os.environ["SACREBLEU_SEED"] = "None" if seed is None else str(seed)
    try:
        yield
    finally:
        if old is None:
            del os.environ["SACREBLEU_SEED"]
        else:
            os.environ["SACREBLEU_SEED"] = old


def corpus_estimate(
    metric, hypotheses: Sequence[str], references: Sequence, n_samples: int, seed: int | None
) -> tuple[float, Interval | None]:
    """One system's corpus score and, when ``n_samples`` > 0, its 95% bootstrap interval
    (``sacrebleu --confidence``): sacrebleu's :class:`~sacrebleu.significance.PairedTest` with
    the system as its only (baseline) system, which resamples the per-segment statistics and
    estimates mean ± half the 2.5-97.5 percentile range, seeded. With ``n_samples`` 0 it runs
    no resampling at all (approximate randomisation with no other system to compare and no
    interval asked for): the score only, from the same statistics.

    ``references``: one list per reference stream (sacrebleu's convention), or a single list.
    """
    from sacrebleu.significance import PairedTest

    with sacrebleu_seed(seed):
        paired = PairedTest(
            [("system", list(hypotheses))],
            {"metric": metric},
            references=reference_streams(references),
            test_type="bs" if n_samples > 0 else "ar",
            n_samples=n_samples,
            n_ar_confidence=-1,
        )
        _, table = paired()
    (result,) = next(column for name, column in table.items() if name != "System")
    if result.mean is None:
        return float(result.score), None
    return float(result.score), Interval(float(result.mean), float(result.ci))


def bootstrap_interval(
    metric, hypotheses: Sequence[str], references: Sequence, n_samples: int, seed: int | None
) -> Interval:
    """95% bootstrap interval of one system's corpus score (``sacrebleu --confidence``).

    ``references``: one list per reference stream (sacrebleu's convention), or a single list.
    """
    interval = corpus_estimate(metric, hypotheses, references, n_samples, seed)[1]
    assert interval is not None, "n_samples must be positive"
    return interval


class _Mean(StatsMetric):
    """Plain numbers as a corpus: each hypothesis is one number (``repr``, which reads back
    exactly), the corpus score their mean; so a mean's interval comes from the same sacrebleu
    resampling as every metric's."""

    name = "mean"
    uses_references = False

    def signature(self) -> str:
        return "mean"

    def segment_scores(self, hypotheses: list[str], references: list[str]) -> list[float]:
        return [float(hypothesis) for hypothesis in hypotheses]


def mean_interval(values: Sequence[float], n_samples: int, seed: int | None) -> Interval:
    """The bootstrap interval of a plain mean (e.g. a score over documents), computed as
    :func:`bootstrap_interval` computes a metric's."""
    numbers = [repr(float(value)) for value in values]
    return bootstrap_interval(_Mean(), numbers, numbers, n_samples, seed)


def paired_test(
    systems: Sequence[tuple[str, Sequence[str]]],
    metrics: Mapping[str, object],
    references: Sequence,
    test: str = "bs",
    n_samples: int = 0,
    seed: int | None = DEFAULT_SEED,
) -> tuple[dict[str, str], dict[str, list[Comparison]]]:
    """Compare every system with the first (the baseline) on every metric.

    ``references``: one list per reference stream (sacrebleu's convention), or a single list.
    Returns the test signatures (sacrebleu's, with ``bs``/``ar`` and ``seed`` added) and, per
    metric, one :class:`Comparison` per system in input order. Approximate randomisation also
    reports 1000-sample bootstrap intervals.
    """
    from sacrebleu.significance import PairedTest

    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}")
    keys = list(metrics)
    with sacrebleu_seed(seed):
        paired = PairedTest(
            [(name, list(hyps)) for name, hyps in systems],
            dict(metrics),
            references=reference_streams(references),
            test_type=test,
            n_samples=n_samples,
            n_ar_confidence=DEFAULT_BOOTSTRAP if test == "ar" else -1,
        )
        signatures, table = paired()
    # PairedTest keys its output by each metric's display name, in the order given.
    names = [name for name in table if name != "System"]
    comparisons: dict[str, list[Comparison]] = {}
    sigs: dict[str, str] = {}
    baseline = list(systems[0][1])
    identical = [list(hyps) == baseline for _, hyps in systems]
    for key, name in zip(keys, names, strict=True):
        comparisons[key] = [
            Comparison(
                float(result.score),
                None if result.mean is None else Interval(float(result.mean), float(result.ci)),
                _p_value(result.p_value, identical[index] and index > 0),
            )
            for index, result in enumerate(table[name])
        ]
        sigs[key] = signatures[name].format()
    return sigs, comparisons
