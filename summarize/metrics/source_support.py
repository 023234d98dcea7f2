"""What the source of two translations says, for telling which of them a name or number is
missing from.

In reference mode a translation and its reference are two translations of one source. They
disagree on names for good reasons (one translates a band's name, the other transliterates it;
one writes "him" where the other repeats the name) and for bad ones (one of them is wrong:
"Latvia" for Литве). The source tells them apart: a name of the reference is lost only when the
source names it too, and a name of the translation is made up only when the source does not
(:func:`summarize.metrics.consistency.compare_facts`). A source in Cyrillic is read through a
transliteration, month and weekday names through ``models/source_words.toml``; a source in a
script the tool cannot transliterate gives no verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

from summarize.metrics.name_match import edit_distance, key
from summarize.resources import load_toml

# Russian, Ukrainian and Bulgarian letters in a plain romanisation (name_match.key then folds the
# variants: kh/h, ts/z, y/i).
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
        (
            *("a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o"),
            *("p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e"),
            *("yu", "ya", "i", "yi", "ye", "g", "u"),
        ),
        strict=True,
    )
)
_WORD = re.compile(r"[^\W_]+")
# Cyrillic capitals that look like Latin ones.
_LOOKALIKES = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")
# Shorter name keys must match a source word exactly (after its inflection is cut).
_MIN_FUZZY = 5


def transliterate(word: str) -> str:
    return "".join(_CYRILLIC.get(char, char) for char in word.lower())


@cache
def _source_words(language: str) -> dict[str, tuple[str, ...]]:
    """English word (lower case) → the stems that write it in ``language``."""
    table = load_toml("source_words.toml").get(language, {})  # "numbers" is no language
    return {english.lower(): tuple(stems) for english, stems in table.items()}


@dataclass(frozen=True)
class SourceSupport:
    """A source's text, the keys of its words (transliterated) and its language."""

    text: str
    keys: tuple[str, ...]
    language: str

    @cached_property
    def lowered(self) -> str:
        return self.text.lower()

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
        return any(_starts(wanted, source) for source in self.keys)

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


def _starts(wanted: str, source: str) -> bool:
    """``source`` (an inflected word's key) begins with ``wanted``, or nearly."""
    if source.startswith(wanted):
        return True
    if len(wanted) < _MIN_FUZZY:
        return False
    # One edit in five letters, two from six (English and Russian adjectives of one place part
    # at their ends: "Caspian"/"Каспийская"); a shorter word must be exact ("Taru" is no Tartu).
    allowed = len(wanted) // 3 if len(wanted) >= 6 else 1
    return any(
        edit_distance(wanted, source[:length]) <= allowed
        for length in range(len(wanted) - allowed, len(wanted) + allowed + 1)
        if length <= len(source)
    )


# Scripts read through a transliteration; a Latin source is read as written.
_READABLE = {"Latin", "Cyrillic"}


def source_support(source: str, script: str | None, language: str) -> SourceSupport | None:
    """The support of ``source`` (written in ``script``, in ``language``), or None when the
    tool cannot read names in that script."""
    if script not in _READABLE:
        return None
    keys: list[str] = []
    for word in _WORD.findall(source):
        keys.append(key(transliterate(word)))
        if word.isupper() or any(char.isdigit() for char in word):
            # A code in capitals is often read by its letters' looks: "С-400" is S-400 or C-400.
            keys.append(key(word.translate(_LOOKALIKES)))
    return SourceSupport(source, tuple(dict.fromkeys(keys)), language)
