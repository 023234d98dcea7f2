from __future__ import annotations

from summarize.engines.batching import plan_batches


def padded_cost(batch: list[int], lengths: list[int], limits: list[int]) -> int:
    return len(batch) * (max(lengths[i] for i in batch) + max(limits[i] for i in batch))


def test_batches_are_sorted_cover_everything_and_respect_the_budget() -> None:
    lengths = [50, 10, 200, 30, 30, 120, 10, 80]
    limits = [20] * len(lengths)
    batches = plan_batches(lengths, limits, token_budget=250)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths)
    for batch in batches:
        assert len(batch) == 1 or padded_cost(batch, lengths, limits) <= 250


def test_an_input_over_the_budget_gets_its_own_batch() -> None:
    assert plan_batches([5, 1000, 5], [10, 10, 10], token_budget=100) == [[0, 2], [1]]


def test_large_budget_gives_one_batch_and_empty_input_none() -> None:
    assert plan_batches([3, 1, 2], [4, 4, 4], token_budget=10_000) == [[1, 2, 0]]
    assert plan_batches([], [], token_budget=10) == []
