"""The COMET network: transformers' XLM-R encoder and the estimator on top of it.

Written from the checkpoint's hyper-parameters as unbabel-comet defines them; module names
match its checkpoints' keys (``encoder.model.*``, ``layerwise_attention.*``,
``estimator.ff.*``), so a state dict loads as it is.

- layer mix (``layer: mix``): ``gamma * sum_k w_k * layer_k`` over the embedding layer and every
  hidden layer, ``w`` the softmax (or sparsemax) of the scalar weights; with ``layer_norm`` each
  layer is first normalised over its unmasked tokens;
- sentence embedding: the mix's (or one layer's) token vectors pooled as ``pool`` says (``avg``:
  mean over non-padding tokens; ``cls``: the first token; ``max``; ``default``: the last layer's
  first token);
- regression metric (COMET-22): the head reads ``[mt, ref, mt*ref, |mt-ref|, mt*src, |mt-src|]``;
- unified metric (CometKiwi): the head reads the first token of the joint ``mt </s></s> src``
  encoding;
- head: ``Linear → activation → Dropout`` per hidden size, a final ``Linear`` to one score, and
  the final activation when there is one.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from summarize.errors import UserError

if TYPE_CHECKING:
    import torch

REGRESSION = "regression_metric"
UNIFIED = "unified_metric"
KINDS = (REGRESSION, UNIFIED)
POOLS = ("avg", "cls", "max", "default")


def sparsemax(weights: torch.Tensor) -> torch.Tensor:
    """Sparsemax of a 1-D tensor (Martins & Astudillo 2016): the Euclidean projection onto the
    probability simplex; the weights below a threshold become exactly 0."""
    import torch

    ordered, _ = torch.sort(weights, descending=True)
    cumulative = ordered.cumsum(0) - 1
    ranks = torch.arange(1, len(weights) + 1, dtype=weights.dtype, device=weights.device)
    support = int((ranks * ordered > cumulative).sum())
    threshold = cumulative[support - 1] / support
    return torch.clamp(weights - threshold, min=0)


def _softmax(weights: torch.Tensor) -> torch.Tensor:
    import torch

    return torch.softmax(weights, dim=0)


# unbabel-comet >= 2.2.4 reads "sparsemax_patch" (checkpoints trained while its sparsemax was
# silently a softmax) as softmax.
TRANSFORMS = {"softmax": _softmax, "sparsemax": sparsemax, "sparsemax_patch": _softmax}


def _masked_norm(tensor: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """A layer normalised by the mean and variance of its unmasked values, per sequence."""
    import torch

    batch, _, width = tensor.size()
    broadcast = mask.unsqueeze(-1)
    masked = tensor * broadcast
    count = mask.sum(1) * width
    mean = (masked.view(batch, -1).sum(1) / count).view(batch, 1, 1)
    variance = (((masked - mean) * broadcast) ** 2).view(batch, -1).sum(1) / count
    return (tensor - mean) / torch.sqrt(variance + 1e-12).view(batch, 1, 1)


def build(hparams: dict[str, Any], config: Any, model_id: str) -> Any:
    """The network for ``hparams`` on an encoder of ``config`` (weights still to load)."""
    import torch
    from torch import nn
    from transformers import XLMRobertaModel

    kind = hparams.get("class_identifier")
    if kind not in KINDS:
        raise UserError(
            f"COMET model {model_id!r} is a {kind!r}; summarize reads {', '.join(KINDS)} "
            "(COMET-22 and CometKiwi)"
        )
    if hparams.get("encoder_model", "XLM-RoBERTa") != "XLM-RoBERTa":
        raise UserError(
            f"COMET model {model_id!r} uses encoder {hparams.get('encoder_model')!r}; "
            "summarize reads XLM-RoBERTa"
        )
    if kind == UNIFIED and list(hparams.get("input_segments", [])) != ["mt", "src"]:
        raise UserError(
            f"COMET model {model_id!r} reads {hparams.get('input_segments')}; summarize reads "
            "unified metrics of a translation and its source (CometKiwi)"
        )
    layer = hparams.get("sent_layer", hparams.get("layer", "mix")) if kind == UNIFIED else None
    layer = hparams.get("layer", "mix") if layer is None else layer
    pool = "cls" if kind == UNIFIED else hparams.get("pool", "avg")
    transform = hparams.get("layer_transformation", "softmax")
    if pool not in POOLS or transform not in TRANSFORMS:
        raise UserError(f"COMET model {model_id!r}: unknown pool {pool!r} or {transform!r}")

    class LayerMix(nn.Module):
        def __init__(self, count: int) -> None:
            super().__init__()
            self.scalar_parameters = nn.ParameterList(
                [nn.Parameter(torch.zeros(1)) for _ in range(count)]
            )
            self.gamma = nn.Parameter(torch.ones(1))

        def forward(self, layers: tuple[torch.Tensor, ...], mask: torch.Tensor) -> torch.Tensor:
            weights = TRANSFORMS[transform](torch.cat(list(self.scalar_parameters)))
            pieces = torch.split(weights, 1)
            if hparams.get("layer_norm", False):
                floats = mask.float()
                layers = tuple(_masked_norm(tensor, floats) for tensor in layers)
            return self.gamma * sum(w * t for w, t in zip(pieces, layers, strict=True))

    class Head(nn.Module):
        def __init__(self, width: int) -> None:
            super().__init__()
            sizes = [width, *hparams.get("hidden_sizes", [3072, 1024])]
            modules: list[nn.Module] = []
            for before, after in itertools.pairwise(sizes):
                modules += [
                    nn.Linear(before, after),
                    _activation(hparams.get("activations", "Tanh"), model_id),
                    nn.Dropout(hparams.get("dropout", 0.1)),
                ]
            modules.append(nn.Linear(sizes[-1], 1))
            if hparams.get("final_activation") is not None:
                modules.append(_activation(hparams["final_activation"], model_id))
            self.ff = nn.Sequential(*modules)

        def forward(self, features: torch.Tensor) -> torch.Tensor:
            return self.ff(features).view(-1)

    class Comet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.kind = kind
            self.pad_id = config.pad_token_id
            self.encoder = nn.Module()
            self.encoder.model = XLMRobertaModel(config, add_pooling_layer=False)
            layers = config.num_hidden_layers + 1
            self.layerwise_attention = LayerMix(layers) if layer == "mix" else None
            if layer != "mix" and not (isinstance(layer, int) and 0 <= layer < layers):
                raise UserError(f"COMET model {model_id!r}: no encoder layer {layer!r}")
            width = config.hidden_size * (6 if kind == REGRESSION else 1)
            self.estimator = Head(width)

        def token_vectors(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            out = self.encoder.model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
            if self.layerwise_attention is None:
                return out.hidden_states[layer]
            return self.layerwise_attention(out.hidden_states, mask)

        def sentence(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """Sentence embeddings of a padded batch (``pool``)."""
            vectors = self.token_vectors(ids, mask)
            if pool == "cls":
                return vectors[:, 0, :]
            if pool == "default":
                out = self.encoder.model(input_ids=ids, attention_mask=mask)
                return out.last_hidden_state[:, 0, :]
            padding = ids.eq(self.pad_id).unsqueeze(-1)
            if pool == "max":
                return vectors.float().masked_fill(padding, float("-inf")).max(dim=1)[0]
            summed = vectors.float().masked_fill(padding, 0.0).type_as(vectors).sum(1)
            return summed / mask.unsqueeze(-1).expand(vectors.size()).float().sum(1)

        def regression(self, src: torch.Tensor, mt: torch.Tensor, ref: torch.Tensor):
            """COMET-22's score from the three sentence embeddings."""
            features = torch.cat(
                (mt, ref, mt * ref, torch.abs(mt - ref), mt * src, torch.abs(mt - src)), dim=1
            )
            return self.estimator(features)

        def unified(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """CometKiwi's score of joint ``mt </s></s> src`` sequences."""
            return self.estimator(self.sentence(ids, mask))

    return Comet()


def _activation(name: str, model_id: str) -> Any:
    from torch import nn

    module = getattr(nn, str(name).title(), None)
    if module is None:
        raise UserError(f"COMET model {model_id!r}: unknown activation {name!r}")
    return module()


def load_weights(model: Any, state_dict: dict[str, Any], model_id: str) -> None:
    """The checkpoint's tensors into ``model``; a missing one is an error (extra ones, such as
    a word-level tagger or layer-dropout buffers, are not used at inference)."""
    result = model.load_state_dict(state_dict, strict=False)
    if result.missing_keys:
        shown = ", ".join(result.missing_keys[:3])
        raise UserError(f"COMET model {model_id!r}: the checkpoint lacks {shown}")
    model.eval()
