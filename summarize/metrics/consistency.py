"""Consistency of a summary with its article: numbers and capitalised names that the summary
states but the article never mentions (a summary saying 2023 where the article says 2022); and
of a translation with its reference (:func:`compare_facts`): numbers and names the reference has
that the translation lost, and ones the translation made up.

Dates are checked through their parts: the year and day are numbers, the month is a name.
Numbers are compared after removing thousands separators (``3,000`` = ``3000``);
numbers written as words are not checked. A name is a run of capitalised words; it is
unsupported when one of its words (case-insensitively, ignoring a possessive ``'s``) occurs
nowhere in the article. Leading function words are not part of a name, and a capitalised
first word of a sentence is found in the article in lower case, so neither is a false alarm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarize.metrics.base import StatsMetric

_NUMBER = re.compile(r"\d+(?:[.,\u00a0]\d{3})*(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_NAME_RUN = re.compile(r"[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*)*")


def normalise_number(text: str) -> str:
    """``3,000`` / ``3000`` → ``3000``; ``2.5`` and ``2,5`` → ``2.5``."""
    groups = re.split(r"[.,\u00a0]", text)
    if len(groups) > 1 and all(len(group) == 3 for group in groups[1:]):
        return "".join(groups)
    if len(groups) == 2:
        return f"{groups[0]}.{groups[1]}"
    return "".join(groups)


def numbers(text: str) -> list[str]:
    return [normalise_number(match.group()) for match in _NUMBER.finditer(text)]


# English function words: capitalised only because they start a sentence, never a name.
_FUNCTION_WORD_LIST = """
a about after against all also an and another any as at because before both but by despite
during each either every for from he her here his how i if in into it its many more most my
neither no nor not of on once one only or other our over several she since so some such than
that the their them then there these they this those though through to under unless until up
upon we what when where whether which while who whom whose why with within without yet you your
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())


def capitalised_names(text: str) -> list[str]:
    """Maximal runs of words that start with a capital letter, without leading function words
    ("The Kremlin" → "Kremlin"; "In" alone is no name)."""
    runs: list[list[str]] = []
    for run in _NAME_RUN.finditer(text):
        current: list[str] = []
        for word in run.group().split():
            if word[0].isupper():
                current.append(word)
            elif current:
                runs.append(current)
                current = []
        if current:
            runs.append(current)
    names = []
    for words in runs:
        while words and words[0].lower() in _FUNCTION_WORDS:
            words = words[1:]
        if words:
            names.append(" ".join(words))
    return names


def _word_key(word: str) -> str:
    """Case-folded, without a possessive ending: ``Russia's`` and ``Russia`` are one name."""
    return re.sub(r"['’]s?$", "", word.lower())


@dataclass(frozen=True)
class Consistency:
    unsupported_numbers: list[str] = field(default_factory=list)
    unsupported_names: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unsupported_numbers and not self.unsupported_names

    @property
    def unsupported(self) -> list[str]:
        """The numbers, then the names."""
        return self.unsupported_numbers + self.unsupported_names


def check_consistency(summary: str, article: str) -> Consistency:
    """Numbers and names in ``summary`` that ``article`` does not support, each listed once."""
    article_numbers = set(numbers(article))
    article_words = {_word_key(word) for word in _WORD.findall(article)}
    bad_numbers = [n for n in dict.fromkeys(numbers(summary)) if n not in article_numbers]
    bad_names = [
        name
        for name in dict.fromkeys(capitalised_names(summary))
        if any(_word_key(word) not in article_words for word in _WORD.findall(name))
    ]
    return Consistency(bad_numbers, bad_names)


# Numbers written as words count as support for the digits (a translation may write "two" for
# "2"), never as numbers of their own.
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        (
            *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
            *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
            *("seventeen", "eighteen", "nineteen", "twenty"),
        )
    )
}
# What precedes a sentence's first word: the start, an end of sentence, or an opening quote or
# dash after a space (``power," Shpak said`` is no sentence start).
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;][\"'»”)]*\s+|(?:^|\s)[\"'«“„(—–-]\s*)$")


def _translation_names(text: str) -> list[str]:
    """Names for comparing a sentence with its translation: :func:`capitalised_names` without a
    lone capitalised word that starts a sentence ("Demonstrators clashed ..."), which in a single
    sentence is far more often an ordinary word than a name; acronyms (``CSTO``) stay."""
    names, cursor = [], 0
    for name in capitalised_names(text):
        position = text.find(name, cursor)
        cursor = position + len(name)
        alone = " " not in name and not (len(name) > 1 and name.isupper())
        if alone and _SENTENCE_START.search(text[:position]):
            continue
        names.append(name)
    return names


def _same_word(word: str, other: str) -> bool:
    """One name word, inflected or not: ``Russia``/``Russian``, ``Kazakh``/``Kazakhstan``'s
    stems share a prefix; short words must be equal."""
    if word == other:
        return True
    short, long = sorted((word, other), key=len)
    return len(short) >= 4 and long.startswith(short) and len(long) - len(short) <= 4


def _has_word(words: set[str], word: str) -> bool:
    key = _word_key(word)
    return key in words or any(_same_word(key, other) for other in words)


@dataclass(frozen=True)
class FactCheck:
    """Numbers and names of a reference that its translation lost, and ones it made up."""

    missing_numbers: list[str] = field(default_factory=list)
    missing_names: list[str] = field(default_factory=list)
    added_numbers: list[str] = field(default_factory=list)
    added_names: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.missing_numbers or self.missing_names or self.added_numbers or self.added_names
        )

    def message(self, reference: str = "the reference") -> str:
        """``missing from the output: 2022, CSTO; not in the reference: Kosovo``."""
        parts = []
        missing = self.missing_numbers + self.missing_names
        added = self.added_numbers + self.added_names
        if missing:
            parts.append(f"lost (in {reference}): {', '.join(missing)}")
        if added:
            parts.append(f"made up (not in {reference}): {', '.join(added)}")
        return "; ".join(parts)


def _facts_missing(text: str, other: str) -> tuple[list[str], list[str]]:
    """Numbers and names of ``text`` that ``other`` lacks (each once, in order)."""
    other_words = {_word_key(word) for word in _WORD.findall(other)}
    other_numbers = set(numbers(other)) | {
        _NUMBER_WORDS[word] for word in other_words if word in _NUMBER_WORDS
    }
    missing_numbers = [n for n in dict.fromkeys(numbers(text)) if n not in other_numbers]
    names: dict[str, str] = {}  # each name once, as first spelled (INTERFAX, Interfax)
    for name in _translation_names(text):
        names.setdefault(name.lower(), name)
    missing_names = [
        name
        for name in names.values()
        if any(not _has_word(other_words, word) for word in _WORD.findall(name))
    ]
    return missing_numbers, missing_names


def compare_facts(output: str, reference: str) -> FactCheck:
    """Numbers, dates (by their parts) and names of ``reference`` missing from ``output``, and
    those of ``output`` that ``reference`` does not have; both texts in one language (a
    back-translation and the original, or a translation and the supplied English)."""
    missing_numbers, missing_names = _facts_missing(reference, output)
    added_numbers, added_names = _facts_missing(output, reference)
    return FactCheck(missing_numbers, missing_names, added_numbers, added_names)


UNSUPPORTED_SIGNATURE = "unsupported-numbers+names|vs:source|agg:mean-count"


class UnsupportedMetric(StatsMetric):
    """Mean number of unsupported numbers and names per hypothesis, against its source line."""

    name = "unsupported"
    higher_is_better = False
    uses_references = False

    def __init__(self, sources: list[str]) -> None:
        self.sources = sources

    def signature(self) -> str:
        return UNSUPPORTED_SIGNATURE

    def segment_scores(self, hypotheses: list[str], references: list[str]) -> list[float]:
        scores = []
        for hypothesis, source in zip(hypotheses, self.sources, strict=True):
            found = check_consistency(hypothesis, source)
            scores.append(float(len(found.unsupported_numbers) + len(found.unsupported_names)))
        return scores
