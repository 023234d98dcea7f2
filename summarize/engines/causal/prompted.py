"""Translation and summarisation by prompting a causal language model (greedy).

Two kinds of prompt, both data (``models/prompts``, ``models/fewshot``):

- a base model (no chat template) gets few-shot examples and its completion stops at the end
  of the line;
- an instruction model (its tokenizer has a chat template) gets a system prompt and a user
  message per task, and its reply runs to its end-of-turn token: a chat preamble ("Here is the
  translation:") then stays in the output, where the ``commentary`` flag finds it, instead of
  replacing the translation. Replies to translations are joined into one line.

Inputs are sorted by length and batched under a token budget; generation (a
:class:`~summarize.engines.causal.generators.CausalGenerator`: transformers or CTranslate2) is
greedy, and its length limit grows with the input for translations; summaries of instruction
models get a larger limit, room to finish. An output that hits its limit comes back as
:class:`~summarize.engines.base.TruncatedText` (flagged ``truncated``). Outputs go through the
:class:`~summarize.engines.store.OutputStore` so nothing is generated twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarize.engines.base import (
    SUMMARIZE,
    TRANSLATE,
    ModelInfo,
    ProgressCallback,
    PromptText,
    TruncatedText,
)
from summarize.engines.batching import (
    DEFAULT_TOKEN_BUDGET,
    budget_planner,
    cached_mean_log_probs,
    generate_cached,
)
from summarize.engines.causal.generators import CausalGenerator, ready_for_batches
from summarize.engines.store import OutputStore
from summarize.resources import data_dir, load_toml

if TYPE_CHECKING:
    from summarize.input.languages import Language

# Translation length limit: this many new tokens per input token, plus a constant.
TRANSLATION_TOKENS_PER_INPUT_TOKEN = 2.0
TRANSLATION_EXTRA_TOKENS = 16
SUMMARY_MAX_NEW_TOKENS = 160
# Instruction models write a few sentences and then end their turn: room to finish.
CHAT_SUMMARY_MAX_NEW_TOKENS = 320
# Upper bound on prompts per batch; the token budget usually binds first.
DEFAULT_BATCH_SIZE = 32
# Scoring holds a vocabulary-wide row of logits per token (600 kB for Qwen's 152k tokens in
# float32): a smaller budget than generation's.
SCORING_TOKEN_BUDGET = 1024


@dataclass
class LoadedCausalLM:
    """A model and tokenizer in memory, set up for batched greedy generation."""

    model: Any
    tokenizer: Any
    device: str


def load_causal_lm(
    path: Path,
    device: str,
    use_safetensors: bool = True,
    gguf_file: str | None = None,
    model_id: str | None = None,
) -> LoadedCausalLM:
    """Load a local transformers checkpoint (or GGUF file) for generation (never remote code)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from summarize.engines.torch_runtime import (
        NO_REMOTE_CODE,
        load_or_explain,
        prepare_transformers,
    )

    prepare_transformers()
    name = model_id or str(path)
    gguf: dict[str, Any] = {"gguf_file": gguf_file} if gguf_file else {}
    gguf.update(NO_REMOTE_CODE)
    tokenizer = ready_for_batches(
        load_or_explain("tokenizer", name, lambda: AutoTokenizer.from_pretrained(path, **gguf))
    )
    weights = gguf if gguf_file else {**gguf, "use_safetensors": use_safetensors}
    model = load_or_explain(
        "weights",
        name,
        lambda: AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, **weights),
    )
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


def translation_prompt_texts(chat: bool, source: Language, target: Language) -> list[PromptText]:
    """What a translation prompt holds besides the input: a chat model's instruction (system
    and user parts), or a base model's few-shot examples (both sides)."""
    if chat:
        template = load_toml("prompts/translate.toml")
        names = {"source_name": source.name, "target_name": target.name}
        return [
            PromptText("instruction", template[part].format(source="", **names))
            for part in ("system", "user")
        ]
    return [
        PromptText("few-shot example", text)
        for pair in fewshot_pairs(source.code, target.code)
        for text in pair
    ]


def one_line(text: str) -> str:
    """A reply's lines joined with spaces (a translation of one segment is one line)."""
    if "\n" not in text:
        return text
    joined = " ".join(line.strip() for line in text.splitlines() if line.strip())
    return TruncatedText(joined, text.max_new_tokens) if isinstance(text, TruncatedText) else joined


class PromptedCausalLM:
    """A causal LM that translates and summarises through text prompts."""

    def __init__(
        self,
        generator: CausalGenerator,
        name: str,
        model_id: str,
        revision: str | None,
        store: OutputStore | None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        token_budget: int = DEFAULT_TOKEN_BUDGET,
        summary_limit: int | None = None,
    ) -> None:
        self.generator = generator
        self._store = store
        self._turn_end: int | None = None
        self.batch_size = batch_size
        self.token_budget = token_budget
        # Instruction-tuned models come with a chat template; base models get few-shot prompts.
        self.uses_chat = bool(getattr(generator.tokenizer, "chat_template", None))
        self.stop = "turn" if self.uses_chat else "line"
        self.summary_max_new_tokens = summary_limit or (
            CHAT_SUMMARY_MAX_NEW_TOKENS if self.uses_chat else SUMMARY_MAX_NEW_TOKENS
        )
        self.info = ModelInfo(
            name=name,
            model_id=model_id,
            revision=revision,
            backend=f"{generator.backend}-causal-prompted",
            settings={
                "decoding": "greedy",
                "stop": "end of turn" if self.uses_chat else "end of line",
                "translation_max_new_tokens": (
                    f"{TRANSLATION_TOKENS_PER_INPUT_TOKEN:g} * input tokens"
                    f" + {TRANSLATION_EXTRA_TOKENS}"
                ),
                "summary_max_new_tokens": self.summary_max_new_tokens,
                **generator.settings,
                "prompt": "chat template" if self.uses_chat else "few-shot",
            },
        )

    # -- what the prompts hold besides the input ---------------------------------------------

    def prompt_texts(
        self, task: str, source: Language | None = None, target: Language | None = None
    ) -> list[PromptText]:
        """Every text the prompts of ``task`` hold besides the input: few-shot examples (both
        sides) or the instruction for translation, the example article and summary or the
        instruction for summaries. Outputs are checked against them (``prompt_leak``)."""
        if task == TRANSLATE and source is not None and target is not None:
            return translation_prompt_texts(self.uses_chat, source, target)
        if task == SUMMARIZE:
            template = load_toml("prompts/summarize.toml")
            if self.uses_chat:
                return [
                    PromptText("instruction", template[part].format(article=""))
                    for part in ("system", "user")
                ]
            return [
                PromptText("example article", template["example_article"]),
                PromptText("example summary", template["example_summary"]),
            ]
        return []

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
        outputs = self.generate(prompts, limits, on_progress)
        return [one_line(output) for output in outputs] if self.uses_chat else outputs

    def translation_prompts(
        self, texts: Sequence[str], source: Language, target: Language
    ) -> list[str]:
        """One prompt per text: chat template if the model has one, else few-shot examples."""
        template = load_toml("prompts/translate.toml")
        names = {"source_name": source.name, "target_name": target.name}
        if self.uses_chat:
            system = template["system"].format(**names)
            return [
                self._chat(system, template["user"].format(source=text, **names)) for text in texts
            ]
        shots = "".join(
            template["example"].format(source=src, target=tgt, **names)
            for src, tgt in fewshot_pairs(source.code, target.code)
        )
        return [shots + template["query"].format(source=text, **names) for text in texts]

    def translation_limit(self, text: str) -> int:
        """New-token limit for translating ``text``: proportional to its length."""
        return (
            int(TRANSLATION_TOKENS_PER_INPUT_TOKEN * self.count_tokens(text))
            + TRANSLATION_EXTRA_TOKENS
        )

    def summarize(self, article: str) -> str:
        return self.summarize_many([article])[0]

    def summarize_many(
        self, articles: Sequence[str], on_progress: ProgressCallback | None = None
    ) -> list[str]:
        """One summary per article, generated in batches (used across documents by ``batch``)."""
        template = load_toml("prompts/summarize.toml")
        prompts = []
        for article in articles:
            flat = " ".join(article.split())
            if self.uses_chat:
                user = template["user"].format(article=flat)
                prompts.append(self._chat(template["system"], user))
            else:
                prompts.append(
                    template["template"].format(
                        example_article=template["example_article"],
                        example_summary=template["example_summary"],
                        article=flat,
                    )
                )
        return self.generate(prompts, [self.summary_max_new_tokens] * len(prompts), on_progress)

    # -- scoring (forced decoding) -----------------------------------------------------------

    def score_translations(
        self,
        texts: Sequence[str],
        outputs: Sequence[str],
        source: Language,
        target: Language,
        on_progress: ProgressCallback | None = None,
    ) -> list[float | None]:
        """The mean log-probability per token of each output after its translation prompt,
        up to and including the token that ends it (end of turn, or the newline of a few-shot
        answer): the model's own judgement of the output as a translation of the text.

        The prompt is tokenised as for generation and the output on its own, as the model
        generated it (a few-shot answer after ``Russian:`` starts with a space). Scores are
        cached like outputs."""
        prompts = self.translation_prompts(texts, source, target)
        prompt_ids = [
            self.generator.tokenizer(prompt, add_special_tokens=not self.uses_chat).input_ids
            for prompt in prompts
        ]
        output_ids = [self._answer_ids(output) for output in outputs]
        sequences = [p + o for p, o in zip(prompt_ids, output_ids, strict=True)]

        def score_batch(batch: list[int]) -> list[list[float]]:
            return self.generator.score_batch(
                [sequences[i] for i in batch], [len(output_ids[i]) for i in batch]
            )

        plan = budget_planner(
            lambda i: len(sequences[i]), lambda _i: 0, SCORING_TOKEN_BUDGET, self.batch_size
        )
        pairs = zip(prompts, outputs, strict=True)
        cache_inputs = [f"score\x00{prompt}\x00{output}" for prompt, output in pairs]
        found = cached_mean_log_probs(
            self.info, self._store, cache_inputs, score_batch, self.batch_size, on_progress, plan
        )
        return [*found]

    def scoring_prompt(self, source: Language, target: Language) -> str:
        """A hash of the translation prompt around an empty input (template, instruction or
        few-shot examples): scores under other prompts are not comparable."""
        (prompt,) = self.translation_prompts([""], source, target)
        return hashlib.sha256(prompt.encode()).hexdigest()[:12]

    def _answer_ids(self, output: str) -> list[int]:
        """``output`` as the tokens the model generates for it, its end token included."""
        tokenizer = self.generator.tokenizer
        if not self.uses_chat:
            return tokenizer(f" {output}\n", add_special_tokens=False).input_ids
        return [*tokenizer(output, add_special_tokens=False).input_ids, self._turn_end_id()]

    def _turn_end_id(self) -> int:
        """The token that ends an assistant reply in the chat template (``<|im_end|>``,
        ``<end_of_turn>``), read off the template itself; the end-of-sequence token if the
        template does not show it."""
        if self._turn_end is None:
            tokenizer = self.generator.tokenizer
            messages = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
            prompt = tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
            reply = "\x01reply\x01"
            whole = tokenizer.apply_chat_template(
                [*messages, {"role": "assistant", "content": reply}], tokenize=False
            )
            after = whole.partition(reply)[2] if whole.startswith(prompt) else ""
            ids = tokenizer(after, add_special_tokens=False).input_ids if after else []
            self._turn_end = ids[0] if ids else tokenizer.eos_token_id
        return self._turn_end

    # -- generation --------------------------------------------------------------------------

    def generate(
        self,
        prompts: Sequence[str],
        max_new_tokens: Sequence[int],
        on_progress: ProgressCallback | None = None,
    ) -> list[str]:
        """Complete each prompt up to the end of its line (few-shot) or of the model's turn
        (chat); cached outputs are reused."""

        def run_batch(batch: list[int]) -> list[str]:
            return self.generator.generate_batch(
                [prompts[i] for i in batch],
                [max_new_tokens[i] for i in batch],
                add_special_tokens=not self.uses_chat,  # a chat template writes BOS itself
                stop=self.stop,
            )

        plan = budget_planner(
            lambda i: self.count_tokens(prompts[i]),
            lambda i: max_new_tokens[i],
            self.token_budget,
            self.batch_size,
        )
        cache_inputs = [f"{limit}\x00{p}" for p, limit in zip(prompts, max_new_tokens, strict=True)]
        return generate_cached(
            self.info, self._store, cache_inputs, run_batch, self.batch_size, on_progress, plan
        )

    def _chat(self, system: str, user: str) -> str:
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        return self.generator.tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True
        )

    def count_tokens(self, text: str) -> int:
        return len(self.generator.tokenizer(text, add_special_tokens=False).input_ids)
