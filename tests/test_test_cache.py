"""The test suite writes nothing into the user's cache (~/.cache/summarize): tests/conftest.py
gives the session, and every process it starts, a temporary summarize cache and XDG cache
root; the bundled model's conversions go to the checkout's .test-cache/."""

from __future__ import annotations

import os
from pathlib import Path

from summarize.resources import cache_dir
from tests.conftest import CONVERSIONS, REPO, SESSION_CACHE_ROOT, USER_CACHE, run_cli


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_the_session_cache_is_not_the_users() -> None:
    assert cache_dir().is_relative_to(SESSION_CACHE_ROOT)
    assert not cache_dir().is_relative_to(USER_CACHE)
    assert not SESSION_CACHE_ROOT.is_relative_to(USER_CACHE)
    assert Path(os.environ["XDG_CACHE_HOME"]).is_relative_to(SESSION_CACHE_ROOT)
    assert CONVERSIONS.is_relative_to(REPO) and not CONVERSIONS.is_relative_to(USER_CACHE)
    assert ".test-cache/" in (REPO / ".gitignore").read_text(encoding="utf-8")


def test_a_run_in_the_tests_writes_under_the_session_cache_not_home(
    tmp_path: Path, marian: dict[str, Path]
) -> None:
    """A command as the tests start it (the session's environment, nothing added) with HOME
    pointed at an empty folder: its CTranslate2 conversion of a tiny test model and its
    model outputs land in the session's cache, and nothing in that home (where a user's
    ~/.cache/summarize would be)."""
    home = tmp_path / "home"
    home.mkdir()
    article = tmp_path / "article.txt"
    article.write_text("The council approved the budget. Schools get more money.\n")
    before = set(files_under(cache_dir()))
    result = run_cli(
        "run",
        str(article),
        "--translator",
        str(marian["en-ru"]),
        "--back-translator",
        str(marian["ru-en"]),
        "--summarizer",
        "none",
        "--scorer",
        "none",
        "--device",
        "cpu",
        "--json",
        env={"HOME": str(home)},
    )
    assert result.returncode == 0, result.stderr
    assert files_under(home) == []
    assert (cache_dir() / "outputs.sqlite3").is_file()
    written = set(files_under(cache_dir())) - before
    converted = [path for path in written if path.relative_to(cache_dir()).parts[0] == "ct2"]
    assert any("tiny-en-ru" in str(path) for path in converted), written
