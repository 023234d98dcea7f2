"""The reference-free score of each leg of a translation system: how likely a scoring model
finds each output given its input (forced decoding with the prompt it translates with; the idea
of Prism, Thompson & Post 2020, and of LLM-likelihood quality estimation).

A round trip has two legs, English → pivot (``pivot``) and pivot → English (``back``); a
reference-mode system one (``translation``). The back-translation's chrF++ against the original
measures both legs at once: a forward error the backward model repairs is invisible, a backward
error is charged to the pivot. Each leg's own score tells them apart, and needs no reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from summarize.engines.base import LegScorer, ModelInfo
from summarize.input.languages import Language

METRIC_KEY = "logprob"
# Beside a score that the model which made the output gave it (every view; see the legend).
SELF_SCORED_MARK = "†"


def mark_self_scored(cell: str, self_scored: bool) -> str:
    """``cell`` with :data:`SELF_SCORED_MARK` when the score is the author's own."""
    return f"{cell}{SELF_SCORED_MARK}" if self_scored else cell


@dataclass(frozen=True)
class Leg:
    """One leg to score: the scoring model and the direction its outputs go."""

    step: str  # the output's step: pivot, back, translation
    scorer: LegScorer
    source: Language
    target: Language
    author: ModelInfo | None = None  # the model that made the outputs (None: no model here)

    @property
    def self_scored(self) -> bool:
        """Whether the scoring model made the outputs it scores: a model rates its own text
        above others', so such a score is marked in every view."""
        return self.author is not None and (
            self.author.fingerprint() == self.scorer.info.fingerprint()
        )

    def signature(self) -> str:
        """``pivot:qwen-1.5b@3f2a…|pivot-prompt:en-ru:9c1e…``: the scorer (name, weights and
        settings), the prompt its scores are conditioned on, and ``pivot-scorer:author`` when
        the scorer made the outputs."""
        info = self.scorer.info
        prompt = self.scorer.scoring_prompt(self.source, self.target)
        author = f"|{self.step}-scorer:author" if self.self_scored else ""
        return (
            f"{self.step}:{info.name}@{info.fingerprint()[:12]}|"
            f"{self.step}-prompt:{self.source.code}-{self.target.code}:{prompt}{author}"
        )


@dataclass(frozen=True)
class LegScores:
    """Per leg (step), one score per segment (``None``: not scored), and how they were made."""

    values: dict[str, list[float | None]]
    signature: str
    # The steps scored by the model that made them (see :attr:`Leg.self_scored`).
    self_scored: tuple[str, ...] = ()

    def segment(self, index: int) -> dict[str, float]:
        """The scored legs of segment ``index``."""
        found = {step: values[index] for step, values in self.values.items()}
        return {step: value for step, value in found.items() if value is not None}

    def means(self) -> dict[str, float]:
        """Per leg, the mean over its scored segments."""
        means = {}
        for step, values in self.values.items():
            scored = [value for value in values if value is not None]
            if scored:
                means[step] = sum(scored) / len(scored)
        return means


def leg_signature(legs: Sequence[Leg]) -> str:
    """The signature of a system's leg scores (sacrebleu style)."""
    measure = getattr(legs[0].scorer, "measure", "mean-token-logprob")  # CometKiwi's differs
    parts = [f"{METRIC_KEY}:{measure}", *(leg.signature() for leg in legs)]
    return "|".join([*parts, "agg:mean-of-segments,mean-of-legs|ref:none"])
