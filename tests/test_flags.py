from __future__ import annotations

from summarize.input.languages import get_language, script_fraction
from summarize.result import Flag
from summarize.tasks.flags import Output, OutputKind, flags_of
from summarize.tasks.text_checks import has_repetition_loop

EN, RU, DE = get_language("en"), get_language("ru"), get_language("de")
SOURCE = "The government declared a state of emergency in three regions on Friday."


def codes(flags) -> set[str]:
    return {flag.code for flag in flags}


def pivot_flags(pivot: str, language=RU) -> list[Flag]:
    """The flags of ``pivot`` as a round trip's pivot of :data:`SOURCE`."""
    return flags_of(Output(OutputKind.PIVOT, pivot, SOURCE, language=language, source_language=EN))


def summary_flags(summary: str, article: str) -> list[Flag]:
    return flags_of(Output(OutputKind.SUMMARY, summary, article, step="s"))


def test_script_fraction() -> None:
    assert script_fraction("Привет, мир", "Cyrillic") == 1.0
    assert script_fraction("Hello мир", "Cyrillic") == 3 / 8
    assert script_fraction("2022 - 5", "Latin") is None


def test_good_russian_pivot_has_no_flags() -> None:
    pivot = "В пятницу правительство ввело чрезвычайное положение в трёх регионах."
    assert pivot_flags(pivot) == []


def test_english_copied_into_cyrillic_pivot_is_copy_through() -> None:
    assert "copy_through" in codes(pivot_flags(SOURCE))


def test_english_left_in_latin_script_pivot_is_detected_by_language_id() -> None:
    pivot_de = "Die Regierung hat am Freitag in drei Regionen den Ausnahmezustand ausgerufen."
    assert pivot_flags(pivot_de, DE) == []
    assert "copy_through" in codes(pivot_flags(SOURCE, DE))


def test_empty_output() -> None:
    assert codes(pivot_flags("  ")) == {"empty"}


def test_length_ratio_outliers() -> None:
    assert "length_ratio" in codes(pivot_flags("Пятница."))
    assert "length_ratio" in codes(pivot_flags("Да " * 60))


def test_repetition_loop_is_flagged_but_repetition_copied_from_source_is_not() -> None:
    loop = "the troops arrived in the city and the troops arrived in the city and " * 3
    assert has_repetition_loop(loop)
    listing = (
        "units of the Republic of Belarus, the Republic of Armenia, the Republic of Tajikistan"
    )
    assert not has_repetition_loop(listing, source=listing)
    assert not has_repetition_loop("A short sentence without loops.")


def test_summary_flags() -> None:
    article = "One sentence here. Another one there."
    assert codes(summary_flags("", article)) == {"empty"}
    assert "not_shorter" in codes(summary_flags(article + " More.", article))
    assert summary_flags("One sentence.", article) == []
