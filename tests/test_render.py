"""Renderers read one result object; check structure, escaping and atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.errors import UserError
from summarize.metrics.base import Score
from summarize.render import format_for_path, render_to_string, write_atomically
from summarize.result import InputInfo, RunResult, SegmentResult, SummaryResult, TranslationResult
from summarize.tasks.flags import FLAGS, Flag


def make_result() -> RunResult:
    model = {
        "name": "m",
        "model_id": "org/model",
        "revision": "abc",
        "backend": "x",
        "settings": {},
    }
    segment = SegmentResult(
        0,
        0,
        "A | pipe.",
        "Труба.",
        "A pipe.",
        "A | pipe.",
        80.0,
        0.9,
        [Flag("length_ratio", "pivot", "ratio")],
    )
    translation = TranslationResult(
        "m:en→ru→en",
        "round_trip",
        "en",
        "ru",
        "en",
        model,
        model,
        [segment],
        {
            name: Score(name, value, f"sig-{name}")
            for name, value in [
                ("bleu", 50.0),
                ("chrf++", 60.0),
                ("ter", 40.0),
                ("embedding_cosine", 0.9),
            ]
        },
    )
    summary_scores = {
        name: Score(name, 10.0, f"sig-{name}")
        for name in ("rouge1", "rouge2", "rougeL", "embedding_cosine", "compression_ratio")
    }
    summary = SummaryResult("lead-3", "lead", None, "A | pipe.", summary_scores)
    info = InputInfo("a.txt", "0" * 64, "en", 1, 1, 3)
    return RunResult("0.1.0", info, model, [translation], [summary], {"total_s": 1.5})


def test_json_has_stable_top_level_keys() -> None:
    data = json.loads(render_to_string(make_result(), "json"))
    assert data["schema"] == "summarize.run/2"
    assert set(data) >= {"input", "translations", "summaries", "embedder", "timings"}
    system = data["translations"][0]
    assert system["forward_model"]["model_id"] == "org/model"
    assert system["segments"][0]["flags"][0]["code"] == "length_ratio"
    assert system["scores"]["bleu"]["signature"] == "sig-bleu"


def test_markdown_escapes_pipes_and_lists_sections() -> None:
    text = render_to_string(make_result(), "md")
    assert "A \\| pipe." in text
    for heading in ("## Translation scores", "## Round trip", "## Summaries", "## Signatures"):
        assert heading in text
    assert "pivot:length_ratio" in text


def test_format_from_suffix() -> None:
    assert format_for_path(Path("r.JSON")) == "json"
    assert format_for_path(Path("r.md")) == "md"
    with pytest.raises(UserError):
        format_for_path(Path("r.html"))


def test_atomic_write_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old")
    write_atomically(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
    with pytest.raises(UserError):
        write_atomically(tmp_path / "missing" / "r.md", "x")


def flagged_result() -> RunResult:
    """The result of make_result with a leaked pivot, an invented name and a flagged summary."""
    result = make_result()
    segment = result.translations[0].segments[0]
    segment.flags += [
        Flag("prompt_leak", "pivot", "reproduces the prompt's few-shot example (chrF 100)"),
        Flag("consistency", "back", "made up (not in the original): Kosovo"),
    ]
    summary = result.summaries[0]
    summary.scores["rouge1_precision"] = Score("rouge1_precision", 95.0, "sig-p")
    summary.scores["unsupported"] = Score("unsupported", 1.0, "sig-u")
    summary.flags.append(Flag("consistency", "lead-3", "not in the article: Riverton"))
    return result


def test_run_views_explain_every_number_and_flag() -> None:
    """Terminal and Markdown: ↑/↓ on every metric column, a legend line per metric with its
    range, one line per flag code, every flag message, and the one flag count."""
    import io

    from rich.console import Console

    from summarize.metrics.registry import get
    from summarize.render.terminal import render_terminal

    result = flagged_result()
    buffer = io.StringIO()
    render_terminal(result, Console(file=buffer, width=250, no_color=True))
    terminal = buffer.getvalue()
    markdown = render_to_string(result, "md")
    line = "flagged: 1 of 1 segments, 1 of 1 summaries (4 flags: 2 consistency, 1 length_ratio, "
    for text in (terminal, markdown):
        for header in ("BLEU ↑", "TER ↓", "chrF2++ ↑", "ROUGE-1 P ↑", "unsupported/seg ↓"):
            assert header in text, header
        for key in ("ter", "rouge1_precision", "coverage", "density", "compression_ratio"):
            assert get(key).legend() in text, key
        assert "0-100+, can exceed 100" in text and "(0-1; no direction)" in text
        assert "prompt_leak: the output reproduces text of its prompt" in text
        for spec in FLAGS.values():
            assert spec.legend() in text, spec.code  # every code, commentary and truncated too
        assert "pivot:prompt_leak" in text and "back:consistency" in text
        assert "reproduces the prompt's few-shot example (chrF 100)" in text
        assert "made up (not in the original): Kosovo" in text
        assert "not in the article: Riverton" in text
        assert line + "1 prompt_leak)" in text
    assert "| m:en→ru→en | 50.0 | 60.0 | 40.0 | 0.900 | 1/1 | " in markdown
    assert "pivot:prompt_leak: reproduces the prompt's few-shot example (chrF 100)" in terminal
    assert "quality flags" not in terminal + markdown  # one count, not two


def test_summaries_are_listed_most_faithful_first() -> None:
    from summarize.render.rows import ranked_summaries

    result = make_result()
    faithful = result.summaries[0]
    faithful.scores["rouge1_precision"] = Score("rouge1_precision", 100.0, "p")
    invented = SummaryResult(
        "abstractive:m", "abstractive", None, "Riverton.", dict(faithful.scores)
    )
    invented.scores["rouge1_precision"] = Score("rouge1_precision", 20.0, "p")
    invented.scores["rouge1"] = Score("rouge1", 90.0, "f")  # a better F1 does not help it
    leaked = SummaryResult("leak", "abstractive", None, "x", dict(faithful.scores))
    leaked.flags.append(Flag("prompt_leak", "leak", "reproduces the example article"))
    result.summaries = [leaked, invented, faithful]
    assert [s.name for s in ranked_summaries(result)] == ["lead-3", "abstractive:m", "leak"]
    text = render_to_string(result, "md")
    assert text.index("| lead-3 |") < text.index("| abstractive:m |") < text.index("| leak |")
