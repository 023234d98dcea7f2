"""Group inputs into generation batches by length under a token budget (CTranslate2 style).

Sorting by length keeps padding small; a budget on *padded* tokens (prompt plus the length
limit, times batch size) rather than a fixed batch size keeps memory and per-batch time even
when input lengths vary a lot.
"""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_TOKEN_BUDGET = 4096


def plan_batches(
    input_lengths: Sequence[int],
    max_new_tokens: Sequence[int],
    token_budget: int = DEFAULT_TOKEN_BUDGET,
) -> list[list[int]]:
    """Indices of the inputs, shortest first, cut into batches within ``token_budget``.

    A batch costs ``size * (longest input + largest length limit)`` padded tokens; a single
    input over the budget still gets a batch of its own.
    """
    order = sorted(range(len(input_lengths)), key=lambda i: (input_lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = limit = 0
    for index in order:
        new_longest = max(longest, input_lengths[index])
        new_limit = max(limit, max_new_tokens[index])
        if current and (len(current) + 1) * (new_longest + new_limit) > token_budget:
            batches.append(current)
            current, new_longest, new_limit = [], input_lengths[index], max_new_tokens[index]
        current.append(index)
        longest, limit = new_longest, new_limit
    if current:
        batches.append(current)
    return batches
