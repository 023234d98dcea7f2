"""Translation and summarisation by prompting a causal language model (few-shot, greedy).

Prompts and examples are data (``models/prompts``, ``models/fewshot``). Inputs are sorted by
length and batched under a token budget; generation (a :class:`CausalGenerator`: transformers or
CTranslate2) is greedy, stops at the end of the line, and its length limit grows with the input.
Outputs go through the :class:`~summarize.store.OutputStore` so nothing is generated twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from summarize.engines.base import ModelInfo, ProgressCallback
from summarize.engines.batching import DEFAULT_TOKEN_BUDGET, plan_batches
from summarize.engines.causal_generators import CausalGenerator
from summarize.resources import data_dir, load_toml
from summarize.store import OutputStore, output_key

if TYPE_CHECKING:
    from summarize.languages import Language

# Translation length limit: this many new tokens per input token, plus a constant.
TRANSLATION_TOKENS_PER_INPUT_TOKEN = 2.0
TRANSLATION_EXTRA_TOKENS = 16
SUMMARY_MAX_NEW_TOKENS = 160


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
        generator: CausalGenerator,
        name: str,
        model_id: str,
        revision: str | None,
        store: OutputStore | None,
        token_budget: int = DEFAULT_TOKEN_BUDGET,
    ) -> None:
        self.generator = generator
        self._store = store
        self.token_budget = token_budget
        self.info = ModelInfo(
            name=name,
            model_id=model_id,
            revision=revision,
            backend=f"{generator.backend}-causal-prompted",
            settings={
                "decoding": "greedy",
                "stop": "end of line",
                "translation_max_new_tokens": (
                    f"{TRANSLATION_TOKENS_PER_INPUT_TOKEN:g} * input tokens"
                    f" + {TRANSLATION_EXTRA_TOKENS}"
                ),
                "summary_max_new_tokens": SUMMARY_MAX_NEW_TOKENS,
                **generator.settings,
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
        prompts = self.translation_prompts(texts, source, target)
        limits = [self.translation_limit(text) for text in texts]
        return self.generate(prompts, limits, on_progress)

    def translation_prompts(
        self, texts: Sequence[str], source: Language, target: Language
    ) -> list[str]:
        """Few-shot prompts, one per text (examples from ``models/fewshot``)."""
        template = load_toml("prompts/translate.toml")
        names = {"source_name": source.name, "target_name": target.name}
        shots = "".join(
            template["example"].format(source=src, target=tgt, **names)
            for src, tgt in fewshot_pairs(source.code, target.code)
        )
        return [shots + template["query"].format(source=text, **names) for text in texts]

    def translation_limit(self, text: str) -> int:
        """New-token limit for translating ``text``: proportional to its length."""
        return (
            int(TRANSLATION_TOKENS_PER_INPUT_TOKEN * self.generator.count_tokens(text))
            + TRANSLATION_EXTRA_TOKENS
        )

    def summarize(self, article: str) -> str:
        template = load_toml("prompts/summarize.toml")
        prompt = template["template"].format(
            example_article=template["example_article"],
            example_summary=template["example_summary"],
            article=" ".join(article.split()),
        )
        return self.generate([prompt], [SUMMARY_MAX_NEW_TOKENS])[0]

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
        todo = list({key: i for i, key in enumerate(keys) if key not in outputs}.values())
        lengths = [self.generator.count_tokens(prompts[i]) for i in todo]
        limits = [max_new_tokens[i] for i in todo]
        for planned in plan_batches(lengths, limits, self.token_budget):
            batch = [todo[j] for j in planned]
            texts = self.generator.generate_batch(
                [prompts[i] for i in batch], [max_new_tokens[i] for i in batch]
            )
            produced = {keys[i]: text for i, text in zip(batch, texts, strict=True)}
            outputs.update(produced)
            if self._store:
                self._store.put_many(self.info.model_id, produced.items())
            if on_progress:
                on_progress(len(batch))
        return [outputs[key] for key in keys]
