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
        "from summarize.cli import app\n"
        "for args in (['--help'], ['run', '--help'], ['batch', '--help']):\n"
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
    assert "run" in top.stdout and "batch" in top.stdout
    sub = run_cli("run", "--help")
    assert sub.returncode == 0
    for option in ("--pivot", "--json", "--out", "--translator", "--summarizer"):
        assert option in sub.stdout
    batch = run_cli("batch", "--help")
    assert batch.returncode == 0
    for option in ("--out", "--pivot", "--translator", "--summarizer", "--restart"):
        assert option in batch.stdout


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("summarize ")
