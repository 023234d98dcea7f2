"""`summarize score` on bad input: one line on stderr naming the problem, non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import assert_one_line_error, run_cli


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "ref": write(tmp_path / "ref.txt", "The cat sat on the mat.\nIt was a sunny day.\n"),
        "hyp": write(tmp_path / "hyp.txt", "The cat sat on a mat.\nIt was sunny.\n"),
    }


def test_different_line_counts(files: dict[str, Path], tmp_path: Path) -> None:
    short = write(tmp_path / "short.txt", "The cat sat.\n")
    result = run_cli("score", "--hyp", str(short), "--ref", str(files["ref"]))
    assert_one_line_error(result, "short.txt", "has 1 segments", "has 2", "line-aligned")


def test_source_with_different_line_count(files: dict[str, Path], tmp_path: Path) -> None:
    src = write(tmp_path / "src.txt", "one\ntwo\nthree\n")
    result = run_cli(
        "score", "--hyp", str(files["hyp"]), "--ref", str(files["ref"]), "--src", str(src)
    )
    assert_one_line_error(result, "src.txt", "has 3 segments")


def test_empty_file(files: dict[str, Path], tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.txt", "")
    result = run_cli("score", "--hyp", str(empty), "--ref", str(files["ref"]))
    assert_one_line_error(result, "empty.txt", "is empty")


def test_unknown_metric(files: dict[str, Path]) -> None:
    result = run_cli(
        "score", "--hyp", str(files["hyp"]), "--ref", str(files["ref"]), "-m", "bleu,meteor"
    )
    assert_one_line_error(result, "unknown metric 'meteor'", "chrf++")


def test_source_metric_without_source(files: dict[str, Path]) -> None:
    result = run_cli(
        "score", "--hyp", str(files["hyp"]), "--ref", str(files["ref"]), "-m", "coverage"
    )
    assert_one_line_error(result, "'coverage'", "--src")


def test_non_utf8_hypothesis(files: dict[str, Path], tmp_path: Path) -> None:
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Le café est fermé.\nÀ bientôt.\n".encode("latin-1"))
    result = run_cli("score", "--hyp", str(latin), "--ref", str(files["ref"]))
    assert_one_line_error(result, "latin1.txt", "not valid UTF-8")


def test_missing_reference(files: dict[str, Path], tmp_path: Path) -> None:
    result = run_cli("score", "--hyp", str(files["hyp"]), "--ref", str(tmp_path / "nope.txt"))
    assert_one_line_error(result, "nope.txt", "no such file")


def test_bad_jsonl_line(files: dict[str, Path], tmp_path: Path) -> None:
    bad = write(tmp_path / "hyp.jsonl", '{"text": "The cat sat."}\n{"text": \n')
    result = run_cli("score", "--hyp", str(bad), "--ref", str(files["ref"]))
    assert_one_line_error(result, "hyp.jsonl", "line 2", "not valid JSON")


def test_unknown_format_and_test(files: dict[str, Path]) -> None:
    args = ["score", "--hyp", str(files["hyp"]), "--ref", str(files["ref"])]
    assert_one_line_error(run_cli(*args, "--format", "xml"), "unknown output format 'xml'")
    assert_one_line_error(run_cli(*args, "--test", "t"), "unknown significance test 't'")


def test_empty_lines_are_kept_and_reported(files: dict[str, Path], tmp_path: Path) -> None:
    """Documented handling: an empty hypothesis line stays an (empty) segment, scores like
    sacrebleu scores it, and is reported in the notes."""
    hyp = write(tmp_path / "gaps.txt", "The cat sat on a mat.\n\n")
    result = run_cli("score", "--hyp", str(hyp), "--ref", str(files["ref"]), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["segments"] == 2
    assert report["notes"] == ["gaps.txt: 1 empty line(s), scored as empty output"]
    segments = report["systems"][0]["segments"]
    assert segments["bleu"][1] == 0 and segments["chrf"][1] == 0 and segments["ter"][1] == 100
    assert segments["bleu"][0] > 0


def test_jsonl_input_matches_plain_text(files: dict[str, Path], tmp_path: Path) -> None:
    lines = files["hyp"].read_text(encoding="utf-8").splitlines()
    jsonl = write(
        tmp_path / "hyp.jsonl",
        "".join(json.dumps({"text": line, "id": i}) + "\n" for i, line in enumerate(lines)),
    )
    outputs = []
    for hyp in (files["hyp"], jsonl):
        result = run_cli("score", "--hyp", str(hyp), "--ref", str(files["ref"]), "--json")
        assert result.returncode == 0, result.stderr
        outputs.append(json.loads(result.stdout)["systems"][0]["scores"])
    assert outputs[0] == outputs[1]
