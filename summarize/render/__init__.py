"""Renderers: each turns a :class:`~summarize.result.RunResult` into one output format."""

from __future__ import annotations

from pathlib import Path

from summarize.errors import UserError
from summarize.files import check_writable, write_atomically  # noqa: F401  (used by the CLI)
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
