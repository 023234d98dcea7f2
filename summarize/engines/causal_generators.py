"""Greedy, stop-at-end-of-line completion for causal LMs, one class per backend.

:class:`~summarize.engines.prompted.PromptedCausalLM` builds prompts, batches and caches; a
generator only turns one batch of prompts into completions. Both backends stop on the first
token whose text contains a newline and cut each output to its own length limit, so their greedy
outputs agree on float32 weights and never depend on how inputs were batched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


class CausalGenerator(Protocol):
    backend: str
    settings: dict[str, Any]
    tokenizer: Any

    def generate_batch(
        self, prompts: list[str], max_new_tokens: list[int], add_special_tokens: bool = True
    ) -> list[str]:
        """Greedy completion of each prompt up to (not including) the end of its line, at most
        ``max_new_tokens[i]`` tokens for prompt ``i``."""
        ...


def first_line(text: str) -> str:
    return text.split("\n", 1)[0].strip()


def ready_for_batches(tokenizer):
    """Set ``tokenizer`` up for batched generation: left padding and a pad token."""
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_tokenizer(path: Path):
    """A tokenizer set up for batched generation (left padding, a pad token)."""
    from transformers import AutoTokenizer

    from summarize.engines.torch_runtime import NO_REMOTE_CODE, prepare_transformers

    prepare_transformers()
    return ready_for_batches(AutoTokenizer.from_pretrained(path, **NO_REMOTE_CODE))


class HfCausalGenerator:
    """transformers ``generate`` with left padding (float32)."""

    backend = "transformers"

    def __init__(self, loaded) -> None:
        """``loaded``: a :class:`~summarize.engines.prompted.LoadedCausalLM`."""
        self.model = loaded.model
        self.tokenizer = loaded.tokenizer
        self.device = loaded.device
        self.settings: dict[str, Any] = {"dtype": "float32"}

    def generate_batch(
        self, prompts: list[str], max_new_tokens: list[int], add_special_tokens: bool = True
    ) -> list[str]:
        import torch

        encoded = self.tokenizer(
            prompts, return_tensors="pt", padding=True, add_special_tokens=add_special_tokens
        ).to(self.device)
        with torch.inference_mode():
            generated = self.model.generate(
                **encoded,
                max_new_tokens=max(max_new_tokens),
                do_sample=False,
                num_beams=1,
                stop_strings=["\n"],
                tokenizer=self.tokenizer,
                pad_token_id=self.tokenizer.pad_token_id,
            )
        # Each row keeps only its own token budget: greedy decoding is prefix-stable, so a batch
        # gives what one-at-a-time generation would.
        start = encoded["input_ids"].shape[1]
        return [
            first_line(self.tokenizer.decode(row[start : start + limit], skip_special_tokens=True))
            for row, limit in zip(generated.tolist(), max_new_tokens, strict=True)
        ]
