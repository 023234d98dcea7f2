"""The result types: what a run or a batch produced. Every renderer reads only these.

They are data, at the bottom of the package's layers: the code that computes them (tasks,
metrics, the pipeline, the batch) imports them, never the other way round.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from summarize import __version__
from summarize.input.documents import DocumentError

SCHEMA_VERSION = "summarize.run/2"
BATCH_SCHEMA = "summarize.batch/2"


@dataclass(frozen=True)
class Score:
    """A metric value and everything needed to reproduce it.

    ``signature`` follows sacrebleu's style (``key:value|key:value``): two scores are comparable
    only when their signatures match.
    """

    metric: str
    value: float
    signature: str
    details: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Flag:
    """One problem found in one output. ``step`` names the output (pivot, back, summary...)."""

    code: str
    step: str
    message: str


@dataclass(frozen=True)
class FlagCount:
    """How many outputs carry at least one quality flag, of how many, and the flags by code:
    the one count of flags every view shows (:func:`count_flags`)."""

    flagged: int
    outputs: int
    by_code: dict[str, int]

    @property
    def flags(self) -> int:
        return sum(self.by_code.values())

    def codes(self) -> str:
        """``6 copy_through, 1 prompt_leak`` (most frequent first; ``-`` for none)."""
        ordered = sorted(self.by_code.items(), key=lambda item: (-item[1], item[0]))
        return ", ".join(f"{count} {code}" for code, count in ordered) or "-"

    def __add__(self, other: FlagCount) -> FlagCount:
        codes = Counter(self.by_code) + Counter(other.by_code)
        return FlagCount(self.flagged + other.flagged, self.outputs + other.outputs, dict(codes))


def count_flags(outputs: Sequence[Sequence[Flag]]) -> FlagCount:
    """The flags of several outputs (segments or summaries), one list per output."""
    by_code = Counter(flag.code for flags in outputs for flag in flags)
    return FlagCount(sum(1 for flags in outputs if flags), len(outputs), dict(by_code))


def flag_line(segments: FlagCount, summaries: FlagCount) -> str:
    """The one line every view gives on flags: ``flagged: 8 of 17 segments, 1 of 3 summaries
    (10 flags: 6 copy_through, 3 consistency, 1 prompt_leak)``. A segment or summary counts
    once however many flags it has; the flags are counted in brackets."""
    line = (
        f"flagged: {segments.flagged} of {segments.outputs} segments, "
        f"{summaries.flagged} of {summaries.outputs} summaries"
    )
    every = segments + summaries
    if not every.flags:
        return line
    return f"{line} ({every.flags} flag{'s' if every.flags > 1 else ''}: {every.codes()})"


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
    # Each leg's reference-free score (``logprob``), by step: ``pivot`` and ``back``, or
    # ``translation``; empty when not scored.
    logprob: dict[str, float] = field(default_factory=dict)
    # A round trip given a human translation into the pivot language (``--pivot-ref``): this
    # segment's line of it, which the pivot is scored against (None: not given).
    pivot_reference: str | None = None


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
    # The legs (pivot, back, translation) whose ``logprob`` the model that made them scored:
    # a model rates its own text above others' (marked in every view).
    self_scored: list[str] = field(default_factory=list)

    def segment_flags(self) -> FlagCount:
        """Flagged segments of this system, of all, and its flags by code."""
        return count_flags([segment.flags for segment in self.segments])


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
        """The number of flags (a segment or summary may have several)."""
        return self.segment_flags().flags + self.summary_flags().flags

    def segment_flags(self) -> FlagCount:
        return count_flags([s.flags for t in self.translations for s in t.segments])

    def summary_flags(self) -> FlagCount:
        return count_flags([s.flags for s in self.summaries])

    def flag_line(self) -> str:
        """:func:`flag_line` of this result."""
        return flag_line(self.segment_flags(), self.summary_flags())

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


@dataclass(frozen=True)
class MeanCI:
    """Mean over documents with a seeded percentile-bootstrap confidence interval."""

    mean: float
    low: float
    high: float
    n: int


@dataclass
class SystemStats:
    """One system (a translation direction or a summary method) across all documents."""

    name: str
    kind: str  # "translation" or "summary"
    documents: int
    metrics: dict[str, MeanCI]
    # Translation systems: sacrebleu corpus scores over every segment of every document.
    corpus: dict[str, Score] = field(default_factory=dict)
    # The legs scored by the model that made them, in any document (TranslationResult's).
    self_scored: list[str] = field(default_factory=list)


@dataclass
class BatchResult:
    """Everything a batch report shows; every renderer reads only this."""

    input_path: str
    input_format: str
    settings: dict[str, Any]
    documents: list[RunResult]
    errors: list[DocumentError]
    systems: list[SystemStats]
    tool_version: str = __version__
    schema: str = BATCH_SCHEMA
    # How this invocation went (not part of the reports, which must not depend on timing).
    run_stats: dict[str, float] = field(default_factory=dict)
