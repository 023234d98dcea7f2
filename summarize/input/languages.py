"""Languages: names for prompts, scripts for copy-through checks, expected text lengths and
language identification."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from summarize.errors import UserError
from summarize.resources import load_toml

# Unicode character-name prefixes for each script in models/languages.toml.
_SCRIPT_PREFIXES: dict[str, tuple[str, ...]] = {
    "Latin": ("LATIN",),
    "Cyrillic": ("CYRILLIC",),
    "Greek": ("GREEK",),
    "Arabic": ("ARABIC",),
    "Hebrew": ("HEBREW",),
    "Devanagari": ("DEVANAGARI",),
    "Han": ("CJK",),
    "Japanese": ("CJK", "HIRAGANA", "KATAKANA"),
    "Hangul": ("HANGUL",),
}


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    script: str
    # Characters of this language per character of English for the same content: what a
    # faithful translation's length is expected to be (``length_ratio``). 1.0 when not known.
    chars_per_en_char: float = 1.0
    # How names in its text are read in Latin letters (``summarize.metrics.romanise``); None
    # for a Latin-script language, read as written.
    romaniser: str | None = None
    # Its writers may write a foreign name by its meaning (中国 for China): a name missing from
    # its romanised text may still be there.
    names_by_meaning: bool = False
    # Its writers keep English names and product words in Latin letters inside its script.
    latin_words_kept: bool = False


def known_languages() -> dict[str, Language]:
    table = load_toml("languages.toml")
    return {
        code: Language(
            code,
            entry["name"],
            entry["script"],
            float(entry.get("chars_per_en_char", 1.0)),
            entry.get("romaniser"),
            bool(entry.get("names_by_meaning", False)),
            bool(entry.get("latin_words_kept", False)),
        )
        for code, entry in table.items()
    }


def get_language(code: str) -> Language:
    """Look a language up by ISO 639-1 code; unknown codes are a :class:`UserError`."""
    languages = known_languages()
    normalised = code.strip().lower()
    if normalised not in languages:
        raise UserError(
            f"unknown language code {code!r}; known codes: {', '.join(sorted(languages))}"
        )
    return languages[normalised]


def in_script(char: str, script: str) -> bool:
    """True when ``char`` is a letter of ``script`` (by its Unicode character name)."""
    return char.isalpha() and unicodedata.name(char, "").startswith(_SCRIPT_PREFIXES[script])


def script_fraction(text: str, script: str) -> float | None:
    """Fraction of the letters in ``text`` written in ``script``; ``None`` if it has no letters."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    return sum(1 for ch in letters if in_script(ch, script)) / len(letters)


def identify_language(text: str) -> str:
    """Best-guess ISO 639-1 code of ``text`` (py3langid, a maintained fork of langid.py)."""
    import py3langid

    code, _score = py3langid.classify(text)
    return code


def model_code(language: Language, scheme: str) -> str | None:
    """A language's code in a model family's scheme (``nllb``, ``mbart``, ``iso3``, ``m2m``)."""
    if scheme == "m2m":
        return language.code
    return load_toml("languages.toml").get(language.code, {}).get(scheme)
