"""A batch's numbers per system: means over documents with bootstrap intervals, and corpus
scores over the segments of every document pooled (translation systems)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from summarize.metrics.registry import document_values
from summarize.metrics.significance import DEFAULT_BOOTSTRAP, DEFAULT_SEED, mean_interval
from summarize.result import MeanCI, RunResult, SystemStats


def bootstrap_ci(values: Sequence[float], seed: int | None = DEFAULT_SEED) -> MeanCI:
    """Mean over documents with its 95% bootstrap interval: the interval function of
    ``summarize score`` (sacrebleu's resampling and estimate, same seed), on the mean."""
    import numpy as np

    data = np.asarray(values, dtype=float)
    mean = float(data.mean())
    if len(data) < 2:
        return MeanCI(mean, mean, mean, len(data))
    interval = mean_interval(data, DEFAULT_BOOTSTRAP, seed)
    return MeanCI(mean, interval.low, interval.high, len(data))


def aggregate(documents: Sequence[RunResult]) -> list[SystemStats]:
    """Per-system means with bootstrap CIs, and pooled corpus scores for translations."""
    from summarize.metrics.base import streams_from_segments
    from summarize.metrics.translation import corpus_scores

    kinds: dict[str, str] = {}
    columns: dict[str, dict[str, list[float]]] = {}
    pooled: dict[str, tuple[list[str], list[list[str]]]] = {}
    languages: dict[str, str] = {}
    self_scored: dict[str, dict[str, None]] = {}
    for result in documents:
        for system in result.translations:
            kinds.setdefault(system.name, "translation")
            languages.setdefault(system.name, system.target_lang)
            self_scored.setdefault(system.name, {}).update(dict.fromkeys(system.self_scored))
            outputs, references = pooled.setdefault(system.name, ([], []))
            outputs += [segment.output for segment in system.segments]
            references += [[s.reference, *s.other_references] for s in system.segments]
        for summary in result.summaries:
            kinds.setdefault(summary.name, "summary")
        for name, numbers in document_values(result).items():
            for key, value in numbers.items():
                if math.isfinite(value):
                    columns.setdefault(name, {}).setdefault(key, []).append(value)
    stats = []
    for name, kind in kinds.items():
        metrics = {key: bootstrap_ci(values) for key, values in columns.get(name, {}).items()}
        documents_count = max((m.n for m in metrics.values()), default=0)
        corpus = {}
        if name in pooled:
            outputs, references = pooled[name]
            streams = streams_from_segments(references)
            corpus = corpus_scores(outputs, streams, languages[name])
        own = list(self_scored.get(name, {}))
        stats.append(SystemStats(name, kind, documents_count, metrics, corpus, own))
    return stats
