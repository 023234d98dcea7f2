"""``python -m tests.fake_cli ARGS``: the real ``summarize`` command line (``main()``, one-line
errors, exit codes) with the fake engines of ``tests/test_batch.py`` instead of models, for tests
that need a separate process (kill -9, a full disk, a broken cache).

The real output cache is opened as usual; the fake translator goes through it (the same
``generate_cached`` the real engines use), so cache faults take the real code path.
Environment variables steer a run:

- ``FAKE_DELAY``: seconds each translate call sleeps (time to kill the process mid-batch);
- ``FAKE_FILL`` and ``FAKE_FILL_AT``: at the ``FAKE_FILL_AT``-th translate call (from 1),
  write zeros to the file ``FAKE_FILL`` until its disk is full;
- ``FAKE_LOG``: a file that gets one line per model requested (nothing is written when no
  model was asked for).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from summarize.engines.base import ModelInfo
from summarize.engines.batching import generate_cached
from tests.helpers import CliResult, run_module
from tests.test_batch import FakeEmbedder, FakeSummarizer, FakeTranslator

_calls = 0


def _fill_disk(path: Path) -> None:
    block = b"\0" * 65536
    try:
        with open(path, "ab", buffering=0) as handle:
            while True:
                handle.write(block)
    except OSError:
        pass
    # What is left is smaller than a block: fill it byte by byte.
    try:
        with open(path, "ab", buffering=0) as handle:
            while True:
                handle.write(b"\0")
    except OSError:
        pass


def _log(line: str) -> None:
    if os.environ.get("FAKE_LOG"):
        with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


class CachedFakeTranslator(FakeTranslator):
    """The fake translation, looked up in and stored to the real output cache."""

    def __init__(self, name: str, store) -> None:
        super().__init__(name)
        self.store = store

    def translate(self, texts, source, target, on_progress=None):
        global _calls
        _calls += 1
        time.sleep(float(os.environ.get("FAKE_DELAY", "0")))
        if os.environ.get("FAKE_FILL") and _calls == int(os.environ.get("FAKE_FILL_AT", "1")):
            _fill_disk(Path(os.environ["FAKE_FILL"]))
        direction = f"{self.info.model_id}/{source.code}-{target.code}"
        info = ModelInfo(self.info.name, direction, "1", "fake", {})
        texts = list(texts)

        def generate(indices: list[int]) -> list[str]:
            return FakeTranslator.translate(self, [texts[i] for i in indices], source, target)

        return generate_cached(info, self.store, texts, generate, 4, on_progress)


class FakeEngineRegistry:
    """Stands in for :class:`summarize.engines.registry.EngineRegistry` (same constructor)."""

    def __init__(self, device, store, notify, **_settings) -> None:
        self.store = store
        self._translators: dict[str, CachedFakeTranslator] = {}

    def translator(self, name, source=None, target=None):
        _log(f"translator {name} {source.code}-{target.code}")
        shown = "fake" if name == "bundled" else name
        return self._translators.setdefault(name, CachedFakeTranslator(shown, self.store))

    def summarizer(self, name):
        _log(f"summarizer {name}")
        return FakeSummarizer()

    def embedder(self, name="minilm"):
        _log(f"embedder {name}")
        return FakeEmbedder()


def run_fake(
    *args: str,
    cache: Path | None = None,
    timeout: float = 120,
    memory_gb: float | None = None,
    **env: str,
) -> CliResult:
    """Run ``python -m tests.fake_cli ARGS`` (cache: ``SUMMARIZE_CACHE_DIR``; ``env``: the
    ``FAKE_*`` variables above), capturing both streams. ``memory_gb`` caps its address
    space (one BLAS thread), so reading endless input fails fast instead of filling memory."""
    if cache is not None:
        env["SUMMARIZE_CACHE_DIR"] = str(cache)
    return run_module("tests.fake_cli", *args, env=env, timeout=timeout, memory_gb=memory_gb)


def error_line(result: CliResult) -> str:
    """The one ``summarize: error:`` line of a failed command, which has no traceback
    (progress lines may come before it)."""
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("summarize: error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def main() -> None:
    import summarize.engines.registry as registry
    import summarize.engines.torch_runtime as torch_runtime
    from summarize.cli.main import main as cli_main

    registry.EngineRegistry = FakeEngineRegistry
    torch_runtime.resolve_device = lambda requested: "cpu"
    sys.argv = ["summarize", *sys.argv[1:]]
    cli_main()


if __name__ == "__main__":
    main()
