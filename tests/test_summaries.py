from __future__ import annotations

import numpy as np

from summarize.input.segment import Segment
from summarize.tasks.summaries import lead, select_mmr


def unit(*rows: list[float]) -> np.ndarray:
    matrix = np.array(rows, dtype=float)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_lead_takes_first_sentences() -> None:
    segments = [Segment(i, 0, f"Sentence {i}.") for i in range(5)]
    assert lead(segments, 2) == "Sentence 0. Sentence 1."
    assert lead(segments, 10) == " ".join(s.text for s in segments)


def test_mmr_prefers_central_then_novel_sentences() -> None:
    # Sentences 0 and 1 are near-duplicates on the main topic, 2 is a second topic,
    # 3 is an outlier. MMR picks the main topic once, then the second topic, not the duplicate.
    vectors = unit([1.0, 0.1, 0.0], [1.0, 0.05, 0.0], [0.6, 0.8, 0.0], [0.0, 0.0, 1.0])
    assert select_mmr(vectors, 2, mmr_lambda=0.7) == [0, 2]
    # With relevance only (lambda = 1) the near-duplicates both win.
    assert select_mmr(vectors, 2, mmr_lambda=1.0) == [0, 1]


def test_mmr_returns_document_order_and_caps_count() -> None:
    vectors = unit([0.0, 1.0], [1.0, 0.0], [0.7, 0.7])
    chosen = select_mmr(vectors, 5)
    assert chosen == sorted(chosen) == [0, 1, 2]
