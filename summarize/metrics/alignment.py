"""Sentence alignment of a translation to its original when the sentence counts differ.

A model may merge two sentences into one or split one into two; a 1:1 pairing would then
compare every later sentence with the wrong original. :func:`align` finds the monotone
alignment (beads 1-1, 1-2, 2-1, 1-0, 0-1, as in Gale & Church, 1993) that maximises the summed
similarity of the aligned groups, by dynamic programming. The default similarity is sentence
chrF (0-1), which needs no model and works for any pair of texts in the same language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# (original sentences, output sentences) taken by one bead.
BEADS = ((1, 1), (1, 2), (2, 1), (1, 0), (0, 1))
# Only cells within this many sentences of the diagonal are searched (long documents stay fast).
BAND = 10
# Subtracted from a bead that is not 1-1, so merges and splits need real evidence.
NON_ONE_TO_ONE_PENALTY = 0.05


@dataclass(frozen=True)
class Bead:
    """Original sentences ``sources`` aligned to output sentences ``outputs`` (indices)."""

    sources: tuple[int, ...]
    outputs: tuple[int, ...]


def chrf_similarity(left: str, right: str) -> float:
    from sacrebleu.metrics import CHRF

    return CHRF().sentence_score(left, [right]).score / 100


def align(
    sources: Sequence[str],
    outputs: Sequence[str],
    similarity: Callable[[str, str], float] = chrf_similarity,
    band: int = BAND,
) -> list[Bead]:
    """The best monotone alignment of ``outputs`` to ``sources``; every sentence is in one bead.

    The search keeps to a band around the diagonal from (0, 0) to (all sources, all outputs),
    measured along the longer side, so it costs O((n + m) * band) similarity calls; a path along
    the diagonal always exists inside any band of at least 1.
    """
    n, m = len(sources), len(outputs)
    longer = max(n, m, 1)
    best: dict[tuple[int, int], tuple[float, tuple[int, int] | None]] = {(0, 0): (0.0, None)}
    for i in range(n + 1):
        for j in range(m + 1):
            if (i, j) == (0, 0) or abs(j * n - i * m) / longer > band:
                continue
            options = []
            for di, dj in BEADS:
                previous = (i - di, j - dj)
                if previous not in best:
                    continue
                if di and dj:
                    gain = similarity(" ".join(sources[i - di : i]), " ".join(outputs[j - dj : j]))
                else:
                    gain = 0.0
                if (di, dj) != (1, 1):
                    gain -= NON_ONE_TO_ONE_PENALTY
                options.append((best[previous][0] + gain, (di, dj)))
            if options:
                best[(i, j)] = max(options, key=lambda option: option[0])
    beads: list[Bead] = []
    i, j = n, m
    while (i, j) != (0, 0):
        di, dj = best[(i, j)][1]
        beads.append(Bead(tuple(range(i - di, i)), tuple(range(j - dj, j))))
        i, j = i - di, j - dj
    return beads[::-1]


def aligned_pairs(
    sources: Sequence[str], outputs: Sequence[str], **kwargs
) -> list[tuple[str, str]]:
    """(original text, output text) per bead: what segment-level scores should compare."""
    return [
        (" ".join(sources[i] for i in bead.sources), " ".join(outputs[j] for j in bead.outputs))
        for bead in align(sources, outputs, **kwargs)
    ]
