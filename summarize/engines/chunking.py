"""Split a text that is too long for a model into chunks on sentence boundaries.

Nothing is dropped: the chunks, joined, are the whole input. A single sentence longer than the
limit is split between words (and a single over-long word is kept whole), never truncated.
"""

from __future__ import annotations

from collections.abc import Callable

from summarize.input.segment import segment_document


def chunk_text(
    text: str, max_tokens: int, count_tokens: Callable[[str], int], language: str = "en"
) -> list[str]:
    """Greedy packing of whole sentences into chunks of at most ``max_tokens`` tokens each."""
    if count_tokens(text) <= max_tokens:
        return [" ".join(text.split())]
    pieces: list[str] = []
    for sentence in (segment.text for segment in segment_document(text, language)):
        if count_tokens(sentence) <= max_tokens:
            pieces.append(sentence)
        else:
            pieces.extend(_split_words(sentence, max_tokens, count_tokens))
    chunks: list[str] = []
    current: list[str] = []
    for piece in pieces:
        candidate = " ".join([*current, piece])
        if current and count_tokens(candidate) > max_tokens:
            chunks.append(" ".join(current))
            current = [piece]
        else:
            current.append(piece)
    if current:
        chunks.append(" ".join(current))
    return chunks


def _split_words(sentence: str, max_tokens: int, count_tokens: Callable[[str], int]) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for word in sentence.split():
        if current and count_tokens(" ".join([*current, word])) > max_tokens:
            parts.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        parts.append(" ".join(current))
    return parts
