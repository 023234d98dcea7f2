"""How extractive a summary is: Grusky et al. (2018), "Newsroom", section 4.

The summary's words are matched greedily against the article into *extractive fragments*
(maximal shared word sequences). With ``F`` the fragments and ``S`` the summary's words:

- coverage = sum |f| / |S|: the share of summary words that come from the article;
- density = sum |f|^2 / |S|: the average length of the fragment each word belongs to
  (long copied passages give high density);
- compression = |A| / |S|.

Novel n-gram ratios are the share of the summary's n-grams (counted with repetition) that never
occur in the article. Words are lower-cased runs of letters and digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarize.metrics.base import StatsMetric

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def fragments(article: list[str], summary: list[str]) -> list[list[str]]:
    """Greedy extractive fragments, exactly as in Grusky et al.'s Algorithm 1: for each summary
    position take the longest article match starting there, then continue after it."""
    found: list[list[str]] = []
    i = 0
    while i < len(summary):
        best: list[str] = []
        j = 0
        while j < len(article):
            if summary[i] == article[j]:
                i_end, j_end = i, j
                while (
                    i_end < len(summary)
                    and j_end < len(article)
                    and summary[i_end] == article[j_end]
                ):
                    i_end, j_end = i_end + 1, j_end + 1
                if i_end - i > len(best):
                    best = summary[i:i_end]
                j = j_end
            else:
                j += 1
        i += max(len(best), 1)
        if best:
            found.append(best)
    return found


def _ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def novel_ngram_ratio(article: list[str], summary: list[str], n: int) -> float:
    grams = _ngrams(summary, n)
    if not grams:
        return 0.0
    known = set(_ngrams(article, n))
    return sum(1 for gram in grams if gram not in known) / len(grams)


@dataclass(frozen=True)
class Extractiveness:
    coverage: float
    density: float
    compression: float
    novel_unigrams: float
    novel_bigrams: float


def extractiveness(article: str, summary: str) -> Extractiveness:
    article_words, summary_words = words(article), words(summary)
    if not summary_words:
        return Extractiveness(0.0, 0.0, 0.0, 0.0, 0.0)
    found = fragments(article_words, summary_words)
    size = len(summary_words)
    return Extractiveness(
        coverage=sum(len(f) for f in found) / size,
        density=sum(len(f) ** 2 for f in found) / size,
        compression=len(article_words) / size,
        novel_unigrams=novel_ngram_ratio(article_words, summary_words, 1),
        novel_bigrams=novel_ngram_ratio(article_words, summary_words, 2),
    )


# Metric key → field of :class:`Extractiveness` (compression has its own definition below).
EXTRACTIVENESS_FIELDS = {
    "coverage": "coverage",
    "density": "density",
    "novel_unigrams": "novel_unigrams",
    "novel_bigrams": "novel_bigrams",
}


def compression_ratio(article: str, summary: str) -> float:
    """Article words / summary words, words split at whitespace (0 for an empty summary)."""
    summary_words = len(summary.split())
    return len(article.split()) / summary_words if summary_words else 0.0


def extractiveness_signature(key: str) -> str:
    """One signature per extractiveness metric, in ``run``, ``batch`` and ``score`` alike."""
    if key == "compression_ratio":
        return f"{key}|vs:source|tok:whitespace|agg:mean"
    return f"{key}|vs:source|tok:lc-words|frag:greedy-grusky2018|agg:mean"


class ExtractivenessMetric(StatsMetric):
    """One extractiveness measure of each hypothesis against its *source* line (the article),
    averaged over segments. The references are not used."""

    uses_references = False

    def __init__(self, name: str, sources: list[str]) -> None:
        self.name = name
        self.sources = sources

    def signature(self) -> str:
        return extractiveness_signature(self.name)

    def segment_scores(self, hypotheses: list[str], references: list[str]) -> list[float]:
        pairs = zip(hypotheses, self.sources, strict=True)
        if self.name == "compression_ratio":
            return [compression_ratio(source, hypothesis) for hypothesis, source in pairs]
        return [
            getattr(extractiveness(source, hypothesis), EXTRACTIVENESS_FIELDS[self.name])
            for hypothesis, source in pairs
        ]
