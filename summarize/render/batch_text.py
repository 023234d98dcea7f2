"""Batch reports as text: Markdown (report.md), CSV (summary.csv) and the terminal summary."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

from summarize.render import batch_rows as rows
from summarize.render.markdown import _cell, code_span, markdown_table
from summarize.render.rows import flag_legend_lines
from summarize.result import BatchResult

if TYPE_CHECKING:
    from rich.console import Console

# Spreadsheet programs run cells starting with these as formulas (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number (the scores: "-0.1250") is data, not a formula: it is never prefixed.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:inf|nan)")


def render_batch_markdown(batch: BatchResult) -> str:
    parts = [
        f"# summarize batch report: {_cell(batch.input_path)}",
        _cell(rows.overview(batch)),
        _cell(rows.flag_totals(batch)) + ".",
    ]
    for kind, title in (("translation", "Translation systems"), ("summary", "Summaries")):
        systems = rows.systems_of(batch, kind)
        if systems:
            parts += [
                f"## {title} (mean over documents, 95% CI)",
                markdown_table(
                    rows.system_header(batch, kind), [rows.system_row(batch, s) for s in systems]
                ),
            ]
    parts += [
        "## Documents",
        markdown_table(
            rows.document_header(batch), [rows.document_row(batch, r) for r in batch.documents]
        )
        if batch.documents
        else "No document was scored.",
    ]
    if batch.errors:
        parts += [
            f"## Failed documents ({len(batch.errors)})",
            markdown_table(rows.ERROR_HEADER, [rows.error_row(error) for error in batch.errors]),
        ]
    header, body = rows.flag_overview(batch)
    if body:
        parts += ["## Flags", rows.flag_totals(batch) + ".", markdown_table(header, body)]
    parts += [
        "## Metrics",
        "↑ higher is better, ↓ lower is better. Summaries are listed most faithful first.",
        "\n".join(f"- {line}" for line in rows.legend_lines(batch)),
        "## Flag codes",
        "\n".join(f"- {line}" for line in flag_legend_lines()),
        "## Signatures",
        "\n".join(
            f"- {_cell(metric)}: {code_span(sig)}" for metric, sig in rows.signature_lines(batch)
        )
        or "-",
        "## Models",
        "\n".join(f"- {_cell(line)}" for line in rows.model_lines(batch)) or "-",
    ]
    return "\n\n".join(parts) + "\n"


def _safe_cell(value: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula; numbers stay numbers."""
    if value.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def render_batch_csv(batch: BatchResult) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=rows.csv_columns(), lineterminator="\n")
    writer.writeheader()
    for row in rows.csv_rows(batch):
        writer.writerow({key: _safe_cell(value) for key, value in row.items()})
    return buffer.getvalue()


BATCH_HINT = (
    "Every document, flag, signature and model: report.html and report.md in the --out folder; "
    "--details adds the metric legend here."
)


def render_batch_terminal(
    batch: BatchResult, console: Console | None = None, details: bool = False
) -> None:
    """The one-screen summary: system tables, failures (first few), flag totals and run
    statistics; ``details`` adds the metric legend (the reports always have it)."""
    from rich import box
    from rich.table import Table

    from summarize.render.terminal import make_console

    console = console or make_console()
    for kind, title in (("translation", "Translation systems"), ("summary", "Summaries")):
        systems = rows.systems_of(batch, kind)
        if not systems:
            continue
        table = Table(
            title=f"{title} (mean over documents, 95% CI)",
            box=box.ROUNDED if console.is_terminal else box.ASCII,
            title_justify="left",
        )
        for i, column in enumerate(rows.system_header(batch, kind)):
            table.add_column(column, justify="left" if i == 0 else "right", overflow="fold")
        for system in systems:
            table.add_row(*rows.system_row(batch, system))
        console.print(table)
    if batch.errors:
        console.print(f"[bold red]{len(batch.errors)} documents failed[/bold red]:")
        for error in batch.errors[:10]:
            console.print(f"  {error.origin}: {error.message}", markup=False, highlight=False)
        if len(batch.errors) > 10:
            console.print(f"  ... and {len(batch.errors) - 10} more (see report.md)")
    console.print(rows.flag_totals(batch), markup=False, highlight=False)
    if details:
        console.print("Metrics (↑ higher is better, ↓ lower is better):", markup=False)
        for line in rows.legend_lines(batch):
            console.print(f"  {line}", markup=False, highlight=False)
    stats = batch.run_stats
    wall = stats.get("wall_s", 0.0)
    processed = int(stats.get("processed", 0))
    # The rate of this invocation's documents; none when it had nothing to do (all resumed).
    rate = f", {60 * processed / wall:.1f} documents/min" if processed and wall else ""
    console.print(
        f"{len(batch.documents)} documents scored ({processed} now, "
        f"{int(stats.get('resumed', 0))} from an earlier run), {len(batch.errors)} failed; "
        f"{wall:.1f} s wall{rate}",
        markup=False,
        highlight=False,
    )
    if not details:
        console.print(BATCH_HINT, markup=False, highlight=False)


REPORT_FILES = ("report.html", "report.md", "summary.csv")


def write_batch_reports(batch: BatchResult, out_dir) -> list:
    """report.html, report.md and summary.csv in ``out_dir``, each written atomically."""
    from summarize.render import write_atomically
    from summarize.render.html import render_html

    renderers = {
        "report.html": render_html,
        "report.md": render_batch_markdown,
        "summary.csv": render_batch_csv,
    }
    written = []
    for name in REPORT_FILES:
        write_atomically(out_dir / name, renderers[name](batch))
        written.append(out_dir / name)
    return written
