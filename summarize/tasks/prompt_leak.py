"""What the ``prompt_leak`` flag looks for: an output that reproduces text of its prompt that is
not its input.

A few-shot prompted model sometimes answers with one of its examples (a Russian "translation"
that is, word for word, an example pair's Russian side) or summarises the example article
instead of the real one. Such an output is scored like any other, and flagged.

An output leaks a prompt text when

- one of its sentences (or the whole output) and one of the prompt text's sentences (or the
  whole text) have a sentence chrF of at least :data:`LEAK_CHRF` (sacrebleu chrF2, the prompt
  text as the reference), or
- it shares a run of at least :data:`LEAK_NGRAM` words with the prompt text
  (case-insensitive, punctuation ignored),

unless the input (or another text the output may rightly reproduce, such as the original of a
round trip) matches that prompt text the same way: copying what the input says is no leak.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from summarize.engines.base import PromptText

LEAK_CHRF = 80.0
LEAK_NGRAM = 8
# Sentences shorter than this (in words) are not compared by chrF: too short to tell a copy.
MIN_PIECE_WORDS = 4
# chrF2 of at least 80 needs comparable lengths; pairs outside this character-length ratio are
# skipped without computing it.
_LENGTH_RATIO = (0.4, 3.0)
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'»”)]*\s+")
_EXCERPT_CHARS = 60


def sentences(text: str) -> list[str]:
    """Rough sentence pieces of ``text`` (enough to find a copied sentence inside an output)."""
    return [piece.strip() for piece in _SENTENCE_END.split(text) if piece.strip()]


def _pieces(text: str) -> list[str]:
    """The text's sentences and the text itself, each long enough to compare."""
    found = dict.fromkeys([*sentences(text), text.strip()])
    return [piece for piece in found if len(piece.split()) >= MIN_PIECE_WORDS]


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


@cache
def _chrf():
    from sacrebleu.metrics import CHRF

    return CHRF()


def _stems(text: str) -> set[str]:
    return {word[:4] for word in _words(text)}


def _chrf_score(hypothesis: str, reference: str) -> float:
    """Sentence chrF2, or 0 where it cannot reach :data:`LEAK_CHRF`: lengths too different, or
    fewer than half of the reference's word stems in the hypothesis (cheap tests first)."""
    ratio = len(hypothesis) / max(len(reference), 1)
    if not _LENGTH_RATIO[0] <= ratio <= _LENGTH_RATIO[1]:
        return 0.0
    stems = _stems(reference)
    if 2 * len(stems & _stems(hypothesis)) < len(stems):
        return 0.0
    return _chrf().sentence_score(hypothesis, [reference]).score


def _best_chrf(text: str, prompt: str) -> tuple[float, str]:
    """The highest chrF of a piece of ``text`` against a piece of ``prompt``, and that piece."""
    best, matched = 0.0, ""
    for piece in _pieces(text):
        for target in _pieces(prompt):
            score = _chrf_score(piece, target)
            if score > best:
                best, matched = score, target
    return best, matched


def _common_runs(words: Sequence[str], other: Sequence[str]) -> list[list[str]]:
    """Maximal runs of consecutive words that ``words`` and ``other`` share (longest first)."""
    runs: list[list[str]] = []
    previous = [0] * (len(other) + 1)
    for i, word in enumerate(words):
        current = [0] * (len(other) + 1)
        for j, candidate in enumerate(other):
            if word == candidate:
                current[j + 1] = previous[j] + 1
        previous = current
        for j in range(len(other)):
            length = current[j + 1]
            # A run ending here is maximal when the next words differ or either text ends.
            ends = i + 1 == len(words) or j + 1 == len(other) or words[i + 1] != other[j + 1]
            if length and ends:
                runs.append(list(words[i - length + 1 : i + 1]))
    return sorted(runs, key=len, reverse=True)


def _inside(run: Sequence[str], texts: Sequence[Sequence[str]]) -> bool:
    needle = " " + " ".join(run) + " "
    return any(needle in " " + " ".join(words) + " " for words in texts)


def _shared_run(text: str, prompt: str, inputs: Sequence[Sequence[str]]) -> list[str]:
    """The longest word run that ``text`` shares with ``prompt`` and no input has, if it is
    long: :data:`LEAK_NGRAM` words, or :data:`MIN_PIECE_WORDS` + 1 words that make at least half
    of one of the prompt's sentences (a copied quotation); else ``[]``."""
    words = _words(text)
    for sentence in [prompt, *sentences(prompt)]:
        target = _words(sentence)
        for run in _common_runs(words, target):
            if len(run) <= MIN_PIECE_WORDS:
                break
            if _inside(run, inputs):
                continue
            if len(run) >= LEAK_NGRAM or 2 * len(run) >= len(target):
                return run
    return []


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT_CHARS else text[: _EXCERPT_CHARS - 1].rstrip() + "…"


def find_leak(output: str, prompt: Sequence[PromptText], inputs: Sequence[str] = ()) -> str | None:
    """Why ``output`` reproduces one of the ``prompt`` texts, or ``None``.

    ``inputs``: texts the output may rightly reproduce (its input, the original of a round
    trip); a prompt text that one of them reproduces too is not checked.
    """
    if not output.strip() or not prompt:
        return None
    input_words = [_words(text) for text in inputs]
    for item in prompt:
        score, matched = _best_chrf(output, item.text)
        if score >= LEAK_CHRF:
            why = f'reproduces the prompt\'s {item.kind} (chrF {score:.0f}): "{_excerpt(matched)}"'
        elif run := _shared_run(output, item.text, input_words):
            shared = _excerpt(" ".join(run))
            why = f'shares {len(run)} words with the prompt\'s {item.kind}: "{shared}"'
        else:
            continue
        if not any(_best_chrf(text, item.text)[0] >= LEAK_CHRF for text in inputs if text.strip()):
            return why
    return None
