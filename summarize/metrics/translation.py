"""BLEU, chrF++ and TER through sacrebleu (never reimplemented), corpus and sentence level.

Every metric object is configured as sacrebleu's command line configures it, options included
(:class:`SacrebleuOptions`, sacrebleu's names and defaults). The target language works as
``sacrebleu -l SRC-TGT``: it only picks BLEU's tokenizer when none is given (``zh`` for
Chinese, ``ja-mecab`` for Japanese, ``ko-mecab`` for Korean, ``13a`` otherwise); chrF is
tokenizer-free and TER's ``asian_support`` stays off unless asked for, as in sacrebleu.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from summarize.errors import UserError
from summarize.metrics.base import Score, reference_streams

# chrF++ is chrF with word bigrams (word_order=2), as in sacrebleu's `-m chrf --chrf-word-order 2`.
CHRF_PLUS_PLUS_WORD_ORDER = 2


# Metric names accepted by `summarize score`, and what sacrebleu's command line calls each one.
SACREBLEU_METRICS = {"bleu": "BLEU", "chrf": "chrF2", "chrf++": "chrF2++", "ter": "TER"}
LOWER_IS_BETTER = {"ter"}

# sacrebleu's BLEU tokenizers that need more than sacrebleu itself, and what gets it.
SPM_DOWNLOAD = "it downloads its sentencepiece model on first use: run it once with network access"
TOKENIZER_NEEDS = {
    "ja-mecab": "pip install 'sacrebleu[ja]'",
    "ko-mecab": "pip install 'sacrebleu[ko]'",
    "flores101": SPM_DOWNLOAD,
    "flores200": SPM_DOWNLOAD,
}

# `-l SRC-TGT`: two lower-case ISO 639 codes, as sacrebleu's test sets name their pairs.
LANGUAGE_PAIR = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")


@dataclass(frozen=True)
class SacrebleuOptions:
    """The options of sacrebleu's command line that change BLEU, chrF and TER, with its
    defaults. ``tokenize=None`` is sacrebleu's default: chosen by the target language.
    ``chrf_word_order`` applies to the ``chrf`` metric (``-m chrf --chrf-word-order N``);
    ``chrf++`` is always word order 2."""

    tokenize: str | None = None
    lowercase: bool = False
    chrf_word_order: int = 0
    ter_asian_support: bool = False
    ter_normalized: bool = False
    ter_case_sensitive: bool = False
    ter_no_punct: bool = False

    def checked(self) -> SacrebleuOptions:
        """These options, or a one-line error for a tokenizer or word order sacrebleu lacks."""
        from sacrebleu.metrics import BLEU

        if self.tokenize is not None and self.tokenize not in BLEU.TOKENIZERS:
            choices = ", ".join(BLEU.TOKENIZERS)
            raise UserError(f"unknown tokenizer {self.tokenize!r} (--tokenize); use {choices}")
        if self.chrf_word_order < 0:
            raise UserError("--chrf-word-order must be 0 or more")
        return self


DEFAULT_OPTIONS = SacrebleuOptions()


def target_of_pair(language_pair: str) -> str:
    """The target language of sacrebleu's ``-l SRC-TGT`` (``en-zh`` → ``zh``); a one-line
    error for anything else."""
    match = LANGUAGE_PAIR.match(language_pair.strip())
    if match is None:
        raise UserError(
            f"language pair {language_pair!r} (-l) must be SRC-TGT in lower-case ISO 639-1 "
            "codes, e.g. en-zh"
        )
    return match.group(2)


def bleu_tokenizer(target_language: str | None, options: SacrebleuOptions = DEFAULT_OPTIONS):
    """The name of the tokenizer BLEU uses: the one asked for, else sacrebleu's choice for
    the target language."""
    from sacrebleu.metrics import BLEU

    if options.tokenize is not None:
        return options.tokenize
    return BLEU._TOKENIZER_MAP.get(target_language or "", BLEU.TOKENIZER_DEFAULT)


def _bleu(sentence_level: bool, target_language: str | None, options: SacrebleuOptions):
    """sacrebleu's BLEU; a tokenizer that cannot load (MeCab or sentencepiece missing, a
    model it cannot download) is a one-line error naming what installs it."""
    from sacrebleu.metrics import BLEU

    try:
        return BLEU(
            lowercase=options.lowercase,
            tokenize=options.tokenize,
            effective_order=sentence_level,
            trg_lang=target_language or "",
        )
    except (ImportError, RuntimeError, OSError, AssertionError) as exc:
        name = bleu_tokenizer(target_language, options)
        first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
        need = TOKENIZER_NEEDS.get(name)
        fix = f": {need}" if need else ""
        raise UserError(f"BLEU's {name} tokenizer is unavailable ({first}){fix}") from None


def sacrebleu_metric(
    name: str,
    sentence_level: bool = False,
    *,
    target_language: str | None = None,
    options: SacrebleuOptions = DEFAULT_OPTIONS,
):
    """A sacrebleu metric object configured exactly as sacrebleu's CLI configures it with
    ``-l xx-<target_language>`` and ``options``.

    ``sentence_level`` BLEU uses effective-order smoothing (``eff:yes``), as ``sacrebleu -sl``
    does: without it most single sentences would score 0.
    """
    from sacrebleu.metrics import CHRF, TER

    if name == "bleu":
        return _bleu(sentence_level, target_language, options)
    if name == "chrf":
        return CHRF(word_order=options.chrf_word_order)
    if name == "chrf++":
        return CHRF(word_order=CHRF_PLUS_PLUS_WORD_ORDER)
    if name == "ter":
        return TER(
            normalized=options.ter_normalized,
            no_punct=options.ter_no_punct,
            asian_support=options.ter_asian_support,
            case_sensitive=options.ter_case_sensitive,
        )
    raise KeyError(name)


def _metrics(target_language: str | None):
    names = ("bleu", "chrf++", "ter")
    return {name: sacrebleu_metric(name, target_language=target_language) for name in names}


def corpus_scores(
    hypotheses: Sequence[str], references: Sequence, target_language: str | None = None
) -> dict[str, Score]:
    """Corpus BLEU, chrF++ and TER of line-aligned hypotheses against one reference each
    (``list[str]``) or against several (sacrebleu's streams, ``list[list[str | None]]``), in
    ``target_language`` (the language of the hypotheses, which picks BLEU's tokenizer)."""
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


def sentence_chrf(
    hypothesis: str, reference: str | Sequence[str], target_language: str | None = None
) -> float:
    """Sentence-level chrF++ (sacrebleu), the per-segment score in the round-trip table, against
    one reference or several. chrF needs no tokenizer: ``target_language`` changes nothing (as
    sacrebleu's ``-l``), and is taken so that every sacrebleu score is called alike."""
    del target_language
    references = [reference] if isinstance(reference, str) else list(reference)
    metric = sacrebleu_metric("chrf++")
    return metric.sentence_score(hypothesis, references).score
