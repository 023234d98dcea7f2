from __future__ import annotations

from pathlib import Path

from summarize.input.segment import segment_document, split_sentences


def test_seed_dateline_is_joined_to_first_sentence(seed_path: Path) -> None:
    segments = segment_document(seed_path.read_text(encoding="utf-8"), "en")
    assert segments[0].text.startswith("Moscow. January 6th. INTERFAX - Sending units")
    assert [s.index for s in segments] == list(range(len(segments)))
    assert segments[-1].paragraph == 12  # 13 non-empty lines in the seed
    # Every word of the article is in exactly one segment, in order.
    original_words = seed_path.read_text(encoding="utf-8").split()
    assert " ".join(s.text for s in segments).split() == original_words


def test_abbreviations_do_not_split_english() -> None:
    text = "Mr. Smith arrived in Washington D.C. on Jan. 5 at noon. He left the next day."
    assert split_sentences(text, "en") == [
        "Mr. Smith arrived in Washington D.C. on Jan. 5 at noon.",
        "He left the next day.",
    ]


def test_russian_sentences() -> None:
    text = "Встреча прошла в Москве в понедельник. Министр заявил, что позиция не изменится."
    assert split_sentences(text, "ru") == [
        "Встреча прошла в Москве в понедельник.",
        "Министр заявил, что позиция не изменится.",
    ]


def test_trailing_fragment_joins_previous_sentence() -> None:
    assert split_sentences("The talks ended without agreement. Reuters.", "en") == [
        "The talks ended without agreement. Reuters."
    ]
