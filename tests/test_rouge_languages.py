"""ROUGE in every script: the text's language picks the tokeniser (rouge-score's own for English,
unchanged; letters of every script elsewhere, character by character where words are not
spaced), and the signature names it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rouge_score import rouge_scorer

from summarize.metrics import registry
from summarize.metrics.rouge import RougeMetric, UnicodeTokenizer, rouge_scores
from summarize.scoring import ScoreOptions, score_files

ENGLISH_PAIRS = [
    ("The cats were running home.", "A cat runs home"),
    ("Putin met Xi in Moscow on Tuesday, 5 March.", "On Tuesday Putin and Xi met in Moscow."),
    ("Prices rose 3.5% in 2019", "In 2019 prices rose by 3.5 percent, officials said."),
    ("Совсем не английский текст", "The reference is English"),
]
RUSSIAN = [
    "Президент России Владимир Путин провёл переговоры с канцлером Германии.",
    "Стороны обсудили экономическое сотрудничество и ситуацию на Украине.",
    "Встреча прошла в Кремле и продолжалась более трёх часов.",
    "По итогам переговоров было подписано несколько соглашений.",
]


def _with_word_added(lines: list[str]) -> list[str]:
    """Every other line with one word appended: the issue's example of a near-perfect output."""
    return [f"{line} слово" if i % 2 else line for i, line in enumerate(lines)]


def _mean_rouge1(hypotheses: list[str], references: list[str], language: str | None) -> float:
    scores = RougeMetric("rouge1", language).segment_scores(hypotheses, references)
    return sum(scores) / len(scores)


@pytest.mark.parametrize("language", [None, "en"])
def test_english_scores_and_signature_are_unchanged(language: str | None) -> None:
    reference_scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    for hypothesis, reference in ENGLISH_PAIRS:
        expected = reference_scorer.score(reference, hypothesis)
        found = rouge_scores(hypothesis, reference, language)
        for key in ("rouge1", "rouge2", "rougeL"):
            assert found[key].value == 100 * expected[key].fmeasure
            assert found[key].details["precision"] == 100 * expected[key].precision
        assert "|stem:yes|tok:default|" in found["rouge1"].signature
        assert "lang:" not in found["rouge1"].signature


def test_russian_lines_score_as_their_text_says() -> None:
    hypotheses = _with_word_added(RUSSIAN)
    assert _mean_rouge1(hypotheses, RUSSIAN, None) == 0.0  # rouge-score deletes Cyrillic
    assert _mean_rouge1(hypotheses, RUSSIAN, "ru") >= 90
    assert "|stem:no|tok:unicode|lang:ru|" in RougeMetric("rouge1", "ru").signature()


def test_fifty_wmt19_russian_references_score_at_least_90(shared_data: Path) -> None:
    path = shared_data / "wmt19" / "newstest2019-en-ru.ref.ru"
    references = path.read_text(encoding="utf-8").splitlines()[:50]
    hypotheses = _with_word_added(references)
    assert _mean_rouge1(hypotheses, references, None) < 50  # the English tokeniser: 28.0
    assert _mean_rouge1(hypotheses, references, "ru") >= 90


def test_chinese_pair_scores_by_its_shared_characters() -> None:
    first, second = "中国经济今年增长了百分之五", "中国经济今年增长百分之六"
    assert rouge_scores(first, second)["rouge1"].value == 0.0
    found = rouge_scores(first, second, "zh")
    # 11 shared characters of 13 and 12: F1 = 2 * 11 / 25.
    assert found["rouge1"].value == pytest.approx(100 * 22 / 25)
    assert found["rougeL"].value == pytest.approx(100 * 22 / 25)
    assert 0 < found["rouge2"].value < found["rouge1"].value


def test_unicode_tokenizer_keeps_every_script() -> None:
    tokenize = UnicodeTokenizer().tokenize
    assert tokenize("Καλημέρα κόσμε, 2024!") == ["καλημέρα", "κόσμε", "2024"]
    assert tokenize("مرحبا بالعالم") == ["مرحبا", "بالعالم"]
    assert tokenize("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]  # vowel signs stay in the word
    assert tokenize("東京タワー에 갔다") == ["東", "京", "タ", "ワ", "ー", "에", "갔", "다"]
    assert tokenize("สวัสดี") == list("สวัสดี")


def test_score_builds_rouge_in_the_target_language(tmp_path: Path) -> None:
    reference, hypothesis = tmp_path / "ref.ru", tmp_path / "hyp.ru"
    reference.write_text("\n".join(RUSSIAN) + "\n", encoding="utf-8")
    hypothesis.write_text("\n".join(_with_word_added(RUSSIAN)) + "\n", encoding="utf-8")
    options = ScoreOptions(metrics=["rouge1"], confidence=False, language_pair="en-ru")
    report = score_files([hypothesis], reference, options=options)
    assert report.systems[0].scores["rouge1"].score >= 90
    signatures = {metric.name: metric.signature for metric in report.metrics}
    assert "tok:unicode|lang:ru" in signatures["rouge1"]
    metric = registry.build_metrics(["rouge1"], registry.MetricInputs(None, lambda: None, "zh"))
    assert metric["rouge1"].language == "zh"


def test_the_python_api_scores_rouge_in_the_target_language() -> None:
    from summarize import api

    hypotheses = _with_word_added(RUSSIAN)
    report = api.score(hypotheses, RUSSIAN, ["rouge1"], confidence=False, language_pair="en-ru")
    assert report.systems[0].scores["rouge1"].score >= 90
    english = api.score(hypotheses, RUSSIAN, ["rouge1"], confidence=False)
    assert english.systems[0].scores["rouge1"].score < 50
