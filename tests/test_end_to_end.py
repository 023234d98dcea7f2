"""`summarize run` on the seed with the real bundled models (Gemma 3 270M, all-MiniLM-L6-v2).

Slow (a few minutes on 2 CPU cores, plus a one-time model conversion); CI runs it. The model's
output is not hard-coded: the test checks the structure, and that every reported number is what
sacrebleu / the flag rules give for the texts in the report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sacrebleu

from summarize.input.languages import get_language
from summarize.tasks.text_checks import not_in_language
from tests.conftest import CliResult, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_run(cache_dir: Path, tmp_path_factory) -> tuple[CliResult, Path]:
    out = tmp_path_factory.mktemp("reports")
    result = run_cli(
        "run",
        "seeds/000_e93c88f19b9118b4.txt",
        "--out",
        str(out / "report.md"),
        "--out",
        str(out / "report.json"),
        "--details",  # the whole view: every table
        cache=cache_dir,
    )
    assert result.returncode == 0, result.stderr
    return result, out


def test_terminal_output_has_all_tables(seed_run) -> None:
    result, _ = seed_run
    for title in (
        "Round trip bundled:en→ru→en",
        "Translation scores",
        "Summaries",
        "Summary scores",
        "Signatures",
    ):
        assert title in result.stdout
    for column in ("original", "pivot", "back-translation", "chrF++", "flags"):
        assert column in result.stdout
    for summary in ("abstractive:bundled", "extractive-mmr-3", "lead-3"):
        assert summary in result.stdout
    assert "\x1b[" not in result.stdout  # plain text when stdout is not a terminal


def test_the_default_output_is_the_first_screen(seed_run, cache_dir: Path) -> None:
    """Without --details (outputs cached by the run above): at most 60 lines at 160 columns,
    whatever the model wrote, ending with how to see the rest."""
    from summarize.render.terminal import DETAILS_HINT, FIRST_SCREEN_LINES

    result = run_cli("run", "seeds/000_e93c88f19b9118b4.txt", cache=cache_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) <= FIRST_SCREEN_LINES and lines[-1] == DETAILS_HINT
    assert "Translation scores" in result.stdout and "Signatures" not in result.stdout


def test_json_report_scores_are_reproducible(seed_run) -> None:
    _, out = seed_run
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    system = data["translations"][0]
    assert system["mode"] == "round_trip" and system["pivot_lang"] == "ru"
    assert system["forward_model"]["revision"]
    assert system["forward_model"]["settings"]["decoding"] == "greedy"
    segments = system["segments"]
    assert len(segments) == data["input"]["sentences"] == 17
    originals = [s["source"] for s in segments]
    outputs = [s["output"] for s in segments]
    bleu_metric = sacrebleu.BLEU()
    bleu = bleu_metric.corpus_score(outputs, [originals])
    assert system["scores"]["bleu"]["value"] == pytest.approx(bleu.score)
    assert system["scores"]["bleu"]["signature"] == str(bleu_metric.get_signature())
    chrf = sacrebleu.corpus_chrf(outputs, [originals], word_order=2).score
    assert system["scores"]["chrf++"]["value"] == pytest.approx(chrf)
    assert 0 <= system["scores"]["embedding_cosine"]["value"] <= 1


def test_copy_through_pivots_are_flagged(seed_run) -> None:
    _, out = seed_run
    segments = json.loads((out / "report.json").read_text(encoding="utf-8"))["translations"][0][
        "segments"
    ]
    russian, english = get_language("ru"), get_language("en")
    for segment in segments:
        copied = not_in_language(segment["pivot"], russian, english)
        flagged = any(
            f["code"] == "copy_through" and f["step"] == "pivot" for f in segment["flags"]
        )
        assert copied == flagged, segment


def test_summaries_are_scored(seed_run) -> None:
    _, out = seed_run
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    by_method = {s["method"]: s for s in data["summaries"]}
    assert set(by_method) == {"abstractive", "extractive", "lead"}
    lead = by_method["lead"]
    assert lead["text"].startswith("Moscow. January 6th. INTERFAX")
    for summary in data["summaries"]:
        words = len(summary["text"].split())
        if words:
            expected = data["input"]["words"] / words
            assert summary["scores"]["compression_ratio"]["value"] == pytest.approx(expected)
        for metric in ("rouge1", "rouge2", "rougeL", "embedding_cosine"):
            assert metric in summary["scores"]


def test_markdown_report_written(seed_run) -> None:
    _, out = seed_run
    text = (out / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# summarize report")
    assert "| # | original | pivot | back-translation |" in text


def test_second_run_reuses_cache_and_prints_json(seed_run, cache_dir: Path) -> None:
    _, out = seed_run
    result = run_cli("run", "seeds/000_e93c88f19b9118b4.txt", "--json", cache=cache_dir)
    assert result.returncode == 0, result.stderr
    fresh = json.loads(result.stdout)
    first = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert fresh["translations"] == first["translations"]
    assert [s["text"] for s in fresh["summaries"]] == [s["text"] for s in first["summaries"]]
    assert fresh["timings"]["translation_s"] < first["timings"]["translation_s"] / 5
