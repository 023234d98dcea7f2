"""What the quality flags look for in one output's text: the wrong language, an odd length, a
generation loop, commentary around the text asked for.

A weak model copies its input instead of translating or loops; a chat model wraps its answer in
commentary ("Here is the translation:") or refuses. These are the cheap tests; which flag each
raises, on which outputs and with what message, is the flag registry's
(:mod:`summarize.tasks.flags`).
"""

from __future__ import annotations

import re
from functools import cache

from summarize.input.languages import Language, identify_language, script_fraction
from summarize.resources import load_toml

# Below this share of letters in the target language's script, text is "not in that language".
MIN_SCRIPT_FRACTION = 0.5
# Output/input length ratio (in characters) outside this range is an outlier.
LENGTH_RATIO_RANGE = (0.5, 2.0)
# An n-gram occurring this often, or this low a share of distinct n-grams, is a loop.
REPEAT_NGRAM = 4
REPEAT_MIN_COUNT = 3
REPEAT_MIN_DISTINCT_SHARE = 0.5
# Texts shorter than this many characters are not language-identified (too unreliable).
MIN_CHARS_FOR_LANGUAGE_ID = 20


def is_empty(text: str) -> bool:
    return not text.strip()


def not_in_language(text: str, language: Language, source: Language) -> bool:
    """True when ``text`` is not written in ``language`` (copy-through of the input language)."""
    if is_empty(text):
        return False
    if language.script != source.script:
        fraction = script_fraction(text, language.script)
        return fraction is not None and fraction < MIN_SCRIPT_FRACTION
    if len(text) < MIN_CHARS_FOR_LANGUAGE_ID:
        return False
    return identify_language(text) == source.code


def length_ratio(output: str, source: str) -> float:
    return len(output.strip()) / max(len(source.strip()), 1)


def _ngram_counts(text: str) -> tuple[dict[tuple[str, ...], int], int]:
    words = text.lower().split()
    grams = [tuple(words[i : i + REPEAT_NGRAM]) for i in range(len(words) - REPEAT_NGRAM + 1)]
    counts: dict[tuple[str, ...], int] = {}
    for gram in grams:
        counts[gram] = counts.get(gram, 0) + 1
    return counts, len(grams)


def has_repetition_loop(text: str, source: str = "") -> bool:
    """Detect degenerate repetition: a word n-gram repeated more often than in ``source``, or
    few distinct n-grams overall.

    Comparing with the source keeps legitimate repetition ("the Republic of Belarus, the
    Republic of Armenia, ...") that the model merely reproduced from being flagged.
    """
    counts, total = _ngram_counts(text)
    if total < REPEAT_MIN_COUNT:
        return False
    source_counts, _ = _ngram_counts(source)
    repeated = any(
        count >= REPEAT_MIN_COUNT and count > source_counts.get(gram, 0)
        for gram, count in counts.items()
    )
    return repeated or (total >= 8 and len(counts) / total < REPEAT_MIN_DISTINCT_SHARE)


@cache
def _commentary_patterns() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    """(start, anywhere) patterns from ``models/commentary.toml``."""
    data = load_toml("commentary.toml")
    start = tuple(
        re.compile(r"^\s*[\"'«“„(\[]?\s*(?:" + pattern + ")", re.IGNORECASE)
        for pattern in data["start"]
    )
    anywhere = tuple(re.compile(pattern, re.IGNORECASE) for pattern in data["anywhere"])
    return start, anywhere


def commentary(output: str, source: str = "") -> str | None:
    """The words by which ``output`` comments on itself (a chat preamble, a note, an apology or
    a refusal) instead of just being the text asked for, or ``None``.

    A pattern that also matches ``source`` does not count: the input said it too.
    """
    for patterns in _commentary_patterns():
        if any(pattern.search(source) for pattern in patterns):
            continue
        for pattern in patterns:
            match = pattern.search(output)
            if match:
                return match.group().strip()
    return None
