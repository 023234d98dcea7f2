"""Command-line interface (Typer). Parses, calls the library, renders; nothing else.

Heavy libraries (torch, transformers) are imported only inside commands that need them, so
``summarize --help`` answers at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from summarize import __version__
from summarize.errors import UserError

app = typer.Typer(
    name="summarize",
    help=(
        "Re-translate and summarise news articles with local models, and score every output "
        "against the original text (BLEU, chrF++, TER, ROUGE, embedding similarity, quality flags)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _split_list(values: list[str] | None) -> list[str]:
    """Accept both repeated options and comma-separated lists: ``-p ru -p de`` or ``-p ru,de``."""
    return [item.strip() for value in values or [] for item in value.split(",") if item.strip()]


def _run_options(
    pivot: list[str] | None,
    translator: str,
    back_translator: str | None,
    summarizer: list[str] | None,
    lead: int,
    extractive_sentences: int,
    device: str,
    language_check: bool,
    cache: bool,
):
    """The :class:`RunOptions` of the options ``run`` and ``batch`` share."""
    from summarize.pipeline import RunOptions

    summarizers = _split_list(summarizer) or ["bundled"]
    return RunOptions(
        pivots=_split_list(pivot) or ["ru"],
        translator=translator,
        back_translator=back_translator,
        summarizers=[] if summarizers == ["none"] else summarizers,
        lead_sentences=lead,
        extractive_sentences=extractive_sentences,
        device=device,
        language_check=language_check,
        use_cache=cache,
    )


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"summarize {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Re-translate and summarise news articles with local models, and score every output."""


@app.command()
def run(
    article: Annotated[
        Path, typer.Argument(help="English article, UTF-8 text, one paragraph per line.")
    ],
    pivot: Annotated[
        list[str] | None,
        typer.Option(
            "--pivot", "-p", help="Pivot language(s) for the round trip: -p ru -p de or -p ru,de."
        ),
    ] = None,
    translator: Annotated[
        str, typer.Option(help="Translation model: a preset name or a local model directory.")
    ] = "bundled",
    back_translator: Annotated[
        str | None, typer.Option(help="Model for pivot → English (default: the --translator).")
    ] = None,
    summarizer: Annotated[
        list[str] | None,
        typer.Option(
            help="Abstractive summariser(s), repeatable (default: bundled). 'none' skips them."
        ),
    ] = None,
    lead: Annotated[int, typer.Option(help="Sentences in the lead-N baseline summary.")] = 3,
    extractive_sentences: Annotated[
        int, typer.Option(help="Sentences picked by the extractive (centroid/MMR) summary.")
    ] = 3,
    json_output: Annotated[
        bool,
        typer.Option("--json", help="Print the result as one JSON document instead of tables."),
    ] = False,
    out: Annotated[
        list[Path] | None,
        typer.Option(
            "--out", "-o", help="Also write the result to this file (.json or .md); repeatable."
        ),
    ] = None,
    device: Annotated[
        str, typer.Option(help="auto (CUDA if present, else CPU), cpu, or cuda[:N].")
    ] = "auto",
    cache: Annotated[
        bool, typer.Option(help="Reuse and store model outputs in the cache (SUMMARIZE_CACHE_DIR).")
    ] = True,
    language_check: Annotated[
        bool, typer.Option(help="Refuse input that does not look like English.")
    ] = True,
) -> None:
    """Re-translate (English → pivot → English) and summarise one article, then score it all."""
    from summarize.pipeline import prepare
    from summarize.pipeline import run as run_pipeline
    from summarize.progress import RichProgress
    from summarize.render import format_for_path, render_to_string, write_atomically

    options = _run_options(
        pivot,
        translator,
        back_translator,
        summarizer,
        lead,
        extractive_sentences,
        device,
        language_check,
        cache,
    )
    outputs = [(path, format_for_path(path)) for path in out or []]
    prepared = prepare(article, options)
    result = run_pipeline(prepared, options, RichProgress())
    for path, fmt in outputs:
        write_atomically(path, render_to_string(result, fmt))
        typer.echo(f"wrote {path}", err=True)
    if json_output:
        sys.stdout.write(render_to_string(result, "json"))
    else:
        from summarize.render.terminal import render_terminal

        render_terminal(result)


@app.command()
def batch(
    input_path: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help='A folder of .txt articles, a JSONL file ({"id", "text"} per line) '
            "or a WMT test set (.xml / .sgm).",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Folder for report.html, results.jsonl, summary.csv, report.md."
        ),
    ],
    pivot: Annotated[
        list[str] | None, typer.Option("--pivot", "-p", help="Pivot language(s): -p ru,de.")
    ] = None,
    translator: Annotated[str, typer.Option(help="Translation model (as for run).")] = "bundled",
    back_translator: Annotated[str | None, typer.Option(help="Pivot → English model.")] = None,
    summarizer: Annotated[
        list[str] | None, typer.Option(help="Abstractive summariser(s); 'none' skips them.")
    ] = None,
    lead: Annotated[int, typer.Option(help="Sentences in the lead-N baseline.")] = 3,
    extractive_sentences: Annotated[int, typer.Option(help="Extractive summary size.")] = 3,
    chunk_documents: Annotated[
        int, typer.Option(help="Documents whose sentences share the model's generate calls.")
    ] = 8,
    restart: Annotated[
        bool, typer.Option(help="Discard results in --out made with other settings.")
    ] = False,
    device: Annotated[str, typer.Option(help="auto, cpu, or cuda[:N].")] = "auto",
    cache: Annotated[bool, typer.Option(help="Use the model-output cache.")] = True,
    language_check: Annotated[bool, typer.Option(help="Skip non-English documents.")] = True,
) -> None:
    """Score many articles (resumable) and write an HTML report with tables and plots."""
    from summarize.batch import run_batch
    from summarize.batch_inputs import read_batch_input
    from summarize.progress import RichBatchProgress
    from summarize.render.batch_text import render_batch_terminal, write_batch_reports

    options = _run_options(
        pivot,
        translator,
        back_translator,
        summarizer,
        lead,
        extractive_sentences,
        device,
        language_check,
        cache,
    )
    progress = RichBatchProgress()
    try:
        result = run_batch(
            read_batch_input(input_path), out, options, progress, chunk_documents, restart
        )
    finally:
        progress.close()
    written = write_batch_reports(result, out)
    render_batch_terminal(result)
    typer.echo(f"wrote {', '.join(str(p) for p in [*written, out / 'results.jsonl'])}", err=True)
    if result.errors:
        typer.echo(f"summarize: {len(result.errors)} documents failed", err=True)
        raise typer.Exit(1)


def main() -> None:
    """Entry point: user errors become one line on stderr and a non-zero exit code."""
    try:
        app()
    except UserError as exc:
        typer.echo(f"summarize: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("summarize: interrupted", err=True)
        sys.exit(130)
