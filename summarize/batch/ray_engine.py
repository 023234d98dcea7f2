"""A batch on a Ray cluster (``summarize batch --engine ray``): the chunks of :func:`run_batch`
mapped over a pool of Ray actors that keep the models loaded.

Only the model work moves. The driver (this process) reads and prepares the documents (a bad
document fails there, alone, before Ray starts), skips those already in ``results.jsonl`` and
writes each result as it comes back, exactly as with the local engine. This engine puts the
chunks in a Ray Dataset, one row per chunk (so a chunk's documents share generate calls as
:func:`summarize.batch.run.chunks` made them), and maps it with ``map_batches`` over a fixed pool
of actors: each actor opens one :class:`~summarize.pipeline.session.Session` (its models loaded
once, in ``__init__``) and runs :meth:`Session.run_chunk` on each chunk, the same chunk code as
the local engine. The outcomes stream back to the driver as chunks finish (``iter_rows``), with the
chunk's index, so the driver pairs them with the chunk it sent.

Ray comes with the ``ray`` extra (``pip install -e ".[ray]"``); nothing here imports it until
an engine is made.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from summarize.engines.threads import available_cpus, resolve_threads, thread_environment
from summarize.errors import UserError
from summarize.pipeline.options import RunOptions
from summarize.pipeline.prepare import PreparedInput
from summarize.pipeline.session import Session
from summarize.progress import SilentProgress

if TYPE_CHECKING:
    from summarize.batch.run import BatchProgress

RAY_EXTRA = "pip install 'summarize[ray]' (or pip install -e '.[ray]' in a checkout)"
# What a worker reports instead of outcomes when it cannot run at all (a missing model).
FATAL = "fatal"


def import_ray() -> Any:
    """The ``ray`` module, or a one-line :class:`UserError` naming the extra to install."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise UserError(f"⟨engine=ray⟩ needs Ray, which is not installed: {RAY_EXTRA}") from exc
    return ray


@dataclass
class RayEngine:
    """Runs a batch's chunks on ``workers`` Ray actors, each with the models loaded once.

    ``address`` is the Ray cluster to connect to (default: ``RAY_ADDRESS``; ``auto`` finds one
    started with ``ray start`` on this machine); without either, a local Ray starts on this
    machine with every CPU it may use and no dashboard, and stops at the end. When this process
    is already connected to Ray (``ray.init()`` was called), that connection is used and kept.
    Each actor runs its models with the run's thread count, decided here as for the local
    engine (:func:`~summarize.engines.threads.resolve_threads`: ``threads``, else the CPUs this
    process may use), so that both give the same results. With ``threads`` given it reserves
    that many CPUs; without, one CPU (Ray's default), so that as many workers as CPUs still fit
    on a machine, each running the local run's count; and ``gpus_per_worker`` GPUs (a fraction
    shares one GPU). An actor without a GPU runs on the CPU
    unless ``device`` says otherwise.
    """

    workers: int = 1
    gpus_per_worker: float = 0.0
    address: str | None = None

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise UserError("⟨workers⟩ must be at least 1")
        if self.gpus_per_worker < 0:
            raise UserError("⟨gpus_per_worker⟩ must not be negative")
        import_ray()  # a missing extra fails before any document is read

    def results(
        self, chunks: list[list[PreparedInput]], options: RunOptions, progress: BatchProgress
    ) -> Iterator[tuple[list[PreparedInput], list[dict | str]]]:
        if not chunks:
            return
        ray = import_ray()
        workers = min(self.workers, len(chunks))  # no actor without a chunk to run
        threads = resolve_threads(options.threads)
        cpus = threads if options.threads is not None else 1  # reserved per actor
        with _connected(ray, self.address, progress) as started_here:
            _check_resources(ray, workers, cpus, self.gpus_per_worker, started_here, progress)
            rows = ray.data.from_items(
                [{"index": i, "chunk": pickle.dumps(chunk)} for i, chunk in enumerate(chunks)],
                override_num_blocks=len(chunks),  # one chunk per block: one per actor call
            )
            outcomes = rows.map_batches(
                ChunkWorker,
                batch_size=1,
                batch_format="pyarrow",
                compute=ray.data.ActorPoolStrategy(
                    size=workers,
                    max_tasks_in_flight_per_actor=1,  # a free actor takes the next chunk
                ),
                num_cpus=cpus,
                num_gpus=self.gpus_per_worker or None,
                # Ray would start an actor with OMP_NUM_THREADS set to its CPU share (or the
                # driver's): the run's count instead, the one its session applies.
                runtime_env={"env_vars": thread_environment(threads)},
                fn_constructor_kwargs={
                    "options": self.worker_options(options),
                    "needs": _one_per_model_set(chunks),
                },
            )
            progress.note(
                f"Ray: {workers} worker{'s' if workers > 1 else ''} "
                f"({_count(cpus, 'CPU')}, {_count(threads, 'thread')}"
                + (f", {self.gpus_per_worker:g} GPU" if self.gpus_per_worker else "")
                + " each), loading the models"
            )
            for row in outcomes.iter_rows():
                payload = json.loads(row["outcomes"])
                if FATAL in payload:
                    error = UserError(payload[FATAL]["message"])
                    error.exit_code = payload[FATAL]["exit_code"]
                    raise error
                yield chunks[row["index"]], payload["outcomes"]

    def worker_options(self, options: RunOptions) -> RunOptions:
        """What an actor's session runs with: the thread count decided here, on the driver
        (the actor's own CPUs must not decide it); and, where Ray gave it resources, without
        a GPU ``auto`` means the CPU."""
        options = replace(options, threads=resolve_threads(options.threads))
        if options.device == "auto" and not self.gpus_per_worker:
            return replace(options, device="cpu")
        return options


class ChunkWorker:
    """One Ray actor: a :class:`Session` (models loaded once) that runs one chunk per call.

    The session lives on one thread of its own: Ray may call an actor from another thread than
    the one that built it, and the output cache's SQLite connection works only on the thread
    that opened it.
    """

    def __init__(self, options: RunOptions, needs: list[PreparedInput]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.fatal: UserError | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="session")
        self.session: Session = self._thread.submit(Session, options, _EchoedNotes()).result()
        try:
            # Every model up front, as the local engine loads them: a missing one fails
            # before any work (reported to the driver by the first call).
            self._thread.submit(self.session.engines, needs).result()
        except UserError as exc:
            self.fatal = exc

    def __call__(self, batch: Any) -> Any:
        import pyarrow

        (index,) = batch.column("index").to_pylist()
        if self.fatal is not None:
            payload: dict = {
                FATAL: {"message": self.fatal.args[0], "exit_code": self.fatal.exit_code}
            }
        else:
            (blob,) = batch.column("chunk").to_pylist()
            payload = {"outcomes": self._thread.submit(self.run, pickle.loads(blob)).result()}
        return pyarrow.table(
            {"index": [index], "outcomes": [json.dumps(payload, ensure_ascii=False)]}
        )

    def run(self, chunk: list[PreparedInput]) -> list[dict | str]:
        """One outcome per document. A chunk that fails as a whole (an engine raised) is run
        again one document at a time, so that only the document that fails again fails, with
        its reason, and the batch goes on."""
        try:
            outcomes = self.session.run_chunk(chunk)
        except Exception as exc:
            if len(chunk) > 1:
                return [self.run([prepared])[0] for prepared in chunk]
            return [f"failed on a Ray worker: {type(exc).__name__}: {exc}"]
        return [o if isinstance(o, str) else o.to_dict() for o in outcomes]


class _EchoedNotes(SilentProgress):
    """An actor's notes go to its stderr, which Ray shows on the driver."""

    def note(self, message: str) -> None:
        import sys

        print(f"• {message}", file=sys.stderr, flush=True)


def _one_per_model_set(chunks: list[list[PreparedInput]]) -> list[PreparedInput]:
    """A document for each set of models the batch needs (round trip, each source language)."""
    needs: dict[str | None, PreparedInput] = {}
    for chunk in chunks:
        for prepared in chunk:
            key = prepared.reference.language.code if prepared.reference else None
            needs.setdefault(key, prepared)
    return list(needs.values())


@contextmanager
def _connected(ray: Any, address: str | None, progress: BatchProgress) -> Iterator[bool]:
    """Connected to Ray for the block; yields whether a local Ray was started here."""
    if ray.is_initialized():
        _quiet_ray_data(ray)
        yield False
        return
    address = address or os.environ.get("RAY_ADDRESS") or None
    # Ray's own notes (token authentication, ...) are not the user's business here.
    settings: dict[str, Any] = {"logging_level": logging.ERROR}
    if address:
        settings["address"] = address
        what = f"Connecting to the Ray cluster at {address}"
    else:
        settings |= {"address": "local", "num_cpus": available_cpus(), "include_dashboard": False}
        what = "Starting a local Ray"
    with progress.step(what):
        if address:
            _check_reachable(address)
        try:
            ray.init(**settings)
        except (ConnectionError, TimeoutError, ValueError) as exc:
            raise UserError(f"Ray: {what[0].lower()}{what[1:]} failed: {exc}") from exc
    try:
        _quiet_ray_data(ray)
        yield not address
    finally:
        ray.shutdown()  # stops a local Ray; leaves a cluster running


def _check_reachable(address: str, timeout_s: float = 10.0) -> None:
    """Ray retries an unreachable address for ever; a ``host:port`` that takes no connection
    is a one-line error instead (``auto`` and the like are left to Ray)."""
    import socket

    host, _, port = address.split("://")[-1].rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
    except OSError as exc:
        raise UserError(f"cannot reach the Ray cluster at {address}: {exc}") from exc


def _quiet_ray_data(ray: Any) -> None:
    """The batch has its own progress display: no Ray Data bars or execution logs."""
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)


def _check_resources(
    ray: Any, workers: int, cpus: int, gpus: float, local: bool, progress: BatchProgress
) -> None:
    """A local Ray cannot grow: refuse a pool it cannot hold (it would wait for ever). A cluster
    may scale up, so there a shortfall is a note."""
    total = ray.cluster_resources()
    short = []
    if workers * cpus > total.get("CPU", 0):
        short.append(
            f"{_count(workers * cpus, 'CPU')} ({cpus} per worker) of {total.get('CPU', 0):g}"
        )
    if gpus and workers * gpus > total.get("GPU", 0):
        short.append(f"{_count(workers * gpus, 'GPU')} of {total.get('GPU', 0):g}")
    if not short:
        return
    need = "workers need" if workers > 1 else "worker needs"
    message = f"{workers} Ray {need} {' and '.join(short)}"
    if local:
        raise UserError(
            f"{message} on this machine; use fewer ⟨workers⟩, ⟨threads⟩ or ⟨gpus_per_worker⟩"
        )
    progress.note(f"{message} in the cluster now: the workers start as it grows")


def _count(number: float, unit: str) -> str:
    return f"{number:g} {unit}" + ("" if number == 1 else "s")
