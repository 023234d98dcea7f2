"""The `score` library: seeded intervals and tests, StatsMetric adapters, renderers."""

from __future__ import annotations

import csv
import io
import random

import numpy as np
import pytest

from summarize.engines.base import ModelInfo
from summarize.metrics.rouge import RougeMetric, rouge_scores
from summarize.metrics.significance import bootstrap_interval, paired_test
from summarize.metrics.similarity import (
    DocumentCosineMetric,
    GreedyTokenMetric,
    SegmentCosineMetric,
    greedy_match,
)
from summarize.metrics.translation import sacrebleu_metric
from summarize.render.rows import summary_score_header, summary_score_row
from summarize.render.scores import render_score_report
from summarize.scoring import ScoreOptions, build_metrics, parse_metrics, score_systems
from summarize.tasks.summaries import score_summary

REFS = [
    "The president dismissed the government on Wednesday.",
    "Protests began in the west of the country.",
    "Prices for liquefied gas doubled at the start of the year.",
    "The airport in Almaty was seized by protesters.",
    "A state of emergency was declared in the capital.",
    "Internet access was cut across the country.",
] * 5


def corrupt(lines: list[str], probability: float, seed: int) -> list[str]:
    """Drop each word with ``probability``: a seeded stand-in for an imperfect system."""
    rng = random.Random(seed)
    return [" ".join(w for w in line.split() if rng.random() >= probability) for line in lines]


class FakeEmbedder:
    """Bag-of-letters vectors: deterministic, model-free, similar texts get similar vectors."""

    info = ModelInfo("fake", "test/fake", "1", "test")

    @staticmethod
    def _vector(text: str) -> np.ndarray:
        vector = np.zeros(26)
        for char in text.lower():
            if "a" <= char <= "z":
                vector[ord(char) - 97] += 1
        return vector / max(np.linalg.norm(vector), 1e-12)

    def embed(self, texts):
        return np.stack([self._vector(text) for text in texts])

    def embed_tokens(self, texts):
        return [
            np.stack([self._vector(w) for w in t.split()]) if t.split() else np.zeros((0, 26))
            for t in texts
        ]


def test_bootstrap_is_seeded_and_reproducible() -> None:
    hyps = corrupt(REFS, 0.3, 1)
    bleu = sacrebleu_metric("bleu")
    first = bootstrap_interval(bleu, hyps, REFS, 200, seed=7)
    assert bootstrap_interval(bleu, hyps, REFS, 200, seed=7) == first
    assert bootstrap_interval(bleu, hyps, REFS, 200, seed=8) != first
    assert first.low < bleu.corpus_score(hyps, [REFS]).score < first.high


def test_paired_test_separates_different_systems_only() -> None:
    good, bad = corrupt(REFS, 0.1, 1), corrupt(REFS, 0.6, 2)
    metrics = {"bleu": sacrebleu_metric("bleu"), "rouge1": RougeMetric("rouge1")}
    _, table = paired_test([("good", good), ("bad", bad)], metrics, REFS, n_samples=300)
    assert table["bleu"][0].p_value is None  # baseline
    assert table["bleu"][1].p_value < 0.05 and table["rouge1"][1].p_value < 0.05
    _, same = paired_test([("a", good), ("b", list(good))], metrics, REFS, n_samples=300)
    # Identical outputs: sacrebleu itself would say p = 1/(n+1); no evidence of a difference.
    assert same["bleu"][1].p_value == 1.0 and same["rouge1"][1].p_value == 1.0
    # Different outputs with a small effect: not significant.
    close = corrupt(REFS, 0.1, 1)
    close[0] = REFS[0]
    _, near = paired_test([("a", good), ("b", close)], metrics, REFS, n_samples=300)
    assert near["bleu"][1].p_value > 0.05


def test_rouge_metric_is_mean_of_segment_f() -> None:
    hyps = corrupt(REFS, 0.3, 3)
    metric = RougeMetric("rouge2")
    stats = metric._extract_corpus_statistics(hyps, [REFS])
    expected = np.mean(
        [rouge_scores(h, r)["rouge2"].value for h, r in zip(hyps, REFS, strict=True)]
    )
    assert metric._aggregate_and_compute(stats).score == pytest.approx(expected)


def test_embedding_metrics_with_a_fake_model() -> None:
    loads = []

    def load():
        loads.append(1)
        return FakeEmbedder()

    hyps = corrupt(REFS, 0.3, 4)
    segment, document = SegmentCosineMetric(load), DocumentCosineMetric(load)
    scores = segment.segment_scores(hyps, REFS)
    assert all(0 < s <= 1 + 1e-9 for s in scores) and len(loads) == 1  # loaded once, lazily
    stats = document._extract_corpus_statistics(hyps, [REFS])
    vectors = FakeEmbedder().embed
    hyp_doc, ref_doc = vectors(hyps).sum(0), vectors(REFS).sum(0)
    expected = hyp_doc @ ref_doc / np.linalg.norm(hyp_doc) / np.linalg.norm(ref_doc)
    assert document._aggregate_and_compute(stats).score == pytest.approx(expected)
    assert "emb:test/fake|rev:1" in document.signature()


def test_greedy_match_hand_computed() -> None:
    hyp = np.array([[1.0, 0.0], [0.0, 1.0]])
    ref = np.array([[1.0, 0.0]])
    precision, recall, f1 = greedy_match(hyp, ref)
    # Hypothesis tokens' best matches: 1 and 0 -> P = 0.5; the reference token matches 1 -> R = 1.
    assert (precision, recall) == (0.5, 1.0)
    assert f1 == pytest.approx(2 / 3)
    assert greedy_match(np.zeros((0, 2)), ref) == (0.0, 0.0, 0.0)
    metric = GreedyTokenMetric(FakeEmbedder)
    assert metric.segment_scores(["same words"], ["same words"]) == [pytest.approx(100)]
    assert "idf:no|rescale:no" in metric.signature()


def test_score_systems_ranks_and_renders() -> None:
    systems = [
        ("worse", "w.txt", corrupt(REFS, 0.5, 5)),
        ("better", "b.txt", corrupt(REFS, 0.1, 6)),
    ]
    metrics = build_metrics(parse_metrics(["bleu", "ter", "coverage"]), REFS, FakeEmbedder)
    report = score_systems(systems, REFS, metrics, ScoreOptions(n_samples=200), reference="r")
    assert [s.name for s in report.systems] == ["better", "worse"]  # ranked by BLEU
    assert report.systems[1].baseline and report.systems[1].scores["bleu"].p_value is None
    better = report.systems[0].scores
    assert better["bleu"].ci_low < better["bleu"].score < better["bleu"].ci_high
    assert better["bleu"].p_value < 0.05
    assert [m.higher_is_better for m in report.metrics] == [True, False, True]
    rows = list(csv.DictReader(io.StringIO(render_score_report(report, "csv"))))
    assert rows[0]["system"] == "better" and float(rows[0]["bleu_p"]) < 0.05
    assert float(rows[0]["bleu"]) == better["bleu"].score
    markdown = render_score_report(report, "md")
    assert "| 1 | better |" in markdown and "Signatures:" in markdown


def test_parse_metrics_expands_groups() -> None:
    assert parse_metrics(["rouge", "BLEU", "rouge1"]) == [
        "rouge1",
        "rouge2",
        "rougeL",
        "rougeLsum",
        "bleu",
    ]
    assert parse_metrics([])[:4] == ["bleu", "chrf", "chrf++", "ter"]


def test_run_summary_gets_extractiveness_and_consistency_flag() -> None:
    article = "In 2022 the government of Kazakhstan resigned. Protests spread to Almaty."
    embedder = FakeEmbedder()
    vector = embedder.embed([article])[0]
    result = score_summary(
        "s",
        "lead",
        "In 2023 the government of Kazakhstan resigned in Astana.",
        article,
        vector,
        embedder,
    )
    # Fragments: "in", "the government of kazakhstan resigned", "in": 7 of 9 words.
    assert result.scores["coverage"].value == pytest.approx(7 / 9)
    assert result.scores["density"].value == pytest.approx((1 + 25 + 1) / 9)
    assert {"novel_unigrams", "novel_bigrams", "rouge1", "compression_ratio"} <= set(result.scores)
    row = dict(zip(summary_score_header(), summary_score_row(result), strict=True))
    assert (row["coverage"], row["density"]) == ("0.78", "3.0")
    assert "s:consistency" in row["flags"]
    flags = [f for f in result.flags if f.code == "consistency"]
    assert len(flags) == 1 and "2023" in flags[0].message and "Astana" in flags[0].message
    faithful = score_summary(
        "s", "lead", "The government of Kazakhstan resigned in 2022.", article, vector, embedder
    )
    assert not [f for f in faithful.flags if f.code == "consistency"]
