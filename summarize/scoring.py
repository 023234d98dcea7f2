"""`summarize score`: score existing outputs against references, with no generation model.

Input files hold one segment per line (plain text) or one JSON value per line (``.jsonl``: a
string, or an object whose ``text`` field is the segment). Every hypothesis file must have as
many segments as the reference (and the source, when given). Several reference files are
several references for each segment (sacrebleu's ``refs: list[list[str]]``, one list per
reference stream); a WMT test set (``.xml``) brings its references and its systems
(:func:`score_test_set`).

Empty lines are kept as empty segments, never dropped (dropping would misalign every later
line): an empty hypothesis scores as sacrebleu scores it (it matches nothing), and the report
counts empty hypothesis and reference lines in its notes.

BLEU, chrF, chrF++ and TER are sacrebleu's own metric objects, configured as its command line
configures them, so numbers and signatures are identical to ``sacrebleu REF -i HYP -m ...``
with the same options: the target language (``-l SRC-TGT``, or a WMT set's ``<ref lang>``)
picks BLEU's tokenizer as sacrebleu's does, and sacrebleu's BLEU, chrF and TER options
(:class:`~summarize.metrics.translation.SacrebleuOptions`) are passed through.
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
from summarize.errors import UserError, spell_settings
from summarize.input.text import DEFAULT_SCORE_MAX_INPUT_MB, check_no_nul, max_bytes, read_text_file
from summarize.metrics import registry
from summarize.metrics.base import count_references, reference_streams
from summarize.metrics.significance import (
    DEFAULT_AR_TRIALS,
    DEFAULT_BOOTSTRAP,
    DEFAULT_SEED,
    TESTS,
    Interval,
    corpus_estimate,
    paired_test,
)
from summarize.metrics.translation import (
    SACREBLEU_METRICS,
    SacrebleuOptions,
    sacrebleu_metric,
    target_of_pair,
)

SCHEMA_VERSION = "summarize.score/2"

# Metric names, groups and defaults live in the registry; re-exported for callers.
DEFAULT_METRICS = registry.DEFAULT_SCORE_METRICS
parse_metrics = registry.parse_metrics


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
    """``not_applicable``: why the metric gives no number for this text (its scores are then
    ``None``, with no interval, p-value or segment scores); None: it applies."""

    name: str
    display: str
    signature: str
    segment_signature: str | None
    higher_is_better: bool
    not_applicable: str | None = None


@dataclass
class MetricValue:
    """A corpus score, its bootstrap mean and 95% interval, and the p-value of the paired test
    against the baseline (``None`` for the baseline, or with a single system). ``score`` is
    ``None`` for a metric that does not apply (:attr:`MetricInfo.not_applicable`)."""

    score: float | None
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
    """``reference`` names the reference(s) in one line; ``references`` lists every reference
    stream (file paths, or a test set's translators); ``test_set`` is the WMT file scored."""

    tool_version: str
    reference: str
    source: str | None
    segments: int
    test: str | None
    n_samples: int
    seed: int | None
    # The first metric that applies (None: none does, and the systems keep their input order).
    ranked_by: str | None
    metrics: list[MetricInfo]
    systems: list[SystemScores]
    notes: list[str] = field(default_factory=list)
    schema: str = SCHEMA_VERSION
    references: list[str] = field(default_factory=list)
    test_set: str | None = None
    # The language of the hypotheses (ISO 639-1) that picked BLEU's tokenizer; None: not given.
    target_language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        """One line per system in rank order, as sacrebleu's scores print themselves:
        ``hypotheses: BLEU = 59.5 [43.9, 75.1]  chrF2 = 80.0 ...``."""
        lines = []
        for system in self.systems:
            parts = []
            for metric in self.metrics:
                value = system.scores[metric.name]
                if value.score is None:
                    parts.append(f"{metric.display} = n/a")
                    continue
                text = f"{metric.display} = {value.score:.1f}"
                if value.ci_low is not None and value.ci_high is not None:
                    text += f" [{value.ci_low:.1f}, {value.ci_high:.1f}]"
                if value.p_value is not None:
                    text += f" (p = {value.p_value:.4f})"
                parts.append(text)
            lines.append(f"{system.name}: " + "  ".join(parts))
        return "\n".join(lines)


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
    # The embedding metrics' model: a preset, Hub id or directory (``--embedder``).
    embedder: str = "minilm"
    max_input_mb: float = DEFAULT_SCORE_MAX_INPUT_MB  # per file
    # sacrebleu's `-l SRC-TGT`: its target is the language of hypotheses and references (BLEU's
    # tokenizer, ROUGE's tokeniser, whether the embedder applies); a WMT set's `<ref lang>`
    # when not given, else unknown and scored as English.
    language_pair: str | None = None
    sacrebleu: SacrebleuOptions = field(default_factory=SacrebleuOptions)
    # How the report spells a setting that a reason names (a metric's ``not_applicable``): the
    # command line passes its flags (``embedder`` -> ``--embedder``); default the Python name.
    setting_names: dict[str, str] = field(default_factory=dict)

    @property
    def target_language(self) -> str | None:
        return None if self.language_pair is None else target_of_pair(self.language_pair)


def _system_names(paths: Sequence[Path], taken: Sequence[str] = ()) -> list[str]:
    names = [path.name for path in paths]
    if len(set(names)) < len(names) or set(names) & set(taken):
        names = [str(path) for path in paths]
    return names


def _check_lengths(path: Path, count: int, reference: Path | str, expected: int) -> None:
    if count != expected:
        raise UserError(
            f"{path}: has {count} segments but the reference {reference} has {expected}; "
            "files must be line-aligned"
        )


def baseline_first(systems: list[tuple[str, str, list[str]]], baseline: str | None):
    """``systems`` with the one named ``baseline`` (by name or path) moved to the front."""
    if baseline is None:
        return systems
    for index, (name, path, _) in enumerate(systems):
        if baseline in (name, path):
            return [systems[index], *systems[:index], *systems[index + 1 :]]
    names = ", ".join(name for name, _, _ in systems)
    raise UserError(f"⟨baseline⟩ {baseline!r} is none of the systems: {names}")


# Less reference text than this is too little to identify its language by, unless it is
# written in a script of its own (Cyrillic, Han...).
MIN_IDENTIFY_CHARS = 100


def _default_embedder(options: ScoreOptions) -> Callable[[], Any]:
    def load_embedder():
        from summarize.engines.registry import EngineRegistry
        from summarize.engines.torch_runtime import resolve_device

        engines = EngineRegistry(resolve_device(options.device), None, lambda _message: None)
        return engines.embedder(options.embedder)

    return load_embedder


def build_metrics(
    names: Sequence[str],
    sources: list[str] | None,
    load_embedder: Callable[[], Any],
    target_language: str | None = None,
    sacrebleu: SacrebleuOptions | None = None,
    embedder_name: str = "minilm",
    references: Sequence[str] = (),
) -> dict[str, Any]:
    """Metric objects keyed by metric key; embedding metrics share one lazily loaded model
    (``embedder_name``); sacrebleu's metrics for ``target_language`` (that of hypotheses and
    references; None: not known, and the embedding metrics identify it from ``references``, the
    first stream) with its ``sacrebleu`` options. A metric that cannot judge the text (an
    embedder that does not know its language) is a :class:`~summarize.metrics.registry.
    NotApplicable`, and its model is never loaded."""
    shared: dict[str, Any] = {}

    def embedder():
        if "model" not in shared:
            shared["model"] = load_embedder()
        return shared["model"]

    keys = [registry.find(name).key if registry.find(name) else name for name in names]

    def identify() -> str | None:
        from summarize.input.languages import identify_language, known_languages, script_fraction

        text = "\n".join(line for line in references if line)
        if not text.strip():
            return None
        code = identify_language(text)
        if len(text) >= MIN_IDENTIFY_CHARS:
            return code
        # Short text: trusted only when written mostly in its language's own non-Latin script.
        language = known_languages().get(code)
        if language is None or language.script == "Latin":
            return None
        return code if (script_fraction(text, language.script) or 0) > 0.5 else None

    inputs = registry.MetricInputs(
        sources, embedder, target_language, sacrebleu, embedder_name, identify
    )
    return registry.build_metrics(keys, inputs)


def _segment_scores(
    name: str,
    metric: Any,
    hypotheses: list[str],
    streams: list[list],
    options: ScoreOptions,
    target_language: str | None,
):
    """Sentence-level scores against every reference of a segment: sacrebleu's
    ``sentence_score`` (as ``sacrebleu -sl`` with the same options) or the metric's own
    per-segment score (best reference). ``None`` where a metric has no segment score."""
    if name in SACREBLEU_METRICS:
        sentence_metric = sacrebleu_metric(
            name, True, target_language=target_language, options=options.sacrebleu
        )
        scores = [
            sentence_metric.sentence_score(hyp, list(refs)).score
            for hyp, *refs in zip(hypotheses, *streams, strict=True)
        ]
        return scores, sentence_metric.get_signature().format()
    metric.num_refs = count_references(streams)
    scores = metric.multi_segment_scores(hypotheses, streams)
    if all(math.isnan(score) for score in scores):
        return None, None
    return [None if math.isnan(s) else float(s) for s in scores], metric.full_signature()


def _checked(options: ScoreOptions | None) -> ScoreOptions:
    """``options`` (default: :class:`ScoreOptions`), checked before any file is read."""
    options = options or ScoreOptions()
    options.sacrebleu.checked()
    if options.language_pair is not None:
        target_of_pair(options.language_pair)
    if options.test not in TESTS:
        raise UserError(f"unknown significance test {options.test!r}; use bs or ar")
    if options.n_samples < 0:
        raise UserError("⟨n_samples⟩ must be 0 (the default) or more")
    return options


def _applicable(metrics: dict[str, Any]) -> dict[str, Any]:
    """The metrics that give numbers (not :class:`~summarize.metrics.registry.NotApplicable`)."""
    return {
        key: metric
        for key, metric in metrics.items()
        if not isinstance(metric, registry.NotApplicable)
    }


def _check_sizes(metrics: dict[str, Any], hypotheses: list[str], streams, label: str) -> None:
    """ROUGE-L refuses an over-long segment before any work, naming the system."""
    for metric in _applicable(metrics).values():
        if hasattr(metric, "check_sizes"):
            for references in streams:
                try:
                    metric.check_sizes(hypotheses, [ref or "" for ref in references])
                except UserError as exc:
                    raise UserError(f"{label}: {exc}") from None


@dataclass
class _Scorable:
    """What each entry point hands to :func:`_score` once its input is read and aligned:
    ``(name, path, hypotheses)`` systems, the reference streams, the sources (for source
    metrics), and how the report names the references and the source."""

    systems: list[tuple[str, str, list[str]]]
    streams: list[list]
    sources: list[str] | None = None
    reference: str = ""
    source: str | None = None
    reference_names: list[str] | None = None
    # The references' language where the input states it (a WMT XML's <ref lang>).
    target_language: str | None = None


def _score(
    scorable: _Scorable,
    options: ScoreOptions,
    load_embedder: Callable[[], Any] | None,
    baseline: str | None,
) -> ScoreReport:
    """The one path of every entry point: build the metrics, refuse an over-long segment
    (named by the system's path, else its name) before any work, and score the systems."""
    target_language = scorable.target_language or options.target_language
    metrics = build_metrics(
        parse_metrics(options.metrics),
        scorable.sources,
        load_embedder or _default_embedder(options),
        target_language,
        options.sacrebleu,
        options.embedder,
        [line or "" for line in scorable.streams[0]] if scorable.streams else [],
    )
    for name, path, hypotheses in scorable.systems:
        _check_sizes(metrics, hypotheses, scorable.streams, path or name)
    return score_systems(
        baseline_first(scorable.systems, baseline),
        scorable.streams,
        metrics,
        options,
        reference=scorable.reference,
        source=scorable.source,
        reference_names=scorable.reference_names,
        target_language=target_language,
    )


def score_files(
    hypothesis_paths: Sequence[Path],
    reference_paths: Path | Sequence[Path],
    source_path: Path | None = None,
    options: ScoreOptions | None = None,
    load_embedder: Callable[[], Any] | None = None,
    baseline: str | None = None,
) -> ScoreReport:
    """Read and check every file, then score each system against every reference; the first
    system (or the one named ``baseline``) is the baseline."""
    options = _checked(options)
    if isinstance(reference_paths, Path | str):
        reference_paths = [Path(reference_paths)]
    if not hypothesis_paths:
        raise UserError("give at least one hypothesis file (⟨hypotheses⟩)")
    if not reference_paths:
        raise UserError("give a reference file (⟨references⟩; several for several references)")

    def read(path: Path) -> list[str]:
        return read_segments(path, options.jsonl_field, options.max_input_mb)

    first = reference_paths[0]
    streams = [read(first)]
    for path in reference_paths[1:]:
        references = read(path)
        if len(references) != len(streams[0]):
            raise UserError(
                f"{path}: has {len(references)} segments but the reference {first} has "
                f"{len(streams[0])}; reference files must be line-aligned"
            )
        streams.append(references)
    sources = None
    if source_path is not None:
        sources = read(source_path)
        _check_lengths(source_path, len(sources), first, len(streams[0]))
    systems = []
    for path in hypothesis_paths:
        hypotheses = read(path)
        _check_lengths(path, len(hypotheses), first, len(streams[0]))
        systems.append(hypotheses)
    names = _system_names(hypothesis_paths)
    scorable = _Scorable(
        list(zip(names, map(str, hypothesis_paths), systems, strict=True)),
        streams,
        sources,
        reference=", ".join(map(str, reference_paths)),
        source=None if source_path is None else str(source_path),
        reference_names=[str(path) for path in reference_paths],
    )
    return _score(scorable, options, load_embedder, baseline)


def score_segments(
    systems: dict[str, list[str]],
    references: Sequence,
    sources: list[str] | None = None,
    options: ScoreOptions | None = None,
    load_embedder: Callable[[], Any] | None = None,
    baseline: str | None = None,
) -> ScoreReport:
    """Score named systems' line-aligned segments (the first, or ``baseline``, is the baseline)
    against ``references``: one list of segments, or sacrebleu's ``list[list[str]]`` (one list
    per reference stream) for several references."""
    options = _checked(options)
    if not systems:
        raise UserError("give at least one system to score (⟨hypotheses⟩)")
    streams = reference_streams(references) or [[]]
    for name, hypotheses in systems.items():
        if len(hypotheses) != len(streams[0]):
            raise UserError(
                f"{name}: has {len(hypotheses)} segments but the reference has "
                f"{len(streams[0])}; outputs and references must be line-aligned"
            )
    if sources is not None and len(sources) != len(streams[0]):
        raise UserError(
            f"the source has {len(sources)} segments but the reference has {len(streams[0])}"
        )
    named = [(name, "", list(hypotheses)) for name, hypotheses in systems.items()]
    return _score(_Scorable(named, streams, sources), options, load_embedder, baseline)


def score_test_set(
    path: Path,
    hypothesis_paths: Sequence[Path] = (),
    options: ScoreOptions | None = None,
    load_embedder: Callable[[], Any] | None = None,
    baseline: str | None = None,
) -> ScoreReport:
    """Score every system of a WMT XML test set (``<hyp system=...>``), and every file of
    ``hypothesis_paths`` (line-aligned with the set's segments, in document order), against all
    of its references, as sacrebleu extracts them (:mod:`summarize.input.wmt_xml`). The first system
    (or the one named ``baseline``) is the baseline; source metrics use the set's sources."""
    from summarize.input.wmt_xml import read_test_set

    options = _checked(options)
    test_set = read_test_set(path, options.max_input_mb)
    systems = [
        (name, f"{path}#{name}", hypotheses) for name, hypotheses in test_set.systems.items()
    ]
    names = _system_names(hypothesis_paths, taken=list(test_set.systems))
    for name, hyp_path in zip(names, hypothesis_paths, strict=True):
        lines = read_segments(hyp_path, options.jsonl_field, options.max_input_mb)
        systems.append((name, str(hyp_path), test_set.align_output(lines, hyp_path)))
    if not systems:
        raise UserError(
            f"{path}: has no <hyp> systems to score; add your own output (⟨hypotheses⟩)"
        )
    translators = list(test_set.references)
    target_language, language_notes = _test_set_language(path, test_set.target_lang, options)
    scorable = _Scorable(
        systems,
        list(test_set.references.values()),
        test_set.sources,
        reference=f"{path} (translators {', '.join(translators)})",
        source=f"{path} (src)",
        reference_names=translators,
        target_language=target_language,
    )
    report = _score(scorable, options, load_embedder, baseline)
    report.test_set = str(path)
    report.notes = test_set.notes + language_notes + report.notes
    return report


def _test_set_language(
    path: Path, reference_language: str | None, options: ScoreOptions
) -> tuple[str | None, list[str]]:
    """The target language a WMT set is scored in: ``-l``'s when given (it wins, with a note
    when the references say otherwise), else the references' ``lang``, as ``-l`` would."""
    known = None if reference_language in (None, "", "?") else reference_language
    given = options.target_language
    if given is None or known is None or given == known:
        return given or known, []
    note = (
        f"{path}: the references are in {known!r} but -l {options.language_pair} says "
        f"{given!r}; scored as {given!r} (BLEU tokenizer by -l)"
    )
    return given, [note]


def _value(
    score: float | None, interval: Interval | None, p_value: float | None = None
) -> MetricValue:
    if score is None:
        return MetricValue(None)
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


def _single_values(systems, streams, metrics, options: ScoreOptions):
    """One system (or no confidence wanted): corpus scores, with sacrebleu's bootstrap
    interval (as ``sacrebleu --confidence``) when asked."""
    n_samples = (options.n_samples or DEFAULT_BOOTSTRAP) if options.confidence else 0
    values: list[dict[str, MetricValue]] = [{} for _ in systems]
    signatures: dict[str, str] = {}
    for key, metric in metrics.items():
        for index, (_, _, hyps) in enumerate(systems):
            score, interval = corpus_estimate(metric, hyps, streams, n_samples, options.seed)
            values[index][key] = _value(score, interval)
        signature = metric.get_signature()
        if options.confidence:
            signature.update("bs", n_samples)
            signature.update("seed", "none" if options.seed is None else options.seed)
        signatures[key] = signature.format()
    return values, signatures, n_samples


def score_systems(
    systems: list[tuple[str, str, list[str]]],
    references: Sequence,
    metrics: dict[str, Any],
    options: ScoreOptions,
    reference: str = "",
    source: str | None = None,
    reference_names: Sequence[str] | None = None,
    target_language: str | None = None,
) -> ScoreReport:
    """Corpus scores, intervals, paired tests and segment scores for line-aligned
    ``(name, path, hypotheses)`` systems; ranked by the first metric that applies (a
    :class:`~summarize.metrics.registry.NotApplicable` one gets no number, interval, test or
    segment score), the first is the baseline.
    ``target_language`` is the hypotheses' language (segment-level BLEU's tokenizer).

    ``references`` is sacrebleu's ``list[list[str]]``, one list per reference stream (a single
    ``list[str]`` is one stream); ``reference_names`` names the streams in the report.
    """
    streams = reference_streams(references)
    lengths = {len(stream) for stream in streams}
    if len(lengths) > 1:
        raise UserError(f"reference streams differ in length ({sorted(lengths)}): not aligned")
    names = list(reference_names) if reference_names else [reference] * len(streams)
    if len(names) != len(streams):
        raise ValueError("one name per reference stream")
    applicable = _applicable(metrics)
    # Intervals and paired tests only for the metrics that give numbers.
    paired = len(systems) > 1 and options.confidence and bool(applicable)
    compute = _paired_values if paired else _single_values
    values, signatures, n_samples = compute(systems, streams, applicable, options)
    if not applicable:
        n_samples = 0

    infos = []
    segment_values: list[dict[str, list[float | None]]] = [{} for _ in systems]
    for key, metric in metrics.items():
        spec = registry.get(key)
        if key not in applicable:
            infos.append(
                MetricInfo(
                    key,
                    spec.display,
                    metric.signature,
                    None,
                    spec.higher_is_better is not False,
                    spell_settings(metric.reason, options.setting_names),
                )
            )
            continue
        segment_signature = None
        if options.segment_scores:
            for index, (_, _, hyps) in enumerate(systems):
                scores, segment_signature = _segment_scores(
                    key, metric, hyps, streams, options, target_language
                )
                if scores is not None:
                    segment_values[index][key] = scores
        infos.append(
            MetricInfo(
                key,
                spec.display,
                signatures[key],
                segment_signature,
                spec.higher_is_better is not False,
            )
        )
    # Every system has every metric, in the order asked; one that does not apply has no number.
    values = [{key: scores.get(key, _value(None, None)) for key in metrics} for scores in values]

    # Ranked by the first metric that applies; where none does, the systems keep their order.
    first = next((info for info in infos if info.not_applicable is None), None)
    order = sorted(
        range(len(systems)),
        key=lambda i: (
            0.0
            if first is None
            else values[i][first.name].score * (-1 if first.higher_is_better else 1)
        ),
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
        segments=len(streams[0]),
        test=options.test if paired else None,
        n_samples=n_samples,
        seed=options.seed,
        ranked_by=None if first is None else first.name,
        metrics=infos,
        systems=results,
        notes=_empty_line_notes(systems, streams, names),
        references=names,
        target_language=target_language,
    )


def _empty_line_notes(
    systems: list[tuple[str, str, list[str]]], streams: list[list], names: list[str]
):
    notes = []
    for stream, name in zip(streams, names, strict=True):
        empty_refs = sum(1 for line in stream if line is not None and not line.strip())
        if empty_refs:
            label = "reference" if len(streams) == 1 else f"reference {name}"
            notes.append(f"{label}: {empty_refs} empty line(s), kept as empty segments")
    for name, _, hyps in systems:
        empty = sum(1 for line in hyps if not line.strip())
        if empty:
            notes.append(f"{name}: {empty} empty line(s), scored as empty output")
    return notes
