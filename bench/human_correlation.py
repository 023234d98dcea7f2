"""How well each metric of the tool agrees with people: WMT21 Russian→English.

Every metric the tool reports on a translation (BLEU, chrF, chrF++, TER, ROUGE-1/2/L, the
embedding cosine, and the reference-free ``logprob``) scores the 10 systems of
``../shared/data/wmt21/newstest2021.ru-en.all.xml`` through the tool's own metric code, and is
correlated with the human direct assessments shipped beside it:

- system level: Pearson and Kendall between each metric's corpus score and the systems'
  DA z-scores (``da-sys-scores``), with COMET's shipped system scores as a reference point;
- segment level: Kendall between each metric's sentence score and the judged segments' DA
  z-scores (``da-seg-scores``; crowd judgements, one rater per segment mostly: expect little).

The reference-based metrics use both references (A and B), as the figures WMT21's data gives
for BLEU, chrF and TER (system Pearson 0.545, 0.584, -0.536) do; the harness checks that it
reproduces them. ``logprob`` uses no reference: a scoring model's mean log-probability per token
of each output given its source, with the prompt the tool translates with (default scorer: the
default model). Scoring 10,000 outputs with a 1.5B model on 2 CPU cores takes hours, so it runs
on a seeded sample of segments (``--sample``, the same for every system); every other metric is
reported on the full set and on the same sample, so they can be compared like for like.

    python bench/human_correlation.py     # writes bench/results/human-correlation-<scorer>.json
    python bench/human_correlation.py --sample 0 --scorer none   # reference-based metrics only
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "wmt21"
TEST_SET = DATA / "newstest2021.ru-en.all.xml"
# The DA files name systems with a numeric suffix (``Online-B.4``) and NeMo differently.
DA_NAMES = {"Nemo": "NVIDIA-NeMo"}
# The tool's metric keys for one translation, in report order.
METRICS = ["bleu", "chrf", "chrf++", "ter", "rouge1", "rouge2", "rougeL", "embedding_cosine"]
# Reproduced as a check on the harness (system-level Pearson, both references, DA z).
EXPECTED = {"bleu": 0.545, "chrf": 0.584, "ter": -0.536}


def system_name(da_name: str) -> str:
    base = da_name.rsplit(".", 1)[0]
    return DA_NAMES.get(base, base)


def read_da() -> tuple[dict[str, float], dict[tuple[str, int], float]]:
    """(system → DA z, (system, segment index from 0) → DA z)."""
    systems = {}
    for line in (DATA / "da-sys-scores.ru-en.csv").read_text().splitlines()[1:]:
        _raw, z, _n, name, _all = line.split()
        systems[system_name(name)] = float(z)
    segments = {}
    for line in (DATA / "da-seg-scores.ru-en.csv").read_text().splitlines()[1:]:
        name, sid, _raw, z, _n = line.split()
        segments[(system_name(name), int(sid) - 1)] = float(z)
    return systems, segments


def read_comet() -> dict[str, float]:
    rows = (DATA / "comet-sys-scores.ru-en.ref-A.tsv").read_text().splitlines()
    return {DA_NAMES.get(name, name): float(value) for name, value in map(str.split, rows)}


def sentence_scores(key: str, metric, hypotheses: list[str], streams: list[list[str]]):
    """One score per segment, by the metric's own sentence-level definition."""
    from summarize.metrics.base import StatsMetric
    from summarize.metrics.translation import sacrebleu_metric

    if isinstance(metric, StatsMetric):
        return metric.multi_segment_scores(hypotheses, streams)
    sentence = sacrebleu_metric(key, sentence_level=True)
    return [
        sentence.sentence_score(hypothesis, [stream[i] for stream in streams]).score
        for i, hypothesis in enumerate(hypotheses)
    ]


def correlations(
    values: dict[str, float], human: dict[str, float], sign: int = 1
) -> dict[str, float]:
    """Pearson and Kendall of ``values`` with ``human`` over the systems both have (``sign``
    -1 for a lower-is-better metric: reported as is, the expected sign is negative)."""
    from scipy.stats import kendalltau, pearsonr

    names = sorted(set(values) & set(human))
    left = [values[name] for name in names]
    right = [human[name] for name in names]
    return {
        "pearson": round(float(pearsonr(left, right)[0]), 3),
        "kendall": round(float(kendalltau(left, right)[0]), 3),
        "systems": len(names),
    }


def segment_kendall(
    per_system: dict[str, list[float]], indices: list[int], human: dict[tuple[str, int], float]
) -> dict[str, float]:
    """Kendall between sentence scores and DA z over every judged (system, segment) pair."""
    from scipy.stats import kendalltau

    pairs = [
        (scores[j], human[(name, index)])
        for name, scores in per_system.items()
        for j, index in enumerate(indices)
        if (name, index) in human and not math.isnan(scores[j])
    ]
    tau = kendalltau([p[0] for p in pairs], [p[1] for p in pairs])[0]
    return {"kendall": round(float(tau), 3), "judged_segments": len(pairs)}


def reference_metrics(test_set, indices: list[int], embedder) -> dict[str, dict]:
    """Corpus and sentence scores of every reference-based metric, per system, on ``indices``."""
    from summarize.metrics.registry import MetricInputs, build_metrics

    streams = [[test_set.references[name][i] for i in indices] for name in ("A", "B")]
    sources = [test_set.sources[i] for i in indices]
    metrics = build_metrics(METRICS, MetricInputs(sources, lambda: embedder))
    found: dict[str, dict] = {}
    for key, metric in metrics.items():
        corpus, sentences = {}, {}
        for name, outputs in test_set.systems.items():
            hypotheses = [outputs[i] for i in indices]
            corpus[name] = float(metric.corpus_score(hypotheses, streams).score)
            sentences[name] = sentence_scores(key, metric, hypotheses, streams)
        found[key] = {"corpus": corpus, "sentences": sentences}
    return found


def logprob_metric(test_set, indices: list[int], scorer: str) -> dict:
    """The reference-free score of every system's outputs on ``indices`` (scores are cached in
    the tool's output cache, so a second run costs nothing)."""
    from summarize.engines.registry import EngineRegistry
    from summarize.engines.store import OutputStore
    from summarize.input.languages import get_language
    from summarize.resources import cache_dir

    russian, english = get_language("ru"), get_language("en")
    store = OutputStore(cache_dir() / "outputs.sqlite3")
    engine = EngineRegistry("cpu", store, print, backend="auto").translator(
        scorer, russian, english
    )
    sources = [test_set.sources[i] for i in indices]
    corpus, sentences = {}, {}
    for name, outputs in test_set.systems.items():
        start = time.perf_counter()
        scores = engine.score_translations(sources, [outputs[i] for i in indices], russian, english)
        sentences[name] = [math.nan if score is None else score for score in scores]
        scored = [score for score in scores if score is not None]
        corpus[name] = sum(scored) / len(scored)
        print(f"  {name}: {corpus[name]:.4f} ({time.perf_counter() - start:.0f} s)", flush=True)
    store.close()
    return {"corpus": corpus, "sentences": sentences, "model": engine.info.to_dict()}


def summarise(found: dict, indices: list[int], da_sys, da_seg, lower: set[str]) -> dict:
    rows = {}
    for key, scores in found.items():
        rows[key] = {
            "system": correlations(scores["corpus"], da_sys),
            "segment": segment_kendall(scores["sentences"], indices, da_seg),
            "per_system": {name: round(value, 4) for name, value in scores["corpus"].items()},
            "lower_is_better": key in lower,
        }
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scorer", default=None, help="model for logprob (default: default)")
    parser.add_argument("--sample", type=int, default=100, help="segments for logprob (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    from summarize.engines.registry import EngineRegistry, default_model
    from summarize.input.wmt_xml import read_test_set

    scorer = args.scorer or default_model()[0]
    test_set = read_test_set(TEST_SET)
    da_sys, da_seg = read_da()
    every = list(range(len(test_set.sources)))
    sample = sorted(random.Random(args.seed).sample(every, args.sample)) if args.sample else []
    embedder = EngineRegistry("cpu", None, print).embedder("minilm")
    lower = {"ter"}

    start = time.perf_counter()
    full = summarise(reference_metrics(test_set, every, embedder), every, da_sys, da_seg, lower)
    print(f"reference-based metrics, {len(every)} segments: {time.perf_counter() - start:.0f} s")
    for key, expected in EXPECTED.items():
        found = full[key]["system"]["pearson"]
        assert abs(found - expected) < 0.0015, f"{key}: Pearson {found}, expected {expected}"
    report = {
        "data": "WMT21 news ru-en: 10 systems, references A and B, DA z-scores (crowd)",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "full_set": {"segments": len(every), "metrics": full},
        "comet_shipped": correlations(read_comet(), da_sys),
        "check": {key: full[key]["system"]["pearson"] for key in EXPECTED},
    }
    if sample and scorer != "none":
        start = time.perf_counter()
        on_sample = reference_metrics(test_set, sample, embedder)
        on_sample["logprob"] = logprob_metric(test_set, sample, scorer)
        model = on_sample["logprob"].pop("model")
        report["sample"] = {
            "segments": len(sample),
            "seed": args.seed,
            "indices": sample,
            "scorer": scorer,
            "scorer_model": model,
            "metrics": summarise(on_sample, sample, da_sys, da_seg, lower),
            "seconds": round(time.perf_counter() - start, 1),
        }
    out = args.out or REPO / "bench" / "results" / f"human-correlation-{scorer}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"wrote {out}")


def print_table(report: dict) -> None:
    print("| metric | reference | system Pearson | system Kendall | segment Kendall |")
    print("|---|---|---:|---:|---:|")
    for key, row in report["full_set"]["metrics"].items():
        system, segment = row["system"], row["segment"]
        print(
            f"| {key} | A+B | {system['pearson']:.3f} | {system['kendall']:.3f} | "
            f"{segment['kendall']:.3f} |"
        )
    comet = report["comet_shipped"]
    print(f"| COMET (shipped) | A | {comet['pearson']:.3f} | {comet['kendall']:.3f} | |")
    if "sample" in report:
        print(f"\nsample of {report['sample']['segments']} segments:")
        for key, row in report["sample"]["metrics"].items():
            system, segment = row["system"], row["segment"]
            reference = "none" if key == "logprob" else "A+B"
            print(
                f"| {key} | {reference} | {system['pearson']:.3f} | {system['kendall']:.3f} | "
                f"{segment['kendall']:.3f} |"
            )


if __name__ == "__main__":
    main()
