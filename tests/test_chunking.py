"""Chunking long inputs on sentence boundaries: nothing dropped, every chunk within the limit."""

from __future__ import annotations

from summarize.engines.chunking import chunk_text


def words(text: str) -> int:
    return len(text.split())


def test_short_text_is_one_chunk() -> None:
    assert chunk_text("One short sentence here.", 10, words) == ["One short sentence here."]


def test_sentences_are_packed_whole_and_nothing_is_lost() -> None:
    sentences = [f"Sentence number {i} has exactly seven words." for i in range(10)]
    text = " ".join(sentences)
    chunks = chunk_text(text, 15, words)
    assert chunks == [" ".join(sentences[i : i + 2]) for i in range(0, 10, 2)]
    assert " ".join(chunks).split() == text.split()


def test_over_long_sentence_is_split_between_words_not_truncated() -> None:
    long_sentence = " ".join(f"w{i}" for i in range(25)) + "."
    text = f"A short first sentence. {long_sentence} A short last sentence."
    chunks = chunk_text(text, 10, words)
    assert all(words(chunk) <= 10 for chunk in chunks)
    assert " ".join(chunks).split() == text.split()
