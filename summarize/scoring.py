"""`summarize score`: score existing outputs against references, with no generation model.

Input files hold one segment per line (plain text) or one JSON value per line (``.jsonl``: a
string, or an object whose ``text`` field is the segment). Every hypothesis file must have as
many segments as the reference (and the source, when given).

Empty lines are kept as empty segments, never dropped (dropping would misalign every later
line): an empty hypothesis scores as sacrebleu scores it (it matches nothing), and the report
counts empty hypothesis and reference lines in its notes.

BLEU, chrF, chrF++ and TER are sacrebleu's own metric objects, configured as its command line
configures them, so numbers and signatures are identical to ``sacrebleu REF -i HYP -m ...``.
Confidence intervals and paired tests come from sacrebleu's significance code for every
metric (see :mod:`summarize.metrics.significance`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from summarize import __version__
from summarize.errors import UserError
from summarize.inputs import DEFAULT_SCORE_MAX_INPUT_MB, check_no_nul, max_bytes, read_text_file
from summarize.metrics.significance import (
    DEFAULT_AR_TRIALS,
    DEFAULT_BOOTSTRAP,
    DEFAULT_SEED,
    TESTS,
    Interval,
    bootstrap_interval,
    paired_test,
)
from summarize.metrics.translation import LOWER_IS_BETTER, SACREBLEU_METRICS, sacrebleu_metric

SCHEMA_VERSION = "summarize.score/1"

ROUGE_METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum")
EMBEDDING_METRICS = ("emb", "emb-doc", "bertscore")
SOURCE_METRICS = ("coverage", "density", "compression", "novel1", "novel2", "unsupported")
# Shorthands accepted in --metrics.
GROUPS = {
    "rouge": ROUGE_METRICS,
    "embedding": ("emb", "emb-doc"),
    "extractiveness": ("coverage", "density", "compression", "novel1", "novel2"),
}
ALL_METRICS = (*SACREBLEU_METRICS, *ROUGE_METRICS, *EMBEDDING_METRICS, *SOURCE_METRICS)
# rougeLsum equals rougeL on one-sentence lines, so it is asked for explicitly (or via "rouge").
DEFAULT_METRICS = ("bleu", "chrf", "chrf++", "ter", "rouge1", "rouge2", "rougeL")

DISPLAY = {
    "bleu": "BLEU",
    "chrf": "chrF2",
    "chrf++": "chrF2++",
    "ter": "TER",
    "rouge1": "ROUGE-1",
    "rouge2": "ROUGE-2",
    "rougeL": "ROUGE-L",
    "rougeLsum": "ROUGE-Lsum",
    "emb": "emb. cosine",
    "emb-doc": "doc emb. cosine",
    "bertscore": "BERTScore-F1 (MiniLM)",
    "coverage": "coverage",
    "density": "density",
    "compression": "compression",
    "novel1": "novel 1-grams",
    "novel2": "novel 2-grams",
    "unsupported": "unsupported/seg",
}


def parse_metrics(names: Sequence[str]) -> list[str]:
    """Expand groups, keep order, drop repeats; unknown names are a one-line error."""
    chosen: list[str] = []
    lookup = {name.lower(): name for name in (*ALL_METRICS, *GROUPS)}
    for raw in names or DEFAULT_METRICS:
        name = lookup.get(raw.strip().lower())
        if name is None:
            raise UserError(
                f"unknown metric {raw.strip()!r}; choose from {', '.join(ALL_METRICS)} "
                f"(or the groups {', '.join(GROUPS)})"
            )
        for member in GROUPS.get(name, (name,)):
            if member not in chosen:
                chosen.append(member)
    return chosen


def read_segments(
    path: Path, jsonl_field: str = "text", max_input_mb: float = DEFAULT_SCORE_MAX_INPUT_MB
) -> list[str]:
    """Segments of one file, as sacrebleu reads them: split at ``\\n``, trailing whitespace
    removed. ``.jsonl`` files hold one JSON string or object (``jsonl_field``) per line.
    Only a regular file of at most ``max_input_mb`` is read."""
    text = read_text_file(path, max_bytes(max_input_mb))
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if path.suffix.lower() != ".jsonl":
        return [line.rstrip() for line in lines]
    segments = []
    for number, line in enumerate(lines, 1):
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}: line {number} is not valid JSON ({exc.msg})") from exc
        if isinstance(value, dict):
            value = value.get(jsonl_field)
        if not isinstance(value, str):
            raise UserError(
                f"{path}: line {number} must be a JSON string or an object with a "
                f"string {jsonl_field!r} field"
            )
        segments.append(check_no_nul(value, f"{path}: line {number}").rstrip())
    return segments


@dataclass
class MetricInfo:
    name: str
    display: str
    signature: str
    segment_signature: str | None
    higher_is_better: bool


@dataclass
class MetricValue:
    """A corpus score, its bootstrap mean and 95% interval, and the p-value of the paired test
    against the baseline (``None`` for the baseline, or with a single system)."""

    score: float
    mean: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None


@dataclass
class SystemScores:
    name: str
    path: str
    rank: int
    baseline: bool
    scores: dict[str, MetricValue]
    segments: dict[str, list[float | None]] = field(default_factory=dict)


@dataclass
class ScoreReport:
    tool_version: str
    reference: str
    source: str | None
    segments: int
    test: str | None
    n_samples: int
    seed: int | None
    ranked_by: str
    metrics: list[MetricInfo]
    systems: list[SystemScores]
    notes: list[str] = field(default_factory=list)
    schema: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ScoreOptions:
    metrics: list[str] = field(default_factory=lambda: list(DEFAULT_METRICS))
    test: str = "bs"
    n_samples: int = 0  # 0: sacrebleu's defaults (1000 bootstrap resamples, 10000 AR trials)
    seed: int | None = DEFAULT_SEED
    confidence: bool = True
    segment_scores: bool = True
    jsonl_field: str = "text"
    device: str = "auto"  # for the embedding model, loaded only by embedding metrics
    max_input_mb: float = DEFAULT_SCORE_MAX_INPUT_MB  # per file


def _system_names(paths: Sequence[Path]) -> list[str]:
    names = [path.name for path in paths]
    if len(set(names)) < len(names):
        names = [str(path) for path in paths]
    return names


def _check_lengths(path: Path, count: int, reference: Path, expected: int) -> None:
    if count != expected:
        raise UserError(
            f"{path}: has {count} segments but the reference {reference} has {expected}; "
            "files must be line-aligned"
        )


def build_metrics(
    names: Sequence[str], sources: list[str] | None, load_embedder: Callable[[], Any]
) -> dict[str, Any]:
    """Metric objects keyed by name; embedding metrics share one lazily loaded model."""
    from summarize.metrics.consistency import UnsupportedMetric
    from summarize.metrics.extractiveness import ExtractivenessMetric
    from summarize.metrics.rouge import RougeMetric
    from summarize.metrics.similarity import (
        DocumentCosineMetric,
        GreedyTokenMetric,
        SegmentCosineMetric,
    )

    shared: dict[str, Any] = {}

    def embedder():
        if "model" not in shared:
            shared["model"] = load_embedder()
        return shared["model"]

    metrics: dict[str, Any] = {}
    for name in names:
        if name in SACREBLEU_METRICS:
            metrics[name] = sacrebleu_metric(name)
        elif name in ROUGE_METRICS:
            metrics[name] = RougeMetric(name)
        elif name == "emb":
            metrics[name] = SegmentCosineMetric(embedder)
        elif name == "emb-doc":
            metrics[name] = DocumentCosineMetric(embedder)
        elif name == "bertscore":
            metrics[name] = GreedyTokenMetric(embedder)
        elif name in SOURCE_METRICS:
            if sources is None:
                raise UserError(f"metric {name!r} compares outputs with the source: pass --src")
            if name == "unsupported":
                metrics[name] = UnsupportedMetric(sources)
            else:
                metrics[name] = ExtractivenessMetric(name, sources)
    return metrics


def _higher_is_better(name: str, metric: Any) -> bool:
    if name in SACREBLEU_METRICS:
        return name not in LOWER_IS_BETTER
    return bool(getattr(metric, "higher_is_better", True))


def _segment_scores(name: str, metric: Any, hypotheses: list[str], references: list[str]):
    """Sentence-level scores: sacrebleu's ``sentence_score`` (as ``sacrebleu -sl``) or the
    metric's own per-segment score. ``None`` where a metric has no segment score."""
    if name in SACREBLEU_METRICS:
        sentence_metric = sacrebleu_metric(name, sentence_level=True)
        scores = [
            sentence_metric.sentence_score(hyp, [ref]).score
            for hyp, ref in zip(hypotheses, references, strict=True)
        ]
        return scores, sentence_metric.get_signature().format()
    scores = metric.segment_scores(hypotheses, references)
    if all(math.isnan(score) for score in scores):
        return None, None
    return [None if math.isnan(s) else float(s) for s in scores], metric.signature()


def score_files(
    hypothesis_paths: Sequence[Path],
    reference_path: Path,
    source_path: Path | None = None,
    options: ScoreOptions | None = None,
    load_embedder: Callable[[], Any] | None = None,
) -> ScoreReport:
    """Read and check every file, then score each system; the first system is the baseline."""
    options = options or ScoreOptions()
    if options.test not in TESTS:
        raise UserError(f"unknown significance test {options.test!r}; use bs or ar")
    if not hypothesis_paths:
        raise UserError("give at least one hypothesis file with --hyp")
    if options.n_samples < 0:
        raise UserError("--samples must be 0 (the default) or more")

    def read(path: Path) -> list[str]:
        return read_segments(path, options.jsonl_field, options.max_input_mb)

    references = read(reference_path)
    sources = None
    if source_path is not None:
        sources = read(source_path)
        _check_lengths(source_path, len(sources), reference_path, len(references))
    systems = []
    for path in hypothesis_paths:
        hypotheses = read(path)
        _check_lengths(path, len(hypotheses), reference_path, len(references))
        systems.append(hypotheses)
    names = _system_names(hypothesis_paths)
    metric_names = parse_metrics(options.metrics)
    if load_embedder is None:
        from summarize.engines.embeddings import load_minilm

        def load_embedder():
            from summarize.engines.torch_runtime import resolve_device

            return load_minilm(resolve_device(options.device))

    metrics = build_metrics(metric_names, sources, load_embedder)
    for metric in metrics.values():
        if hasattr(metric, "check_sizes"):  # ROUGE-L: refuse an over-long segment before work
            for path, hypotheses in zip(hypothesis_paths, systems, strict=True):
                try:
                    metric.check_sizes(hypotheses, references)
                except UserError as exc:
                    raise UserError(f"{path}: {exc}") from None
    return score_systems(
        list(zip(names, map(str, hypothesis_paths), systems, strict=True)),
        references,
        metrics,
        options,
        reference=str(reference_path),
        source=None if source_path is None else str(source_path),
    )


def _value(score: float, interval: Interval | None, p_value: float | None = None) -> MetricValue:
    if interval is None:
        return MetricValue(float(score), p_value=p_value)
    return MetricValue(float(score), interval.mean, interval.low, interval.high, p_value)


def _paired_values(systems, references, metrics, options: ScoreOptions):
    """Multiple systems: sacrebleu's PairedTest against the first; intervals for every system."""
    signatures, table = paired_test(
        [(name, hyps) for name, _, hyps in systems],
        metrics,
        references,
        test=options.test,
        n_samples=options.n_samples,
        seed=options.seed,
    )
    values: list[dict[str, MetricValue]] = [{} for _ in systems]
    for key, comparisons in table.items():
        for index, comparison in enumerate(comparisons):
            values[index][key] = _value(comparison.score, comparison.interval, comparison.p_value)
    n_samples = options.n_samples or (
        DEFAULT_BOOTSTRAP if options.test == "bs" else DEFAULT_AR_TRIALS
    )
    return values, signatures, n_samples


def _single_values(systems, references, metrics, options: ScoreOptions):
    """One system (or no confidence wanted): corpus scores, with sacrebleu's bootstrap
    interval (as ``sacrebleu --confidence``) when asked."""
    n_samples = (options.n_samples or DEFAULT_BOOTSTRAP) if options.confidence else 0
    values: list[dict[str, MetricValue]] = [{} for _ in systems]
    signatures: dict[str, str] = {}
    for key, metric in metrics.items():
        for index, (_, _, hyps) in enumerate(systems):
            stats = metric._extract_corpus_statistics(hyps, [references])
            score = metric._aggregate_and_compute(stats).score
            interval = None
            if options.confidence:
                interval = bootstrap_interval(metric, hyps, references, n_samples, options.seed)
            values[index][key] = _value(score, interval)
        signature = metric.get_signature()
        if options.confidence:
            signature.update("bs", n_samples)
            signature.update("seed", "none" if options.seed is None else options.seed)
        signatures[key] = signature.format()
    return values, signatures, n_samples


def score_systems(
    systems: list[tuple[str, str, list[str]]],
    references: list[str],
    metrics: dict[str, Any],
    options: ScoreOptions,
    reference: str = "",
    source: str | None = None,
) -> ScoreReport:
    """Corpus scores, intervals, paired tests and segment scores for line-aligned
    ``(name, path, hypotheses)`` systems; ranked by the first metric, the first is the baseline."""
    paired = len(systems) > 1 and options.confidence
    compute = _paired_values if paired else _single_values
    values, signatures, n_samples = compute(systems, references, metrics, options)

    infos = []
    segment_values: list[dict[str, list[float | None]]] = [{} for _ in systems]
    for key, metric in metrics.items():
        segment_signature = None
        if options.segment_scores:
            for index, (_, _, hyps) in enumerate(systems):
                scores, segment_signature = _segment_scores(key, metric, hyps, references)
                if scores is not None:
                    segment_values[index][key] = scores
        higher = _higher_is_better(key, metric)
        infos.append(
            MetricInfo(key, DISPLAY.get(key, key), signatures[key], segment_signature, higher)
        )

    first = infos[0]
    order = sorted(
        range(len(systems)),
        key=lambda i: values[i][first.name].score * (-1 if first.higher_is_better else 1),
    )
    rank = {index: position + 1 for position, index in enumerate(order)}
    results = [
        SystemScores(name, path, rank[i], i == 0, values[i], segment_values[i])
        for i, (name, path, _) in enumerate(systems)
    ]
    results.sort(key=lambda system: system.rank)
    return ScoreReport(
        tool_version=__version__,
        reference=reference,
        source=source,
        segments=len(references),
        test=options.test if paired else None,
        n_samples=n_samples,
        seed=options.seed,
        ranked_by=first.name,
        metrics=infos,
        systems=results,
        notes=_empty_line_notes(systems, references),
    )


def _empty_line_notes(systems: list[tuple[str, str, list[str]]], references: list[str]):
    notes = []
    empty_refs = sum(1 for line in references if not line.strip())
    if empty_refs:
        notes.append(f"reference: {empty_refs} empty line(s), kept as empty segments")
    for name, _, hyps in systems:
        empty = sum(1 for line in hyps if not line.strip())
        if empty:
            notes.append(f"{name}: {empty} empty line(s), scored as empty output")
    return notes
