"""BLEU, chrF++ and TER through sacrebleu (never reimplemented), corpus and sentence level."""

from __future__ import annotations

from collections.abc import Sequence

from summarize.metrics.base import Score, reference_streams

# chrF++ is chrF with word bigrams (word_order=2), as in sacrebleu's `-m chrf --chrf-word-order 2`.
CHRF_PLUS_PLUS_WORD_ORDER = 2


# Metric names accepted by `summarize score`, and what sacrebleu's command line calls each one.
SACREBLEU_METRICS = {"bleu": "BLEU", "chrf": "chrF2", "chrf++": "chrF2++", "ter": "TER"}
LOWER_IS_BETTER = {"ter"}


def sacrebleu_metric(name: str, sentence_level: bool = False, target_language: str | None = None):
    """A sacrebleu metric object configured exactly as sacrebleu's CLI configures it.

    ``sentence_level`` BLEU uses effective-order smoothing (``eff:yes``), as ``sacrebleu -sl``
    does: without it most single sentences would score 0. ``target_language`` (ISO 639-1)
    picks BLEU's tokeniser as ``sacrebleu -l xx-<target>`` does (``zh`` for Chinese...).
    """
    from sacrebleu.metrics import BLEU, CHRF, TER

    if name == "bleu":
        return BLEU(effective_order=sentence_level, trg_lang=target_language or "")
    if name == "chrf":
        return CHRF()
    if name == "chrf++":
        return CHRF(word_order=CHRF_PLUS_PLUS_WORD_ORDER)
    if name == "ter":
        return TER()
    raise KeyError(name)


def _metrics(target_language: str | None = None):
    names = ("bleu", "chrf++", "ter")
    return {name: sacrebleu_metric(name, target_language=target_language) for name in names}


def corpus_scores(
    hypotheses: Sequence[str], references: Sequence, target_language: str | None = None
) -> dict[str, Score]:
    """Corpus BLEU, chrF++ and TER of line-aligned hypotheses against one reference each
    (``list[str]``) or against several (sacrebleu's streams, ``list[list[str | None]]``);
    ``target_language``: theirs, for BLEU's tokeniser (None: sacrebleu's default, 13a)."""
    scores: dict[str, Score] = {}
    streams = reference_streams(references)
    for name, metric in _metrics(target_language).items():
        result = metric.corpus_score(list(hypotheses), streams)
        details: dict[str, float] = {}
        if name == "bleu":
            details = {
                "bp": result.bp,
                "sys_len": result.sys_len,
                "ref_len": result.ref_len,
                **{f"precision_{n + 1}": p for n, p in enumerate(result.precisions)},
            }
        scores[name] = Score(name, result.score, str(metric.get_signature()), details)
    return scores


def sentence_chrf(hypothesis: str, reference: str | Sequence[str]) -> float:
    """Sentence-level chrF++ (sacrebleu), the per-segment score in the round-trip table, against
    one reference or several."""
    from sacrebleu.metrics import CHRF

    references = [reference] if isinstance(reference, str) else list(reference)
    return CHRF(word_order=CHRF_PLUS_PLUS_WORD_ORDER).sentence_score(hypothesis, references).score
