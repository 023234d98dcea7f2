"""Quality flags: cheap checks that catch what small models get wrong.

A weak model copies its input instead of translating, loops, or stops early; a chat model
wraps its answer in commentary ("Here is the translation:") or refuses; a long output is cut at
its length limit. These checks make that visible next to the scores instead of letting it hide
inside an average.
"""

from __future__ import annotations

import re
from functools import cache

from summarize.engines.base import TruncatedText
from summarize.input.languages import Language, identify_language, script_fraction
from summarize.resources import load_toml
from summarize.result import Flag

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


# Every flag code with one line on what raises it: the legends of every view read this.
FLAG_CODES = {
    "empty": "the model produced no text",
    "copy_through": "not in the target language, or identical to its input: the input was copied",
    "length_ratio": "output length / input length (characters) outside 0.5-2.0",
    "repetition": "a generation loop: a 4-word sequence repeated 3+ times (more than the input)",
    "not_shorter": "a summary as long as its article",
    "consistency": "numbers or names lost or made up: a summary's not in the article; a "
    "translation's against the original (round trip) or the reference",
    "prompt_leak": "the output reproduces text of its prompt (a few-shot example, the example "
    "article or summary, an instruction), not of its input",
}


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


def _commentary_and_truncation(output: str, source: str, step: str) -> list[Flag]:
    flags = []
    said = commentary(output, source)
    if said is not None:
        flags.append(Flag("commentary", step, f"commentary instead of just the text: {said!r}"))
    if isinstance(output, TruncatedText):
        flags.append(
            Flag(
                "truncated",
                step,
                f"cut short: stopped at its length limit ({output.max_new_tokens} new tokens)",
            )
        )
    return flags


def output_flags(
    output: str,
    source: str,
    step: str,
    expected: Language | None = None,
    source_language: Language | None = None,
) -> list[Flag]:
    """All checks for one model output against the text it was made from."""
    if is_empty(output):
        return [Flag("empty", step, "the model produced no text")]
    flags: list[Flag] = []
    if expected and source_language and not_in_language(output, expected, source_language):
        flags.append(
            Flag("copy_through", step, f"not in {expected.name}: the input was copied through")
        )
    elif output.strip() == source.strip() and expected != source_language:
        flags.append(Flag("copy_through", step, "identical to its input"))
    ratio = length_ratio(output, source)
    low, high = LENGTH_RATIO_RANGE
    if not low <= ratio <= high:
        flags.append(Flag("length_ratio", step, f"length ratio {ratio:.2f} outside {low}-{high}"))
    if has_repetition_loop(output, source):
        flags.append(Flag("repetition", step, "repeats itself (a generation loop)"))
    return flags + _commentary_and_truncation(output, source, step)


def summary_flags(summary: str, article: str, step: str) -> list[Flag]:
    """Checks for a summary: empty, looping, not shorter than the article it summarises,
    commentary, cut short at its length limit."""
    if is_empty(summary):
        return [Flag("empty", step, "the summary is empty")]
    flags: list[Flag] = []
    if len(summary.split()) >= len(article.split()):
        flags.append(Flag("not_shorter", step, "the summary is as long as the article"))
    if has_repetition_loop(summary, article):
        flags.append(Flag("repetition", step, "repeats itself (a generation loop)"))
    return flags + _commentary_and_truncation(summary, article, step)


def translation_consistency_flags(
    output: str, reference: str, step: str, against: str
) -> list[Flag]:
    """``consistency`` when numbers or names of ``reference`` are missing from ``output`` or
    ``output`` has ones ``reference`` lacks (``against`` names the reference in the message)."""
    from summarize.metrics.consistency import compare_facts

    if is_empty(output):
        return []
    found = compare_facts(output, reference)
    return [] if found.ok else [Flag("consistency", step, found.message(against))]
