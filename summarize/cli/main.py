"""Command-line interface (Typer). Parses, calls the library, renders; nothing else.

Heavy libraries (torch, transformers) are imported only inside commands that need them, so
``summarize --help`` answers at once.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from summarize import __version__
from summarize.errors import UserError
from summarize.input.segment import DEFAULT_MAX_SEGMENT_CHARS
from summarize.input.text import DEFAULT_MAX_INPUT_MB, DEFAULT_SCORE_MAX_INPUT_MB

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


@contextmanager
def _interruptible(kept: str) -> Iterator[None]:
    """Ctrl-C ends with one line saying what was kept (typer alone exits 130 silently)."""
    try:
        yield
    except KeyboardInterrupt:
        typer.echo(f"summarize: interrupted; {kept}", err=True)
        raise typer.Exit(130) from None


# How the command line spells the settings that library error messages name (see errors.py).
FLAGS = {
    "allow_pickle=True": "--allow-pickle",
    "backend=ct2": "--backend ct2",
    "language_check=False": "--no-language-check",
    "chunk_documents": "--chunk-documents",
    "out": "--out",
    "restart=True": "--restart",
    "sources": "--src",
    "hypotheses": "--hyp",
    "references": "--ref",
    "baseline": "--baseline",
    "lead_sentences": "--lead",
    "extractive_sentences": "--extractive-sentences",
    "threads": "--threads",
    "max_input_mb": "--max-input-mb",
    "max_segment_chars": "--max-segment-chars",
    "n_samples": "--samples",
    "engine=ray": "--engine ray",
    "workers": "--workers",
    "gpus_per_worker": "--gpus-per-worker",
    "wmt_systems=True": "--with-wmt-systems",
    "pivot_references": "--pivot-ref",
    "embedder": "--embedder",
    "source": "--source",
}


def _split_list(values: list[str] | None, flag: str = "") -> list[str]:
    """Accept both repeated options and comma-separated lists: ``-p ru -p de`` or ``-p ru,de``.

    An option given with nothing in it (``-m ,``) is an error, not a silent default.
    """
    items = [item.strip() for value in values or [] for item in value.split(",") if item.strip()]
    if values is not None and not items:
        raise UserError(f"{flag or 'an option'} was given but names nothing")
    return items


# Shared by run and batch.
ScorerOption = Annotated[
    str | None,
    typer.Option(
        help="Model that scores each leg without a reference (mean log-probability per token of "
        "each output given its input, with the prompt it translates with): a model as for "
        "--translator. One scorer judges every system alike (default: the first --translator); "
        "a score of a model's own output is marked †. Costs about 1 s per output on 2 CPU "
        "cores with the default 1.5B model; 'cometkiwi' scores with CometKiwi instead (Hub, "
        "gated: accept its licence); 'none' turns it off."
    ),
]


# Shared by run, batch and score.
EmbedderOption = Annotated[
    str,
    typer.Option(
        help="Sentence embedder for the embedding cosine: minilm (all-MiniLM-L6-v2, English, on "
        "PyPI), multilingual-minilm, labse, a Hub id or a directory (sentence-transformers). "
        "Text in a language the embedder does not know gets no cosine.",
    ),
]
PivotRefOption = Annotated[
    list[str] | None,
    typer.Option(
        "--pivot-ref",
        help="Human translation of ARTICLE into the pivot language, one line per non-empty line "
        "of ARTICLE (each line is then one segment): the pivot is scored against it (BLEU, "
        "chrF++, TER). With several pivots name one: --pivot-ref ru=FILE; repeatable.",
    ),
]
_LANGUAGE_PREFIX = re.compile(r"^([A-Za-z]{2,3})=(.+)$")


def _pivot_references(values: list[str] | None) -> dict[str, str]:
    """``--pivot-ref [LANG=]FILE`` values by pivot code (``""``: the run's one pivot)."""
    found: dict[str, str] = {}
    for value in values or []:
        named = _LANGUAGE_PREFIX.match(value)
        code, path = (named.group(1).lower(), named.group(2)) if named else ("", value)
        if code in found:
            raise UserError(f"--pivot-ref given twice for {code or 'the pivot'}")
        found[code] = path
    return found


def _run_options(
    pivot: list[str] | None,
    translator: list[str] | None,
    summarizer: list[str] | None,
    **fields,
):
    """:class:`RunOptions` from the options ``run`` and ``batch`` share (lists may be given
    repeated or comma-separated; several translators are systems side by side;
    ``--summarizer none`` means no abstractive summariser)."""
    from summarize.engines.registry import default_model
    from summarize.pipeline.options import RunOptions

    default = default_model()[0]
    translators = _split_list(translator, "--translator") or [default]
    summarizers = _split_list(summarizer, "--summarizer") or [default]
    return RunOptions(
        pivots=_split_list(pivot, "--pivot") or ["ru"],
        translator=translators[0],
        translators=translators,
        summarizers=[] if summarizers == ["none"] else summarizers,
        **fields,
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
        Path | None,
        typer.Argument(
            help="English article, UTF-8 text, one paragraph per line (omit with --reference)."
        ),
    ] = None,
    pivot: Annotated[
        list[str] | None,
        typer.Option(
            "--pivot", "-p", help="Pivot language(s) for the round trip: -p ru -p de or -p ru,de."
        ),
    ] = None,
    translator: Annotated[
        list[str] | None,
        typer.Option(
            help="Translation model(s), repeatable: a preset, a Hugging Face Hub id "
            "(org/name[@revision]), a local model directory or .gguf file "
            "(default: see `summarize models list`)."
        ),
    ] = None,
    back_translator: Annotated[
        str | None, typer.Option(help="Model for pivot → English (default: the --translator).")
    ] = None,
    scorer: ScorerOption = None,
    pivot_ref: PivotRefOption = None,
    embedder: EmbedderOption = "minilm",
    source: Annotated[
        Path | None,
        typer.Option(help="Reference mode: source text to translate into English (line-aligned)."),
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option(help="Reference mode: the supplied English translation of --source."),
    ] = None,
    source_lang: Annotated[
        str | None, typer.Option(help="Reference mode: language of --source (default: detected).")
    ] = None,
    allow_pickle: Annotated[
        bool,
        typer.Option(help="Allow pickle checkpoints (pytorch_model.bin), which can run code."),
    ] = False,
    summarizer: Annotated[
        list[str] | None,
        typer.Option(
            help="Abstractive summariser(s), repeatable (default: as --translator). "
            "'none' skips them."
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
    details: Annotated[
        bool,
        typer.Option(
            "--details",
            help="Print the whole view: every sentence (original, pivot, back-translation, "
            "scores, flags), the metric and flag legend, signatures and models (default: a first "
            "screen).",
        ),
    ] = False,
    out: Annotated[
        list[Path] | None,
        typer.Option(
            "--out",
            "-o",
            help="Also write the result to this file: .json, .md, or .html (the batch report's "
            "page, side by side); repeatable.",
        ),
    ] = None,
    device: Annotated[
        str, typer.Option(help="auto (CUDA if present, else CPU), cpu, or cuda[:N].")
    ] = "auto",
    backend: Annotated[
        str,
        typer.Option(
            help="Generation runtime: auto (translators on CTranslate2 float32 where it covers "
            "the model, the same outputs as transformers, faster; summarisers and other models "
            "on transformers), transformers, or ct2 (CTranslate2 for all, int8 on CPU unless "
            "--quantization)."
        ),
    ] = "auto",
    threads: Annotated[
        int | None,
        typer.Option(
            help="CPU threads for every model (default: the CPUs this process may use; "
            "OMP_NUM_THREADS does not change it)."
        ),
    ] = None,
    quantization: Annotated[
        str | None,
        typer.Option(
            help="ct2 weights: int8 (CPU default), int8_float16 (CUDA default), float32..."
        ),
    ] = None,
    cache: Annotated[
        bool, typer.Option(help="Reuse and store model outputs in the cache (SUMMARIZE_CACHE_DIR).")
    ] = True,
    language_check: Annotated[
        bool, typer.Option(help="Refuse input that does not look like English.")
    ] = True,
    max_input_mb: Annotated[
        float, typer.Option(help="Refuse an article (or --source) larger than this, in MB.")
    ] = DEFAULT_MAX_INPUT_MB,
    max_segment_chars: Annotated[
        int,
        typer.Option(help="Split longer sentences (characters); reference-mode lines refuse."),
    ] = DEFAULT_MAX_SEGMENT_CHARS,
) -> None:
    """Re-translate (English → pivot → English, or --source → English against --reference) and
    summarise one article, then score it all.

    Prints a first screen (at most 60 lines): the scores, the summaries and the flagged
    sentences; --details prints everything, --json and --out keep everything."""
    from summarize.pipeline.prepare import prepare
    from summarize.pipeline.session import run as run_pipeline
    from summarize.progress import RichProgress
    from summarize.render import (
        check_writable,
        format_for_path,
        render_to_string,
        write_atomically,
    )

    if (source is None) != (reference is None):
        raise UserError("reference mode needs both --source and --reference")
    if reference is not None and (article is not None or pivot or pivot_ref):
        raise UserError(
            "reference mode (--source/--reference) takes no ARTICLE, no --pivot and no --pivot-ref"
        )
    if reference is None and article is None:
        raise UserError("give an ARTICLE, or --source and --reference for reference mode")
    options = _run_options(
        pivot,
        translator,
        summarizer,
        back_translator=back_translator,
        scorer=scorer,
        pivot_references=_pivot_references(pivot_ref),
        embedder=embedder,
        source=source,
        source_lang=source_lang,
        allow_pickle=allow_pickle,
        lead_sentences=lead,
        extractive_sentences=extractive_sentences,
        device=device,
        backend=backend,
        threads=threads,
        quantization=quantization,
        language_check=language_check,
        use_cache=cache,
        max_input_mb=max_input_mb,
        max_segment_chars=max_segment_chars,
    )
    # .html is the batch report's page for a batch of one; the other formats render the result.
    outputs = [
        (path, "html" if path.suffix.lower() == ".html" else format_for_path(path))
        for path in out or []
    ]
    for path, _ in outputs:
        check_writable(path)  # now, not after the models have run
    prepared = prepare(reference or article, options)
    kept = "finished model outputs are cached: the same command reuses them"
    with _interruptible(kept if cache else "nothing was kept (--no-cache)"):
        result = run_pipeline(prepared, options, RichProgress())
    # The result is shown before the files are written: a file that fails loses nothing.
    if json_output:
        sys.stdout.write(render_to_string(result, "json"))
    else:
        from summarize.render.terminal import render_first_screen, render_terminal

        (render_terminal if details else render_first_screen)(result)
    for path, fmt in outputs:
        content = _html_page(result, options) if fmt == "html" else render_to_string(result, fmt)
        write_atomically(path, content)
        typer.echo(f"wrote {path}", err=True)


def _html_page(result, options) -> str:
    """The batch report's self-contained page, for a batch of this one document."""
    from summarize.batch.run import batch_result
    from summarize.render.html import render_html

    return render_html(batch_result(result.input.path, "run", options, [result]))


@app.command()
def score(
    test_set: Annotated[
        Path | None,
        typer.Argument(
            metavar="TESTSET",
            help="A WMT test set (.xml, WMT21+) with <ref>s and <hyp system=...>s: scores every "
            "system against all references (no --ref).",
        ),
    ] = None,
    hyp: Annotated[
        list[Path] | None,
        typer.Option(
            "--hyp",
            "-i",
            help="System output, one segment per line (or .jsonl); repeatable. With TESTSET: "
            "another system, line-aligned with its segments in document order.",
        ),
    ] = None,
    ref: Annotated[
        list[Path] | None,
        typer.Option(
            "--ref",
            "-r",
            help="Reference, line-aligned; repeat for several references of each segment.",
        ),
    ] = None,
    src: Annotated[
        Path | None,
        typer.Option(help="Source/article, line-aligned (for coverage, density, unsupported)."),
    ] = None,
    metrics: Annotated[
        list[str] | None,
        typer.Option(
            "--metrics",
            "-m",
            help="Comma-separated: bleu,chrf,chrf++,ter,rouge1,rouge2,rougeL,rougeLsum (default), "
            "emb, emb-doc, bertscore (load MiniLM), coverage, density, compression, novel1, "
            "novel2, unsupported (need --src); groups: rouge, embedding, extractiveness.",
        ),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(help="System the paired tests compare with (default: the first one)."),
    ] = None,
    test: Annotated[
        str, typer.Option(help="Paired test against the baseline: bs (bootstrap) or ar.")
    ] = "bs",
    samples: Annotated[
        int, typer.Option(help="Resamples/trials; 0 = sacrebleu's default (bs 1000, ar 10000).")
    ] = 0,
    seed: Annotated[int, typer.Option(help="Random seed (sacrebleu's default 12345).")] = 12345,
    confidence: Annotated[
        bool, typer.Option(help="Bootstrap 95% confidence intervals and paired tests.")
    ] = True,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON (with segment scores).")
    ] = False,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text, md, csv, tsv or json.")
    ] = "text",
    jsonl_field: Annotated[
        str, typer.Option(help="Field holding the segment in .jsonl objects.")
    ] = "text",
    device: Annotated[
        str, typer.Option(help="For embedding metrics: auto, cpu, or cuda[:N].")
    ] = "auto",
    embedder: EmbedderOption = "minilm",
    segments: Annotated[
        bool,
        typer.Option("--segments", help="Print segment-level scores, one row per system and line."),
    ] = False,
    max_input_mb: Annotated[
        float, typer.Option(help="Refuse a file larger than this, in MB.")
    ] = DEFAULT_SCORE_MAX_INPUT_MB,
    language_pair: Annotated[
        str | None,
        typer.Option(
            "--language-pair",
            "-l",
            help="SRC-TGT (ISO 639-1), as sacrebleu's -l: the target picks BLEU's tokenizer (zh, "
            "ja-mecab, ko-mecab, else 13a). Default: a WMT set's <ref lang>, else none.",
        ),
    ] = None,
    tokenize: Annotated[
        str | None,
        typer.Option(
            help="BLEU's tokenizer, as sacrebleu's --tokenize: 13a, intl, zh, ja-mecab, "
            "ko-mecab, char, flores101, flores200, none (default: by the target language)."
        ),
    ] = None,
    lowercase: Annotated[
        bool, typer.Option("--lowercase", help="Case-insensitive BLEU (sacrebleu's --lowercase).")
    ] = False,
    chrf_word_order: Annotated[
        int, typer.Option(help="Word n-gram order of chrf (sacrebleu's; 2 is chrF++).")
    ] = 0,
    ter_asian_support: Annotated[
        bool,
        typer.Option(
            "--ter-asian-support",
            help="With --ter-normalized: TER splits CJK characters (sacrebleu's).",
        ),
    ] = False,
    ter_normalized: Annotated[
        bool, typer.Option("--ter-normalized", help="TER normalises and tokenises (sacrebleu's).")
    ] = False,
    ter_case_sensitive: Annotated[
        bool, typer.Option("--ter-case-sensitive", help="Case-sensitive TER (sacrebleu's).")
    ] = False,
    ter_no_punct: Annotated[
        bool, typer.Option("--ter-no-punct", help="TER without punctuation (sacrebleu's).")
    ] = False,
) -> None:
    """Score existing outputs against one or more references, or every system of a WMT test
    set (no model loaded unless an embedding metric is asked for): sacrebleu-identical
    BLEU/chrF/TER, ROUGE, CIs and paired significance."""
    from summarize.metrics.translation import SacrebleuOptions
    from summarize.render.scores import (
        FORMATS,
        not_applicable_lines,
        print_score_report,
        render_score_report,
        render_segments,
    )
    from summarize.scoring import ScoreOptions, score_files, score_test_set

    fmt = "json" if json_output else output_format.lower()
    if fmt not in FORMATS:
        raise UserError(f"unknown output format {output_format!r}; use {', '.join(FORMATS)}")
    options = ScoreOptions(
        metrics=_split_list(metrics, "--metrics"),
        test=test,
        n_samples=samples,
        seed=seed,
        confidence=confidence,
        segment_scores=fmt == "json" or segments,
        jsonl_field=jsonl_field,
        device=device,
        max_input_mb=max_input_mb,
        language_pair=language_pair,
        sacrebleu=SacrebleuOptions(
            tokenize=tokenize,
            lowercase=lowercase,
            chrf_word_order=chrf_word_order,
            ter_asian_support=ter_asian_support,
            ter_normalized=ter_normalized,
            ter_case_sensitive=ter_case_sensitive,
            ter_no_punct=ter_no_punct,
        ),
        embedder=embedder,
        setting_names=FLAGS,
    )
    if test_set is not None:
        if test_set.suffix.lower() != ".xml":
            raise UserError(
                f"{test_set}: TESTSET must be a WMT .xml test set; "
                "score plain files with --hyp and --ref"
            )
        if ref or src:
            raise UserError(
                f"{test_set} brings its own references and sources: drop --ref and --src"
            )
        report = score_test_set(test_set, hyp or [], options, baseline=baseline)
    else:
        if not ref:
            raise UserError(
                "give a reference with --ref (repeat it for several references), "
                "or a WMT .xml test set"
            )
        report = score_files(hyp or [], ref, src, options, baseline=baseline)
    if segments and fmt != "json":
        sys.stdout.write(render_segments(report, fmt))
        for line in not_applicable_lines(report):  # the table has n/a cells; say why
            typer.echo(f"note: {line}", err=True)
    elif fmt == "text":
        print_score_report(report)
    else:
        sys.stdout.write(render_score_report(report, fmt))


from summarize.cli.models import models_app  # noqa: E402  (registered after the commands)

app.add_typer(models_app, name="models")


@app.command()
def batch(
    input_path: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help='A folder of .txt articles, a JSONL file ({"id", "text"} per line, with '
            '"source" and "source_lang" for reference mode) or a WMT test set (.xml / .sgm).',
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
    translator: Annotated[
        list[str] | None,
        typer.Option(help="Translation model(s), repeatable, as for run."),
    ] = None,
    back_translator: Annotated[
        str | None, typer.Option(help="Pivot → English model (default: the --translator).")
    ] = None,
    scorer: ScorerOption = None,
    embedder: EmbedderOption = "minilm",
    pivot_ref: Annotated[
        list[str] | None,
        typer.Option(
            "--pivot-ref",
            help="Folder of human translations into the pivot language, DIR/<document id>.txt, "
            "each line-aligned with its document (as run --pivot-ref); LANG=DIR with several "
            "pivots. JSONL lines may carry pivot_reference instead.",
        ),
    ] = None,
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
    backend: Annotated[
        str, typer.Option(help="Generation runtime: auto (default, as for run), transformers, ct2.")
    ] = "auto",
    threads: Annotated[
        int | None,
        typer.Option(
            help="CPU threads for every model, and for each Ray worker (default: the CPUs this "
            "process may use; OMP_NUM_THREADS does not change it)."
        ),
    ] = None,
    quantization: Annotated[
        str | None, typer.Option(help="ct2 weights (default int8 on CPU).")
    ] = None,
    cache: Annotated[bool, typer.Option(help="Use the model-output cache.")] = True,
    language_check: Annotated[bool, typer.Option(help="Skip non-English documents.")] = True,
    max_input_mb: Annotated[
        float,
        typer.Option(help="Skip a document larger than this, in MB (a JSONL/WMT file: 100x)."),
    ] = DEFAULT_MAX_INPUT_MB,
    max_segment_chars: Annotated[
        int, typer.Option(help="Split longer sentences (characters).")
    ] = DEFAULT_MAX_SEGMENT_CHARS,
    details: Annotated[
        bool,
        typer.Option(
            "--details", help="End with the metric legend too (the reports in --out have it)."
        ),
    ] = False,
    with_wmt_systems: Annotated[
        bool,
        typer.Option(
            "--with-wmt-systems",
            help="WMT .xml test set: also score each of its systems (<hyp system=NAME>, as "
            "wmt:NAME) against the same references, beside the local translators; the "
            "--scorer also scores each of their outputs (about 1 s per output on 2 CPU cores "
            "with the default model: --scorer none skips it).",
        ),
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            help="Where chunks run: local (this process) or ray (Ray actors, each with the "
            "models loaded; needs the ray extra)."
        ),
    ] = "local",
    workers: Annotated[
        int | None, typer.Option(help="--engine ray: actors in the pool (default 1).")
    ] = None,
    gpus_per_worker: Annotated[
        float | None,
        typer.Option(help="--engine ray: GPUs for each actor (a fraction shares a GPU)."),
    ] = None,
    ray_address: Annotated[
        str | None,
        typer.Option(
            help="--engine ray: the cluster (default: $RAY_ADDRESS, else a local Ray here)."
        ),
    ] = None,
) -> None:
    """Score many articles (resumable) and write an HTML report with tables and plots."""
    from summarize.batch.run import run_batch
    from summarize.input.documents import attach_pivot_references, read_batch_input
    from summarize.progress import RichBatchProgress
    from summarize.render.batch_text import render_batch_terminal, write_batch_reports

    options = _run_options(
        pivot,
        translator,
        summarizer,
        back_translator=back_translator,
        scorer=scorer,
        embedder=embedder,
        pivot_references=_pivot_references(pivot_ref),
        lead_sentences=lead,
        extractive_sentences=extractive_sentences,
        device=device,
        backend=backend,
        threads=threads,
        quantization=quantization,
        language_check=language_check,
        use_cache=cache,
        max_input_mb=max_input_mb,
        max_segment_chars=max_segment_chars,
        wmt_systems=with_wmt_systems,
    )
    batch_engine = _batch_engine(engine, workers, gpus_per_worker, ray_address)
    progress = RichBatchProgress()
    kept = f"finished documents are kept in {out / 'results.jsonl'}: the same command resumes"
    with _interruptible(kept):
        try:
            batch_input = read_batch_input(input_path, max_input_mb, with_wmt_systems)
            result = run_batch(
                attach_pivot_references(batch_input, options.pivot_references, max_input_mb),
                out,
                options,
                progress,
                chunk_documents,
                restart,
                first_alone=True,
                engine=batch_engine,
            )
        finally:
            progress.close()
    written = write_batch_reports(result, out)
    render_batch_terminal(result, details=details)
    typer.echo(f"wrote {', '.join(str(p) for p in [*written, out / 'results.jsonl'])}", err=True)
    if result.errors:
        typer.echo(f"summarize: {len(result.errors)} documents failed", err=True)
        raise typer.Exit(1)


def _batch_engine(
    name: str, workers: int | None, gpus_per_worker: float | None, ray_address: str | None
):
    """The engine ``--engine`` names (``None``: the local one), checked before any work."""
    if name == "ray":
        from summarize.batch.ray_engine import RayEngine

        return RayEngine(1 if workers is None else workers, gpus_per_worker or 0.0, ray_address)
    if name != "local":
        raise UserError(f"unknown engine {name!r}; use local or ray")
    if workers is not None or gpus_per_worker is not None or ray_address is not None:
        raise UserError("--workers, --gpus-per-worker and --ray-address need --engine ray")
    return None


def main() -> None:
    """Entry point: user errors become one line on stderr and a non-zero exit code."""
    try:
        app()
    except UserError as exc:
        typer.echo(f"summarize: error: {exc.for_command_line(FLAGS)}", err=True)
        sys.exit(exc.exit_code)
