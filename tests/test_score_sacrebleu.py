"""`summarize score` gives exactly sacrebleu's numbers and signatures on the WMT19 dev data.

The two "systems" are made without any model from a newstest2019 reference (ru-en English and
en-ru Russian):
- ``drop10``: every word dropped with probability 0.1 (random.Random(1));
- ``drop20``: every word dropped with probability 0.2 (random.Random(2)).
Both are imperfect in different ways, so BLEU, chrF and TER are strictly between the extremes and
the paired test has a real difference to detect.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers import drop_words, sacrebleu_cli, score_json


@pytest.fixture(params=["ru-en.ref.en", "en-ru.ref.ru"])
def wmt(shared_data: Path, tmp_path: Path, request) -> dict[str, Path]:
    """The reference and two word-dropped systems, for both directions (English, Russian)."""
    ref = shared_data / "wmt19" / f"newstest2019-{request.param}"
    lines = ref.read_text(encoding="utf-8").splitlines()
    paths = {"ref": ref}
    for name, probability, seed in (("drop10", 0.1, 1), ("drop20", 0.2, 2)):
        path = tmp_path / f"{name}.txt"
        path.write_text("\n".join(drop_words(lines, probability, seed)) + "\n", encoding="utf-8")
        paths[name] = path
    return paths


def test_corpus_scores_and_signatures_equal_sacrebleu_cli(wmt: dict[str, Path]) -> None:
    ref, hyp = str(wmt["ref"]), str(wmt["drop10"])
    expected = {
        item["name"]: item
        for item in json.loads(
            sacrebleu_cli(ref, "-i", hyp, "-m", "bleu", "chrf", "ter", "-w", "4")
        )
    }
    expected["chrF2++"] = json.loads(
        sacrebleu_cli(ref, "-i", hyp, "-m", "chrf", "--chrf-word-order", "2", "-w", "4")
    )
    report = score_json("--hyp", hyp, "--ref", ref, "-m", "bleu,chrf,chrf++,ter")
    report_plain = score_json(
        "--hyp", hyp, "--ref", ref, "-m", "bleu,chrf,chrf++,ter", "--no-confidence"
    )
    names = {"bleu": "BLEU", "chrf": "chrF2", "chrf++": "chrF2++", "ter": "TER"}
    plain_signatures = {m["name"]: m["signature"] for m in report_plain["metrics"]}
    for key, name in names.items():
        ours = report["systems"][0]["scores"][key]["score"]
        assert round(ours, 4) == pytest.approx(expected[name]["score"], abs=1e-9), key
        assert plain_signatures[key] == expected[name]["signature"]
    assert 30 < expected["BLEU"]["score"] < 95  # a real, imperfect system


def test_bootstrap_interval_equals_sacrebleu_confidence(wmt: dict[str, Path]) -> None:
    ref, hyp = str(wmt["ref"]), str(wmt["drop20"])
    expected = json.loads(sacrebleu_cli(ref, "-i", hyp, "-m", "bleu", "--confidence", "-w", "4"))
    report = score_json("--hyp", hyp, "--ref", ref, "-m", "bleu")
    value = report["systems"][0]["scores"]["bleu"]
    assert round(value["mean"], 4) == pytest.approx(expected["confidence_mean"])
    half_width = (value["ci_high"] - value["ci_low"]) / 2
    assert round(half_width, 4) == pytest.approx(expected["confidence_var"])
    assert report["metrics"][0]["signature"] == expected["signature"]


@pytest.mark.parametrize("test", ["bs", "ar"])
def test_paired_test_equals_sacrebleu_cli(wmt: dict[str, Path], test: str) -> None:
    ref, base, system = str(wmt["ref"]), str(wmt["drop10"]), str(wmt["drop20"])
    args = ["-m", "bleu", "chrf", "ter", "-w", "4", "-f", "text", f"--paired-{test}"]
    if test == "ar":
        args += ["--paired-ar-n", "2000"]
    text = sacrebleu_cli(ref, "-i", base, system, *args)
    p_values = [float(p) for p in re.findall(r"p = ([\d.]+)", text)]
    report = score_json(
        "--hyp",
        base,
        "--hyp",
        system,
        "--ref",
        ref,
        "-m",
        "bleu,chrf,ter",
        "--test",
        test,
        *(["--samples", "2000"] if test == "ar" else []),
    )
    ours = {s["name"]: s for s in report["systems"]}
    assert ours["drop10.txt"]["baseline"] and ours["drop10.txt"]["rank"] == 1
    other = ours["drop20.txt"]["scores"]
    assert [round(other[key]["p_value"], 4) for key in ("bleu", "chrf", "ter")] == p_values
    assert all(p < 0.05 for p in p_values)
    if test == "bs":  # sacrebleu's CLI prints intervals only for the bootstrap test
        cells = re.findall(r"([\d.]+) \(([\d.]+) ± ([\d.]+)\)", text)
        values = [
            ours[name]["scores"][key]
            for name in ("drop10.txt", "drop20.txt")
            for key in ("bleu", "chrf", "ter")
        ]
        for (score, mean, half), value in zip(cells, values, strict=True):
            assert round(value["score"], 4) == float(score)
            assert round(value["mean"], 4) == float(mean)
            assert round((value["ci_high"] - value["ci_low"]) / 2, 4) == float(half)
    signatures = re.findall(r"^ - \S+\s+(nrefs\S+)$", text, flags=re.MULTILINE)
    ours_signatures = [m["signature"] for m in report["metrics"]]
    if test == "ar":
        # We also report 1000-resample bootstrap intervals under AR (sacrebleu's PairedTest
        # n_ar_confidence, which its CLI does not expose), and the signature says so.
        assert all("|bs:1000|ar:2000|" in sig for sig in ours_signatures)
        ours_signatures = [sig.replace("|bs:1000", "") for sig in ours_signatures]
    assert ours_signatures == signatures


SENTENCE_ARGS = {
    "bleu": ["-m", "bleu"],
    "chrf": ["-m", "chrf"],
    "chrf++": ["-m", "chrf", "--chrf-word-order", "2"],
    "ter": ["-m", "ter"],
}


@pytest.mark.parametrize("metric", list(SENTENCE_ARGS))
def test_sentence_scores_equal_sacrebleu_sentence_level(wmt: dict[str, Path], metric: str) -> None:
    ref, hyp = str(wmt["ref"]), str(wmt["drop20"])
    lines = sacrebleu_cli(ref, "-i", hyp, *SENTENCE_ARGS[metric], "-sl", "-w", "4").splitlines()
    assert len(lines) == 500
    expected = [float(re.search(r" = ([\d.]+)", line).group(1)) for line in lines]
    signature = lines[0].split("|", 1)[1].split(" = ")[0]
    report = score_json("--hyp", hyp, "--ref", ref, "-m", metric, "--no-confidence")
    ours = report["systems"][0]["segments"][metric]
    assert [round(score, 4) for score in ours] == expected
    assert report["metrics"][0]["segment_signature"] == signature
