"""The flag registry: every quality flag the tool raises, defined once.

A :class:`FlagSpec` is one flag: its ``code`` (in every output), a one-line ``description`` (the
legend of every view), the longer ``details`` of docs/flags.md's table, the kinds of output it
``applies_to`` and its ``check``. :func:`flags_of` gives an output's flags; the legends
(:func:`legend`) and docs/flags.md's table (:func:`docs_table`, checked by tests/test_docs.py)
read the registry, so adding a flag is one :func:`register` call (its check may call a test
from :mod:`summarize.tasks.text_checks`, :mod:`summarize.tasks.prompt_leak` or
:mod:`summarize.metrics`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from summarize.engines.base import PromptText, TruncatedText
from summarize.input.languages import Language
from summarize.metrics.consistency import check_consistency, compare_facts
from summarize.metrics.source_support import SourceSupport, source_support
from summarize.result import Flag
from summarize.tasks.prompt_leak import find_leak
from summarize.tasks.text_checks import (
    commentary,
    english_length,
    expected_length_ratio,
    has_repetition_loop,
    is_empty,
    length_ratio,
    length_ratio_range,
    not_in_language,
    shown_untranslated,
    untranslated_words,
)

__all__ = ["FLAGS", "Flag", "FlagSpec", "Output", "OutputKind", "flags_of", "register"]


class OutputKind(Enum):
    """What a model output is; a flag says which kinds it applies to. The value is the output's
    ``step`` in its flags (a summary's step is the summary's name)."""

    PIVOT = "pivot"
    BACK = "back"
    TRANSLATION = "translation"
    SUMMARY = "summary"

    @property
    def label(self) -> str:
        """How docs/flags.md names the kind."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    OutputKind.PIVOT: "pivot",
    OutputKind.BACK: "back-translation",
    OutputKind.TRANSLATION: "reference-mode translation",
    OutputKind.SUMMARY: "summary",
}
TRANSLATIONS = (OutputKind.PIVOT, OutputKind.BACK, OutputKind.TRANSLATION)
EVERY_OUTPUT = tuple(OutputKind)


@dataclass(frozen=True)
class Output:
    """One model output and the texts its checks compare it with."""

    kind: OutputKind
    text: str
    # The text it was made from: the English or the pivot of a round trip, the source of a
    # reference-mode translation, a summary's article.
    source: str
    # The name of the output in its flags; the kind's value by default.
    step: str | None = None
    # The language it should be in, and the language of ``source`` (``copy_through``).
    language: Language | None = None
    source_language: Language | None = None
    # What its numbers and names should match (``consistency`` of a translation): the original
    # of a round trip, the English reference in reference mode. A text the output may rightly
    # reproduce, like ``source`` (``prompt_leak``).
    reference: str | None = None
    # What the model's prompt held besides the input (``prompt_leak``).
    prompt: Sequence[PromptText] = ()


# A check says why an output gets its flag (the flag's message), or None.
Check = Callable[[Output], str | None]


@dataclass(frozen=True)
class FlagSpec:
    code: str
    description: str  # one line for the legends: what raises it
    applies_to: tuple[OutputKind, ...]
    check: Check
    # docs/flags.md's "raised when" (Markdown); the description when None.
    details: str | None = None
    # Raised, it is the output's only flag: the other checks have nothing to look at.
    alone: bool = False
    # By output kind, the code this flag's check runs (and its flag is listed) right after,
    # where that is not registry order: results keep the order they always had.
    after: Mapping[OutputKind, str] = field(default_factory=dict)

    def legend(self) -> str:
        return f"{self.code}: {self.description}"


FLAGS: dict[str, FlagSpec] = {}


def register(spec: FlagSpec) -> FlagSpec:
    if spec.code in FLAGS:
        raise ValueError(f"flag {spec.code!r} registered twice")
    for kind, code in spec.after.items():
        if kind not in spec.applies_to or kind not in FLAGS[code].applies_to:
            raise ValueError(f"flag {spec.code!r}: {code!r} is no {kind.value} check")
    FLAGS[spec.code] = spec
    return spec


def checks_for(kind: OutputKind) -> list[FlagSpec]:
    """The flags that apply to ``kind``, in the order its checks run and its flags are listed."""
    specs = [spec for spec in FLAGS.values() if kind in spec.applies_to]
    for spec in [spec for spec in specs if kind in spec.after]:
        specs.remove(spec)
        specs.insert(specs.index(FLAGS[spec.after[kind]]) + 1, spec)
    return specs


def flags_of(output: Output) -> list[Flag]:
    """Every flag of one output."""
    step = output.step or output.kind.value
    flags = []
    for spec in checks_for(output.kind):
        message = spec.check(output)
        if message is None:
            continue
        if spec.alone:
            return [Flag(spec.code, step, message)]
        flags.append(Flag(spec.code, step, message))
    return flags


def legend(codes: Collection[str] | None = None) -> list[str]:
    """One line per flag (``codes``; default: every flag), in registry order: what raises it."""
    return [spec.legend() for spec in FLAGS.values() if codes is None or spec.code in codes]


def docs_table() -> str:
    """docs/flags.md's table of flags (tests/test_docs.py checks that the page has it)."""
    lines = ["| flag | applies to | raised when |", "|---|---|---|"]
    for spec in FLAGS.values():
        kinds = ", ".join(kind.label for kind in spec.applies_to)
        lines.append(f"| `{spec.code}` | {kinds} | {spec.details or spec.description} |")
    return "\n".join(lines)


# -- The flags ------------------------------------------------------------------------------


def _empty(output: Output) -> str | None:
    if not is_empty(output.text):
        return None
    if output.kind is OutputKind.SUMMARY:
        return "the summary is empty"
    return "the model produced no text"


def _copy_through(output: Output) -> str | None:
    text, source = output.text, output.source
    expected, source_language = output.language, output.source_language
    if expected and source_language and not_in_language(text, expected, source_language):
        return f"not in {expected.name}: the input was copied through"
    if text.strip() == source.strip() and expected != source_language:
        return "identical to its input"
    return None


# At most this many words in an ``untranslated`` message, then how many more.
_MAX_LISTED = 12


def _untranslated(output: Output) -> str | None:
    language, source_language = output.language, output.source_language
    if language is None or source_language is None:
        return None
    found = untranslated_words(
        output.text, output.source, language, source_language, output.reference or ""
    )
    if not found:
        return None
    listed = ", ".join(
        shown_untranslated(word, language, source_language) for word in found[:_MAX_LISTED]
    )
    more = len(found) - _MAX_LISTED
    return f"left in the input's script: {listed}" + (f" (and {more} more)" if more > 0 else "")


def _figure(value: float) -> str:
    """A ratio as the length_ratio message gives it: 3.3, 0.95, 0.5, 2.0."""
    return f"{value:.1f}" if value >= 1 else f"{value:.2g}"


def _length_ratio(output: Output) -> str | None:
    """Lengths compared in characters of English (:func:`english_length`: a name kept in Latin
    letters inside Chinese counts as in English), the band widened for a short source; the
    message gives the ratio in characters, and what this segment's scripts make expected."""
    language, source_language = output.language, output.source_language
    source_length = english_length(output.source, source_language)
    ratio = length_ratio(output.text, output.source)
    relative = english_length(output.text, language) / max(source_length, 1.0)
    pair = expected_length_ratio(language, source_language)
    expected = ratio / relative if relative else pair
    low, high = (
        bound * expected / pair
        for bound in length_ratio_range(language, source_language, source_length)
    )
    if low <= ratio <= high:
        return None
    said = ""
    if language is not None and source_language is not None:
        said = f" (expected {_figure(expected)} for {source_language.code}→{language.code})"
    return f"length ratio {ratio:.2f}{said} outside {_figure(low)}-{_figure(high)}"


def _not_shorter(output: Output) -> str | None:
    if len(output.text.split()) >= len(output.source.split()):
        return "the summary is as long as the article"
    return None


def _repetition(output: Output) -> str | None:
    if has_repetition_loop(output.text, output.source):
        return "repeats itself (a generation loop)"
    return None


def _commentary(output: Output) -> str | None:
    said = commentary(output.text, output.source)
    return None if said is None else f"commentary instead of just the text: {said!r}"


def _truncated(output: Output) -> str | None:
    if not isinstance(output.text, TruncatedText):
        return None
    return f"cut short: stopped at its length limit ({output.text.max_new_tokens} new tokens)"


def _prompt_leak(output: Output) -> str | None:
    inputs = [output.source] if output.reference is None else [output.source, output.reference]
    return find_leak(output.text, output.prompt, inputs)


def _respelled(output: Output) -> str | None:
    """A back-translation against its original, whose spelling of a name is the right one."""
    if output.reference is None:
        return None
    facts = compare_facts(output.text, output.reference)
    return f"names spelled otherwise: {facts.respelled_message()}" if facts.respelled else None


def _source_support(output: Output) -> SourceSupport | None:
    """A reference-mode translation's source, which arbitrates between it and its reference; a
    round trip's pivot is a model's output, never an arbiter."""
    language = output.source_language
    if output.kind is not OutputKind.TRANSLATION or language is None:
        return None
    return source_support(output.source, language)


def _translated_part(output: Output) -> str:
    """The output without the commentary around it ("Here is the English translation:"): its
    words are no names of the translation, even where the input had the same commentary."""
    said = commentary(output.text)
    return output.text.replace(said, " ") if said else output.text


def _consistency(output: Output) -> str | None:
    """A summary against its article; a translation against its ``reference``."""
    if output.kind is OutputKind.SUMMARY:
        found = check_consistency(output.text, output.source)
        return None if found.ok else "not in the article: " + ", ".join(found.unsupported)
    if output.reference is None:
        return None
    facts = compare_facts(_translated_part(output), output.reference, _source_support(output))
    if output.language is not None and output.language.names_by_meaning:
        # A name the reference keeps in Latin letters may be written in the output's own
        # script ("谷歌" for Google): nothing tells it lost.
        facts = replace(facts, missing_names=[])
    against = "the original" if output.kind is OutputKind.BACK else "the reference"
    return None if facts.ok else facts.message(against)


register(
    FlagSpec(
        "empty",
        "the model produced no text",
        EVERY_OUTPUT,
        _empty,
        alone=True,
    )
)
register(
    FlagSpec(
        "copy_through",
        "not in the target language, or identical to its input: the input was copied",
        TRANSLATIONS,
        _copy_through,
        details="the pivot is not in the pivot language (less than half its content in the "
        "pivot's script, each letter weighed by how much English it stands for: a Chinese "
        "character as three, so `Android 硬件清洁技巧` is Chinese; or, for Latin-script pivots, "
        "language identification says English), or an output equals its input",
    )
)
register(
    FlagSpec(
        "untranslated",
        "words (or parts of words) left in the input's script, not translated",
        TRANSLATIONS,
        _untranslated,
        details="words, or parts of words, of an output still written in its input language's "
        "script where the two scripts differ (Latin in a Russian pivot: `gangs`, the `ariat` of "
        "`секретariat`; Cyrillic in an English back-translation); the message lists the words. "
        "Not counted: numbers (Roman numerals; `6th` where the input has it), words that the "
        "reference (the original of a round trip) has too, and, from a Latin-script input, its "
        "capitalised names and acronyms kept as written (`INTERFAX`, `CSTO`; inflected, "
        "`Shpaka`); a lower-case word counts even when the input has it. In a language whose "
        "writers keep English names in Latin letters (`latin_words_kept` in "
        "`models/languages.toml`: Chinese, Japanese, Korean), any Latin word with a capital "
        "(`Google`, `iOS`, `SNS`), the small words of such a name, and a word of the input set "
        "apart (`您的帐户是 anjahoehn。`) are kept as written; English glued to the language's "
        "letters (`和平keeping`) counts. A non-Latin name kept "
        "(`Москва` in English) counts. Nothing is checked when the input and the output share "
        "a script (English → German) or the output is mostly in the input's script "
        "(`copy_through`)",
    )
)
register(
    FlagSpec(
        "length_ratio",
        "output length / input length (characters) outside 0.5-2x the ratio expected for "
        "the language pair",
        TRANSLATIONS,
        _length_ratio,
        details="output length / input length, in characters, is under half or over twice the "
        "ratio expected for the language pair: the output language's characters per character "
        "of English over the input language's (`chars_per_en_char` in `models/languages.toml`: "
        "Chinese into English is expected at 1.0 / 0.3 = 3.3, so 1.7-6.7 passes; English into "
        "Russian at 1.04, so 0.52-2.1). A letter of another script counts as one character of "
        "English (Latin names inside Chinese), and the band widens for an input shorter than "
        "40 characters of English, by the square root of how much shorter (`没试过`: "
        "twice as wide). A language without the figure counts as 1.0 (0.5-2.0). "
        "See [Length ratio](#length-ratio); the message names the expected ratio",
    )
)
register(
    FlagSpec(
        "not_shorter",
        "a summary as long as its article",
        (OutputKind.SUMMARY,),
        _not_shorter,
    )
)
register(
    FlagSpec(
        "repetition",
        "a generation loop: a span repeated back to back 3+ times (more than the input)",
        EVERY_OUTPUT,
        _repetition,
        details="a span that starts with a 4-word sequence repeats back to back 3+ times, more "
        "often than the input repeats one of its own and with that sequence more often than "
        "in the input, or fewer than half of the 4-grams are distinct: a generation loop. A "
        "long sentence or schedule that says a phrase three times with other words between "
        '("at 18:30 - in ... at 18:30 - in") is none',
    )
)
register(
    FlagSpec(
        "commentary",
        "the output comments instead of (or around) the text asked for: a chat preamble, a "
        "note, an apology or a refusal",
        EVERY_OUTPUT,
        _commentary,
        details="the output comments instead of (or around) the text asked for: a chat "
        'preamble ("Here is the translation:", "Вот перевод", "Hier ist die Übersetzung:", '
        '"以下是翻译："), a note, an apology or a refusal, in any language the tool knows '
        "(phrases per language in `models/commentary.toml`, every language's tried on every "
        "output: a German pivot may open in English), unless the input says the same, or the "
        'remark is in brackets and the input has brackets too ("(not included)" for '
        '"(не входят в комплект)")',
    )
)
register(
    FlagSpec(
        "truncated",
        "generation stopped at the output's length limit: the text is cut short",
        EVERY_OUTPUT,
        _truncated,
        details="generation stopped at the output's length limit instead of ending by "
        "itself: the text is cut short",
    )
)
register(
    FlagSpec(
        "prompt_leak",
        "the output reproduces text of its prompt (a few-shot example, the example article or "
        "summary, an instruction), not of its input",
        EVERY_OUTPUT,
        _prompt_leak,
        details="the output reproduces text of its prompt that is not its input: a few-shot "
        "example (either side), the example article or summary, or the instruction. A pivot "
        "that is word for word an example's Russian side is flagged at the `pivot` step, its "
        "back-translation at `back`, a summary of the example article at the summary. See "
        "[Prompt leaks](#prompt-leaks)",
    )
)
register(
    FlagSpec(
        "consistency",
        "numbers or names lost or made up: a summary's not in the article; a translation's "
        "against the original (round trip) or the reference",
        (OutputKind.BACK, OutputKind.TRANSLATION, OutputKind.SUMMARY),
        _consistency,
        details="a summary states numbers or capitalised names that the article does not "
        "contain (listed in the message): e.g. 2023 where the article says 2022. For a "
        "translation, per segment: numbers, dates and names of the original that the "
        "back-translation lost, and ones it made up (round trip: the back-translation against "
        "the original English), or the same for a reference-mode translation against its "
        'English reference; the message lists both ("lost (in the original): CSTO, '
        'Kyrgyzstan; made up (not in the original): Kosovo"). A name is kept when the other '
        "text writes it another way: a transliteration (`Sergei`/`Sergey`), an inflection or "
        "another form (`Italy`/`Italian`, `US`/`American`), an acronym and its expansion "
        "(`LDPR`/`Liberal Democratic Party of Russia`), its distinctive words with the generic "
        "ones translated (`Khabarovsk Krai`/`Khabarovsk Territory`, `Palazzo Papadopoli`/"
        "`Papadopoli Palace`). A capitalised word that starts a sentence, alone or after a "
        "word like `Although`, and a shouted line (`SCROLL DOWN FOR VIDEO`) are no names. "
        "`3,000` and `3000`, `10 thousand` and `10000` count as the same number; dates are "
        "checked by their parts (year and day as numbers, month as a name); numbers written as "
        'words are not checked (in a translation, "three" counts as support for a lost "3"). '
        "In reference mode the source decides where translation and reference disagree: a "
        "reference's name is lost only when the source has it, a translation's made up only "
        "when the source lacks it, read through a romanisation in any script (pinyin, Hepburn, "
        "Cyrillic, letter by letter); a Chinese, Japanese or Korean source can confirm a name "
        "but not deny one. Into such a language, a name the reference keeps in Latin letters "
        'may be written in the output\'s own script ("谷歌" for Google): not lost. A name that '
        "`respelled` explains is neither lost nor made up. "
        "See [Names and numbers](#names-and-numbers)",
        after={OutputKind.SUMMARY: "truncated"},
    )
)
register(
    FlagSpec(
        "respelled",
        "a name of the original kept but spelled otherwise in the back-translation",
        (OutputKind.BACK,),
        _respelled,
        details="a round trip changed the spelling of a name of the original, recognisably "
        '("Cipriani → Kipriani", "Aydian → Aidan", "Sergey → Sergei"): milder than '
        "`consistency`, which is for names lost or made up. Only back-translations: the original "
        "English spells the name right, while a reference-mode translation and its reference "
        "both transliterate it from another script, and either spelling may be the usual one",
        # Listed before prompt_leak and consistency, which a back-translation's flags end with.
        after={OutputKind.BACK: "truncated"},
    )
)
