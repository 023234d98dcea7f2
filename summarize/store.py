"""SQLite cache of model outputs, so an interrupted or repeated run recomputes nothing.

Keys hash the model fingerprint (id, revision, backend, settings) with the exact model input, so
a changed prompt, model or setting never returns a stale output. WAL mode and a busy timeout
make concurrent runs sharing one cache file safe; rows are committed after every batch.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterable, Sequence
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


class OutputStore:
    """A persistent ``key -> output`` map shared by all engines."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._connection = sqlite3.connect(path, timeout=60)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute(_SCHEMA)

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._connection.execute(
                f"SELECT key, output FROM outputs WHERE key IN ({marks})", chunk
            )
            found.update(rows.fetchall())
        return found

    def put_many(self, model: str, items: Iterable[tuple[str, str]]) -> None:
        now = time.time()
        with self._connection:
            self._connection.executemany(
                "INSERT OR REPLACE INTO outputs (key, model, output, created) VALUES (?, ?, ?, ?)",
                [(key, model, output, now) for key, output in items],
            )

    def close(self) -> None:
        self._connection.close()
