"""How well each metric of the tool agrees with people: WMT21 Russian→English and
Japanese→English.

Every metric the tool reports on a translation (BLEU, chrF, chrF++, TER, ROUGE-1/2/L, the
embedding cosine, and the reference-free leg score in each of its variants) scores the systems
of ``../shared/data/wmt21/newstest2021.<pair>.all.xml`` (ru-en: 10 systems, references A and B;
ja-en: 16 systems, reference A) through the tool's own metric code, and is correlated with the
human direct assessments shipped beside it:

- system level: Pearson and Kendall between each metric's corpus score and the systems'
  DA z-scores (``da-sys-scores``), with COMET's shipped system scores as a reference point;
- segment level: Kendall between each metric's sentence score and the judged segments' DA
  z-scores (``da-seg-scores``; crowd judgements, one rater per segment mostly: expect little).

The reference-based metrics use every reference of the pair (ru-en: A and B, as the figures
WMT21's data gives for BLEU, chrF and TER, system Pearson 0.545, 0.584, -0.536, do; the harness
checks that it reproduces them). The reference-free variants use none; each is a scoring model's
mean log-probability per token, with the prompts the tool translates with (default scorer: the
default model):

- ``forward``: of each output given its source (the leg score as it was);
- ``reverse``: of the source given the output, with the reverse prompt (a translation that
  drops content makes its source unlikely);
- ``prism``: the mean of the two (Thompson & Post 2020);
- ``pmi``: ``forward`` minus the output's log-probability under the same prompt with an empty
  source (pointwise mutual information: no reward for fluent text that ignores the source).

Scoring every output with a 1.5B model on 2 CPU cores takes hours, so they run on a seeded
sample of segments (``--sample``, the same for every system and both pairs); every other metric
is reported on the full set and on the same sample, so they compare like for like. On the sample
the scorer also translates the segments itself (cached), and the report gives the rank of its
own translations among the systems by each score against their rank by chrF: how much the
scorer favours itself.

    python bench/human_correlation.py     # bench/results/human-correlation-<scorer>-<pair>.json
    python bench/human_correlation.py --pair ja-en --sample 0 --scorer none   # references only
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
# Per pair: the references used, and what the harness must reproduce (system Pearson, DA z).
PAIRS = {
    "ru-en": {"references": ("A", "B"), "expected": {"bleu": 0.545, "chrf": 0.584, "ter": -0.536}},
    "ja-en": {"references": ("A",), "expected": {}},
}
# The DA files name systems with a numeric suffix (``Online-B.4``) and NeMo differently.
DA_NAMES = {"Nemo": "NVIDIA-NeMo"}
# The tool's metric keys for one translation, in report order.
METRICS = ["bleu", "chrf", "chrf++", "ter", "rouge1", "rouge2", "rougeL", "embedding_cosine"]
# The reference-free variants (see the module docstring), in report order.
VARIANTS = ["forward", "reverse", "prism", "pmi"]
OWN = "scorer's own"


def system_name(da_name: str) -> str:
    base = da_name.rsplit(".", 1)[0]
    return DA_NAMES.get(base, base)


def read_da(pair: str) -> tuple[dict[str, float], dict[tuple[str, int], float]]:
    """(system → DA z, (system, segment index from 0) → DA z)."""
    systems = {}
    for line in (DATA / f"da-sys-scores.{pair}.csv").read_text().splitlines()[1:]:
        _raw, z, _n, name, _all = line.split()
        systems[system_name(name)] = float(z)
    segments = {}
    for line in (DATA / f"da-seg-scores.{pair}.csv").read_text().splitlines()[1:]:
        name, sid, _raw, z, _n = line.split()
        segments[(system_name(name), int(sid) - 1)] = float(z)
    return systems, segments


def read_comet(pair: str) -> dict[str, float]:
    rows = (DATA / f"comet-sys-scores.{pair}.ref-A.tsv").read_text().splitlines()
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


def reference_metrics(
    test_set, systems: dict[str, list[str]], indices: list[int], embedder, references
) -> dict[str, dict]:
    """Corpus and sentence scores of every reference-based metric, per system, on ``indices``
    (``systems``: each system's outputs for all of ``indices``, in order)."""
    from summarize.metrics.registry import MetricInputs, build_metrics

    streams = [[test_set.references[name][i] for i in indices] for name in references]
    sources = [test_set.sources[i] for i in indices]
    metrics = build_metrics(METRICS, MetricInputs(sources, lambda: embedder))
    found: dict[str, dict] = {}
    for key, metric in metrics.items():
        corpus, sentences = {}, {}
        for name, hypotheses in systems.items():
            corpus[name] = float(metric.corpus_score(hypotheses, streams).score)
            sentences[name] = sentence_scores(key, metric, hypotheses, streams)
        found[key] = {"corpus": corpus, "sentences": sentences}
    return found


def leg_score_variants(engine, sources: list[str], systems: dict[str, list[str]], language):
    """Every variant of the reference-free score, per system (scores are cached in the tool's
    output cache, so a second run costs nothing)."""
    from summarize.input.languages import get_language

    english = get_language("en")
    blank = [""] * len(sources)
    found: dict[str, dict] = {variant: {"corpus": {}, "sentences": {}} for variant in VARIANTS}
    for name, outputs in systems.items():
        start = time.perf_counter()
        forward = engine.score_translations(sources, outputs, language, english)
        reverse = engine.score_translations(outputs, sources, english, language)
        alone = engine.score_translations(blank, outputs, language, english)
        rows = {
            "forward": forward,
            "reverse": reverse,
            "prism": [_mean(f, r) for f, r in zip(forward, reverse, strict=True)],
            "pmi": [
                None if f is None or a is None else f - a
                for f, a in zip(forward, alone, strict=True)
            ],
        }
        for variant, scores in rows.items():
            found[variant]["sentences"][name] = [math.nan if s is None else s for s in scores]
            scored = [s for s in scores if s is not None]
            found[variant]["corpus"][name] = sum(scored) / len(scored)
        seconds = time.perf_counter() - start
        values = ", ".join(f"{v} {found[v]['corpus'][name]:.3f}" for v in VARIANTS)
        print(f"  {name}: {values} ({seconds:.0f} s)", flush=True)
    return found


def _mean(left: float | None, right: float | None) -> float | None:
    return None if left is None or right is None else (left + right) / 2


def rank(values: dict[str, float], name: str, lower_is_better: bool) -> int:
    """``name``'s place (1 = best) among ``values``."""
    order = sorted(values, key=values.__getitem__, reverse=not lower_is_better)
    return order.index(name) + 1


def self_preference(found: dict[str, dict], lower: set[str]) -> dict:
    """Where the scorer's own translations rank among all systems by each metric, against
    their rank by chrF (the people-free stand-in for how good they are)."""
    by_chrf = rank(found["chrf"]["corpus"], OWN, False)
    rows = {}
    for key, scores in found.items():
        corpus = scores["corpus"]
        others = {name: value for name, value in corpus.items() if name != OWN}
        best = (min if key in lower else max)(others.values())
        rows[key] = {
            "own_rank": rank(corpus, OWN, key in lower),
            "own_rank_by_chrf": by_chrf,
            "systems": len(corpus),
            "own_value": round(corpus[OWN], 4),
            "best_other_value": round(best, 4),
        }
    return rows


def summarise(found: dict, indices: list[int], da_sys, da_seg, lower: set[str]) -> dict:
    rows = {}
    for key, scores in found.items():
        judged = {name: value for name, value in scores["corpus"].items() if name != OWN}
        rows[key] = {
            "system": correlations(judged, da_sys),
            "segment": segment_kendall(scores["sentences"], indices, da_seg),
            "per_system": {name: round(value, 4) for name, value in scores["corpus"].items()},
            "lower_is_better": key in lower,
        }
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pair", choices=sorted(PAIRS), action="append")
    parser.add_argument("--scorer", default=None, help="model for logprob (default: default)")
    parser.add_argument("--sample", type=int, default=32, help="segments for logprob (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--thin", type=int, default=1, help="keep every n-th sampled segment")
    parser.add_argument("--no-full", action="store_true", help="skip the full-set metrics")
    args = parser.parse_args()

    from summarize.engines.registry import EngineRegistry, default_model

    scorer = args.scorer or default_model()[0]
    embedder = EngineRegistry("cpu", None, print).embedder("minilm")
    for pair in args.pair or list(PAIRS):
        run_pair(pair, scorer, args.sample, args.seed, args.thin, embedder, not args.no_full)


def run_pair(
    pair: str, scorer: str, size: int, seed: int, thin: int, embedder, full_set: bool
) -> None:
    from summarize.engines.registry import EngineRegistry
    from summarize.engines.store import OutputStore
    from summarize.input.languages import get_language
    from summarize.input.wmt_xml import read_test_set
    from summarize.resources import cache_dir

    config = PAIRS[pair]
    references = config["references"]
    test_set = read_test_set(DATA / f"newstest2021.{pair}.all.xml")
    da_sys, da_seg = read_da(pair)
    every = list(range(len(test_set.sources)))
    sample = sorted(random.Random(seed).sample(every, size))[::thin] if size else []
    lower = {"ter"}
    print(f"{pair}: {len(test_set.systems)} systems, {len(every)} segments", flush=True)
    report: dict = {
        "data": f"WMT21 news {pair}: {len(test_set.systems)} systems, references "
        f"{'+'.join(references)}, DA z-scores (crowd)",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "comet_shipped": correlations(read_comet(pair), da_sys),
    }
    if full_set:
        start = time.perf_counter()
        systems = test_set.systems
        found = reference_metrics(test_set, systems, every, embedder, references)
        full = summarise(found, every, da_sys, da_seg, lower)
        seconds = time.perf_counter() - start
        print(f"reference-based metrics, {len(every)} segments: {seconds:.0f} s")
        for key, expected in config["expected"].items():
            value = full[key]["system"]["pearson"]
            assert abs(value - expected) < 0.0015, f"{key}: Pearson {value}, expected {expected}"
        report["full_set"] = {"segments": len(every), "metrics": full}
        report["check"] = {key: full[key]["system"]["pearson"] for key in config["expected"]}
    if sample and scorer != "none":
        start = time.perf_counter()
        language, english = get_language(pair.split("-")[0]), get_language("en")
        store = OutputStore(cache_dir() / "outputs.sqlite3")
        engine = EngineRegistry("cpu", store, print, backend="auto").translator(
            scorer, language, english
        )
        sources = [test_set.sources[i] for i in sample]
        systems = {name: [outputs[i] for i in sample] for name, outputs in test_set.systems.items()}
        systems[OWN] = engine.translate(sources, language, english)
        print(f"  {OWN} translations: {time.perf_counter() - start:.0f} s", flush=True)
        on_sample = reference_metrics(test_set, systems, sample, embedder, references)
        on_sample.update(leg_score_variants(engine, sources, systems, language))
        store.close()
        report["sample"] = {
            "segments": len(sample),
            "seed": seed,
            "thin": thin,
            "indices": sample,
            "scorer": scorer,
            "scorer_model": engine.info.to_dict(),
            "metrics": summarise(on_sample, sample, da_sys, da_seg, lower),
            "self_preference": self_preference(on_sample, lower),
            "seconds": round(time.perf_counter() - start, 1),
        }
    out = REPO / "bench" / "results" / f"human-correlation-{scorer}-{pair}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"wrote {out}", flush=True)


def print_table(report: dict) -> None:
    print(report["data"])
    print("| metric | set | system Pearson | system Kendall | segment Kendall | own rank |")
    print("|---|---|---:|---:|---:|---|")
    for key, row in report.get("full_set", {}).get("metrics", {}).items():
        system, segment = row["system"], row["segment"]
        print(
            f"| {key} | full | {system['pearson']:.3f} | {system['kendall']:.3f} | "
            f"{segment['kendall']:.3f} | |"
        )
    comet = report["comet_shipped"]
    print(f"| COMET (published) | full | {comet['pearson']:.3f} | {comet['kendall']:.3f} | | |")
    if "sample" in report:
        sample = report["sample"]
        for key, row in sample["metrics"].items():
            system, segment = row["system"], row["segment"]
            own = sample["self_preference"][key]
            print(
                f"| {key} | {sample['segments']} segments | {system['pearson']:.3f} | "
                f"{system['kendall']:.3f} | {segment['kendall']:.3f} | "
                f"{own['own_rank']} of {own['systems']} (chrF: {own['own_rank_by_chrf']}) |"
            )


if __name__ == "__main__":
    main()
