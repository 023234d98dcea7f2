from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from summarize.engines.store import OutputStore, output_key


def test_round_trip_and_key_sensitivity(tmp_path: Path) -> None:
    store = OutputStore(tmp_path / "cache.sqlite3")
    key = output_key("model-a", "hello")
    assert output_key("model-b", "hello") != key
    assert output_key("model-a", "hello!") != key
    store.put_many("model-a", [(key, "привет")])
    assert store.get_many([key, output_key("model-a", "other")]) == {key: "привет"}
    store.close()
    assert OutputStore(tmp_path / "cache.sqlite3").get_many([key]) == {key: "привет"}


def _writer(path: str, worker: int) -> None:
    store = OutputStore(Path(path))
    for batch in range(20):
        store.put_many(
            "m", [(output_key("m", f"{worker}-{batch}-{i}"), f"out {worker}") for i in range(25)]
        )
    store.close()


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    OutputStore(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), w)) for w in range(3)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    keys = [output_key("m", f"{w}-{b}-{i}") for w in range(3) for b in range(20) for i in range(25)]
    found = OutputStore(path).get_many(keys)
    assert len(found) == 3 * 20 * 25
    assert found[keys[-1]] == "out 2"


def test_store_turns_itself_off_and_warns_once(tmp_path: Path) -> None:
    said: list[str] = []
    path = tmp_path / "outputs.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    store = OutputStore(path, said.append)
    assert not store.usable
    key = output_key("m", "x")
    store.put_many("m", [(key, "y")])
    assert store.get_many([key]) == {}
    assert len(said) == 1 and "not a database" in said[0]
    # A failure after a good start (the disk fills, the file is locked...): the same.
    good = OutputStore(tmp_path / "good.sqlite3", said.append)
    good.put_many("m", [(key, "y")])
    assert good.get_many([key]) == {key: "y"}
    good._connection.close()  # any sqlite3 error from now on
    good._connection = sqlite3.connect(":memory:")  # no table: every query fails
    assert good.get_many([key]) == {}
    good.put_many("m", [(key, "z")])
    assert len(said) == 2 and not good.usable
