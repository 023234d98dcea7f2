"""The output folder of a batch: one input's results, resumable, and never lost on a fault.

- ``batch.json`` records the input (resolved path and content hash) and the settings. A folder
  holding another input's results, or results with other settings, or results with no record
  at all (nothing says what they were made from), is refused unless ``restart`` discards them.
- ``results.jsonl`` gets one line per finished document, appended with ``os.write`` and
  fsync'd. An append that fails (a full disk) is cut back to the last whole line, so the file
  only ever holds whole results; a line torn by a kill is dropped on the next start.
- ``.batch.lock`` lets one batch write at a time; it is opened without following a link and
  never truncated (a link planted there must not clobber its target).

Every failure to create or write a file becomes a one-line :class:`UserError` naming it.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from summarize.errors import UserError, cannot_write

RESULTS_FILE = "results.jsonl"
MANIFEST_FILE = "batch.json"
LOCK_FILE = ".batch.lock"
# Everything a batch writes into its folder (reports included): none of them can be its input.
OWN_FILES = (RESULTS_FILE, MANIFEST_FILE, LOCK_FILE, "report.html", "report.md", "summary.csv")
_RESTART = "use another ⟨out⟩ folder or pass ⟨restart=True⟩ to discard them"


def check_folder(out_dir: Path, input_path: Path) -> None:
    """Before anything is read from or written to ``out_dir``: it is (or can become) a folder,
    and the input is not one of the files the batch writes there."""
    resolved = input_path.resolve()
    if any(resolved == (out_dir / name).resolve() for name in OWN_FILES):
        raise UserError(
            f"{input_path}: is a file this batch writes in {out_dir}; "
            "copy it elsewhere or use another ⟨out⟩ folder"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir}: is a file, not a folder; give ⟨out⟩ a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(out_dir, exc) from exc


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """One batch writes to a folder at a time (the model cache itself is shared safely)."""
    path = out_dir / LOCK_FILE
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        if path.is_symlink():
            raise UserError(f"{path}: is a symbolic link; remove it (it is not followed)") from exc
        raise cannot_write(out_dir, exc) from exc
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise UserError(f"{out_dir}: another summarize batch is writing here") from exc
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def check_manifest(out_dir: Path, record: dict[str, Any], restart: bool) -> None:
    """Refuse a folder whose results were made from another input or with other settings (or
    from an unrecorded one), unless ``restart``; then record this batch in ``batch.json``.

    ``record`` holds ``input``, ``input_resolved``, ``input_sha256`` and ``settings_key``.
    """
    from summarize.files import write_atomically

    manifest, results = out_dir / MANIFEST_FILE, out_dir / RESULTS_FILE
    if restart:
        try:
            results.unlink(missing_ok=True)
        except OSError as exc:
            raise cannot_write(results, exc) from exc
    elif manifest.exists():
        _check_previous(out_dir, _read_manifest(manifest), record)
    elif _has_results(results):
        raise UserError(
            f"{out_dir} holds {RESULTS_FILE} but no {MANIFEST_FILE} saying what its results "
            f"were made from; {_RESTART}"
        )
    write_atomically(manifest, json.dumps(record, indent=2, ensure_ascii=False) + "\n")


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return previous if isinstance(previous, dict) else {}


def _check_previous(out_dir: Path, previous: dict[str, Any], record: dict[str, Any]) -> None:
    if previous.get("settings_key") != record["settings_key"]:
        raise UserError(f"{out_dir} holds results made with other settings; {_RESTART}")
    if previous.get("input_resolved") != record["input_resolved"]:
        shown = previous.get("input") or "an unrecorded input"
        raise UserError(f"{out_dir} holds the results of another input ({shown}); {_RESTART}")
    if previous.get("input_sha256") != record["input_sha256"]:
        raise UserError(
            f"{out_dir} holds the results of {record['input']} as it was before it changed; "
            f"{_RESTART}"
        )


def _has_results(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False


def load_results(path: Path, key: Callable[[dict], Any]) -> dict[Any, dict]:
    """Finished results by ``key(line)``; a torn or malformed line (a kill mid-write) is
    dropped."""
    finished: dict[Any, dict] = {}
    if not path.exists():
        return finished
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    data = json.loads(line)
                    finished[key(data)] = data
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror})") from exc
    return finished


def write_results(path: Path, lines: list[dict]) -> None:
    """Replace ``path`` with ``lines`` atomically (the old file stays whole if this fails)."""
    from summarize.files import write_atomically

    write_atomically(path, "".join(_line(data) for data in lines))


def _line(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False) + "\n"


class ResultsAppender:
    """Appends whole lines to ``results.jsonl``, each on disk (fsync'd) before the next.

    A failed append is cut back to the last whole line and becomes a one-line
    :class:`UserError` saying how many documents the file keeps.
    """

    def __init__(self, path: Path, kept: int) -> None:
        self.path = path
        self.kept = kept
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            self._descriptor = os.open(path, flags, 0o666)
        except OSError as exc:
            raise cannot_write(path, exc) from exc

    def append(self, data: dict) -> None:
        encoded = _line(data).encode("utf-8")
        size = os.fstat(self._descriptor).st_size
        try:
            view = memoryview(encoded)
            while view:
                view = view[os.write(self._descriptor, view) :]
            os.fsync(self._descriptor)
        except OSError as exc:
            with suppress(OSError):  # if this fails too, the next start drops the torn line
                os.ftruncate(self._descriptor, size)  # needs no space
            raise cannot_write(
                self.path,
                exc,
                f"{self.kept} finished documents are kept in it: make room and run the same "
                "command again to resume",
            ) from exc
        self.kept += 1

    def close(self) -> None:
        os.close(self._descriptor)

    def __enter__(self) -> ResultsAppender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
