"""A non-editable install works from anywhere: the data files come from the wheel.

``pip install --no-deps --target`` builds the wheel from this checkout (offline: hatchling from
the ``dev`` extra, no build isolation) and installs it into a temporary folder; ``summarize``
is then run from ``/`` with that folder first on ``sys.path``, so the presets, prompts and
few-shot examples must be read from ``summarize/_data/models`` inside the installed package,
never from the checkout's ``models/``. The dependencies are the current environment's.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    if importlib.util.find_spec("hatchling") is None:
        reason = "hatchling not installed (it comes with the dev extra: pip install -e '.[dev]')"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    target = tmp_path_factory.mktemp("site")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    env = {
        key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")
    }
    env.update(
        PYTHONPATH=str(target),
        HF_HUB_OFFLINE="1",
        HF_HOME=str(tmp_path_factory.mktemp("hf")),
        SUMMARIZE_CACHE_DIR=str(tmp_path_factory.mktemp("cache")),
    )
    return target, env


def run_from_root(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd="/", env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_wheel_ships_every_data_file(installed) -> None:
    target, _ = installed
    shipped = target / "summarize" / "_data" / "models"
    source = REPO / "models"
    expected = sorted(p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file())
    found = sorted(p.relative_to(shipped).as_posix() for p in shipped.rglob("*") if p.is_file())
    assert expected and found == expected


def test_installed_package_reads_its_own_data_files(installed) -> None:
    target, env = installed
    code = (
        "import summarize, summarize.resources as r\n"
        "from summarize.engines.registry import presets\n"
        "from summarize.input.languages import get_language\n"
        "print(summarize.__file__)\n"
        "print(r.data_dir())\n"
        "print(len(presets()), get_language('ru').code)\n"
        "for name in ('prompts/translate.toml', 'prompts/summarize.toml', 'fewshot/en-ru.toml'):\n"
        "    assert r.load_toml(name)\n"
    )
    completed = run_from_root([sys.executable, "-c", code], env)
    assert completed.returncode == 0, completed.stderr[-3000:]
    module, data, counts = completed.stdout.splitlines()
    assert Path(module).is_relative_to(target)
    assert Path(data) == target / "summarize" / "_data" / "models"
    assert counts.split()[1] == "ru" and int(counts.split()[0]) > 5


def test_installed_command_runs_from_root(installed) -> None:
    target, env = installed
    script = target / "bin" / "summarize"
    assert script.exists()
    listing = run_from_root([str(script), "models", "list"], env)
    assert listing.returncode == 0, listing.stderr[-3000:]
    for preset in ("bundled", "opus-mt", "minilm"):
        assert preset in listing.stdout
    # `run` reads languages.toml before any model loads: an unknown pivot is a one-line error.
    seed = REPO / "seeds" / "000_e93c88f19b9118b4.txt"
    run = run_from_root([str(script), "run", str(seed), "--pivot", "xx"], env)
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    assert "xx" in run.stderr
