"""What COMET-22 and CometKiwi cost per segment on this machine, without the Hub.

The real checkpoints cannot be downloaded here, but their cost does not depend on their
weights: this builds this package's COMET networks at the real models' sizes (XLM-R large: 24
layers, hidden size 1024, 560M parameters; heads 3072 and 1024, layer mix) with random weights,
and times the scoring of token sequences of typical news-sentence length, one sequence at a
time as the metric scores them (the batch-invariant way). It reports CPU seconds (the process's
CPU time, one thread by default), which other work on a shared machine hardly changes, beside
the wall-clock seconds, which it does. COMET-22 encodes the source, the
output and the reference of a segment (a reference shared by several systems once); CometKiwi
encodes the output and its source joined.

    python bench/comet_cost.py [--tokens 40] [--repeats 5] [--threads 1] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from summarize.metrics.comet import estimator

LARGE = {
    "vocab_size": 250002,
    "hidden_size": 1024,
    "num_hidden_layers": 24,
    "num_attention_heads": 16,
    "intermediate_size": 4096,
    "max_position_embeddings": 514,
    "type_vocab_size": 1,
    "pad_token_id": 1,
}
HPARAMS = {
    estimator.REGRESSION: {"layer": "mix", "pool": "avg", "layer_transformation": "sparsemax"},
    estimator.UNIFIED: {
        "sent_layer": "mix",
        "layer_norm": True,
        "layer_transformation": "sparsemax",
        "input_segments": ["mt", "src"],
    },
}


def time_kind(kind: str, tokens: int, repeats: int) -> dict[str, float]:
    import torch
    from transformers import XLMRobertaConfig

    hparams = {"class_identifier": kind, "hidden_sizes": [3072, 1024], **HPARAMS[kind]}
    network = estimator.build(hparams, XLMRobertaConfig(**LARGE), "bench").eval()
    length = tokens if kind == estimator.REGRESSION else 2 * tokens + 2
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(5, LARGE["vocab_size"], (1, length), generator=generator)
    mask = torch.ones_like(ids)
    walls, cpus = [], []
    with torch.inference_mode():
        for _ in range(repeats + 1):  # the first call warms up
            wall, cpu = time.perf_counter(), time.process_time()
            if kind == estimator.REGRESSION:
                src, mt, ref = (network.sentence(ids, mask) for _ in range(3))
                network.regression(src, mt, ref)
            else:
                network.unified(ids, mask)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    parameters = sum(p.numel() for p in network.parameters())
    return {
        "sequence_tokens": length,
        "cpu_seconds_per_segment_median": statistics.median(cpus[1:]),
        "wall_seconds_per_segment_median": statistics.median(walls[1:]),
        "parameters": parameters,
        "weights_gb_float32": round(parameters * 4 / 1e9, 2),
    }


def main() -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=40, help="tokens per text")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = {
        "threads": args.threads,
        "tokens_per_text": args.tokens,
        "comet": time_kind(estimator.REGRESSION, args.tokens, args.repeats),
        "cometkiwi": time_kind(estimator.UNIFIED, args.tokens, args.repeats),
    }
    text = json.dumps(results, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
