"""Cached, length-sorted batch generation shared by every generating engine.

Each model input is looked up in the :class:`~summarize.store.OutputStore` first (key = model
fingerprint + exact input); the rest is generated in batches of similar length, and every batch
is stored as soon as it finishes, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from summarize.engines.base import ModelInfo, ProgressCallback
from summarize.store import OutputStore, output_key


def generate_cached(
    info: ModelInfo,
    store: OutputStore | None,
    cache_inputs: Sequence[str],
    generate_batch: Callable[[list[int]], list[str]],
    batch_size: int,
    on_progress: ProgressCallback | None = None,
) -> list[str]:
    """One output per entry of ``cache_inputs`` (each the full, exact model input as text).

    ``generate_batch`` receives the indices of a batch and returns their outputs in order.
    """
    fingerprint = info.fingerprint()
    keys = [output_key(fingerprint, text) for text in cache_inputs]
    outputs: dict[str, str] = store.get_many(keys) if store else {}
    if on_progress and outputs:
        on_progress(sum(1 for key in keys if key in outputs))
    todo = sorted(
        {key: i for i, key in enumerate(keys) if key not in outputs}.values(),
        key=lambda i: len(cache_inputs[i]),
    )
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        produced = {keys[i]: text for i, text in zip(batch, generate_batch(batch), strict=True)}
        outputs.update(produced)
        if store:
            store.put_many(info.model_id, produced.items())
        if on_progress:
            on_progress(len(batch))
    return [outputs[key] for key in keys]
