"""Shared torch helpers: device choice and quiet transformers logging (imported lazily)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from summarize.errors import UserError

T = TypeVar("T")


def resolve_device(requested: str) -> str:
    """``auto`` picks CUDA when available, else CPU; an explicit device must exist."""
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise UserError(f"device {requested!r} requested but CUDA is not available")
    if requested != "cpu" and not requested.startswith("cuda"):
        raise UserError(f"unknown device {requested!r}; use auto, cpu or cuda[:N]")
    return requested


# Passed to every ``from_pretrained`` (config, tokenizer, model, converter): a model folder's
# own Python code (``auto_map``) is never imported.
NO_REMOTE_CODE = {"trust_remote_code": False}


def prepare_transformers() -> None:
    """Call before any transformers load: silence advisory warnings, and make sure a load that
    would need a model's own code fails instead of asking.

    Without ``trust_remote_code`` transformers asks "Do you wish to run the custom code? [y/N]"
    on stdin (so ``yes | summarize ...`` would run it). A timeout of 0 turns that question into
    an error for every load in the process, including loads we do not make ourselves
    (CTranslate2's converter, sentence-transformers).
    """
    import transformers
    from transformers import dynamic_module_utils

    dynamic_module_utils.TIME_OUT_REMOTE_CODE = 0
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()


def load_or_explain(what: str, model_id: str, load: Callable[[], T]) -> T:
    """Run a ``from_pretrained`` call; a failure becomes one line naming the model and part."""
    try:
        return load()
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        lines = str(exc).strip().splitlines()
        reason = lines[0] if lines else type(exc).__name__
        raise UserError(f"model {model_id!r}: cannot load its {what} ({reason})") from exc
