"""`summarize run` prints a first screen (at most 60 lines at 160 columns for the seed) and
`--details` the whole view, unchanged; `batch` ends with a short summary.

The seed's result is a saved one (tests/data/seed-result.json: the seed through Qwen2.5-Coder
1.5B, CTranslate2 int8, on the machine of docs/performance.md): rendering it needs no model and
gives the same lines on every machine. tests/data/seed-details.txt and
tests/data/seed-batch-details.txt are the whole views the renderers printed for it before the
first screen existed (rewritten only where a metric's or flag's legend line changed since).
"""

from __future__ import annotations

import copy
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from summarize.render.batch_text import BATCH_HINT, render_batch_terminal
from summarize.render.terminal import (
    DETAILS_HINT,
    FIRST_SCREEN_LINES,
    render_first_screen,
    render_terminal,
)
from summarize.result import BatchResult, RunResult
from tests.fake_cli import run_fake

DATA = Path(__file__).resolve().parent / "data"


def seed_result() -> RunResult:
    return RunResult.from_dict(json.loads((DATA / "seed-result.json").read_text("utf-8")))


def batch_of(result: RunResult) -> BatchResult:
    """A batch of this one document, as `summarize run --out report.html` makes it."""
    from summarize.batch.run import batch_result
    from summarize.pipeline.options import RunOptions

    options = RunOptions(translator="qwen-1.5b", translators=["qwen-1.5b"])
    return batch_result(result.input.path, "run", options, [result])


def plain(render, subject, width: int = 160, **kwargs) -> str:
    """What ``render`` prints for ``subject`` on a plain (not a terminal) console, as stdout
    gets it when piped."""
    buffer = io.StringIO()
    render(subject, Console(file=buffer, width=width, no_color=True, highlight=False), **kwargs)
    return buffer.getvalue()


def test_the_seeds_first_screen_fits_60_lines_at_160_columns() -> None:
    result = seed_result()
    screen = plain(render_first_screen, result)
    lines = screen.splitlines()
    assert len(lines) <= FIRST_SCREEN_LINES == 60, len(lines)
    assert lines[0].startswith("seeds/000_e93c88f19b9118b4.txt: ")
    system = result.translations[0]
    for header in ("BLEU ↑", "chrF2++ ↑", "TER ↓", "log-prob ↑", "R-1 P ↑", "unsupp. ↓"):
        assert header in screen, header
    assert f"{system.scores['bleu'].value:.1f}" in screen
    for summary in result.summaries:
        assert f"{summary.name}: " in screen
    flat = " ".join(screen.split())  # words of wrapped cells, in order within a line
    flagged = [segment for segment in system.segments if segment.flags]
    assert f"Flagged sentences of {system.name}: {len(flagged)} of 17" in screen
    worst = min(flagged, key=lambda segment: segment.chrf)
    assert f"#{worst.index + 1} original " + " ".join(worst.source.split()[:8]) in flat
    assert "came back " + " ".join(worst.output.split()[:8]) in flat
    for flag in worst.flags:
        assert f"{flag.step}:{flag.code} " + " ".join(flag.message.split()[:4]) in flat
    assert result.flag_line() in screen
    assert lines[-1] == DETAILS_HINT and len(DETAILS_HINT) <= 160
    for detail in ("Signatures", "Flag codes", "Models", "Round trip", "| pivot "):
        assert detail not in screen, detail  # --details only


def test_the_first_screen_keeps_its_budget_as_results_grow() -> None:
    """Another system (a new score row), a note, a narrower terminal, or a budget too small
    for any sentence: the flagged sentences give way, the fixed parts stay."""
    result = seed_result()
    second = copy.deepcopy(result.translations[0])
    result.translations.append(replace(second, name="qwen-1.5b:en→de→en"))
    result.notes.append("a note about the run")
    for width in (160, 120):
        lines = plain(render_first_screen, result, width).splitlines()
        assert len(lines) <= FIRST_SCREEN_LINES, (width, len(lines))
        assert "note: a note about the run" in lines
        assert any("qwen-1.5b:en→de→en" in line for line in lines)
    short = plain(render_first_screen, seed_result(), lines=25).splitlines()
    assert len(short) <= 25
    assert any(line.rstrip().endswith("(--details shows them)") for line in short)


def test_a_first_screen_shows_every_flagged_sentence_when_they_fit() -> None:
    result = seed_result()
    screen = plain(render_first_screen, result, lines=1000)
    system = result.translations[0]
    flagged = [segment for segment in system.segments if segment.flags]
    assert f"{len(flagged)} of 17\n" in screen or f"{len(flagged)} of 17 " in screen
    assert "shown, furthest from the original first" not in screen
    flat = " ".join(screen.split())
    for segment in flagged:
        assert f"#{segment.index + 1} original " in flat
        for flag in segment.flags:
            assert f"{flag.step}:{flag.code} " + " ".join(flag.message.split()[:3]) in flat


def test_text_is_shown_as_written_not_as_markup() -> None:
    from summarize.result import Flag

    result = seed_result()
    worst = min(result.translations[0].segments, key=lambda segment: segment.chrf)
    worst.output = "[/] [bold]x[/bold] [link=javascript:alert(1)]y"
    summary = result.summaries[0]
    summary.flags.append(Flag("consistency", summary.name, "not in the article: [/b]"))
    screen = plain(render_first_screen, result)
    assert "came back          [/] [bold]x[/bold] [link=javascript:alert(1)]y" in screen
    assert f"{summary.name}:consistency: not in the article: [/b]" in screen


def test_details_is_the_whole_view_as_before() -> None:
    """The renderer `--details` calls prints, for the seed's result, what the terminal view
    printed before the first screen existed, line for line."""
    expected = (DATA / "seed-details.txt").read_text("utf-8")
    assert plain(render_terminal, seed_result()) == expected


def test_batch_ends_short_and_details_adds_the_legend() -> None:
    batch = batch_of(seed_result())
    short = plain(render_batch_terminal, batch)
    details = plain(render_batch_terminal, batch, details=True)
    assert details == (DATA / "seed-batch-details.txt").read_text("utf-8")
    assert "Metrics (↑ higher is better" not in short and short.splitlines()[-1] == BATCH_HINT
    assert len(short.splitlines()) < len(details.splitlines()) - 10
    whole = details.splitlines()
    legend = next(i for i, line in enumerate(whole) if line.startswith("Metrics ("))
    assert short.splitlines()[:-1] == whole[:legend] + whole[-1:]  # the same, less the legend


@pytest.fixture(scope="module")
def fake_runs(tmp_path_factory) -> dict[str, str]:
    """`summarize run` with fake engines (tests/fake_cli.py): the default, --details and
    --json outputs of one article."""
    cache = tmp_path_factory.mktemp("cache")
    seed = Path(__file__).resolve().parent.parent / "seeds" / "000_e93c88f19b9118b4.txt"
    outputs = {}
    for name, extra in (("default", []), ("details", ["--details"]), ("json", ["--json"])):
        run = run_fake("run", str(seed), *extra, cache=cache)
        assert run.returncode == 0, run.stderr
        outputs[name] = run.stdout
    return outputs


def test_run_prints_the_first_screen_and_details_the_whole_view(fake_runs) -> None:
    result = RunResult.from_dict(json.loads(fake_runs["json"]))
    default = fake_runs["default"].splitlines()
    assert len(default) <= FIRST_SCREEN_LINES and default[-1] == DETAILS_HINT
    # The run's time is the only difference between the runs: compare without that last line.
    whole = plain(render_terminal, result).splitlines()
    details = fake_runs["details"].splitlines()
    assert details[:-1] == whole[:-1] and details[-1].startswith(result.flag_line())
    assert plain(render_first_screen, result).splitlines()[:-2] == default[:-2]


def test_help_documents_details() -> None:
    from typer.testing import CliRunner

    from summarize.cli.main import app

    for command in ("run", "batch"):
        text = " ".join(CliRunner().invoke(app, [command, "--help"]).output.split())
        assert "--details" in text, command
