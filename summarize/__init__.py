"""summarize: re-translate and summarise news articles with local models, and score every output.

Use from Python (names are imported on first use, so ``import summarize`` loads no torch)::

    import summarize

    report = summarize.score(["a b c d"], ["a b c e"], metrics=["bleu", "chrf"])
    print(report)                       # one line per system
    report.to_dict()                    # what `summarize score --json` prints

    with summarize.Runner(summarizers=[], backend="ct2") as runner:
        result = runner.run_file("seeds/000_e93c88f19b9118b4.txt")   # = `summarize run --json`
        for item in runner.run_documents([{"id": "a", "text": "..."}]):
            ...                         # a RunResult, or a DocumentError for a bad document
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# Public name → the module that defines it.
_EXPORTS = {
    "score": "summarize.api",
    "Runner": "summarize.api",
    "RunOptions": "summarize.pipeline.options",
    "RunResult": "summarize.result",
    "ScoreReport": "summarize.scoring",
    "Document": "summarize.input.documents",
    "DocumentError": "summarize.input.documents",
    "UserError": "summarize.errors",
    "ModelUnavailableError": "summarize.errors",
}

__all__ = [
    "Document",
    "DocumentError",
    "ModelUnavailableError",
    "RunOptions",
    "RunResult",
    "Runner",
    "ScoreReport",
    "UserError",
    "__version__",
    "score",
]

if TYPE_CHECKING:
    from summarize.api import Runner, score
    from summarize.errors import ModelUnavailableError, UserError
    from summarize.input.documents import Document, DocumentError
    from summarize.pipeline.options import RunOptions
    from summarize.result import RunResult
    from summarize.scoring import ScoreReport


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'summarize' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
