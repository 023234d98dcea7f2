"""CTranslate2 backend: convert a transformers model once (int8 on CPU), then generate with it.

CTranslate2 is the fastest widely used CPU inference engine for the model families this tool
runs. Converted models are cached under ``<cache>/ct2``, keyed by model id, revision,
quantisation and the CTranslate2 version; architectures it cannot convert raise
:class:`Ct2Unsupported` so the caller can fall back to transformers with a message.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from summarize.engines.causal_generators import first_line, load_tokenizer
from summarize.engines.conversion import convert_once
from summarize.errors import UserError
from summarize.resources import cache_dir

QUANTIZATIONS = ("int8", "int8_float32", "float32", "float16", "int8_float16")
_END_TOKENS_FILE = "summarize-end-tokens.json"


class Ct2Unsupported(Exception):
    """CTranslate2 cannot convert this model (architecture not supported)."""


def default_quantization(device: str) -> str:
    """int8 on CPU; int8 weights with float16 activations on CUDA."""
    return "int8_float16" if device.startswith("cuda") else "int8"


def _import_ct2():
    try:
        import ctranslate2
    except ImportError as exc:
        raise UserError(
            "--backend ct2 needs CTranslate2: pip install 'summarize[ct2]' (or ctranslate2)"
        ) from exc
    return ctranslate2


def ct2_checkpoint(
    hf_path: Path,
    model_id: str,
    revision: str | None,
    quantization: str,
    notify: Callable[[str], None],
) -> Path:
    """Directory of the CTranslate2 conversion of ``hf_path``, converting it first if needed."""
    ctranslate2 = _import_ct2()
    if quantization not in QUANTIZATIONS:
        raise UserError(f"unknown quantisation {quantization!r}; use one of {QUANTIZATIONS}")
    digest = hashlib.sha256(
        json.dumps([model_id, revision, quantization, ctranslate2.__version__]).encode()
    ).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model_id.strip("/")).strip("_")[-60:]
    target = cache_dir() / "ct2" / f"{slug}-{quantization}-{digest}"

    def build(staged: Path, _scratch: Path) -> None:
        from ctranslate2.converters import TransformersConverter

        try:
            TransformersConverter(str(hf_path)).convert(str(staged), quantization=quantization)
        except (ValueError, NotImplementedError) as exc:
            raise Ct2Unsupported(str(exc).splitlines()[0]) from exc
        tokenizer = load_tokenizer(hf_path)
        (staged / _END_TOKENS_FILE).write_text(json.dumps(newline_tokens(tokenizer)))

    return convert_once(
        target,
        build,
        notify,
        f"Converting {model_id} to CTranslate2 ({quantization}) in {target} (once)",
        stamp=f"ctranslate2=={ctranslate2.__version__}",
    )


def newline_tokens(tokenizer) -> list[str]:
    """Every vocabulary token whose text contains a newline, plus end-of-sequence.

    Generation stops on any of them, which is what transformers' ``stop_strings=["\\n"]`` does.
    """
    tokens = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    ends = [tok for i, tok in enumerate(tokens) if "\n" in tokenizer.decode([i])]
    if tokenizer.eos_token and tokenizer.eos_token not in ends:
        ends.append(tokenizer.eos_token)
    return ends


class Ct2CausalGenerator:
    """Greedy completion with ``ctranslate2.Generator``."""

    backend = "ctranslate2"

    def __init__(
        self,
        ct2_path: Path,
        tokenizer,
        device: str,
        quantization: str,
        threads: int | None = None,
    ) -> None:
        ctranslate2 = _import_ct2()
        self.tokenizer = tokenizer
        self._end_tokens = json.loads((ct2_path / _END_TOKENS_FILE).read_text())
        kind, _, index = device.partition(":")
        self._generator = ctranslate2.Generator(
            str(ct2_path),
            device=kind,
            device_index=int(index or 0),
            compute_type=quantization,
            intra_threads=threads or 0,
        )
        self.settings: dict[str, Any] = {"quantization": quantization}

    def generate_batch(
        self, prompts: list[str], max_new_tokens: list[int], add_special_tokens: bool = True
    ) -> list[str]:
        token_lists = [
            self.tokenizer.convert_ids_to_tokens(
                self.tokenizer(prompt, add_special_tokens=add_special_tokens).input_ids
            )
            for prompt in prompts
        ]
        results = self._generator.generate_batch(
            token_lists,
            max_length=max(max_new_tokens),
            sampling_topk=1,
            beam_size=1,
            end_token=self._end_tokens,
            include_prompt_in_result=False,
        )
        return [
            first_line(
                self.tokenizer.decode(result.sequences_ids[0][:limit], skip_special_tokens=True)
            )
            for result, limit in zip(results, max_new_tokens, strict=True)
        ]
