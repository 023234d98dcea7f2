"""Huge or endless input is bounded: only regular files are read, an article over
``--max-input-mb`` is refused before any model loads, and over-long sentences are split (or, in
reference mode, refused). ``run``, ``batch`` and ``score`` alike."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from summarize.errors import UserError
from summarize.input.documents import read_batch_input
from summarize.input.segment import split_long
from summarize.input.wmt_xml import read_test_set
from summarize.pipeline.options import RunOptions
from summarize.pipeline.prepare import prepare
from tests.conftest import assert_one_line_error, run_cli
from tests.fake_cli import run_fake
from tests.test_score_wmt_xml import build_test_set

SENTENCE = "The council approved the budget on Monday after a long debate. "


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", ["run", "batch", "score"])
def test_devices_and_fifos_are_refused_at_once(command: str, fifo: Path, tmp_path: Path) -> None:
    ref = tmp_path / "ref.txt"
    ref.write_text("The cat sat.\n", encoding="utf-8")
    jsonl_fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(jsonl_fifo)
    for source in ("/dev/zero", str(fifo if command != "batch" else jsonl_fifo)):
        args = {
            "run": ["run", source],
            "batch": ["batch", source, "--out", str(tmp_path / "out")],
            "score": ["score", "--hyp", source, "--ref", str(ref), "--max-input-mb", "100"],
        }[command]
        if command == "batch" and source == "/dev/zero":
            continue  # not a batch format: refused by its name already
        # Fake engines, capped memory and a timeout: whatever happens, no model runs, memory
        # does not fill up, and a FIFO cannot block the test forever.
        no_cache = ["--no-cache"] if command != "score" else []
        result = run_fake(*args, *no_cache, timeout=20, memory_gb=2)
        assert_one_line_error(result, "not a regular file")


def test_a_fifo_in_a_batch_folder_is_one_failed_document(fifo: Path, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(SENTENCE, encoding="utf-8")
    batch = read_batch_input(tmp_path)
    assert [d.id for d in batch.documents] == ["good"]
    assert [(e.id, "not a regular file" in e.message) for e in batch.errors] == [("pipe", True)]


def test_an_article_over_the_limit_is_refused(tmp_path: Path) -> None:
    article = tmp_path / "huge.txt"
    article.write_bytes(SENTENCE.encode() * (2 * 1024 * 1024 // len(SENTENCE)))  # 2 MB
    result = run_fake("run", str(article), "--no-cache", "--no-language-check")
    assert_one_line_error(result, "huge.txt", "over the 1 MB input limit", "--max-input-mb")


def test_the_limit_flag_moves_the_limit(tmp_path: Path) -> None:
    article, log = tmp_path / "article.txt", tmp_path / "models.log"
    article.write_text(SENTENCE * 40, encoding="utf-8")  # 2.5 KB
    small = run_fake(
        "run", str(article), "--max-input-mb", "0.002", "--no-cache", FAKE_LOG=str(log)
    )
    assert_one_line_error(small, "over the 0.002 MB input limit")
    assert not log.exists()
    assert run_fake("run", str(article), "--no-cache", "--json").returncode == 0
    bad = run_fake("run", str(article), "--max-input-mb", "0", "--no-cache")
    assert_one_line_error(bad, "--max-input-mb must be more than 0")


def test_batch_documents_over_the_limit_fail_alone(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    records = [
        {"id": "big", "text": SENTENCE * 40},
        {"id": "big-source", "text": SENTENCE, "source": "Совет. " * 500},
        {"id": "small", "text": SENTENCE},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    batch = read_batch_input(path, max_input_mb=0.002)
    assert [d.id for d in batch.documents] == ["small"]
    problems = {error.id: error.message for error in batch.errors}
    assert 'field "text": is 2.5 KB, over the 0.002 MB input limit' in problems["big"]
    assert 'field "source"' in problems["big-source"]
    # The file itself may hold 100 times the limit, no more.
    with pytest.raises(UserError, match=r"over the 0\.0002 MB input limit"):
        read_batch_input(path, max_input_mb=0.000002)


def test_a_long_line_without_punctuation_is_split(tmp_path: Path) -> None:
    article = tmp_path / "run-on.txt"
    article.write_text(("word " * 200_000).strip() + "\n", encoding="utf-8")  # 1 MB, one line
    prepared = prepare(article, RunOptions(language_check=False))
    assert max(len(s.text) for s in prepared.segments) <= 2000
    assert " ".join(s.text for s in prepared.segments).split() == ["word"] * 200_000
    wider = prepare(article, RunOptions(language_check=False, max_segment_chars=5000))
    assert max(len(s.text) for s in wider.segments) > 4000


def test_split_long_keeps_every_character() -> None:
    assert split_long("aaa bbb ccc ddd", 7) == ["aaa bbb", "ccc ddd"]
    assert split_long("abcdefghij", 4) == ["abcd", "efgh", "ij"]  # no space: cut in the word
    assert split_long("short", 10) == ["short"]


def test_reference_mode_refuses_an_over_long_line(tmp_path: Path) -> None:
    source, reference = tmp_path / "src.ru", tmp_path / "ref.en"
    source.write_text("Совет утвердил бюджет.\n" + "слово " * 400 + "\n", encoding="utf-8")
    reference.write_text(SENTENCE + "\n" + "word " * 400 + "\n", encoding="utf-8")
    args = ["--source", str(source), "--reference", str(reference), "--source-lang", "ru"]
    result = run_fake("run", *args, "--no-cache")
    assert_one_line_error(result, "src.ru", "non-empty line 2", "--max-segment-chars")


def test_score_files_are_bounded_too(tmp_path: Path) -> None:
    ref = tmp_path / "ref.txt"
    ref.write_text("The cat sat.\n" * 100, encoding="utf-8")
    result = run_cli("score", "--hyp", str(ref), "--ref", str(ref), "--max-input-mb", "0.001")
    assert_one_line_error(result, "ref.txt", "over the 0.001 MB input limit")


def sparse_file(path: Path, size: int) -> Path:
    """A file of ``size`` bytes made of holes: no disk used and no time spent writing it."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


BIG = 4 * 1024**3  # 4 GB: parsed, it would need many times the memory these commands get


@pytest.mark.parametrize("command", ["score", "batch"])
def test_a_wmt_xml_over_the_limit_is_one_line_before_parsing(command: str, tmp_path: Path) -> None:
    """A WMT XML test set is bounded like any input (score: as ``--hyp`` files, 100 MB; batch:
    a file of many documents, 100 times ``--max-input-mb``): refused from its size alone, in
    a process whose memory could not hold it, within seconds."""
    big = sparse_file(tmp_path / "BIG.xml", BIG)
    started = time.perf_counter()
    if command == "score":
        result = run_cli("score", str(big), timeout=120, memory_gb=1)
    else:
        out = tmp_path / "out"
        result = run_fake("batch", str(big), "--out", str(out), "--no-cache", memory_gb=2)
        assert not out.exists() or not (out / "results.jsonl").exists()
    elapsed = time.perf_counter() - started
    assert_one_line_error(
        result, "BIG.xml", "is 4096.0 MB", "over the 100 MB input limit", "--max-input-mb"
    )
    assert elapsed < 60, f"took {elapsed:.1f} s"


def test_the_limit_flag_bounds_a_wmt_test_set_and_its_hyp_files(tmp_path: Path) -> None:
    test_set = tmp_path / "set.xml"
    test_set.write_text(build_test_set(), encoding="utf-8")
    size_mb = test_set.stat().st_size / 2**20
    result = run_cli("score", str(test_set), "--max-input-mb", f"{size_mb / 2:.4f}")
    assert_one_line_error(result, "set.xml", "input limit", "--max-input-mb")
    # Within the limit the set is read; a --hyp file beside it is bounded by the same flag.
    hyp = tmp_path / "mine.txt"
    hyp.write_text("A line of my own output.\n" * 4000, encoding="utf-8")
    result = run_cli(
        "score", str(test_set), "--hyp", str(hyp), "--max-input-mb", f"{size_mb * 2:.4f}"
    )
    assert_one_line_error(result, "mine.txt", "input limit", "--max-input-mb")


def test_read_test_set_checks_the_size_before_parsing(tmp_path: Path) -> None:
    """Not well-formed, but over the limit: the size is what is reported."""
    path = tmp_path / "set.xml"
    path.write_bytes(b"<dataset>" + b"x" * 4096)
    with pytest.raises(UserError, match=r"over the 0\.001 MB input limit"):
        read_test_set(path, 0.001)
    with pytest.raises(UserError, match="not a well-formed"):
        read_test_set(path, 1)
