"""Encoder-decoder generation with transformers' ``generate`` (float32, right padding)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from summarize.engines.seq2seq.models import (
    Seq2SeqRequest,
    Seq2SeqSetup,
    describe,
    forced_ids,
    load_tokenizer,
)

if TYPE_CHECKING:
    from summarize.engines.files.hub import ModelFiles


class HfSeq2SeqGenerator:
    backend = "transformers"

    def __init__(self, model, setup: Seq2SeqSetup, device: str) -> None:
        self.model = model
        self.setup = setup
        self.device = device
        self.settings: dict[str, Any] = {"dtype": "float32"}

    def generate_batch(self, requests: list[Seq2SeqRequest], num_beams: int) -> list[list[int]]:
        import torch

        tokenizer = self.setup.tokenizer
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        width = max(len(request.ids) for request in requests)
        input_ids = torch.tensor([r.ids + [pad] * (width - len(r.ids)) for r in requests])
        mask = torch.tensor([[1] * len(r.ids) + [0] * (width - len(r.ids)) for r in requests])
        extra: dict[str, Any] = {}
        if requests[0].forced_bos is not None:
            extra["forced_bos_token_id"] = requests[0].forced_bos
        with torch.inference_mode():
            generated = self.model.generate(
                input_ids=input_ids.to(self.device),
                attention_mask=mask.to(self.device),
                max_new_tokens=max(request.max_new_tokens for request in requests),
                do_sample=False,
                num_beams=num_beams,
                **extra,
            )
        return [row[1:] for row in generated.tolist()]  # after the decoder start token

    def score_batch(
        self, requests: list[Seq2SeqRequest], targets: list[list[int]]
    ) -> list[list[float]]:
        import torch

        start = self.setup.decoder_start_token_id
        # Tokens generation may never produce (Marian's <pad>, in ``bad_words_ids``) are not
        # in the distribution: CTranslate2's conversion drops them from the vocabulary.
        banned = [ids[0] for ids in self.setup.generation.bad_words_ids or [] if len(ids) == 1]
        found = []
        # One pair at a time: no padding on either side to get right.
        for request, target in zip(requests, targets, strict=True):
            forced = forced_ids(request, self.setup)
            decoder = [start, *forced, *target[:-1]]
            with torch.inference_mode():
                logits = (
                    self.model(
                        input_ids=torch.tensor([request.ids], device=self.device),
                        decoder_input_ids=torch.tensor([decoder], device=self.device),
                    )
                    .logits[0, len(forced) :]
                    .float()
                )
                logits[:, banned] = float("-inf")
                log_probs = torch.log_softmax(logits, dim=-1)
            found.append(log_probs[torch.arange(len(target)), torch.tensor(target)].tolist())
        return found


def load_hf_seq2seq(files: ModelFiles, device: str) -> HfSeq2SeqGenerator:
    """Load a checked local model directory (never runs remote code)."""
    import torch
    from transformers import AutoModelForSeq2SeqLM

    from summarize.engines.torch_runtime import NO_REMOTE_CODE, load_or_explain

    tokenizer = load_tokenizer(files)
    model = load_or_explain(
        "weights",
        files.model_id,
        lambda: AutoModelForSeq2SeqLM.from_pretrained(
            files.path,
            dtype=torch.float32,
            use_safetensors=not files.pickle,
            **NO_REMOTE_CODE,
        ),
    )
    model.to(device)
    model.eval()
    setup = describe(tokenizer, model.config, model.generation_config)
    return HfSeq2SeqGenerator(model, setup, device)
