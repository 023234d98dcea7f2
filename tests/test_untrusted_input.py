"""Untrusted batch and score input: a link out of an input folder is not followed, a NUL
escaped in JSON is refused like a raw one, and a JSONL file of blank lines is an error, as an
empty folder is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.errors import UserError
from summarize.input.documents import read_batch_input
from summarize.scoring import read_segments
from tests.conftest import assert_one_line_error, run_cli
from tests.test_batch import ARTICLES

GOOD = ARTICLES["first"]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_link_out_of_the_input_folder_is_not_followed(tmp_path: Path) -> None:
    folder, outside = tmp_path / "articles", tmp_path / "private"
    folder.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("The secret plan is here. " * 3, encoding="utf-8")
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "inside.txt").symlink_to(folder / "a.txt")  # within the folder: fine
    (folder / "leak.txt").symlink_to(outside / "secret.txt")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    batch = read_batch_input(folder)
    assert [d.id for d in batch.documents] == ["a", "inside"]
    assert [(e.id, "outside the input folder" in e.message) for e in batch.errors] == [
        ("leak", True)
    ]
    assert all("secret" not in d.text for d in batch.documents)


def test_an_escaped_nul_in_json_is_refused(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "docs.jsonl",
        [
            {"id": "a\u0000b", "text": GOOD},
            {"id": "t", "text": GOOD + "\u0000"},
            {"id": "s", "text": GOOD, "reference_summary": "x\u0000"},
            {"id": "ok", "text": GOOD},
        ],
    )
    assert "\\u0000" in path.read_text()  # escaped: no NUL byte in the file
    batch = read_batch_input(path)
    assert [d.id for d in batch.documents] == ["ok"]
    assert all("NUL" in error.message for error in batch.errors) and len(batch.errors) == 3
    hyp = tmp_path / "hyp.jsonl"
    hyp.write_text(json.dumps("a\u0000b") + "\n", encoding="utf-8")
    with pytest.raises(UserError, match="line 1 contains a NUL"):
        read_segments(hyp)


def test_jsonl_of_blank_lines_is_an_error_like_an_empty_folder(tmp_path: Path) -> None:
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n  \n\n", encoding="utf-8")
    result = run_cli("batch", str(blank), "--out", str(tmp_path / "out"))
    assert_one_line_error(result, "blank.jsonl", "no documents")
    assert not (tmp_path / "out").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_one_line_error(run_cli("batch", str(empty), "--out", str(tmp_path / "o")), "no .txt")
