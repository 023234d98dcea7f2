"""Split an article into paragraphs and sentences (segments) with ``sentencex``.

sentencex (Wikimedia) is a maintained, language-aware sentence segmenter with abbreviation lists
for ~300 languages, Russian and English included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A "sentence" with fewer words is a dateline fragment ("Moscow.", "January 6th.") and is
# joined to the sentence after it, so lead-N and per-sentence scores see whole sentences.
MIN_SENTENCE_WORDS = 3
# A longer sentence (a run-on line without punctuation, a table flattened into one line) is
# split: one huge model input takes gigabytes and minutes, and translates badly anyway.
DEFAULT_MAX_SEGMENT_CHARS = 2000
_LAST_SPACE = re.compile(r"\s(?=\S*$)")


@dataclass(frozen=True)
class Segment:
    """One sentence of the input, with its position in the document. A reference segment may
    have ``alternatives``: the same sentence by other translators (several references)."""

    index: int
    paragraph: int
    text: str
    alternatives: tuple[str, ...] = ()


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are non-empty lines (news text puts one paragraph per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_sentences(paragraph: str, language: str) -> list[str]:
    """Sentences of one paragraph, with short fragments merged into the following sentence."""
    import sentencex

    raw = [s.strip() for s in sentencex.segment(language, paragraph) if s.strip()]
    merged: list[str] = []
    pending = ""
    for sentence in raw:
        candidate = f"{pending} {sentence}".strip()
        if len(sentence.split()) < MIN_SENTENCE_WORDS:
            pending = candidate
            continue
        merged.append(candidate)
        pending = ""
    if pending:
        if merged:
            merged[-1] = f"{merged[-1]} {pending}"
        else:
            merged.append(pending)
    return merged


def split_long(sentence: str, max_chars: int) -> list[str]:
    """``sentence`` in pieces of at most ``max_chars`` characters, cut at the last space before
    the limit (inside a word only when there is no space): nothing is dropped."""
    pieces: list[str] = []
    rest = sentence
    while len(rest) > max_chars:
        space = _LAST_SPACE.search(rest, 0, max_chars + 1)
        cut = space.start() if space and space.start() > 0 else max_chars
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*pieces, rest] if rest else pieces


def segment_document(text: str, language: str, max_chars: int | None = None) -> list[Segment]:
    """All sentences of ``text`` in order, numbered from 0; with ``max_chars``, longer
    sentences are split into pieces of at most that many characters (:func:`split_long`)."""
    segments: list[Segment] = []
    for paragraph_index, paragraph in enumerate(split_paragraphs(text)):
        for sentence in split_sentences(paragraph, language):
            pieces = split_long(sentence, max_chars) if max_chars else [sentence]
            for piece in pieces:
                segments.append(Segment(len(segments), paragraph_index, piece))
    return segments
