"""Greedy completion for causal LMs, one class per backend.

:class:`~summarize.engines.causal.prompted.PromptedCausalLM` builds prompts, batches and caches; a
generator only turns one batch of prompts into completions. Two ways to stop:

- ``"line"`` (few-shot prompts for base models): at the first token whose text contains a
  newline; the output is that first line;
- ``"turn"`` (chat prompts for instruction models): at the model's end-of-turn or
  end-of-sequence token, whatever lines come before it; the output is the whole reply.

Both backends cut each output to its own length limit, so their greedy outputs agree on float32
weights and never depend on how inputs were batched. An output that reached its limit without
stopping is returned as :class:`~summarize.engines.base.TruncatedText`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from summarize.engines.base import TruncatedText

STOPS = ("line", "turn")
# Tokens that end an assistant turn in common chat formats (ChatML, Llama 3, Gemma, Phi), used
# as stop tokens when the model's vocabulary has them, besides its end-of-sequence token.
END_OF_TURN_TOKENS = (
    "<|im_end|>",
    "<|endoftext|>",
    "<|eot_id|>",
    "<|end_of_text|>",
    "<end_of_turn>",
    "<|end|>",
)


class CausalGenerator(Protocol):
    backend: str
    settings: dict[str, Any]
    tokenizer: Any

    def generate_batch(
        self,
        prompts: list[str],
        max_new_tokens: list[int],
        add_special_tokens: bool = True,
        stop: str = "line",
    ) -> list[str]:
        """Greedy completion of each prompt, at most ``max_new_tokens[i]`` tokens for prompt
        ``i``, up to the end of its line (``stop="line"``) or of its turn (``"turn"``)."""
        ...

    def score_batch(self, sequences: list[list[int]], scored: list[int]) -> list[list[float]]:
        """Forced decoding: per token id sequence, the log-probabilities of its last
        ``scored[i]`` tokens, each given every token before it."""
        ...


def first_line(text: str) -> str:
    return text.split("\n", 1)[0].strip()


def finish(text: str, stop: str, limit: int, stopped: bool) -> str:
    """The output for a decoded completion: its first line (``line``) or the whole reply
    (``turn``), as :class:`TruncatedText` when it did not stop within ``limit`` tokens."""
    text = first_line(text) if stop == "line" else text.strip()
    return text if stopped else TruncatedText(text, limit)


def end_of_turn_tokens(tokenizer) -> list[str]:
    """The tokens that end a reply: end-of-sequence and the chat formats' end-of-turn tokens
    the vocabulary has."""
    vocabulary = tokenizer.get_vocab()
    ends = [token for token in END_OF_TURN_TOKENS if token in vocabulary]
    if tokenizer.eos_token and tokenizer.eos_token not in ends:
        ends.insert(0, tokenizer.eos_token)
    return ends


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
        """``loaded``: a :class:`~summarize.engines.causal.prompted.LoadedCausalLM`."""
        self.model = loaded.model
        self.tokenizer = loaded.tokenizer
        self.device = loaded.device
        self.settings: dict[str, Any] = {"dtype": "float32"}
        configured = self.model.generation_config.eos_token_id
        configured = configured if isinstance(configured, list) else [configured]
        self._eos_ids = {i for i in [*configured, self.tokenizer.eos_token_id] if i is not None}
        turn_ends = self.tokenizer.convert_tokens_to_ids(end_of_turn_tokens(self.tokenizer))
        self._turn_ids = sorted(self._eos_ids | set(turn_ends))

    def generate_batch(
        self,
        prompts: list[str],
        max_new_tokens: list[int],
        add_special_tokens: bool = True,
        stop: str = "line",
    ) -> list[str]:
        import torch

        encoded = self.tokenizer(
            prompts, return_tensors="pt", padding=True, add_special_tokens=add_special_tokens
        ).to(self.device)
        if stop == "line":
            stopping: dict[str, Any] = {"stop_strings": ["\n"], "tokenizer": self.tokenizer}
            end_ids = self._eos_ids
        else:
            stopping = {"eos_token_id": self._turn_ids}
            end_ids = set(self._turn_ids)
        with torch.inference_mode():
            generated = self.model.generate(
                **encoded,
                max_new_tokens=max(max_new_tokens),
                do_sample=False,
                num_beams=1,
                pad_token_id=self.tokenizer.pad_token_id,
                **stopping,
            )
        # Each row keeps only its own token budget: greedy decoding is prefix-stable, so a batch
        # gives what one-at-a-time generation would.
        start = encoded["input_ids"].shape[1]
        outputs = []
        for row, limit in zip(generated.tolist(), max_new_tokens, strict=True):
            tokens = row[start : start + limit]
            text = self.tokenizer.decode(tokens, skip_special_tokens=True)
            stopped = any(token in end_ids for token in tokens) or (stop == "line" and "\n" in text)
            outputs.append(finish(text, stop, limit, stopped))
        return outputs

    def score_batch(self, sequences: list[list[int]], scored: list[int]) -> list[list[float]]:
        import torch

        found = []
        # One sequence per forward pass: a padded batch gives other floats, so a score would
        # depend on what else is scored with it (``run`` against ``batch``).
        for ids, count in zip(sequences, scored, strict=True):
            with torch.inference_mode():
                logits = self.model(input_ids=torch.tensor([ids], device=self.device)).logits
            # Token t is predicted by the logits at t - 1.
            positions = torch.arange(len(ids) - count - 1, len(ids) - 1)
            log_probs = torch.log_softmax(logits[0, positions].float(), dim=-1)
            targets = torch.tensor(ids[len(ids) - count :])
            found.append(log_probs[torch.arange(count), targets].tolist())
        return found
