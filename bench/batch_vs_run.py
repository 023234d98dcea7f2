"""Time `batch` on N short documents against `run` on each of them, in one process.

Each mode gets its own empty model-output cache, so every output is really generated; `run`
loads the models for every document, as `summarize run` on each file would (the interpreter
start-up it would also pay is not counted). Prints both wall times, the model-time share, and
the ratio.

    python bench/batch_vs_run.py ../shared/data/cnndm/test-articles.jsonl --documents 4 \\
        --sentences 3 --summarizer none
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

# This checkout's package, not whichever one the environment has installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def short_documents(path: Path, count: int, sentences: int) -> list[dict]:
    from summarize.input.segment import segment_document

    documents = []
    for line in path.read_text(encoding="utf-8").splitlines()[:count]:
        record = json.loads(line)
        segments = segment_document(record["text"], "en")[:sentences]
        documents.append({"id": record["id"], "text": " ".join(s.text for s in segments)})
    return documents


def fresh_cache(root: Path, name: str) -> None:
    cache = root / name
    cache.mkdir()
    shared = Path.home() / ".cache" / "summarize" / "converted"
    (cache / "converted").symlink_to(shared, target_is_directory=True)
    os.environ["SUMMARIZE_CACHE_DIR"] = str(cache)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jsonl", type=Path)
    parser.add_argument("--documents", type=int, default=4)
    parser.add_argument("--sentences", type=int, default=3, help="keep the first N sentences")
    parser.add_argument("--summarizer", default="none", help="'bundled' or 'none'")
    parser.add_argument("--chunk-documents", type=int, default=8)
    args = parser.parse_args()

    from summarize.batch.run import run_batch
    from summarize.input.documents import read_batch_input
    from summarize.pipeline.options import RunOptions, check_options
    from summarize.pipeline.prepare import prepare_text
    from summarize.pipeline.session import run

    options = RunOptions(
        translator="bundled",  # named: the default depends on the extras installed
        translators=["bundled"],
        summarizers=[] if args.summarizer == "none" else [args.summarizer],
    )
    documents = short_documents(args.jsonl, args.documents, args.sentences)
    from summarize.input.segment import segment_document

    sentences = sum(len(segment_document(d["text"], "en")) for d in documents)
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as work:
        root = Path(work)
        inputs = root / "docs.jsonl"
        inputs.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")

        fresh_cache(root, "cache-run")
        source, pivots = check_options(options)
        started = time.perf_counter()
        run_model_s = 0.0
        for document in documents:
            prepared = prepare_text(document["text"], document["id"], options, source, pivots)
            result = run(prepared, options)
            run_model_s += result.timings["translation_s"] + result.timings["summaries_s"]
        run_s = time.perf_counter() - started

        fresh_cache(root, "cache-batch")
        started = time.perf_counter()
        batch = run_batch(
            read_batch_input(inputs), root / "out", options, chunk_documents=args.chunk_documents
        )
        batch_s = time.perf_counter() - started
        batch_model_s = sum(
            r.timings["translation_s"] + r.timings["summaries_s"] for r in batch.documents
        )

    n = len(documents)
    print(f"{n} documents, {sentences} sentences, summarizer={args.summarizer}")
    print(
        f"run per document: {run_s:7.1f} s wall ({run_model_s:.1f} s generating), "
        f"{60 * n / run_s:.2f} documents/min"
    )
    print(
        f"batch:            {batch_s:7.1f} s wall ({batch_model_s:.1f} s generating), "
        f"{60 * n / batch_s:.2f} documents/min"
    )
    print(
        f"speed-up batch vs run: {run_s / batch_s:.2f}x wall, "
        f"{run_model_s / batch_model_s:.2f}x generation"
    )


if __name__ == "__main__":
    main()
