"""Quality and speed of the offline models: Gemma 3 270M (bundled) and Qwen2.5-Coder 0.5B/1.5B.

One command measures every model the same way, on CTranslate2 (int8, N threads), each model in
its own process (so peak RSS is that model's alone; a first process converts it if needed, so
conversion is never timed):

- EN→RU on WMT19 newstest2019-en-ru (first N lines): BLEU and chrF++ against the human Russian;
- RU→EN (reference mode) on newstest2019-ru-en: BLEU and chrF++ against the human English;
- per direction, how many outputs are flagged ``copy_through`` (not in the target language or
  equal to the input), ``commentary`` (a chat preamble, note or refusal), ``truncated``, ``empty``;
- abstractive summaries of the first M CNN/DailyMail test articles: how many have
  ``consistency`` flags (numbers or names the article does not contain) and how many such items,
  novel bigrams, length in words, ``commentary`` / ``truncated`` flags;
- speed: generated tokens per second (the model's own tokenizer) per task and overall, and peak
  RSS;
- ``summarize run`` on the seed article with the model as translator and summariser (ct2,
  N threads, models already converted, empty output cache): wall time, and the round trip's
  scores and flags.

It writes ``bench/results/models-<lines>lines-<articles>articles.json`` (every number, the
outputs, settings and machine) and a Markdown table beside it (``.md``).

    python bench/models.py                          # 200 lines, 20 articles, all three models
    python bench/models.py --lines 3 --articles 1 --models bundled --skip-seed-run  # a minute
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"  # ../shared/data, as the tests expect it (--data moves it)
MODELS = ("bundled", "qwen-0.5b", "qwen-1.5b")
SEED = REPO / "seeds" / "000_e93c88f19b9118b4.txt"
QUANTIZATION = "int8"

sys.path.insert(0, str(REPO))


def read_lines(data: Path, name: str, count: int) -> list[str]:
    return (data / "wmt19" / name).read_text(encoding="utf-8").splitlines()[:count]


def read_articles(data: Path, count: int) -> list[dict]:
    with open(data / "cnndm" / "test-articles.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line, _ in zip(handle, range(count), strict=False)]


# -- one model, in a child process -----------------------------------------------------------


def load_engine(model: str, threads: int, notes: list[str]):
    from summarize.engines.registry import EngineRegistry

    registry = EngineRegistry(
        "cpu", None, notes.append, backend="ct2", threads=threads, quantization=QUANTIZATION
    )
    return registry.translator(model)  # no output cache: everything is generated


def translation_task(engine, sources: list[str], refs: list[str], source: str, target: str):
    import sacrebleu

    from summarize.input.languages import get_language
    from summarize.tasks.flags import Output, OutputKind, flags_of

    src, tgt = get_language(source), get_language(target)
    started = time.perf_counter()
    outputs = engine.translate(sources, src, tgt)
    wall = time.perf_counter() - started
    flags = [
        {
            flag.code
            for flag in flags_of(
                Output(OutputKind.TRANSLATION, out, text, language=tgt, source_language=src)
            )
        }
        for out, text in zip(outputs, sources, strict=True)
    ]
    tokens = sum(engine.count_tokens(text) for text in outputs)
    return {
        "lines": len(sources),
        "bleu": sacrebleu.corpus_bleu(outputs, [refs]).score,
        "chrf++": sacrebleu.corpus_chrf(outputs, [refs], word_order=2).score,
        **{
            code: sum(code in found for found in flags)
            for code in ("copy_through", "commentary", "truncated", "empty", "repetition")
        },
        "wall_s": wall,
        "output_tokens": tokens,
        "tokens_per_s": tokens / wall,
        "outputs": [str(out) for out in outputs],
    }


def summary_task(engine, articles: list[dict]):
    from summarize.metrics.consistency import check_consistency
    from summarize.metrics.extractiveness import extractiveness
    from summarize.tasks.flags import Output, OutputKind, flags_of

    texts = [article["text"] for article in articles]
    started = time.perf_counter()
    summaries = engine.summarize_many(texts)
    wall = time.perf_counter() - started
    rows = []
    for article, summary in zip(articles, summaries, strict=True):
        unsupported = check_consistency(summary, article["text"]).unsupported
        flags = flags_of(Output(OutputKind.SUMMARY, summary, article["text"]))
        rows.append(
            {
                "id": article["id"],
                "summary": str(summary),
                "words": len(summary.split()),
                "novel_bigrams": extractiveness(article["text"], summary).novel_bigrams,
                "unsupported": unsupported,
                "flags": sorted({flag.code for flag in flags}),
            }
        )
    tokens = sum(engine.count_tokens(summary) for summary in summaries)
    return {
        "articles": len(articles),
        "with_consistency_flags": sum(bool(row["unsupported"]) for row in rows),
        "unsupported_items": sum(len(row["unsupported"]) for row in rows),
        "novel_bigrams_mean": statistics.mean(row["novel_bigrams"] for row in rows),
        "words_mean": statistics.mean(row["words"] for row in rows),
        **{
            code: sum(code in row["flags"] for row in rows)
            for code in ("commentary", "truncated", "empty", "repetition")
        },
        "wall_s": wall,
        "output_tokens": tokens,
        "tokens_per_s": tokens / wall,
        "summaries": rows,
    }


def run_model(model: str, data: Path, lines: int, articles: int, threads: int) -> dict:
    notes: list[str] = []
    started = time.perf_counter()
    engine = load_engine(model, threads, notes)
    load_s = time.perf_counter() - started
    en_ru = translation_task(
        engine,
        read_lines(data, "newstest2019-en-ru.src.en", lines),
        read_lines(data, "newstest2019-en-ru.ref.ru", lines),
        "en",
        "ru",
    )
    ru_en = translation_task(
        engine,
        read_lines(data, "newstest2019-ru-en.src.ru", lines),
        read_lines(data, "newstest2019-ru-en.ref.en", lines),
        "ru",
        "en",
    )
    summaries = summary_task(engine, read_articles(data, articles))
    tasks = (en_ru, ru_en, summaries)
    return {
        "model": model,
        "model_id": engine.info.model_id,
        "revision": engine.info.revision,
        "settings": engine.info.settings,
        "load_s": load_s,
        "notes": notes,
        "en_ru": en_ru,
        "ru_en": ru_en,
        "summaries": summaries,
        "tokens_per_s": sum(t["output_tokens"] for t in tasks) / sum(t["wall_s"] for t in tasks),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_in_child(model: str, args: argparse.Namespace, prepare: bool = False) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_file = Path(handle.name)
    command = [sys.executable, __file__, "--child", model, "--result-file", str(result_file)]
    command += [
        "--lines",
        str(args.lines),
        "--articles",
        str(args.articles),
        "--data",
        str(args.data),
    ]
    command += ["--threads", str(args.threads)] + (["--prepare"] if prepare else [])
    subprocess.run(command, check=True)
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result_file.unlink()
    return result


def seed_run(model: str, threads: int) -> dict:
    """Time ``summarize run`` on the seed: a fresh output cache beside the converted models."""
    from summarize.resources import cache_dir

    shared = cache_dir()
    with tempfile.TemporaryDirectory(prefix="summarize-seed-run-") as work:
        for name in ("converted", "ct2", "gguf"):
            (shared / name).mkdir(parents=True, exist_ok=True)
            (Path(work) / name).symlink_to(shared / name, target_is_directory=True)
        command = [sys.executable, "-m", "summarize", "run", str(SEED), "--translator", model]
        command += ["--summarizer", model, "--backend", "ct2", "--threads", str(threads), "--json"]
        started = time.perf_counter()
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=REPO,
            env={**os.environ, "SUMMARIZE_CACHE_DIR": work},
            check=True,
        )
        wall = time.perf_counter() - started
    result = json.loads(completed.stdout)
    translation = result["translations"][0]
    abstractive = next(s for s in result["summaries"] if s["method"] == "abstractive")
    return {
        "wall_s": wall,
        "timings": result["timings"],
        "round_trip": {key: score["value"] for key, score in translation["scores"].items()},
        "flagged_segments": sum(bool(seg["flags"]) for seg in translation["segments"]),
        "segments": len(translation["segments"]),
        "summary": abstractive["text"],
        "summary_flags": [flag["code"] for flag in abstractive["flags"]],
    }


# -- report ----------------------------------------------------------------------------------


def markdown(report: dict) -> str:
    lines, articles = report["wmt_lines"], report["articles"]
    out = [
        f"# Offline models: WMT19 (first {lines} lines each way) and {articles} CNN/DailyMail "
        "summaries",
        "",
        f"CTranslate2 {report['quantization']}, {report['threads']} threads, "
        f"{report['machine']['cpus']} CPUs; {report['note']}",
        "",
        "| model | EN→RU BLEU | EN→RU chrF++ | RU→EN BLEU | RU→EN chrF++ | copy-through "
        "(EN→RU / RU→EN) | translations commentary / truncated | "
        "summaries with consistency flags | unsupported items | novel bigrams | summary words | "
        "summaries commentary / truncated | "
        "tokens/s | peak RSS MB |",
        "|---" + "|---:" * 13 + "|",
    ]
    for name, r in report["models"].items():
        a, b, s = r["en_ru"], r["ru_en"], r["summaries"]
        out.append(
            f"| {name} | {a['bleu']:.1f} | {a['chrf++']:.1f} | {b['bleu']:.1f} | "
            f"{b['chrf++']:.1f} | {a['copy_through']} / {b['copy_through']} | "
            f"{a['commentary'] + b['commentary']} / {a['truncated'] + b['truncated']} | "
            f"{s['with_consistency_flags']}/{s['articles']} | "
            f"{s['unsupported_items']} | {s['novel_bigrams_mean']:.2f} | {s['words_mean']:.0f} | "
            f"{s['commentary']} / {s['truncated']} | {r['tokens_per_s']:.1f} | "
            f"{r['peak_rss_mb']:.0f} |"
        )
    out += [
        "",
        "`summarize run` on the seed (ct2, models converted, empty output cache): "
        + "; ".join(
            f"{name} {r['seed_run']['wall_s']:.0f} s (round trip chrF++ "
            f"{r['seed_run']['round_trip']['chrf++']:.1f}, "
            f"{r['seed_run']['flagged_segments']}/{r['seed_run']['segments']} segments flagged)"
            for name, r in report["models"].items()
            if "seed_run" in r
        )
        + ".",
        "",
        "Tokens per second by task (EN→RU / RU→EN / summaries): "
        + "; ".join(
            f"{name} {r['en_ru']['tokens_per_s']:.1f} / {r['ru_en']['tokens_per_s']:.1f} / "
            f"{r['summaries']['tokens_per_s']:.1f}"
            for name, r in report["models"].items()
        )
        + ".",
        "",
    ]
    return "\n".join(out)


def write_report(args: argparse.Namespace, results: dict, started: float) -> str:
    """Write the JSON report and its Markdown table (the models measured so far)."""
    report = {
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "note": args.note,
        "command": " ".join(["python", "bench/models.py", *sys.argv[1:]]),
        "wmt_lines": args.lines,
        "articles": args.articles,
        "threads": args.threads,
        "quantization": QUANTIZATION,
        "wall_s": time.perf_counter() - started,
        "models": results,
    }
    out = (
        args.out
        or REPO / "bench" / "results" / f"models-{args.lines}lines-{args.articles}articles.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    table = markdown(report)
    out.with_suffix(".md").write_text(table, encoding="utf-8")
    print(f"wrote {out} and {out.with_suffix('.md')}", file=sys.stderr)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=200, help="WMT19 lines per direction")
    parser.add_argument("--articles", type=int, default=20, help="CNN/DailyMail articles")
    parser.add_argument("--models", default=",".join(MODELS), help="presets, comma-separated")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", type=Path, default=DATA, help="development data (wmt19, cnndm)")
    parser.add_argument("--out", type=Path, help="JSON file (default: bench/results/models-*)")
    parser.add_argument("--skip-seed-run", action="store_true", help="do not time run on the seed")
    parser.add_argument(
        "--note",
        default="measured on a machine that may have run other work: times are upper bounds",
        help="what else the machine ran (written into the report)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if not (args.data / "wmt19").is_dir() or not (args.data / "cnndm").is_dir():
        sys.exit(f"bench: development data not found under {args.data} (use --data DIR)")
    if args.child:
        if args.prepare:  # convert (once) outside the measured process
            notes: list[str] = []
            load_engine(args.child, args.threads, notes)
            result = {"notes": notes}
        else:
            result = run_model(args.child, args.data, args.lines, args.articles, args.threads)
        args.result_file.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return

    started = time.perf_counter()
    results = {}
    for model in [m for m in args.models.split(",") if m]:
        print(f"bench: {model}: preparing (converts once if needed)", file=sys.stderr, flush=True)
        prepared = run_in_child(model, args, prepare=True)
        print(f"bench: {model}: measuring", file=sys.stderr, flush=True)
        results[model] = run_in_child(model, args)
        results[model]["conversion_notes"] = prepared["notes"]
        if not args.skip_seed_run:
            print(f"bench: {model}: summarize run on the seed", file=sys.stderr, flush=True)
            results[model]["seed_run"] = seed_run(model, args.threads)
        write_report(args, results, started)  # after each model: a stopped run keeps its part
    print(write_report(args, results, started))


if __name__ == "__main__":
    main()
