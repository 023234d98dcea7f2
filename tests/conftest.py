"""Shared fixtures: paths to the seed and development data, and a CLI runner in a subprocess."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from summarize.resources import cache_dir as summarize_cache_dir
from tests.helpers import REPO, CliResult, run_module

__all__ = ["REPO", "CliResult", "assert_one_line_error", "run_cli", "shared_conversions"]
SEED = REPO / "seeds" / "000_e93c88f19b9118b4.txt"
SHARED_DATA = REPO.parent / "shared" / "data"

# The default model depends on what is installed (Qwen 1.5B with its extra, else the bundled
# Gemma): the suite runs on the bundled one wherever it runs, and in every subprocess it starts.
# tests/test_default_model.py checks the choice itself.
os.environ["SUMMARIZE_DEFAULT_MODEL"] = "bundled"

# The tests write nothing into the user's cache (~/.cache/summarize, or wherever
# SUMMARIZE_CACHE_DIR / XDG_CACHE_HOME put it): this session, and every process it starts, gets
# its own summarize cache and its own XDG cache root (the Hugging Face cache under it too), in a
# temporary directory removed at the end. tests/test_test_cache.py checks it.
# Once per session: this file is imported again as ``tests.conftest`` by tests that import it,
# and the processes the tests start inherit the environment.
if "SUMMARIZE_TESTS_USER_CACHE" not in os.environ:
    os.environ["SUMMARIZE_TESTS_USER_CACHE"] = str(summarize_cache_dir())
    os.environ["SUMMARIZE_TESTS_CACHE_ROOT"] = tempfile.mkdtemp(prefix="summarize-tests-")
USER_CACHE = Path(os.environ["SUMMARIZE_TESTS_USER_CACHE"])
SESSION_CACHE_ROOT = Path(os.environ["SUMMARIZE_TESTS_CACHE_ROOT"])
os.environ["SUMMARIZE_CACHE_DIR"] = str(SESSION_CACHE_ROOT / "summarize")
os.environ["XDG_CACHE_HOME"] = str(SESSION_CACHE_ROOT / "xdg")
# The bundled Gemma's conversions (GGUF → transformers, and → CTranslate2) take about a minute
# each and always give the same files: the end-to-end tests keep them in this checkout's
# .test-cache/ (ignored by git), not in the user's cache, so that the next run reuses them.
CONVERSIONS = REPO / ".test-cache"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(SESSION_CACHE_ROOT, ignore_errors=True)


def shared_conversions(root: Path, names: tuple[str, ...] = ("converted", "ct2")) -> Path:
    """``root`` as a fresh summarize cache (an empty output store, so models really run) whose
    converted checkpoints (``names``) are the checkout's :data:`CONVERSIONS`."""
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        shared = CONVERSIONS / name
        shared.mkdir(parents=True, exist_ok=True)
        (root / name).symlink_to(shared, target_is_directory=True)
    return root


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"development data not found at {SHARED_DATA} (see ../shared/data/README.md)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """A fresh output store for this test session, so models really run.

    Converted checkpoints of the bundled model (to transformers and to CTranslate2) are the
    checkout's :data:`CONVERSIONS`, kept between runs (converting takes about a minute and
    always gives the same files).
    """
    return shared_conversions(tmp_path_factory.mktemp("summarize-cache"))


@pytest.fixture(scope="module")
def marian(tmp_path_factory) -> dict[str, Path]:
    """A tiny random-weight Marian model saved under each direction's name (same weights,
    distinct ids), built offline."""
    from tests.tiny_models import build_model  # it imports this module

    root = tmp_path_factory.mktemp("tiny-marian")
    first = build_model("marian", root / "tiny-en-ru")
    shutil.copytree(first, root / "tiny-ru-en")
    return {"en-ru": first, "ru-en": root / "tiny-ru-en"}


def run_cli(
    *args: str,
    cache: Path | None = None,
    timeout: float = 1800,
    memory_gb: float | None = None,
    env: dict[str, str] | None = None,
) -> CliResult:
    """Run ``python -m summarize`` as a user would, capturing both streams (``memory_gb``:
    :func:`tests.helpers.run_module`; ``env``: added to the environment)."""
    env = {**(env or {}), **({} if cache is None else {"SUMMARIZE_CACHE_DIR": str(cache)})}
    return run_module("summarize", *args, env=env, timeout=timeout, memory_gb=memory_gb)


def assert_one_line_error(result: CliResult, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("summarize: error:")
    for fragment in fragments:
        assert fragment in lines[0]
