"""Resolve a model name (preset, Hub id, local directory or ``.gguf`` file) to a ready engine,
through the loader its family registered (``summarize.engines.families``).

One loaded model serves every role it is asked for (the bundled LM translates both ways and
summarises), so a run keeps each model in memory once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from summarize.engines.base import AbstractiveSummarizer, Embedder, Translator
from summarize.engines.embeddings import MULTILINGUAL_EXAMPLE
from summarize.engines.families import (
    SENTENCE_TRANSFORMERS,
    Loader,
    Model,
    detect,
    family_loader,
)
from summarize.engines.files.sources import check_source
from summarize.engines.store import OutputStore
from summarize.engines.threads import apply_threads, resolve_threads
from summarize.errors import UserError
from summarize.progress import Progress, SilentProgress
from summarize.resources import load_toml

if TYPE_CHECKING:
    from summarize.input.languages import Language


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    source: str
    # What the model is (seq2seq, prompted-causal, ...: engines/families.py), not how it runs.
    family: str
    roles: tuple[str, ...]
    revision: str | None = None
    num_beams: int = 1
    summary_max_new_tokens: int | None = None
    size: str = ""
    # The runtime that runs this preset ("ct2"), overriding --backend; None follows it.
    runtime: str | None = None
    # What ``auto`` (the default --backend) means for this preset, when not the general rule:
    # "ct2" for the Qwen GGUF presets, whose weights are 4-bit already and whose measured
    # numbers (and seed time) are CTranslate2 int8's; an explicit --backend still decides.
    auto_runtime: str | None = None
    # Embedders: the languages it was trained on (ISO 639-1, "*" for many); () when not said.
    languages: tuple[str, ...] = ()

    def resolved(self, source: Language | None = None, target: Language | None = None) -> str:
        """The source to load, with a per-direction template filled and the revision pinned."""
        text = self.source
        if "{source}" in text or "{target}" in text:
            if source is None or target is None:
                return text
            text = text.format(source=source.code, target=target.code)
        return f"{text}@{self.revision}" if self.revision else text


# Keys every preset in models/presets.toml must have ("backend": the old name of "family").
PRESET_KEYS = ("description", "source", "family", "roles")


def _checked_preset(name: str, entry: dict) -> dict:
    """``entry`` with ``family`` filled in from its old name; a missing key, or a family no
    loader is registered for, is a one-line error naming the preset."""
    entry = {**entry, "family": entry.get("family") or entry.get("backend")}
    for key in PRESET_KEYS:
        if not entry.get(key):
            raise UserError(f"models/presets.toml: preset {name!r} lacks the key {key!r}")
    family_loader(entry["family"], f"models/presets.toml: preset {name!r}")
    return entry


def presets() -> dict[str, Preset]:
    entries = {
        name: _checked_preset(name, entry) for name, entry in load_toml("presets.toml").items()
    }
    return {
        name: Preset(
            name,
            entry["description"],
            entry["source"],
            entry["family"],
            tuple(entry["roles"]),
            entry.get("revision"),
            entry.get("num_beams", 1),
            entry.get("summary_max_new_tokens"),
            entry.get("size", ""),
            entry.get("runtime"),
            entry.get("auto_runtime"),
            tuple(entry.get("languages", ())),
        )
        for name, entry in entries.items()
    }


DEFAULT_MODEL_ENV = "SUMMARIZE_DEFAULT_MODEL"


def default_model() -> tuple[str, str]:
    """(preset, reason): the translator and summariser used when none is named.

    ``SUMMARIZE_DEFAULT_MODEL`` when set; else the first ``[[choice]]`` of
    ``models/defaults.toml`` whose model is installed (a model from PyPI part packages is an
    extra). Looking costs a few file checks, no model load.
    """
    named = os.environ.get(DEFAULT_MODEL_ENV, "").strip()
    if named:
        if named not in presets():
            known = ", ".join(sorted(presets()))
            raise UserError(f"{DEFAULT_MODEL_ENV}={named!r} is not a preset ({known})")
        return named, f"set by {DEFAULT_MODEL_ENV}"
    choices = default_choices()
    model, why, _ = next((c for c in choices if c[2] is None), choices[-1])
    return model, why


def default_choices() -> list[tuple[str, str, str | None]]:
    """Every default in order of preference: (preset, reason, why it is not installed or
    ``None``)."""
    found = []
    for choice in load_toml("defaults.toml")["choice"]:
        try:
            check_installed(presets()[choice["model"]].source)
            missing = None
        except UserError as exc:
            missing = str(exc)
        found.append((choice["model"], choice["why"], missing))
    return found


def check_installed(source: str) -> None:
    """A model shipped as PyPI part packages must have them installed at the pinned versions:
    otherwise one line naming the pip command (checked before anything is loaded)."""
    check_source(source)


def resolve_source(
    name: str, role: str, source: Language | None = None, target: Language | None = None
) -> str:
    """What to load for ``name`` in ``role``: a preset's source, a local directory or a Hub id.

    Checked before any model is loaded, so a typo fails at once. A Hub id (``org/name``,
    optionally ``@revision``) is only checked for shape here; it is found or downloaded when
    loaded, and fails fast then if it is neither cached nor reachable.
    """
    from summarize.engines.files.hub import looks_like_hub_id, split_revision

    known = presets()
    preset = known.get(name)
    if preset is not None:
        if role not in preset.roles:
            raise UserError(f"model preset {name!r} cannot act as a {role}")
        check_installed(preset.source)
        return preset.resolved(source, target)
    if Path(name).expanduser().is_dir() or looks_like_hub_id(split_revision(name)[0]):
        return name
    if Path(name).expanduser().suffix == ".gguf" and Path(name).expanduser().is_file():
        from summarize.engines.files.gguf import check_gguf

        check_gguf(Path(name).expanduser())
        return name
    raise UserError(
        f"unknown model {name!r}: not a preset ({', '.join(sorted(known))}), "
        "a local model directory or a Hugging Face Hub id (org/name)"
    )


# Runtimes that generate text. ``auto`` (the default) runs translators on CTranslate2 with float32
# weights where it covers the model, whose outputs equal transformers' (tested), and summarisers
# and everything else on transformers (see ``runtime_for``); ``ct2`` asks for CTranslate2 (int8
# on CPU unless a quantisation is given), ``transformers`` for transformers.
BACKENDS = ("auto", "transformers", "ct2")


def runtime_for(requested: str, role: str, preset: Preset | None = None) -> str:
    """The runtime that ``requested`` (the --backend) means for a model in ``role``.

    A preset's ``runtime`` always wins; under ``auto`` its ``auto_runtime`` comes next. Else,
    under ``auto``, a summariser runs on transformers: over a long input (a one-shot prompt and a
    whole article) float32 on CTranslate2 and on PyTorch add in different orders, a greedy choice
    between near-equal tokens flips and the two summaries part (measured on the bundled model,
    ``bench/default_runtime.py``), while sentence-long translations came out equal. ``auto``
    promises transformers' outputs, so only translation takes the faster runtime.
    """
    if preset and preset.runtime:
        return preset.runtime
    if requested == "auto":
        if preset and preset.auto_runtime:
            return preset.auto_runtime
        if role == "summarizer":
            return "transformers"
    return requested


class EngineRegistry:
    """Builds engines on demand and keeps each loaded model for the rest of the run."""

    def __init__(
        self,
        device: str,
        store: OutputStore | None,
        notify: Callable[[str], None],
        allow_pickle: bool = False,
        backend: str = "transformers",
        threads: int | None = None,
        quantization: str | None = None,
        progress: Progress | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise UserError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
        self.device = device
        self.store = store
        self.notify = notify
        self.allow_pickle = allow_pickle
        self.backend = backend
        # Every model here (torch and CTranslate2 alike) uses the run's one thread count.
        self.threads = resolve_threads(threads)
        self.quantization = quantization
        self._loaded: dict[str, object] = {}
        # What every family's loader is given; long one-time steps (assembling a model from
        # PyPI packages) show a bar on its progress.
        self.loader = Loader(
            device,
            store,
            notify,
            self.threads,
            quantization,
            allow_pickle,
            progress or SilentProgress(),
        )
        apply_threads(self.threads)

    @property
    def progress(self) -> Progress:
        return self.loader.progress

    @progress.setter
    def progress(self, progress: Progress) -> None:
        self.loader.progress = progress

    def translator(
        self, name: str, source: Language | None = None, target: Language | None = None
    ) -> Translator:
        return self._text_engine(name, "translator", source, target)

    def summarizer(self, name: str) -> AbstractiveSummarizer:
        return self._text_engine(name, "summarizer")

    def embedder(self, name: str = "minilm") -> Embedder:
        source = resolve_source(name, "embedder")
        if name not in self._loaded:
            preset = presets().get(name)
            family = preset.family if preset else SENTENCE_TRANSFORMERS
            model = Model(name, family, source, "transformers")
            self._loaded[name] = family_loader(family, f"model {name!r}")(model, self.loader)
        return self._loaded[name]  # type: ignore[return-value]

    def _text_engine(
        self, name: str, role: str, source: Language | None = None, target: Language | None = None
    ):
        resolved = resolve_source(name, role, source, target)
        if "{source}" in resolved or "{target}" in resolved:
            raise UserError(f"model preset {name!r} needs a translation direction")
        preset = presets().get(name)
        runtime = runtime_for(self.backend, role, preset)
        key = f"{resolved}|{runtime}"
        if key not in self._loaded:
            self._loaded[key] = self._load_text_engine(name, resolved, runtime)
        engine = self._loaded[key]
        if role not in getattr(engine, "roles", (role,)):
            raise UserError(f"model {name!r} ({engine.info.backend}) cannot act as a {role}")
        return engine

    def _load_text_engine(self, name: str, source: str, runtime: str):
        """A preset is loaded as its family says; any other model as its files say."""
        preset = presets().get(name)
        if preset is None:
            model = Model(name, detect(self.loader.weights(source)), source, runtime)
        else:
            model = Model(
                name,
                preset.family,
                source,
                runtime,
                num_beams=preset.num_beams,
                summary_limit=preset.summary_max_new_tokens,
            )
        return family_loader(model.family, f"model {name!r}")(model, self.loader)


def embedder_languages(name: str) -> tuple[str, ...]:
    """The languages the embedder ``name`` covers, as its preset says (``("en",)`` for
    ``minilm``; ``("*",)``: many). A model named by Hub id or directory, or a preset that does
    not say, gives ``("*",)``: naming it is the user's statement that it fits the text."""
    preset = presets().get(name)
    return preset.languages if preset is not None and preset.languages else ("*",)


def embedder_not_applicable(name: str, language: str | None) -> str | None:
    """Why the embedder ``name`` cannot judge text in ``language`` (None: it can, or the
    language is not known)."""
    languages = embedder_languages(name)
    if language is None or "*" in languages or language in languages:
        return None
    return (
        f"the embedder {name!r} knows only {', '.join(languages)}, not {language!r}; name a "
        f"multilingual one with ⟨embedder⟩ (e.g. {MULTILINGUAL_EXAMPLE} or LaBSE)"
    )
