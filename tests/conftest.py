"""Shared fixtures: paths to the seed and development data, and a CLI runner in a subprocess."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.helpers import REPO, CliResult, run_module

__all__ = ["REPO", "CliResult", "assert_one_line_error", "run_cli"]
SEED = REPO / "seeds" / "000_e93c88f19b9118b4.txt"
SHARED_DATA = REPO.parent / "shared" / "data"

# The default model depends on what is installed (Qwen 1.5B with its extra, else the bundled
# Gemma): the suite runs on the bundled one wherever it runs, and in every subprocess it starts.
# tests/test_default_model.py checks the choice itself.
os.environ["SUMMARIZE_DEFAULT_MODEL"] = "bundled"


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

    Converted checkpoints of the bundled model (to transformers and to CTranslate2) are shared
    with the user's cache (converting takes about a minute and always gives the same files).
    """
    root = tmp_path_factory.mktemp("summarize-cache")
    for name in ("converted", "ct2"):  # GGUF → transformers, and → CTranslate2 (default runtime)
        shared = Path.home() / ".cache" / "summarize" / name
        shared.mkdir(parents=True, exist_ok=True)
        (root / name).symlink_to(shared, target_is_directory=True)
    return root


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
    *args: str, cache: Path | None = None, timeout: float = 1800, memory_gb: float | None = None
) -> CliResult:
    """Run ``python -m summarize`` as a user would, capturing both streams (``memory_gb``:
    :func:`tests.helpers.run_module`)."""
    env = {} if cache is None else {"SUMMARIZE_CACHE_DIR": str(cache)}
    return run_module("summarize", *args, env=env, timeout=timeout, memory_gb=memory_gb)


def assert_one_line_error(result: CliResult, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("summarize: error:")
    for fragment in fragments:
        assert fragment in lines[0]
