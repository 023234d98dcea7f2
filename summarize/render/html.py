"""report.html: one self-contained page (inline CSS and SVG, no network) for a batch.

Article text, ids and model outputs are untrusted: the Jinja2 environment autoescapes every
value, the plots escape their own text (:mod:`summarize.render.plots`), and document ids become
anchors only through :func:`~summarize.input.documents.safe_name`.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from markupsafe import Markup

from summarize.input.documents import safe_name
from summarize.metrics.registry import document_values
from summarize.metrics.registry import label as metric_label
from summarize.render import batch_rows as rows
from summarize.render.plots import Point, distribution_plot, xy_plot
from summarize.render.rows import (
    flag_legend_lines,
    flag_messages,
    ranked_summaries,
    segment_table,
    summary_score_row,
    system_title,
)
from summarize.result import BatchResult, TranslationResult

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# The page's only script (ours, allowed by hash in its Content-Security-Policy, so no injected
# script could run even if escaping failed): a link to a document opens its drill-down.
SCRIPT = (
    "function openTarget(){var id=decodeURIComponent(location.hash.slice(1));"
    "var el=id&&document.getElementById(id);"
    'if(el&&el.tagName==="DETAILS"){el.open=true;el.scrollIntoView();}}'
    'window.addEventListener("hashchange",openTarget);openTarget();'
)


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,  # every {{ value }} is HTML-escaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _doc_label(result) -> str:
    return result.input.document_id or result.input.path


def _anchor(result) -> str:
    return "doc-" + safe_name(_doc_label(result))


def _series(per_doc, systems, fields: tuple[str, ...], describe) -> list[tuple[str, list[Point]]]:
    """(system, points) with x (and y) taken from each document's numbers for that system."""
    series = []
    for system in systems:
        points = []
        for index, (result, numbers) in enumerate(per_doc):
            values = numbers.get(system.name, {})
            if all(name in values for name in fields if name != "#"):
                xy = [index + 1 if name == "#" else values[name] for name in fields]
                label = f"{_doc_label(result)}: {describe(values)}"
                points.append(Point(xy[0], xy[-1] if len(xy) > 1 else 0, label, _anchor(result)))
        series.append((system.name, points))
    return series


def _plots(batch: BatchResult) -> list:
    per_doc = [(result, document_values(result)) for result in batch.documents]
    translations = rows.systems_of(batch, "translation")
    summaries = rows.systems_of(batch, "summary")
    plots = []
    for kind, systems in (("translation", translations), ("summary", summaries)):
        if systems:
            key, label = rows.main_metric(batch, kind)
            series = _series(per_doc, systems, (key,), lambda v, k=key, n=label: f"{n} {v[k]:.1f}")
            what = "translation system" if kind == "translation" else "summary"
            plots.append(distribution_plot(f"{label} per document, by {what}", label, series))
    if translations:
        label = rows.main_metric(batch, "translation")[1]
        series = _series(
            per_doc, translations, ("#", "chrf++"), lambda v: f"chrF++ {v['chrf++']:.1f}"
        )
        title = "Translation chrF++ per document (each point one document; no order between them)"
        plots.append(xy_plot(title, "document (input order)", label, series, integer_x=True))
    if summaries:
        key, label = rows.main_metric(batch, "summary")
        series = _series(
            per_doc,
            summaries,
            ("words", key),
            lambda v, k=key, n=label: f"{v['words']:.0f} words, {n} {v[k]:.1f}",
        )
        title = f"Summary length vs {label}"
        plots.append(xy_plot(title, "summary length (words)", label, series))
    return plots


def _system(system: TranslationResult) -> dict:
    """One translation system of a document: round trip or reference mode, each its columns;
    the flags column holds every flag's message."""
    header, body = segment_table(system)
    return {
        "title": system_title(system),
        "scores": " · ".join(
            f"{metric_label(name)} {score.value:.{rows.digits(name)}f}"
            for name, score in system.scores.items()
        ),
        "flags": system.segment_flags(),
        "header": header,
        "segments": [
            {"cells": [*cells[:-1], flag_messages(segment.flags)], "flagged": bool(segment.flags)}
            for cells, segment in zip(body, system.segments, strict=True)
        ],
    }


def _drilldown(batch: BatchResult) -> list[dict]:
    documents = []
    for result in batch.documents:
        label = _doc_label(result)
        documents.append(
            {
                "anchor": "doc-" + safe_name(label),
                "id": label,
                "origin": result.input.path,
                "info": result.input,
                "flags": result.flag_line(),
                "row": rows.document_row(batch, result),
                "systems": [_system(system) for system in result.translations],
                "summaries": [
                    {
                        "name": summary.name,
                        "text": summary.text,
                        "cells": summary_score_row(summary)[1:-1],
                        "flags": flag_messages(summary.flags),
                    }
                    for summary in ranked_summaries(result)
                ],
            }
        )
    return documents


def render_html(batch: BatchResult) -> str:
    tables = [
        {
            "title": title,
            "header": rows.system_header(batch, kind),
            "rows": [rows.system_row(batch, system) for system in rows.systems_of(batch, kind)],
        }
        for kind, title in (("translation", "Translation systems"), ("summary", "Summaries"))
        if rows.systems_of(batch, kind)
    ]
    template = _environment().get_template("batch_report.html.j2")
    return template.render(
        batch=batch,
        overview=rows.overview(batch),
        tables=tables,
        plots=_plots(batch),
        document_header=rows.document_header(batch),
        documents=_drilldown(batch),
        errors=[rows.error_row(error) for error in batch.errors],
        error_header=rows.ERROR_HEADER,
        summary_header=rows.summary_score_columns(),
        flag_line=rows.flag_totals(batch),
        flag_overview=rows.flag_overview(batch),
        legend=rows.legend_lines(batch),
        flag_legend=flag_legend_lines(),
        signatures=rows.signature_lines(batch),
        models=rows.model_lines(batch),
        script=Markup(SCRIPT),
        script_hash=base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode(),
    )
