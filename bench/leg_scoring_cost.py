"""What the reference-free leg score costs: a seed run with and without it, alone.

Runs ``summarize run SEED --no-cache`` (every output generated, every leg scored) and the same
with ``--scorer none``, alternating, ``--pairs`` times each, on the default model (Qwen2.5-Coder
1.5B Instruct when its extra is installed, converted once beforehand), and reports the median
wall time and peak memory of each and their ratio. Run it alone: two model jobs on two cores
slow each other down.

    python bench/leg_scoring_cost.py            # bench/results/leg-scoring-cost-<model>.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from first_run import SEED, measure

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen-1.5b")
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    env = {**os.environ, "SUMMARIZE_DEFAULT_MODEL": args.model}
    base = [sys.executable, "-m", "summarize", "run", str(SEED), "--no-cache"]
    commands = {"without scoring": [*base, "--scorer", "none"], "with scoring": base}
    measure(commands["without scoring"], env)  # converts the model once if it must
    runs: dict[str, list[dict]] = {name: [] for name in commands}
    for pair in range(args.pairs):
        for name, command in commands.items():
            runs[name].append(measure(command, env))
            print(f"pair {pair + 1} {name}: {runs[name][-1]}", flush=True)
    medians = {
        name: {
            "wall_s": statistics.median(run["wall_s"] for run in found),
            "peak_rss_bytes": statistics.median(run["peak_rss_bytes"] for run in found),
        }
        for name, found in runs.items()
    }
    ratio = medians["with scoring"]["wall_s"] / medians["without scoring"]["wall_s"]
    report = {
        "model": args.model,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "command": " ".join(base[2:]),
        "runs": runs,
        "medians": medians,
        "wall_ratio_with_over_without": round(ratio, 3),
        "target": "a seed run with scoring takes at most 1.5x the run without (ratio <= 1.5)",
    }
    out = args.out or REPO / "bench" / "results" / f"leg-scoring-cost-{args.model}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"with / without scoring: {ratio:.3f}x wall; wrote {out}")


if __name__ == "__main__":
    main()
