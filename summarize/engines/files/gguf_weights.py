"""Read the weights of a GGUF file into transformers models, one tensor at a time.

transformers' own GGUF loading de-quantises every tensor into one dictionary before it fills
the model, so a model peaks at about twice its float32 size in memory (9.7 GB for Qwen2.5 1.5B).
Here models are created without weights, and each tensor is read, de-quantised (and, for an
int8 conversion, quantised again the way CTranslate2 does) and put in place before the next one
is read: the peak is the model in its final precision plus one float32 tensor.

Tensor names, the per-architecture fixes (Gemma's norm offset, Llama's rotary permutation) and
the configuration come from transformers' own GGUF tables, so the weights are the ones
``from_pretrained(..., gguf_file=...)`` gives. The models are never run: they feed CTranslate2's
converter (``summarize.engines.built_model_converter``), which only reads their weights.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from summarize.engines.files.gguf import TensorInfo, read_header, read_tensor_infos

# Rows quantised at once: bounds the float32 scratch of a large matrix (the 151,936-token
# embedding of Qwen2.5 is 934 MB in float32; a block of 8,192 rows is 50 MB).
_ROWS_PER_BLOCK = 8192


def save_config_and_tokenizer(gguf_path: Path, target: Path) -> None:
    """Write the transformers configuration and tokenizer (with its chat template) of a GGUF
    file into ``target``: a checkpoint folder without weights, megabytes instead of gigabytes.

    Runs in a child process: transformers parses the vocabulary into millions of small Python
    objects (about 1 GB for Qwen2.5's 151,936 tokens) and the interpreter keeps that memory
    after they are freed, which would add to the peak of the conversion that follows.
    """
    command = [sys.executable, "-m", __name__, str(gguf_path), str(target)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit code {done.returncode}"]
        raise ValueError(f"reading the tokenizer of {gguf_path.name} failed: {lines[-1]}")


def _save_config_and_tokenizer(gguf_path: Path, target: Path) -> None:
    from transformers import AutoConfig, AutoTokenizer

    from summarize.engines.torch_runtime import NO_REMOTE_CODE, prepare_transformers

    prepare_transformers()
    where = {"gguf_file": gguf_path.name, **NO_REMOTE_CODE}
    AutoConfig.from_pretrained(gguf_path.parent, **where).save_pretrained(target)
    AutoTokenizer.from_pretrained(gguf_path.parent, **where).save_pretrained(target)


def load_gguf_model(gguf_path: Path, config_dir: Path, int8: bool) -> tuple[Any, Any]:
    """``(weights, scales)``: ``*ForCausalLM`` models configured by ``config_dir``
    (:func:`save_config_and_tokenizer`) holding the weights of ``gguf_path``.

    With ``int8``, every matrix of ``weights`` holds the int8 codes that CTranslate2 would
    compute from the de-quantised float32 matrix (:func:`int8_rows`), and the same matrix of
    ``scales`` holds their per-row scales as one column: a quarter of the float32 memory, and
    exactly CTranslate2's numbers. Without it, ``weights`` holds the float32 matrices and
    ``scales`` is ``None``. Vectors (norms, biases) are float32 in both. For reading, not for
    running.
    """
    import numpy as np
    import torch
    from transformers import AutoConfig
    from transformers.modeling_gguf_pytorch_utils import (
        TENSOR_PROCESSORS,
        TensorProcessor,
        get_gguf_hf_weights_map,
    )

    from summarize.engines.torch_runtime import NO_REMOTE_CODE, prepare_transformers

    prepare_transformers()
    hf_config = AutoConfig.from_pretrained(config_dir, **NO_REMOTE_CODE)
    weights = _empty_model(hf_config)
    scales = _empty_model(hf_config) if int8 else None
    # transformers' GGUF tables: the tensor names, and the architecture's fixes of the tensors.
    config = hf_config.to_dict()
    architecture = read_header(gguf_path)[2]["general.architecture"]
    processor = TENSOR_PROCESSORS.get(architecture, TensorProcessor)(config=config)
    names = get_gguf_hf_weights_map(weights, processor)

    def processed(gguf_name: str, array: Any) -> tuple[str | None, Any]:
        """The architecture's fix of a tensor (a rename, a row permutation) applied to
        ``array``: its transformers name (``None``: not a weight of the model) and values."""
        result = processor.process(
            weights=array,
            name=gguf_name,
            tensor_key_mapping=names,
            parsed_parameters={"config": config},
        )
        return names.get(result.name), np.ascontiguousarray(result.weights)

    with open(gguf_path, "rb") as handle, torch.no_grad():
        for tensor in read_tensor_infos(gguf_path):
            if scales is None or len(tensor.shape) < 2:
                name, values = processed(tensor.name, _dequantized(handle, tensor))
                if name is not None:
                    _put(weights, name, torch.from_numpy(values))
                    if scales is not None:
                        _put(scales, name, torch.from_numpy(values))
                continue
            # Quantising works row by row and the fixes only move rows, so codes and scales
            # are fixed after quantising, as the float32 matrix would have been before.
            codes, row_scales = int8_rows(_dequantized_rows(handle, tensor), tensor.shape)
            name, values = processed(tensor.name, codes)
            if name is not None:
                _put(weights, name, torch.from_numpy(values))
                _put(scales, name, torch.from_numpy(processed(tensor.name, row_scales[:, None])[1]))
    for model in (weights, scales):
        if model is not None:
            _check_complete(model)
    return weights, scales


def _empty_model(config: Any) -> Any:
    """A ``*ForCausalLM`` of ``config`` without weights (its parameters on the meta device)."""
    import torch
    from accelerate import init_empty_weights
    from transformers import AutoModelForCausalLM

    with init_empty_weights(include_buffers=False):
        return AutoModelForCausalLM.from_config(config, dtype=torch.float32)


def int8_rows(blocks: Iterable[Any], shape: tuple[int, ...]) -> tuple[Any, Any]:
    """``(codes, scales)``: CTranslate2's int8 quantisation, row by row, of the float32 matrix
    of ``shape`` given as blocks of rows.

    The same numpy operations, in the same order, as ``LayerSpec._quantize`` in CTranslate2's
    ``ctranslate2/specs/model_spec.py`` (4.x), so the codes and scales are the ones CTranslate2
    computes itself from these weights. Matrices of more than two dimensions are taken as
    ``(rows, -1)``, as CTranslate2 does.
    """
    import numpy as np

    rows = shape[0]
    codes = np.empty((rows, math.prod(shape[1:])), dtype=np.int8)
    scales = np.empty(rows, dtype=np.float32)
    start = 0
    for rows_block in blocks:
        block = rows_block.reshape(len(rows_block), -1).astype(np.float32)
        amax = np.amax(np.absolute(block), axis=1)
        amax[amax == 0] = 127.0
        amax = np.maximum(amax, np.float32(127) / np.finfo(np.float32).max)
        scale = 127.0 / amax
        block *= np.expand_dims(scale, 1)
        codes[start : start + len(block)] = np.rint(block).astype(np.int8)
        scales[start : start + len(block)] = scale
        start += len(block)
    return codes.reshape(shape), scales


def _check_complete(model: Any) -> None:
    model.tie_weights()
    missing = [name for name, value in model.named_parameters() if value.is_meta]
    if missing:
        raise ValueError(f"the GGUF file has no tensor for {', '.join(missing[:3])}")


def _dequantized(handle: BinaryIO, tensor: TensorInfo) -> Any:
    """The tensor's float32 values, filled in a block of rows at a time (no second copy)."""
    import numpy as np

    values = np.empty(tensor.shape, dtype=np.float32)
    start = 0
    for block in _dequantized_rows(handle, tensor):
        values[start : start + len(block)] = block
        start += len(block)
    return values


def _dequantized_rows(handle: BinaryIO, tensor: TensorInfo) -> Iterator[Any]:
    """The tensor's float32 values a block of rows at a time (rows of its first dimension),
    read with ``pread``: neither the file's pages nor a whole float32 copy of a large matrix
    stay in this process's memory."""
    import numpy as np
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType, dequantize

    kind = GGMLQuantizationType(tensor.ggml_type)
    block_size, block_bytes = GGML_QUANT_SIZES[kind]
    rows, per_row = tensor.shape[0], math.prod(tensor.shape[1:])
    row_bytes = per_row // block_size * block_bytes
    for start in range(0, rows, _ROWS_PER_BLOCK):
        count = min(_ROWS_PER_BLOCK, rows - start)
        raw = os.pread(handle.fileno(), count * row_bytes, tensor.offset + start * row_bytes)
        block = np.frombuffer(raw, dtype=np.uint8).reshape(count, row_bytes)
        values = dequantize(block, kind).astype(np.float32, copy=False)
        yield values.reshape(count, *tensor.shape[1:])


def _put(model: Any, name: str, value: Any) -> None:
    """Replace the empty parameter ``name`` by ``value`` (same shape, or one column of
    per-row scales)."""
    import torch

    owner, _, attribute = name.rpartition(".")
    module = model.get_submodule(owner)
    expected = tuple(getattr(module, attribute).shape)
    if tuple(value.shape) != expected and tuple(value.shape) != (expected[0], 1):
        raise ValueError(f"{name} has shape {tuple(value.shape)} in the GGUF file, not {expected}")
    setattr(module, attribute, torch.nn.Parameter(value, requires_grad=False))


if __name__ == "__main__":  # the child process of save_config_and_tokenizer
    _save_config_and_tokenizer(Path(sys.argv[1]), Path(sys.argv[2]))
