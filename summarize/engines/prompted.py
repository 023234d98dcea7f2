"""Translation and summarisation by prompting a causal language model (few-shot, greedy).

Prompts and examples are data (``models/prompts``, ``models/fewshot``). Generation is batched
with left padding over inputs sorted by length, greedy, stops at the end of the line, and its
length limit grows with the input. Outputs go through the :class:`~summarize.store.OutputStore`
so nothing is generated twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarize.engines.base import ModelInfo, ProgressCallback
from summarize.resources import data_dir, load_toml
from summarize.store import OutputStore, output_key

if TYPE_CHECKING:
    from summarize.languages import Language

# Translation length limit: this many new tokens per input token, plus a constant.
TRANSLATION_TOKENS_PER_INPUT_TOKEN = 2.0
TRANSLATION_EXTRA_TOKENS = 16
SUMMARY_MAX_NEW_TOKENS = 160
DEFAULT_BATCH_SIZE = 8


@dataclass
class LoadedCausalLM:
    """A model and tokenizer in memory, set up for batched greedy generation."""

    model: Any
    tokenizer: Any
    device: str


def load_causal_lm(path: Path, device: str) -> LoadedCausalLM:
    """Load a local transformers checkpoint for generation (never runs remote code)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from summarize.engines.torch_runtime import quiet_transformers

    quiet_transformers()
    tokenizer = AutoTokenizer.from_pretrained(path)
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, use_safetensors=True)
    model.to(device)
    model.eval()
    return LoadedCausalLM(model, tokenizer, device)


def fewshot_pairs(source: str, target: str) -> list[tuple[str, str]]:
    """(source, target) example pairs for a direction, from ``models/fewshot``; may be empty."""
    name = "-".join(sorted([source, target]))
    if not (data_dir() / "fewshot" / f"{name}.toml").exists():
        return []
    pairs = load_toml(f"fewshot/{name}.toml")["pairs"]
    return [(pair[source], pair[target]) for pair in pairs]


class PromptedCausalLM:
    """A causal LM that translates and summarises through text prompts."""

    def __init__(
        self,
        loaded: LoadedCausalLM,
        name: str,
        model_id: str,
        revision: str | None,
        store: OutputStore | None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self._loaded = loaded
        self._store = store
        self.batch_size = batch_size
        self.info = ModelInfo(
            name=name,
            model_id=model_id,
            revision=revision,
            backend="transformers-causal-prompted",
            settings={
                "decoding": "greedy",
                "stop": "end of line",
                "translation_max_new_tokens": (
                    f"{TRANSLATION_TOKENS_PER_INPUT_TOKEN:g} * input tokens"
                    f" + {TRANSLATION_EXTRA_TOKENS}"
                ),
                "summary_max_new_tokens": SUMMARY_MAX_NEW_TOKENS,
                "dtype": "float32",
            },
        )

    # -- roles -------------------------------------------------------------------------------

    def translate(
        self,
        texts: Sequence[str],
        source: Language,
        target: Language,
        on_progress: ProgressCallback | None = None,
    ) -> list[str]:
        template = load_toml("prompts/translate.toml")
        names = {"source_name": source.name, "target_name": target.name}
        shots = "".join(
            template["example"].format(source=src, target=tgt, **names)
            for src, tgt in fewshot_pairs(source.code, target.code)
        )
        prompts = [shots + template["query"].format(source=text, **names) for text in texts]
        limits = [
            int(TRANSLATION_TOKENS_PER_INPUT_TOKEN * self._count_tokens(text))
            + TRANSLATION_EXTRA_TOKENS
            for text in texts
        ]
        return self.generate(prompts, limits, on_progress)

    def summarize(self, article: str) -> str:
        return self.summarize_many([article])[0]

    def summarize_many(
        self, articles: Sequence[str], on_progress: ProgressCallback | None = None
    ) -> list[str]:
        """One summary per article, generated in batches (used across documents by ``batch``)."""
        template = load_toml("prompts/summarize.toml")
        prompts = [
            template["template"].format(
                example_article=template["example_article"],
                example_summary=template["example_summary"],
                article=" ".join(article.split()),
            )
            for article in articles
        ]
        return self.generate(prompts, [SUMMARY_MAX_NEW_TOKENS] * len(prompts), on_progress)

    # -- generation --------------------------------------------------------------------------

    def generate(
        self,
        prompts: Sequence[str],
        max_new_tokens: Sequence[int],
        on_progress: ProgressCallback | None = None,
    ) -> list[str]:
        """Complete each prompt up to the end of its line; cached outputs are reused."""
        fingerprint = self.info.fingerprint()
        keys = [
            output_key(fingerprint, f"{limit}\x00{p}")
            for p, limit in zip(prompts, max_new_tokens, strict=True)
        ]
        outputs: dict[str, str] = self._store.get_many(keys) if self._store else {}
        if on_progress and outputs:
            on_progress(sum(1 for key in keys if key in outputs))
        todo = sorted(
            {key: i for i, key in enumerate(keys) if key not in outputs}.values(),
            key=lambda i: len(prompts[i]),
        )
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            texts = self._generate_batch(
                [prompts[i] for i in batch], max(max_new_tokens[i] for i in batch)
            )
            produced = {keys[i]: text for i, text in zip(batch, texts, strict=True)}
            outputs.update(produced)
            if self._store:
                self._store.put_many(self.info.model_id, produced.items())
            if on_progress:
                on_progress(len(batch))
        return [outputs[key] for key in keys]

    def _count_tokens(self, text: str) -> int:
        return len(self._loaded.tokenizer(text, add_special_tokens=False).input_ids)

    def _generate_batch(self, prompts: list[str], max_new_tokens: int) -> list[str]:
        import torch

        tokenizer = self._loaded.tokenizer
        encoded = tokenizer(prompts, return_tensors="pt", padding=True).to(self._loaded.device)
        with torch.inference_mode():
            generated = self._loaded.model.generate(
                **encoded,
                max_new_tokens=max_new_tokens,
                do_sample=False,
                num_beams=1,
                stop_strings=["\n"],
                tokenizer=tokenizer,
                pad_token_id=tokenizer.pad_token_id,
            )
        new_tokens = generated[:, encoded["input_ids"].shape[1] :]
        decoded = tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
        return [text.split("\n", 1)[0].strip() for text in decoded]
