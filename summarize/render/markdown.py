"""Markdown report: the same tables as the terminal, as GitHub-flavoured Markdown."""

from __future__ import annotations

from summarize.render import rows
from summarize.result import RunResult


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown_table(header: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in body]
    return "\n".join(lines)


def render_markdown(result: RunResult) -> str:
    info = result.input
    parts = [
        f"# summarize report: {info.path}",
        f"{info.paragraphs} paragraphs, {info.sentences} sentences, {info.words} words "
        f"({info.language}); sha256 `{info.sha256[:16]}`; summarize {result.tool_version}.",
        f"## {rows.translation_scores_title(result)}",
        markdown_table(
            rows.TRANSLATION_SCORE_HEADER,
            [rows.translation_score_row(system) for system in result.translations],
        ),
    ]
    for system in result.translations:
        parts += [f"## {rows.system_title(system)}", markdown_table(*rows.segment_table(system))]
    parts += ["## Summaries"]
    for summary in result.summaries:
        parts += [f"**{summary.name}**", f"> {_cell(summary.text) or '(empty)'}"]
    parts += [
        "## Summary scores (vs the article; most faithful first)",
        markdown_table(
            rows.SUMMARY_SCORE_HEADER,
            [rows.summary_score_row(s) for s in rows.ranked_summaries(result)],
        ),
    ]
    flagged = rows.flagged_outputs(result)
    if flagged:
        parts += [
            "## Flags",
            result.flag_line() + ".",
            markdown_table(
                ["output", "where", "flag", "message"],
                [
                    [name, where, f"{flag.step}:{flag.code}", flag.message]
                    for name, where, flags in flagged
                    for flag in flags
                ],
            ),
        ]
    parts += [
        "## Metrics",
        "↑ higher is better, ↓ lower is better.",
        "\n".join(f"- {line}" for line in rows.legend_lines()),
        "## Flag codes",
        "\n".join(f"- {line}" for line in rows.flag_legend_lines()),
        "## Signatures",
        "\n".join(f"- {metric}: `{signature}`" for metric, signature in rows.signatures(result)),
        "## Models",
        "\n".join(f"- {line}" for line in rows.model_lines(result)),
        *(f"Note: {note}" for note in result.notes),
        f"{result.flag_line()}; run took {result.timings['total_s']:.1f} s.",
    ]
    return "\n\n".join(parts) + "\n"
