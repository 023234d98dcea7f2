"""ROUGE-1/2/L through Google's rouge-score package, tokenised as the text's language needs.

rouge-score's own tokeniser keeps the runs of ``[a-z0-9]`` of the lowercased text and Porter-stems
them: right for English (and kept exactly for it), but it deletes every letter of Cyrillic,
Greek, Arabic, Han... text. A language's ROUGE tokeniser is data (``rouge`` in
``models/languages.toml``): ``rouge-score`` (English: rouge-score's tokeniser, Porter stemming)
or, for every other language, :class:`UnicodeTokenizer` (runs of letters, marks and digits of any
script; Han, Kana, Hangul, Thai, Lao, Khmer and Myanmar one character per token, as sacrebleu's
``zh`` and ``char`` tokenisers split them; no stemming). The signature names the tokeniser.

ROUGE-L is bounded. rouge-score fills a Python table of (hypothesis tokens × reference tokens)
cells for the longest common subsequence: two 1 MB lines need hundreds of gigabytes. Here
``rougeL`` computes the same LCS length bit-parallel (Allison & Dix 1986; Hyyrö 2004) in memory
linear in the text, so its scores equal rouge-score's, and a segment over
:data:`LCS_LIMITS` token pairs is refused with an error naming it (at the limit it takes some
seconds). ``rougeLsum`` still runs rouge-score's tables, so its limit is lower. The limits are
in the signatures (``lcs-max``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib.metadata import version

from summarize.errors import UserError
from summarize.metrics.base import ReferenceStream, Score, StatsMetric

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
# Most (hypothesis tokens × reference tokens) that ROUGE-L compares in one segment.
LCS_LIMITS = {"rougeL": 10**10, "rougeLsum": 4 * 10**6}
# rouge-score's default tokeniser keeps the runs of [a-z0-9] of the lowercased text.
_TOKEN = re.compile(r"[a-z0-9]+")
# The language ROUGE assumes when it is told none (what it always assumed).
DEFAULT_LANGUAGE = "en"
ROUGE_SCORE_TOKENIZER = "rouge-score"
# Scripts written without spaces between words: one token per character.
_BY_CHARACTER = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
# Bits of the reference handled at once: the vectors of one strip stay small.
_STRIP = 1 << 14


def _sci(number: int) -> str:
    """``10**10`` as ``1e10``, ``4 * 10**6`` as ``4e6``."""
    exponent = len(str(number)) - 1
    return f"{number / 10**exponent:g}e{exponent}"


class UnicodeTokenizer:
    """ROUGE tokens of any script: the lowercased runs of letters, combining marks and digits,
    with each character of a script written without spaces (Han, Kana, Hangul, Thai...) a
    token of its own. No stemming. Has rouge-score's ``Tokenizer`` interface."""

    name = "unicode"
    _pattern = None

    def tokenize(self, text: str) -> list[str]:
        if UnicodeTokenizer._pattern is None:
            import regex

            UnicodeTokenizer._pattern = regex.compile(
                rf"[{_BY_CHARACTER}]|(?:(?![{_BY_CHARACTER}])[\p{{L}}\p{{M}}\p{{N}}])+"
            )
        return UnicodeTokenizer._pattern.findall(text.lower())


@cache
def tokenizer_name(language: str | None) -> str:
    """The ROUGE tokeniser of ``language`` (ISO 639-1; None: :data:`DEFAULT_LANGUAGE`), as
    ``models/languages.toml`` gives it: ``rouge-score`` or ``unicode`` (any language without an
    entry, known or not)."""
    from summarize.resources import load_toml

    entry = load_toml("languages.toml").get(language or DEFAULT_LANGUAGE, {})
    return entry.get("rouge", UnicodeTokenizer.name)


def _uses_rouge_score(language: str | None) -> bool:
    return tokenizer_name(language) == ROUGE_SCORE_TOKENIZER


def rouge_signature(rouge_type: str, measure: str = "f", language: str | None = None) -> str:
    """One signature per ROUGE variant, in ``run``, ``batch`` and ``score`` alike (a single
    summary is a corpus of one segment, so its mean of segment F1 is its F1). ``measure``:
    ``f`` (F1, the default) or ``precision``. ROUGE-L states its bound on compared token pairs.
    English (rouge-score's tokeniser) keeps its signature (``stem:yes|tok:default``); another
    language names its tokeniser and language (``stem:no|tok:unicode|lang:ru``)."""
    limit = LCS_LIMITS.get(rouge_type)
    bound = f"|lcs-max:{_sci(limit)}" if limit else ""
    aggregate = "mean-of-segment-f" if measure == "f" else f"mean-of-segment-{measure}"
    tokens = (
        "stem:yes|tok:default"
        if _uses_rouge_score(language)
        else f"stem:no|tok:{UnicodeTokenizer.name}|lang:{language}"
    )
    return f"{rouge_type}|rouge-score:{version('rouge-score')}|{tokens}{bound}|agg:{aggregate}"


def _count_tokens(text: str, language: str | None) -> int:
    if _uses_rouge_score(language):
        return len(_TOKEN.findall(text.lower()))
    return len(UnicodeTokenizer().tokenize(text))


def check_lcs_size(
    rouge_type: str, hypothesis: str, reference: str, language: str | None = None
) -> None:
    """Refuse a segment whose LCS would compare more token pairs than the limit allows."""
    limit = LCS_LIMITS.get(rouge_type)
    if limit is None:
        return
    pairs = _count_tokens(hypothesis, language) * _count_tokens(reference, language)
    if pairs > limit:
        raise UserError(
            f"{rouge_type} would compare {pairs:.2g} token pairs (hypothesis × reference "
            f"tokens), over its limit of {_sci(limit)}; leave {rouge_type} out of --metrics "
            "or split the segment"
        )


def lcs_length(first: Sequence[str], second: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token sequences.

    Bit-parallel: bit j of ``v`` records whether the LCS so far gains nothing from token j of
    the shorter sequence; each token of the longer one updates all bits with a few integer
    operations. The shorter sequence is processed in strips of :data:`_STRIP` tokens, each
    strip passing its carries on to the next, so memory stays linear.
    """
    longer, shorter = (first, second) if len(first) >= len(second) else (second, first)
    carries = bytearray(len(longer))
    total = 0
    for start in range(0, len(shorter), _STRIP):
        strip = shorter[start : start + _STRIP]
        width = len(strip)
        full = (1 << width) - 1
        masks: dict[str, int] = {}
        for position, token in enumerate(strip):
            masks[token] = masks.get(token, 0) | (1 << position)
        v = full
        for index, token in enumerate(longer):
            u = v & masks.get(token, 0)
            carry = carries[index]
            if u or carry:
                added = v + u + carry
                carries[index] = added >> width
                v = (added & full) | (v - u)
        total += width - v.bit_count()
    return total


def rouge_l(reference_tokens: Sequence[str], hypothesis_tokens: Sequence[str]):
    """rouge-score's ``_score_lcs``, with :func:`lcs_length` in place of its table."""
    from rouge_score import scoring

    if not reference_tokens or not hypothesis_tokens:
        return scoring.Score(precision=0, recall=0, fmeasure=0)
    lcs = lcs_length(reference_tokens, hypothesis_tokens)
    precision = lcs / len(hypothesis_tokens)
    recall = lcs / len(reference_tokens)
    return scoring.Score(precision, recall, scoring.fmeasure(precision, recall))


@cache
def _scorer(rouge_types: tuple[str, ...], rouge_score_tokens: bool = True):
    from rouge_score import rouge_scorer

    if rouge_score_tokens:
        return rouge_scorer.RougeScorer(list(rouge_types), use_stemmer=True)
    return rouge_scorer.RougeScorer(list(rouge_types), tokenizer=UnicodeTokenizer())


@cache
def _tokenizer(rouge_score_tokens: bool = True):
    from rouge_score import tokenizers

    if rouge_score_tokens:
        return tokenizers.DefaultTokenizer(use_stemmer=True)
    return UnicodeTokenizer()


def _score(
    rouge_types: Sequence[str], reference: str, hypothesis: str, language: str | None = None
) -> dict:
    """rouge-score's ``RougeScorer.score`` result, with ``rougeL`` computed by :func:`rouge_l`,
    tokenised as ``language`` needs."""
    for rouge_type in rouge_types:
        check_lcs_size(rouge_type, hypothesis, reference, language)
    own = _uses_rouge_score(language)
    others = tuple(rouge_type for rouge_type in rouge_types if rouge_type != "rougeL")
    result = _scorer(others, own).score(reference, hypothesis) if others else {}
    if "rougeL" in rouge_types:
        tokenize = _tokenizer(own).tokenize
        result["rougeL"] = rouge_l(tokenize(reference), tokenize(hypothesis))
    return result


def rouge_scores(candidate: str, reference: str, language: str | None = None) -> dict[str, Score]:
    """F-measure (as ``value``) with precision and recall in ``details``, scaled to 0-100;
    ``language``: that of both texts (ISO 639-1; None: :data:`DEFAULT_LANGUAGE`)."""
    raw = _score(ROUGE_TYPES, reference, candidate, language)
    return {
        name: Score(
            name,
            100 * raw[name].fmeasure,
            rouge_signature(name, language=language),
            {"precision": 100 * raw[name].precision, "recall": 100 * raw[name].recall},
        )
        for name in ROUGE_TYPES
    }


ALL_ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


class RougeMetric(StatsMetric):
    """One ROUGE variant as a corpus metric: the mean of per-segment F-measures (0-100).

    ``rougeLsum`` splits each segment into sentences at newlines (rouge-score's convention), so
    it differs from ``rougeL`` only for multi-sentence segments (e.g. JSONL summaries). With
    several references a segment scores against the one with the highest F-measure
    (rouge-score's ``score_multi``).
    """

    def __init__(self, rouge_type: str, language: str | None = None) -> None:
        self.name = rouge_type
        self.rouge_type = rouge_type
        self.language = language  # of hypotheses and references (None: DEFAULT_LANGUAGE)

    def signature(self) -> str:
        return rouge_signature(self.rouge_type, language=self.language)

    def check_sizes(self, hypotheses: list[str], references: list[str]) -> None:
        """Refuse an over-long segment up front, naming its line (from 1)."""
        for number, (hypothesis, reference) in enumerate(
            zip(hypotheses, references, strict=True), 1
        ):
            try:
                check_lcs_size(self.rouge_type, hypothesis, reference, self.language)
            except UserError as exc:
                raise UserError(f"line {number}: {exc}") from None

    def segment_scores(self, hypotheses: list[str], references: list[str]) -> list[float]:
        return self.multi_segment_scores(hypotheses, [references])

    def multi_segment_scores(
        self, hypotheses: list[str], streams: Sequence[ReferenceStream]
    ) -> list[float]:
        """Per segment, F1 against its best reference (rouge-score's ``score_multi``: the
        reference with the highest F-measure)."""
        scores = []
        for number, (hypothesis, *refs) in enumerate(zip(hypotheses, *streams, strict=True), 1):
            targets = [ref for ref in refs if ref is not None]
            if not targets:
                scores.append(0.0)
                continue
            best = 0.0
            for target in targets:
                try:
                    check_lcs_size(self.rouge_type, hypothesis, target, self.language)
                except UserError as exc:
                    raise UserError(f"line {number}: {exc}") from None
                found = _score([self.rouge_type], target, hypothesis, self.language)
                found = found[self.rouge_type]
                best = max(best, found.fmeasure)
            scores.append(100 * best)
        return scores
