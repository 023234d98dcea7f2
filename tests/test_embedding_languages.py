"""Embeddings that know the language, or no number: the English all-MiniLM-L6-v2's cosine of text
in another language is not applicable (no number, the reason naming a multilingual
``--embedder``, the model never loaded, the other metrics scored as always), and a named
embedder from the Hub fails fast offline with one line naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.engines.registry import embedder_languages
from summarize.engines.registry import embedder_not_applicable as not_applicable
from summarize.metrics import registry
from summarize.render.scores import render_score_report
from summarize.scoring import ScoreOptions, score_files
from tests.conftest import assert_one_line_error
from tests.helpers import run_module
from tests.test_scoring import FakeEmbedder

RUSSIAN = [
    "Президент России провёл переговоры с канцлером Германии в Кремле.",
    "Стороны обсудили экономическое сотрудничество и ситуацию в регионе.",
]
ENGLISH = [
    "The Russian president held talks with the German chancellor in the Kremlin.",
    "The two sides discussed economic cooperation and the situation in the region.",
]


def _files(tmp_path: Path, lines: list[str]) -> tuple[Path, Path]:
    hypothesis, reference = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    hypothesis.write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    reference.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return hypothesis, reference


def _never_loaded():
    raise AssertionError("the embedding model must not be loaded for text it cannot judge")


def test_languages_of_embedders() -> None:
    assert embedder_languages("minilm") == ("en",)
    assert embedder_languages("labse") == ("*",)
    assert embedder_languages("org/some-model") == ("*",)  # named by the user: trusted
    assert not_applicable("minilm", "en") is None
    assert not_applicable("minilm", None) is None
    assert not_applicable("multilingual-minilm", "ru") is None
    reason = not_applicable("minilm", "ru")
    assert reason is not None and "knows only en" in reason and "⟨embedder⟩" in reason


NOT_APPLICABLE = "the embedder 'minilm' knows only en, not 'ru'; name a multilingual one with"


def _assert_not_applicable(report, key: str, reason: str = NOT_APPLICABLE) -> None:
    """``key`` is reported with no number, interval, test or segment score, and says why."""
    info = {metric.name: metric for metric in report.metrics}[key]
    assert info.not_applicable is not None and reason in info.not_applicable
    assert info.segment_signature is None
    for system in report.systems:
        value = system.scores[key]
        assert (value.score, value.mean, value.ci_low, value.ci_high, value.p_value) == (None,) * 5
        assert key not in system.segments


@pytest.mark.parametrize("metric", ["emb", "emb-doc", "bertscore"])
def test_score_reports_the_english_embedder_on_russian_as_not_applicable(
    tmp_path: Path, metric: str
) -> None:
    hypothesis, reference = _files(tmp_path, RUSSIAN)
    key = registry.find(metric).key
    for target in ("ru", None):  # stated, or identified from the references' text
        options = ScoreOptions(
            metrics=[metric, "bleu"], language_pair=f"en-{target}" if target else None
        )
        report = score_files(
            [hypothesis, reference], reference, options=options, load_embedder=_never_loaded
        )
        _assert_not_applicable(report, key)
        # The other metrics are scored as always, ranked by the first one that applies.
        assert report.ranked_by == "bleu" and report.test == "bs"
        assert [system.name for system in report.systems] == ["ref.txt", "hyp.txt"]
        assert report.systems[0].scores["bleu"].score == pytest.approx(100)
        other = next(system for system in report.systems if not system.baseline)
        assert other.name == "ref.txt" and other.scores["bleu"].p_value is not None
        assert "bleu" in report.systems[0].segments


def test_only_not_applicable_metrics_still_give_a_report(tmp_path: Path) -> None:
    hypothesis, reference = _files(tmp_path, RUSSIAN)
    options = ScoreOptions(metrics=["emb", "bertscore"], embedder="minilm")
    report = score_files(
        [reference, hypothesis], reference, options=options, load_embedder=_never_loaded
    )
    for key in ("embedding_cosine", "bertscore"):
        _assert_not_applicable(report, key)
    assert report.ranked_by is None and report.test is None and report.n_samples == 0
    assert [(s.name, s.rank) for s in report.systems] == [("ref.txt", 1), ("hyp.txt", 2)]
    data = json.loads(render_score_report(report, "json"))
    assert data["ranked_by"] is None
    assert data["metrics"][0]["not_applicable"].startswith(NOT_APPLICABLE)
    assert data["systems"][0]["scores"]["embedding_cosine"]["score"] is None
    markdown = render_score_report(report, "md")
    assert "| 1 | ref.txt (baseline) | n/a | n/a |" in markdown
    assert f"emb. cosine: n/a: {NOT_APPLICABLE} embedder (e.g." in markdown
    csv_rows = render_score_report(report, "csv").splitlines()
    assert csv_rows[1].split(",")[4:] == ["n/a", "", "", "", ""] * 2
    assert "emb. cosine = n/a" in str(report)


def test_short_russian_is_not_applicable_too(tmp_path: Path) -> None:
    hypothesis, reference = _files(tmp_path, ["Привет, мир", "Как дела"])
    options = ScoreOptions(metrics=["emb", "chrf"], confidence=False)
    report = score_files([hypothesis], reference, options=options, load_embedder=_never_loaded)
    _assert_not_applicable(report, "embedding_cosine")
    assert report.ranked_by == "chrf" and report.systems[0].scores["chrf"].score > 0
    short_english = _files(tmp_path, ["Hello", "Fine"])
    report = score_files(
        [short_english[0]], short_english[1], options=options, load_embedder=FakeEmbedder
    )
    assert "embedding_cosine" in report.systems[0].scores
    assert report.metrics[0].not_applicable is None
    assert report.systems[0].scores["embedding_cosine"].score is not None


def test_the_command_line_shows_not_applicable_with_the_reason(tmp_path: Path) -> None:
    """Every format of `score` prints the other metrics, ``n/a`` and the reason (naming
    ``--embedder``), exit 0. ``--device tpu`` fails as soon as the model is loaded: the
    English control shows it, so the Russian run shows that the model never is."""
    hypothesis, reference = _files(tmp_path, RUSSIAN)
    args = ["score", "-i", str(hypothesis), "-r", str(reference), "-m", "bleu,emb"]
    args += ["-l", "en-ru", "--device", "tpu"]
    text = run_module("summarize", *args, timeout=120)
    assert text.returncode == 0, text.stderr
    assert "n/a" in text.stdout and "ranked by bleu" in text.stdout
    flattened = " ".join(text.stdout.split())
    assert f"emb. cosine: n/a: {NOT_APPLICABLE} --embedder (e.g." in flattened
    result = run_module("summarize", *args, "--json", timeout=120)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)["metrics"][1]
    assert info["name"] == "embedding_cosine"
    assert info["not_applicable"].startswith(f"{NOT_APPLICABLE} --embedder")
    segments = run_module("summarize", *args, "--segments", timeout=120)
    assert segments.returncode == 0, segments.stderr
    assert segments.stdout.splitlines()[1].split("\t")[-1] == "n/a"
    assert NOT_APPLICABLE in segments.stderr
    english = _files(tmp_path, ENGLISH)
    control = ["score", "-i", str(english[0]), "-r", str(english[1]), "-m", "bleu,emb"]
    result = run_module("summarize", *control, "--device", "tpu", timeout=120)
    assert_one_line_error(result, "unknown device 'tpu'")


def test_score_embeds_russian_with_a_multilingual_embedder(tmp_path: Path) -> None:
    hypothesis, reference = _files(tmp_path, RUSSIAN)
    options = ScoreOptions(metrics=["emb"], confidence=False, embedder="multilingual-minilm")
    report = score_files([hypothesis], reference, options=options, load_embedder=FakeEmbedder)
    assert -1 <= report.systems[0].scores["embedding_cosine"].score <= 1


def test_score_embeds_english_as_before(tmp_path: Path) -> None:
    hypothesis, reference = _files(tmp_path, ENGLISH)
    options = ScoreOptions(metrics=["emb"], confidence=False)
    report = score_files([hypothesis], reference, options=options, load_embedder=FakeEmbedder)
    assert "embedding_cosine" in report.systems[0].scores


def test_a_hub_embedder_fails_fast_offline_naming_it(tmp_path: Path) -> None:
    hypothesis, reference = _files(tmp_path, RUSSIAN)
    model = "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"
    env = {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}
    args = ["score", "-i", str(hypothesis), "-r", str(reference), "-m", "emb"]
    result = run_module("summarize", *args, "--embedder", model, env=env, timeout=120)
    assert_one_line_error(result, f"model {model!r} is not available")
    assert result.returncode == 3
