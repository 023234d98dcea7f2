"""Extractiveness (Grusky et al., 2018), consistency of numbers and names."""

from __future__ import annotations

import pytest

from summarize.metrics.consistency import check_consistency, normalise_number
from summarize.metrics.extractiveness import extractiveness, fragments, words

ARTICLE = "the cat sat on the mat and the dog sat on the rug"


def test_fragments_hand_computed() -> None:
    # Summary: "the dog sat on the mat today".
    # Greedy: at "the" the longest article match is "the dog sat on the" (5 words, article
    # positions 7-11); then "mat" (1), then "today" matches nothing.
    summary = "the dog sat on the mat today"
    found = fragments(words(ARTICLE), words(summary))
    assert found == [["the", "dog", "sat", "on", "the"], ["mat"]]
    result = extractiveness(ARTICLE, summary)
    assert result.coverage == pytest.approx(6 / 7)  # (5 + 1) / 7
    assert result.density == pytest.approx(26 / 7)  # (25 + 1) / 7
    assert result.compression == pytest.approx(13 / 7)
    assert result.novel_unigrams == pytest.approx(1 / 7)  # "today"
    # Bigrams: the-dog dog-sat sat-on on-the the-mat mat-today: "mat today" is novel.
    assert result.novel_bigrams == pytest.approx(1 / 6)


def test_fully_copied_and_fully_novel_summaries() -> None:
    copied = extractiveness(ARTICLE, ARTICLE)
    assert copied.coverage == 1 and copied.density == len(words(ARTICLE))
    novel = extractiveness(ARTICLE, "Prices rose sharply")
    assert novel.coverage == 0 and novel.density == 0 and novel.novel_unigrams == 1
    assert extractiveness(ARTICLE, "").coverage == 0


def test_consistency_lists_wrong_year_and_unknown_name() -> None:
    article = (
        "Kazakhstan's president Kassym-Jomart Tokayev accepted the resignation of the "
        "government on January 5, 2022. About 3,000 people protested in Almaty."
    )
    summary = "In 2023 Tokayev dismissed the government. About 3000 people protested in Astana."
    found = check_consistency(summary, article)
    assert found.unsupported_numbers == ["2023"]  # 3000 = 3,000 is supported
    assert found.unsupported_names == ["Astana"]  # "In", "About" occur in lower case
    assert check_consistency("Tokayev accepted it in January 2022.", article).ok


def test_no_false_alarms_on_text_taken_from_the_article(seed_path) -> None:
    article = seed_path.read_text(encoding="utf-8")
    assert check_consistency(article, article).ok
    # Possessives and case changes of names the article has are supported.
    assert check_consistency("Kazakhstan's president asked the CSTO's troops.", article).ok
    assert check_consistency("Uzbekistan's troops", article).unsupported_names == ["Uzbekistan's"]
    # Function words that start a sentence are not names, even if the article lacks them.
    found = check_consistency("Whereupon The Hague ruled. Despite that, Tokyo agreed.", article)
    assert found.unsupported_names == ["Whereupon The Hague", "Tokyo"]
    assert check_consistency("During talks, Kazakhstan asked.", "Kazakhstan asked.").ok


def test_number_normalisation() -> None:
    assert normalise_number("3,000") == normalise_number("3000") == "3000"
    assert normalise_number("2,5") == normalise_number("2.5") == "2.5"
    assert normalise_number("1,234,567") == "1234567"


def test_translation_facts_lost_and_made_up() -> None:
    from summarize.metrics.consistency import compare_facts

    original = "The CSTO includes Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia and Tajikistan."
    invented = "Commonwealth of Kosovo includes Armenia, Belarus, Kosovo, Romania and Tajikistan."
    found = compare_facts(invented, original)
    assert found.missing_names == ["CSTO", "Kazakhstan", "Kyrgyzstan", "Russia"]
    assert found.added_names == ["Kosovo", "Romania"]
    assert found.message("the original") == (
        "lost (in the original): CSTO, Kazakhstan, Kyrgyzstan, Russia; "
        "made up (not in the original): Kosovo, Romania"
    )
    # Dates by their parts, numbers as words, inflected names and reordering are no alarm.
    assert compare_facts(
        "Demonstrators clashed with police in Almaty on 4 and 5 January.",
        "On January 4 and 5, protesters clashed with security forces in Almaty.",
    ).ok
    assert compare_facts(
        "Russian troops left after two days.", "Russia's troops left after 2 days."
    ).ok
    dropped = compare_facts("The troops left in 2021.", "The troops left on January 6, 2022.")
    assert dropped.missing_numbers == ["6", "2022"] and dropped.added_numbers == ["2021"]
    # A name after a closing quote is a name, not the start of a sentence.
    lost = compare_facts('"We asked for help."', '"We asked for help," Shpak said.')
    assert lost.missing_names == ["Shpak"]
