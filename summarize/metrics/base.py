"""The score record shared by all metric families."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Score:
    """A metric value and everything needed to reproduce it.

    ``signature`` follows sacrebleu's style (``key:value|key:value``): two scores are comparable
    only when their signatures match.
    """

    metric: str
    value: float
    signature: str
    details: dict[str, float] = field(default_factory=dict)
