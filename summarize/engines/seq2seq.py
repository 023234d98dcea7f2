"""Hugging Face encoder-decoder models: translation and summarisation with ``generate``.

Families (from ``config.json`` and the tokenizer's language tokens):

- ``marian`` (OPUS-MT): one model per direction; multi-target models get a ``>>rus<<`` token;
- ``nllb`` (NLLB-200), ``m2m100``, ``mbart50``: multilingual; the input is
  ``[source code] text </s>`` and generation is forced to start with the target code
  (``rus_Cyrl`` / ``__ru__`` / ``ru_RU``, from ``models/languages.toml``);
- ``t5`` (T5, Flan-T5, mT5): task prefixes (``summarize: ``, ``translate English to German: ``);
- ``seq2seq`` (BART, DistilBART, Pegasus and any other encoder-decoder): summarisation.

Inputs are batched by length with right padding; decoding is greedy unless a preset asks for
beams, and every setting is recorded in :class:`ModelInfo`. Inputs longer than the model's
maximum are split on sentence boundaries (:mod:`summarize.engines.chunking`) and the outputs
joined: never truncated, and the user is told.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from summarize.engines.base import ModelInfo, ProgressCallback
from summarize.engines.batching import generate_cached
from summarize.engines.chunking import chunk_text
from summarize.errors import UserError
from summarize.languages import model_code
from summarize.store import OutputStore

if TYPE_CHECKING:
    from summarize.engines.hub import ModelFiles
    from summarize.languages import Language

TRANSLATION_TOKENS_PER_INPUT_TOKEN = 2.0
TRANSLATION_EXTRA_TOKENS = 16
SUMMARY_MAX_NEW_TOKENS = 142
DEFAULT_BATCH_SIZE = 8
# Used when neither the tokenizer nor the config states a maximum input length.
FALLBACK_MAX_INPUT_TOKENS = 512
# Language-code token patterns and the languages.toml scheme that fills them.
_LANGUAGE_TOKENS = {
    "nllb": ("{}", "nllb"),
    "m2m100": ("__{}__", "m2m"),
    "mbart50": ("{}", "mbart"),
}
_T5_TYPES = {"t5", "mt5", "umt5", "longt5"}
ROLES = {
    "marian": ("translator",),
    "nllb": ("translator",),
    "m2m100": ("translator",),
    "mbart50": ("translator",),
    "t5": ("translator", "summarizer"),
    "seq2seq": ("summarizer",),
}


@dataclass
class LoadedSeq2Seq:
    model: Any
    tokenizer: Any
    device: str
    family: str
    max_input_tokens: int


def token_id(tokenizer, token: str) -> int | None:
    """The id of ``token`` if it is a real vocabulary entry (not mapped to <unk>)."""
    found = tokenizer.convert_tokens_to_ids(token)
    if found is None or (found == tokenizer.unk_token_id and token != tokenizer.unk_token):
        return None
    return int(found)


def detect_family(model_type: str, tokenizer) -> str:
    if model_type == "marian":
        return "marian"
    if model_type in _T5_TYPES:
        return "t5"
    if model_type in {"m2m_100", "mbart", "nllb-moe"}:
        for family, (pattern, _scheme) in _LANGUAGE_TOKENS.items():
            probe = {"nllb": "eng_Latn", "m2m100": "en", "mbart50": "en_XX"}[family]
            if token_id(tokenizer, pattern.format(probe)) is not None:
                return family
    return "seq2seq"


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


def load_seq2seq(files: ModelFiles, device: str) -> LoadedSeq2Seq:
    """Load a checked local model directory (never runs remote code)."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from summarize.engines.torch_runtime import load_or_explain, quiet_transformers

    quiet_transformers()
    tokenizer = load_or_explain(
        "tokenizer", files.model_id, lambda: AutoTokenizer.from_pretrained(files.path)
    )
    tokenizer.padding_side = "right"
    model = load_or_explain(
        "weights",
        files.model_id,
        lambda: AutoModelForSeq2SeqLM.from_pretrained(
            files.path, dtype=torch.float32, use_safetensors=not files.pickle
        ),
    )
    model.to(device)
    model.eval()
    family = detect_family(model.config.model_type, tokenizer)
    return LoadedSeq2Seq(
        model, tokenizer, device, family, max_input_tokens(tokenizer, model.config)
    )


@dataclass
class _Request:
    """One generation: token ids (specials included), forced first token, length limit."""

    ids: list[int]
    forced_bos: int | None
    max_new_tokens: int

    def cache_text(self) -> str:
        return f"{self.forced_bos}\x00{self.max_new_tokens}\x00{' '.join(map(str, self.ids))}"


class Seq2SeqEngine:
    """A Hugging Face encoder-decoder model as translator and/or summariser."""

    def __init__(
        self,
        loaded: LoadedSeq2Seq,
        name: str,
        model_id: str,
        revision: str | None,
        store: OutputStore | None,
        notify: Callable[[str], None] = lambda message: None,
        num_beams: int = 1,
        summary_max_new_tokens: int = SUMMARY_MAX_NEW_TOKENS,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self._loaded = loaded
        self._store = store
        self._notify = notify
        self.num_beams = num_beams
        self.summary_max_new_tokens = summary_max_new_tokens
        self.batch_size = batch_size
        self.roles = ROLES[loaded.family]
        generation = loaded.model.generation_config.to_diff_dict()
        self.info = ModelInfo(
            name=name,
            model_id=model_id,
            revision=revision,
            backend=f"transformers-seq2seq:{loaded.family}",
            settings={
                "decoding": "greedy" if num_beams == 1 else f"beam search ({num_beams} beams)",
                "num_beams": num_beams,
                "translation_max_new_tokens": (
                    f"{TRANSLATION_TOKENS_PER_INPUT_TOKEN:g} * input tokens"
                    f" + {TRANSLATION_EXTRA_TOKENS}"
                ),
                "summary_max_new_tokens": summary_max_new_tokens,
                "max_input_tokens": loaded.max_input_tokens,
                "long_inputs": "split on sentence boundaries, outputs joined",
                "dtype": "float32",
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
        if any(len(parts) > 1 for parts in pieces):
            long = sum(1 for parts in pieces if len(parts) > 1)
            self._notify(
                f"{self.info.name}: {long} segment(s) longer than the model's "
                f"{self._loaded.max_input_tokens} input tokens were split on sentence/word "
                "boundaries and their translations joined"
            )
        requests = []
        for parts in pieces:
            for part in parts:
                ids = self._encode(prefix + part, source_token)
                limit = (
                    int(TRANSLATION_TOKENS_PER_INPUT_TOKEN * len(ids)) + TRANSLATION_EXTRA_TOKENS
                )
                requests.append(_Request(ids, forced, limit))
        split = len(requests) != len(texts)
        flat = self._generate(requests, None if split else on_progress)
        outputs, position = [], 0
        for parts in pieces:
            outputs.append(" ".join(flat[position : position + len(parts)]).strip())
            position += len(parts)
        if split and on_progress:
            on_progress(len(texts))
        return outputs

    def summarize(self, article: str) -> str:
        self._require("summarizer")
        prefix = "summarize: " if self._loaded.family == "t5" else ""
        chunks = self._split(prefix + " ".join(article.split()), len(prefix))
        if len(chunks) > 1:
            self._notify(
                f"{self.info.name}: the article is longer than the model's "
                f"{self._loaded.max_input_tokens} input tokens; summarising it as {len(chunks)} "
                "chunks split on sentence boundaries and joining the partial summaries"
            )
        requests = [
            _Request(self._encode(prefix + chunk, None), None, self.summary_max_new_tokens)
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
                f"model {self.info.name!r} ({self._loaded.family}) cannot act as a {role}"
            )

    def _translation_codes(
        self, source: Language, target: Language
    ) -> tuple[str, int | None, int | None]:
        """(text prefix, source-language token id, forced first output token id)."""
        family = self._loaded.family
        tokenizer = self._loaded.tokenizer
        if family == "t5":
            return f"translate {source.name} to {target.name}: ", None, None
        if family == "marian":
            for code in (model_code(target, "iso3"), target.code):
                if code and token_id(tokenizer, f">>{code}<<") is not None:
                    return f">>{code}<< ", None, None
            return "", None, None
        pattern, scheme = _LANGUAGE_TOKENS[family]
        ids = []
        for language in (source, target):
            code = model_code(language, scheme)
            found = token_id(tokenizer, pattern.format(code)) if code else None
            if found is None:
                raise UserError(
                    f"model {self.info.name!r} ({family}) has no language code for "
                    f"{language.name} ({language.code})"
                )
            ids.append(found)
        return "", ids[0], ids[1]

    def _count(self, text: str) -> int:
        return len(self._loaded.tokenizer(text, add_special_tokens=False).input_ids)

    def _split(self, text: str, prefix_chars: int) -> list[str]:
        """``text`` (which starts with a prefix of ``prefix_chars``) as model-sized chunks."""
        prefix, body = text[:prefix_chars], text[prefix_chars:]
        # Room for the prefix, the language token and </s>.
        room = self._loaded.max_input_tokens - self._count(prefix) - 2
        return chunk_text(body, max(room, 8), self._count)

    def _encode(self, text: str, source_token: int | None) -> list[int]:
        tokenizer = self._loaded.tokenizer
        if self._loaded.family in _LANGUAGE_TOKENS:
            body = tokenizer(text, add_special_tokens=False).input_ids
            return [source_token, *body, tokenizer.eos_token_id]
        return list(tokenizer(text).input_ids)

    # -- generation --------------------------------------------------------------------------

    def _generate(
        self, requests: list[_Request], on_progress: ProgressCallback | None
    ) -> list[str]:
        def run_batch(batch: list[int]) -> list[str]:
            return self._generate_batch([requests[i] for i in batch])

        return generate_cached(
            self.info,
            self._store,
            [request.cache_text() for request in requests],
            run_batch,
            self.batch_size,
            on_progress,
        )

    def _generate_batch(self, requests: list[_Request]) -> list[str]:
        import torch

        tokenizer = self._loaded.tokenizer
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        width = max(len(request.ids) for request in requests)
        input_ids = torch.tensor([r.ids + [pad] * (width - len(r.ids)) for r in requests])
        mask = torch.tensor([[1] * len(r.ids) + [0] * (width - len(r.ids)) for r in requests])
        extra: dict[str, Any] = {}
        if requests[0].forced_bos is not None:
            extra["forced_bos_token_id"] = requests[0].forced_bos
        with torch.inference_mode():
            generated = self._loaded.model.generate(
                input_ids=input_ids.to(self._loaded.device),
                attention_mask=mask.to(self._loaded.device),
                max_new_tokens=max(request.max_new_tokens for request in requests),
                do_sample=False,
                num_beams=self.num_beams,
                **extra,
            )
        # Each row keeps only its own token budget (the decoder start token + max_new_tokens):
        # greedy decoding is prefix-stable, so a batch gives what one-at-a-time would.
        rows = [
            row[: 1 + request.max_new_tokens]
            for row, request in zip(generated, requests, strict=True)
        ]
        decoded = tokenizer.batch_decode(rows, skip_special_tokens=True)
        return [" ".join(text.split()) for text in decoded]
