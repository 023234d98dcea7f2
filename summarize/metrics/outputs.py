"""What a metric sees of one output in ``run`` and ``batch``, and how each metric scores it.

A translation system's outputs (:class:`TranslationOutputs`: every segment of one document) and
one summary (:class:`SummaryOutput`) are handed to every metric of the registry that scores that
kind of output (:attr:`summarize.metrics.registry.MetricSpec.translation` / ``.summary``). Work
several metrics share (sacrebleu's corpus scores, ROUGE against the article, copied fragments,
the consistency check, embeddings) is done once per output, on first use (cached properties).

The scoring functions below build those entries for the registry; a new metric may instead give
any function of the output that returns a :class:`~summarize.result.Score` (or ``None`` where it
does not apply to that output).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from summarize.result import Score

if TYPE_CHECKING:
    import numpy as np

    from summarize.engines.base import Embedder
    from summarize.metrics.consistency import Consistency
    from summarize.metrics.extractiveness import Extractiveness
    from summarize.metrics.likelihood import LegScores


@dataclass
class TranslationOutputs:
    """One translation system's outputs over a document, each with its references (the
    first is the segment's reference; more where a test set has several translators)."""

    outputs: list[str]
    references: list[list[str]]
    sources: list[str]
    embedder: Embedder
    # Each leg's reference-free scores (None: not scored).
    legs: LegScores | None = None
    # The outputs' language (ISO 639-1): BLEU's tokenizer, as sacrebleu's `-l` picks it.
    target_language: str | None = None
    # A round trip's pivot texts, with a human translation into the pivot language (one line
    # per segment) and that language (ISO 639-1), when one was given (``--pivot-ref``).
    pivots: list[str] | None = None
    pivot_references: list[str] | None = None
    pivot_language: str | None = None

    @cached_property
    def streams(self) -> list[list[str | None]]:
        from summarize.metrics.base import streams_from_segments

        return streams_from_segments(self.references)

    @cached_property
    def sacrebleu(self) -> dict[str, Score]:
        """Corpus BLEU, chrF++ and TER (sacrebleu, all references)."""
        from summarize.metrics.translation import corpus_scores

        return corpus_scores(self.outputs, self.streams, self.target_language)

    @cached_property
    def pivot_sacrebleu(self) -> dict[str, Score]:
        """The first leg against people: corpus BLEU, chrF++ and TER of the pivot texts against
        the pivot reference, tokenised for the pivot language; keyed ``pivot_bleu``... (empty
        without a pivot reference)."""
        from summarize.metrics.translation import corpus_scores

        if self.pivots is None or self.pivot_references is None:
            return {}
        found = corpus_scores(self.pivots, self.pivot_references, self.pivot_language)
        return {
            f"pivot_{key}": Score(f"pivot_{key}", score.value, score.signature, score.details)
            for key, score in found.items()
        }

    @cached_property
    def cosines(self) -> list[float]:
        """Per segment: the embedding cosine of the output with its closest reference."""
        from summarize.metrics.similarity import pairwise_cosine

        vectors = self.embedder.embed(self.outputs)
        firsts = [refs[0] for refs in self.references]
        cosines = pairwise_cosine(self.embedder.embed(firsts), vectors)
        for k in range(1, max(map(len, self.references), default=1)):
            present = [i for i, refs in enumerate(self.references) if len(refs) > k]
            more = pairwise_cosine(
                self.embedder.embed([self.references[i][k] for i in present]), vectors[present]
            )
            for i, cosine in zip(present, more, strict=True):
                cosines[i] = max(cosines[i], cosine)
        return cosines


@dataclass
class SummaryOutput:
    """One summary of an article (``article_vector``: the article's mean sentence embedding),
    with the supplied reference summary if any; ``language``: that of all three (ISO 639-1;
    None: English)."""

    text: str
    article: str
    article_vector: np.ndarray
    embedder: Embedder
    reference: str | None = None
    language: str | None = None

    @cached_property
    def rouge(self) -> dict[str, Score]:
        """ROUGE-1/2/L F1 against the article, precision and recall in ``details``."""
        from summarize.metrics.rouge import rouge_scores

        return rouge_scores(self.text, self.article, self.language)

    @cached_property
    def reference_rouge(self) -> dict[str, Score]:
        from summarize.metrics.rouge import rouge_scores

        return rouge_scores(self.text, self.reference, self.language) if self.reference else {}

    @cached_property
    def fragments(self) -> Extractiveness:
        from summarize.metrics.extractiveness import extractiveness

        return extractiveness(self.article, self.text)

    @cached_property
    def consistency(self) -> Consistency:
        """Numbers and names of the summary that the article does not contain."""
        from summarize.metrics.consistency import check_consistency

        return check_consistency(self.text, self.article)


# -- scoring functions for the registry's entries ----------------------------------------------

TranslationScorer = Callable[[TranslationOutputs], Score | None]
SummaryScorer = Callable[[SummaryOutput], Score | None]


def sacrebleu_corpus(key: str) -> TranslationScorer:
    return lambda output: output.sacrebleu[key]


def pivot_corpus(key: str) -> TranslationScorer:
    """``key`` (``pivot_bleu``...) of the pivot against its reference; None without one."""
    return lambda output: output.pivot_sacrebleu.get(key)


def translation_cosine(output: TranslationOutputs) -> Score:
    """The mean over segments of each output's cosine with its closest reference."""
    from summarize.metrics.base import count_references
    from summarize.metrics.similarity import segment_cosine_signature

    signature = segment_cosine_signature(output.embedder.info)
    if len(output.streams) > 1:
        count = count_references(output.streams)
        signature += f"|nrefs:{'var' if count < 0 else count}|refs:best-per-segment"
    cosines = output.cosines
    return Score("embedding_cosine", sum(cosines) / len(cosines), signature)


def leg_logprob(output: TranslationOutputs) -> Score | None:
    """The mean over legs of each leg's mean log-probability per token (its own value in
    ``details``: ``pivot`` and ``back``, or ``translation``); None when nothing was scored."""
    legs = output.legs
    means = legs.means() if legs else {}
    if legs is None or not means:
        return None
    return Score("logprob", sum(means.values()) / len(means), legs.signature, means)


def rouge_f1(key: str) -> SummaryScorer:
    return lambda output: output.rouge[key]


def rouge_precision(rouge_type: str) -> SummaryScorer:
    def score(output: SummaryOutput) -> Score:
        from summarize.metrics.rouge import rouge_signature

        key = f"{rouge_type}_precision"
        value = output.rouge[rouge_type].details["precision"]
        return Score(key, value, rouge_signature(rouge_type, "precision", output.language))

    return score


def reference_rouge(rouge_type: str) -> SummaryScorer:
    """ROUGE F1 against the supplied reference summary (``None`` without one)."""

    def score(output: SummaryOutput) -> Score | None:
        found = output.reference_rouge.get(rouge_type)
        if found is None:
            return None
        key = f"ref_{rouge_type}"
        return Score(key, found.value, f"{found.signature}|ref:supplied", found.details)

    return score


def summary_cosine(output: SummaryOutput) -> Score:
    from summarize.metrics.similarity import embedding_signature

    cosine = 0.0
    if output.text.strip():
        cosine = float(output.embedder.embed([output.text])[0] @ output.article_vector)
    signature = embedding_signature(output.embedder.info, "summary-vs-doc:mean-of-sentences")
    return Score("embedding_cosine", cosine, signature)


def summary_compression(output: SummaryOutput) -> Score:
    from summarize.metrics.extractiveness import compression_ratio, extractiveness_signature

    value = compression_ratio(output.article, output.text)
    return Score("compression_ratio", value, extractiveness_signature("compression_ratio"))


def summary_fragments(key: str) -> SummaryScorer:
    """Coverage, density or novel n-grams of the summary against the article."""

    def score(output: SummaryOutput) -> Score:
        from summarize.metrics.extractiveness import extractiveness_signature

        return Score(key, getattr(output.fragments, key), extractiveness_signature(key))

    return score


def summary_unsupported(output: SummaryOutput) -> Score:
    from summarize.metrics.consistency import UNSUPPORTED_SIGNATURE

    count = len(output.consistency.unsupported)
    return Score("unsupported", float(count), UNSUPPORTED_SIGNATURE)


# -- numbers a batch reads off a finished result (not scores) ----------------------------------


def flagged_segment_share(system: Any) -> float:
    """Share of a translation system's segments that carry a flag (0-100)."""
    flagged = sum(1 for segment in system.segments if segment.flags)
    return 100 * flagged / max(len(system.segments), 1)


def flagged_summary(summary: Any) -> float:
    return 100.0 if summary.flags else 0.0


def summary_words(summary: Any) -> float:
    return float(len(summary.text.split()))
