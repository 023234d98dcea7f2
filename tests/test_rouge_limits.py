"""ROUGE-L on long segments: the same scores as rouge-score in linear memory, and a one-line
refusal naming the segment beyond the documented limit (never a MemoryError)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from rouge_score import rouge_scorer

from summarize.errors import UserError
from summarize.metrics.rouge import LCS_LIMITS, RougeMetric, lcs_length, rouge_scores
from tests.conftest import CliResult, assert_one_line_error, run_cli


def test_lcs_length_equals_rouge_scores_table() -> None:
    rng = random.Random(7)
    for _ in range(400):
        first = [rng.choice("abcde") for _ in range(rng.randint(0, 40))]
        second = [rng.choice("abcde") for _ in range(rng.randint(0, 40))]
        assert lcs_length(first, second) == rouge_scorer._lcs_table(first, second)[-1][-1]


def test_lcs_length_across_strips(monkeypatch) -> None:
    import summarize.metrics.rouge as rouge

    rng = random.Random(3)
    monkeypatch.setattr(rouge, "_STRIP", 5)  # many strips, carries passed between them
    for _ in range(300):
        first = [rng.choice("abc") for _ in range(rng.randint(0, 30))]
        second = [rng.choice("abc") for _ in range(rng.randint(0, 30))]
        assert lcs_length(first, second) == rouge_scorer._lcs_table(first, second)[-1][-1]


def test_rouge_l_scores_equal_rouge_score() -> None:
    words = [
        "the",
        "council",
        "approved",
        "budget",
        "schools",
        "rise",
        "ten",
        "percent",
        "on",
        "monday",
    ]
    rng = random.Random(11)
    reference_scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    metric = RougeMetric("rougeL")
    pairs = [
        (" ".join(rng.choices(words, k=rng.randint(0, 60))), " ".join(rng.choices(words, k=50)))
        for _ in range(50)
    ]
    expected = [100 * reference_scorer.score(ref, hyp)["rougeL"].fmeasure for hyp, ref in pairs]
    assert metric.segment_scores(*map(list, zip(*pairs, strict=True))) == expected
    hyp, ref = pairs[0]
    assert rouge_scores(hyp, ref)["rougeL"].value == expected[0]


def test_signatures_state_the_limit() -> None:
    assert "|lcs-max:1e10|" in RougeMetric("rougeL").signature()
    assert "|lcs-max:4e6|" in RougeMetric("rougeLsum").signature()
    assert "lcs-max" not in RougeMetric("rouge2").signature()


def test_over_the_limit_is_refused_naming_the_segment() -> None:
    short = "the cat sat"
    long_lines = "\n".join(["word"] * 2100)  # rougeLsum: 2,100 × 2,100 tokens > 4e6
    metric = RougeMetric("rougeLsum")
    with pytest.raises(UserError, match=r"line 2: rougeLsum would compare 4\.4e\+06"):
        metric.segment_scores([short, long_lines], [short, long_lines])
    assert LCS_LIMITS["rougeL"] > 2100 * 2100
    assert RougeMetric("rougeL").segment_scores([long_lines], [long_lines]) == [100.0]


def score_under_memory_limit(tmp_path: Path, *args: str, limit_gb: float = 1) -> CliResult:
    """``summarize score`` with its address space capped at ``limit_gb``, as a small machine
    would (one BLAS thread, so thread buffers do not eat the address space)."""
    return run_cli("score", *args, timeout=300, memory_gb=limit_gb)


def test_long_segments_score_in_bounded_memory(tmp_path: Path) -> None:
    """Two 20,000-word lines: rouge-score's table needs over 3 GB; ours a few MB."""
    rng = random.Random(5)
    vocabulary = [f"w{i}" for i in range(3000)]
    hyp, ref = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    hyp.write_text("short line\n" + " ".join(rng.choices(vocabulary, k=20000)) + "\n")
    ref.write_text("short line\n" + " ".join(rng.choices(vocabulary, k=20000)) + "\n")
    result = score_under_memory_limit(
        tmp_path, "--hyp", str(hyp), "--ref", str(ref), "-m", "rougeL", "--json"
    )
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)["systems"][0]["segments"]["rougeL"]
    assert scores[0] == 100.0 and 0 < scores[1] < 100


def test_a_one_megabyte_line_is_refused_with_one_line(tmp_path: Path) -> None:
    line = ("word " * 200_000).strip() + "\n"  # 1 MB, no newline inside
    hyp, ref = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    hyp.write_text("the cat\n" + line)
    ref.write_text("the cat\n" + line)
    result = score_under_memory_limit(
        tmp_path, "--hyp", str(hyp), "--ref", str(ref), "-m", "rougeL"
    )
    assert_one_line_error(result, "hyp.txt: line 2: rougeL would compare 4e+10", "limit of 1e10")
