"""The Python API's scoring: the numbers and report of `summarize score`, without torch."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import subprocess
import sys

import pytest
import sacrebleu

import summarize
from tests.conftest import REPO, run_cli

HYPOTHESES = ["The cat sat on the mat.", "It was raining in Moscow today."]
OTHER = ["A cat is on the mat.", "Rain fell in Moscow."]
REFERENCES = ["The cat sat on the mat.", "It rained in Moscow today."]


def test_score_without_torch_equals_sacrebleu() -> None:
    code = (
        "import sys, summarize\n"
        "print(summarize.score(['a b c d'], ['a b c e'], metrics=['bleu','chrf']))\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert completed.returncode == 0, completed.stderr
    bleu = sacrebleu.corpus_bleu(["a b c d"], [["a b c e"]]).score
    chrf = sacrebleu.corpus_chrf(["a b c d"], [["a b c e"]]).score
    assert completed.stdout.startswith(f"hypotheses: BLEU = {bleu:.1f}")
    assert f"chrF2 = {chrf:.1f}" in completed.stdout


def test_score_report_equals_the_score_command(tmp_path) -> None:
    paths = {}
    for name, lines in (("a.txt", HYPOTHESES), ("b.txt", OTHER), ("ref.txt", REFERENCES)):
        paths[name] = tmp_path / name
        paths[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    metrics = "bleu,chrf++,ter,rougeL"
    cli = run_cli(
        "score",
        "--hyp", str(paths["a.txt"]),
        "--hyp", str(paths["b.txt"]),
        "--ref", str(paths["ref.txt"]),
        "-m", metrics,
        "--json",
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    from_cli = json.loads(cli.stdout)
    report = summarize.score(
        {"a.txt": HYPOTHESES, "b.txt": OTHER}, REFERENCES, metrics=metrics.split(",")
    ).to_dict()
    for data in (from_cli, report):  # the file names label the report, nothing else
        data.pop("reference")
        data.pop("references")
        for system in data["systems"]:
            system.pop("path")
    assert report == from_cli


def test_score_rejects_what_it_cannot_score() -> None:
    with pytest.raises(summarize.UserError, match="line-aligned"):
        summarize.score(["one"], ["one", "two"])
    with pytest.raises(summarize.UserError, match="list of strings"):
        summarize.score("a b c", ["a b c"])
    with pytest.raises(summarize.UserError, match="unknown metric"):
        summarize.score(["a"], ["a"], metrics=["blue"])


def test_public_names() -> None:
    assert set(summarize.__all__) <= set(dir(summarize))
    for name in summarize.__all__:
        assert getattr(summarize, name) is not None
    # Each name is the object its documented module defines (not a stale re-export), and the
    # exports are exactly these: adding or dropping one is a decision this test records.
    assert set(summarize.__all__) == {*summarize._EXPORTS, "__version__"}
    for name, module in summarize._EXPORTS.items():
        value = getattr(summarize, name)
        assert value is getattr(importlib.import_module(module), name), name
        assert value.__module__ == module, name
        assert callable(value), name
    assert summarize.__version__ == importlib.metadata.version("summarize")
    with pytest.raises(AttributeError):
        summarize.no_such_name  # noqa: B018
