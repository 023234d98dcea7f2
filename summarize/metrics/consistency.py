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
from decimal import Decimal
from functools import lru_cache

from summarize.metrics.base import StatsMetric
from summarize.metrics.name_match import (
    distinctive_words,
    has_word,
    unmatched_words,
    variant,
    vocabulary,
)
from summarize.metrics.numerals import han_numbers
from summarize.metrics.source_support import SourceSupport

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
although however meanwhile moreover furthermore therefore thus hence besides nevertheless
nonetheless instead otherwise indeed still even just now today yesterday tomorrow tonight
earlier later perhaps maybe yes well according following including unlike among amid
previously recently currently initially finally additionally subsequently reportedly
apparently afterwards regarding concerning considering near toward towards across around along
beside between via per whereas
i'm i've i'll i'd
ok okay
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
        while words and words[0].lower().replace("’", "'") in _FUNCTION_WORDS:
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
# "2", "four thousand" for "4,000"), never as numbers of their own.
_UNIT_WORDS = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
)
_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_NUMBER_WORDS = {word: value for value, word in enumerate(_UNIT_WORDS)} | {
    word: 20 + 10 * place for place, word in enumerate(_TENS_WORDS)
}


def _number_word(word: str) -> bool:
    return word.lower() in _NUMBER_WORDS or word.lower() in _SCALES


# A number's scale: "10 thousand" is 10000, "$3 tln" 3000000000000.
_SCALES = {
    **{"hundred": 2, "thousand": 3, "million": 6, "mln": 6, "billion": 9, "bln": 9, "bn": 9},
    **{"trillion": 12, "tln": 12, "trln": 12},
}
# Written right after the digits, a scale may be a letter: "1m", "3bn", "10k".
_ATTACHED_SCALES = {"k": 3, "m": 6, "bn": 9}
_SCALE = re.compile(rf"\s*({'|'.join(_SCALES)})\b|({'|'.join(_ATTACHED_SCALES)})\b", re.IGNORECASE)
# "a thousand", "a million": one of a scale.
_ONE_SCALE = re.compile(rf"\ban?\s+(?={'|'.join(_SCALES)})", re.IGNORECASE)
_WORD_NUMBER = re.compile(
    rf"\b({'|'.join(_TENS_WORDS)})(?:[- ]({'|'.join(_UNIT_WORDS[1:10])}))?\b"
    rf"|\b({'|'.join(_UNIT_WORDS)})\b",
    re.IGNORECASE,
)
# A 12-hour time ("1:25 PM" is 13:25, "5 p.m." 17); a season or span of years ("2019–20" is
# 2019 to 2020).
_TIME = re.compile(r"\b(\d{1,2})((?::\d{2})?)\s*(am|pm|a\.m\.|p\.m\.)(?!\w)", re.IGNORECASE)
_YEARS = re.compile(r"\b(\d{2})(\d{2})\s*[–—/-]\s*(\d{2})?(\d{2})\b")


def _value(number: Decimal) -> str:
    """One spelling of a number: ``1.5 thousand`` and ``1,500`` are ``1500``."""
    return format(number.normalize(), "f")


def _scaled(number: Decimal, text: str, end: int) -> Decimal:
    """``number`` times the scale word right after it in ``text`` (``10 thousand``), if any."""
    scale = _SCALE.match(text, end)
    if scale is None:
        return number
    spelled, attached = scale.groups()
    exponent = _SCALES[spelled.lower()] if spelled else _ATTACHED_SCALES[attached.lower()]
    return number.scaleb(exponent)


def _24_hour(match: re.Match[str]) -> str:
    hour, minutes, half = int(match.group(1)), match.group(2), match.group(3).lower()
    hour = hour % 12 + (12 if half.startswith("p") else 0)
    return f"{hour}{minutes}"


def stated_numbers(text: str) -> list[str]:
    """The numbers ``text`` writes in digits, with their scale words (``10 thousand`` and
    ``10,000`` are ``10000``); not the digits of a name (``COVID-19``, ``Pantsir-S1``)."""
    dates = [match.span() for match in _NUMERIC_DATE.finditer(text)]
    return [
        _value(_scaled(Decimal(normalise_number(match.group())), text, match.end()))
        for match in _NUMBER.finditer(text)
        if not re.search(r"[^\W\d_]-?$", text[: match.start()])
        and not any(start <= match.start() < end for start, end in dates)
    ]


# A day and month in digits ("1/6"): which is the month the text does not say, and
# months are compared as names, so neither part is a number of its own (each still supports
# the same number in the other text: "January 6th" keeps its 6).
_NUMERIC_DATE = re.compile(r"(?<![\d/.,])\d{1,2}/\d{1,2}(?![\d/]|[.,]\d)")


def _years(match: re.Match[str]) -> set[str]:
    """A span of years, also as the other spelling of its end (``2019–20``: ``2020``;
    ``2019/2020``: ``20``)."""
    century, _, end_century, end = match.groups()
    return {end, (end_century or century) + end}


def _supported_numbers(text: str) -> set[str]:
    """Every number that ``text`` supports: its numbers with and without their scale, numbers
    written as words (``forty-six``, ``four thousand``) and 12-hour times as 24-hour hours."""
    values = set(stated_numbers(text)) | {_value(Decimal(n)) for n in numbers(text)}
    values |= {year for match in _YEARS.finditer(text) for year in _years(match)}
    for match in _WORD_NUMBER.finditer(text):
        tens, unit, alone = (word and word.lower() for word in match.groups())
        value = _NUMBER_WORDS[alone] if alone else _NUMBER_WORDS[tens] + _NUMBER_WORDS.get(unit, 0)
        values.add(_value(_scaled(Decimal(value), text, match.end())))
    values |= {
        _value(_scaled(Decimal(1), text, match.end())) for match in _ONE_SCALE.finditer(text)
    }
    return values | {_value(number) for number in han_numbers(text)}


# What precedes a sentence's first word: the start, an end of sentence, or an opening quote or
# dash after a space (``power," Shpak said`` is no sentence start).
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;][\"'»”)]*\s+|(?:^|\s)[\"'«“„(—–-]\s*)$")
# Dotted initials (``U.S.``) are one word; the dot of a title (``St. Petersburg``) ends no
# sentence.
_INITIALS = re.compile(r"\b(?:[A-Z]\.){2,}")
_TITLE_DOT = re.compile(r"\b(St|Mt|Dr|Mr|Mrs|Ms|Gen|Col|Lt|Sgt|Prof|Gov|Sen|Rep)\.(?=\s+[A-Z])")


_FULL_HOUR = re.compile(r"\b(\d{1,2}):00\b")


def _prepare(text: str) -> str:
    """Times on the 24-hour clock (``1:25 PM`` is ``13:25``: no name ``PM``); initials and
    titles without their dots."""
    text = _TIME.sub(_24_hour, text)
    text = _FULL_HOUR.sub(r"\1", text)  # 14:00 is the hour 14, as "2 pm" is
    text = _INITIALS.sub(lambda match: match.group().replace(".", ""), text)
    return _TITLE_DOT.sub(r"\1", text)


def _shouted(name: str, before: str) -> bool:
    """Words in capitals that make a shouted line, not names: three or more ("SCROLL DOWN FOR
    VIDEO"), or after a function word in capitals ("THE VERDICT", "IN FAVOR")."""
    words = name.split()
    if not all(word.isupper() for word in words):
        return False
    previous = before.split()[-1:]
    after_function_word = (
        bool(previous) and previous[0].isupper() and (previous[0].lower() in _FUNCTION_WORDS)
    )
    return len(words) >= 3 or after_function_word


def _translation_names(text: str) -> list[str]:
    """Names for comparing a sentence with its translation: :func:`capitalised_names` without a
    lone capitalised word that starts a sentence ("Demonstrators clashed ..."), which in a single
    sentence is far more often an ordinary word than a name, and without shouted lines;
    acronyms (``CSTO``) stay."""
    names, cursor = [], 0
    for name in capitalised_names(text):
        position = text.find(name, cursor)
        cursor = position + len(name)
        alone = " " not in name and not (len(name) > 1 and name.isupper())
        if (alone and _SENTENCE_START.search(text[:position])) or _shouted(name, text[:position]):
            continue
        if name.isupper() and text.startswith(":", cursor):
            continue  # a label in capitals ("CHECK: ...", "THE EXPERT: ...")
        names.append(name)
    return names


@dataclass(frozen=True)
class FactCheck:
    """Numbers and names of a reference that its translation lost, and ones it made up; and
    name words it kept but misspelled (``respelled``: reference spelling, output spelling)."""

    missing_numbers: list[str] = field(default_factory=list)
    missing_names: list[str] = field(default_factory=list)
    added_numbers: list[str] = field(default_factory=list)
    added_names: list[str] = field(default_factory=list)
    respelled: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing lost or made up (a respelled name is neither)."""
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

    def respelled_message(self) -> str:
        """``Cipriani → Kipriani, Lazarev → Lavarev``."""
        return ", ".join(f"{before} → {after}" for before, after in self.respelled)


@dataclass(frozen=True)
class _Missing:
    numbers: list[str]
    names: list[str]
    # (a word of ``text``, its misspelling in ``other``)
    respelled: list[tuple[str, str]]
    # Per missing name, the words of it that ``other`` lacks.
    words: dict[str, list[str]] = field(default_factory=dict)


def _facts_missing(text: str, other: str) -> _Missing:
    """Numbers and names of ``text`` that ``other`` lacks (each once, in order), and the name
    words that ``other`` only has misspelled."""
    text, other = _prepare(text), _prepare(other)
    supported = _supported_numbers(other)
    missing_numbers = [n for n in dict.fromkeys(stated_numbers(text)) if n not in supported]
    names: dict[str, str] = {}  # each name once, as first spelled (INTERFAX, Interfax)
    for name in _translation_names(text):
        names.setdefault(name.lower(), name)
    vocab, own = vocabulary(other), vocabulary(text)
    # A number word in a name ("Channel Five") is a number, checked as one.
    unmatched = {
        name: [word for word in unmatched_words(name, own, vocab) if not _number_word(word)]
        for name in names.values()
    }
    missing_names = [name for name, words in unmatched.items() if words]
    respelled = [
        (word, spelling)
        for name in names.values()
        if name not in missing_names
        for word in distinctive_words(name)
        if not has_word(vocab, word) and (spelling := variant(vocab, word))
    ]
    words = {name: unmatched[name] for name in missing_names}
    return _Missing(missing_numbers, missing_names, respelled, words)


# A back-translation's flags ask twice (``consistency``, then ``respelled``): one comparison.
@lru_cache(maxsize=64)
def compare_facts(output: str, reference: str, source: SourceSupport | None = None) -> FactCheck:
    """Numbers, dates (by their parts) and names of ``reference`` missing from ``output``, and
    those of ``output`` that ``reference`` does not have; both texts in one language (a
    back-translation and the original, or a translation and the supplied English).

    A name is kept when ``output`` writes it another way: see
    :mod:`summarize.metrics.name_match`. One that it only misspells, recognisably, is neither
    lost nor made up but ``respelled``. With the ``source`` both translate (reference mode:
    :mod:`summarize.metrics.source_support`), it decides where the two disagree: what the
    reference has is lost only when the source has it too, what the output has is made up only
    when the source does not have it."""
    lost, added = _facts_missing(reference, output), _facts_missing(output, reference)
    respelled = list(
        dict.fromkeys(lost.respelled + [(before, after) for after, before in added.respelled])
    )
    # One name, one verdict: a name whose every missing word is a respelling is respelled,
    # neither lost nor made up ("Almaty → Alma-Ata").
    lost_names = _unexplained(lost, {before for before, _ in respelled})
    added_names = _unexplained(added, {after for _, after in respelled})
    if source is None:
        return FactCheck(lost.numbers, lost_names, added.numbers, added_names, respelled)
    numbers = _supported_numbers(source.text) | source.numbers()
    return FactCheck(
        [number for number in lost.numbers if number in numbers],
        [
            name
            for name in lost_names
            if source.has_any(lost.words[name])
            and not source.spelled_as_in(output, lost.words[name])
        ],
        [number for number in added.numbers if number not in numbers],
        [name for name in added_names if source.lacks(added.words[name])],
        respelled,
    )


def _unexplained(missing: _Missing, respellings: set[str]) -> list[str]:
    """The missing names that a respelling does not explain: some word of theirs that the other
    text lacks is no respelled word, nor part of one (the ``Ata`` of ``Alma-Ata``)."""
    explained = respellings | {part for word in respellings for part in re.split(r"[-\s]", word)}
    return [
        name for name in missing.names if not all(word in explained for word in missing.words[name])
    ]


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
