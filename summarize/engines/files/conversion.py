"""Convert a model once into the cache, atomically, so later runs load it directly.

Used for the bundled GGUF → transformers conversion and for transformers → CTranslate2. The
result is built in a temporary folder beside the target and renamed into place when complete,
so an interrupted or concurrent conversion never leaves a half-written model behind.

A conversion that was killed (kill -9, power loss) cannot remove its temporary ``.convert-*``
folder, which may hold gigabytes. Each conversion holds a lock on a file in its folder while it
runs, so the next conversion in the same place removes the folders whose lock nobody holds.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from summarize.engines.notes import send_note

COMPLETE_MARKER = ".summarize-complete"
WORK_PREFIX = ".convert-"
_LOCK = ".lock"
# A work folder with no lock file yet may be one that is just starting.
_UNLOCKED_GRACE_S = 3600


def _is_stale(work: Path) -> bool:
    """Nobody is converting in ``work``: its lock is free (or it never had one, long ago)."""
    try:
        descriptor = os.open(work / _LOCK, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        try:
            return time.time() - work.stat().st_mtime > _UNLOCKED_GRACE_S
        except OSError:
            return False
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)  # also releases the lock, if we took it
    return True


def remove_stale_work(parent: Path) -> None:
    """Remove the ``.convert-*`` folders in ``parent`` that killed conversions left behind."""
    if not parent.is_dir():
        return
    for work in parent.glob(f"{WORK_PREFIX}*"):
        if work.is_dir() and not work.is_symlink() and _is_stale(work):
            shutil.rmtree(work, ignore_errors=True)


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
    remove_stale_work(target.parent)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=WORK_PREFIX))
    # Held until the folder is gone: it tells other runs that this conversion is alive.
    lock = os.open(work / _LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        staged = work / "converted"
        build(staged, work)
        (staged / COMPLETE_MARKER).write_text(stamp + "\n")
        if target.exists():  # a half-finished leftover; ours is complete
            shutil.rmtree(target, ignore_errors=True)
        try:
            staged.rename(target)
        except OSError:
            if not (target / COMPLETE_MARKER).exists():  # not a concurrent finisher
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
        os.close(lock)
    return target
