"""`summarize score` against `sacrebleu -l SRC-TGT` on test sets into Japanese and Chinese.

Every system of ``../shared/data/wmt21/newstest2021.en-ja.all.xml`` (15 systems, reference A,
BLEU tokenizer ``ja-mecab``) and ``../shared/data/wmt22/wmttest2022.en-zh.all.xml`` (13
systems, references A and B, tokenizer ``zh``) is scored twice at sacrebleu's defaults (paired
bootstrap, 1000 resamples, seed 12345, the first system the baseline):

- by this package: ``summarize.scoring.score_test_set`` on the XML file, which takes the target
  language from the references' ``lang``;
- by sacrebleu's command line on the plain files its own WMT XML reader extracts:
  ``sacrebleu REF... -i SYSTEM... -m bleu chrf ter -l SRC-TGT --paired-bs -f json``.

BLEU, chrF and TER, their bootstrap means and 95% half-widths and the p-values must be equal
at the precision sacrebleu prints (``-w 8``; p-values with 4 decimals). The results go to
``bench/results/score-languages.json`` and ``.md``.

    python bench/score_languages.py            # both sets, every system (minutes)
    python bench/score_languages.py --samples 100   # a quicker look
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's package, not an installed one
DATA = REPO.parent / "shared" / "data"
TEST_SETS = {
    "en-ja": DATA / "wmt21" / "newstest2021.en-ja.all.xml",
    "en-zh": DATA / "wmt22" / "wmttest2022.en-zh.all.xml",
}
METRICS = ("bleu", "chrf", "ter")
# Decimals of sacrebleu's scores, means and half-widths (`-w`), and of its p-values.
WIDTH = 8
P_DIGITS = 4
# What sacrebleu's reader gives besides references and systems.
NOT_SYSTEMS = {"src", "docid", "origlang", "domain"}
FIELDS = ("score", "mean", "ci", "p_value")


@dataclass
class Extracted:
    """A WMT XML set as sacrebleu's reader extracts it: plain files, one segment a line."""

    references: list[Path]
    systems: dict[str, Path]


def translators(path: Path) -> list[str]:
    """The translators of a WMT XML file in the order their ``<ref>`` first appears.

    sacrebleu's reader keeps its translators in a set, so the order of its reference fields
    changes from run to run; chrF with several references depends on that order (a segment
    whose references tie on chrF takes the first one's statistics), so both tools get the
    references in the file's order, the order ``summarize score`` uses."""
    from xml.etree import ElementTree

    found = (ref.get("translator") for ref in ElementTree.parse(path).getroot().iter("ref"))
    return list(dict.fromkeys(name for name in found if name))


def extract(path: Path, out: Path) -> Extracted:
    """sacrebleu's own WMT21+ reader and cleaning write the references and every system, in
    file order, as plain files under ``out``."""
    from sacrebleu.dataset.wmt_xml import WMTXMLDataset

    fields = WMTXMLDataset._unwrap_wmt21_or_later(str(path))
    files: dict[str, Path] = {}
    for name, lines in fields.items():
        files[name] = out / f"{name.replace(':', '-').replace('/', '_')}.txt"
        cleaned = [WMTXMLDataset._clean(line) for line in lines]
        files[name].write_text("\n".join(cleaned) + "\n", encoding="utf-8")
    references = [files[f"ref:{name}"] for name in translators(path)]
    names = [name for name in fields if name not in NOT_SYSTEMS and not name.startswith("ref:")]
    return Extracted(references, {name: files[name] for name in names})


def sacrebleu_scores(
    extracted: Extracted, pair: str, samples: int = 0
) -> dict[str, dict[str, dict[str, float | None]]]:
    """sacrebleu's command line, paired bootstrap: system → metric → score, mean, ci, p.

    Read from its text table (``-w 8``; p-values have 4 decimals there): its JSON output
    cannot hold TER's numpy floats in sacrebleu 2.6. Cells come row by row (one row per
    system, in ``-i`` order) and metric by metric (``-m`` order); the baseline has no p."""
    command = [sys.executable, "-m", "sacrebleu", *map(str, extracted.references), "-i"]
    command += [*map(str, extracted.systems.values()), "-m", *METRICS, "-l", pair]
    command += ["--paired-bs", "-w", str(WIDTH), "-f", "text", "--no-color"]
    if samples:
        command += ["--paired-bs-n", str(samples)]
    text = subprocess.run(
        command, capture_output=True, text=True, check=True, env={"PATH": ""}
    ).stdout
    cells = iter(re.findall(r"([\d.]+) \(([\d.]+) ± ([\d.]+)\)", text))
    p_values = iter(float(p) for p in re.findall(r"p = ([\d.]+)", text))
    found: dict[str, dict[str, dict[str, float | None]]] = {}
    for index, name in enumerate(extracted.systems):
        found[name] = {}
        for key in METRICS:
            score, mean, ci = map(float, next(cells))
            p_value = next(p_values) if index else None
            found[name][key] = {"score": score, "mean": mean, "ci": ci, "p_value": p_value}
    return found


def our_scores(
    path: Path, samples: int = 0
) -> tuple[dict[str, dict[str, dict[str, float | None]]], dict[str, str]]:
    """This package on the XML file (every system, the first the baseline): system → metric →
    score, mean, ci (half-width), p; and each metric's signature."""
    from summarize.scoring import ScoreOptions, score_test_set

    options = ScoreOptions(metrics=list(METRICS), n_samples=samples, segment_scores=False)
    report = score_test_set(path, options=options)
    found = {}
    for system in report.systems:
        found[system.name] = {
            key: {
                "score": value.score,
                "mean": value.mean,
                "ci": None if value.ci_high is None else (value.ci_high - value.ci_low) / 2,
                "p_value": value.p_value,
            }
            for key, value in system.scores.items()
        }
    return found, {metric.name: metric.signature for metric in report.metrics}


def differences(ours: dict, theirs: dict) -> list[str]:
    """Every number of ours that, rounded as sacrebleu prints it, differs from sacrebleu's."""
    found = []
    for system, metrics in theirs.items():
        for key, values in metrics.items():
            for field in FIELDS:
                digits = P_DIGITS if field == "p_value" else WIDTH
                mine, other = ours[system][key][field], values[field]
                if (None if mine is None else round(mine, digits)) != other:
                    found.append(f"{system} {key} {field}: ours {mine}, sacrebleu {other}")
    return found


def compare(pair: str, samples: int = 0) -> dict:
    """Both tools on one set; the numbers side by side, the differences and the timings."""
    path = TEST_SETS[pair]
    with tempfile.TemporaryDirectory() as folder:
        extracted = extract(path, Path(folder))
        started = time.perf_counter()
        theirs = sacrebleu_scores(extracted, pair, samples)
        sacrebleu_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ours, signatures = our_scores(path, samples)
    ours_seconds = time.perf_counter() - started
    return {
        "test_set": str(path.relative_to(DATA.parent.parent)),
        "language_pair": pair,
        "references": len(extracted.references),
        "systems": {name: {"ours": ours[name], "sacrebleu": theirs[name]} for name in theirs},
        "signatures": signatures,
        "differences": differences(ours, theirs),
        "seconds": {"ours": round(ours_seconds, 1), "sacrebleu": round(sacrebleu_seconds, 1)},
    }


def markdown(results: list[dict]) -> str:
    """One table per set: BLEU, chrF and TER of every system, ours beside sacrebleu's."""
    lines = ["# `summarize score` against `sacrebleu -l SRC-TGT`", ""]
    for result in results:
        lines += [
            f"## {result['language_pair']}: {result['test_set']}",
            "",
            f"{len(result['systems'])} systems, {result['references']} reference(s); "
            f"differences (at sacrebleu's {WIDTH} decimals, p at {P_DIGITS}): "
            f"{len(result['differences'])}; "
            f"seconds: ours {result['seconds']['ours']}, "
            f"sacrebleu {result['seconds']['sacrebleu']}.",
            "",
            "| system | BLEU ours | BLEU sacrebleu | chrF ours | chrF sacrebleu | TER ours | "
            "TER sacrebleu | p (BLEU) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, both in result["systems"].items():
            cells = [
                f"{both[side][key]['score']:.2f}"
                for key in METRICS
                for side in ("ours", "sacrebleu")
            ]
            p_value = both["ours"]["bleu"]["p_value"]
            cells.append("baseline" if p_value is None else f"{p_value:.4f}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines += ["", "Signatures (ours):", ""]
        lines += [f"- {key}: `{sig}`" for key, sig in result["signatures"].items()]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=0, help="resamples (0: 1000)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    args = parser.parse_args()
    results = [compare(pair, args.samples) for pair in TEST_SETS]
    import sacrebleu

    report = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "sacrebleu": sacrebleu.__version__,
        "samples": args.samples or 1000,
        "results": results,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "score-languages.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "score-languages.md").write_text(markdown(results))
    for result in results:
        print(result["language_pair"], "differences:", len(result["differences"]))
        for line in result["differences"][:10]:
            print("  ", line)


if __name__ == "__main__":
    main()
