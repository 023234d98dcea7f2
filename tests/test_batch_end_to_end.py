"""`summarize batch` with the real bundled models on three tiny documents: killed after the first
chunk is written and started again, it gives the same results and reports as a run that was never
interrupted (each with its own fresh model-output cache). Slow: CI runs it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sacrebleu

from tests.conftest import REPO, shared_conversions

pytestmark = pytest.mark.slow

DOCUMENTS = [
    {"id": "council", "text": "The city council approved the budget. Schools get more money."},
    {"id": "rain", "text": "Heavy rain flooded the streets. Nobody was hurt, officials said."},
    {"id": "bridge", "text": "The old bridge will reopen next week after repairs."},
]
# Two documents per chunk: the first chunk's sentences share generate calls.
COMMAND = ["batch", "--summarizer", "none", "--chunk-documents", "2", "--pivot", "ru"]


def fresh_cache(root: Path) -> Path:
    return shared_conversions(root, ("converted",))


def start(inputs: Path, out: Path, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "SUMMARIZE_CACHE_DIR": str(cache)}
    return subprocess.Popen(
        [sys.executable, "-m", "summarize", *COMMAND, str(inputs), "--out", str(out)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished_lines(out: Path) -> int:
    path = out / "results.jsonl"
    return path.read_text(encoding="utf-8").count("\n") if path.exists() else 0


def comparable(out: Path) -> list[dict]:
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    for line in lines:
        line.pop("timings")
    return lines


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("batch-input") / "docs.jsonl"
    lines = [json.dumps(d) for d in DOCUMENTS] + ['{"id": "broken", "text": ']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_interrupted_batch_resumes_to_the_same_report(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "interrupted"
    cache = fresh_cache(tmp_path / "cache-interrupted")
    process = start(inputs, out, cache)
    deadline = time.monotonic() + 1200
    while finished_lines(out) < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    killed = process.poll() is None
    if killed:
        process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    if killed:
        assert finished_lines(out) < len(DOCUMENTS), "the kill came after everything was written"

    resumed = start(inputs, out, cache)
    stdout, stderr = resumed.communicate(timeout=1200)
    assert resumed.returncode == 1, stderr  # one malformed line
    assert "1 documents failed" in stderr
    assert "from an earlier run" in stdout

    reference = tmp_path / "uninterrupted"
    plain = start(inputs, reference, fresh_cache(tmp_path / "cache-plain"))
    _, plain_err = plain.communicate(timeout=1200)
    assert plain.returncode == 1, plain_err

    assert comparable(out) == comparable(reference)
    for name in ("report.html", "report.md", "summary.csv"):
        assert (out / name).read_text() == (reference / name).read_text(), name

    lines = comparable(reference)
    assert [line["input"]["document_id"] for line in lines] == [d["id"] for d in DOCUMENTS]
    for line in lines:
        assert line["schema"] == "summarize.run/2"
        system = line["translations"][0]
        outputs = [s["output"] for s in system["segments"]]
        originals = [s["source"] for s in system["segments"]]
        bleu = sacrebleu.corpus_bleu(outputs, [originals]).score
        assert system["scores"]["bleu"]["value"] == pytest.approx(bleu)
    html = (reference / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "bundled:en→ru→en" in html
    assert "broken" not in json.dumps(lines) and "not valid JSON" in html
