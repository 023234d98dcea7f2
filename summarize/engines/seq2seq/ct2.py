"""Encoder-decoder generation with ``ctranslate2.Translator``, decoding as transformers does.

The engine (:mod:`~summarize.engines.seq2seq.engine`) hands over the same token ids it gives
transformers; this module reproduces what ``generate`` adds on its own:

- the decoder start token: the converted model's own, or, when the converter leaves it unset
  (mBART-style configs), transformers' start token passed as the first target token;
- the forced first token (``forced_bos_token_id``: the target language of NLLB, M2M100 and
  mBART-50, or a model's own) as a target prefix, which CTranslate2 counts in the length limit
  as transformers counts it in ``max_new_tokens``;
- the model's generation config: ``min_length`` / ``min_new_tokens``, ``no_repeat_ngram_size``,
  ``bad_words_ids``, ``length_penalty``, ``eos_token_id``. A setting with no CTranslate2
  equivalent raises :class:`~summarize.engines.ct2.Ct2Unsupported` at load time, so the model
  runs on transformers rather than giving other outputs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarize.engines.ct2 import Ct2Unsupported, ct2_checkpoint, load_ct2_model
from summarize.engines.seq2seq.models import (
    Seq2SeqRequest,
    Seq2SeqSetup,
    forced_ids,
    load_setup,
)

if TYPE_CHECKING:
    from summarize.engines.files.hub import ModelFiles

# Generation settings (when not at their defaults) that change transformers' outputs and that
# CTranslate2 cannot reproduce. repetition_penalty is here because transformers also penalises
# the decoder start token (</s> for BART-style models, so it delays the end); CTranslate2 does not.
NO_CT2_EQUIVALENT = (
    "repetition_penalty",
    "encoder_repetition_penalty",
    "encoder_no_repeat_ngram_size",
    "suppress_tokens",
    "begin_suppress_tokens",
    "sequence_bias",
    "exponential_decay_length_penalty",
    "forced_decoder_ids",
    "guidance_scale",
    "num_beam_groups",
    "diversity_penalty",
    "force_words_ids",
    "constraints",
    "stop_strings",
)


def _ids(value: int | list[int] | None) -> list[int]:
    if value is None:
        return []
    return [value] if isinstance(value, int) else list(value)


def check_reproducible(generation) -> None:
    """Raise :class:`Ct2Unsupported` if the generation config asks for something CTranslate2
    cannot reproduce."""
    changed = generation.to_diff_dict()
    unsupported = [key for key in NO_CT2_EQUIVALENT if key in changed]
    # n = 1 would also ban the decoder start token in transformers (n >= 2 never matches it).
    if generation.no_repeat_ngram_size == 1:
        unsupported.append("no_repeat_ngram_size")
    if unsupported:
        settings = ", ".join(f"{key}={changed[key]!r}" for key in unsupported)
        raise Ct2Unsupported(f"no equivalent of the generation setting(s) {settings}")


def decoding_options(setup: Seq2SeqSetup, vocabulary: set[str]) -> dict[str, Any]:
    """``translate_batch`` options giving what ``generate`` does with the model's generation
    config (``vocabulary``: the converted model's target tokens)."""
    generation = setup.generation
    tokenizer = setup.tokenizer
    check_reproducible(generation)
    # transformers blocks </s> while the decoder input (start token included) is shorter than
    # min_length, and for the first min_new_tokens new tokens.
    min_length = max((generation.min_length or 0) - 1, generation.min_new_tokens or 0, 0)
    suppress = [
        tokenizer.convert_ids_to_tokens(_ids(ids)) for ids in generation.bad_words_ids or []
    ]
    # A token the conversion dropped (Marian's <pad>) cannot be generated anyway.
    suppress = [tokens for tokens in suppress if set(tokens) <= vocabulary]
    options: dict[str, Any] = {
        "min_decoding_length": min_length,
        "no_repeat_ngram_size": generation.no_repeat_ngram_size or 0,
        "length_penalty": 1.0 if generation.length_penalty is None else generation.length_penalty,
        "suppress_sequences": suppress or None,
        "max_input_length": 0,  # the engine splits long inputs; never truncate
    }
    ends = _ids(generation.eos_token_id)
    if ends:
        options["end_token"] = tokenizer.convert_ids_to_tokens(ends)
    return options


def _vocabulary(ct2_path: Path) -> set[str]:
    for name in ("shared_vocabulary.json", "target_vocabulary.json"):
        if (ct2_path / name).is_file():
            return set(json.loads((ct2_path / name).read_text(encoding="utf-8")))
    return set()


class Ct2Seq2SeqGenerator:
    """Translation and summarisation with ``ctranslate2.Translator``."""

    backend = "ctranslate2"

    def __init__(
        self,
        ct2_path: Path,
        setup: Seq2SeqSetup,
        device: str,
        quantization: str,
        threads: int | None = None,
    ) -> None:
        self.setup = setup
        tokenizer = setup.tokenizer
        self.options = decoding_options(setup, _vocabulary(ct2_path))
        converted = json.loads((ct2_path / "config.json").read_text(encoding="utf-8"))
        # Without a start token of its own (mBART-style configs), CTranslate2 starts the decoder
        # with the first target-prefix token: give it transformers' start token.
        self._start = (
            []
            if converted.get("decoder_start_token")
            else [tokenizer.convert_ids_to_tokens(setup.decoder_start_token_id)]
        )
        self.translator = load_ct2_model("Translator", ct2_path, device, quantization, threads)
        self.settings: dict[str, Any] = {"quantization": quantization}

    def _target_prefix(self, request: Seq2SeqRequest) -> list[str]:
        forced = forced_ids(request, self.setup)
        return self._start + self.setup.tokenizer.convert_ids_to_tokens(forced)

    def generate_batch(self, requests: list[Seq2SeqRequest], num_beams: int) -> list[list[int]]:
        tokenizer = self.setup.tokenizer
        prefixes = [self._target_prefix(request) for request in requests]
        results = self.translator.translate_batch(
            [tokenizer.convert_ids_to_tokens(request.ids) for request in requests],
            target_prefix=prefixes if any(prefixes) else None,
            beam_size=num_beams,
            max_decoding_length=max(request.max_new_tokens for request in requests),
            **self.options,
        )
        # The hypotheses hold the forced token, not the decoder start token: as rows[1:] of
        # transformers' output.
        return [tokenizer.convert_tokens_to_ids(result.hypotheses[0]) for result in results]

    def score_batch(
        self, requests: list[Seq2SeqRequest], targets: list[list[int]]
    ) -> list[list[float]]:
        tokenizer = self.setup.tokenizer
        found = []
        # One pair per call: a padded batch gives other floats on some processors, so a score
        # would depend on what else is scored with it (``run`` against ``batch``).
        for request, target in zip(requests, targets, strict=True):
            # CTranslate2 adds the end token itself and scores it; the prefix is not scored.
            (result,) = self.translator.score_batch(
                [tokenizer.convert_ids_to_tokens(request.ids)],
                [self._target_prefix(request) + tokenizer.convert_ids_to_tokens(target[:-1])],
                max_input_length=0,
            )
            found.append(list(result.log_probs[len(result.log_probs) - len(target) :]))
        return found


def load_ct2_seq2seq(
    files: ModelFiles,
    device: str,
    quantization: str,
    threads: int | None,
    notify: Callable[[str], None],
) -> Ct2Seq2SeqGenerator:
    """Convert (once) and load; raises :class:`Ct2Unsupported` when CTranslate2 cannot run it."""
    setup = load_setup(files)
    check_reproducible(setup.generation)  # before a long conversion
    ct2_path = ct2_checkpoint(files.path, files.model_id, files.revision, quantization, notify)
    return Ct2Seq2SeqGenerator(ct2_path, setup, device, quantization, threads)
