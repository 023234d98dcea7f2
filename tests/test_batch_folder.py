"""The batch output folder holds one input's results: another input, a missing record, an input
that is one of the folder's own files, a lock that is a link and a folder that is a file are
refused with one line, and nothing already written is lost (fake engines, no model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.batch.run import run_batch
from summarize.errors import UserError
from summarize.input.documents import read_batch_input
from summarize.pipeline import session
from summarize.pipeline.options import RunOptions
from tests.fake_cli import error_line, run_fake
from tests.test_batch import ARTICLES, OPTIONS, FakeRegistry


@pytest.fixture
def fake(monkeypatch) -> FakeRegistry:
    registry = FakeRegistry()
    monkeypatch.setattr(session, "open_registry", lambda options, notify: (registry, None))
    return registry


def write_jsonl(path: Path, count: int, prefix: str = "doc") -> Path:
    texts = list(ARTICLES.values())
    lines = [
        json.dumps({"id": f"{prefix}-{i}", "text": texts[i % len(texts)]}) for i in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def result_lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def cli(*args: str, **env: str):
    """The real command line in its own process, fake engines, no cache."""
    return run_fake(*args, "--no-language-check", "--no-cache", **env)


def test_another_input_is_refused_and_keeps_the_results(tmp_path: Path, fake) -> None:
    out = tmp_path / "out"
    six = write_jsonl(tmp_path / "six.jsonl", 6)
    other = write_jsonl(tmp_path / "other.jsonl", 1, "other")
    assert cli("batch", str(six), "--out", str(out)).returncode == 0
    before = (out / "results.jsonl").read_bytes()
    line = error_line(cli("batch", str(other), "--out", str(out)))
    assert "another input" in line and "--restart" in line and "six.jsonl" in line
    assert (out / "results.jsonl").read_bytes() == before  # six lines, untouched
    restarted = cli("batch", str(other), "--out", str(out), "--restart")
    assert restarted.returncode == 0, restarted.stderr
    assert [r["input"]["document_id"] for r in result_lines(out)] == ["other-0"]


def test_a_changed_input_at_the_same_path_is_another_input(tmp_path: Path, fake) -> None:
    out, path = tmp_path / "out", write_jsonl(tmp_path / "docs.jsonl", 3)
    run_batch(read_batch_input(path), out, OPTIONS)
    write_jsonl(path, 1)
    with pytest.raises(UserError, match="before it changed"):
        run_batch(read_batch_input(path), out, OPTIONS)
    assert len(result_lines(out)) == 3


def test_the_same_input_resumes(tmp_path: Path, fake) -> None:
    out, path = tmp_path / "out", write_jsonl(tmp_path / "docs.jsonl", 3)
    run_batch(read_batch_input(path), out, OPTIONS)
    again = run_batch(read_batch_input(path), out, OPTIONS)
    assert again.run_stats["resumed"] == 3 and again.run_stats["processed"] == 0


def test_results_without_a_record_are_refused(tmp_path: Path, fake) -> None:
    """Without batch.json nothing says what the results were made from: refuse, never
    relabel them with the current settings."""
    out, path = tmp_path / "out", write_jsonl(tmp_path / "docs.jsonl", 3)
    run_batch(read_batch_input(path), out, OPTIONS)
    (out / "batch.json").unlink()
    other = RunOptions(summarizers=["bundled"], language_check=False, lead_sentences=2)
    with pytest.raises(UserError, match=r"no batch\.json"):
        run_batch(read_batch_input(path), out, other)
    assert len(result_lines(out)) == 3
    assert not (out / "batch.json").exists()
    result = run_batch(read_batch_input(path), out, other, restart=True)
    assert result.run_stats["processed"] == 3


def test_input_that_is_the_results_file_is_refused(tmp_path: Path, fake) -> None:
    out, path = tmp_path / "out", write_jsonl(tmp_path / "docs.jsonl", 3)
    assert cli("batch", str(path), "--out", str(out)).returncode == 0
    results = out / "results.jsonl"
    before = results.read_bytes()
    result = cli("batch", str(results), "--out", str(out), "--restart")
    assert "results.jsonl" in error_line(result)
    assert results.read_bytes() == before


def test_lock_that_is_a_symlink_is_not_followed(tmp_path: Path, fake) -> None:
    out, path = tmp_path / "out", write_jsonl(tmp_path / "docs.jsonl", 1)
    out.mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    (out / ".batch.lock").symlink_to(precious)
    with pytest.raises(UserError, match="symbolic link"):
        run_batch(read_batch_input(path), out, OPTIONS)
    assert precious.read_text() == "keep me\n"


def test_lock_file_is_not_truncated(tmp_path: Path, fake) -> None:
    out, path = tmp_path / "out", write_jsonl(tmp_path / "docs.jsonl", 1)
    out.mkdir()
    (out / ".batch.lock").write_text("12345\n")
    run_batch(read_batch_input(path), out, OPTIONS)
    assert (out / ".batch.lock").read_text() == "12345\n"


def test_out_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    path, out, log = write_jsonl(tmp_path / "docs.jsonl", 1), tmp_path / "out", tmp_path / "log"
    out.write_text("not a folder\n")
    result = cli("batch", str(path), "--out", str(out), FAKE_LOG=str(log))
    assert "not a folder" in error_line(result)
    assert out.read_text() == "not a folder\n"
    assert not log.exists()  # refused before any model was asked for


def test_run_out_is_checked_before_models_load(tmp_path: Path) -> None:
    article, log = tmp_path / "article.txt", tmp_path / "log"
    article.write_text(ARTICLES["first"] + "\n", encoding="utf-8")
    (tmp_path / "folder.json").mkdir()
    for target, fragment in (
        (tmp_path / "missing" / "report.json", "does not exist"),
        (tmp_path / "folder.json", "is a folder"),
    ):
        result = cli("run", str(article), "--out", str(target), FAKE_LOG=str(log))
        assert fragment in error_line(result)
    assert not log.exists()
