from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import sacrebleu

from summarize.metrics.rouge import rouge_scores
from summarize.metrics.similarity import document_vector, pairwise_cosine
from summarize.metrics.translation import corpus_scores, sentence_chrf


def test_identical_text_scores_perfectly() -> None:
    lines = ["The cat sat on the mat.", "It was a sunny day."]
    scores = corpus_scores(lines, lines)
    assert scores["bleu"].value == pytest.approx(100)
    assert scores["chrf++"].value == pytest.approx(100)
    assert scores["ter"].value == pytest.approx(0)
    assert "nw:2" in scores["chrf++"].signature  # chrF++ = chrF with word bigrams
    assert scores["bleu"].signature.startswith("nrefs:1|case:mixed|eff:no|tok:13a")


def test_corpus_scores_match_sacrebleu_on_wmt19(shared_data: Path) -> None:
    wmt = shared_data / "wmt19"
    refs = (wmt / "newstest2019-ru-en.ref.en").read_text(encoding="utf-8").splitlines()[:100]
    # A system that drops the last word of every sentence: imperfect but related output.
    hyps = [" ".join(line.split()[:-1]) for line in refs]
    scores = corpus_scores(hyps, refs)
    assert scores["bleu"].value == pytest.approx(sacrebleu.corpus_bleu(hyps, [refs]).score)
    assert scores["chrf++"].value == pytest.approx(
        sacrebleu.corpus_chrf(hyps, [refs], word_order=2).score
    )
    assert scores["ter"].value == pytest.approx(sacrebleu.corpus_ter(hyps, [refs]).score)
    assert 0 < scores["bleu"].value < 100


def test_sentence_chrf_orders_closer_hypotheses_higher() -> None:
    ref = "The president dismissed the government on Wednesday."
    close = sentence_chrf("The president dismissed the government on Tuesday.", ref)
    far = sentence_chrf("Prices for gas went up.", ref)
    assert sentence_chrf(ref, ref) == pytest.approx(100)
    assert 0 <= far < close < 100


def test_rouge_hand_computed() -> None:
    # 3 of 3 candidate unigrams match, 3 of 6 reference unigrams are covered:
    # P = 1, R = 0.5, F = 2PR/(P+R) = 2/3. Bigrams: "the cat", "cat sat" match 2 of 2 / 2 of 5.
    scores = rouge_scores("the cat sat", "the cat sat on the mat")
    assert scores["rouge1"].details["precision"] == pytest.approx(100)
    assert scores["rouge1"].details["recall"] == pytest.approx(50)
    assert scores["rouge1"].value == pytest.approx(200 / 3)
    assert scores["rouge2"].details["recall"] == pytest.approx(40)
    assert "stem:yes" in scores["rouge1"].signature


def test_cosine_helpers() -> None:
    a = np.array([[1.0, 0.0], [0.0, 1.0]])
    b = np.array([[1.0, 0.0], [1.0, 0.0]])
    assert pairwise_cosine(a, b) == [1.0, 0.0]
    doc = document_vector(a)
    assert math.isclose(float(np.linalg.norm(doc)), 1.0)
    assert doc[0] == pytest.approx(doc[1])
