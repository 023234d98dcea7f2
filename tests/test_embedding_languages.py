"""Embeddings that know the language, or no number: the English all-MiniLM-L6-v2's cosine of text
in another language is refused (naming a multilingual ``--embedder``), and a named embedder from
the Hub fails fast offline with one line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.engines.embeddings import embedder_languages, not_applicable
from summarize.errors import UserError
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


@pytest.mark.parametrize("metric", ["emb", "emb-doc", "bertscore"])
def test_score_refuses_the_english_embedder_on_russian(tmp_path: Path, metric: str) -> None:
    hypothesis, reference = _files(tmp_path, RUSSIAN)
    for target in ("ru", None):  # stated, or identified from the references' text
        options = ScoreOptions(
            metrics=[metric], confidence=False, language_pair=f"en-{target}" if target else None
        )
        with pytest.raises(UserError, match="of ru text is not applicable: the embedder 'minilm'"):
            score_files([hypothesis], reference, options=options, load_embedder=_never_loaded)


def test_score_refuses_the_english_embedder_on_short_russian(tmp_path: Path) -> None:
    hypothesis, reference = _files(tmp_path, ["Привет, мир", "Как дела"])
    options = ScoreOptions(metrics=["emb"], confidence=False)
    with pytest.raises(UserError, match="of ru text is not applicable"):
        score_files([hypothesis], reference, options=options, load_embedder=_never_loaded)
    short_english = _files(tmp_path, ["Hello", "Fine"])
    report = score_files(
        [short_english[0]], short_english[1], options=options, load_embedder=FakeEmbedder
    )
    assert "embedding_cosine" in report.systems[0].scores


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
