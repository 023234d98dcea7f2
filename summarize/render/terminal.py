"""Terminal output with rich: tables for comparisons, plain ASCII when not a terminal.

``summarize run`` prints a first screen (:func:`render_first_screen`): what a person reads first,
within :data:`FIRST_SCREEN_LINES` lines. ``--details`` prints the whole view
(:func:`render_terminal`): every sentence, the legend, signatures and models.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from summarize.render import rows
from summarize.result import RunResult, TranslationResult

_PLAIN_WIDTH = 160
# The first screen's height: the flagged sentences fill what the fixed parts leave of it.
FIRST_SCREEN_LINES = 60
DETAILS_HINT = (
    "More: --details prints every sentence, the metric and flag legend, signatures and models; "
    "--out report.md and --json keep everything."
)


def make_console() -> Console:
    console = Console()
    if not console.is_terminal:
        console = Console(width=_PLAIN_WIDTH, no_color=True, highlight=False)
    return console


def _table(
    console: Console,
    title: str,
    header: list[str],
    body: list[list[str]],
    show_lines: bool = True,
) -> Table:
    table = Table(
        title=title,
        box=box.ROUNDED if console.is_terminal else box.ASCII,
        show_lines=show_lines,
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


def _input_lines(result: RunResult) -> list[str]:
    """The article line (and the source's, in reference mode), with rich markup."""
    info = result.input
    lines = [
        f"[bold]{info.path}[/bold]: {info.paragraphs} paragraphs, {info.sentences} sentences, "
        f"{info.words} words ({info.language})"
    ]
    if result.source_input is not None:
        source = result.source_input
        lines.append(
            f"[bold]{source.path}[/bold]: source, {source.paragraphs} lines, "
            f"{source.words} words ({source.language}); the file above is its reference"
        )
    return lines


def _translation_scores(console: Console, result: RunResult) -> Table:
    return _table(
        console, rows.translation_scores_title(result), *rows.translation_score_table(result)
    )


def _summary_scores(console: Console, result: RunResult, show_lines: bool = True) -> Table:
    table = _table(
        console,
        "Summary scores (vs the article; most faithful first)",
        rows.summary_score_header(),
        [],
        show_lines,
    )
    for summary in rows.ranked_summaries(result):
        table.add_row(*rows.summary_score_row(summary), style="yellow" if summary.flags else None)
    return table


def _final_line(result: RunResult) -> str:
    return f"{result.flag_line()}; run took {result.timings['total_s']:.1f} s"


def _height(console: Console, renderable: RenderableType) -> int:
    """Lines ``renderable`` takes at this console's width."""
    return len(console.render_lines(renderable, console.options, pad=False))


def render_first_screen(
    result: RunResult, console: Console | None = None, lines: int = FIRST_SCREEN_LINES
) -> None:
    """What a person reads first, in at most ``lines`` lines: the article, the translation
    scores, the summaries (text, scores, flag messages), the flagged sentences (each original
    against what came back, with its flags' messages; as many as fit, furthest from the
    original first), the flag count and how to see the rest.

    Scores come from the metric registry as in the whole view: a new metric is a new column,
    a new system a new row, and the flagged sentences make room for them."""
    console = console or make_console()
    head: list[RenderableType] = [*_input_lines(result), _translation_scores(console, result)]
    if result.summaries:
        head.append(_summary_texts(result))
        head.append(_summary_scores(console, result, show_lines=False))
    tail: list[RenderableType] = [
        *(Text(f"note: {note}") for note in result.notes),
        Text(_final_line(result)),
        Text(DETAILS_HINT),
    ]
    room = lines - sum(_height(console, part) for part in [*head, *tail])
    for part in head:
        console.print(part)
    for system in result.translations:
        table, room = _flagged_table(console, system, room)
        if table is not None:
            console.print(table)
    for part in tail:
        console.print(part, markup=False, highlight=False)


def _summary_texts(result: RunResult) -> Table:
    """Each summary's text after its name, its flags' messages below. An abstractive summary
    is shown whole; the others copy the article's sentences and take one line each."""
    table = Table.grid(padding=(0, 1))
    table.title, table.title_justify = "Summaries", "left"
    table.add_column(no_wrap=True, style="bold")
    table.add_column(overflow="fold")
    for summary in result.summaries:
        whole = summary.method == "abstractive"
        overflow = "fold" if whole else "ellipsis"
        table.add_row(
            Text(f"{summary.name}:"),
            Text(summary.text or "(empty)", no_wrap=not whole, overflow=overflow),
        )
        for flag in summary.flags:
            table.add_row("", Text(f"{flag.step}:{flag.code}: {flag.message}"), style="yellow")
    return table


def _flagged_table(
    console: Console, system: TranslationResult, room: int
) -> tuple[RenderableType | None, int]:
    """The system's flagged sentences that fit in ``room`` lines (a line naming their count
    when none fits), and the room left; the title says how many there are and are shown."""
    flagged = rows.flagged_segments(system)
    if not flagged:
        return None, room
    count = f"Flagged sentences of {system.name}: {len(flagged)} of {len(system.segments)}"

    def table(shown: int) -> Table:
        more = (
            "" if shown == len(flagged) else f" ({shown} shown, furthest from the original first)"
        )
        built = Table.grid(padding=(0, 1))
        built.title, built.title_justify = count + more, "left"
        built.add_column(justify="right", no_wrap=True, style="bold")
        built.add_column(no_wrap=True)
        built.add_column(overflow="fold")
        for segment in flagged[:shown]:
            # Two rows of text (compared, came back), then one per flag.
            for index, row in enumerate(rows.flagged_segment_rows(system, segment)):
                built.add_row(*map(Text, row), style="yellow" if index >= 2 else None)
        return built

    shown = 0
    while shown < len(flagged) and _height(console, table(shown + 1)) <= room:
        shown += 1
    best: RenderableType = table(shown) if shown else Text(f"{count} (--details shows them)")
    return best, room - _height(console, best)


def render_terminal(result: RunResult, console: Console | None = None) -> None:
    """The whole view (``--details``): every sentence of every system, scores, summaries,
    every flag, the legend, signatures and models."""
    console = console or make_console()
    for line in _input_lines(result):
        console.print(line)
    for system in result.translations:
        console.print(_table(console, rows.system_title(system), *rows.segment_table(system)))
    console.print(_translation_scores(console, result))
    console.print(
        _table(
            console,
            "Summaries",
            ["summary", "text"],
            [[summary.name, summary.text or "(empty)"] for summary in result.summaries],
        )
    )
    console.print(_summary_scores(console, result))
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
    console.print(_final_line(result), markup=False)
