"""A leg score does not depend on its batch: the same output given the same input scores the
same bits alone and among other pairs of other lengths, on both runtimes and every family the
tiny models cover (``run`` scores one article's legs, ``batch`` many articles' at once)."""

from __future__ import annotations

from typing import Any

import pytest

from summarize.engines.registry import EngineRegistry
from summarize.input.languages import get_language
from tests.tiny_models import RUSSIAN, build_model

pytest.importorskip("ctranslate2")

EN, RU = get_language("en"), get_language("ru")
TEXT, OUTPUT = "Troops arrived in Almaty on January 5.", "Войска прибыли в Алматы 5 января."
# Other pairs of other lengths, shorter and longer than the one above.
TEXTS = ["Hi", "The CSTO includes Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia and Tajikistan."]
OUTPUTS = [RUSSIAN[0], "Да"]


@pytest.mark.parametrize("backend", ["ct2", "ct2-int8", "transformers"])
@pytest.mark.parametrize(
    "family", ["causal", "causal-chat", "marian", "nllb", "m2m100", "mbart50", "t5"]
)
def test_a_pair_scores_the_same_bits_alone_and_in_a_batch(
    family: str, backend: str, tmp_path_factory, monkeypatch
) -> None:
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = build_model(family, tmp_path_factory.mktemp(f"tiny-{family}"))
    # CTranslate2 in float32 (as transformers) and int8 (its default here).
    runtime_name, _, quantization = backend.partition("-")
    if runtime_name == "ct2":
        quantization = quantization or "float32"
    # No output cache: every call reaches the model.
    engines = EngineRegistry(
        "cpu", None, lambda _m: None, backend=runtime_name, quantization=quantization or None
    )
    engine = engines.translator(str(model), EN, RU)
    runtime = RecordingRuntime(engine.generator)
    (alone,) = engine.score_translations([TEXT], [OUTPUT], EN, RU)
    texts = [TEXTS[0], TEXT, *TEXTS[1:] * 3, *RUSSIAN]
    outputs = [OUTPUTS[0], OUTPUT, *OUTPUTS[1:] * 3, *RUSSIAN[::-1]]
    together = engine.score_translations(texts, outputs, EN, RU)
    assert alone is not None
    assert together[1] == alone  # exact: the same computation
    # Not only here: no runtime is handed a padded batch, which gives other floats on other
    # processors (CTranslate2's encoder-decoder score_batch did on another x86 machine).
    assert runtime.batch_sizes and set(runtime.batch_sizes) == {1}


class RecordingRuntime:
    """Stands in for the generator's runtime model (a CTranslate2 ``Translator`` or
    ``Generator``, or a torch module) and records how many sequences each scoring call gets."""

    def __init__(self, generator: Any) -> None:
        self.name = "translator" if hasattr(generator, "translator") else "model"
        self.wrapped = getattr(generator, self.name)
        self.batch_sizes: list[int] = []
        setattr(generator, self.name, self)

    def score_batch(self, sequences: list, *args: Any, **kwargs: Any) -> Any:
        # CTranslate2 cuts a call into batches of at most max_batch_size (0: no limit).
        self.batch_sizes.append(min(len(sequences), kwargs.get("max_batch_size") or len(sequences)))
        return self.wrapped.score_batch(sequences, *args, **kwargs)

    def __call__(self, input_ids: Any, **kwargs: Any) -> Any:
        self.batch_sizes.append(int(input_ids.shape[0]))
        return self.wrapped(input_ids=input_ids, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)
