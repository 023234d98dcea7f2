"""A model folder's own Python code is never run, whatever is typed on stdin.

transformers, asked to load a folder whose ``config.json`` has an ``auto_map`` and a model type it
does not know, asks "Do you wish to run the custom code? [y/N]" on stdin unless
``trust_remote_code`` is given. Each test feeds ``y`` to that question and checks that the
folder's module was never imported (it would write a marker file) and that the user got one
line, not the question.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED, CliResult

EVIL_CODE = """
from pathlib import Path
Path({marker!r}).write_text("model code ran")
from transformers import PretrainedConfig, PreTrainedModel

class EvilConfig(PretrainedConfig):
    model_type = "evil-unknown"

class EvilModel(PreTrainedModel):
    config_class = EvilConfig
"""
AUTO_MAP = {
    "AutoConfig": "evil.EvilConfig",
    "AutoModel": "evil.EvilModel",
    "AutoModelForSeq2SeqLM": "evil.EvilModel",
    "AutoModelForCausalLM": "evil.EvilModel",
}


@pytest.fixture(scope="module")
def tiny_marian(marian: dict[str, Path]) -> Path:
    return marian["en-ru"]


def evil_folder(tiny_marian: Path, root: Path, model_type: str) -> tuple[Path, Path]:
    """A copy of a real tiny model whose config points at its own ``evil.py``."""
    folder = root / f"folder-{model_type}"
    shutil.copytree(tiny_marian, folder)
    marker = root / f"ran-{model_type}"
    (folder / "evil.py").write_text(EVIL_CODE.format(marker=str(marker)))
    config = json.loads((folder / "config.json").read_text())
    config.update(model_type=model_type, auto_map=AUTO_MAP)
    (folder / "config.json").write_text(json.dumps(config))
    return folder, marker


def run_answering_yes(args: list[str], cache: Path) -> CliResult:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "SUMMARIZE_CACHE_DIR": str(cache)}
    completed = subprocess.run(
        [sys.executable, *args],
        input="y\n" * 20,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=REPO,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


@pytest.mark.parametrize("backend", ["transformers", "ct2"])
def test_folder_that_needs_its_own_code_is_refused(tiny_marian, tmp_path, backend) -> None:
    folder, marker = evil_folder(tiny_marian, tmp_path, "evil-unknown")
    args = ["-m", "summarize", "run", str(SEED), "--translator", str(folder)]
    result = run_answering_yes([*args, "--backend", backend, "--summarizer", "none"], tmp_path)
    assert not marker.exists(), "the model folder's code ran"
    assert "Do you wish" not in result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("summarize: error")]
    assert len(errors) == 1, result.stderr
    assert all(part in errors[0] for part in ("own Python code", "evil.py", "never runs code"))


def test_known_model_type_ignores_the_folders_auto_map(tiny_marian, tmp_path) -> None:
    """A known model type loads transformers' own class: the folder's code is not imported."""
    folder, marker = evil_folder(tiny_marian, tmp_path, "marian")
    code = (
        "from summarize.engines.files.hub import resolve_files\n"
        "from summarize.engines.seq2seq.models import load_setup\n"
        f"print(load_setup(resolve_files({str(folder)!r})).family)\n"
    )
    result = run_answering_yes(["-c", code], tmp_path)
    assert result.returncode == 0, result.stderr
    assert not marker.exists(), "the model folder's code ran"


@pytest.mark.parametrize(
    "load",
    [
        # Each loader on its own, past the folder check, as a future caller might use it.
        "from summarize.engines.seq2seq.models import load_setup\nload_setup(files)",
        "from summarize.engines.ct2 import check_convertible\ncheck_convertible(files.path)",
        "from summarize.engines.causal.prompted import load_causal_lm\n"
        "load_causal_lm(files.path, 'cpu', model_id='evil')",
    ],
    ids=["seq2seq", "ct2-converter", "causal"],
)
def test_every_loader_refuses_model_code_without_asking(tiny_marian, tmp_path, load) -> None:
    folder, marker = evil_folder(tiny_marian, tmp_path, "evil-unknown")
    code = (
        "from summarize.engines.files.hub import ModelFiles\n"
        f"files = ModelFiles(__import__('pathlib').Path({str(folder)!r}), 'evil', None, False)\n"
        f"{load}\n"
    )
    result = run_answering_yes(["-c", code], tmp_path)
    assert result.returncode != 0
    assert not marker.exists(), "the model folder's code ran"
    assert "Do you wish" not in result.stdout + result.stderr
