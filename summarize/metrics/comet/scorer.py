"""Segment scores of a COMET model from lists of texts.

Sequences are encoded one at a time by default, never padded, so a segment scores the same
bits whatever else is scored with it (``run`` equals ``batch``; on CPU even a batch of equal
lengths changes the last bits). A larger ``batch_size`` groups sequences of one length, faster
but no longer bit-for-bit invariant. COMET-22 embeds each distinct
text once (a reference shared by several systems is encoded once) and combines the three
embeddings of every segment; CometKiwi encodes each translation joined with its source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from summarize.errors import UserError
from summarize.metrics.comet import estimator, files, inputs

BATCH_SIZE = 1


@dataclass
class CometScorer:
    """A loaded COMET model: ``score`` gives one number per segment."""

    model_id: str
    revision: str | None
    kind: str
    network: Any
    tokenizer: Any
    positions: int
    batch_size: int = BATCH_SIZE

    @property
    def needs_reference(self) -> bool:
        return self.kind == estimator.REGRESSION

    def signature(self) -> str:
        revision = (self.revision or "none")[:12]
        return f"comet:{self.model_id}@{revision}|impl:summarize|agg:mean-of-segments"

    def score(
        self,
        sources: Sequence[str],
        outputs: Sequence[str],
        references: Sequence[str] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> list[float]:
        """One score per segment; COMET-22 needs ``references``, CometKiwi ignores them."""
        if len(sources) != len(outputs) or (
            references is not None and len(references) != len(outputs)
        ):
            raise UserError("COMET needs as many sources (and references) as outputs")
        if self.needs_reference and references is None:
            raise UserError(f"{self.model_id} compares outputs with references: pass references")
        if self.kind == estimator.REGRESSION:
            assert references is not None
            scores = self._regression(list(sources), list(outputs), list(references))
        else:
            scores = self._unified(list(sources), list(outputs), on_progress)
        if on_progress is not None and self.kind == estimator.REGRESSION:
            on_progress(len(outputs))
        return scores

    def _run(self, sequences: list[list[int]], forward: Callable[..., Any]) -> list[Any]:
        """``forward(ids, mask)`` over equal-length batches, results in input order."""
        import torch

        results: list[Any] = [None] * len(sequences)
        with torch.inference_mode():
            for batch in inputs.equal_length_batches(sequences, self.batch_size):
                ids, mask = inputs.padded([sequences[i] for i in batch], self.network.pad_id)
                for index, value in zip(batch, forward(ids, mask), strict=True):
                    results[index] = value
        return results

    def _regression(self, sources: list[str], outputs: list[str], references: list[str]):
        import torch

        texts = list(dict.fromkeys([*sources, *outputs, *references]))
        ids = inputs.token_ids(self.tokenizer, texts, self.positions)
        vectors = dict(zip(texts, self._run(ids, self.network.sentence), strict=True))
        with torch.inference_mode():
            return [
                float(
                    self.network.regression(
                        vectors[src][None], vectors[mt][None], vectors[ref][None]
                    )[0]
                )
                for src, mt, ref in zip(sources, outputs, references, strict=True)
            ]

    def _unified(self, sources: list[str], outputs: list[str], on_progress):
        mt_ids = inputs.token_ids(self.tokenizer, outputs, self.positions)
        src_ids = inputs.token_ids(self.tokenizer, sources, self.positions)
        joined = [
            inputs.joined(self.tokenizer, [mt, src], self.positions)
            for mt, src in zip(mt_ids, src_ids, strict=True)
        ]

        def forward(ids, mask):
            scores = self.network.unified(ids, mask)
            if on_progress is not None:
                on_progress(len(scores))
            return [float(score) for score in scores]

        return self._run(joined, forward)


@cache
def load_scorer(name: str) -> CometScorer:
    """The COMET model ``name`` (a folder or Hub id), loaded once per process."""
    from transformers import AutoTokenizer, XLMRobertaConfig

    from summarize.engines.torch_runtime import (
        NO_REMOTE_CODE,
        load_or_explain,
        prepare_transformers,
    )

    found = files.load(name)
    prepare_transformers()
    encoder = str(found.encoder)
    config = load_or_explain(
        "encoder configuration",
        found.model_id,
        lambda: XLMRobertaConfig.from_pretrained(encoder, **NO_REMOTE_CODE),
    )
    tokenizer = load_or_explain(
        "tokenizer",
        found.model_id,
        lambda: AutoTokenizer.from_pretrained(encoder, **NO_REMOTE_CODE),
    )
    network = estimator.build(found.hparams, config, found.model_id)
    estimator.load_weights(network, found.state_dict, found.model_id)
    return CometScorer(
        found.model_id,
        found.revision,
        found.hparams["class_identifier"],
        network,
        tokenizer,
        inputs.max_positions(config),
    )
