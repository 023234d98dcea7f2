"""Markdown report: the same tables as the terminal, as GitHub-flavoured Markdown."""

from __future__ import annotations

import re

from summarize.render import rows
from summarize.result import RunResult

# Markdown that untrusted text (ids, article text, paths, model names) could use to become a
# link, an image, code, emphasis or a table column; "_" is left alone (within words it does
# nothing, and ids and paths are full of it).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]|])")


def _cell(text: str) -> str:
    """Untrusted text as literal inline Markdown on one line: HTML is escaped as entities (no
    raw ``<img>``/``<script>``, no ``<javascript:...>`` autolink) and the characters of links,
    code and emphasis with a backslash."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(_MARKDOWN_SPECIAL.sub(r"\\\1", text).splitlines())


def code_span(text: str) -> str:
    """``text`` as a code span, whatever backticks it holds."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padding = " " if "`" in text else ""
    return f"{fence}{padding}{' '.join(text.splitlines())}{padding}{fence}"


def markdown_table(header: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(_cell(cell) for cell in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in body]
    return "\n".join(lines)


def render_markdown(result: RunResult) -> str:
    info = result.input
    parts = [
        f"# summarize report: {_cell(info.path)}",
        f"{info.paragraphs} paragraphs, {info.sentences} sentences, {info.words} words "
        f"({info.language}); sha256 `{info.sha256[:16]}`; summarize {result.tool_version}.",
        f"## {rows.translation_scores_title(result)}",
        markdown_table(
            *rows.translation_score_table(result),
        ),
    ]
    for system in result.translations:
        parts += [
            f"## {_cell(rows.system_title(system))}",
            markdown_table(*rows.segment_table(system)),
        ]
    parts += ["## Summaries"]
    for summary in result.summaries:
        parts += [f"**{_cell(summary.name)}**", f"> {_cell(summary.text) or '(empty)'}"]
    parts += [
        "## Summary scores (vs the article; most faithful first)",
        markdown_table(
            rows.summary_score_header(),
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
        "\n".join(f"- {line}" for line in rows.legend_lines(result=result)),
        "## Flag codes",
        "\n".join(f"- {line}" for line in rows.flag_legend_lines()),
        "## Signatures",
        "\n".join(
            f"- {_cell(metric)}: {code_span(signature)}"
            for metric, signature in rows.signatures(result)
        ),
        "## Models",
        "\n".join(f"- {_cell(line)}" for line in rows.model_lines(result)),
        *(f"Note: {_cell(note)}" for note in result.notes),
        f"{result.flag_line()}; run took {result.timings['total_s']:.1f} s.",
    ]
    return "\n\n".join(parts) + "\n"
