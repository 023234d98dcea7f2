"""`summarize batch` with the local engine against `--engine ray` (1 and 2 workers), one machine.

The same CNN/DailyMail articles go through three commands, each in its own process with its own
empty model-output cache (so every output is really generated; models converted once are shared):

  local   summarize batch ... (one process, the models loaded once)
  ray-1   summarize batch ... --engine ray --workers 1 (a local Ray, one actor)
  ray-2   summarize batch ... --engine ray --workers 2 (two actors, each with the models)

Every command gets the same settings (default: the bundled model on ``--backend ct2 --threads
1``, no abstractive summariser), so a Ray actor uses one core like the local engine, and two
actors use two. It prints wall time (interpreter start, model loading and Ray's start and stop
included) and documents per minute of each, Ray's overhead (ray-1 time / local time; target at
most 1.2) and what two workers gain (local time / ray-2 time), checks that the three give the same
results.jsonl (timings aside), and writes it all as JSON.

A warm-up (one short article, not timed) converts the bundled model when needed and fills the
page cache, so the first timed command does not pay for that.

    python bench/ray_engine.py                           # 20 articles, as in docs/batch.md
    python bench/ray_engine.py --articles 2 --sentences 3  # a quick check
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO.parent / "shared" / "data" / "cnndm" / "test-articles.jsonl"
MODES = {
    "local": [],
    "ray-1": ["--engine", "ray", "--workers", "1"],
    "ray-2": ["--engine", "ray", "--workers", "2"],
}

# This checkout's package, not whichever one the environment has installed.
sys.path.insert(0, str(REPO))


def articles(path: Path, count: int, sentences: int | None) -> list[dict]:
    from summarize.input.segment import segment_document

    documents = []
    for line in path.read_text(encoding="utf-8").splitlines()[:count]:
        record = json.loads(line)
        text = record["text"]
        if sentences:
            text = " ".join(s.text for s in segment_document(text, "en")[:sentences])
        documents.append({"id": record["id"], "text": text})
    return documents


def fresh_cache(root: Path, name: str) -> Path:
    """An empty output store that shares the converted models of the user's cache."""
    from summarize.resources import cache_dir

    cache = root / name
    cache.mkdir()
    for converted in ("converted", "ct2"):  # GGUF → transformers, → CTranslate2
        shared = cache_dir() / converted
        shared.mkdir(parents=True, exist_ok=True)
        (cache / converted).symlink_to(shared, target_is_directory=True)
    return cache


def batch(inputs: Path, out: Path, settings: list[str], cache: Path) -> tuple[float, int]:
    """One `summarize batch` in its own process: (wall seconds, exit code)."""
    env = {**os.environ, "SUMMARIZE_CACHE_DIR": str(cache)}
    env.pop("RAY_ADDRESS", None)  # a local Ray on this machine, not a cluster
    command = [sys.executable, "-m", "summarize", "batch", str(inputs), "--out", str(out)]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, *settings], cwd=REPO, env=env, stdout=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - started, done.returncode


def without_timings(path: Path) -> list[dict]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        line.pop("timings")
    return lines


def commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=ARTICLES, help="JSONL articles")
    parser.add_argument("--articles", type=int, default=20, help="the first N articles")
    parser.add_argument("--sentences", type=int, help="keep each article's first N sentences")
    parser.add_argument("--translator", default="bundled", help="a preset (named, not the default)")
    parser.add_argument("--backend", default="ct2")
    parser.add_argument("--threads", type=int, default=1, help="per process / per Ray actor")
    parser.add_argument("--summarizer", default="none", help="'bundled' or 'none'")
    parser.add_argument("--chunk-documents", type=int, default=8)
    parser.add_argument("--no-warm-up", dest="warm_up", action="store_false")
    parser.add_argument("--out", type=Path, help="JSON file (default: bench/results/ray-...)")
    args = parser.parse_args()

    documents = articles(args.input, args.articles, args.sentences)
    settings = ["--translator", args.translator, "--backend", args.backend]
    settings += ["--threads", str(args.threads)]
    settings += ["--summarizer", args.summarizer, "--chunk-documents", str(args.chunk_documents)]
    modes: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as work:
        root = Path(work)
        inputs = root / "articles.jsonl"
        inputs.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
        if args.warm_up:
            first = root / "warm-up.jsonl"
            short = articles(args.input, 1, 2)
            first.write_text(json.dumps(short[0]) + "\n", encoding="utf-8")
            batch(first, root / "out-warm-up", settings, fresh_cache(root, "cache-warm-up"))
        for name, extra in MODES.items():
            out = root / f"out-{name}"
            cache = fresh_cache(root, f"cache-{name}")
            wall_s, code = batch(inputs, out, [*settings, *extra], cache)
            written = without_timings(out / "results.jsonl") if out.exists() else []
            modes[name] = {
                "command": f"summarize batch ARTICLES --out DIR {' '.join([*settings, *extra])}",
                "wall_s": round(wall_s, 2),
                "documents": len(written),
                "documents_per_min": round(60 * len(written) / wall_s, 3),
                "exit_code": code,
                "results": written,
            }
            print(
                f"{name:6} {wall_s:8.1f} s  {modes[name]['documents_per_min']:6.2f} documents/min"
                f"  ({len(written)} documents, exit code {code})",
                flush=True,
            )

    local, ray_1, ray_2 = (modes[name] for name in MODES)
    overhead = ray_1["wall_s"] / local["wall_s"]
    speed_up = local["wall_s"] / ray_2["wall_s"]
    equal = local["results"] == ray_1["results"] == ray_2["results"]
    print(f"Ray overhead, 1 worker: {overhead:.2f}x the local engine's time (target: <= 1.2x)")
    print(f"2 workers: {speed_up:.2f}x the local engine's speed")
    print(f"results.jsonl equal (timings aside): {'yes' if equal else 'NO'}")

    import ray

    report = {
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "ray": ray.__version__,
        },
        "commit": commit(),
        "input": str(args.input),
        "articles": len(documents),
        "sentences_per_article": args.sentences,
        "settings": settings,
        "modes": {
            name: {key: value for key, value in mode.items() if key != "results"}
            for name, mode in modes.items()
        },
        "ray_overhead_1_worker": round(overhead, 3),
        "speed_up_2_workers": round(speed_up, 3),
        "results_equal": equal,
    }
    cut = f"-{args.sentences}sentences" if args.sentences else ""
    out = args.out or REPO / "bench" / "results" / f"ray-{len(documents)}articles{cut}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
