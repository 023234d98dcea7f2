"""Table rows shared by the terminal and Markdown renderers (one source of truth for columns)."""

from __future__ import annotations

from collections.abc import Sequence

from summarize.metrics import registry
from summarize.metrics.likelihood import METRIC_KEY, SELF_SCORED_MARK, mark_self_scored
from summarize.metrics.registry import get, label
from summarize.result import RunResult, SegmentResult, SummaryResult, TranslationResult

# Metric columns of each table (registry keys): which metrics, in what order, with what headers,
# number formats and legend, all come from the metric registry (the ``run`` view). Summaries
# lead with what says whether the article supports them (ROUGE precision, unsupported numbers and
# names, embedding cosine): F1 against a whole article punishes a short summary however faithful
# it is.
# The sentence tables' columns are fields of each segment's result (chrf, embedding_cosine,
# logprob: one value per leg, ``pivot / back`` in a round trip).
SEGMENT_KEYS = ["chrf++", "embedding_cosine", "logprob"]


def translation_score_keys() -> list[str]:
    return registry.columns("run", "translation")


def summary_score_keys() -> list[str]:
    return registry.columns("run", "summary")


def _column(key: str) -> str:
    return get(key).header


def present_translation_keys(result: RunResult) -> list[str]:
    """The metrics of ``run``'s translation table that some system of ``result`` has (none has
    ``logprob`` under ``--scorer none``, nor the pivot's scores without ``--pivot-ref``)."""
    return [
        key
        for key in translation_score_keys()
        if any(key in system.scores for system in result.translations)
    ]


def translation_score_table(result: RunResult) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the translation scores: a column for each metric of
    :func:`present_translation_keys`."""
    keys = present_translation_keys(result)
    header = ["system", *map(label, keys), "flagged segments", "flags by code"]
    return header, [translation_score_row(system, keys) for system in result.translations]


def summary_score_header() -> list[str]:
    return ["summary", *map(_column, summary_score_keys()), "flags"]


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


def numeric_columns() -> set[str]:
    """Headers of the right-aligned columns."""
    return {
        "#",
        "flagged segments",
        *map(label, translation_score_keys()),
        *map(_column, summary_score_keys()),
        *map(_column, SEGMENT_KEYS),
    }


def legend_lines(keys: list[str] | None = None, result: RunResult | None = None) -> list[str]:
    """One line per metric shown (``keys``; default: the metrics of ``run``'s tables, those
    of its translation table that ``result`` has when given): what it measures, its range and
    direction."""
    from summarize.metrics.registry import legend

    translation = present_translation_keys(result) if result else translation_score_keys()
    default = translation + summary_score_keys()
    return legend(keys if keys is not None else default)


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
        header = REFERENCE_SEGMENT_HEADER
        body = [
            [
                str(segment.index + 1),
                segment.source,
                segment.output,
                segment.reference,
                f"{segment.chrf:.1f}",
                f"{segment.embedding_cosine:.2f}",
                leg_cell(segment, system.self_scored),
                flag_text(segment.flags),
            ]
            for segment in system.segments
        ]
    else:
        own = system.self_scored
        header, body = SEGMENT_HEADER, [segment_row(segment, own) for segment in system.segments]
    if any(segment.logprob for segment in system.segments):
        return header, body
    # Not scored (``--scorer none``, or a result saved before the leg score): no empty column.
    column = header.index(_column("logprob"))
    return [*header[:column], *header[column + 1 :]], [
        [*row[:column], *row[column + 1 :]] for row in body
    ]


def flag_text(flags) -> str:
    return ", ".join(f"{flag.step}:{flag.code}" for flag in flags)


def flag_messages(flags) -> str:
    """Every flag with its message, one per line: ``back:consistency: lost ...``."""
    return "\n".join(f"{flag.step}:{flag.code}: {flag.message}" for flag in flags)


def segment_row(segment: SegmentResult, self_scored: Sequence[str] = ()) -> list[str]:
    return [
        str(segment.index + 1),
        segment.source,
        segment.pivot or "",
        segment.output,
        f"{segment.chrf:.1f}",
        f"{segment.embedding_cosine:.2f}",
        leg_cell(segment, self_scored),
        flag_text(segment.flags),
    ]


def leg_cell(segment: SegmentResult, self_scored: Sequence[str] = ()) -> str:
    """Each scored leg's value, in leg order: ``-0.52 / -0.31`` (pivot / back), marked when
    the model that made a leg scored it: ``-0.52 / -0.31 †`` (every leg), ``-0.52 / -0.31
    †pivot`` (that leg only)."""
    text = " / ".join(get(METRIC_KEY).format(value) for value in segment.logprob.values())
    own = [step for step in segment.logprob if step in self_scored]
    if not own:
        return text
    which = "" if len(own) == len(segment.logprob) else "+".join(own)
    return f"{text} {SELF_SCORED_MARK}{which}"


def _cells(scores, keys: list[str]) -> list[str]:
    """Each metric's value in its registry format; scores added after a result was saved may
    be missing: an empty cell."""
    return [get(key).format(scores[key].value) if key in scores else "" for key in keys]


def translation_score_row(system: TranslationResult, keys: list[str]) -> list[str]:
    flags = system.segment_flags()
    cells = _cells(system.scores, keys)
    if METRIC_KEY in keys:
        column = keys.index(METRIC_KEY)
        cells[column] = mark_self_scored(cells[column], bool(system.self_scored))
    return [system.name, *cells, f"{flags.flagged}/{flags.outputs}", flags.codes()]


def summary_score_row(summary: SummaryResult) -> list[str]:
    cells = _cells(summary.scores, summary_score_keys())
    return [summary.name, *cells, flag_text(summary.flags)]


def flagged_segments(system: TranslationResult) -> list[SegmentResult]:
    """A system's flagged segments, furthest from their reference first (lowest sentence
    chrF++, then in document order): the ones a first screen shows when not all fit."""
    flagged = [segment for segment in system.segments if segment.flags]
    return sorted(flagged, key=lambda segment: (segment.chrf, segment.index))


def flagged_segment_rows(system: TranslationResult, segment: SegmentResult) -> list[list[str]]:
    """A flagged segment as (``#``, label, text) rows: what the output is compared with, what
    came back (the back-translation of a round trip, the translation in reference mode), and
    each flag with its message (a pivot's flag says what is wrong with the pivot)."""
    compared = "reference" if system.mode == "reference" else "original"
    output = "translation" if system.mode == "reference" else "came back"
    return [
        [f"#{segment.index + 1}", compared, segment.reference],
        ["", output, segment.output],
        *(["", f"{flag.step}:{flag.code}", flag.message] for flag in segment.flags),
    ]


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
