"""Summaries: lead-N baseline, extractive (embedding centroid + MMR), abstractive (a model).

All are scored against the article with the same metrics, so the baselines show what the
abstractive model adds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from summarize.engines.base import (
    AbstractiveSummarizer,
    Embedder,
    ModelInfo,
    ProgressCallback,
    PromptText,
)
from summarize.input.segment import Segment
from summarize.metrics import registry
from summarize.metrics.outputs import SummaryOutput
from summarize.metrics.similarity import document_vector
from summarize.result import SummaryResult
from summarize.tasks.flags import Output, OutputKind, flags_of

if TYPE_CHECKING:
    import numpy as np

# MMR trade-off between relevance to the centroid (1.0) and novelty against picked sentences.
MMR_LAMBDA = 0.7


def lead(segments: list[Segment], count: int) -> str:
    """The first ``count`` sentences: the classic news baseline."""
    return " ".join(segment.text for segment in segments[:count])


def select_mmr(
    sentence_vectors: np.ndarray, count: int, mmr_lambda: float = MMR_LAMBDA
) -> list[int]:
    """Indices (in document order) of sentences chosen by maximal marginal relevance.

    Relevance is cosine similarity to the document centroid; each pick is penalised by its
    highest similarity to the sentences already picked (Carbonell & Goldstein, 1998).
    """
    centroid = document_vector(sentence_vectors)
    relevance = sentence_vectors @ centroid
    similarity = sentence_vectors @ sentence_vectors.T
    chosen: list[int] = []
    candidates = list(range(len(sentence_vectors)))
    while candidates and len(chosen) < count:

        def marginal(i: int) -> float:
            redundancy = max((float(similarity[i, j]) for j in chosen), default=0.0)
            return mmr_lambda * float(relevance[i]) - (1 - mmr_lambda) * redundancy

        best = max(candidates, key=marginal)
        chosen.append(best)
        candidates.remove(best)
    return sorted(chosen)


def score_summary(
    name: str,
    method: str,
    text: str,
    article: str,
    article_vector: np.ndarray,
    embedder: Embedder,
    model: dict | None = None,
    reference: str | None = None,
    prompt: Sequence[PromptText] = (),
    language: str | None = None,
) -> SummaryResult:
    """Every registered metric of a summary (ROUGE against the article, F1 and precision: how
    much of the summary the article supports; embedding similarity, compression ratio,
    extractiveness, the count of numbers and names the article does not contain; with a
    ``reference`` summary, ROUGE against it too) and every registered flag of a summary (among
    them ``consistency`` for those numbers and names, and ``prompt_leak`` when the summary
    reproduces its prompt; ``prompt``: the example article and summary, or the instruction).
    ``language``: that of the article and its summaries (ROUGE's tokeniser; None: English)."""
    output = SummaryOutput(text, article, article_vector, embedder, reference, language)
    scores = registry.score_summary(output)
    flags = flags_of(Output(OutputKind.SUMMARY, text, source=article, step=name, prompt=prompt))
    return SummaryResult(name, method, model, text, scores, flags)


def summarize_texts(
    summarizer: AbstractiveSummarizer,
    articles: Sequence[str],
    on_progress: ProgressCallback | None = None,
    around: Callable[[Sequence[int]], AbstractContextManager[object]] | None = None,
) -> list[str]:
    """Abstractive summaries of several articles; one batched call when the engine offers it.

    ``around(indices)`` wraps each model call with the indices of the articles it summarises
    (the chunk runner routes the engine's notes with it).
    """
    around = around or (lambda _indices: nullcontext())
    many = getattr(summarizer, "summarize_many", None)
    if many is not None:
        with around(range(len(articles))):
            return many(articles, on_progress)
    texts = []
    for i, article in enumerate(articles):
        with around([i]):
            texts.append(summarizer.summarize(article))
        if on_progress:
            on_progress(1)
    return texts


def summarise_all(
    segments: list[Segment],
    article: str,
    sentence_vectors: np.ndarray,
    embedder: Embedder,
    abstractive: Sequence[tuple[ModelInfo, str]],
    lead_count: int,
    extractive_count: int,
    reference: str | None = None,
    prompts: Sequence[Sequence[PromptText]] | None = None,
    language: str | None = None,
) -> list[SummaryResult]:
    """Every summary of the article, scored: the abstractive ones (model, text) already
    generated, extractive MMR and lead-N. ``prompts``: per abstractive summary, what its
    model's prompt holds besides the article (for ``prompt_leak``); ``language``: the
    article's."""
    article_vector = document_vector(sentence_vectors)
    prompts = prompts if prompts is not None else [() for _ in abstractive]
    results = [
        score_summary(
            f"abstractive:{info.name}",
            "abstractive",
            text,
            article,
            article_vector,
            embedder,
            info.to_dict(),
            reference,
            prompt,
            language,
        )
        for (info, text), prompt in zip(abstractive, prompts, strict=True)
    ]
    picked = select_mmr(sentence_vectors, extractive_count)
    extractive_text = " ".join(segments[i].text for i in picked)
    results.append(
        score_summary(
            f"extractive-mmr-{extractive_count}",
            "extractive",
            extractive_text,
            article,
            article_vector,
            embedder,
            {
                **embedder.info.to_dict(),
                "settings": {"mmr_lambda": MMR_LAMBDA, "sentences": extractive_count},
            },
            reference,
            language=language,
        )
    )
    results.append(
        score_summary(
            f"lead-{lead_count}",
            "lead",
            lead(segments, lead_count),
            article,
            article_vector,
            embedder,
            reference=reference,
            language=language,
        )
    )
    return results
