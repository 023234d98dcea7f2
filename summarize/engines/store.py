"""SQLite cache of model outputs, so an interrupted or repeated run recomputes nothing.

Keys hash the model fingerprint (id, revision, backend, settings) with the exact model input, so
a changed prompt, model or setting never returns a stale output. WAL mode and a busy timeout
make concurrent runs sharing one cache file safe; rows are committed after every batch.

The cache is an optimisation only. Any failure to open, read or write it (a garbage, truncated
or read-only file, a full disk, a lock held too long) is reported once through ``warn`` and the
store turns itself off: lookups find nothing and stores are dropped, so the run goes on without
a cache and every output it computes is still returned.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outputs (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    output TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def output_key(fingerprint: str, model_input: str) -> str:
    return hashlib.sha256(f"{fingerprint}\x00{model_input}".encode()).hexdigest()


def _print_warning(message: str) -> None:
    print(f"summarize: {message}", file=sys.stderr, flush=True)


class OutputStore:
    """A persistent ``key -> output`` map shared by all engines; see the module docstring for
    what happens when the file is unusable."""

    def __init__(self, path: Path, warn: Callable[[str], None] | None = None) -> None:
        self.path = path
        self._warn = warn or _print_warning
        self._connection: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(path, timeout=60)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute(_SCHEMA)
            self._connection.execute("SELECT key FROM outputs LIMIT 1").fetchall()
        except (sqlite3.Error, OSError) as exc:
            self._fail(exc)

    @property
    def usable(self) -> bool:
        return self._connection is not None

    def _fail(self, exc: Exception) -> None:
        """Say once why the cache is off, and turn it off."""
        self.close()
        reason = str(exc).strip() or type(exc).__name__
        self._warn(
            f"warning: the output cache {self.path} cannot be used ({reason}); going on "
            "without it (outputs are computed, not stored)"
        )

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        if self._connection is None:
            return found
        try:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._connection.execute(
                    f"SELECT key, output FROM outputs WHERE key IN ({marks})", chunk
                )
                found.update(rows.fetchall())
        except sqlite3.Error as exc:
            self._fail(exc)
            return {}
        return found

    def put_many(self, model: str, items: Iterable[tuple[str, str]]) -> None:
        if self._connection is None:
            return
        now = time.time()
        rows = [(key, model, output, now) for key, output in items]
        try:
            with self._connection:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO outputs (key, model, output, created) "
                    "VALUES (?, ?, ?, ?)",
                    rows,
                )
        except sqlite3.Error as exc:
            self._fail(exc)

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(sqlite3.Error):
                connection.close()
