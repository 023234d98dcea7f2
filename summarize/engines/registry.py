"""Resolve a model name (preset or local directory) to a ready engine.

One loaded model serves every role it is asked for (the bundled LM translates both ways and
summarises), so a run keeps each model in memory once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from summarize.engines.base import AbstractiveSummarizer, Embedder, Translator
from summarize.errors import UserError
from summarize.resources import load_toml
from summarize.store import OutputStore


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    source: str
    backend: str
    roles: tuple[str, ...]


def presets() -> dict[str, Preset]:
    return {
        name: Preset(
            name, entry["description"], entry["source"], entry["backend"], tuple(entry["roles"])
        )
        for name, entry in load_toml("presets.toml").items()
    }


def resolve_source(name: str, role: str) -> str:
    """What to load for ``name`` in ``role``: a preset's source or a local directory.

    Checked before any model is loaded, so a typo fails at once.
    """
    known = presets()
    preset = known.get(name)
    if preset is not None:
        if role not in preset.roles:
            raise UserError(f"model preset {name!r} cannot act as a {role}")
        return preset.source
    if Path(name).expanduser().is_dir():
        return name
    raise UserError(
        f"unknown model {name!r}: not a preset ({', '.join(sorted(known))}) "
        "or a local model directory"
    )


BACKENDS = ("transformers", "ct2")


class EngineRegistry:
    """Builds engines on demand and keeps each loaded model for the rest of the run."""

    def __init__(
        self,
        device: str,
        store: OutputStore | None,
        notify: Callable[[str], None],
        backend: str = "transformers",
        threads: int | None = None,
        quantization: str | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise UserError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
        self.device = device
        self.store = store
        self.notify = notify
        self.backend = backend
        self.threads = threads
        self.quantization = quantization
        self._loaded: dict[str, object] = {}

    def translator(self, name: str) -> Translator:
        return self._text_engine(name, "translator")

    def summarizer(self, name: str) -> AbstractiveSummarizer:
        return self._text_engine(name, "summarizer")

    def embedder(self, name: str = "minilm") -> Embedder:
        resolve_source(name, "embedder")
        if name not in self._loaded:
            from summarize.engines.embeddings import load_minilm

            self._loaded[name] = load_minilm(self.device)
        return self._loaded[name]  # type: ignore[return-value]

    def _text_engine(self, name: str, role: str):
        source = resolve_source(name, role)
        if source not in self._loaded:
            self._loaded[source] = self._load_text_engine(name, source)
        return self._loaded[source]

    def _load_text_engine(self, name: str, source: str):
        from summarize.engines.prompted import PromptedCausalLM

        if source == "bundled:gemma-3-270m":
            from summarize.engines.bundled import (
                BUNDLED_LM_ID,
                bundled_lm_checkpoint,
                bundled_lm_revision,
            )

            path, model_id, revision = (
                bundled_lm_checkpoint(self.notify),
                BUNDLED_LM_ID,
                bundled_lm_revision(),
            )
        else:
            path = Path(source).expanduser().resolve()
            model_id, revision = str(path), None
        generator = self._causal_generator(path, model_id, revision)
        return PromptedCausalLM(generator, name, model_id, revision, self.store)

    def _causal_generator(self, path: Path, model_id: str, revision: str | None):
        from summarize.engines.causal_generators import HfCausalGenerator

        if self.backend == "ct2":
            from summarize.engines.ct2 import (
                Ct2CausalGenerator,
                Ct2Unsupported,
                ct2_checkpoint,
                default_quantization,
            )

            quantization = self.quantization or default_quantization(self.device)
            try:
                ct2_path = ct2_checkpoint(path, model_id, revision, quantization, self.notify)
            except Ct2Unsupported as exc:
                self.notify(f"CTranslate2 cannot run {model_id} ({exc}); using transformers")
            else:
                return Ct2CausalGenerator(ct2_path, path, self.device, quantization, self.threads)
        return HfCausalGenerator(path, self.device, self.threads)
