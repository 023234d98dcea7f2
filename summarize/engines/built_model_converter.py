"""CTranslate2's transformers converter, given models built in memory.

CTranslate2 converts a transformers model by loading it from a checkpoint folder. A model read
from a GGUF file has no such folder, and writing one (a float32 checkpoint of several GB) is
what this avoids: the folder given here holds only the configuration and tokenizer, and the
model comes from a function (``summarize.engines.files.gguf_weights``).

For int8 the model arrives quantised already, as CTranslate2's own codes plus a second model
holding their per-row scales: both pass through CTranslate2's loader for the architecture (which
knows how weights are fused and renamed), CTranslate2 quantises the codes to themselves (each
row's largest code is ±127, so its scale is 1), and the real scales are put back before the
model is saved. Imports CTranslate2 and transformers: import it lazily.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ctranslate2.converters import TransformersConverter
from ctranslate2.specs.model_spec import LayerSpec, NumpyVariable

_SCALE = "_scale"


class BuiltModelConverter(TransformersConverter):
    """``build_models()`` gives ``(weights, scales)`` as
    :func:`~summarize.engines.files.gguf_weights.load_gguf_model` does."""

    def __init__(self, config_dir: Path, build_models: Callable[[], tuple[Any, Any]]) -> None:
        super().__init__(str(config_dir), trust_remote_code=False)
        self._build_models = build_models
        self._models: list[Any] = []

    def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
        """The next built model (CTranslate2 would call ``model_class.from_pretrained``)."""
        return self._models.pop(0)

    def convert(
        self,
        output_dir: str,
        vmap: str | None = None,
        quantization: str | None = None,
        force: bool = False,
    ) -> str:
        weights, scales = self._build_models()
        if scales is None:
            self._models = [weights]
            del weights
            return super().convert(output_dir, vmap, quantization, force)
        self._models = [weights, scales]
        del weights, scales
        # Converter.convert's steps (load, validate, optimise, save), with the scales put back
        # between optimising and saving. ``_load`` is the method every CTranslate2 converter
        # implements (Converter's abstract method; TransformersConverter's runs the
        # architecture's loader): this class calls its own, as Converter.convert does. Should
        # CTranslate2 change how it quantises, the byte-for-byte test against its own
        # conversion (tests/test_local_gguf.py) fails.
        if os.path.exists(output_dir) and not force:
            raise RuntimeError(f"output directory {output_dir} already exists")
        spec, scale_spec = self._load(), self._load()
        if vmap is not None:
            spec.register_vocabulary_mapping(vmap)
        codes = {name for name, value in spec.variables().items() if _is_int8(value)}
        spec.validate()
        spec.optimize(quantization=quantization)
        restored = _restore_scales(spec, scale_spec, "")
        if codes - restored:
            raise ValueError(f"CTranslate2 does not quantise {sorted(codes - restored)[0]}")
        shutil.rmtree(output_dir, ignore_errors=True)
        os.makedirs(output_dir)
        spec.save(output_dir)
        return output_dir


def _is_int8(value: Any) -> bool:
    """Whether ``value`` is a matrix of int8 codes (scalars such as the activation are int8
    too)."""
    shape = getattr(value, "shape", ())
    return len(shape) >= 2 and str(getattr(value, "dtype", "")).endswith("int8")


def _restore_scales(spec: Any, scale_spec: Any, prefix: str) -> set[str]:
    """Set every ``X_scale`` of ``spec`` whose ``X`` holds codes to the column that
    ``scale_spec`` holds as its ``X``; the names of those ``X``."""
    restored = set()
    fields = vars(spec)
    for key, value in fields.items():
        partner = vars(scale_spec).get(key)
        name = f"{prefix}/{key}" if prefix else key
        children = value if isinstance(value, list) else [value]
        partners = partner if isinstance(partner, list) else [partner]
        for index, (child, other) in enumerate(zip(children, partners, strict=False)):
            if isinstance(child, LayerSpec):
                where = f"{name}_{index}" if isinstance(value, list) else name
                restored |= _restore_scales(child, other, where)
        scale_key = key + _SCALE
        if scale_key in fields and _is_int8(value) and partner is not None:
            column = partner.reshape(-1).float().numpy()
            setattr(spec, scale_key, NumpyVariable(column))
            restored.add(name)
    return restored
