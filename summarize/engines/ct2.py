"""CTranslate2 backend, shared part: convert a transformers model once, then load it.

CTranslate2 is the fastest widely used CPU inference engine for the model families this tool
runs. Converted models are cached under ``<cache>/ct2``, keyed by model id, revision,
quantisation and the CTranslate2 version; architectures the installed converter has no loader
for (or cannot convert) raise :class:`Ct2Unsupported` so the caller can fall back to
transformers with a message. The generators using a converted model are in
:mod:`summarize.engines.causal.ct2` (``ctranslate2.Generator``) and
:mod:`summarize.engines.seq2seq.ct2` (``ctranslate2.Translator``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from summarize.engines.files.conversion import convert_once
from summarize.engines.threads import ct2_threads, resolve_threads
from summarize.errors import UserError
from summarize.resources import cache_dir

QUANTIZATIONS = ("int8", "int8_float32", "float32", "float16", "int8_float16")


class Ct2Unsupported(Exception):
    """CTranslate2 cannot run this model (architecture or generation setting not supported)."""


def default_quantization(device: str) -> str:
    """int8 on CPU; int8 weights with float16 activations on CUDA."""
    return "int8_float16" if device.startswith("cuda") else "int8"


def has_ct2() -> bool:
    """Whether CTranslate2 is installed (without importing it)."""
    from importlib.util import find_spec

    return find_spec("ctranslate2") is not None


def import_ct2():
    try:
        import ctranslate2
    except ImportError as exc:
        raise UserError(
            "⟨backend=ct2⟩ needs CTranslate2: pip install 'summarize[ct2]' (or ctranslate2)"
        ) from exc
    return ctranslate2


class _HasLoader(Exception):
    """Raised in place of loading the weights: the converter got that far, so it has a loader
    for the model's configuration."""


def check_convertible(hf_path: Path) -> None:
    """Raise :class:`Ct2Unsupported` unless the installed converter has a loader for the model's
    configuration (its own loader registry, not a list of ours), without loading the weights.

    Asked through CTranslate2's public converter: a conversion whose ``load_model`` hook stops
    before the weights are read. A converter without a loader raises its ``ValueError`` ("No
    conversion is registered for the model configuration ...") before that point.
    """
    import_ct2()
    from ctranslate2.converters import TransformersConverter

    from summarize.engines.torch_runtime import prepare_transformers

    class _Probe(TransformersConverter):
        def load_model(self, model_class, model_name_or_path, **kwargs):
            raise _HasLoader

    prepare_transformers()
    with tempfile.TemporaryDirectory() as scratch:
        try:
            _convert(
                _Probe(str(hf_path), trust_remote_code=False), Path(scratch) / "out", "float32"
            )
        except _HasLoader:
            return
        except Ct2Unsupported as exc:
            found = _NO_LOADER.match(str(exc))
            if found is None:
                raise
            raise Ct2Unsupported(f"its converter has no loader for {found[1]}") from exc


# CTranslate2's message for a configuration it has no loader for.
_NO_LOADER = re.compile(r"No conversion is registered for the model configuration (\w+)")


def _target(cache_id: str, revision: str | None, quantization: str, version: str) -> Path:
    """Where the conversion of one model at one quantisation lives in the cache."""
    if quantization not in QUANTIZATIONS:
        raise UserError(f"unknown quantisation {quantization!r}; use one of {QUANTIZATIONS}")
    digest = hashlib.sha256(
        json.dumps([cache_id, revision, quantization, version]).encode()
    ).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", cache_id.strip("/")).strip("_")[-60:]
    return cache_dir() / "ct2" / f"{slug}-{quantization}-{digest}"


def _convert(converter: Any, staged: Path, quantization: str) -> None:
    """Run a CTranslate2 converter into ``staged``; a model it cannot convert raises
    :class:`Ct2Unsupported`."""
    try:
        converter.convert(str(staged), quantization=quantization)
    # A registered loader can still fail on a config it does not expect (a missing
    # attribute, an unsupported option): that is "cannot convert" too, not a crash.
    except (ValueError, NotImplementedError, AttributeError, KeyError, TypeError) as exc:
        raise Ct2Unsupported(str(exc).splitlines()[0]) from exc


def ct2_checkpoint(
    hf_path: Path,
    model_id: str,
    revision: str | None,
    quantization: str,
    notify: Callable[[str], None],
    add_files: Callable[[Path], None] | None = None,
) -> Path:
    """Directory of the CTranslate2 conversion of ``hf_path``, converting it first if needed.

    ``add_files(converted_dir)`` may write extra files into the conversion before it is
    cached (the causal generator keeps its stop tokens there).
    """
    ctranslate2 = import_ct2()
    target = _target(model_id, revision, quantization, ctranslate2.__version__)
    check_convertible(hf_path)

    def build(staged: Path, _scratch: Path) -> None:
        from ctranslate2.converters import TransformersConverter

        _convert(TransformersConverter(str(hf_path), trust_remote_code=False), staged, quantization)

    message = f"Converting {model_id} to CTranslate2 ({quantization}) in {target} (once)"
    return _cached(target, build, add_files, notify, message)


def _cached(
    target: Path,
    build: Callable[[Path, Path], None],
    add_files: Callable[[Path], None] | None,
    notify: Callable[[str], None],
    message: str,
) -> Path:
    """``target``, made once by ``build(staged, scratch)`` then ``add_files(staged)``."""
    version = import_ct2().__version__

    def build_all(staged: Path, scratch: Path) -> None:
        build(staged, scratch)
        if add_files is not None:
            add_files(staged)

    return convert_once(target, build_all, notify, message, stamp=f"ctranslate2=={version}")


# The transformers configuration and tokenizer of a model converted straight from GGUF, kept
# inside its CTranslate2 folder (CTranslate2 keeps its own config.json at the top).
GGUF_TOKENIZER_DIR = "transformers-tokenizer"


def gguf_ct2_checkpoint(
    gguf_file: Callable[[Path], Path],
    cache_id: str,
    label: str,
    quantization: str,
    notify: Callable[[str], None],
    add_files: Callable[[Path], None] | None = None,
) -> Path:
    """The CTranslate2 conversion of a GGUF file, converting it straight from the file first if
    needed: no float32 checkpoint is written and no copy of the file is kept.

    ``gguf_file(scratch)`` gives the file (assembling one from parts into ``scratch``, which is
    deleted afterwards); ``cache_id`` names the file by its checksum. The tokenizer is kept in
    ``GGUF_TOKENIZER_DIR`` inside the result. For int8 the weights are quantised as they are
    read, a tensor at a time, so the conversion holds the int8 model rather than a float32 one
    (``gguf_weights``), with the same numbers as a conversion of the float32 checkpoint.
    """
    ctranslate2 = import_ct2()
    target = _target(cache_id, "from-gguf", quantization, ctranslate2.__version__)

    def build(staged: Path, scratch: Path) -> None:
        from summarize.engines.built_model_converter import BuiltModelConverter
        from summarize.engines.files.gguf_weights import load_gguf_model, save_config_and_tokenizer

        gguf_path = gguf_file(scratch)
        config_dir = scratch / "config"
        save_config_and_tokenizer(gguf_path, config_dir)
        int8 = quantization.startswith("int8")

        def build_models() -> tuple[Any, Any]:
            return load_gguf_model(gguf_path, config_dir, int8)

        _convert(BuiltModelConverter(config_dir, build_models), staged, quantization)
        shutil.copytree(config_dir, staged / GGUF_TOKENIZER_DIR)

    message = (
        f"First use of {label}: converting the GGUF file to CTranslate2 ({quantization}) in "
        f"{target} (once; a minute or more)"
    )
    return _cached(target, build, add_files, notify, message)


def load_ct2_model(
    kind: str, ct2_path: Path, device: str, quantization: str, threads: int | None
) -> Any:
    """A ``ctranslate2.Generator`` or ``ctranslate2.Translator`` (``kind``) on ``device``
    (``cpu``, ``cuda`` or ``cuda:N``), with the run's thread count (``threads`` resolved by
    :func:`~summarize.engines.threads.resolve_threads`, not CTranslate2's own default)."""
    ctranslate2 = import_ct2()
    device_type, _, index = device.partition(":")
    return getattr(ctranslate2, kind)(
        str(ct2_path),
        device=device_type,
        device_index=int(index or 0),
        compute_type=quantization,
        **ct2_threads(resolve_threads(threads)),
    )
