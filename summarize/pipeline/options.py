"""What a run is asked to do (:class:`RunOptions`), and the checks that need no model.

Everything the user can get wrong in the options (languages, sizes, model names) is checked by
:func:`check_options` before any model is loaded, so a bad option fails in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from summarize.errors import UserError
from summarize.input.languages import Language, get_language
from summarize.input.segment import DEFAULT_MAX_SEGMENT_CHARS
from summarize.input.text import DEFAULT_MAX_INPUT_MB, max_bytes

SOURCE_LANGUAGE = "en"
NO_SCORER = "none"


def _default_model() -> str:
    from summarize.engines.registry import default_model

    return default_model()[0]


@dataclass
class RunOptions:
    pivots: list[str] = field(default_factory=lambda: ["ru"])
    translator: str = field(default_factory=_default_model)
    back_translator: str | None = None
    # The model scoring each leg without a reference (None: the model that made the output;
    # NO_SCORER: no scoring; "cometkiwi": CometKiwi).
    scorer: str | None = None
    # Several translation systems side by side (default: just ``translator``).
    translators: list[str] = field(default_factory=list)
    # Reference mode: this source text is translated into English and scored against the
    # English text given to :func:`prepare` (line-aligned); no pivots.
    source: Path | None = None
    source_lang: str | None = None
    allow_pickle: bool = False
    summarizers: list[str] = field(default_factory=lambda: [_default_model()])
    embedder: str = "minilm"
    lead_sentences: int = 3
    extractive_sentences: int = 3
    device: str = "auto"
    backend: str = "auto"
    threads: int | None = None
    quantization: str | None = None
    language_check: bool = True
    use_cache: bool = True
    # Input bounds: the largest article (MB), and the longest segment (characters), longer
    # sentences being split (reference-mode lines, which must stay aligned, are refused).
    max_input_mb: float = DEFAULT_MAX_INPUT_MB
    max_segment_chars: int = DEFAULT_MAX_SEGMENT_CHARS
    # Round trip: human translations into a pivot language, each line-aligned with the input's
    # non-empty lines, that the pivot texts are scored against (``--pivot-ref``): file paths by
    # pivot code ("": the run's one pivot; a batch: folders of <document id>.txt). The input is
    # then one segment per non-empty line.
    pivot_references: dict[str, str] = field(default_factory=dict)
    # A batch on a WMT XML test set: its systems' outputs (``Document.systems``) are scored as
    # translation systems beside the translators, on the same segments (no model runs them).
    wmt_systems: bool = False

    def all_translators(self) -> list[str]:
        return self.translators or [self.translator]


def check_options(options: RunOptions) -> tuple[Language, list[Language]]:
    """Validate languages, sizes and model names; return (source, pivots). Loads no model."""
    source = get_language(SOURCE_LANGUAGE)
    pivots = [get_language(code) for code in options.pivots]
    if any(pivot.code == source.code for pivot in pivots):
        raise UserError(f"the pivot language must differ from the input language ({source.code})")
    if options.lead_sentences < 1 or options.extractive_sentences < 1:
        raise UserError("⟨lead_sentences⟩ and ⟨extractive_sentences⟩ must be at least 1")
    from summarize.engines.registry import BACKENDS, resolve_source

    if options.backend not in BACKENDS:
        raise UserError(f"unknown backend {options.backend!r}; use one of {', '.join(BACKENDS)}")
    if options.threads is not None and options.threads < 1:
        raise UserError("⟨threads⟩ must be at least 1")
    max_bytes(options.max_input_mb)  # refuses a limit that is not positive
    if options.max_segment_chars < 1:
        raise UserError("⟨max_segment_chars⟩ must be at least 1")
    for name in options.all_translators():
        resolve_source(name, "translator")
    if options.source is None:
        resolve_source(options.back_translator or options.translator, "translator")
    from summarize.metrics.comet.legs import kiwi_model

    if options.scorer not in (None, NO_SCORER) and kiwi_model(options.scorer) is None:
        resolve_source(options.scorer, "translator")
    for name in options.summarizers:
        resolve_source(name, "summarizer")
    resolve_source(options.embedder, "embedder")
    return source, pivots
