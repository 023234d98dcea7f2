"""A COMET model's files: where they are, its hyper-parameters, and its tensors.

A model is a folder laid out as on the Hub (``hparams.yaml``, ``checkpoints/model.ckpt``), named
by path or by Hub id; Hub ids resolve through the standard Hugging Face cache exactly as every
model of this tool does (:mod:`summarize.engines.files.hub`: ``HF_HOME``, ``HF_HUB_OFFLINE``, a
one-line error naming the model when it is neither cached nor reachable). The encoder's
configuration and tokenizer come from the model named by ``pretrained_model`` (its weights are
in the checkpoint, so only its small files are fetched); a local path there is read relative to
the model folder.

The checkpoint is loaded with ``torch.load(..., weights_only=True)``: tensors and plain values
only. Lightning's hyper-parameter dictionary is read as a plain ``dict``; anything else a pickle
names is refused with one line, never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.engines.files import hub
from summarize.errors import ModelUnavailableError, UserError

CHECKPOINT = "checkpoints/model.ckpt"
HPARAMS = "hparams.yaml"
# What an encoder folder needs besides weights (the checkpoint has them).
ENCODER_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "*.model",
)
# Lightning stores hyper-parameters as its AttributeDict (a dict): read as a plain dict.
LIGHTNING_DICTS = (
    "lightning_fabric.utilities.data.AttributeDict",
    "pytorch_lightning.utilities.parsing.AttributeDict",
    "lightning.fabric.utilities.data.AttributeDict",
)


@dataclass(frozen=True)
class CometFiles:
    """A COMET model ready to build: its name, revision, hyper-parameters and tensors, and the
    folder with its encoder's configuration and tokenizer."""

    model_id: str
    revision: str | None
    hparams: dict[str, Any]
    state_dict: dict[str, Any]
    encoder: Path


def gated_message(model_id: str) -> str:
    return (
        f"model {model_id!r} is gated on the Hugging Face Hub: accept its licence at "
        f"https://huggingface.co/{model_id} while logged in, then log in here with "
        "`hf auth login` (or set HF_TOKEN)"
    )


def unavailable(model_id: str, why: str) -> ModelUnavailableError:
    from huggingface_hub import constants

    return ModelUnavailableError(
        f"model {model_id!r} is not available: {why}; it is not in the Hugging Face cache "
        f"({constants.HF_HUB_CACHE}). Run the same command once where the Hub is reachable "
        "(it caches the model and its encoder's tokenizer), then copy that cache or set HF_HOME "
        "to it"
    )


def fetch(model_id: str, patterns: list[str], revision: str | None = None) -> Path:
    """The cached snapshot of ``patterns`` of a Hub model, downloaded when the Hub answers;
    one line naming the model when it cannot be had (gated, missing, offline)."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError

    if not hub.hub_reachable():
        cached = hub.cached_snapshot(model_id, revision)
        if cached is None:
            why = "HF_HUB_OFFLINE is set" if hub.hub_offline() else "the Hub is unreachable"
            raise unavailable(model_id, why)
        return cached
    try:
        return Path(snapshot_download(model_id, revision=revision, allow_patterns=patterns))
    except GatedRepoError as exc:
        raise ModelUnavailableError(gated_message(model_id)) from exc
    except RepositoryNotFoundError as exc:
        raise ModelUnavailableError(f"model {model_id!r} does not exist on the Hub") from exc
    except (HfHubHTTPError, OSError) as exc:
        cached = hub.cached_snapshot(model_id, revision)
        if cached is None:
            why = f"the Hub did not answer ({type(exc).__name__})"
            raise unavailable(model_id, why) from exc
        return cached


def model_folder(name: str) -> tuple[Path, str, str | None]:
    """The folder of a COMET model named by path or Hub id (``@revision`` allowed), its id and
    revision."""
    base, revision = hub.split_revision(name)
    local = Path(base).expanduser()
    if local.is_dir():
        return local.resolve(), str(local.resolve()), hub.local_revision(local.resolve())
    if not hub.looks_like_hub_id(base):
        raise UserError(f"{name!r} is neither a COMET model folder nor a Hugging Face Hub id")
    folder = fetch(base, [HPARAMS, CHECKPOINT], revision)
    return folder, base, folder.name


def encoder_folder(pretrained_model: str, model_folder: Path) -> Path:
    """The configuration and tokenizer of the encoder a checkpoint was trained from."""
    local = (model_folder / pretrained_model).expanduser()
    if local.is_dir():
        return local.resolve()
    if pretrained_model.startswith((".", "/", "~")):
        raise UserError(f"COMET encoder {pretrained_model!r} is not a folder")
    return fetch(pretrained_model, list(ENCODER_FILES))  # a Hub id, ``org/name`` or legacy


def read_hparams(folder: Path, model_id: str) -> dict[str, Any]:
    import yaml

    path = folder / HPARAMS
    if not path.is_file():
        raise UserError(f"COMET model {model_id!r}: {path} is missing (not a COMET model?)")
    try:
        hparams = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UserError(f"COMET model {model_id!r}: {path} is not valid YAML") from exc
    if not isinstance(hparams, dict):
        raise UserError(f"COMET model {model_id!r}: {path} holds no hyper-parameters")
    return hparams


def load_tensors(path: Path, model_id: str) -> dict[str, Any]:
    """The checkpoint as tensors and plain values (``weights_only``): a pickle that names any
    other object is refused, and nothing in it runs."""
    import pickle

    import torch

    if not path.is_file():
        raise UserError(f"COMET model {model_id!r}: {path} is missing (incomplete download?)")
    aliases = [(dict, name) for name in LIGHTNING_DICTS]
    try:
        with torch.serialization.safe_globals(aliases):
            checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        named = re.search(r"GLOBAL ([\w.]+)", str(exc))
        what = f"it names {named.group(1)}" if named else "objects other than tensors"
        raise UserError(
            f"COMET model {model_id!r}: {path.name} holds more than tensors ({what}); "
            "summarize loads tensors only and runs no pickled code"
        ) from exc
    except (OSError, RuntimeError, EOFError) as exc:
        raise UserError(f"COMET model {model_id!r}: cannot read {path} ({exc})") from exc
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get("state_dict"), dict):
        raise UserError(f"COMET model {model_id!r}: {path.name} has no state_dict")
    return checkpoint


def load(name: str) -> CometFiles:
    """Everything needed to build the COMET model ``name`` (a folder or Hub id).

    As unbabel-comet does, ``hparams.yaml`` says which kind of model it is and the
    hyper-parameters stored in the checkpoint, where there are any, override it."""
    folder, model_id, revision = model_folder(name)
    hparams = read_hparams(folder, model_id)
    checkpoint = load_tensors(folder / CHECKPOINT, model_id)
    stored = checkpoint.get("hyper_parameters")
    if isinstance(stored, dict):
        hparams = {**hparams, **dict(stored), "class_identifier": hparams.get("class_identifier")}
    pretrained = hparams.get("pretrained_model")
    if not isinstance(pretrained, str) or not pretrained:
        raise UserError(f"COMET model {model_id!r}: hparams name no pretrained_model (encoder)")
    encoder = encoder_folder(pretrained, folder)
    return CometFiles(model_id, revision, hparams, checkpoint["state_dict"], encoder)
