"""Terminal output with rich: tables for comparisons, plain ASCII when not a terminal."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from summarize.render import rows
from summarize.result import RunResult

_PLAIN_WIDTH = 160


def make_console() -> Console:
    console = Console()
    if not console.is_terminal:
        console = Console(width=_PLAIN_WIDTH, no_color=True, highlight=False)
    return console


def _table(console: Console, title: str, header: list[str], body: list[list[str]]) -> Table:
    table = Table(
        title=title,
        box=box.ROUNDED if console.is_terminal else box.ASCII,
        show_lines=True,
        title_justify="left",
    )
    for index, column in enumerate(header):
        numeric = column in rows.numeric_columns()
        name = index == 0 and column in ("summary", "system")  # names stay whole
        table.add_column(
            column, justify="right" if numeric else "left", overflow="fold", no_wrap=name
        )
    for row in body:
        table.add_row(*row)
    return table


def render_terminal(result: RunResult, console: Console | None = None) -> None:
    console = console or make_console()
    info = result.input
    console.print(
        f"[bold]{info.path}[/bold]: {info.paragraphs} paragraphs, {info.sentences} sentences, "
        f"{info.words} words ({info.language})"
    )
    if result.source_input is not None:
        source = result.source_input
        console.print(
            f"[bold]{source.path}[/bold]: source, {source.paragraphs} lines, "
            f"{source.words} words ({source.language}); the file above is its reference"
        )
    for system in result.translations:
        console.print(_table(console, rows.system_title(system), *rows.segment_table(system)))
    console.print(
        _table(
            console,
            rows.translation_scores_title(result),
            *rows.translation_score_table(result),
        )
    )
    console.print(
        _table(
            console,
            "Summaries",
            ["summary", "text"],
            [[summary.name, summary.text or "(empty)"] for summary in result.summaries],
        )
    )
    ranked = rows.ranked_summaries(result)
    table = _table(
        console,
        "Summary scores (vs the article; most faithful first)",
        rows.summary_score_header(),
        [],
    )
    for summary in ranked:
        table.add_row(*rows.summary_score_row(summary), style="yellow" if summary.flags else None)
    console.print(table)
    flagged = rows.flagged_outputs(result)
    if flagged:
        console.print("[bold]Flags[/bold]")
        for name, where, flags in flagged:
            for flag in flags:
                console.print(
                    f"  {name} {where} {flag.step}:{flag.code}: {flag.message}", markup=False
                )
    console.print("[bold]Metrics[/bold] (↑ higher is better, ↓ lower is better)")
    for line in rows.legend_lines(result=result):
        console.print(f"  {line}", markup=False)
    console.print("[bold]Flag codes[/bold]")
    for line in rows.flag_legend_lines():
        console.print(f"  {line}", markup=False)
    console.print("[bold]Signatures[/bold]")
    for metric, signature in rows.signatures(result):
        console.print(f"  {metric}: {signature}", markup=False)
    console.print("[bold]Models[/bold]")
    for line in rows.model_lines(result):
        console.print(f"  {line}", markup=False)
    for note in result.notes:
        console.print(f"note: {note}", markup=False)
    console.print(
        f"{result.flag_line()}; run took {result.timings['total_s']:.1f} s",
        markup=False,
    )
