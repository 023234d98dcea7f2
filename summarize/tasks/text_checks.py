"""What the quality flags look for in one output's text: the wrong language, words left
untranslated, an odd length, a generation loop, commentary around the text asked for.

A weak model copies its input instead of translating or loops; a chat model wraps its answer in
commentary ("Here is the translation:") or refuses. These are the cheap tests; which flag each
raises, on which outputs and with what message, is the flag registry's
(:mod:`summarize.tasks.flags`).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterator
from functools import cache
from itertools import pairwise

from summarize.input.languages import Language, identify_language, in_script, script_fraction
from summarize.resources import load_toml

# Below this share of letters in the target language's script, text is "not in that language".
MIN_SCRIPT_FRACTION = 0.5
# An output/input length ratio (in characters) outside this band around the ratio expected for
# the language pair is an outlier: from half to twice the expected length. Professional news
# translations stay inside it on all but a few per mille of segments (bench/length_ratios.py).
LENGTH_RATIO_BAND = (0.5, 2.0)
# A source shorter than this many characters of English gets a wider length band: one word
# more or less in "Tap Reset Now." or "没试过" doubles a ratio. Measured on the professional
# translations of bench/flags.py (docs/flags.md, "Length ratio"): en-zh A against B 34
# segments flagged with no widening, 13 from 40; a full news sentence keeps the measured band.
SHORT_SEGMENT = 40.0
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
        fraction = _content_fraction(text, language, source)
        return fraction is not None and fraction < MIN_SCRIPT_FRACTION
    if len(text) < MIN_CHARS_FOR_LANGUAGE_ID:
        return False
    return identify_language(text) == source.code


def _content_fraction(text: str, language: Language, source: Language) -> float | None:
    """The share of ``text``'s content written in ``language``'s script: its letters weighed
    by how much English each stands for (``chars_per_en_char``). A Chinese character says as
    much as three English letters, so "Android 硬件清洁技巧" is mostly Chinese, while "我 love
    you very much" is not."""
    fraction = script_fraction(text, language.script)
    if fraction is None or fraction in (0.0, 1.0):
        return fraction
    own = fraction / language.chars_per_en_char
    return own / (own + (1 - fraction) / source.chars_per_en_char)


# -- Words left untranslated -----------------------------------------------------------------

# Apostrophes that may join the parts of one word ("CSTO's").
_APOSTROPHES = "'\u2019"
# An upper-case Roman numeral ("XXI век", "Николай II"): a number, never untranslated.
_ROMAN_NUMERAL = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
# A name of the source matches a word part that adds or drops at most this many letters at its
# end (an inflection: "Shpaka" for "Shpak", "CSTO" for "CSTO's"), when the shorter has 3+.
_NAME_ENDING = 3


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"


def words(text: str) -> Iterator[str]:
    """The words of ``text``: runs of letters, combining marks and digits (in any script), an
    apostrophe between two of them included ("CSTO's"). Unlike ``\\w``, marks do not split a
    word (Devanagari vowel signs, a Russian stress mark)."""
    start = None
    for i, char in enumerate(text):
        if _is_word_char(char):
            if start is None:
                start = i
            continue
        joins = (
            char in _APOSTROPHES
            and start is not None
            and i + 1 < len(text)
            and _is_word_char(text[i + 1])
        )
        if start is not None and not joins:
            yield text[start:i]
            start = None
    if start is not None:
        yield text[start:]


def _script_parts(word: str, script: str, target: str) -> list[str]:
    """The parts of ``word`` written in ``script`` but not ``target`` (combining marks and
    apostrophes go with the letters around them: "CSTO's" is one part)."""
    parts, current = [], ""
    for char in word:
        suspect = in_script(char, script) and not in_script(char, target)
        joined = bool(current) and (unicodedata.category(char)[0] == "M" or char in _APOSTROPHES)
        if suspect or joined:
            current += char
        else:
            if current:
                parts.append(current.rstrip(_APOSTROPHES))
            current = ""
    if current:
        parts.append(current.rstrip(_APOSTROPHES))
    return parts


def _names(text: str) -> set[str]:
    """The capitalised words of ``text`` (names, acronyms; a sentence's first word too), lower
    case, each part of an apostrophe-joined word on its own."""
    names = set()
    for word in words(text):
        for part in re.split(f"[{_APOSTROPHES}]", word):
            if part[:1].isupper():
                names.add(part.lower())
    return names


def _is_name_of(part: str, names: set[str]) -> bool:
    """``part`` is a capitalised word part that is one of ``names``, or that name inflected."""
    if not part[:1].isupper():
        return False
    low = part.lower()
    for name in names:
        short, long = sorted((low, name), key=len)
        if low == name or (
            long.startswith(short) and len(short) >= 3 and len(long) - len(short) <= _NAME_ENDING
        ):
            return True
    return False


def _kept_as_written(part: str, text: str) -> bool:
    """A Latin word part of ``text`` that a language keeping Latin words (``latin_words_kept``)
    writes as is: a name, brand or acronym, with a capital letter anywhere (Japanese "英国EU離脱",
    "SNS"; "Google", "iOS"), or a small word inside such a name ("Bank of England"). A
    lower-case word on its own ("和平keeping contingent转移") is left untranslated."""
    if any(char.isupper() for char in part):
        return True
    return re.search(rf"[A-Z][\w'’.-]*\s+{re.escape(part)}\s+[A-Z]", text) is not None


# Degrees Celsius typed with the Cyrillic letter С: a symbol, not a word left untranslated.
_CELSIUS = re.compile("°\\s?[\u0421\u0441]")


def untranslated_words(
    text: str, source: str, language: Language, source_language: Language, reference: str = ""
) -> list[str]:
    """The words of ``text`` (in ``language``) that are, wholly or in part, still written in the
    script of ``source_language``: words left untranslated, in order, each once.

    Nothing when the two languages share a script (English → German: a script tells nothing),
    and for text that is mostly not in ``language`` (that is ``copy_through``). Not counted:
    numbers (Roman numerals, and words with digits that ``source`` has too: "6th"); words that
    ``reference`` (the text the output should match) has too; and, when the source's script is
    Latin, a word part that is a capitalised name or acronym of ``source`` (or that name
    inflected): Latin names are routinely kept as written in other scripts ("INTERFAX", "CSTO"),
    while a kept non-Latin name ("Москва" in English) is still untranslated. A lower-case
    word is untranslated even when the source has it ("gangs"), unless ``language`` keeps
    Latin words as written (``latin_words_kept``: Chinese or Japanese text keeps a Latin name,
    brand or acronym, "Google", "iOS", "SNS", with its small words, "Bank of England", and a
    word of the source set apart as a word of its own, "您的帐户是 anjahoehn。"; a lower-case
    English word glued to the language's own letters, half translated, still counts:
    "和平keeping").
    """
    script, target = source_language.script, language.script
    if script == target or not_in_language(text, language, source_language):
        return []
    text = _CELSIUS.sub("°C", text)
    source_words = {word.lower() for word in words(source)}
    reference_words = {word.lower() for word in words(reference)}
    names = _names(source) if script == "Latin" else set()
    # Chinese or Japanese writers keep English names and product words in Latin letters.
    kept_as_written = script == "Latin" and language.latin_words_kept
    found: list[str] = []
    for word in words(text):
        parts = _script_parts(word, script, target)
        if not parts or word in found or word.lower() in reference_words:
            continue
        if _ROMAN_NUMERAL.fullmatch(word):
            continue
        if any(char.isdigit() for char in word) and word.lower() in source_words:
            continue
        stems = [re.split(f"[{_APOSTROPHES}]", part)[0] for part in parts]
        if all(_is_name_of(stem, names) for stem in stems):
            continue
        if kept_as_written and (
            all(_kept_as_written(stem, text) for stem in stems)
            or (parts == [word] and word.lower() in source_words)
        ):
            continue
        found.append(word)
    return found


# A word with more wide (Chinese, Japanese, Korean) characters than this around its
# untranslated parts is shown by those parts: in a language written without spaces a "word" is
# a whole clause ("...部分和平keeping,").
_CONTEXT_SHOWN = 8


def shown_untranslated(word: str, language: Language, source_language: Language) -> str:
    """``word`` as the untranslated flag names it: whole ("секретariat"), or, when the parts in
    the input's script sit in a longer run of other letters (Chinese or Japanese text), those
    parts, with "…" where letters are left out ("…keeping", "contingent…")."""
    core = word.strip(string.punctuation + "，。、！？：；")
    parts = _script_parts(core, source_language.script, language.script)
    wide = sum(unicodedata.east_asian_width(char) in "WF" for char in core)
    if not parts or wide <= _CONTEXT_SHOWN:
        return word
    start = "" if core.startswith(parts[0]) else "…"
    end = "" if core.endswith(parts[-1]) else "…"
    return start + "…".join(parts) + end


def length_ratio(output: str, source: str) -> float:
    return len(output.strip()) / max(len(source.strip()), 1)


def english_length(text: str, language: Language | None) -> float:
    """How many characters of English ``text`` stands for: its characters over its language's
    ``chars_per_en_char``, but a letter of another script as one (a name kept in Latin
    letters inside Chinese text is as long as in English)."""
    text = text.strip()
    if language is None or language.chars_per_en_char == 1.0:
        return float(len(text))
    foreign = sum(1 for char in text if char.isalpha() and not in_script(char, language.script))
    return foreign + (len(text) - foreign) / language.chars_per_en_char


def expected_length_ratio(language: Language | None, source_language: Language | None) -> float:
    """The length ratio (characters) of a faithful translation from ``source_language`` into
    ``language``: the ratio of their ``chars_per_en_char`` (Chinese into English: 1.0 / 0.3).
    An unknown language counts as English-like (1.0)."""

    def per_en_char(language: Language | None) -> float:
        return language.chars_per_en_char if language is not None else 1.0

    return per_en_char(language) / per_en_char(source_language)


def length_ratio_range(
    language: Language | None, source_language: Language | None, source_length: float = 0.0
) -> tuple[float, float]:
    """The length ratios of a translation from ``source_language`` into ``language`` that are
    no outliers: :data:`LENGTH_RATIO_BAND` around the expected ratio, widened for a short
    source (``source_length``: :func:`english_length`; see :func:`band_widening`)."""
    expected = expected_length_ratio(language, source_language)
    low, high = LENGTH_RATIO_BAND
    widening = band_widening(source_length)
    return low * expected / widening, high * expected * widening


def band_widening(source_length: float) -> float:
    """How much wider the band is for a source this long (in characters of English): not at
    all from :data:`SHORT_SEGMENT` on, by the square root of how much shorter it is below
    (twice for a quarter of it: "没试过" is "I haven't tried it before.")."""
    if source_length <= 0 or source_length >= SHORT_SEGMENT:
        return 1.0
    return (SHORT_SEGMENT / source_length) ** 0.5


def _ngram_positions(words: list[str]) -> dict[tuple[str, ...], list[int]]:
    positions: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(words) - REPEAT_NGRAM + 1):
        positions.setdefault(tuple(words[i : i + REPEAT_NGRAM]), []).append(i)
    return positions


def _back_to_back(words: list[str], positions: list[int]) -> int:
    """How many times in a row the words from one occurrence of an n-gram to the next repeat
    (a loop: "Here is the translation: Here is the translation: ..."); 1 when they never do."""
    most = 1
    for start, following in pairwise(positions):
        period = words[start:following]
        repeats = 1
        while words[start + repeats * len(period) : start + (repeats + 1) * len(period)] == period:
            repeats += 1
        most = max(most, repeats)
    return most


def loop_repeats(text: str, source: str = "") -> int:
    """The most times a span of ``text`` repeats back to back, beyond what ``source`` repeats
    (an n-gram ``source`` has as often does not count); 1 when nothing loops."""
    words, source_words = text.lower().split(), source.lower().split()
    source_positions = _ngram_positions(source_words)
    return max(
        (
            _back_to_back(words, found)
            for gram, found in _ngram_positions(words).items()
            if len(found) >= REPEAT_MIN_COUNT and len(found) > len(source_positions.get(gram, ()))
        ),
        default=1,
    )


def has_repetition_loop(text: str, source: str = "") -> bool:
    """Detect degenerate repetition: a span repeated back to back :data:`REPEAT_MIN_COUNT`
    times, more than ``source`` repeats any span of its own, or few distinct n-grams overall.

    A long sentence may say one phrase three times ("at 18:30 - in ... at 18:30 - in ..."; "the
    provincial Party committee ... the Party"), with other words between: no loop. Comparing
    with the source keeps repetition the model merely reproduced ("the Republic of Belarus, the
    Republic of Armenia, ..."; "Ура! Ура! Ура!") from being flagged, in any language.
    """
    words = text.lower().split()
    total = len(words) - REPEAT_NGRAM + 1
    if total < REPEAT_MIN_COUNT:
        return False
    repeats = loop_repeats(text, source)
    if repeats >= REPEAT_MIN_COUNT and repeats > loop_repeats(source):
        return True
    distinct = len(_ngram_positions(words))
    return total >= 8 and distinct / total < REPEAT_MIN_DISTINCT_SHARE


# What may open an output before a start pattern: space, and a quote mark or bracket.
_COMMENTARY_OPENING = r"^\s*[\"'«“„(\[「『《【（]?\s*"


@cache
def _commentary_patterns() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    """(start, anywhere) patterns of every language in ``models/commentary.toml``, together: a
    chat model may comment in another language than the one it was asked for (in English
    inside a German pivot)."""
    tables = load_toml("commentary.toml").values()
    start = tuple(
        re.compile(_COMMENTARY_OPENING + "(?:" + pattern + ")", re.IGNORECASE)
        for table in tables
        for pattern in table["start"]
    )
    anywhere = tuple(
        re.compile(pattern, re.IGNORECASE) for table in tables for pattern in table["anywhere"]
    )
    return start, anywhere


def commentary(output: str, source: str = "") -> str | None:
    """The words by which ``output`` comments on itself (a chat preamble, a note, an apology or
    a refusal) instead of just being the text asked for, or ``None``.

    Every language's phrases are tried. A pattern that also matches ``source`` does not count,
    nor does any other of its kind (start or anywhere), in any language: the input said it too
    ("Извините, но..." translated as "I'm sorry, but..."); nor does a remark in brackets when
    ``source`` has brackets too ("(not included)" for "(не входят в комплект)").
    """
    bracketed = any(bracket in source for bracket in _OPENING_BRACKETS)
    for patterns in _commentary_patterns():
        if any(pattern.search(source) for pattern in patterns):
            continue
        for pattern in patterns:
            match = pattern.search(output)
            if match and not (bracketed and match.group().lstrip()[:1] in _OPENING_BRACKETS):
                return match.group().strip()
    return None


# A remark in brackets is the text's own when its input has one too: "(not included)" for
# "(не входят в комплект)".
_OPENING_BRACKETS = "(（[【"
