"""``--help`` must stay instant: importing the CLI may not import torch or transformers."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import run_cli

HEAVY = ("torch", "transformers", "sentence_transformers", "sacrebleu")


def test_cli_import_and_help_do_not_load_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from summarize.cli.main import app\n"
        "for args in (['--help'], ['run', '--help'], ['score', '--help'], ['models', '--help'],"
        " ['models', 'pull', '--help'], ['batch', '--help']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"


def test_help_lists_commands_and_options() -> None:
    top = run_cli("--help")
    assert top.returncode == 0
    for command in ("run", "score", "models", "batch"):
        assert command in top.stdout
    sub = run_cli("run", "--help")
    assert sub.returncode == 0
    for option in ("--pivot", "--json", "--out", "--translator", "--summarizer", "--reference"):
        assert option in sub.stdout
    score = run_cli("score", "--help")
    assert score.returncode == 0
    for option in ("--hyp", "--ref", "--src", "--metrics", "--test", "--seed", "--format"):
        assert option in score.stdout
    batch = run_cli("batch", "--help")
    assert batch.returncode == 0
    for option in ("--out", "--pivot", "--translator", "--summarizer", "--restart"):
        assert option in batch.stdout


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("summarize ")


def test_score_without_embedding_metrics_loads_no_model(tmp_path) -> None:
    ref = tmp_path / "ref.txt"
    ref.write_text("The cat sat on the mat.\nIt was sunny.\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from summarize.scoring import ScoreOptions, score_files\n"
        f"path = Path({str(ref)!r})\n"
        "score_files([path, path], path, options=ScoreOptions(n_samples=50))\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers')"
        " if m in sys.modules))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"
