"""Greedy completion for causal LMs with ``ctranslate2.Generator`` (stopping at the end of the
line or of the turn, as :mod:`summarize.engines.causal.generators` describes)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from summarize.engines.causal.generators import end_of_turn_tokens, finish, load_tokenizer
from summarize.engines.ct2 import (
    GGUF_TOKENIZER_DIR,
    ct2_checkpoint,
    gguf_ct2_checkpoint,
    load_ct2_model,
)

_END_TOKENS_FILE = "summarize-end-tokens.json"


def newline_tokens(tokenizer) -> list[str]:
    """Every vocabulary token whose text contains a newline, plus end-of-sequence.

    Generation stops on any of them, which is what transformers' ``stop_strings=["\\n"]`` does.
    """
    tokens = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    ends = [tok for i, tok in enumerate(tokens) if "\n" in tokenizer.decode([i])]
    if tokenizer.eos_token and tokenizer.eos_token not in ends:
        ends.append(tokenizer.eos_token)
    return ends


def causal_ct2_checkpoint(
    hf_path: Path,
    model_id: str,
    revision: str | None,
    quantization: str,
    notify: Callable[[str], None],
) -> Path:
    """The cached conversion of a causal LM, with its stop tokens (slow to find in a large
    vocabulary, so found once at conversion)."""

    add_end_tokens = _end_tokens_writer(lambda _converted: hf_path)
    return ct2_checkpoint(hf_path, model_id, revision, quantization, notify, add_end_tokens)


def _end_tokens_writer(tokenizer_dir: Callable[[Path], Path]) -> Callable[[Path], None]:
    """Writes the stop tokens into a conversion, from the tokenizer in
    ``tokenizer_dir(converted)``."""

    def add_end_tokens(converted: Path) -> None:
        tokens = newline_tokens(load_tokenizer(tokenizer_dir(converted)))
        (converted / _END_TOKENS_FILE).write_text(json.dumps(tokens))

    return add_end_tokens


def gguf_causal_ct2_generator(
    gguf_file: Callable[[Path], Path],
    cache_id: str,
    label: str,
    quantization: str,
    notify: Callable[[str], None],
    device: str,
    threads: int | None,
) -> Ct2CausalGenerator:
    """A generator for a GGUF file converted straight to CTranslate2 (once), with its stop
    tokens and tokenizer kept in the conversion."""

    add_end_tokens = _end_tokens_writer(lambda converted: converted / GGUF_TOKENIZER_DIR)
    ct2_path = gguf_ct2_checkpoint(gguf_file, cache_id, label, quantization, notify, add_end_tokens)
    tokenizer = load_tokenizer(ct2_path / GGUF_TOKENIZER_DIR)
    return Ct2CausalGenerator(ct2_path, tokenizer, device, quantization, threads)


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
        self.tokenizer = tokenizer
        # Public for callers timing CTranslate2 itself on the same prompts (bench/speed.py).
        self.end_tokens: list[str] = json.loads((ct2_path / _END_TOKENS_FILE).read_text())
        self.turn_end_tokens = end_of_turn_tokens(tokenizer)
        self.model = load_ct2_model("Generator", ct2_path, device, quantization, threads)
        self.settings: dict[str, Any] = {"quantization": quantization}

    def tokens(self, prompt: str, add_special_tokens: bool = True) -> list[str]:
        """``prompt`` as the token strings CTranslate2 takes."""
        ids = self.tokenizer(prompt, add_special_tokens=add_special_tokens).input_ids
        return self.tokenizer.convert_ids_to_tokens(ids)

    def generate_batch(
        self,
        prompts: list[str],
        max_new_tokens: list[int],
        add_special_tokens: bool = True,
        stop: str = "line",
    ) -> list[str]:
        results = self.model.generate_batch(
            [self.tokens(prompt, add_special_tokens) for prompt in prompts],
            max_length=max(max_new_tokens),
            sampling_topk=1,
            beam_size=1,
            end_token=self.end_tokens if stop == "line" else self.turn_end_tokens,
            include_prompt_in_result=False,
        )
        outputs = []
        for result, limit in zip(results, max_new_tokens, strict=True):
            # The end token is not part of the result: fewer tokens than the limit means the
            # output ended by itself.
            ids = result.sequences_ids[0]
            text = self.tokenizer.decode(ids[:limit], skip_special_tokens=True)
            outputs.append(finish(text, stop, limit, stopped=len(ids) < limit))
        return outputs

    def score_batch(self, sequences: list[list[int]], scored: list[int]) -> list[list[float]]:
        # One sequence per call: no padding (so a score does not depend on its batch), and
        # logits (a vocabulary-wide row per token) for one sequence only; measured faster than
        # batches of 2-17 on the seed's legs.
        found = []
        for ids, count in zip(sequences, scored, strict=True):
            (result,) = self.model.score_batch(
                [self.tokenizer.convert_ids_to_tokens(ids)],
                max_input_length=0,  # never truncate: the engine scores whole outputs
            )
            # ``log_probs`` are those of tokens[1:], each given the tokens before it.
            found.append(list(result.log_probs[len(result.log_probs) - count :]))
        return found
