"""Writing files safely: reports and results are replaced whole, never left half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from summarize.errors import UserError


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
