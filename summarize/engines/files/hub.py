"""Find a model's files: a local directory, or a Hugging Face Hub id in the standard HF cache.

Hub ids resolve through ``huggingface_hub`` exactly as in any Hugging Face tool (``HF_HOME``,
``HF_HUB_CACHE``, ``HF_HUB_OFFLINE=1``, ``HF_ENDPOINT``). Before downloading anything the Hub is
probed once with a short timeout; when it is offline or unreachable only the local cache is
used, so a model that is missing fails in seconds with one line, not after minutes of retries.

Safety: weights must be safetensors. Pickle checkpoints (``pytorch_model.bin``, ``*.pt``) can run
code when loaded, so they are refused unless the caller passes ``allow_pickle``. A model's own
code is never run: every load passes ``trust_remote_code=False``, a folder that needs its own code
is refused before loading, and transformers' "run the custom code? [y/N]" question is turned off
(:func:`summarize.engines.torch_runtime.prepare_transformers`).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from summarize.errors import ModelUnavailableError, UserError

# Seconds to wait for the Hub to answer the reachability probe and metadata requests.
HUB_TIMEOUT_S = 3.0
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
SAFE_WEIGHTS = ("*.safetensors",)
PICKLE_WEIGHTS = ("*.bin", "*.pt", "*.pth", "*.ckpt")
# Everything but weights that a transformers model directory may need.
SUPPORT_FILES = ("*.json", "*.model", "*.spm", "*.txt", "*.tiktoken", "*.py.license")
_PICKLE_NAMES = ("pytorch_model.bin", "model.pt", "pytorch_model.pt")
# Encoder-decoder model types, for configs that do not state is_encoder_decoder.
ENCODER_DECODER = {
    "bart",
    "bigbird_pegasus",
    "fsmt",
    "led",
    "longt5",
    "m2m_100",
    "marian",
    "mbart",
    "mt5",
    "nllb-moe",
    "pegasus",
    "pegasus_x",
    "plbart",
    "prophetnet",
    "t5",
    "umt5",
}


@dataclass(frozen=True)
class ModelFiles:
    """A model directory ready to load, and what it is."""

    path: Path
    model_id: str
    revision: str | None
    pickle: bool  # weights are a pickle checkpoint (loaded only when the user allowed it)
    is_encoder_decoder: bool = False
    gguf_file: str | None = None  # a GGUF checkpoint (causal LMs), converted once on first use


def split_revision(name: str) -> tuple[str, str | None]:
    """``org/model@rev`` → (``org/model``, ``rev``); a name without ``@`` has no pinned revision."""
    if "@" in name and not Path(name).expanduser().exists():
        base, revision = name.rsplit("@", 1)
        return base, revision or None
    return name, None


def looks_like_hub_id(name: str) -> bool:
    return bool(HUB_ID.match(name)) and not Path(name).expanduser().exists()


def hub_offline() -> bool:
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


@cache
def hub_reachable() -> bool:
    """One quick request to the Hub endpoint (cached for the process)."""
    if hub_offline():
        return False
    from huggingface_hub import constants
    from huggingface_hub.utils import get_session

    try:
        get_session().head(constants.ENDPOINT, timeout=HUB_TIMEOUT_S)
    except Exception:
        return False
    return True


def unavailable(model_id: str, why: str) -> ModelUnavailableError:
    from huggingface_hub import constants

    return ModelUnavailableError(
        f"model {model_id!r} is not available: {why}; it is not in the Hugging Face cache "
        f"({constants.HF_HUB_CACHE}). Get it on a machine that reaches the Hub with "
        f"`summarize models pull {model_id}` (then copy that cache, or set HF_HOME to it)"
    )


def cached_snapshot(model_id: str, revision: str | None) -> Path | None:
    """The cached snapshot directory of ``model_id``, or ``None``; never touches the network."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(model_id, revision=revision, local_files_only=True))
    except (LocalEntryNotFoundError, FileNotFoundError, OSError, ValueError):
        return None


def download(model_id: str, revision: str | None, allow_pickle: bool) -> Path:
    """Download the files a model needs into the HF cache (safetensors unless allowed)."""
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import (
        HfHubHTTPError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    try:
        info = HfApi().model_info(model_id, revision=revision, timeout=HUB_TIMEOUT_S * 5)
    except RepositoryNotFoundError as exc:
        raise ModelUnavailableError(f"model {model_id!r} does not exist on the Hub") from exc
    except RevisionNotFoundError as exc:
        raise ModelUnavailableError(f"model {model_id!r} has no revision {revision!r}") from exc
    except (HfHubHTTPError, OSError) as exc:
        cached = cached_snapshot(model_id, revision)
        if cached is not None:  # the Hub is flaky right now, but we have it
            return cached
        raise unavailable(model_id, f"the Hub did not answer ({type(exc).__name__})") from exc
    names = [sibling.rfilename for sibling in info.siblings or []]
    patterns = list(SUPPORT_FILES)
    if any(name.endswith(".safetensors") for name in names):
        patterns += SAFE_WEIGHTS
    elif allow_pickle:
        patterns += PICKLE_WEIGHTS
    else:
        raise UserError(
            f"model {model_id!r} has only pickle weights (no .safetensors), which can run code "
            "when loaded; pass ⟨allow_pickle=True⟩ if you trust it"
        )
    return Path(snapshot_download(model_id, revision=info.sha, allow_patterns=patterns))


def resolve_files(name: str, allow_pickle: bool = False) -> ModelFiles:
    """A local directory or Hub id (optionally ``@revision``) → a checked local model directory."""
    base, revision = split_revision(name)
    local = Path(base).expanduser()
    if local.is_file() and local.suffix == ".gguf":
        resolved = local.resolve()
        revision = local_revision(resolved.parent)
        return ModelFiles(resolved.parent, str(resolved), revision, False, gguf_file=resolved.name)
    if local.is_dir():
        path = local.resolve()
        return check_model_dir(path, str(path), local_revision(path), allow_pickle)
    if not looks_like_hub_id(base):
        raise UserError(f"{name!r} is neither a model directory nor a Hugging Face Hub id")
    if hub_reachable():
        path = download(base, revision, allow_pickle)
    else:
        path = cached_snapshot(base, revision)
        if path is None:
            why = "HF_HUB_OFFLINE is set" if hub_offline() else "the Hub is unreachable"
            raise unavailable(base, why)
    return check_model_dir(path, base, path.name, allow_pickle)


def local_revision(path: Path) -> str:
    """A local directory has no commit: fingerprint its files (names, sizes, modification
    times), so cached outputs of a model that was changed in place are never reused."""
    import hashlib

    digest = hashlib.sha256()
    for file in sorted(p for p in path.iterdir() if p.is_file()):
        stat = file.stat()
        digest.update(f"{file.name}\x00{stat.st_size}\x00{stat.st_mtime_ns}\n".encode())
    return f"local-{digest.hexdigest()[:16]}"


def check_model_dir(
    path: Path, model_id: str, revision: str | None, allow_pickle: bool
) -> ModelFiles:
    """Refuse a directory with missing or corrupt files, or pickle weights not allowed."""
    config_path = path / "config.json"
    ggufs = sorted(path.glob("*.gguf"))
    if not config_path.is_file() and len(ggufs) == 1:
        return ModelFiles(path, model_id, revision, pickle=False, gguf_file=ggufs[0].name)
    if not config_path.is_file():
        raise UserError(f"model {model_id!r}: {path} has no config.json (incomplete download?)")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"model {model_id!r}: {config_path} is corrupt ({exc})") from exc
    if not isinstance(config, dict) or "model_type" not in config:
        raise UserError(f"model {model_id!r}: {config_path} has no model_type")
    _refuse_own_code(config, model_id)
    seq2seq = bool(config.get("is_encoder_decoder")) or config["model_type"] in ENCODER_DECODER
    safetensors = sorted(path.glob("*.safetensors"))
    pickles = [p for p in path.iterdir() if p.name in _PICKLE_NAMES or p.suffix == ".bin"]
    _check_index(path, model_id)
    if safetensors:
        for weights in safetensors:
            _check_safetensors(weights, model_id)
        return ModelFiles(path, model_id, revision, pickle=False, is_encoder_decoder=seq2seq)
    if not pickles:
        raise UserError(f"model {model_id!r}: {path} has no weights (*.safetensors)")
    if not allow_pickle:
        raise UserError(
            f"model {model_id!r} has only pickle weights ({pickles[0].name}), which can run code "
            "when loaded; pass ⟨allow_pickle=True⟩ if you trust it"
        )
    return ModelFiles(path, model_id, revision, pickle=True, is_encoder_decoder=seq2seq)


def _refuse_own_code(config: dict, model_id: str) -> None:
    """A config whose model type transformers does not know, with an ``auto_map`` naming the
    folder's own Python classes, can only be loaded by running that code: refuse it here,
    before any library is asked (a known model type with an ``auto_map`` loads the library's
    own class; the ``auto_map`` is ignored)."""
    if "auto_map" not in config:
        return
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES

    if config["model_type"] not in CONFIG_MAPPING_NAMES:
        modules = sorted(
            {str(ref).split(".")[0] + ".py" for ref in _auto_map_refs(config["auto_map"])}
        )
        raise UserError(
            f"model {model_id!r} needs its own Python code ({', '.join(modules) or 'auto_map'}) "
            f"for model_type {config['model_type']!r}; summarize never runs code from model "
            "folders"
        )


def _auto_map_refs(auto_map: object) -> list[str]:
    """The ``module.Class`` strings of an ``auto_map`` (values may be lists: tokenizer pairs)."""
    if not isinstance(auto_map, dict):
        return []
    refs = []
    for value in auto_map.values():
        for ref in value if isinstance(value, list) else [value]:
            if isinstance(ref, str):
                refs.append(ref.split("--")[-1])
    return refs


def _check_index(path: Path, model_id: str) -> None:
    """Every shard named by a sharded checkpoint's index must be present."""
    for index in path.glob("*.index.json"):
        try:
            shards = set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values())
        except (ValueError, KeyError) as exc:
            raise UserError(f"model {model_id!r}: {index} is corrupt") from exc
        missing = sorted(shard for shard in shards if not (path / shard).is_file())
        if missing:
            raise UserError(f"model {model_id!r}: missing weight file(s) {', '.join(missing)}")


def _check_safetensors(weights: Path, model_id: str) -> None:
    """Read the header and check the file is as long as the header says (no truncation)."""
    try:
        size = weights.stat().st_size
        with open(weights, "rb") as handle:
            header_len = int.from_bytes(handle.read(8), "little")
            if header_len <= 0 or 8 + header_len > size:
                raise ValueError("bad header length")
            header = json.loads(handle.read(header_len))
        ends = [entry["data_offsets"][1] for key, entry in header.items() if key != "__metadata__"]
        if 8 + header_len + max(ends, default=0) > size:
            raise ValueError("file is truncated")
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise UserError(f"model {model_id!r}: weight file {weights} is corrupt ({exc})") from exc


def hf_cache_dir() -> str:
    from huggingface_hub import constants

    return str(constants.HF_HUB_CACHE)


def env_summary() -> str:
    """Where models are cached and whether the Hub is used (for `models list`)."""
    offline = "offline (HF_HUB_OFFLINE)" if hub_offline() else "online when reachable"
    return f"HF cache: {hf_cache_dir()} (HF_HOME={os.environ.get('HF_HOME', 'unset')}); {offline}"
