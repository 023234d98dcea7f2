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


def quiet_transformers() -> None:
    """Silence transformers' advisory warnings (sampling flags ignored under greedy, etc.)."""
    import transformers

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
