"""ROUGE-1/2/L through Google's rouge-score package (Porter stemming on)."""

from __future__ import annotations

from importlib.metadata import version

from summarize.metrics.base import Score

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


def rouge_signature() -> str:
    return f"rouge-score:{version('rouge-score')}|stem:yes|tok:default"


def rouge_scores(candidate: str, reference: str) -> dict[str, Score]:
    """F-measure (as ``value``) with precision and recall in ``details``, scaled to 0-100."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    raw = scorer.score(reference, candidate)
    signature = rouge_signature()
    return {
        name: Score(
            name,
            100 * raw[name].fmeasure,
            signature,
            {"precision": 100 * raw[name].precision, "recall": 100 * raw[name].recall},
        )
        for name in ROUGE_TYPES
    }
