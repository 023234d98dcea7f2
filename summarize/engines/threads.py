"""The thread policy: how many CPU threads every model of a run uses, decided in one place.

Float32 sums on the CPU may add in another order with another thread count (a matrix product's
blocks, a reduction's partial sums), so a result can change in the 7th decimal with it. A run's
models therefore all use one count, :func:`resolve_threads`: ``--threads`` when given, else the
CPUs this process may use. ``OMP_NUM_THREADS`` does not change it: torch would read it, and Ray
sets it to each worker's CPU share, so leaving the count to the libraries gave a Ray worker
another count than the local run of the same batch (and another result).

The count is decided once, where the run starts: the local engine uses it in this process, and
the Ray engine sends the same number to every actor (its CPU reservation, the environment it
starts with and its options), whose session applies it as a local session does:
:func:`apply_threads` for torch (transformers models, sentence-transformers embeddings) and
:func:`ct2_threads` for CTranslate2 (``intra_threads``).
"""

from __future__ import annotations

import os

# What a worker process starts with (:func:`thread_environment`): OpenMP (torch, CTranslate2)
# and the BLAS libraries read these when they load.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def available_cpus() -> int:
    """The CPUs this process may run on (a container or ``taskset`` may allow fewer)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve_threads(requested: int | None) -> int:
    """The thread count of a run: ``requested`` (``--threads``), else :func:`available_cpus`;
    never the environment's ``OMP_NUM_THREADS``."""
    if requested is not None:
        if requested < 1:
            raise ValueError(f"threads must be at least 1, not {requested}")
        return requested
    return available_cpus()


def apply_threads(threads: int) -> None:
    """Make torch (intra-op parallelism: every matrix product and reduction, on this and any
    thread) use ``threads``. Inter-op threads are left alone: they only run independent graph
    branches side by side (not used here), never split a sum, and torch refuses to change
    their number once any parallel work has run."""
    import torch

    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def ct2_threads(threads: int) -> dict[str, int]:
    """The keyword arguments that give a CTranslate2 model ``threads`` threads."""
    return {"intra_threads": threads}


def thread_environment(threads: int) -> dict[str, str]:
    """The environment variables a worker process starts with, so that every library it loads
    (before its session applies the count) agrees with ``threads``."""
    return dict.fromkeys(THREAD_VARIABLES, str(threads))
