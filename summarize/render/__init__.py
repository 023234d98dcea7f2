"""Renderers: each turns a :class:`~summarize.result.RunResult` into one output format."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from summarize.errors import UserError
from summarize.result import RunResult


def render_to_string(result: RunResult, fmt: str) -> str:
    if fmt == "json":
        from summarize.render.json_format import render_json

        return render_json(result)
    if fmt == "md":
        from summarize.render.markdown import render_markdown

        return render_markdown(result)
    raise UserError(f"unknown output format {fmt!r}; use .json or .md")


def format_for_path(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    formats = {"json": "json", "md": "md", "markdown": "md"}
    if suffix not in formats:
        raise UserError(f"{path}: unknown report format {path.suffix!r}; use .json or .md")
    return formats[suffix]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, content: str) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written report."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise UserError(f"{path}: folder {directory} does not exist")
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; reports are for sharing
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
