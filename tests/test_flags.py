from __future__ import annotations

from summarize.input.languages import get_language, script_fraction
from summarize.tasks.flags import has_repetition_loop, output_flags, summary_flags

EN, RU, DE = get_language("en"), get_language("ru"), get_language("de")
SOURCE = "The government declared a state of emergency in three regions on Friday."


def codes(flags) -> set[str]:
    return {flag.code for flag in flags}


def test_script_fraction() -> None:
    assert script_fraction("Привет, мир", "Cyrillic") == 1.0
    assert script_fraction("Hello мир", "Cyrillic") == 3 / 8
    assert script_fraction("2022 - 5", "Latin") is None


def test_good_russian_pivot_has_no_flags() -> None:
    pivot = "В пятницу правительство ввело чрезвычайное положение в трёх регионах."
    assert output_flags(pivot, SOURCE, "pivot", RU, EN) == []


def test_english_copied_into_cyrillic_pivot_is_copy_through() -> None:
    assert "copy_through" in codes(output_flags(SOURCE, SOURCE, "pivot", RU, EN))


def test_english_left_in_latin_script_pivot_is_detected_by_language_id() -> None:
    pivot_de = "Die Regierung hat am Freitag in drei Regionen den Ausnahmezustand ausgerufen."
    assert output_flags(pivot_de, SOURCE, "pivot", DE, EN) == []
    assert "copy_through" in codes(output_flags(SOURCE, SOURCE, "pivot", DE, EN))


def test_empty_output() -> None:
    assert codes(output_flags("  ", SOURCE, "pivot", RU, EN)) == {"empty"}


def test_length_ratio_outliers() -> None:
    assert "length_ratio" in codes(output_flags("Пятница.", SOURCE, "pivot", RU, EN))
    assert "length_ratio" in codes(output_flags("Да " * 60, SOURCE, "pivot", RU, EN))


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
    assert codes(summary_flags("", article, "s")) == {"empty"}
    assert "not_shorter" in codes(summary_flags(article + " More.", article, "s"))
    assert summary_flags("One sentence.", article, "s") == []
