"""What the seq2seq engine knows about an encoder-decoder model, whichever backend runs it.

:class:`~summarize.engines.seq2seq.engine.Seq2SeqEngine` builds token-id requests (language tokens,
task prefixes, chunks, length limits), batches and caches them; a :class:`Seq2SeqGenerator`
(transformers in :mod:`~summarize.engines.seq2seq.hf`, CTranslate2 in
:mod:`~summarize.engines.seq2seq.ct2`) only turns one batch of requests into token ids. Both
read the model's family, limits and generation config from the same :class:`Seq2SeqSetup`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from summarize.engines.seq2seq.families import Family, detect

if TYPE_CHECKING:
    from summarize.engines.files.hub import ModelFiles

# Used when neither the tokenizer nor the config states a maximum input length.
FALLBACK_MAX_INPUT_TOKENS = 512


@dataclass
class Seq2SeqSetup:
    """A model's tokenizer, family, input limit and generation config (``GenerationConfig``)."""

    tokenizer: Any
    family: Family  # str(family) is its name
    max_input_tokens: int
    generation: Any

    @property
    def decoder_start_token_id(self) -> int:
        """The token transformers starts the decoder with."""
        start = self.generation.decoder_start_token_id
        return int(start if start is not None else self.generation.bos_token_id)


@dataclass
class Seq2SeqRequest:
    """One generation: token ids (specials included), forced first token, length limit."""

    ids: list[int]
    forced_bos: int | None
    max_new_tokens: int

    def cache_text(self) -> str:
        return f"{self.forced_bos}\x00{self.max_new_tokens}\x00{' '.join(map(str, self.ids))}"


class Seq2SeqGenerator(Protocol):
    backend: str
    settings: dict[str, Any]
    setup: Seq2SeqSetup

    def generate_batch(self, requests: list[Seq2SeqRequest], num_beams: int) -> list[list[int]]:
        """Per request, the ids decoded after the decoder start token (forced first token
        included), up to the largest ``max_new_tokens`` of the batch, as transformers'
        ``generate`` does for a batch; the engine cuts each to its own limit."""
        ...

    def score_batch(
        self, requests: list[Seq2SeqRequest], targets: list[list[int]]
    ) -> list[list[float]]:
        """Forced decoding: per request, the log-probabilities of the ids of ``targets[i]``
        (end of sequence included), after the decoder start and the forced first token."""
        ...


def forced_ids(request: Seq2SeqRequest, setup: Seq2SeqSetup) -> list[int]:
    """The tokens forced after the decoder start: the request's target language, else the
    model's own ``forced_bos_token_id`` (none for most models)."""
    forced = request.forced_bos
    if forced is None:
        forced = setup.generation.forced_bos_token_id
    if forced is None:
        return []
    return [forced] if isinstance(forced, int) else list(forced)


def max_input_tokens(tokenizer, config) -> int:
    limits = [
        value
        for value in (
            getattr(tokenizer, "model_max_length", None),
            getattr(config, "max_position_embeddings", None),
            getattr(config, "n_positions", None),
        )
        if isinstance(value, int) and 0 < value < 1_000_000
    ]
    return min(limits) if limits else FALLBACK_MAX_INPUT_TOKENS


def describe(tokenizer, config, generation) -> Seq2SeqSetup:
    family = detect(config.model_type, tokenizer)
    return Seq2SeqSetup(tokenizer, family, max_input_tokens(tokenizer, config), generation)


def load_tokenizer(files: ModelFiles):
    """The model's tokenizer, padding on the right (encoder inputs)."""
    from transformers import AutoTokenizer

    from summarize.engines.torch_runtime import (
        NO_REMOTE_CODE,
        load_or_explain,
        prepare_transformers,
    )

    prepare_transformers()
    tokenizer = load_or_explain(
        "tokenizer",
        files.model_id,
        lambda: AutoTokenizer.from_pretrained(files.path, **NO_REMOTE_CODE),
    )
    tokenizer.padding_side = "right"
    return tokenizer


def load_setup(files: ModelFiles) -> Seq2SeqSetup:
    """The setup read from the model's files without loading its weights.

    The generation config is found as ``from_pretrained`` finds it: ``generation_config.json``,
    else the generation settings in ``config.json``.
    """
    from transformers import AutoConfig, GenerationConfig

    from summarize.engines.torch_runtime import NO_REMOTE_CODE

    tokenizer = load_tokenizer(files)
    config = AutoConfig.from_pretrained(files.path, **NO_REMOTE_CODE)
    try:
        generation = GenerationConfig.from_pretrained(files.path)
    except OSError:
        generation = GenerationConfig.from_pretrained(
            files.path, config_file_name="config.json", _from_model_config=True
        )
    return describe(tokenizer, config, generation)
