"""Rows of the batch reports, shared by the terminal, Markdown, CSV and HTML renderers."""

from __future__ import annotations

from summarize.metrics.registry import label
from summarize.render.rows import flag_text
from summarize.result import (
    SUMMARY_METRICS,
    TRANSLATION_METRICS,
    BatchResult,
    MeanCI,
    RunResult,
    SystemStats,
    document_metrics,
)

CORPUS_METRICS = [(key, f"corpus {label(key)}") for key in ("bleu", "chrf++")]
# Per-document columns of the documents table: the main score of each kind of system.
MAIN_METRIC = {
    kind: (key, label(key)) for kind, key in (("translation", "chrf++"), ("summary", "rougeL"))
}
CSV_COLUMNS = [
    "document_id",
    "system",
    "kind",
    "sentences",
    "article_words",
    "bleu",
    "chrf++",
    "ter",
    "embedding_cosine",
    "flagged_share",
    "rouge1",
    "rouge2",
    "rougeL",
    "compression_ratio",
    "words",
    "ref_rouge1",
    "ref_rouge2",
    "ref_rougeL",
    "flags",
]


def metric_labels(kind: str) -> list[tuple[str, str]]:
    """(key, label with direction) of the metrics a report shows for ``kind`` of system."""
    keys = TRANSLATION_METRICS if kind == "translation" else SUMMARY_METRICS
    return [(key, label(key)) for key in keys]


def mean_ci(value: MeanCI | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if value.n < 2:
        return f"{value.mean:.{digits}f}"
    return f"{value.mean:.{digits}f} [{value.low:.{digits}f}, {value.high:.{digits}f}]"


def _digits(key: str) -> int:
    return 3 if key == "embedding_cosine" else 1


def systems_of(batch: BatchResult, kind: str) -> list[SystemStats]:
    return [system for system in batch.systems if system.kind == kind]


def shown_metrics(batch: BatchResult, kind: str) -> list[tuple[str, str]]:
    """The metrics of ``kind`` that some system has (reference scores only with references)."""
    systems = systems_of(batch, kind)
    return [(k, n) for k, n in metric_labels(kind) if any(k in s.metrics for s in systems)]


def system_header(batch: BatchResult, kind: str) -> list[str]:
    label = "translation system" if kind == "translation" else "summary"
    header = [label, "documents"] + [name for _, name in shown_metrics(batch, kind)]
    if kind == "translation":
        header += [name for _, name in CORPUS_METRICS]
    return header


def system_row(batch: BatchResult, system: SystemStats) -> list[str]:
    row = [system.name, str(system.documents)]
    metrics = shown_metrics(batch, system.kind)
    row += [mean_ci(system.metrics.get(key), _digits(key)) for key, _ in metrics]
    if system.kind == "translation":
        row += [
            f"{system.corpus[key].value:.1f}" if key in system.corpus else "–"
            for key, _ in CORPUS_METRICS
        ]
    return row


def document_header(batch: BatchResult) -> list[str]:
    header = ["document", "sentences", "words"]
    for system in batch.systems:
        header.append(f"{system.name} {MAIN_METRIC[system.kind][1]}")
    return [*header, "flags"]


def document_row(batch: BatchResult, result: RunResult) -> list[str]:
    numbers = document_metrics(result)
    row = [result.input.document_id or result.input.path, str(result.input.sentences)]
    row.append(str(result.input.words))
    for system in batch.systems:
        value = numbers.get(system.name, {}).get(MAIN_METRIC[system.kind][0])
        row.append("–" if value is None else f"{value:.1f}")
    return [*row, str(result.flag_count())]


def error_row(error) -> list[str]:
    return [error.origin, error.id or "", error.message]


ERROR_HEADER = ["where", "document", "problem"]


def csv_rows(batch: BatchResult) -> list[dict[str, str]]:
    """One row per (document, system): the numbers behind the plots, for spreadsheets."""
    rows = []
    for result in batch.documents:
        numbers = document_metrics(result)
        flags = {
            system.name: [f for s in system.segments for f in s.flags]
            for system in result.translations
        }
        flags.update({summary.name: summary.flags for summary in result.summaries})
        kinds = {system.name: "translation" for system in result.translations}
        for name, values in numbers.items():
            row = {
                "document_id": result.input.document_id or result.input.path,
                "system": name,
                "kind": kinds.get(name, "summary"),
                "sentences": str(result.input.sentences),
                "article_words": str(result.input.words),
                "flags": flag_text(flags.get(name, [])),
            }
            row.update({key: f"{value:.4f}" for key, value in values.items()})
            rows.append(row)
    return rows


def signature_lines(batch: BatchResult) -> list[tuple[str, str]]:
    """(metric, signature) pairs over all documents, each distinct one once."""
    from summarize.render.rows import signatures

    seen: dict[tuple[str, str], None] = {}
    for result in batch.documents:
        seen.update(dict.fromkeys(signatures(result)))
    return list(seen)


def model_lines(batch: BatchResult) -> list[str]:
    """The models behind every system of every document, each line once (documents in
    reference mode, or with sources in several languages, have systems of their own)."""
    from summarize.render.rows import model_lines as run_model_lines

    seen: dict[str, None] = {}
    for result in batch.documents:
        seen.update(dict.fromkeys(run_model_lines(result)))
    return sorted(seen, key=lambda line: line.startswith("embeddings:"))  # stable: it goes last


def overview(batch: BatchResult) -> str:
    scored, failed = len(batch.documents), len(batch.errors)
    references = sum(1 for result in batch.documents if result.source_input is not None)
    mode = f" ({references} in reference mode)" if references else ""
    return (
        f"{scored} documents scored{mode}, {failed} failed; input {batch.input_path} "
        f"({batch.input_format}); settings {batch.settings['settings_key']}; "
        f"summarize {batch.tool_version}. Means over documents with 95% bootstrap "
        "confidence intervals (1000 resamples, seeded)."
    )


def _summary_score_columns() -> list[str]:
    from summarize.render.rows import SUMMARY_SCORE_HEADER

    return SUMMARY_SCORE_HEADER[1:-1]


SUMMARY_SCORE_COLUMNS = _summary_score_columns()
