"""Token ids as unbabel-comet makes them, and padded batches.

Each text is tokenised on its own, truncated to the encoder's positions less two
(``max_position_embeddings - 4`` tokens, 510 for XLM-R). A unified metric joins a translation
and its source into ``<s> mt </s></s> src </s>`` (the tokenizer's pair template), cut to the
encoder's positions when the two together are longer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

SEPARATOR_TOKENS = 2  # XLM-R separates two segments with </s></s>


def max_positions(config: Any) -> int:
    return config.max_position_embeddings - 2


def token_ids(tokenizer: Any, texts: Sequence[str], positions: int) -> list[list[int]]:
    """Each text's ids, special tokens included, truncated as unbabel-comet does."""
    encoded = tokenizer(list(texts), truncation=True, max_length=positions - 2)
    return [list(ids) for ids in encoded["input_ids"]]


def joined(tokenizer: Any, segments: Sequence[list[int]], positions: int) -> list[int]:
    """Segments' ids (each with its own ``<s>``/``</s>``) as one sequence, the first segment
    first; cut to ``positions`` when the contents are longer than the sequence can hold."""
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    sequence = segments[0]
    for following in segments[1:]:  # XLM-R's pair template: <s> A </s></s> B </s>
        sequence = [cls, *sequence[1:-1], *[sep] * SEPARATOR_TOKENS, *following[1:-1], sep]
    contents = sum(len(ids) - 2 for ids in segments)
    if contents > positions - (1 + len(segments) * SEPARATOR_TOKENS):
        sequence = sequence[:positions]
    return list(sequence)


def padded(sequences: Sequence[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Ids padded to the longest sequence, and the mask of real tokens."""
    import torch

    width = max(len(ids) for ids in sequences)
    ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    for row, sequence in enumerate(sequences):
        ids[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.long)
    lengths = torch.tensor([len(sequence) for sequence in sequences])
    mask = (torch.arange(width)[None, :] < lengths[:, None]).long()
    return ids, mask


def equal_length_batches(sequences: Sequence[list[int]], size: int) -> list[list[int]]:
    """Indices of ``sequences`` in batches of at most ``size`` sequences of one length: no
    padding, so a text's score does not depend on what else is scored with it."""
    by_length: dict[int, list[int]] = {}
    for index, sequence in enumerate(sequences):
        by_length.setdefault(len(sequence), []).append(index)
    batches = []
    for length in sorted(by_length):
        members = by_length[length]
        batches += [members[start : start + size] for start in range(0, len(members), size)]
    return batches
