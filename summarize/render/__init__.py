"""Renderers: each turns a :class:`~summarize.result.RunResult` into one output format."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from summarize.errors import UserError, cannot_write
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


def check_writable(path: Path) -> None:
    """Fail now, before any model loads, if ``path`` cannot be written later: its folder is
    missing or read-only, or the path is a folder."""
    if path.is_dir():
        raise UserError(f"{path}: is a folder, expected a file name")
    directory = _folder_of(path)
    try:
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.")
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    os.close(descriptor)
    os.unlink(temporary)


def _folder_of(path: Path) -> Path:
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise UserError(f"{path}: folder {directory} does not exist")
    return directory


def write_atomically(path: Path, content: str) -> None:
    """Write via a temporary file in the same folder, fsync and rename: never a half-written
    file, and the previous version stays whole when writing fails (a full disk: one-line
    :class:`UserError`)."""
    directory = _folder_of(path)
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; reports are for sharing
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from exc
        raise
