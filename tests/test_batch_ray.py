"""`summarize batch --engine ray` on a local Ray (2 CPUs, no dashboard), with tiny random-weight
Marian models built offline: the Ray engine gives the local engine's results and reports, a bad
document fails alone, an interrupted run resumes without recomputing what was written, and a
missing Ray is a one-line error.

Every test on the module's Ray runs twice, with ``OMP_NUM_THREADS`` unset and set to 1 (see
:func:`thread_env`): the results must not depend on it.

Actors run in other processes, so monkeypatching this process does not reach them: the module's
Ray starts every worker with :func:`in_every_worker` (a ``worker_process_setup_hook``), which
makes the same changes there as the local runs here get from :func:`patched`. Random weights give
garbage text, so the checks compare engines and look at structure, never at the words.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from summarize.batch.run import run_batch
from summarize.input.documents import read_batch_input
from summarize.pipeline.options import RunOptions
from summarize.render.batch_text import write_batch_reports
from tests.conftest import REPO, assert_one_line_error, run_cli
from tests.tiny_models import RUSSIAN

ENGLISH = [
    "The situation in Kazakhstan escalated on January 2 after protests began.",
    "They then turned into mass protests in several cities of the country.",
    "The president declared a state of emergency and asked allies for help.",
]
POISONED = "The poisoned well was closed by the village council on Monday morning."
CRASHING = "A lorry hit the crash barrier near the bridge late on Sunday evening."
# Two documents in reference mode, three round trips (one whose scoring fails), one empty
# (fails while being prepared, before any engine): with the first alone and chunks of two, the
# engine gets [ru-1], [plain, ru-2], [poisoned, last].
DOCUMENTS = [
    {"id": "ru-1", "text": "\n".join(ENGLISH[:2]), "source": "\n".join(RUSSIAN[:2])},
    {"id": "plain", "text": "Prices for liquefied gas doubled at the start of the year."},
    {"id": "ru-2", "text": ENGLISH[2], "source": RUSSIAN[2]},
    {"id": "empty", "text": " "},
    {"id": "poisoned", "text": POISONED},
    {"id": "last", "text": f"{ENGLISH[0]} {ENGLISH[1]}"},
]
CHUNKING = {"chunk_documents": 2, "first_alone": True}
REPORTS = ("report.md", "summary.csv", "report.html")


# -- what every engine run here gets, in this process and in the Ray workers ------------------


def short_generations() -> None:
    """Random weights rarely stop: short generations (as in tests/test_batch_models.py)."""
    from summarize.engines.seq2seq import engine as seq2seq

    seq2seq.TRANSLATION_TOKENS_PER_INPUT_TOKEN = 1.0
    seq2seq.TRANSLATION_EXTRA_TOKENS = 4


def faults() -> None:
    """Scoring fails for the poisoned document; a generate call with the crashing one raises."""
    from summarize.pipeline import chunk as batch_chunk

    score_summaries, translate_documents = (
        batch_chunk.score_summaries,
        batch_chunk.translate_documents,
    )

    def failing_scores(prepared, *args, **kwargs):
        if prepared.text == POISONED:
            raise ValueError("poisoned document")
        return score_summaries(prepared, *args, **kwargs)

    def crashing_translate(translator, documents, *args, **kwargs):
        if any(CRASHING in text for texts in documents for text in texts):
            raise RuntimeError("the engine crashed")
        return translate_documents(translator, documents, *args, **kwargs)

    batch_chunk.score_summaries = failing_scores
    batch_chunk.translate_documents = crashing_translate


def in_every_worker() -> None:
    short_generations()
    faults()


SETUP_HOOK = f"{__name__}.in_every_worker"


def _patched_here() -> bool:
    from summarize.engines.seq2seq import engine as seq2seq

    return seq2seq.TRANSLATION_EXTRA_TOKENS == 4


@contextmanager
def patched() -> Iterator[None]:
    """:func:`in_every_worker` for this process, undone afterwards."""
    from summarize.engines.seq2seq import engine as seq2seq
    from summarize.pipeline import chunk as batch_chunk

    saved = [
        (module, name, getattr(module, name))
        for module, name in [
            (seq2seq, "TRANSLATION_TOKENS_PER_INPUT_TOKEN"),
            (seq2seq, "TRANSLATION_EXTRA_TOKENS"),
            (batch_chunk, "score_summaries"),
            (batch_chunk, "translate_documents"),
        ]
    ]
    in_every_worker()
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["OMP_NUM_THREADS unset", "OMP_NUM_THREADS=1"])
def thread_env(request) -> Iterator[str]:
    """The thread environment of this process, set before the module's Ray starts (its workers
    inherit it) and before the local run. Unset, Ray starts a 1-CPU worker with one thread while
    torch here would use every core; the run's thread count must decide both. The default count
    (this machine's CPUs) is 1 here, whatever the machine, so that two workers fit the 2-CPU Ray.
    """
    import torch

    from summarize.engines import threads

    saved = torch.get_num_threads()  # a session sets it for the process: restored afterwards
    with pytest.MonkeyPatch.context() as patch:
        for name in threads.THREAD_VARIABLES:
            patch.delenv(name, raising=False)
        if request.param == "OMP_NUM_THREADS=1":
            patch.setenv("OMP_NUM_THREADS", "1")
        patch.setattr(threads, "available_cpus", lambda: 1)
        yield request.param
    torch.set_num_threads(saved)


@pytest.fixture(scope="module")
def options(marian) -> RunOptions:
    forward, backward = str(marian["en-ru"]), str(marian["ru-en"])
    return RunOptions(
        translator=forward,
        translators=[forward],
        back_translator=backward,
        summarizers=[],
        device="cpu",
        use_cache=False,
    )


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory, thread_env) -> Iterator[object]:
    """This process connected to a local Ray of 2 CPUs and one logical GPU (a resource Ray
    schedules by, so GPU workers can be tested without one); the engines use it and leave it up."""
    ray = pytest.importorskip("ray")
    # The workers import this checkout, and this file under the name pytest gave it.
    here = [str(REPO), str(Path(__file__).parent), os.environ.get("PYTHONPATH")]
    env = {
        "PYTHONPATH": os.pathsep.join(filter(None, here)),
        "HF_HUB_OFFLINE": "1",
        "SUMMARIZE_CACHE_DIR": str(tmp_path_factory.mktemp("ray-cache")),
    }
    ray.init(
        address="local",
        num_cpus=2,
        num_gpus=1,  # a logical GPU (none is used: the tiny models run on the CPU)
        include_dashboard=False,
        logging_level="ERROR",
        runtime_env={"env_vars": env, "worker_process_setup_hook": SETUP_HOOK},
    )
    try:
        # A worker that cannot start is restarted for ever: fail here instead.
        assert ray.get(ray.remote(_patched_here).remote(), timeout=120)
        yield ray
    finally:
        ray.shutdown()


def write_jsonl(path: Path, documents: list[dict]) -> Path:
    lines = []
    for document in documents:
        record = dict(document)
        if "source" in record:
            record["source_lang"] = "ru"
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


@dataclass
class Run:
    input: Path
    out: Path
    lines: list[str]  # results.jsonl as written
    errors: list[tuple[str | None, str]]


def batch(input_path: Path, out: Path, options: RunOptions, engine=None, **chunking) -> Run:
    result = run_batch(read_batch_input(input_path), out, options, engine=engine, **chunking)
    write_batch_reports(result, out)
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return Run(input_path, out, lines, [(e.id, e.message) for e in result.errors])


def without_timings(lines: list[str]) -> list[dict]:
    data = [json.loads(line) for line in lines]
    for line in data:
        line.pop("timings")
    return data


@pytest.fixture(scope="module")
def local_run(tmp_path_factory, options, thread_env) -> Run:
    """The local engine on :data:`DOCUMENTS`: what the Ray engine must give."""
    root = tmp_path_factory.mktemp("local")
    with patched():
        return batch(write_jsonl(root / "docs.jsonl", DOCUMENTS), root / "out", options, **CHUNKING)


# -- the Ray engine against the local one -----------------------------------------------------


def test_ray_gives_the_local_results_and_reports(
    tmp_path: Path, options, ray_cluster, local_run: Run
) -> None:
    """Two actors, three chunks: every results.jsonl line (timings aside), the failures and the
    reports equal the local engine's; the poisoned document fails alone in both."""
    from summarize.batch.ray_engine import RayEngine

    ray_run = batch(local_run.input, tmp_path / "out", options, RayEngine(workers=2), **CHUNKING)
    assert [json.loads(line)["input"]["document_id"] for line in ray_run.lines] == [
        "ru-1",
        "plain",
        "ru-2",
        "last",
    ]
    assert without_timings(ray_run.lines) == without_timings(local_run.lines)
    assert ray_run.errors == local_run.errors
    assert ("poisoned", "scoring failed: ValueError: poisoned document") in ray_run.errors
    assert [doc_id for doc_id, _ in ray_run.errors] == ["empty", "poisoned"]
    for name in REPORTS:
        assert (ray_run.out / name).read_text() == (local_run.out / name).read_text(), name


def test_gpu_workers_share_a_gpu_and_give_the_local_results(
    tmp_path: Path, options, ray_cluster, local_run: Run, monkeypatch
) -> None:
    """`--gpus-per-worker 0.5`: the actor pool asks Ray for half a GPU per actor, so two actors
    share the cluster's one GPU, and the results equal the local engine's. (The GPU here is a
    logical one, so the actors' torch finds no CUDA and ``auto`` runs on the CPU.)"""
    import ray.data

    from summarize.batch.ray_engine import RayEngine

    asked: list[dict] = []
    map_batches = ray.data.Dataset.map_batches

    def recording(self, fn, **kwargs):
        asked.append(kwargs)
        return map_batches(self, fn, **kwargs)

    monkeypatch.setattr(ray.data.Dataset, "map_batches", recording)
    engine = RayEngine(workers=2, gpus_per_worker=0.5)
    assert engine.worker_options(options).device == "cpu"  # options say cpu: kept
    assert engine.worker_options(replace(options, device="auto")).device == "auto"
    assert RayEngine(workers=1).worker_options(replace(options, device="auto")).device == "cpu"
    ray_run = batch(local_run.input, tmp_path / "out", options, engine, **CHUNKING)
    assert [(kw["num_gpus"], kw["compute"].min_size) for kw in asked] == [(0.5, 2)]
    # The run's thread count (the default: this machine's CPUs, 1 here), decided on the driver:
    # each actor reserves it, starts with it and its session applies it.
    (kwargs,) = asked
    assert kwargs["num_cpus"] == 1
    assert kwargs["runtime_env"]["env_vars"]["OMP_NUM_THREADS"] == "1"
    assert kwargs["fn_constructor_kwargs"]["options"].threads == 1
    assert without_timings(ray_run.lines) == without_timings(local_run.lines)
    assert ray_run.errors == local_run.errors


def test_gpus_a_local_ray_lacks_are_a_one_line_error(tmp_path: Path) -> None:
    """A local Ray cannot grow: asking for a GPU on a machine without one (as here) is refused
    in one line before any model loads, instead of waiting for ever."""
    pytest.importorskip("ray")
    documents = write_jsonl(tmp_path / "docs.jsonl", [DOCUMENTS[1]])
    args = ["batch", str(documents), "--out", str(tmp_path / "out"), "--engine", "ray"]
    result = run_cli(*args, "--gpus-per-worker", "1", "--summarizer", "none")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    last = result.stderr.splitlines()[-1]  # after the progress lines
    assert last == (
        "summarize: error: 1 Ray worker needs 1 GPU of 0 on this machine; use fewer "
        "--workers, --threads or --gpus-per-worker"
    )


def test_a_chunk_that_crashes_on_a_worker_fails_only_its_bad_document(
    tmp_path: Path, options, ray_cluster
) -> None:
    """An engine raising in a chunk does not stop the batch: the chunk is run again one
    document at a time, and only the document that crashes again fails. (With the workers'
    output cache on, as users run it.)"""
    from summarize.batch.ray_engine import RayEngine

    documents = [DOCUMENTS[1], {"id": "crash", "text": CRASHING}, DOCUMENTS[5]]
    run = batch(
        write_jsonl(tmp_path / "docs.jsonl", documents),
        tmp_path / "out",
        replace(options, use_cache=True),
        RayEngine(workers=1),
        chunk_documents=3,
    )
    assert [json.loads(line)["input"]["document_id"] for line in run.lines] == ["plain", "last"]
    assert run.errors == [
        ("crash", "failed on a Ray worker: RuntimeError: the engine crashed"),
    ]


def test_a_model_missing_on_the_workers_stops_the_batch_in_one_line(
    tmp_path: Path, options, ray_cluster, local_run: Run
) -> None:
    """Each actor loads every model before its first chunk, as the local engine does: a model
    that is neither local nor cached (the workers are offline) ends the batch with the
    library's one-line error, and nothing is written."""
    from summarize.batch.ray_engine import RayEngine
    from summarize.errors import ModelUnavailableError, UserError

    missing = replace(options, translator="example-org/not-cached", translators=[])
    out = tmp_path / "out"
    with pytest.raises(UserError) as error:
        run_batch(read_batch_input(local_run.input), out, missing, engine=RayEngine(workers=1))
    assert error.value.exit_code == ModelUnavailableError.exit_code
    assert "example-org/not-cached" in str(error.value)
    assert (out / "results.jsonl").read_text() == ""


def test_an_interrupted_ray_run_resumes_without_recomputing(
    tmp_path: Path, options, ray_cluster, local_run: Run
) -> None:
    """A folder left by a killed run (two documents written, the third cut off mid-line):
    the Ray engine runs only the rest, keeps the written lines as they were (their timings
    too), and the reports equal those of the uninterrupted local run."""
    from summarize.batch.ray_engine import RayEngine

    out = tmp_path / "out"
    out.mkdir()
    kept = local_run.lines[:2]
    torn = local_run.lines[2][:60]
    (out / "results.jsonl").write_text("\n".join([*kept, torn]), encoding="utf-8")
    shutil.copy(local_run.out / "batch.json", out / "batch.json")
    result = run_batch(read_batch_input(local_run.input), out, options, engine=RayEngine(workers=1))
    write_batch_reports(result, out)
    assert result.run_stats["resumed"] == 2 and result.run_stats["processed"] == 3
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == kept  # byte for byte: not recomputed
    assert without_timings(lines) == without_timings(local_run.lines)
    for name in REPORTS:
        assert (out / name).read_text() == (local_run.out / name).read_text(), name


# -- the command line --------------------------------------------------------------------------


def test_ctrl_c_on_the_command_line_and_the_same_command_resumes(
    tmp_path: Path, marian, monkeypatch
) -> None:
    """`summarize batch --engine ray` starts its own local Ray. Ctrl-C once the first document
    is written ends it with the usual line; the same command finishes the batch without
    recomputing what was written."""
    pytest.importorskip("ray")
    first = {"id": "first", "text": ENGLISH[0], "source": RUSSIAN[0]}
    # Long documents (reference mode: the tiny models take short Russian lines) keep the
    # worker busy after the first one.
    long = [
        {
            "id": f"long-{n}",
            "text": "\n".join(ENGLISH[(n + i) % 3] for i in range(20)),
            "source": "\n".join(RUSSIAN[(n + i) % 5] for i in range(20)),
        }
        for n in range(3)
    ]
    documents = write_jsonl(tmp_path / "docs.jsonl", [first, *long])
    out = tmp_path / "out"
    common = ["--translator", str(marian["en-ru"]), "--summarizer", "none", "--device", "cpu"]
    common += ["--no-cache", "--chunk-documents", "1"]
    command = [sys.executable, "-m", "summarize", "batch", str(documents), "--out", str(out)]
    command += [*common, "--engine", "ray", "--workers", "1"]
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    results = out / "results.jsonl"
    deadline = time.monotonic() + 300
    while not (results.exists() and results.read_text(encoding="utf-8").strip()):
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "no document was written"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert f"summarize: interrupted; finished documents are kept in {results}" in stderr
    assert "Traceback" not in stderr
    written = results.read_text(encoding="utf-8").splitlines()
    assert 1 <= len(written) < 4

    resumed = run_cli(*command[3:], timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(written)} from an earlier run" in resumed.stdout + resumed.stderr
    lines = results.read_text(encoding="utf-8").splitlines()
    assert lines[: len(written)] == written  # not recomputed
    ids = [json.loads(line)["input"]["document_id"] for line in lines]
    assert ids == ["first", "long-0", "long-1", "long-2"]


def test_without_ray_the_engine_is_a_one_line_error(tmp_path: Path, monkeypatch) -> None:
    """A `ray` that cannot be imported (here a stand-in first on the path) is reported in one
    line naming the extra to install, before any document is read."""
    fake = tmp_path / "fake" / "ray"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError(\"No module named 'ray'\")\n")
    path = os.pathsep.join(
        filter(None, [str(fake.parent), str(REPO), os.environ.get("PYTHONPATH")])
    )
    monkeypatch.setenv("PYTHONPATH", path)
    missing = tmp_path / "missing.jsonl"
    result = run_cli("batch", str(missing), "--out", str(tmp_path / "out"), "--engine", "ray")
    assert_one_line_error(result, "--engine ray needs Ray", "summarize[ray]")
    assert result.returncode == 2


def test_an_unreachable_cluster_is_a_one_line_error(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    documents = write_jsonl(tmp_path / "docs.jsonl", [DOCUMENTS[1]])
    args = ["batch", str(documents), "--out", str(tmp_path / "out"), "--engine", "ray"]
    result = run_cli(*args, "--ray-address", "127.0.0.1:1")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    last = result.stderr.splitlines()[-1]  # after the progress lines
    assert last.startswith("summarize: error: cannot reach the Ray cluster at 127.0.0.1:1: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "spark"], "unknown engine 'spark'; use local or ray"),
        (["--workers", "2"], "--workers, --gpus-per-worker and --ray-address need --engine ray"),
        (["--engine", "ray", "--workers", "0"], "--workers must be at least 1"),
    ],
)
def test_engine_options_are_checked_first(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli("batch", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o"), *args)
    assert_one_line_error(result, message)
