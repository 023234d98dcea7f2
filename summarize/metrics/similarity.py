"""Embedding cosine similarity, on L2-normalised vectors from an :class:`Embedder`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from summarize.metrics.base import ReferenceStream, StatsMetric

if TYPE_CHECKING:
    import numpy as np

    from summarize.engines.base import Embedder, ModelInfo


def embedding_signature(model: ModelInfo, unit: str) -> str:
    """``unit`` says what one vector stands for, e.g. ``sentence`` or ``doc:mean-of-sentences``."""
    return f"emb:{model.model_id}|rev:{model.revision}|pool:mean|unit:{unit}"


def segment_cosine_signature(model: ModelInfo) -> str:
    """The sentence-aligned cosine (``embedding_cosine``) in ``run``, ``batch`` and ``score``."""
    return f"{embedding_signature(model, 'segment')}|agg:mean"


def pairwise_cosine(left: np.ndarray, right: np.ndarray) -> list[float]:
    """Cosine of each row of ``left`` with the same row of ``right``."""
    return [float(value) for value in (left * right).sum(axis=1)]


def document_vector(sentence_vectors: np.ndarray) -> np.ndarray:
    """A document's embedding: the normalised mean of its sentence embeddings.

    The embedding model reads at most 256 word pieces, so a whole article cannot be embedded in
    one pass without truncation.
    """
    import numpy as np

    mean = sentence_vectors.mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


class _EmbeddingMetric(StatsMetric):
    """Base for metrics that need the embedding model: it is loaded on first use only, and each
    distinct text is embedded once (the references are shared by every system). With several
    references each segment is scored against its best one (the signature says so)."""

    def __init__(self, load_embedder: Callable[[], Embedder]) -> None:
        self._load = load_embedder
        self._embedder: Embedder | None = None
        self._cache: dict[str, np.ndarray] = {}

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = self._load()
        return self._embedder

    def vectors(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        missing = list(dict.fromkeys(text for text in texts if text not in self._cache))
        if missing:
            for text, vector in zip(missing, self.embedder.embed(missing), strict=True):
                self._cache[text] = np.asarray(vector, dtype="float64")
        return np.stack([self._cache[text] for text in texts])

    def model_signature(self, unit: str) -> str:
        return embedding_signature(self.embedder.info, unit)


class SegmentCosineMetric(_EmbeddingMetric):
    """Sentence-aligned: cosine of each hypothesis line with its reference line, averaged."""

    name = "embedding_cosine"

    def signature(self) -> str:
        return segment_cosine_signature(self.embedder.info)

    def segment_scores(self, hypotheses: list[str], references: list[str]) -> list[float]:
        scores = pairwise_cosine(self.vectors(hypotheses), self.vectors(references))
        # An empty line has no meaning to embed: it matches nothing.
        return [
            0.0 if not hyp.strip() or not ref.strip() else score
            for hyp, ref, score in zip(hypotheses, references, scores, strict=True)
        ]


class DocumentCosineMetric(_EmbeddingMetric):
    """Whole-document: cosine of the two documents' mean-of-segment embeddings.

    Per-segment statistics are the two segment vectors, so bootstrap resampling of segments
    recomputes both document vectors exactly. With several references, each segment of the
    reference document is the reference closest to that hypothesis segment (best per segment).
    """

    name = "embedding_cosine_doc"

    def signature(self) -> str:
        return self.model_signature("doc:mean-of-segments")

    def segment_stats(self, hypotheses: list[str], streams: Sequence[ReferenceStream]):
        import numpy as np

        hyp_vectors = self.vectors(hypotheses)
        if len(streams) == 1 and None not in streams[0]:
            return np.concatenate([hyp_vectors, self.vectors(list(streams[0]))], axis=1)
        chosen = []
        for vector, *refs in zip(hyp_vectors, *streams, strict=True):
            present = [ref for ref in refs if ref is not None]
            present = [ref for ref in present if ref.strip()] or present  # "" matches nothing
            candidates = self.vectors(present)
            chosen.append(candidates[int(np.argmax(candidates @ vector))])
        return np.concatenate([hyp_vectors, np.stack(chosen)], axis=1)

    def score_from_stats(self, totals) -> float:
        import numpy as np

        half = len(totals) // 2
        hyp, ref = totals[:half], totals[half:]
        norm = float(np.linalg.norm(hyp) * np.linalg.norm(ref))
        return float(hyp @ ref) / norm if norm else 0.0

    def segment_scores(self, hypotheses: list[str], references: list[str]) -> list[float]:
        return [float("nan")] * len(hypotheses)


def greedy_match(hypothesis: np.ndarray, reference: np.ndarray) -> tuple[float, float, float]:
    """BERTScore's greedy matching on normalised token vectors: precision (each hypothesis token
    to its most similar reference token), recall (the reverse), and their F1."""
    if len(hypothesis) == 0 or len(reference) == 0:
        return 0.0, 0.0, 0.0
    similarity = hypothesis @ reference.T
    precision = float(similarity.max(axis=1).mean())
    recall = float(similarity.max(axis=0).mean())
    total = precision + recall
    return precision, recall, (2 * precision * recall / total if total > 0 else 0.0)


class GreedyTokenMetric(_EmbeddingMetric):
    """BERTScore-style F1 (Zhang et al., 2020) with the local embedding model's last-layer token
    vectors: no idf weighting, no baseline rescaling, so values are not comparable with the
    ``bert-score`` package's numbers (the signature says so)."""

    name = "bertscore"

    def __init__(self, load_embedder: Callable[[], Embedder]) -> None:
        super().__init__(load_embedder)
        self._token_cache: dict[str, np.ndarray] = {}

    def signature(self) -> str:
        info = self.embedder.info
        return (
            f"greedy-token-f1|emb:{info.model_id}|rev:{info.revision}|layer:last"
            "|idf:no|rescale:no|agg:mean"
        )

    def tokens(self, texts: list[str]) -> list[np.ndarray]:
        missing = list(dict.fromkeys(text for text in texts if text not in self._token_cache))
        if missing:
            embedded = self.embedder.embed_tokens(missing)
            self._token_cache.update(zip(missing, embedded, strict=True))
        return [self._token_cache[text] for text in texts]

    def segment_scores(self, hypotheses: list[str], references: list[str]) -> list[float]:
        return [
            100 * greedy_match(hyp, ref)[2]
            for hyp, ref in zip(self.tokens(hypotheses), self.tokens(references), strict=True)
        ]
