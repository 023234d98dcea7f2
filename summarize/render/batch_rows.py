"""Rows of the batch reports, shared by the terminal, Markdown, CSV and HTML renderers."""

from __future__ import annotations

from summarize.metrics.likelihood import METRIC_KEY, mark_self_scored
from summarize.metrics.registry import KINDS, METRICS, columns, document_values, label
from summarize.render.rows import flag_text
from summarize.result import BatchResult, MeanCI, RunResult, SystemStats

CORPUS_METRICS = [(key, f"corpus {label(key)}") for key in ("bleu", "chrf++")]
# Per-document columns of the documents table: the main score of each kind of system. A
# summary's is how much of it the article supports (ROUGE-1 precision), or, where documents
# come with reference summaries, ROUGE-L F1 against those: F1 against the article would rank a
# faithful short summary last.
MAIN_METRIC = {
    kind: (key, label(key))
    for kind, key in (("translation", "chrf++"), ("summary", "rouge1_precision"))
}
REFERENCE_SUMMARY_METRIC = ("ref_rougeL", label("ref_rougeL"))


def csv_columns() -> list[str]:
    """One row per document and system: every per-document number of either kind (the
    registry's ``batch`` view), each once."""
    metrics = dict.fromkeys(key for kind in KINDS for key in columns("batch", kind))
    return [
        "document_id",
        "system",
        "kind",
        "sentences",
        "article_words",
        *metrics,
        f"{METRIC_KEY}_self_scored",
        "flags",
    ]


def metric_labels(kind: str) -> list[tuple[str, str]]:
    """(key, label with direction) of the metrics a report shows for ``kind`` of system."""
    return [(key, label(key)) for key in columns("batch", kind)]


def main_metric(batch: BatchResult, kind: str) -> tuple[str, str]:
    """(key, label) of the headline score of ``kind`` of system in this batch."""
    if kind == "summary" and any(r.input.reference_summary for r in batch.documents):
        return REFERENCE_SUMMARY_METRIC
    return MAIN_METRIC[kind]


def mean_ci(value: MeanCI | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if value.n < 2:
        return f"{value.mean:.{digits}f}"
    return f"{value.mean:.{digits}f} [{value.low:.{digits}f}, {value.high:.{digits}f}]"


def digits(key: str) -> int:
    """Digits of ``key``'s means and scores in batch reports (1 for a metric no longer
    registered)."""
    spec = METRICS.get(key)
    return spec.digits if spec else 1


def systems_of(batch: BatchResult, kind: str) -> list[SystemStats]:
    """The systems of ``kind``; summaries most faithful first (fewest flagged, fewest
    unsupported numbers and names, then the headline score, then embedding cosine)."""
    systems = [system for system in batch.systems if system.kind == kind]
    if kind != "summary":
        return systems
    headline = main_metric(batch, kind)[0]

    def mean(system: SystemStats, key: str) -> float:
        value = system.metrics.get(key)
        return value.mean if value is not None else 0.0

    return sorted(
        systems,
        key=lambda s: (
            round(mean(s, "flagged_share"), 6),
            round(mean(s, "unsupported"), 6),
            -mean(s, headline),
            -mean(s, "embedding_cosine"),
        ),
    )


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
    row += [
        mark_self_scored(
            mean_ci(system.metrics.get(key), digits(key)),
            key == METRIC_KEY and bool(system.self_scored),
        )
        for key, _ in metrics
    ]
    if system.kind == "translation":
        row += [
            f"{system.corpus[key].value:.1f}" if key in system.corpus else "–"
            for key, _ in CORPUS_METRICS
        ]
    return row


def document_header(batch: BatchResult) -> list[str]:
    header = ["document", "sentences", "words"]
    for system in batch.systems:
        header.append(f"{system.name} {main_metric(batch, system.kind)[1]}")
    return [*header, "flagged segments", "flagged summaries"]


def document_row(batch: BatchResult, result: RunResult) -> list[str]:
    numbers = document_values(result)
    row = [result.input.document_id or result.input.path, str(result.input.sentences)]
    row.append(str(result.input.words))
    for system in batch.systems:
        value = numbers.get(system.name, {}).get(main_metric(batch, system.kind)[0])
        row.append("–" if value is None else f"{value:.1f}")
    segments, summaries = result.segment_flags(), result.summary_flags()
    return [
        *row,
        f"{segments.flagged}/{segments.outputs}",
        f"{summaries.flagged}/{summaries.outputs}",
    ]


def error_row(error) -> list[str]:
    return [error.origin, error.id or "", error.message]


ERROR_HEADER = ["where", "document", "problem"]


def csv_rows(batch: BatchResult) -> list[dict[str, str]]:
    """One row per (document, system): the numbers behind the plots, for spreadsheets."""
    rows = []
    for result in batch.documents:
        numbers = document_values(result)
        flags = {
            system.name: [f for s in system.segments for f in s.flags]
            for system in result.translations
        }
        flags.update({summary.name: summary.flags for summary in result.summaries})
        kinds = {system.name: "translation" for system in result.translations}
        own = {system.name: "+".join(system.self_scored) for system in result.translations}
        for name, values in numbers.items():
            row = {
                f"{METRIC_KEY}_self_scored": own.get(name, ""),
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


def flag_overview(batch: BatchResult) -> tuple[list[str], list[list[str]]]:
    """Per system and flag code: how many outputs carry it, in how many documents, and the first
    message (with its document): the flags of the whole batch on one screen."""
    found: dict[tuple[str, str], list] = {}
    for result in batch.documents:
        label_ = result.input.document_id or result.input.path
        for system in result.translations:
            for segment in system.segments:
                for flag in segment.flags:
                    where = f"{label_} #{segment.index + 1} {flag.step}"
                    found.setdefault((system.name, flag.code), []).append((label_, where, flag))
        for summary in result.summaries:
            for flag in summary.flags:
                found.setdefault((summary.name, flag.code), []).append((label_, label_, flag))
    body = []
    for (name, code), hits in found.items():
        documents = len({document for document, _, _ in hits})
        _, where, first = hits[0]
        body.append([name, code, str(len(hits)), str(documents), f"{where}: {first.message}"])
    return ["system", "flag", "outputs", "documents", "first message"], body


def flag_totals(batch: BatchResult) -> str:
    """The batch's line on flags (:func:`summarize.result.flag_line` over every document)."""
    from summarize.result import FlagCount, flag_line

    segments, summaries = FlagCount(0, 0, {}), FlagCount(0, 0, {})
    for result in batch.documents:
        segments += result.segment_flags()
        summaries += result.summary_flags()
    return flag_line(segments, summaries)


def legend_lines(batch: BatchResult) -> list[str]:
    """One line per metric the batch tables and drill-downs show (registry): meaning, range,
    direction."""
    from summarize.metrics.registry import legend
    from summarize.render.rows import SEGMENT_KEYS, summary_score_keys

    keys = [key for kind in ("translation", "summary") for key, _ in shown_metrics(batch, kind)]
    keys += [key for key, _ in CORPUS_METRICS]
    if any(result.translations for result in batch.documents):
        keys += SEGMENT_KEYS
    if any(result.summaries for result in batch.documents):
        keys += summary_score_keys()
    return legend(keys)


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


def summary_score_columns() -> list[str]:
    from summarize.render.rows import summary_score_header

    return summary_score_header()[1:-1]
