"""The models a set of prepared documents needs, loaded once through the engine registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from summarize.input.languages import Language
from summarize.pipeline.options import NO_SCORER, RunOptions
from summarize.pipeline.prepare import PreparedInput

if TYPE_CHECKING:
    from summarize.engines.base import AbstractiveSummarizer, Embedder, LegScorer, Translator
    from summarize.engines.registry import EngineRegistry
    from summarize.engines.store import OutputStore


@dataclass(frozen=True)
class RoundTripSystem:
    """One round-trip system: a model into the pivot and one back (often the same model), and
    the models scoring each leg (None: not scored)."""

    pivot: Language
    forward: Translator
    backward: Translator
    forward_scorer: LegScorer | None = None
    backward_scorer: LegScorer | None = None


@dataclass
class Engines:
    """The models of a run, loaded once (a batch shares them across all documents)."""

    embedder: Embedder
    summarizers: list[AbstractiveSummarizer]
    # One per (translator, pivot), translators outermost: the order ``run`` lists systems in.
    round_trips: list[RoundTripSystem] = field(default_factory=list)
    # Reference mode: per source language code, one model into English per translator, and
    # the model scoring each one's outputs (None: not scored).
    references: dict[str, list[Translator]] = field(default_factory=dict)
    reference_scorers: dict[str, list[LegScorer | None]] = field(default_factory=dict)
    # Per source language code, the model scoring a test set's own systems (``wmt_systems``).
    system_scorers: dict[str, LegScorer | None] = field(default_factory=dict)


def open_registry(
    options: RunOptions, notify: Callable[[str], None]
) -> tuple[EngineRegistry, OutputStore | None]:
    """The engine registry on the chosen device, with the output cache unless turned off."""
    from summarize.engines.notes import send_note
    from summarize.engines.registry import EngineRegistry
    from summarize.engines.store import OutputStore
    from summarize.engines.torch_runtime import resolve_device
    from summarize.resources import cache_dir

    # A broken cache says so once and turns itself off (never fatal). The outputs are the same
    # with or without it, so the warning is on the progress line, not in any result's notes.
    store = (
        OutputStore(cache_dir() / "outputs.sqlite3", lambda message: send_note(notify, message, ()))
        if options.use_cache
        else None
    )
    registry = EngineRegistry(
        resolve_device(options.device),
        store,
        notify,
        allow_pickle=options.allow_pickle,
        backend=options.backend,
        threads=options.threads,
        quantization=options.quantization,
    )
    return registry, store


def load_engines(
    registry: EngineRegistry, options: RunOptions, documents: Sequence[PreparedInput]
) -> Engines:
    """Every model that ``documents`` need (one article for ``run``, all of them for ``batch``).

    Each direction is asked for on its own, so a per-direction preset (``opus-mt``) gets its
    own model for every pivot and source language; the registry keeps each model once however
    many roles it plays. Text engines load first: a missing Hub model fails before anything slow.
    """
    english = documents[0].source
    pivots = next((d.pivots for d in documents if d.reference is None), [])
    languages = {d.reference.language.code: d.reference.language for d in documents if d.reference}
    names = options.all_translators()
    back = options.back_translator
    round_trips = [
        RoundTripSystem(
            pivot,
            registry.translator(name, english, pivot),
            registry.translator(back or name, pivot, english),
            leg_scorer(registry, options, names[0], english, pivot),
            leg_scorer(registry, options, back or names[0], pivot, english),
        )
        for name in names
        for pivot in pivots
    ]
    references = {
        code: [registry.translator(name, language, english) for name in names]
        for code, language in languages.items()
    }
    reference_scorers = {
        code: [leg_scorer(registry, options, names[0], language, english) for _name in names]
        for code, language in languages.items()
    }
    system_scorers = {
        code: leg_scorer(registry, options, names[0], language, english)
        for code, language in languages.items()
        if options.wmt_systems
    }
    summarizers = [registry.summarizer(name) for name in options.summarizers]
    embedder = registry.embedder(options.embedder)
    return Engines(
        embedder, summarizers, round_trips, references, reference_scorers, system_scorers
    )


def leg_scorer(
    registry: EngineRegistry,
    options: RunOptions,
    first: str,
    source: Language,
    target: Language,
) -> LegScorer | None:
    """The one model scoring every system's outputs from ``source`` into ``target``, so that
    systems compared side by side are judged alike: the ``--scorer`` (CometKiwi for
    ``cometkiwi``), else ``first``, the model of the first system in that direction (the first
    translator; for a round trip's way back, the back-translator if one is given), loaded once
    either way. None when scoring
    is off, or when ``first`` cannot score (``--scorer`` naming such a model is an error)."""
    from summarize.engines.base import can_score
    from summarize.errors import UserError
    from summarize.metrics.comet.legs import kiwi_leg_scorer, kiwi_model

    if options.scorer == NO_SCORER:
        return None
    kiwi = kiwi_model(options.scorer)
    if kiwi is not None:
        return kiwi_leg_scorer(kiwi)
    engine = registry.translator(options.scorer or first, source, target)
    if can_score(engine):
        return engine  # type: ignore[return-value]
    if options.scorer:
        raise UserError(f"model {options.scorer!r} ({engine.info.backend}) cannot score outputs")
    return None
