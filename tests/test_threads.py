"""The thread policy (summarize/engines/threads.py): one count per run, from ``--threads`` or the
CPUs this process may use and never from ``OMP_NUM_THREADS``, used by torch, CTranslate2 and
every Ray actor alike. (The Ray engine against the local one, under both settings of
``OMP_NUM_THREADS``: tests/test_batch_ray.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from summarize.engines import threads
from summarize.engines.registry import EngineRegistry
from summarize.pipeline.options import RunOptions


@pytest.fixture(autouse=True)
def torch_threads() -> Iterator[None]:
    """A registry sets torch's count for the process: restored after each test."""
    import torch

    saved = torch.get_num_threads()
    yield
    torch.set_num_threads(saved)


@pytest.mark.parametrize("omp", [None, "1", "3"])
def test_the_default_count_is_the_cpus_whatever_omp_num_threads_says(monkeypatch, omp) -> None:
    monkeypatch.setattr(threads, "available_cpus", lambda: 2)
    for name in threads.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    if omp is not None:
        monkeypatch.setenv("OMP_NUM_THREADS", omp)
    assert threads.resolve_threads(None) == 2
    assert threads.resolve_threads(3) == 3  # --threads wins
    with pytest.raises(ValueError, match="at least 1"):
        threads.resolve_threads(0)


def test_available_cpus_are_those_this_process_may_use() -> None:
    import os

    assert threads.available_cpus() == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("requested", [None, 1, 3])
def test_a_registry_gives_torch_the_run_s_count(monkeypatch, requested) -> None:
    import torch

    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setattr(threads, "available_cpus", lambda: 2)
    registry = EngineRegistry("cpu", None, lambda _note: None, threads=requested)
    assert registry.threads == (requested or 2)
    assert torch.get_num_threads() == registry.threads


@pytest.mark.parametrize("requested", [None, 3])
def test_ctranslate2_gets_the_run_s_count(monkeypatch, tmp_path: Path, requested) -> None:
    """Not CTranslate2's own default (``intra_threads=0``: its own choice, or OMP_NUM_THREADS)."""
    from summarize.engines import ct2

    made: list[dict] = []

    class FakeCt2:
        @staticmethod
        def Translator(path, **kwargs):  # CTranslate2's name
            made.append(kwargs)

    monkeypatch.setattr(ct2, "import_ct2", lambda: FakeCt2)
    monkeypatch.setattr(threads, "available_cpus", lambda: 2)
    ct2.load_ct2_model("Translator", tmp_path, "cpu", "float32", requested)
    assert made == [
        {
            "device": "cpu",
            "device_index": 0,
            "compute_type": "float32",
            "intra_threads": requested or 2,
        }
    ]


def test_ray_workers_get_the_driver_s_count(monkeypatch) -> None:
    """The driver decides the count (an actor's own machine, or Ray's OMP_NUM_THREADS, must not):
    the actors' options carry it and their environment says it."""
    pytest.importorskip("ray")
    from summarize.batch.ray_engine import RayEngine

    monkeypatch.setattr(threads, "available_cpus", lambda: 2)
    options = RunOptions(summarizers=[], device="cpu")
    engine = RayEngine(workers=2)
    assert engine.worker_options(options).threads == 2
    assert engine.worker_options(replace(options, threads=1)).threads == 1
    assert options.threads is None  # the batch's settings (and settings_key) are unchanged
    assert threads.thread_environment(2) == {
        "OMP_NUM_THREADS": "2",
        "MKL_NUM_THREADS": "2",
        "OPENBLAS_NUM_THREADS": "2",
    }
