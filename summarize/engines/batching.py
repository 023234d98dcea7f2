"""Cached, length-sorted batch generation shared by every generating engine.

Each model input is looked up in the :class:`~summarize.engines.store.OutputStore` first (key =
model fingerprint + exact input); the rest is generated in batches of similar length, and every
batch is stored as soon as it finishes, so an interrupted run resumes where it stopped. An output
that stopped at its length limit (:class:`~summarize.engines.base.TruncatedText`) is stored with a
mark, so a cached output is flagged as the fresh one was.

Batches are either a fixed number of inputs, or planned by :func:`plan_batches` under a token
budget (CTranslate2 style): sorting by length keeps padding small, and a budget on *padded*
tokens (prompt plus length limit, times batch size) keeps memory and per-batch time even when
input lengths vary a lot.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from summarize.engines.base import ModelInfo, ProgressCallback, TruncatedText
from summarize.engines.store import OutputStore, output_key


def generate_cached(
    info: ModelInfo,
    store: OutputStore | None,
    cache_inputs: Sequence[str],
    generate_batch: Callable[[list[int]], list[str]],
    batch_size: int,
    on_progress: ProgressCallback | None = None,
    plan: Callable[[list[int]], list[list[int]]] | None = None,
) -> list[str]:
    """One output per entry of ``cache_inputs`` (each the full, exact model input as text).

    ``generate_batch`` receives the indices of a batch and returns their outputs in order.
    ``plan``, if given, cuts the indices still to generate into batches; otherwise they are
    sorted by length and cut every ``batch_size``.
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
    if plan is not None:
        batches = plan(todo)
    else:
        batches = [todo[start : start + batch_size] for start in range(0, len(todo), batch_size)]
    outputs = {key: from_store(text) for key, text in outputs.items()}
    for batch in batches:
        produced = {keys[i]: text for i, text in zip(batch, generate_batch(batch), strict=True)}
        outputs.update(produced)
        if store:
            store.put_many(info.model_id, [(k, to_store(text)) for k, text in produced.items()])
        if on_progress:
            on_progress(len(batch))
    return [outputs[key] for key in keys]


def cached_mean_log_probs(
    info: ModelInfo,
    store: OutputStore | None,
    cache_inputs: Sequence[str],
    score_batch: Callable[[list[int]], list[list[float]]],
    batch_size: int,
    on_progress: ProgressCallback | None = None,
    plan: Callable[[list[int]], list[list[int]]] | None = None,
) -> list[float]:
    """The mean of each input's token log-probabilities (``score_batch`` gives them for the
    indices of a batch), cached in the output store as text, like outputs (the inputs must say
    they are scores, so that no output shares their keys)."""

    def run_batch(batch: list[int]) -> list[str]:
        return [repr(sum(values) / len(values)) for values in score_batch(batch)]

    texts = generate_cached(info, store, cache_inputs, run_batch, batch_size, on_progress, plan)
    return [float(text) for text in texts]


# A stored output that hit its length limit starts with this mark, its limit and a NUL.
_TRUNCATED = "\x00truncated:"


def to_store(text: str) -> str:
    """The cache form of an output: a :class:`TruncatedText` keeps its mark."""
    if isinstance(text, TruncatedText):
        return f"{_TRUNCATED}{text.max_new_tokens}\x00{text}"
    return text


def from_store(stored: str) -> str:
    """An output read back from the cache (a :class:`TruncatedText` again if it was one)."""
    if stored.startswith(_TRUNCATED):
        limit, _, text = stored.removeprefix(_TRUNCATED).partition("\x00")
        return TruncatedText(text, int(limit))
    return stored


DEFAULT_TOKEN_BUDGET = 4096


def plan_batches(
    input_lengths: Sequence[int],
    max_new_tokens: Sequence[int],
    token_budget: int = DEFAULT_TOKEN_BUDGET,
    max_items: int | None = None,
) -> list[list[int]]:
    """Positions of the inputs, shortest first, cut into batches within ``token_budget``.

    A batch costs ``size * (longest input + largest length limit)`` padded tokens; a single
    input over the budget still gets a batch of its own. ``max_items`` caps the batch size.
    """
    order = sorted(range(len(input_lengths)), key=lambda i: (input_lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = limit = 0
    for index in order:
        new_longest = max(longest, input_lengths[index])
        new_limit = max(limit, max_new_tokens[index])
        full = max_items is not None and len(current) >= max_items
        if current and (full or (len(current) + 1) * (new_longest + new_limit) > token_budget):
            batches.append(current)
            current, new_longest, new_limit = [], input_lengths[index], max_new_tokens[index]
        current.append(index)
        longest, limit = new_longest, new_limit
    if current:
        batches.append(current)
    return batches


def budget_planner(
    input_length: Callable[[int], int],
    max_new_tokens: Callable[[int], int],
    token_budget: int = DEFAULT_TOKEN_BUDGET,
    max_items: int | None = None,
) -> Callable[[list[int]], list[list[int]]]:
    """A ``plan`` for :func:`generate_cached`: :func:`plan_batches` over the inputs still to
    generate, given each input's length and length limit by its index."""

    def plan(todo: list[int]) -> list[list[int]]:
        lengths = [input_length(i) for i in todo]
        limits = [max_new_tokens(i) for i in todo]
        planned = plan_batches(lengths, limits, token_budget, max_items)
        return [[todo[j] for j in batch] for batch in planned]

    return plan
