"""Writing files safely: reports and results are replaced whole, never left half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from summarize.errors import UserError, cannot_write


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
