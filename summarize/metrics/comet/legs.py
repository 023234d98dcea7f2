"""CometKiwi as the reference-free judge of each leg of a translation system (``--scorer
cometkiwi``): its estimate of each output's quality given its input, in place of a model's
log-probability. It made none of the outputs, so it judges every system alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from summarize.engines.base import ModelInfo
from summarize.input.languages import Language
from summarize.metrics.comet import KIWI_MODEL
from summarize.metrics.comet.scorer import CometScorer, load_scorer
from summarize.progress import ProgressCallback

NAME = "cometkiwi"
MEASURE = "cometkiwi-estimate"


def kiwi_model(scorer: str | None) -> str | None:
    """The CometKiwi model a ``--scorer`` value names, or None for any other scorer:
    ``cometkiwi`` (the Hub's wmt22 CometKiwi), ``cometkiwi:<folder or Hub id>``, or the Hub id."""
    if scorer is None:
        return None
    name = scorer.strip()
    if name.lower() == NAME or name == KIWI_MODEL:
        return KIWI_MODEL
    if name.lower().startswith(f"{NAME}:") and name[len(NAME) + 1 :].strip():
        return name[len(NAME) + 1 :].strip()
    return None


@dataclass
class KiwiLegScorer:
    """A :class:`~summarize.engines.base.LegScorer` backed by CometKiwi."""

    info: ModelInfo
    scorer: CometScorer
    measure: str = MEASURE

    def score_translations(
        self,
        texts: Sequence[str],
        outputs: Sequence[str],
        source: Language,
        target: Language,
        on_progress: ProgressCallback | None = None,
    ) -> list[float | None]:
        return list(self.scorer.score(texts, outputs, on_progress=on_progress))

    def scoring_prompt(self, source: Language, target: Language) -> str:
        return "none"  # CometKiwi reads the source and the output, no prompt


def kiwi_leg_scorer(model: str) -> KiwiLegScorer:
    """The leg scorer of the CometKiwi model ``model`` (loaded once per process)."""
    from summarize.errors import UserError

    scorer = load_scorer(model)
    if scorer.needs_reference:
        raise UserError(f"{model!r} is not a CometKiwi model: it needs references")
    info = ModelInfo(NAME, scorer.model_id, scorer.revision, "comet", {"impl": "summarize"})
    return KiwiLegScorer(info, scorer)
