"""Fault injection: a full disk under ``--out`` and under the cache, a read-only ``--out`` and
cache, a corrupt cache, and ``kill -9`` in the middle of a batch. Every fault ends in one line
(or, for the cache, one warning and a complete run); nothing written before it is lost, and the
same command afterwards gives the reports an untroubled run gives.

Batches run the real command line in a subprocess with the fake engines of
``tests/test_batch.py`` (``tests/fake_cli.py``), so they take seconds. Full and read-only
disks are small tmpfs mounts, which need root (root ignores file permissions, so a read-only
mount is the only honest read-only folder); without root those tests skip and say why.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.fake_cli import error_line, run_fake
from tests.test_batch import ARTICLES

REPORTS = ("report.html", "report.md", "summary.csv")
DOCUMENTS = 6


def write_input(tmp_path: Path) -> Path:
    texts = list(ARTICLES.values())
    path = tmp_path / "docs.jsonl"
    lines = [json.dumps({"id": f"doc-{i}", "text": texts[i % 3]}) for i in range(DOCUMENTS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def batch_args(source: Path, out: Path, *extra: str) -> list[str]:
    return ["batch", str(source), "--out", str(out), "--chunk-documents", "1", *extra]


def results(out: Path) -> list[dict]:
    """Every line of results.jsonl (each must be whole JSON), without timings."""
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    for line in lines:
        line.pop("timings")
    return lines


def assert_same_reports(out: Path, expected: Path) -> None:
    assert results(out) == results(expected)
    for name in REPORTS:
        assert (out / name).read_bytes() == (expected / name).read_bytes(), name


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    """The input, and the folder of an untroubled run over it (no cache)."""
    folder = tmp_path_factory.mktemp("reference")
    source, out = write_input(folder), folder / "out"
    done = run_fake(*batch_args(source, out, "--no-cache", "--no-language-check"))
    assert done.returncode == 0, done.stderr
    return source, out


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "output cache" in line]


# -- small disks -----------------------------------------------------------------------------


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str, str], Path]]:
    """``tmpfs(name, size)``: a fresh tmpfs of ``size`` (mount's syntax, e.g. ``4m``) at
    ``tmp_path/name``, unmounted afterwards."""
    mounted: list[Path] = []

    def make(name: str, size: str = "4m") -> Path:
        if os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs (a disk that fills up) needs root")
        if shutil.which("mount") is None:
            pytest.skip("no mount command to make a small tmpfs")
        path = tmp_path / name
        path.mkdir()
        done = _mount("-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(path))
        if done.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(path)
        return path

    yield make
    for path in reversed(mounted):
        if subprocess.run(["umount", str(path)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


def read_only(path: Path) -> None:
    """Remount the tmpfs at ``path`` read-only (root ignores permission bits, not this)."""
    done = _mount("-o", "remount,ro", str(path))
    if done.returncode:
        pytest.skip(f"cannot remount {path} read-only: {done.stderr.strip()}")


# -- the output folder -----------------------------------------------------------------------


def test_full_disk_under_out_keeps_whole_results_and_resumes(tmp_path, tmpfs, reference) -> None:
    source, expected = reference
    out = tmpfs("out", "4m")
    filler = out / "filler"
    args = batch_args(source, out, "--no-cache", "--no-language-check")
    # The 5th translate call is the 3rd document's: the disk fills while it is translated.
    full = run_fake(*args, FAKE_FILL=str(filler), FAKE_FILL_AT="5")
    line = error_line(full)
    assert "results.jsonl: cannot write (No space left on device)" in line
    assert "2 finished documents are kept" in line and "resume" in line
    kept = results(out)  # whole lines only: the torn one was cut off
    assert [r["input"]["document_id"] for r in kept] == ["doc-0", "doc-1"]
    filler.unlink()
    resumed = run_fake(*args)
    assert resumed.returncode == 0, resumed.stderr
    assert "2 from an earlier run" in resumed.stdout
    assert_same_reports(out, expected)


def test_full_disk_at_the_start_is_one_line(tmp_path, tmpfs) -> None:
    source, out = write_input(tmp_path), tmpfs("out", "1m")
    with open(out / "filler", "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    result = run_fake(*batch_args(source, out, "--no-cache", "--no-language-check"))
    assert "No space left on device" in error_line(result)


def test_read_only_out_is_one_line_and_loses_nothing(tmp_path, tmpfs) -> None:
    source, out, log = write_input(tmp_path), tmpfs("out"), tmp_path / "models.log"
    args = batch_args(source, out, "--no-cache", "--no-language-check")
    assert run_fake(*args).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    read_only(out)
    for command in (args, [*args, "--restart"]):
        assert "Read-only file system" in error_line(run_fake(*command, FAKE_LOG=str(log)))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not log.exists()  # refused before any model was asked for


def test_run_out_on_a_read_only_disk_fails_before_models(tmp_path, tmpfs) -> None:
    article, log = tmp_path / "article.txt", tmp_path / "models.log"
    article.write_text(ARTICLES["first"] + "\n", encoding="utf-8")
    out = tmpfs("out")
    read_only(out)
    result = run_fake(
        "run", str(article), "--out", str(out / "report.json"), "--no-cache", FAKE_LOG=str(log)
    )
    assert "report.json: cannot write (Read-only file system)" in error_line(result)
    assert not log.exists()


# -- the output cache ------------------------------------------------------------------------


def test_full_disk_under_the_cache_loses_no_output(tmp_path, tmpfs, reference) -> None:
    source, expected = reference
    cache, out = tmpfs("cache", "2m"), tmp_path / "out"
    args = batch_args(source, out, "--no-language-check")
    result = run_fake(
        *args, cache=cache, FAKE_FILL=str(cache / "filler"), FAKE_FILL_AT="2"
    )  # the first call's outputs are stored, then the disk is full
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    (warning,) = warnings(result.stderr)
    assert "going on without it" in warning and "full" in warning
    assert_same_reports(out, expected)


def test_read_only_cache_is_skipped_with_one_warning(tmp_path, tmpfs, reference) -> None:
    source, expected = reference
    cache = tmpfs("cache")
    first = tmp_path / "first"
    assert run_fake(*batch_args(source, first, "--no-language-check"), cache=cache).returncode == 0
    read_only(cache)
    out = tmp_path / "out"
    result = run_fake(*batch_args(source, out, "--no-language-check"), cache=cache)
    assert result.returncode == 0, result.stderr
    assert len(warnings(result.stderr)) <= 1 and "Traceback" not in result.stderr
    assert_same_reports(out, expected)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "folder"])
def test_a_corrupt_cache_is_skipped_with_one_warning(tmp_path, reference, damage) -> None:
    source, expected = reference
    cache = tmp_path / "cache"
    cache.mkdir()
    database = cache / "outputs.sqlite3"
    if damage == "garbage":
        database.write_bytes(os.urandom(64 * 1024))
    elif damage == "truncated":
        first = run_fake(
            *batch_args(source, tmp_path / "first", "--no-language-check"), cache=cache
        )
        assert first.returncode == 0
        data = database.read_bytes()
        for leftover in cache.glob("outputs.sqlite3-*"):
            leftover.unlink()
        database.write_bytes(data[: len(data) // 2 + 100])
    else:
        database.mkdir()  # not a file at all
    out = tmp_path / "out"
    result = run_fake(*batch_args(source, out, "--no-language-check"), cache=cache)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert len(warnings(result.stderr)) == 1 or damage == "truncated", result.stderr
    assert len(warnings(result.stderr)) <= 1
    assert_same_reports(out, expected)


def test_run_with_a_garbage_cache_warns_once_and_finishes(tmp_path: Path) -> None:
    article, cache = tmp_path / "article.txt", tmp_path / "cache"
    article.write_text(ARTICLES["first"] + "\n", encoding="utf-8")
    cache.mkdir()
    (cache / "outputs.sqlite3").write_bytes(b"this is not a database" * 100)
    result = run_fake("run", str(article), "--json", "--no-language-check", cache=cache)
    assert result.returncode == 0, result.stderr
    assert len(warnings(result.stderr)) == 1
    assert json.loads(result.stdout)["translations"][0]["segments"]


# -- kill -9 ---------------------------------------------------------------------------------


def test_kill_9_mid_batch_then_resume_gives_identical_reports(tmp_path, reference) -> None:
    source, expected = reference
    out, cache = tmp_path / "out", tmp_path / "cache"
    args = batch_args(source, out, "--no-language-check")
    env = {**os.environ, "SUMMARIZE_CACHE_DIR": str(cache), "FAKE_DELAY": "0.4"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_cli", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results_file, deadline = out / "results.jsonl", time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if results_file.exists() and results_file.read_text().count("\n") >= 2:
                break
            assert process.poll() is None, "the batch ended before it could be killed"
            time.sleep(0.05)
        else:
            pytest.fail("no document was finished in time")
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    finished = results_file.read_text().count("\n")
    assert 2 <= finished < DOCUMENTS
    resumed = run_fake(*args, cache=cache)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{finished} from an earlier run" in resumed.stdout
    assert_same_reports(out, expected)
