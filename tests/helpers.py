"""Helpers shared by the test files: one subprocess runner, the sacrebleu command line, word
noise for made-up systems, and one WMT XML writer.

Fixtures live in ``conftest.py``; plain functions live here so that test files import them
from one place instead of from each other.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

REPO = Path(__file__).resolve().parent.parent


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_module(
    module: str,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 1800,
    memory_gb: float | None = None,
    cwd: Path = REPO,
) -> CliResult:
    """``python -m MODULE ARGS`` in its own process, capturing both streams.

    ``env`` is added to this process's environment. ``memory_gb`` caps the address space (with
    one BLAS thread, so thread buffers do not eat it), as a small machine would: reading
    something huge then fails instead of filling memory."""
    environment = {**os.environ, **(env or {})}
    cap = None
    if memory_gb is not None:
        environment.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        size = int(memory_gb * 1024**3)

        def cap() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    completed = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        cwd=cwd,
        preexec_fn=cap,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def score_json(*args: str) -> dict:
    """``summarize score ARGS --json``, which must succeed, parsed."""
    result = run_module("summarize", "score", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def sacrebleu_cli(*args: str) -> str:
    """sacrebleu's own command line (in this interpreter), its standard output."""
    completed = subprocess.run(
        [sys.executable, "-m", "sacrebleu", *args],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": ""},
    )
    return completed.stdout


def drop_words(lines: list[str], probability: float, seed: int) -> list[str]:
    """Each word dropped with ``probability`` (seeded): an imperfect made-up system."""
    rng = random.Random(seed)
    return [" ".join(w for w in line.split() if rng.random() >= probability) for line in lines]


def swap_neighbours(lines: list[str], seed: int) -> list[str]:
    """One pair of neighbouring words swapped in every line of more than three words."""
    rng = random.Random(seed)
    out = []
    for line in lines:
        words = line.split()
        if len(words) > 3:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        out.append(" ".join(words))
    return out


# -- WMT21+ XML test sets ----------------------------------------------------------------------


@dataclass
class Side:
    """A ``<src>``, ``<ref>`` or ``<hyp>`` of a WMT document: its attributes and its segments
    (id → text), written in the order given."""

    tag: str
    attributes: dict[str, str]
    segments: dict[int, str]


@dataclass
class WmtDoc:
    id: str
    sides: list[Side] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=lambda: {"origlang": "ru"})


def wmt_xml(documents: Iterable[WmtDoc], dataset: str = "newstest2021") -> str:
    """A WMT21+ XML file (``dataset/collection/doc/src|ref|hyp/p/seg``) holding ``documents``."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', f"<dataset id={quoteattr(dataset)}>"]
    out.append('  <collection id="general">')
    for doc in documents:
        attributes = _attributes({"id": doc.id, **doc.attributes})
        out.append(f"    <doc{attributes}>")
        for side in doc.sides:
            segments = "".join(
                f'<seg id="{seg_id}">{escape(text)}</seg>' for seg_id, text in side.segments.items()
            )
            out.append(f"      <{side.tag}{_attributes(side.attributes)}><p>{segments}</p>")
            out.append(f"      </{side.tag}>")
        out.append("    </doc>")
    out += ["  </collection>", "</dataset>"]
    return "\n".join(out) + "\n"


def _attributes(values: dict[str, str]) -> str:
    return "".join(f" {name}={quoteattr(value)}" for name, value in values.items())
