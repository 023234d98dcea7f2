"""What the source of two translations says, for telling which of them a name or number is
missing from.

In reference mode a translation and its reference are two translations of one source. They
disagree on names for good reasons (one translates a band's name, the other transliterates it;
one writes "him" where the other repeats the name) and for bad ones (one of them is wrong:
"Latvia" for Литве). The source tells them apart: a name of the reference is lost only when the
source names it too, and a name of the translation is made up only when the source does not
(:func:`summarize.metrics.consistency.compare_facts`). A source in another script than Latin is
read through its language's romaniser (:mod:`summarize.metrics.romanise`: Cyrillic, pinyin for
Chinese, Hepburn for Japanese, any other script letter by letter), month and weekday names
through ``models/source_words.toml``, numbers in its digits, number words and Chinese numerals.
Where a language may write a foreign name by its meaning (Chinese 中国 for China), the source
can confirm a name but not deny one: a translation's name that the source does not show is not
called made up. A language without a romaniser gives no verdict.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property

from summarize.input.languages import Language
from summarize.metrics.name_match import edit_distance, key
from summarize.metrics.romanise import runs
from summarize.resources import load_toml

_WORD = re.compile(r"[^\W_]+")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
# Cyrillic capitals that look like Latin ones.
_LOOKALIKES = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")
# Shorter name keys must match a source word exactly (after its inflection is cut).
_MIN_FUZZY = 5
# A run of text without spaces (Chinese, Japanese) is looked in from each of its syllables on,
# for a name of up to this many syllables.
_MAX_SYLLABLES = 8


@cache
def _source_words(language: str) -> dict[str, tuple[str, ...]]:
    """English word (lower case) → the stems that write it in ``language``."""
    table = load_toml("source_words.toml").get(language, {})  # "numbers" is no language
    return {english.lower(): tuple(stems) for english, stems in table.items()}


@dataclass(frozen=True)
class SourceSupport:
    """A source's text, the keys of its words (romanised) and its language."""

    text: str
    keys: tuple[str, ...]
    language: str
    # Whether a name missing from the source is absent from it: not where the source's
    # language may write a foreign name by its meaning (中国 for China).
    decides_absence: bool = True
    # Keys of runs of syllables (Chinese, Japanese), from each syllable on: a name matches
    # one's start with one slip at most, since so many of them start somewhere.
    run_keys: tuple[str, ...] = ()

    @cached_property
    def lowered(self) -> str:
        """Lower case, NFKC-normalised (full-width ３月 is 3月)."""
        return unicodedata.normalize("NFKC", self.text).lower()

    def has_word(self, word: str) -> bool:
        """The source writes ``word`` (a name word of an English text), inflected or not: its
        key starts one of the source's keys, allowing a transliteration's slips (see
        :func:`_starts`)."""
        stems = _source_words(self.language).get(word.lower())
        if stems:
            return any(stem in self.lowered for stem in stems)
        wanted = key(word)
        if len(wanted) < 2:
            return False
        return any(_starts(wanted, source) for source in self.keys) or any(
            _starts(wanted, source, most=1) for source in self.run_keys
        )

    def numbers(self) -> set[str]:
        """The numbers the source writes in words (``тридцати``: 30)."""
        stems = load_toml("source_words.toml").get("numbers", {}).get(self.language, {})
        words = _WORD.findall(self.lowered)
        return {
            str(value) for stem, value in stems.items() if any(w.startswith(stem) for w in words)
        }

    def has_any(self, words: list[str]) -> bool:
        """The source writes one of ``words`` (the words of a name that one translation has
        and the other lacks)."""
        return any(self.has_word(word) for word in words)

    def spelled_as_in(self, text: str, words: list[str]) -> bool:
        """``text`` writes a name (``words``, run together) as the source itself writes it in
        Latin letters: the translation that kept the source's spelling ("SUNVALLY", where the
        reference corrects it to "SUN VALLEY") has not lost the name."""
        wanted = key("".join(words))
        written = {word for word in _LATIN_WORD.findall(self.text)} & set(_LATIN_WORD.findall(text))
        return any(_starts(wanted, key(word)) or _starts(key(word), wanted) for word in written)

    def lacks(self, words: list[str]) -> bool:
        """The source does not write ``words`` (a name of one translation only), and can say
        so: its language writes names by sound, or every word is one the source's language
        writes in words of its own (``models/source_words.toml``: a month in a Japanese
        source is 3月)."""
        if self.has_any(words):
            return False
        return self.decides_absence or all(
            word.lower() in _source_words(self.language) for word in words
        )


def _starts(wanted: str, source: str, most: int | None = None) -> bool:
    """``source`` (an inflected word's key) begins with ``wanted``, or nearly (``most``
    edits at most, when given)."""
    if source.startswith(wanted):
        return True
    if len(wanted) < _MIN_FUZZY:
        return False
    # One edit in five letters, two from six (English and Russian adjectives of one place part
    # at their ends: "Caspian"/"Каспийская"); a shorter word must be exact ("Taru" is no Tartu).
    allowed = len(wanted) // 3 if len(wanted) >= 6 else 1
    allowed = allowed if most is None else min(allowed, most)
    return any(
        edit_distance(wanted, source[:length]) <= allowed
        for length in range(len(wanted) - allowed, len(wanted) + allowed + 1)
        if length <= len(source)
    )


def _keys(source: str, romaniser: str | None) -> tuple[list[str], list[str]]:
    """The keys a name word of a translation is looked for among: each word's, romanised, and
    in a run of syllables (Chinese, Japanese), each syllable's with those after it (the
    second list)."""
    keys: list[str] = []
    for word in _WORD.findall(source):
        if word.isupper() or any(char.isdigit() for char in word):
            # A code in capitals is often read by its letters' looks: "С-400" is S-400 or C-400.
            keys.append(key(word.translate(_LOOKALIKES)))
    if romaniser is None:
        return keys + [key(word) for word in _WORD.findall(source)], []
    run_keys: list[str] = []
    for parts in runs(source, romaniser):
        if len(parts) == 1:
            keys.append(key(parts[0]))
            continue
        run_keys += [key("".join(parts[i : i + _MAX_SYLLABLES])) for i in range(len(parts))]
    return keys, run_keys


def source_support(source: str, language: Language) -> SourceSupport | None:
    """The support of ``source`` (in ``language``), or None when the tool cannot read names in
    its script (no ``romaniser`` in ``models/languages.toml`` for a script other than Latin)."""
    if language.romaniser is None and language.script != "Latin":
        return None
    keys, run_keys = _keys(source, language.romaniser)
    return SourceSupport(
        source,
        tuple(dict.fromkeys(keys)),
        language.code,
        not language.names_by_meaning,
        tuple(dict.fromkeys(run_keys)),
    )
