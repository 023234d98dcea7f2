"""When two English texts name the same person, place or body in different words.

A translation and its reference (or a back-translation and its original) often write one name
differently without losing it: a transliteration variant (``Sergei``/``Sergey``,
``Degtyaryov``/``Degtyarev``), an inflection or adjective (``Russia``/``Russian``,
``Italy``/``Italian``, ``US``/``American``: ``models/names.toml``), an acronym and its expansion
(``LDPR``/``Liberal Democratic Party of Russia``), or a translated generic word
(``Khabarovsk Krai``/``Khabarovsk Territory``, ``Palazzo Papadopoli``/``Papadopoli Palace``).
:func:`vocabulary` indexes the text a name is looked for in and :func:`unmatched_words` says
which words of a name it lacks. :func:`has_word` finds a word as spelled (or inflected, or in
another form); :func:`variant` finds it spelled another way, recognisably: a transliteration
variant or a slip (``Cipriani``/``Kipriani``), which keeps the name but is a respelling.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from summarize.resources import load_toml

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_VOWELS = "aeiou"
# Romanisation variants of one Cyrillic spelling, rewritten to one form (in this order); then
# ``c`` that sounds as ``k`` is ``k``, as ``s`` is ``s``, and ``y`` is ``i`` (Sergey = Sergei,
# Roscosmos = Roskosmos, Defence = Defense; Cipriani is ``sipriani``, not Kipriani).
_REWRITES = (
    *(("shch", "sch"), ("kh", "h"), ("ph", "f"), ("x", "ks"), ("w", "v"), ("ck", "k")),
    *(("ts", "z"), ("tz", "z")),
)
# Connectors inside a multi-word name: "Liberal Democratic Party of Russia" is LDPR.
_CONNECTORS = frozenset({"of", "for", "and", "the", "on", "in", "de", "la", "del", "&"})
# A name, or a shouted line, written in capitals.
_CAPS = re.compile(r"[A-Z][A-Z0-9-]*")


def key(word: str) -> str:
    """A name word's spelling-insensitive key: lower case, no accents, no possessive, one form
    of each romanisation variant, no doubled letters (``Mihhail`` = ``Mikhail``)."""
    decomposed = unicodedata.normalize("NFKD", word.replace("’", "'"))
    text = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    text = re.sub(r"'s?$", "", text)
    for old, new in _REWRITES:
        text = text.replace(old, new)
    text = re.sub(r"c(?=[eiy])", "s", text).replace("c", "k").replace("y", "i")
    return re.sub(r"(.)\1+", r"\1", text)


def _skeleton(word_key: str) -> str:
    """Its consonants, after whether it starts with a vowel: transliterations of one name
    differ in their vowels (``Aleksandr``/``Alexander``, ``Degtyaryov``/``Degtyarev``)."""
    head = "a" if word_key[:1] in _VOWELS else word_key[:1]
    return head + re.sub(f"[{_VOWELS}]", "", word_key[1:])


def _inflected(word: str, other: str) -> bool:
    """One word, inflected or not: ``russia``/``russian``, ``kazakh``/``kazakhstan``,
    ``stavropol``/``stavropolskaya`` (short words must be equal), or a compound of it
    (``meteorological``/``hydrometeorological``)."""
    if word == other:
        return True
    short, long = sorted((word, other), key=len)
    longest_ending = 4 if len(short) < 6 else 6
    if len(short) >= 4 and long.startswith(short) and len(long) - len(short) <= longest_ending:
        return True
    return (len(short) >= 7 and long.endswith(short)) or _common_stem(short, long)


# Endings that make another word of a name, not another spelling: ``Russia``/``Russian``,
# ``Kazakh``/``Kazakhstan``, ``Stavropol``/``Stavropolskaya`` (``Debora`` is no ``Deborah``).
_ENDINGS = frozenset(
    (
        *("s", "es", "n", "an", "ans", "ian", "ians", "i", "is", "ese", "ish", "ic", "ics"),
        *("stan", "sky", "skiy", "ski", "skaya", "skoye", "sk", "ov", "ova"),
    )
)


def _with_ending(word: str, other: str) -> bool:
    """One word, as spelled, with or without an ending (``russia``/``russian``), or a compound
    of it (``meteorological``/``hydrometeorological``)."""
    short, long = sorted((word, other), key=len)
    if len(short) >= 4 and long.startswith(short) and long[len(short) :] in _ENDINGS:
        return True
    return len(short) >= 7 and long.endswith(short)


def _common_stem(short: str, long: str) -> bool:
    """Two endings of one stem of six letters or more (``pantsirs``/``pantsirei``)."""
    pairs = zip(short, long[: len(short)], strict=True)
    common = next((i for i, (a, b) in enumerate(pairs) if a != b), len(short))
    return common >= 6 and common >= 0.75 * len(short)


_RESPELLED_SHARE = 0.4


def _close(word_key: str, other: str) -> bool:
    """Keys of one name spelled two ways: the same consonants and at most two edits apart
    (``aleksandr``/``aleksander``, ``degtiariov``/``degtiarev``, ``ruza``/``ruz``), or, for
    five letters or more, one edit apart (two from eight letters): ``sipriani``/``kipriani``,
    ``lazarev``/``lavarev``; not ``klooneis``/``klovns`` (Clooneys/Clowns), ``amal``/``amelia``
    nor ``iran``/``iraq``."""
    if _inflected(word_key, other):
        return True
    distance = edit_distance(word_key, other)
    skeleton = _skeleton(word_key)
    if len(skeleton) >= 2 and skeleton == _skeleton(other) and distance <= 2:
        return True
    shortest, longest = sorted((len(word_key), len(other)))
    if shortest >= 5 and distance <= (2 if shortest >= 8 else 1):
        return True
    # The same first letter and at most two edits in five (``aydian``/``aiyan``,
    # ``berzerker``/``berserk``), when one of them has five letters or more (not ``iran``/
    # ``iraq``; not ``kloneis``/``klovns``: Clooneys/Clowns).
    return (
        shortest >= 4
        and longest >= 5
        and word_key[0] == other[0]
        and distance <= _RESPELLED_SHARE * longest
    )


@dataclass(frozen=True)
class _Data:
    forms: dict[str, int]  # a form (lower case, or as written when in capitals) → its group
    groups: list[list[str]]
    generic: frozenset[str]
    generic_suffixes: tuple[str, ...]


@cache
def _data() -> _Data:
    table = load_toml("names.toml")
    forms: dict[str, int] = {}
    groups = []
    for number, group in enumerate(table["forms"]):
        groups.append(group)
        for form in group:
            forms[form if form.isupper() else form.lower()] = number
    return _Data(
        forms,
        groups,
        frozenset(key(word) for word in table["generic"].split()),
        tuple(table["generic_suffixes"].split()),
    )


def is_generic(word: str) -> bool:
    """A word that says what kind of place, body or person a name is (``Region``,
    ``Palazzo``, ``Governor``): translated, not part of what identifies it."""
    return key(word) in _data().generic


def _group(phrase: str) -> int | None:
    forms = _data().forms
    return forms.get(phrase) if phrase.isupper() else forms.get(phrase.lower())


def _initials(words: list[str]) -> str:
    return "".join(word[0].upper() for word in words)


# Punctuation that ends a run of capitalised words ("Minsk, Peter Morgunov").
_RUN_BREAK = re.compile(r"[,;:!?()\[\]\"“”«»]|\.(?:\s|$)")


def _chains(text: str, connectors: frozenset[str] = _CONNECTORS) -> list[list[str]]:
    """Runs of capitalised words, joined by ``connectors`` (``of``, ``for``...), without
    them; punctuation ends a run."""
    chains: list[list[str]] = []
    for part in _RUN_BREAK.split(text):
        current: list[str] = []
        for word in _WORD.findall(part):
            if word[0].isupper():
                current.append(word)
            elif word.lower() not in connectors and current:
                chains.append(current)
                current = []
        if current:
            chains.append(current)
    return chains


def acronym_runs(text: str) -> dict[str, frozenset[str]]:
    """Acronyms that runs of capitalised words of ``text`` spell, each with the keys of the
    words that spell it (``Liberal Democratic Party of Russia``: LDPR, LDP, DPR...)."""
    found: dict[str, frozenset[str]] = {}
    for chain in _chains(text):
        for start in range(len(chain)):
            for end in range(start + 2, len(chain) + 1):
                words = chain[start:end]
                found.setdefault(_initials(words), frozenset(key(word) for word in words))
    return found


@dataclass(frozen=True)
class Vocabulary:
    """What a text offers to keep another text's names: its words' keys, the words it writes in
    capitals, its lower-cased text (for multi-word forms), the acronyms its names spell, and its
    capitalised words (for respellings)."""

    words: frozenset[str]  # lower case, without a possessive
    capitals: frozenset[str]
    lowered: str
    expansions: dict[str, frozenset[str]]
    names: tuple[str, ...]
    groups: frozenset[int]  # the groups of forms (countries, peoples) that it names
    # The keys of the last words of its runs of two or more capitalised words (surnames).
    last_words: frozenset[str]


def _bare(word: str) -> str:
    """Without a possessive ending, nor the plural ``s`` of an acronym (``MCIs``)."""
    return re.sub(r"['’]s?$|(?<=[A-Z]{2})s$", "", word)


def vocabulary(text: str) -> Vocabulary:
    words = [_bare(word) for word in _WORD.findall(text)]
    parts = [part for word in words for part in word.split("-") if part]
    lowered = " ".join(word.lower() for word in words)
    return Vocabulary(
        words=frozenset(word.lower() for word in (*words, *parts)),
        capitals=frozenset(word for word in parts if len(word) > 1 and _CAPS.fullmatch(word)),
        lowered=lowered,
        expansions=acronym_runs(text),
        names=tuple(dict.fromkeys(word for word in (*words, *parts) if word[0].isupper())),
        groups=frozenset(
            group
            for form, group in _data().forms.items()
            if (form in parts if form.isupper() else f" {form} " in f" {lowered} ")
        ),
        last_words=frozenset(key(run[-1]) for run in _chains(text, frozenset()) if len(run) >= 2),
    )


def _has_phrase(vocab: Vocabulary, phrase: str) -> bool:
    if phrase.isupper():
        return phrase in vocab.capitals
    return f" {phrase.lower()} " in f" {vocab.lowered} "


def _has_form(vocab: Vocabulary, phrase: str) -> bool:
    """``phrase`` is one of a group of forms (``Italy``), and ``vocab`` has one of them."""
    group = _group(_bare(phrase))
    return group is not None and any(_has_phrase(vocab, form) for form in _data().groups[group])


def has_word(vocab: Vocabulary, word: str) -> bool:
    """``vocab`` has a name's ``word`` as it is spelled, inflected (``Russian`` for
    ``Russia``), in another form (``Italian`` for ``Italy``) or, for an acronym, the words that
    spell it; :func:`variant` finds it spelled differently."""
    bare = _bare(word)
    lowered = bare.lower()
    if lowered in vocab.words or any(_with_ending(lowered, other) for other in vocab.words):
        return True
    if _has_form(vocab, bare):
        return True
    return _acronym(bare) and (
        bare in vocab.expansions
        or _same_letters(bare, vocab.capitals)
        or any(key(bare) == key(other) for other in vocab.capitals)  # BCS/BKS: one БКС
    )


def _same_letters(acronym: str, capitals: frozenset[str]) -> bool:
    """An acronym of the same words in another order (``RBF``/``RFB``: the Russian order)."""
    letters = sorted(acronym)
    return len(acronym) >= 3 and any(sorted(other) == letters for other in capitals)


def variant(vocab: Vocabulary, word: str) -> str | None:
    """A capitalised word of ``vocab`` that spells ``word`` differently but recognisably
    (:func:`_close`): a transliteration variant (``Sergey``/``Sergei``) or a slip
    (``Cipriani``/``Kipriani``). Acronyms are compared letter for letter: ``KST`` is no
    ``CSTO``."""
    if _acronym(word):
        return None
    word_key = key(word)
    return next(
        (other for other in vocab.names if not _acronym(other) and _close(word_key, key(other))),
        None,
    )


def _acronym(word: str) -> bool:
    return len(word) > 1 and _bare(word).isupper()


def _spelled_out(name_words: list[str], own: Vocabulary, vocab: Vocabulary) -> bool:
    """The words of a name that the other text lacks are part of a run of this text that
    spells an acronym which the other text writes (``Liberal Democratic Party`` of ... Russia,
    where the other has LDPR; SMP ``Russian Circuit Racing Series``, where it has SMP RCRS)."""
    keys = {key(word) for word in name_words}
    return any(
        acronym in vocab.capitals and keys <= spelled for acronym, spelled in own.expansions.items()
    )


def distinctive_words(name: str) -> list[str]:
    """The words of ``name`` that identify it: not generic (``Region``, ``Governor``), and of a
    hyphenated word its capitalised parts (``Colonel-General``: none; ``Buyan-class``:
    ``Buyan``)."""
    words = []
    for word in _WORD.findall(name):
        parts = [part for part in word.split("-") if part[:1].isupper()] if "-" in word else [word]
        words += [part for part in parts if len(part) > 1 and not is_generic(part)]
    return words


def _optional(word: str, own: Vocabulary, vocab: Vocabulary) -> bool:
    """A people's adjective in a longer name (``Russian`` Navy) may be left out, unless the
    other text names a country or people that this one does not (``Ukrainian`` Navy)."""
    group = _group(_bare(word))
    return group is not None and not vocab.groups - own.groups


def _kept(vocab: Vocabulary, word: str) -> bool:
    """``vocab`` has ``word``, spelled so or otherwise, or without a place type written onto it
    (``generic_suffixes``: Misakubocho is Misakubo, or Mizukubo, Town)."""
    if has_word(vocab, word) or variant(vocab, word):
        return True
    stem = _without_generic_suffix(word)
    return stem is not None and (has_word(vocab, stem) or bool(variant(vocab, stem)))


def _without_generic_suffix(word: str) -> str | None:
    for suffix in _data().generic_suffixes:
        if word.lower().endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return None


# A name word without its place type keeps at least this many letters (Karatsushi: Karatsu).
_MIN_STEM = 4


def unmatched_words(name: str, own: Vocabulary, vocab: Vocabulary) -> list[str]:
    """The distinctive words of ``name`` (from the text ``own``) that ``vocab`` lacks; none
    when it keeps the name. A name of three or more distinctive words is kept with one of them
    translated differently ("National Civil Protection System")."""
    if _has_form(vocab, name):
        return []
    words = distinctive_words(name)
    missing = [word for word in words if not _kept(vocab, word)]
    if not missing or _spelled_out(missing, own, vocab):
        return []
    if len(missing) < len(words):
        missing = [word for word in missing if not _optional(word, own, vocab)]
    if len(missing) == 1 and (
        _one_of_many(words, missing[0]) or _other_first_name(words, missing[0], vocab)
    ):
        return []
    if _mostly_kept(words, missing):
        return []
    return missing


def _mostly_kept(words: list[str], missing: list[str]) -> bool:
    """A product's or a long body's name of four words or more, whose first, distinctive word
    and at least half the others are there: the rest is description translated another way
    ("Nanokeratin System Hair Relaxing Treatment", "Nivea In-Shower Q10 Firming Body
    Moisturiser")."""
    return len(words) >= 4 and words[0] not in missing and 2 * len(missing) <= len(words)


def _one_of_many(words: list[str], missing: str) -> bool:
    """A word of a long name translated another way: not its first, distinctive one ("Aman"
    Canal Grande), but "System" of "Mexico's National Civil Protection System"."""
    return len(words) >= 3 and missing != words[0]


def _other_first_name(words: list[str], missing: str, vocab: Vocabulary) -> bool:
    """Only the first name differs: the other text writes the last word after another
    capitalised word (``Mike Pompeo``/``Michael Pompeo``; ``New York`` is not ``in York``)."""
    last = key(words[-1])
    return missing != words[-1] and any(_close(last, other) for other in vocab.last_words)


def edit_distance(first: str, second: str) -> int:
    """Levenshtein distance."""
    previous = list(range(len(second) + 1))
    for row, char in enumerate(first, start=1):
        current = [row]
        for column, other in enumerate(second, start=1):
            current.append(
                min(previous[column] + 1, current[-1] + 1, previous[column - 1] + (char != other))
            )
        previous = current
    return previous[-1]
