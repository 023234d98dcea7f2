"""Table rows shared by the terminal and Markdown renderers (one source of truth for columns)."""

from __future__ import annotations

from summarize.metrics.registry import get, label
from summarize.result import RunResult, SegmentResult, SummaryResult, TranslationResult

# Metric columns of each table (registry keys): headers, directions and the legend come from the
# metric registry.
TRANSLATION_SCORE_KEYS = ["bleu", "chrf++", "ter", "embedding_cosine"]
SUMMARY_SCORE_KEYS = [
    "rouge1",
    "rouge2",
    "rougeL",
    "embedding_cosine",
    "compression_ratio",
    "coverage",
    "density",
    "novel_bigrams",
]
SEGMENT_KEYS = ["chrf++", "embedding_cosine"]


def _column(key: str) -> str:
    spec = get(key)
    return f"{spec.column} {spec.arrow}".rstrip()


TRANSLATION_SCORE_HEADER = [
    "system",
    *(label(key) for key in TRANSLATION_SCORE_KEYS),
    "flagged segments",
]
SUMMARY_SCORE_HEADER = ["summary", *(label(key) for key in SUMMARY_SCORE_KEYS), "flags"]
SEGMENT_HEADER = [
    "#",
    "original",
    "pivot",
    "back-translation",
    *map(_column, SEGMENT_KEYS),
    "flags",
]
REFERENCE_SEGMENT_HEADER = [
    "#",
    "source",
    "translation",
    "reference",
    *map(_column, SEGMENT_KEYS),
    "flags",
]
# Right-aligned columns.
NUMERIC_COLUMNS = {
    "#",
    "flagged segments",
    *(label(key) for key in TRANSLATION_SCORE_KEYS + SUMMARY_SCORE_KEYS),
    *map(_column, SEGMENT_KEYS),
}


def legend_lines() -> list[str]:
    """One line per metric shown: what it measures, its range and direction."""
    from summarize.metrics.registry import legend

    return legend(TRANSLATION_SCORE_KEYS + SUMMARY_SCORE_KEYS)


def system_title(system: TranslationResult) -> str:
    kind = "Reference translation" if system.mode == "reference" else "Round trip"
    return f"{kind} {system.name}"


def translation_scores_title(result: RunResult) -> str:
    if all(system.mode == "reference" for system in result.translations):
        return "Translation scores (translation vs the English reference)"
    return "Translation scores (back-translation vs original)"


def segment_table(system: TranslationResult) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one system's sentence table (round trip or reference mode)."""
    if system.mode == "reference":
        body = [
            [
                str(segment.index + 1),
                segment.source,
                segment.output,
                segment.reference,
                f"{segment.chrf:.1f}",
                f"{segment.embedding_cosine:.2f}",
                flag_text(segment.flags),
            ]
            for segment in system.segments
        ]
        return REFERENCE_SEGMENT_HEADER, body
    return SEGMENT_HEADER, [segment_row(segment) for segment in system.segments]


def flag_text(flags) -> str:
    return ", ".join(f"{flag.step}:{flag.code}" for flag in flags)


def segment_row(segment: SegmentResult) -> list[str]:
    return [
        str(segment.index + 1),
        segment.source,
        segment.pivot or "",
        segment.output,
        f"{segment.chrf:.1f}",
        f"{segment.embedding_cosine:.2f}",
        flag_text(segment.flags),
    ]


def translation_score_row(system: TranslationResult) -> list[str]:
    scores = system.scores
    flagged = sum(1 for segment in system.segments if segment.flags)
    return [
        system.name,
        f"{scores['bleu'].value:.1f}",
        f"{scores['chrf++'].value:.1f}",
        f"{scores['ter'].value:.1f}",
        f"{scores['embedding_cosine'].value:.3f}",
        f"{flagged}/{len(system.segments)}",
    ]


def _optional(scores, key: str, pattern: str) -> str:
    """Scores added after a result was saved may be missing: show an empty cell."""
    return pattern.format(scores[key].value) if key in scores else ""


def summary_score_row(summary: SummaryResult) -> list[str]:
    scores = summary.scores
    return [
        summary.name,
        f"{scores['rouge1'].value:.1f}",
        f"{scores['rouge2'].value:.1f}",
        f"{scores['rougeL'].value:.1f}",
        f"{scores['embedding_cosine'].value:.3f}",
        f"{scores['compression_ratio'].value:.1f}x",
        _optional(scores, "coverage", "{:.2f}"),
        _optional(scores, "density", "{:.1f}"),
        _optional(scores, "novel_bigrams", "{:.0%}"),
        flag_text(summary.flags),
    ]


def signatures(result: RunResult) -> list[tuple[str, str]]:
    """(metric, signature) pairs, each distinct signature once, in first-seen order."""
    seen: dict[tuple[str, str], None] = {}
    for system in result.translations:
        for name, score in system.scores.items():
            seen[(name, score.signature)] = None
    for summary in result.summaries:
        for name, score in summary.scores.items():
            seen[(name, score.signature)] = None
    return list(seen)


def model_lines(result: RunResult) -> list[str]:
    lines = []
    for system in result.translations:
        for role, model in (("forward", system.forward_model), ("backward", system.backward_model)):
            if model:
                lines.append(f"{system.name} {role}: {model['model_id']} @ {model['revision']}")
    for summary in result.summaries:
        if summary.model and summary.method == "abstractive":
            lines.append(
                f"{summary.name}: {summary.model['model_id']} @ {summary.model['revision']}"
            )
    lines.append(f"embeddings: {result.embedder['model_id']} @ {result.embedder['revision']}")
    return lines
