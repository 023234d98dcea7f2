"""Renderers for a :class:`~summarize.scoring.ScoreReport`: terminal table, Markdown, CSV/TSV,
JSON. All read the report only; nothing is recomputed here."""

from __future__ import annotations

import csv
import io
import json

from summarize.errors import UserError
from summarize.scoring import MetricInfo, ScoreReport, SystemScores

FORMATS = ("text", "json", "md", "csv", "tsv")
SIGNIFICANCE_LEVEL = 0.05
NOT_APPLICABLE = "n/a"  # the cell of a metric that gives no number for this text


def _digits(metric: MetricInfo) -> int:
    """The metric's digits in the registry (one for 0-100 metrics, like sacrebleu)."""
    from summarize.metrics.registry import get

    return get(metric.name).score_digits


def value_cell(system: SystemScores, metric: MetricInfo, separator: str = " ") -> str:
    """``score (mean ± half-width)`` and ``p = …`` (``*`` below 0.05), as sacrebleu prints;
    ``n/a`` for a metric that does not apply (the legend says why)."""
    value = system.scores[metric.name]
    if value.score is None:
        return NOT_APPLICABLE
    digits = _digits(metric)
    text = f"{value.score:.{digits}f}"
    if value.mean is not None and value.ci_high is not None:
        half = (value.ci_high - value.ci_low) / 2
        text += f"{separator}({value.mean:.{digits}f} ± {half:.{digits}f})"
    if value.p_value is not None:
        star = "*" if value.p_value < SIGNIFICANCE_LEVEL else ""
        text += f"{separator}p = {value.p_value:.4f}{star}"
    return text


def table_rows(report: ScoreReport, separator: str = " ") -> tuple[list[str], list[list[str]]]:
    header = ["rank", "system"] + [
        f"{m.display} {'↑' if m.higher_is_better else '↓'}" for m in report.metrics
    ]
    body = [
        [str(system.rank), system.name + (" (baseline)" if system.baseline else "")]
        + [value_cell(system, metric, separator) for metric in report.metrics]
        for system in report.systems
    ]
    return header, body


def not_applicable_lines(report: ScoreReport) -> list[str]:
    """``emb. cosine: n/a: the embedder 'minilm' knows only en, not 'zh'; ...``: one line per
    metric that gives no number, with the reason."""
    return [
        f"{metric.display}: {NOT_APPLICABLE}: {metric.not_applicable}"
        for metric in report.metrics
        if metric.not_applicable is not None
    ]


def explanation(report: ScoreReport) -> list[str]:
    label = "references" if len(report.references) > 1 else "reference"
    ranked = (
        f"ranked by {report.ranked_by}"
        if report.ranked_by is not None
        else "not ranked (no metric applies; systems in input order)"
    )
    lines = [
        f"{len(report.systems)} system(s), {report.segments} segments, "
        f"{label} {report.reference}; {ranked}."
    ]
    if report.test:
        name = "paired bootstrap resampling" if report.test == "bs" else "approximate randomisation"
        lines.append(
            f"Score (bootstrap mean ± 95% CI half-width); p: {name} against the baseline, "
            f"{report.n_samples} samples, seed {report.seed}; * = p < {SIGNIFICANCE_LEVEL}."
        )
    elif report.n_samples:
        lines.append(
            f"Score (bootstrap mean ± 95% CI half-width), {report.n_samples} resamples, "
            f"seed {report.seed}."
        )
    return lines + not_applicable_lines(report) + [f"note: {note}" for note in report.notes]


def signature_lines(report: ScoreReport) -> list[tuple[str, str]]:
    pairs = [(m.display, m.signature) for m in report.metrics]
    pairs += [
        (f"{m.display} (segment)", m.segment_signature)
        for m in report.metrics
        if m.segment_signature and m.segment_signature != m.signature
    ]
    return pairs


def render_markdown(report: ScoreReport) -> str:
    from summarize.render.markdown import _cell, code_span, markdown_table

    header, body = table_rows(report)
    signatures = [
        f"- {_cell(name)}: {code_span(signature)}" for name, signature in signature_lines(report)
    ]
    parts = [
        markdown_table(header, body),
        *explanation(report),
        "Signatures:",
        "\n".join(signatures),
    ]
    return "\n\n".join(parts) + "\n"


def render_delimited(report: ScoreReport, delimiter: str) -> str:
    """One row per system, plain numbers: ``<metric>``, ``<metric>_mean``, ``_ci_low``,
    ``_ci_high``, ``_p``; a metric that does not apply has ``n/a`` as its score and nothing
    else."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    columns = ["rank", "system", "path", "baseline"]
    for metric in report.metrics:
        columns += [metric.name] + [
            f"{metric.name}_{part}" for part in ("mean", "ci_low", "ci_high", "p")
        ]
    writer.writerow(columns)
    for system in report.systems:
        row: list[object] = [system.rank, system.name, system.path, int(system.baseline)]
        for metric in report.metrics:
            value = system.scores[metric.name]
            row += [NOT_APPLICABLE if value.score is None else repr(float(value.score))]
            row += [
                "" if number is None else repr(float(number))
                for number in (value.mean, value.ci_low, value.ci_high, value.p_value)
            ]
        writer.writerow(row)
    return buffer.getvalue()


def segment_rows(report: ScoreReport) -> tuple[list[str], list[list[str]]]:
    """One row per system and segment (1-based line number), with every segment-level score
    (``n/a`` for a metric that does not apply)."""
    metrics = [m for m in report.metrics if m.segment_signature or m.not_applicable]
    header = ["system", "line"] + [m.name for m in metrics]
    body = []
    for system in report.systems:
        for line in range(report.segments):
            cells = []
            for metric in metrics:
                if metric.not_applicable is not None:
                    cells.append(NOT_APPLICABLE)
                    continue
                value = system.segments.get(metric.name, [None] * report.segments)[line]
                cells.append("" if value is None else f"{value:.{_digits(metric) + 3}f}")
            body.append([system.name, str(line + 1), *cells])
    return header, body


def render_segments(report: ScoreReport, fmt: str) -> str:
    """Segment-level scores as a table: Markdown for ``md``, else tab- or comma-separated."""
    header, body = segment_rows(report)
    if fmt == "md":
        from summarize.render.markdown import markdown_table

        return markdown_table(header, body) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
    writer.writerows([header, *body])
    return buffer.getvalue()


def render_score_report(report: ScoreReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return render_markdown(report)
    if fmt in ("csv", "tsv"):
        return render_delimited(report, "," if fmt == "csv" else "\t")
    raise UserError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")


def print_score_report(report: ScoreReport) -> None:
    """The ranked table (rich; plain ASCII when stdout is not a terminal) and signatures."""
    from rich import box
    from rich.table import Table

    from summarize.render.terminal import make_console

    console = make_console()
    header, body = table_rows(report, separator="\n")
    table = Table(box=box.ROUNDED if console.is_terminal else box.ASCII, show_lines=True)
    for index, column in enumerate(header):
        table.add_column(column, justify="left" if index == 1 else "right", overflow="fold")
    for row in body:
        table.add_row(*row)
    console.print(table)
    for line in explanation(report):  # unwrapped, as the signatures: a reason stays one line
        console.print(line, markup=False, soft_wrap=True)
    console.print("Signatures:")
    for name, signature in signature_lines(report):
        console.print(f"  {name}: {signature}", markup=False, soft_wrap=True)
