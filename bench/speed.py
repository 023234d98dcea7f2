"""Translation speed benchmark: naive transformers loop vs this tool's backends vs CTranslate2.

One command measures, on the bundled Gemma 3 270M and the same few-shot EN→RU prompts (the seed
article's sentences plus N lines of WMT19 newstest2019-en-ru.src.en):

  (a) naive: transformers ``generate`` called one sentence at a time;
  (b) tool-hf: this tool's transformers backend (length-sorted, token-budget batches);
  (c) tool-ct2: this tool's CTranslate2 backend (int8 on CPU), same batching;
  (d) ct2-direct: CTranslate2's own ``generate_batch`` on the same prompts and budget (ceiling).

Each variant runs in its own process, so peak RSS is that variant's alone. It prints tokens per
second, wall time, peak RSS and the ratios (b)/(a), (c)/(a), (c)/(d); scores each variant's
Russian against the human reference (how much int8 moves BLEU/chrF); times ``summarize --help``
and ``summarize run`` on the seed with an empty output cache (cold) and a full one (warm); and
writes everything as JSON.

    python bench/speed.py                 # 200 WMT lines, as in the README
    python bench/speed.py --lines 20      # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_e93c88f19b9118b4.txt"
WMT = REPO.parent / "shared" / "data" / "wmt19"
VARIANTS = ("naive", "tool-hf", "tool-ct2", "ct2-direct")
QUANTIZATION = "int8"

sys.path.insert(0, str(REPO))


# -- inputs ---------------------------------------------------------------------------------


def load_sentences(lines: int) -> tuple[list[str], list[str | None]]:
    """Seed sentences then WMT lines; references (human Russian) only for the WMT lines."""
    from summarize.input.segment import segment_document

    seed = [s.text for s in segment_document(SEED.read_text(encoding="utf-8"), "en")]
    source = (WMT / "newstest2019-en-ru.src.en").read_text(encoding="utf-8").splitlines()[:lines]
    refs = (WMT / "newstest2019-en-ru.ref.ru").read_text(encoding="utf-8").splitlines()[:lines]
    return seed + source, [None] * len(seed) + refs


def prompts_and_limits(engine, sentences: list[str]) -> tuple[list[str], list[int]]:
    """The exact prompts and length limits the tool uses (shared by every variant)."""
    from summarize.input.languages import get_language

    prompts = engine.translation_prompts(sentences, get_language("en"), get_language("ru"))
    return prompts, [engine.translation_limit(text) for text in sentences]


# -- one variant, in a child process ---------------------------------------------------------


def run_variant(variant: str, sentences: list[str], threads: int) -> dict:
    from summarize.engines.causal.generators import first_line
    from summarize.engines.registry import EngineRegistry
    from summarize.input.languages import get_language

    loaded_at = time.perf_counter()
    backend = "transformers" if variant in ("naive", "tool-hf") else "ct2"
    registry = EngineRegistry(
        "cpu", None, print, backend=backend, threads=threads, quantization=QUANTIZATION
    )
    engine = registry.translator("bundled")  # the tool's engine, without the output cache
    generator = engine.generator
    prompts, limits = prompts_and_limits(engine, sentences)
    load_s = time.perf_counter() - loaded_at

    started = time.perf_counter()
    if variant == "naive":
        outputs = [
            generator.generate_batch([p], [limit])[0]
            for p, limit in zip(prompts, limits, strict=True)
        ]
    elif variant in ("tool-hf", "tool-ct2"):
        outputs = engine.translate(sentences, get_language("en"), get_language("ru"))
    else:  # ct2-direct: CTranslate2 batches and sorts by itself, same token budget
        tokenizer = generator.tokenizer
        results = generator.model.generate_batch(
            [generator.tokens(p) for p in prompts],
            max_batch_size=engine.token_budget,
            batch_type="tokens",
            max_length=max(limits),
            sampling_topk=1,
            end_token=generator.end_tokens,
            include_prompt_in_result=False,
        )
        outputs = [
            first_line(tokenizer.decode(r.sequences_ids[0][:limit], skip_special_tokens=True))
            for r, limit in zip(results, limits, strict=True)
        ]
    wall = time.perf_counter() - started
    tokens = sum(engine.count_tokens(text) for text in outputs)
    return {
        "variant": variant,
        "wall_s": wall,
        "load_s": load_s,
        "output_tokens": tokens,
        "tokens_per_s": tokens / wall,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "outputs": outputs,
    }


def run_in_child(variant: str, lines: int, threads: int, cache: Path) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_file = Path(handle.name)
    env = {**os.environ, "SUMMARIZE_CACHE_DIR": str(cache)}
    command = [sys.executable, __file__, "--child", variant, "--lines", str(lines)]
    command += ["--threads", str(threads), "--result-file", str(result_file)]
    subprocess.run(command, check=True, env=env)
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result_file.unlink()
    return result


# -- the command line ------------------------------------------------------------------------


def time_command(args: list[str], env: dict, repeat: int = 1) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(args, check=True, env=env, capture_output=True, cwd=REPO)
        times.append(time.perf_counter() - started)
    return times


def end_to_end(cache: Path) -> dict:
    """``summarize --help``; ``summarize run`` on the seed, cold (empty output cache) and warm."""
    summarize = [sys.executable, "-m", "summarize"]
    env = {**os.environ, "SUMMARIZE_CACHE_DIR": str(cache)}
    help_times = time_command([*summarize, "--help"], env, repeat=5)
    store = cache / "outputs.sqlite3"
    for leftover in cache.glob("outputs.sqlite3*"):
        leftover.unlink()
    result = {"help_s_median": statistics.median(help_times), "help_s_max": max(help_times)}
    for backend in ("transformers", "ct2"):
        run = [*summarize, "run", str(SEED), "--backend", backend, "--json"]
        run += ["--translator", "bundled", "--summarizer", "bundled"]  # not the installed default
        cold = time_command(run, env)[0]
        warm = time_command(run, env)[0]
        result[f"run_{backend}_cold_s"] = cold
        result[f"run_{backend}_warm_s"] = warm
        store.unlink(missing_ok=True)
    return result


def scores(outputs: list[str], refs: list[str | None]) -> dict:
    import sacrebleu

    pairs = [(o, r) for o, r in zip(outputs, refs, strict=True) if r is not None]
    hyps, gold = [o for o, _ in pairs], [r for _, r in pairs]
    return {
        "bleu": sacrebleu.corpus_bleu(hyps, [gold]).score,
        "chrf++": sacrebleu.corpus_chrf(hyps, [gold], word_order=2).score,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=200, help="WMT19 lines after the seed")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "speed.json")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--skip-end-to-end", action="store_true")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if not WMT.is_dir():
        sys.exit(f"bench: development data not found at {WMT}")
    sentences, refs = load_sentences(args.lines)
    if args.child:
        result = run_variant(args.child, sentences, args.threads)
        args.result_file.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return

    # Models are converted once into a persistent cache so no variant pays for conversion.
    cache = Path(os.environ.get("SUMMARIZE_BENCH_CACHE", Path.home() / ".cache" / "summarize"))
    variants = [v for v in args.variants.split(",") if v]
    results = {}
    for variant in variants:
        print(f"bench: {variant} on {len(sentences)} sentences...", file=sys.stderr, flush=True)
        results[variant] = run_in_child(variant, args.lines, args.threads, cache)
        results[variant]["scores_vs_human_ru"] = scores(results[variant]["outputs"], refs)

    def ratio(fast: str, slow: str) -> float | None:
        if fast in results and slow in results:
            return results[slow]["wall_s"] / results[fast]["wall_s"]
        return None

    summary = {
        "speedup_tool_hf_vs_naive": ratio("tool-hf", "naive"),
        "speedup_tool_ct2_vs_naive": ratio("tool-ct2", "naive"),
        "tool_ct2_vs_ct2_direct_time": (
            results["tool-ct2"]["wall_s"] / results["ct2-direct"]["wall_s"]
            if {"tool-ct2", "ct2-direct"} <= results.keys()
            else None
        ),
    }
    if "naive" in results:
        base = results["naive"]["outputs"]
        for result in results.values():
            same = sum(a == b for a, b in zip(base, result["outputs"], strict=True))
            result["same_output_as_naive"] = same
    work_dir = Path(tempfile.mkdtemp(prefix="summarize-bench-"))
    if not args.skip_end_to_end:
        (work_dir / "converted").symlink_to(cache / "converted", target_is_directory=True)
        (work_dir / "ct2").symlink_to(cache / "ct2", target_is_directory=True)
        summary.update(end_to_end(work_dir))
    shutil.rmtree(work_dir, ignore_errors=True)

    report = {
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "sentences": len(sentences),
        "wmt_lines": args.lines,
        "threads": args.threads,
        "variants": {k: {x: y for x, y in v.items() if x != "outputs"} for k, v in results.items()},
        "summary": summary,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_table(report)
    print(f"wrote {args.out}")


def print_table(report: dict) -> None:
    print(f"{report['sentences']} sentences, {report['threads']} threads, {report['machine']}")
    header = ("variant", "wall s", "tok/s", "RSS MB", "BLEU", "chrF++", "=naive")
    print(f"{header[0]:<12}" + "".join(f"{h:>9}" for h in header[1:]))
    for name, v in report["variants"].items():
        s = v["scores_vs_human_ru"]
        same = v.get("same_output_as_naive", "")
        print(
            f"{name:<12}{v['wall_s']:>9.1f}{v['tokens_per_s']:>9.1f}{v['peak_rss_mb']:>9.0f}"
            f"{s['bleu']:>9.2f}{s['chrf++']:>9.2f}{same!s:>9}"
        )
    for key, value in report["summary"].items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")


if __name__ == "__main__":
    main()
