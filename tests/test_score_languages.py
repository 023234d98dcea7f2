"""Every language scores as sacrebleu scores it: `-l SRC-TGT` (or a WMT set's `<ref lang>`) picks
BLEU's tokenizer, sacrebleu's BLEU/chrF/TER options pass through with its names, and `run` and
`batch` score in the language of what they score. The real test sets (en-ja, en-zh) must give
sacrebleu's numbers on every system."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import summarize
from summarize.errors import UserError
from summarize.metrics.outputs import TranslationOutputs
from summarize.metrics.translation import corpus_scores, sacrebleu_metric
from tests.conftest import SHARED_DATA, assert_one_line_error, run_cli
from tests.helpers import Side, WmtDoc, sacrebleu_cli, score_json, wmt_xml

# Chinese has no spaces: 13a sees each line as one or two words, sacrebleu's zh tokenizer
# splits every Han character.
ZH_REF = ["我们今天去北京看长城。", "这个城市的天气很好。", "他在公司工作了十年。"]
ZH_HYP = ["我们明天去北京看长城。", "这个城市天气非常好。", "他在这家公司工作十年了。"]
JA_REF = ["私は東京に住んでいます。", "今日はとても暑いです。"]
JA_HYP = ["私は東京で住んでいます。", "今日はとても寒いです。"]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("language", "tokenizer"),
    [("zh", "tok:zh"), ("ja", "tok:ja-mecab"), ("ko", "tok:ko-mecab"), ("en", "tok:13a")],
)
def test_the_target_language_picks_bleus_tokenizer(language: str, tokenizer: str) -> None:
    metric = sacrebleu_metric("bleu", target_language=language)
    metric.corpus_score(["a"], [["a"]])
    assert f"|{tokenizer}" in metric.get_signature().format()


def test_english_scores_are_unchanged_by_naming_english() -> None:
    """run and batch now pass "en" for English outputs: byte-identical to passing nothing."""
    hyps, refs = ["The cat sat on the mat ."], ["The cat sat on a mat."]
    assert corpus_scores(hyps, refs, "en") == corpus_scores(hyps, refs)


def test_run_scores_chinese_outputs_with_the_chinese_tokenizer() -> None:
    outputs = TranslationOutputs(ZH_HYP, [[ref] for ref in ZH_REF], ZH_REF, None, None, "zh")
    from sacrebleu.metrics import BLEU

    expected = BLEU(tokenize="zh").corpus_score(ZH_HYP, [ZH_REF]).score
    assert outputs.sacrebleu["bleu"].value == pytest.approx(expected, abs=1e-12)
    assert "tok:zh" in outputs.sacrebleu["bleu"].signature
    assert BLEU().corpus_score(ZH_HYP, [ZH_REF]).score < expected  # 13a would score lower


def test_api_language_pair_equals_sacrebleu_cli(tmp_path: Path) -> None:
    ref = write_lines(tmp_path / "ref.zh", ZH_REF)
    hyp = write_lines(tmp_path / "hyp.zh", ZH_HYP)
    report = summarize.score(ZH_HYP, ZH_REF, ["bleu"], language_pair="en-zh", confidence=False)
    text = sacrebleu_cli(str(ref), "-i", str(hyp), "-m", "bleu", "-l", "en-zh", "-b", "-w", "6")
    assert round(report.systems[0].scores["bleu"].score, 6) == float(text)
    assert report.target_language == "zh"
    assert "tok:zh" in report.metrics[0].signature


SACREBLEU_OPTIONS = (
    "--tokenize",
    "char",
    "--lowercase",
    "--chrf-word-order",
    "2",
    "--ter-asian-support",
    "--ter-normalized",
    "--ter-case-sensitive",
    "--ter-no-punct",
)


def test_sacrebleus_options_pass_through_with_its_names(tmp_path: Path) -> None:
    """Every option at a non-default value: numbers and signatures equal sacrebleu's CLI."""
    ref = write_lines(tmp_path / "ref.ja", JA_REF)
    hyp = write_lines(tmp_path / "hyp.ja", JA_HYP)
    ours = score_json(
        "--hyp", str(hyp), "--ref", str(ref), "-m", "bleu,chrf,ter", "-l", "en-ja",
        "--no-confidence", *SACREBLEU_OPTIONS,
    )  # fmt: skip
    text = sacrebleu_cli(
        str(ref), "-i", str(hyp), "-m", "bleu", "chrf", "ter", "-l", "en-ja", "-w", "6",
        "-f", "text", *SACREBLEU_OPTIONS,
    )  # fmt: skip
    theirs = re.findall(r"^\s*([^|\s]+)\|(nrefs:\S+) = ([\d.]+)", text, flags=re.MULTILINE)
    by_display = {metric["display"]: metric for metric in ours["metrics"]}
    scores = ours["systems"][0]["scores"]
    assert len(theirs) == 3
    for display, signature, value in theirs:
        metric = by_display[display.replace("chrF2++", "chrF2")]
        assert round(scores[metric["name"]]["score"], 6) == float(value)
        assert metric["signature"] == signature
    assert "tok:char" in by_display["BLEU"]["signature"]
    assert "asian:yes" in by_display["TER"]["signature"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("-l", "english-chinese"), "SRC-TGT"),
        (("-l", "EN-ZH"), "SRC-TGT"),
        (("--tokenize", "moses"), "unknown tokenizer 'moses'"),
        (("--chrf-word-order", "-1"), "--chrf-word-order"),
    ],
)
def test_bad_sacrebleu_options_are_one_line_errors(
    tmp_path: Path, args: tuple[str, ...], fragment: str
) -> None:
    ref = write_lines(tmp_path / "ref.txt", ["a b c"])
    result = run_cli("score", "--hyp", str(ref), "--ref", str(ref), *args)
    assert_one_line_error(result, fragment)


@pytest.mark.parametrize(
    ("module", "language", "install"),
    [("tokenizer_ja_mecab", "ja", "sacrebleu[ja]"), ("tokenizer_ko_mecab", "ko", "sacrebleu[ko]")],
)
def test_a_missing_mecab_is_a_one_line_error_naming_the_install(
    monkeypatch: pytest.MonkeyPatch, module: str, language: str, install: str
) -> None:
    """sacrebleu's tokenizer modules set ``MeCab = None`` when the import fails."""
    import importlib

    tokenizer = importlib.import_module(f"sacrebleu.tokenizers.{module}")
    monkeypatch.setattr(tokenizer, "MeCab", None)
    with pytest.raises(UserError) as caught:
        summarize.score(["a"], ["a"], ["bleu"], language_pair=f"en-{language}")
    message = str(caught.value)
    assert "\n" not in message
    assert f"pip install '{install}'" in message
    assert "mecab tokenizer is unavailable" in message


def chinese_test_set(lang: str = "zh") -> str:
    ids = range(1, len(ZH_REF) + 1)
    sides = [
        Side("src", {"lang": "en"}, {i: f"Sentence {i}." for i in ids}),
        Side("ref", {"lang": lang, "translator": "A"}, dict(zip(ids, ZH_REF, strict=True))),
        Side("hyp", {"lang": lang, "system": "S1"}, dict(zip(ids, ZH_HYP, strict=True))),
        Side("hyp", {"lang": lang, "system": "S2"}, dict(zip(ids, ZH_REF, strict=True))),
    ]
    return wmt_xml([WmtDoc("doc.1", sides, {"origlang": "en"})])


def test_a_test_sets_reference_language_sets_the_target(tmp_path: Path) -> None:
    path = tmp_path / "set.en-zh.xml"
    path.write_text(chinese_test_set(), encoding="utf-8")
    report = score_json(str(path), "-m", "bleu", "--samples", "10")
    assert report["target_language"] == "zh"
    assert "tok:zh" in report["metrics"][0]["signature"]
    explicit = score_json(str(path), "-m", "bleu", "--samples", "10", "-l", "en-ja")
    assert "tok:ja-mecab" in explicit["metrics"][0]["signature"]  # -l wins
    assert any("references are in 'zh' but -l en-ja" in note for note in explicit["notes"])
    assert not any("-l" in note for note in report["notes"])


# -- the real test sets: every system equals sacrebleu -l --------------------------------------

# The bench (bench/score_languages.py) runs both sets at sacrebleu's default 1000 resamples;
# here 100, which sacrebleu's CLI takes too (--paired-bs-n), so the equality stays exact.
TEST_SAMPLES = 100


@pytest.mark.parametrize("pair", ["en-ja", "en-zh"])
def test_every_system_of_a_real_test_set_equals_sacrebleu(pair: str) -> None:
    from bench.score_languages import TEST_SETS, compare

    if not TEST_SETS[pair].is_file():
        pytest.skip(f"development data not found at {SHARED_DATA} (see its README.md)")
    result = compare(pair, TEST_SAMPLES)
    assert result["differences"] == []
    assert len(result["systems"]) == {"en-ja": 15, "en-zh": 13}[pair]
    tokenizer = {"en-ja": "tok:ja-mecab", "en-zh": "tok:zh"}[pair]
    assert tokenizer in result["signatures"]["bleu"]
