"""Locate the data files (presets, prompts, few-shot examples) kept in the top-level ``models/``.

In a source checkout (editable install) they live in ``<repo>/models``; a built wheel carries
them as ``summarize/_data/models`` (see ``pyproject.toml``).
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Directory holding presets, prompts and few-shot examples."""
    for candidate in (_PACKAGE_DIR / "_data" / "models", _PACKAGE_DIR.parent / "models"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("summarize's data files (models/) are missing: reinstall the package")


@cache
def load_toml(relative_path: str) -> dict[str, Any]:
    """Parse a TOML file under :func:`data_dir`."""
    with open(data_dir() / relative_path, "rb") as handle:
        return tomllib.load(handle)


def cache_dir() -> Path:
    """Root of summarize's own cache: converted models and the model-output store.

    ``SUMMARIZE_CACHE_DIR`` overrides it; otherwise ``$XDG_CACHE_HOME/summarize`` or
    ``~/.cache/summarize``.
    """
    explicit = os.environ.get("SUMMARIZE_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "summarize"
