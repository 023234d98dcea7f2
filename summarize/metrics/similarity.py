"""Embedding cosine similarity, on L2-normalised vectors from an :class:`Embedder`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from summarize.engines.base import ModelInfo


def embedding_signature(model: ModelInfo, unit: str) -> str:
    """``unit`` says what one vector stands for, e.g. ``sentence`` or ``doc:mean-of-sentences``."""
    return f"emb:{model.model_id}|rev:{model.revision}|pool:mean|unit:{unit}"


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
