"""The default runtime before and after: `summarize run` on the seed and `summarize batch` on three
CNN/DailyMail articles, with `--backend transformers` (the old default) and with no `--backend`
(the new default, `auto`: CTranslate2 float32 where it covers the model), in one script run on one
machine, alternating the two so that drift in the machine's speed hits both alike.

Every run starts with an empty model-output cache (a fresh `SUMMARIZE_CACHE_DIR`), with the
model conversions already made (shared from the user's cache: a seed run of each variant first is
a warm-up that makes them and is not counted). The outputs of the two variants are compared too:
pivots, back-translations and summaries must be equal, or the default would not be faithful.

    python bench/default_runtime.py       # 3 rounds; writes bench/results/default-runtime.json
    python bench/default_runtime.py --rounds 1 --articles 1   # a quick check
    python bench/default_runtime.py --jobs seed --out bench/results/default-runtime-seed.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_e93c88f19b9118b4.txt"
CNNDM = REPO.parent / "shared" / "data" / "cnndm" / "test-articles.jsonl"
USER_CACHE = Path.home() / ".cache" / "summarize"
VARIANTS = {"before (transformers)": ["--backend", "transformers"], "after (default)": []}


def fresh_cache(root: Path) -> Path:
    """An empty output cache that shares the converted models with the user's cache."""
    cache = Path(tempfile.mkdtemp(dir=root))
    for name in ("converted", "ct2"):
        (USER_CACHE / name).mkdir(parents=True, exist_ok=True)
        (cache / name).symlink_to(USER_CACHE / name, target_is_directory=True)
    return cache


def timed(args: list[str], cache: Path, threads: int) -> tuple[float, subprocess.CompletedProcess]:
    env = {**os.environ, "SUMMARIZE_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "summarize", *args, "--threads", str(threads)]
    command += ["--translator", "bundled", "--summarizer", "bundled"]  # not the installed default
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return elapsed, done


def jobs(work: Path, articles: int) -> dict[str, callable]:
    lines = CNNDM.read_text(encoding="utf-8").splitlines()[:articles]
    batch_input = work / "articles.jsonl"
    batch_input.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def seed(extra: list[str], cache: Path, threads: int):
        elapsed, done = timed(["run", str(SEED), "--json", *extra], cache, threads)
        return elapsed, json.loads(done.stdout)

    def batch(extra: list[str], cache: Path, threads: int):
        out = Path(tempfile.mkdtemp(dir=work))
        elapsed, _ = timed(["batch", str(batch_input), "--out", str(out), *extra], cache, threads)
        results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
        return elapsed, {"documents": results}

    return {"seed run": seed, f"batch of {articles} CNN/DailyMail articles": batch}


def outputs_of(result: dict) -> list[list[str]]:
    """Every model output: pivots and back-translations per system, then the summaries."""
    documents = result.get("documents", [result])
    found = []
    for document in documents:
        for system in document["translations"]:
            found.append([segment["pivot"] or "" for segment in system["segments"]])
            found.append([segment["output"] for segment in system["segments"]])
        found.append([summary["text"] for summary in document["summaries"]])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="counted runs of each variant")
    parser.add_argument("--articles", type=int, default=3, help="CNN/DailyMail articles")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/default-runtime.json")
    parser.add_argument("--jobs", default="seed,batch", help="which jobs: seed, batch or both")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="summarize-bench-"))
    report: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "threads": args.threads,
        "rounds": args.rounds,
        "jobs": {},
    }
    all_jobs = jobs(work, args.articles)
    warm_up = all_jobs["seed run"]
    for extra in VARIANTS.values():  # not counted: conversions, page cache
        warm_up(extra, fresh_cache(work), args.threads)
    wanted = set(args.jobs.split(","))
    for job, run in all_jobs.items():
        if job.split()[0] not in wanted:
            continue
        outputs = {}
        times: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for _ in range(args.rounds):
            for name, extra in VARIANTS.items():
                elapsed, output = run(extra, fresh_cache(work), args.threads)
                times[name].append(elapsed)
                outputs.setdefault(name, output)  # every round gives the same outputs
        before, after = (statistics.median(times[name]) for name in VARIANTS)
        equal = outputs_of(outputs["before (transformers)"]) == outputs_of(
            outputs["after (default)"]
        )
        report["jobs"][job] = {
            "seconds": times,
            "median_s": {"before": before, "after": after},
            "speed-up (before / after)": before / after,
            "outputs equal": equal,
        }
        print(
            f"{job}: before {before:.1f} s, after {after:.1f} s, "
            f"{before / after:.2f}x faster; outputs equal: {equal}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
