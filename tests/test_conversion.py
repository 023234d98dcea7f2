"""Model conversion into the cache: a conversion that was killed leaves a ``.convert-*``
folder behind, which the next conversion removes (never one that is still running)."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from summarize.engines.files.conversion import COMPLETE_MARKER, convert_once


def test_orphaned_conversion_folders_are_removed(tmp_path: Path) -> None:
    parent = tmp_path / "ct2"
    parent.mkdir()
    killed = parent / ".convert-killed"  # its process died: nobody holds its lock
    (killed / "converted").mkdir(parents=True)
    (killed / ".lock").touch()
    old = parent / ".convert-old"  # from before locks, long ago
    old.mkdir()
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    live = parent / ".convert-live"  # another process converting right now
    live.mkdir()
    handle = open(live / ".lock", "w")  # noqa: SIM115 (held across the conversion below)
    fcntl.flock(handle, fcntl.LOCK_EX)
    starting = parent / ".convert-starting"  # just made, lock not yet taken
    starting.mkdir()

    def build(staged: Path, scratch: Path) -> None:
        staged.mkdir()
        (staged / "model.bin").write_text("weights")

    try:
        target = convert_once(parent / "model", build, lambda message: None, "converting")
    finally:
        handle.close()
    assert (target / COMPLETE_MARKER).exists()
    left = sorted(p.name for p in parent.iterdir())
    assert left == [".convert-live", ".convert-starting", "model"]
