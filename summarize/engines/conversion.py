"""Convert a model once into the cache, atomically, so later runs load it directly.

Used for the bundled GGUF → transformers conversion and for transformers → CTranslate2. The
result is built in a temporary folder beside the target and renamed into place when complete,
so an interrupted or concurrent conversion never leaves a half-written model behind.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from summarize.notes import send_note

COMPLETE_MARKER = ".summarize-complete"


def convert_once(
    target: Path,
    build: Callable[[Path, Path], None],
    notify: Callable[[str], None],
    message: str,
    stamp: str = "",
) -> Path:
    """Return ``target``, first calling ``build(staged_dir, scratch_dir)`` if it is missing.

    ``build`` writes the converted model into ``staged_dir`` (which it must create) and may use
    ``scratch_dir`` for intermediate files; both are deleted afterwards.
    """
    if (target / COMPLETE_MARKER).exists():
        return target
    send_note(notify, message, ())  # progress only: says nothing about any result
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".convert-") as work:
        staged = Path(work) / "converted"
        build(staged, Path(work))
        (staged / COMPLETE_MARKER).write_text(stamp + "\n")
        if target.exists():  # a half-finished leftover; ours is complete
            shutil.rmtree(target, ignore_errors=True)
        try:
            staged.rename(target)
        except OSError:
            if not (target / COMPLETE_MARKER).exists():  # not a concurrent finisher
                raise
    return target
