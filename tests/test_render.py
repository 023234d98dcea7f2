"""Renderers read one result object; check structure, escaping and atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.errors import UserError
from summarize.metrics.base import Score
from summarize.render import format_for_path, render_to_string, write_atomically
from summarize.result import InputInfo, RunResult, SegmentResult, SummaryResult, TranslationResult
from summarize.tasks.flags import Flag


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
