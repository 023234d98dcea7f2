"""Greedy, stop-at-end-of-line text completion for causal LMs, one class per backend.

:class:`~summarize.engines.prompted.PromptedCausalLM` builds prompts, batches and caches; a
generator only turns one batch of prompts into completions. Both backends stop on the first
token whose text contains a newline, so their greedy outputs are the same on float32 weights.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


class CausalGenerator(Protocol):
    backend: str
    settings: dict[str, Any]

    def count_tokens(self, text: str) -> int:
        """Tokens in ``text`` without special tokens."""
        ...

    def generate_batch(self, prompts: list[str], max_new_tokens: list[int]) -> list[str]:
        """Greedy completion of each prompt up to (not including) the end of its line, at most
        ``max_new_tokens[i]`` tokens for prompt ``i`` (so batching never changes an output)."""
        ...


def first_line(text: str) -> str:
    return text.split("\n", 1)[0].strip()


def load_tokenizer(path: Path):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


class HfCausalGenerator:
    """transformers ``generate`` with left padding (float32)."""

    backend = "transformers"

    def __init__(self, path: Path, device: str, threads: int | None = None) -> None:
        import torch
        from transformers import AutoModelForCausalLM

        from summarize.engines.torch_runtime import quiet_transformers

        quiet_transformers()
        if threads:
            torch.set_num_threads(threads)
        self.tokenizer = load_tokenizer(path)
        self.model = AutoModelForCausalLM.from_pretrained(
            path, dtype=torch.float32, use_safetensors=True
        )
        self.model.to(device)
        self.model.eval()
        self.device = device
        self.settings: dict[str, Any] = {"dtype": "float32"}

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False).input_ids)

    def generate_batch(self, prompts: list[str], max_new_tokens: list[int]) -> list[str]:
        import torch

        encoded = self.tokenizer(prompts, return_tensors="pt", padding=True).to(self.device)
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
        start = encoded["input_ids"].shape[1]
        return [
            first_line(self.tokenizer.decode(row[start : start + limit], skip_special_tokens=True))
            for row, limit in zip(generated.tolist(), max_new_tokens, strict=True)
        ]
