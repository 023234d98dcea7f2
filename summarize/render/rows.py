"""Table rows shared by the terminal and Markdown renderers (one source of truth for columns)."""

from __future__ import annotations

from summarize.metrics.registry import get, label
from summarize.result import RunResult, SegmentResult, SummaryResult, TranslationResult

# Metric columns of each table (registry keys): headers, directions and the legend come from the
# metric registry. Summaries lead with what says whether the article supports them (ROUGE
# precision, unsupported numbers and names, embedding cosine): F1 against a whole article
# punishes a short summary however faithful it is.
TRANSLATION_SCORE_KEYS = ["bleu", "chrf++", "ter", "embedding_cosine"]
SUMMARY_SCORE_KEYS = [
    "rouge1_precision",
    "rougeL_precision",
    "unsupported",
    "embedding_cosine",
    "rouge1",
    "rougeL",
    "compression_ratio",
    "coverage",
    "density",
    "novel_bigrams",
]
SEGMENT_KEYS = ["chrf++", "embedding_cosine"]
# Number formats of the metric columns.
_FORMATS = {
    "embedding_cosine": "{:.3f}",
    "compression_ratio": "{:.1f}x",
    "coverage": "{:.2f}",
    "density": "{:.1f}",
    "novel_bigrams": "{:.0%}",
    "unsupported": "{:.0f}",
}


def _column(key: str) -> str:
    spec = get(key)
    return f"{spec.column} {spec.arrow}".rstrip()


TRANSLATION_SCORE_HEADER = [
    "system",
    *(label(key) for key in TRANSLATION_SCORE_KEYS),
    "flagged segments",
    "flags by code",
]
SUMMARY_SCORE_HEADER = ["summary", *(_column(key) for key in SUMMARY_SCORE_KEYS), "flags"]
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
    *(label(key) for key in TRANSLATION_SCORE_KEYS),
    *map(_column, SUMMARY_SCORE_KEYS),
    *map(_column, SEGMENT_KEYS),
}


def legend_lines(keys: list[str] | None = None) -> list[str]:
    """One line per metric shown (``keys``; default: the metrics of ``run``'s tables): what it
    measures, its range and direction."""
    from summarize.metrics.registry import legend

    return legend(keys if keys is not None else TRANSLATION_SCORE_KEYS + SUMMARY_SCORE_KEYS)


def flag_legend_lines(codes: list[str] | None = None) -> list[str]:
    """One line per flag code (``codes``; default: every code the tool raises): what raises it.
    The flag registry writes them."""
    from summarize.tasks.flags import legend

    return legend(codes)


def faithfulness_key(summary: SummaryResult) -> tuple:
    """Summaries in order of how well the article supports them: no leaked prompt, fewest
    unsupported numbers and names, highest ROUGE-1 precision, highest embedding cosine."""
    scores = summary.scores

    def value(key: str) -> float:
        return scores[key].value if key in scores else 0.0

    leaked = any(flag.code == "prompt_leak" for flag in summary.flags)
    return (leaked, value("unsupported"), -value("rouge1_precision"), -value("embedding_cosine"))


def ranked_summaries(result: RunResult) -> list[SummaryResult]:
    return sorted(result.summaries, key=faithfulness_key)


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


def flag_messages(flags) -> str:
    """Every flag with its message, one per line: ``back:consistency: lost ...``."""
    return "\n".join(f"{flag.step}:{flag.code}: {flag.message}" for flag in flags)


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
    flags = system.segment_flags()
    return [
        system.name,
        f"{scores['bleu'].value:.1f}",
        f"{scores['chrf++'].value:.1f}",
        f"{scores['ter'].value:.1f}",
        f"{scores['embedding_cosine'].value:.3f}",
        f"{flags.flagged}/{flags.outputs}",
        flags.codes(),
    ]


def _optional(scores, key: str, pattern: str) -> str:
    """Scores added after a result was saved may be missing: show an empty cell."""
    return pattern.format(scores[key].value) if key in scores else ""


def summary_score_row(summary: SummaryResult) -> list[str]:
    scores = summary.scores
    cells = [_optional(scores, key, _FORMATS.get(key, "{:.1f}")) for key in SUMMARY_SCORE_KEYS]
    return [summary.name, *cells, flag_text(summary.flags)]


def flagged_outputs(result: RunResult) -> list[tuple[str, str, list]]:
    """(system or summary, where, flags) of every flagged segment and summary: the flag
    messages every report lists."""
    found = []
    for system in result.translations:
        for segment in system.segments:
            if segment.flags:
                found.append((system.name, f"#{segment.index + 1}", segment.flags))
    for summary in result.summaries:
        if summary.flags:
            found.append((summary.name, "summary", summary.flags))
    return found


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
