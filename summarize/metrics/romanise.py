"""Text of any script in Latin letters, for finding an English name in it.

Reference mode's source decides between two translations that disagree on a name
(:mod:`summarize.metrics.source_support`); an English name is looked for in the source's
romanisation. Which romaniser a language uses is data (``romaniser`` in
``models/languages.toml``):

- ``cyrillic``: a plain transliteration table (Russian, Ukrainian, Bulgarian);
- ``pinyin``: Chinese characters by their Mandarin reading (pypinyin, which reads a character by
  the words around it: 重庆 is Chongqing);
- ``kana``: Japanese kanji and kana in Hepburn (pykakasi: 岸田 is Kishida, トヨタ Toyota);
- ``anyascii``: any other script letter by letter (Greek, Arabic, Hebrew, Devanagari, Hangul).

Each gives the text's words, in Latin letters, in order. Chinese and Japanese have no spaces
between words: a romaniser gives them syllable by syllable, and :func:`runs` says which belong
to one run of text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

_WORD = re.compile(r"[^\W_]+")

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


def transliterate(word: str) -> str:
    """A Cyrillic word in Latin letters (other letters as written)."""
    return "".join(_CYRILLIC.get(char, char) for char in word.lower())


def _cyrillic(text: str) -> list[list[str]]:
    return [[transliterate(word)] for word in _WORD.findall(text)]


def _pinyin(text: str) -> list[list[str]]:
    from pypinyin import lazy_pinyin

    return [lazy_pinyin(run) for run in _WORD.findall(text)]


@cache
def _kakasi() -> Any:  # pykakasi has no type hints
    import pykakasi

    return pykakasi.kakasi()


def _kana(text: str) -> list[list[str]]:
    return [
        [part["hepburn"] for part in _kakasi().convert(run) if part["hepburn"].strip()]
        for run in _WORD.findall(text)
    ]


def _anyascii(text: str) -> list[list[str]]:
    from anyascii import anyascii

    return [[anyascii(word).lower()] for word in _WORD.findall(text)]


# Each romaniser gives a text's runs (words, or runs of text without spaces), each as the
# romanised parts it is read in.
ROMANISERS: dict[str, Callable[[str], list[list[str]]]] = {
    "cyrillic": _cyrillic,
    "pinyin": _pinyin,
    "kana": _kana,
    "anyascii": _anyascii,
}


def runs(text: str, romaniser: str) -> list[list[str]]:
    """``text``'s runs in Latin letters by ``romaniser`` (a key of :data:`ROMANISERS`); a run of
    Latin letters or digits stays as written."""
    return ROMANISERS[romaniser](text)
