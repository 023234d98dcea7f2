"""The interfaces every engine implements, and the record of which model produced an output."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

    from summarize.input.languages import Language
from summarize.progress import ProgressCallback

# Called with the number of items just finished, so callers can drive a progress bar.


@dataclass(frozen=True)
class ModelInfo:
    """Identifies a model and the settings it ran with; stored in every result."""

    name: str
    model_id: str
    revision: str | None
    backend: str
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def fingerprint(self) -> str:
        """Stable hash of everything that changes this model's outputs (the cache key prefix)."""
        payload = json.dumps(
            [self.model_id, self.revision, self.backend, self.settings], sort_keys=True
        )
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class PromptText:
    """A text an engine puts into its prompts besides the input: a few-shot example (either
    side), an example article or summary, an instruction. An output that reproduces one has
    leaked the prompt (the ``prompt_leak`` flag)."""

    kind: str  # what it is, for messages: "few-shot example", "example article", ...
    text: str


# The tasks an engine may have prompt texts for (the ``task`` of :func:`prompt_texts`).
TRANSLATE, SUMMARIZE = "translate", "summarize"


def prompt_texts(
    engine: object, task: str, source: Language | None = None, target: Language | None = None
) -> list[PromptText]:
    """The texts ``engine`` puts into its prompts for ``task`` (``translate`` from ``source``
    into ``target``, or ``summarize``) besides the input; none for engines without prompts
    (seq2seq models), which do not define ``prompt_texts``."""
    method = getattr(engine, "prompt_texts", None)
    return list(method(task, source, target)) if method is not None else []


class TruncatedText(str):
    """Generated text that stopped at its length limit instead of ending by itself: a summary
    or translation that was cut short.

    A ``str`` in every other respect, so it passes through all code that handles outputs (and
    the output cache keeps the mark, see :mod:`summarize.engines.batching`); the quality
    flags report it as ``truncated``.
    """

    max_new_tokens: int

    def __new__(cls, text: str, max_new_tokens: int) -> TruncatedText:
        made = super().__new__(cls, text)
        made.max_new_tokens = max_new_tokens
        return made

    def __reduce__(self):
        return (TruncatedText, (str(self), self.max_new_tokens))


class Translator(Protocol):
    info: ModelInfo

    def translate(
        self,
        texts: Sequence[str],
        source: Language,
        target: Language,
        on_progress: ProgressCallback | None = None,
    ) -> list[str]:
        """Translate each text from ``source`` to ``target``, in order."""
        ...


class LegScorer(Protocol):
    """A translator that can also score translations (reference-free): how likely it finds an
    output given its input, by forced decoding with the prompt it translates with."""

    info: ModelInfo

    def score_translations(
        self,
        texts: Sequence[str],
        outputs: Sequence[str],
        source: Language,
        target: Language,
        on_progress: ProgressCallback | None = None,
    ) -> list[float | None]:
        """Per pair, the mean log-probability per token (natural log) of ``outputs[i]`` as a
        translation of ``texts[i]``, its end-of-output token included; ``None`` where the pair
        cannot be scored (an input longer than the model takes)."""
        ...

    def scoring_prompt(self, source: Language, target: Language) -> str:
        """A short hash of the prompt the scores are conditioned on (for signatures)."""
        ...


def can_score(engine: object) -> bool:
    """Whether ``engine`` implements :class:`LegScorer`."""
    return callable(getattr(engine, "score_translations", None))


class AbstractiveSummarizer(Protocol):
    info: ModelInfo

    def summarize(self, article: str) -> str:
        """An abstractive summary of ``article``."""
        ...


class Embedder(Protocol):
    info: ModelInfo

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row vector per text."""
        ...

    def embed_tokens(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Per text, one L2-normalised row vector per word piece (for greedy token matching)."""
        ...
