"""The one result object of a run. Every renderer (terminal, JSON, Markdown) reads only this."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from summarize.metrics.base import Score
from summarize.tasks.flags import Flag

SCHEMA_VERSION = "summarize.run/2"


@dataclass
class InputInfo:
    path: str
    sha256: str
    language: str
    paragraphs: int
    sentences: int
    words: int
    # The document's id within a batch input (None for a single article).
    document_id: str | None = None
    # A supplied reference summary (batch JSONL ``reference_summary``); summaries are scored
    # against it too.
    reference_summary: str | None = None
    # Reference mode with several references: a hash of the other references' lines.
    other_references_sha256: str | None = None


@dataclass
class SegmentResult:
    """One sentence through a translation system."""

    index: int
    paragraph: int
    source: str
    pivot: str | None
    output: str
    reference: str
    chrf: float
    embedding_cosine: float
    flags: list[Flag] = field(default_factory=list)
    # Further references of this segment (other translators), scored against with ``reference``.
    other_references: list[str] = field(default_factory=list)


@dataclass
class TranslationResult:
    """One translation system over the whole document.

    ``mode`` is ``round_trip`` (reference = the English input, output = the back-translation)
    or ``reference`` (output = the source translated into English).
    """

    name: str
    mode: str
    source_lang: str
    pivot_lang: str | None
    target_lang: str
    forward_model: dict[str, Any]
    backward_model: dict[str, Any] | None
    segments: list[SegmentResult]
    scores: dict[str, Score]


@dataclass
class SummaryResult:
    name: str
    method: str
    model: dict[str, Any] | None
    text: str
    scores: dict[str, Score]
    flags: list[Flag] = field(default_factory=list)


@dataclass
class RunResult:
    tool_version: str
    input: InputInfo
    embedder: dict[str, Any]
    translations: list[TranslationResult]
    summaries: list[SummaryResult]
    timings: dict[str, float]
    notes: list[str] = field(default_factory=list)
    schema: str = SCHEMA_VERSION
    # Reference mode: the source text that was translated (``input`` is then the reference).
    source_input: InputInfo | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def flag_count(self) -> int:
        return sum(len(s.flags) for t in self.translations for s in t.segments) + sum(
            len(s.flags) for s in self.summaries
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        """Rebuild a result from :meth:`to_dict` output (a ``results.jsonl`` line)."""

        def scores(raw: dict[str, Any]) -> dict[str, Score]:
            return {name: Score(**score) for name, score in raw.items()}

        def flags(raw: list[dict[str, Any]]) -> list[Flag]:
            return [Flag(**flag) for flag in raw]

        translations = [
            TranslationResult(
                **{
                    **system,
                    "segments": [
                        SegmentResult(**{**segment, "flags": flags(segment["flags"])})
                        for segment in system["segments"]
                    ],
                    "scores": scores(system["scores"]),
                }
            )
            for system in data["translations"]
        ]
        summaries = [
            SummaryResult(
                **{**summary, "scores": scores(summary["scores"]), "flags": flags(summary["flags"])}
            )
            for summary in data["summaries"]
        ]
        source_input = data.get("source_input")
        return cls(
            **{
                **data,
                "input": InputInfo(**data["input"]),
                "source_input": InputInfo(**source_input) if source_input else None,
                "translations": translations,
                "summaries": summaries,
            }
        )
