"""Encoder-decoder models: translation and summarisation, on transformers or CTranslate2.

Families (from ``config.json`` and the tokenizer's language tokens):

- ``marian`` (OPUS-MT): one model per direction; multi-target models get a ``>>rus<<`` token;
- ``nllb`` (NLLB-200), ``m2m100``, ``mbart50``: multilingual; the input is
  ``[source code] text </s>`` and generation is forced to start with the target code
  (``rus_Cyrl`` / ``__ru__`` / ``ru_RU``, from ``models/languages.toml``);
- ``t5`` (T5, Flan-T5, mT5): task prefixes (``summarize: ``, ``translate English to German: ``);
- ``seq2seq`` (BART, DistilBART, Pegasus and any other encoder-decoder): summarisation.

This module turns texts into token-id requests and outputs back into text; a generator
(:mod:`~summarize.engines.seq2seq.hf` for transformers, :mod:`~summarize.engines.seq2seq.ct2`
for CTranslate2) runs the model, so both backends share every rule here. Requests are batched by
length under a token budget and cached; decoding is greedy unless a preset asks for beams, and
every setting is recorded in :class:`ModelInfo`. Inputs longer than the model's maximum are split
on sentence boundaries (:mod:`summarize.engines.chunking`) and the outputs joined: never
truncated, and the user is told.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from summarize.engines.base import ModelInfo, ProgressCallback
from summarize.engines.batching import (
    DEFAULT_TOKEN_BUDGET,
    budget_planner,
    cached_mean_log_probs,
    generate_cached,
)
from summarize.engines.chunking import chunk_text
from summarize.engines.notes import send_note
from summarize.engines.seq2seq.models import Seq2SeqGenerator, Seq2SeqRequest
from summarize.engines.store import OutputStore
from summarize.errors import UserError

if TYPE_CHECKING:
    from summarize.input.languages import Language

TRANSLATION_TOKENS_PER_INPUT_TOKEN = 2.0
TRANSLATION_EXTRA_TOKENS = 16
SUMMARY_MAX_NEW_TOKENS = 142
# Upper bound on inputs per batch; the token budget binds first for long inputs.
DEFAULT_BATCH_SIZE = 8


class Seq2SeqEngine:
    """An encoder-decoder model as translator and/or summariser."""

    def __init__(
        self,
        generator: Seq2SeqGenerator,
        name: str,
        model_id: str,
        revision: str | None,
        store: OutputStore | None,
        notify: Callable[[str], None] = lambda message: None,
        num_beams: int = 1,
        summary_max_new_tokens: int = SUMMARY_MAX_NEW_TOKENS,
        batch_size: int = DEFAULT_BATCH_SIZE,
        token_budget: int = DEFAULT_TOKEN_BUDGET,
    ) -> None:
        self.generator = generator
        self.setup = generator.setup
        self._store = store
        self._notify = notify
        self.num_beams = num_beams
        self.summary_max_new_tokens = summary_max_new_tokens
        self.batch_size = batch_size
        self.token_budget = token_budget
        self.roles = self.setup.family.roles
        generation = self.setup.generation.to_diff_dict()
        self.info = ModelInfo(
            name=name,
            model_id=model_id,
            revision=revision,
            backend=f"{generator.backend}-seq2seq:{self.setup.family}",
            settings={
                "decoding": "greedy" if num_beams == 1 else f"beam search ({num_beams} beams)",
                "num_beams": num_beams,
                "translation_max_new_tokens": (
                    f"{TRANSLATION_TOKENS_PER_INPUT_TOKEN:g} * input tokens"
                    f" + {TRANSLATION_EXTRA_TOKENS}"
                ),
                "summary_max_new_tokens": summary_max_new_tokens,
                "max_input_tokens": self.setup.max_input_tokens,
                "long_inputs": "split on sentence boundaries, outputs joined",
                **generator.settings,
                "generation_config": {
                    key: generation[key]
                    for key in sorted(generation)
                    if key not in {"transformers_version", "_from_model_config"}
                },
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
        self._require("translator")
        prefix, source_token, forced = self._translation_codes(source, target)
        pieces: list[list[str]] = [self._split(prefix + text, len(prefix)) for text in texts]
        long = [i for i, parts in enumerate(pieces) if len(parts) > 1]
        if long:
            send_note(
                self._notify,
                f"{self.info.name}: segments longer than the model's "
                f"{self.setup.max_input_tokens} input tokens were split on sentence/word "
                "boundaries and their translations joined",
                long,
            )
        requests = []
        for parts in pieces:
            for part in parts:
                ids = self._encode(prefix + part, source_token)
                limit = (
                    int(TRANSLATION_TOKENS_PER_INPUT_TOKEN * len(ids)) + TRANSLATION_EXTRA_TOKENS
                )
                requests.append(Seq2SeqRequest(ids, forced, limit))
        split = len(requests) != len(texts)
        flat = self._generate(requests, None if split else on_progress)
        outputs, position = [], 0
        for parts in pieces:
            outputs.append(" ".join(flat[position : position + len(parts)]).strip())
            position += len(parts)
        if split and on_progress:
            on_progress(len(texts))
        return outputs

    def score_translations(
        self,
        texts: Sequence[str],
        outputs: Sequence[str],
        source: Language,
        target: Language,
        on_progress: ProgressCallback | None = None,
    ) -> list[float | None]:
        """The mean log-probability per token of each output given its text (end of sequence
        included, the forced target-language token not), encoded as for translation. A text
        longer than the model takes, which translation splits, is not scored (``None``)."""
        self._require("translator")
        prefix, source_token, forced = self._translation_codes(source, target)
        tokenizer = self.setup.tokenizer
        pairs: list[tuple[Seq2SeqRequest, list[int]]] = []
        whole: list[int] = []
        for i, (text, output) in enumerate(zip(texts, outputs, strict=True)):
            if len(self._split(prefix + text, len(prefix))) == 1:
                body = tokenizer(text_target=output, add_special_tokens=False).input_ids
                request = Seq2SeqRequest(self._encode(prefix + text, source_token), forced, 0)
                pairs.append((request, [*body, tokenizer.eos_token_id]))
                whole.append(i)

        def score_batch(batch: list[int]) -> list[list[float]]:
            chosen = [pairs[i] for i in batch]
            return self.generator.score_batch([r for r, _ in chosen], [t for _, t in chosen])

        scored = cached_mean_log_probs(
            self.info,
            self._store,
            [f"score\x00{r.cache_text()}\x00{' '.join(map(str, t))}" for r, t in pairs],
            score_batch,
            self.batch_size,
            on_progress,
        )
        scores: list[float | None] = [None] * len(texts)
        for i, value in zip(whole, scored, strict=True):
            scores[i] = value
        return scores

    def scoring_prompt(self, source: Language, target: Language) -> str:
        """The language codes and task prefix the scores are conditioned on."""
        prefix, source_token, forced = self._translation_codes(source, target)
        return f"{prefix!r}:{source_token}:{forced}"

    def summarize(self, article: str) -> str:
        self._require("summarizer")
        prefix = self.setup.family.summary_prefix
        chunks = self._split(prefix + " ".join(article.split()), len(prefix))
        if len(chunks) > 1:
            self._notify(
                f"{self.info.name}: the article is longer than the model's "
                f"{self.setup.max_input_tokens} input tokens; summarising it as {len(chunks)} "
                "chunks split on sentence boundaries and joining the partial summaries"
            )
        requests = [
            Seq2SeqRequest(self._encode(prefix + chunk, None), None, self.summary_max_new_tokens)
            for chunk in chunks
        ]
        return " ".join(part for part in self._generate(requests, None) if part).strip()

    def chunks(self, text: str, prefix: str = "") -> list[str]:
        """How :meth:`summarize` splits ``text`` (exposed for tests and reports)."""
        return self._split(prefix + " ".join(text.split()), len(prefix))

    # -- encoding ----------------------------------------------------------------------------

    def _require(self, role: str) -> None:
        if role not in self.roles:
            raise UserError(
                f"model {self.info.name!r} ({self.setup.family}) cannot act as a {role}"
            )

    def _translation_codes(
        self, source: Language, target: Language
    ) -> tuple[str, int | None, int | None]:
        """(text prefix, source-language token id, forced first output token id)."""
        codes = self.setup.family.translation_codes(
            self.setup.tokenizer, source, target, self.info.name
        )
        return codes.prefix, codes.source_token, codes.forced_first

    def _count(self, text: str) -> int:
        return len(self.setup.tokenizer(text, add_special_tokens=False).input_ids)

    def _split(self, text: str, prefix_chars: int) -> list[str]:
        """``text`` (which starts with a prefix of ``prefix_chars``) as model-sized chunks."""
        prefix, body = text[:prefix_chars], text[prefix_chars:]
        # Room for the prefix, the language token and </s>.
        room = self.setup.max_input_tokens - self._count(prefix) - 2
        return chunk_text(body, max(room, 8), self._count)

    def _encode(self, text: str, source_token: int | None) -> list[int]:
        return self.setup.family.encode(self.setup.tokenizer, text, source_token)

    # -- generation --------------------------------------------------------------------------

    def _generate(
        self, requests: list[Seq2SeqRequest], on_progress: ProgressCallback | None
    ) -> list[str]:
        def run_batch(batch: list[int]) -> list[str]:
            chosen = [requests[i] for i in batch]
            return self._texts(self.generator.generate_batch(chosen, self.num_beams), chosen)

        plan = budget_planner(
            lambda i: len(requests[i].ids),
            lambda i: requests[i].max_new_tokens,
            self.token_budget,
            self.batch_size,
        )
        return generate_cached(
            self.info,
            self._store,
            [request.cache_text() for request in requests],
            run_batch,
            self.batch_size,
            on_progress,
            plan,
        )

    def _texts(self, rows: list[list[int]], requests: list[Seq2SeqRequest]) -> list[str]:
        """Each generated row cut to its own request's token budget, as text.

        Greedy decoding is prefix-stable, so a batch gives what one-at-a-time generation would.
        A model that forces </s> at the length limit (``forced_eos_token_id``) spends its last
        position on it when run alone, so its rows keep one token less: the same text as a run
        on its own, whatever the batch's longest limit.
        """
        forced_eos = self.setup.generation.forced_eos_token_id is not None
        rows = [
            row[: request.max_new_tokens - forced_eos]
            for row, request in zip(rows, requests, strict=True)
        ]
        decoded = self.setup.tokenizer.batch_decode(rows, skip_special_tokens=True)
        return [" ".join(text.split()) for text in decoded]
