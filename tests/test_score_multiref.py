"""`summarize score` with several references: sacrebleu's numbers and signatures (corpus,
sentence, intervals, paired tests), rouge-score's ``score_multi``, best-reference embeddings.

Reference A is the seed article split into sentences; reference B is A with words dropped and
neighbours swapped (a second "translator"); the two systems drop words from A (seeded).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from rouge_score import rouge_scorer
from sacrebleu.metrics import BLEU, CHRF, TER

from summarize.metrics.rouge import RougeMetric
from summarize.scoring import ScoreOptions, build_metrics, parse_metrics, score_systems
from tests.conftest import SEED, assert_one_line_error, run_cli
from tests.helpers import drop_words, sacrebleu_cli, score_json, swap_neighbours
from tests.test_scoring import FakeEmbedder


def sentences() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [s.strip() for line in text.splitlines() for s in re.split(r"(?<=\.) ", line) if s]


REF_A = sentences()
REF_B = swap_neighbours(drop_words(REF_A, 0.15, 9), 3)
SYSTEM_1 = drop_words(REF_A, 0.2, 1)
SYSTEM_2 = swap_neighbours(drop_words(REF_A, 0.35, 2), 4)


def write(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    return {
        "refA": write(tmp_path / "refA.txt", REF_A),
        "refB": write(tmp_path / "refB.txt", REF_B),
        "sys1": write(tmp_path / "sys1.txt", SYSTEM_1),
        "sys2": write(tmp_path / "sys2.txt", SYSTEM_2),
    }


SACREBLEU_OBJECTS = {
    "bleu": lambda: BLEU(),
    "chrf": lambda: CHRF(),
    "chrf++": lambda: CHRF(word_order=2),
    "ter": lambda: TER(),
}


def test_data_is_real_multi_reference() -> None:
    assert len(REF_A) > 20 and REF_A != REF_B
    single = BLEU().corpus_score(SYSTEM_1, [REF_A]).score
    both = BLEU().corpus_score(SYSTEM_1, [REF_A, REF_B]).score
    assert single != both  # the second reference changes the number


def test_every_metric_equals_sacrebleu_python_api(files: dict[str, str]) -> None:
    refs = ["--ref", files["refA"], "--ref", files["refB"]]
    report = score_json(
        "--hyp", files["sys1"], *refs, "-m", "bleu,chrf,chrf++,ter", "--no-confidence"
    )
    assert report["references"] == [files["refA"], files["refB"]]
    metrics = {m["name"]: m for m in report["metrics"]}
    system = report["systems"][0]
    for key, make in SACREBLEU_OBJECTS.items():
        metric = make()
        expected = metric.corpus_score(SYSTEM_1, [REF_A, REF_B])
        assert system["scores"][key]["score"] == pytest.approx(expected.score, abs=1e-9), key
        assert metrics[key]["signature"] == str(metric.get_signature())
        assert "nrefs:2|" in metrics[key]["signature"]
        # Sentence level, as `sacrebleu -sl` with two references (BLEU: effective order).
        sentence = BLEU(effective_order=True) if key == "bleu" else make()
        segments = [
            sentence.sentence_score(hyp, [a, b]).score
            for hyp, a, b in zip(SYSTEM_1, REF_A, REF_B, strict=True)
        ]
        assert system["segments"][key] == pytest.approx(segments, abs=1e-9), key
        assert metrics[key]["segment_signature"] == str(sentence.get_signature())


def test_intervals_and_paired_test_equal_sacrebleu_cli(files: dict[str, str]) -> None:
    text = sacrebleu_cli(
        files["refA"],
        files["refB"],
        "-i",
        files["sys1"],
        files["sys2"],
        *("-m", "bleu", "chrf", "ter", "-w", "4", "-f", "text", "--paired-bs"),
    )
    report = score_json(
        *("--hyp", files["sys1"], "--hyp", files["sys2"]),
        *("--ref", files["refA"], "--ref", files["refB"], "-m", "bleu,chrf,ter"),
    )
    ours = {s["name"]: s["scores"] for s in report["systems"]}
    cells = re.findall(r"([\d.]+) \(([\d.]+) ± ([\d.]+)\)", text)
    values = [
        ours[name][key] for name in ("sys1.txt", "sys2.txt") for key in ("bleu", "chrf", "ter")
    ]
    for (score, mean, half), value in zip(cells, values, strict=True):
        assert round(value["score"], 4) == float(score)
        assert round(value["mean"], 4) == float(mean)
        assert round((value["ci_high"] - value["ci_low"]) / 2, 4) == float(half)
    p_values = [float(p) for p in re.findall(r"p = ([\d.]+)", text)]
    assert [round(ours["sys2.txt"][key]["p_value"], 4) for key in ("bleu", "chrf", "ter")] == (
        p_values
    )
    signatures = re.findall(r"^ - \S+\s+(nrefs\S+)$", text, flags=re.MULTILINE)
    assert [m["signature"] for m in report["metrics"]] == signatures


def test_rouge_is_rouge_score_multi(files: dict[str, str]) -> None:
    report = score_json(
        *("--hyp", files["sys2"], "--ref", files["refA"], "--ref", files["refB"]),
        *("-m", "rouge1,rouge2,rougeL", "--no-confidence"),
    )
    system = report["systems"][0]
    for rouge_type in ("rouge1", "rouge2", "rougeL"):
        scorer = rouge_scorer.RougeScorer([rouge_type], use_stemmer=True)
        expected = [
            100 * scorer.score_multi([a, b], hyp)[rouge_type].fmeasure
            for hyp, a, b in zip(SYSTEM_2, REF_A, REF_B, strict=True)
        ]
        assert system["segments"][rouge_type] == pytest.approx(expected)
        mean = sum(expected) / len(expected)
        assert system["scores"][rouge_type]["score"] == pytest.approx(mean)
    signature = report["metrics"][0]["signature"]
    assert signature.endswith("agg:mean-of-segment-f|nrefs:2|refs:best-per-segment")


def test_one_reference_stream_is_unchanged() -> None:
    """A list of strings is one reference stream: same scores and signatures as before."""
    metric = RougeMetric("rouge1")
    single = metric.segment_scores(SYSTEM_1, REF_A)
    assert metric.multi_segment_scores(SYSTEM_1, [REF_A]) == single
    assert metric.get_signature().format() == metric.signature()
    assert "nrefs" not in metric.signature()


def test_embedding_metrics_take_the_best_reference() -> None:
    names = parse_metrics(["emb", "emb-doc", "bertscore", "coverage"])
    metrics = build_metrics(names, REF_A, FakeEmbedder)
    options = ScoreOptions(metrics=names, confidence=False)
    both = score_systems([("s", "s", SYSTEM_2)], [REF_A, REF_B], metrics, options)
    only_a = score_systems([("s", "s", SYSTEM_2)], [REF_A], metrics, options)
    only_b = score_systems([("s", "s", SYSTEM_2)], [REF_B], metrics, options)
    for key in ("embedding_cosine", "bertscore"):
        best = [
            max(a, b)
            for a, b in zip(
                only_a.systems[0].segments[key], only_b.systems[0].segments[key], strict=True
            )
        ]
        assert both.systems[0].segments[key] == pytest.approx(best)
        assert both.systems[0].scores[key].score == pytest.approx(sum(best) / len(best))
    signatures = {m.name: m.signature for m in both.metrics}
    for key in ("embedding_cosine", "embedding_cosine_doc", "bertscore"):
        assert signatures[key].endswith("|nrefs:2|refs:best-per-segment"), key
    # The reference document is made of each segment's closest reference.
    embed = FakeEmbedder().embed
    hyps, a, b = embed(SYSTEM_2), embed(REF_A), embed(REF_B)
    closest = np.where(((hyps * a).sum(1) >= (hyps * b).sum(1))[:, None], a, b)
    hyp_doc, ref_doc = hyps.sum(0), closest.sum(0)
    expected = hyp_doc @ ref_doc / np.linalg.norm(hyp_doc) / np.linalg.norm(ref_doc)
    assert both.systems[0].scores["embedding_cosine_doc"].score == pytest.approx(expected)
    # Source metrics do not use the references: no reference count in their signature.
    assert "nrefs" not in signatures["coverage"]
    assert both.systems[0].scores["coverage"] == only_a.systems[0].scores["coverage"]


def test_references_of_different_lengths(files: dict[str, str], tmp_path: Path) -> None:
    short = write(tmp_path / "short-ref.txt", REF_B[:-2])
    result = run_cli("score", "--hyp", files["sys1"], "--ref", files["refA"], "--ref", short)
    assert_one_line_error(
        result, "short-ref.txt", f"has {len(REF_A) - 2} segments", "refA.txt", "line-aligned"
    )


def test_library_takes_a_list_of_reference_lists() -> None:
    metrics = build_metrics(["bleu", "rouge1"], None, FakeEmbedder)
    options = ScoreOptions(metrics=["bleu", "rouge1"], confidence=False)
    report = score_systems([("s", "s", SYSTEM_1)], [REF_A, REF_B], metrics, options)
    assert report.segments == len(REF_A)
    assert report.systems[0].scores["bleu"].score == pytest.approx(
        BLEU().corpus_score(SYSTEM_1, [REF_A, REF_B]).score
    )


def test_baseline_by_name(files: dict[str, str]) -> None:
    args = ["--hyp", files["sys1"], "--hyp", files["sys2"], "--ref", files["refA"], "-m", "chrf"]
    report = score_json(*args, "--baseline", "sys2.txt", "--samples", "100")
    systems = {s["name"]: s for s in report["systems"]}
    assert (
        systems["sys2.txt"]["baseline"] and systems["sys2.txt"]["scores"]["chrf"]["p_value"] is None
    )
    assert systems["sys1.txt"]["scores"]["chrf"]["p_value"] is not None
    assert [s["name"] for s in report["systems"]] == ["sys1.txt", "sys2.txt"]  # ranked by score
    result = run_cli("score", *args, "--baseline", "nope")
    assert_one_line_error(result, "--baseline 'nope'", "sys1.txt, sys2.txt")
    assert_one_line_error(run_cli("score", "--hyp", files["sys1"]), "--ref")
