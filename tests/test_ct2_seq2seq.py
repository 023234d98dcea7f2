"""The CTranslate2 backend on tiny encoder-decoder models of every family: greedy float32 output
equal to the transformers backend's on the same batched inputs (language tokens, task prefixes,
chunking, generation-config settings), int8, a cached conversion, and clear fallbacks."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarize.engines.registry import EngineRegistry
from summarize.input.languages import get_language
from tests.conftest import SEED
from tests.tiny_models import build_model

pytest.importorskip("ctranslate2")

from summarize.engines.ct2 import check_convertible

EN, RU, DE = (get_language(code) for code in ("en", "ru", "de"))
SENTENCES = [
    "Troops arrived.",
    "The situation in Kazakhstan escalated on January 2.",
    "Prices for liquefied gas doubled at the start of the year.",
    "Moscow. January 6th. The president declared a state of emergency and asked for help.",
    "Gas prices",
    "In Almaty, troops arrived on Thursday morning and the airport was closed to all flights.",
]
TRANSLATORS = ("marian", "nllb", "m2m100", "mbart50", "t5")
SUMMARIZERS = ("bart", "pegasus", "t5")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny-seq2seq")
    families = {*TRANSLATORS, *SUMMARIZERS, "led"}
    return {family: build_model(family, root / family) for family in sorted(families)}


@pytest.fixture(scope="module", autouse=True)
def shared_conversions(tmp_path_factory) -> Iterator[Path]:
    """One conversion cache for the module (tests that count conversions use their own), and
    torch's thread count restored after it (the registries here run on one thread: many times
    faster for tiny models, above all on a busy machine)."""
    import torch

    threads = torch.get_num_threads()
    with pytest.MonkeyPatch.context() as patch:
        cache = tmp_path_factory.mktemp("ct2-cache")
        patch.setenv("SUMMARIZE_CACHE_DIR", str(cache))
        yield cache
    torch.set_num_threads(threads)


def registry(
    notes: list[str] | None = None, backend: str = "transformers", quantization: str = "float32"
) -> EngineRegistry:
    say = notes.append if notes is not None else (lambda _message: None)
    return EngineRegistry("cpu", None, say, backend=backend, threads=1, quantization=quantization)


@pytest.fixture(autouse=True)
def short_generations(monkeypatch) -> None:
    """Random weights often run to the length limit: keep the limits small (still one per
    input length, so rows of a batch have different limits)."""
    from summarize.engines.seq2seq import engine as seq2seq

    monkeypatch.setattr(seq2seq, "TRANSLATION_TOKENS_PER_INPUT_TOKEN", 1.0)
    monkeypatch.setattr(seq2seq, "TRANSLATION_EXTRA_TOKENS", 4)


def both(role: str, path: Path, notes: list[str] | None = None):
    """The transformers and the CTranslate2 (float32) engine for ``path`` in ``role``."""
    hf, ct2 = registry(notes), registry(notes, backend="ct2")
    return getattr(hf, role)(str(path)), getattr(ct2, role)(str(path))


def with_generation_config(source: Path, target: Path, **settings) -> Path:
    """A copy of a tiny model whose generation_config.json also has ``settings``."""
    shutil.copytree(source, target)
    config_file = target / "generation_config.json"
    config_file.write_text(json.dumps({**json.loads(config_file.read_text()), **settings}))
    return target


def test_the_installed_converter_supports_every_tiny_family(tiny) -> None:
    for family in {*TRANSLATORS, *SUMMARIZERS}:
        check_convertible(tiny[family])  # raises Ct2Unsupported otherwise


@pytest.mark.parametrize("family", TRANSLATORS)
def test_float32_translation_equals_transformers(tiny, family) -> None:
    hf, ct2 = both("translator", tiny[family])
    assert hf.info.backend == f"transformers-seq2seq:{hf.setup.family}"
    assert ct2.info.backend == f"ctranslate2-seq2seq:{hf.setup.family}"
    hf_out = hf.translate(SENTENCES, EN, RU)
    assert len(set(hf_out)) > 1  # the outputs depend on the input
    assert ct2.translate(SENTENCES, EN, RU) == hf_out
    assert ct2.translate(SENTENCES, EN, DE) == hf.translate(SENTENCES, EN, DE)
    # Same settings, but the runtime.
    assert ct2.info.settings.pop("quantization") == "float32"
    assert hf.info.settings.pop("dtype") == "float32"
    assert ct2.info.settings == hf.info.settings


@pytest.mark.parametrize("family", SUMMARIZERS)
def test_float32_chunked_summary_equals_transformers(tiny, family) -> None:
    notes: list[str] = []
    hf, ct2 = both("summarizer", tiny[family], notes)
    for engine in (hf, ct2):
        engine.summary_max_new_tokens = 16  # random weights may never stop
    article = "\n".join(SEED.read_text(encoding="utf-8").splitlines()[:4])
    assert len(ct2.chunks(article)) > 1
    assert ct2.summarize(article) == hf.summarize(article)
    assert sum("chunks split on sentence boundaries" in note for note in notes) == 2
    short = SENTENCES[3]
    assert ct2.summarize(short) == hf.summarize(short)


def test_batched_equals_one_at_a_time(tiny) -> None:
    _hf, ct2 = both("translator", tiny["mbart50"])
    batched = ct2.translate(SENTENCES, EN, RU)
    ct2.batch_size = 1
    assert [ct2.translate([text], EN, RU)[0] for text in SENTENCES] == batched


def test_generation_config_settings_are_reproduced(tiny, tmp_path, monkeypatch) -> None:
    """Settings real checkpoints carry (mBART-50: forced_eos_token_id; BART-CNN: forced_bos,
    min_length, no_repeat_ngram_size; OPUS-MT: bad_words_ids) apply to both backends alike,
    also when short limits make rows of one batch stop at different lengths."""
    from summarize.engines.seq2seq import engine as seq2seq

    monkeypatch.setattr(seq2seq, "TRANSLATION_TOKENS_PER_INPUT_TOKEN", 0.3)
    monkeypatch.setattr(seq2seq, "TRANSLATION_EXTRA_TOKENS", 2)
    tokenizer_ids = json.loads((tiny["mbart50"] / "tokenizer.json").read_text())["model"]["vocab"]
    mbart = with_generation_config(
        tiny["mbart50"],
        tmp_path / "mbart",
        forced_eos_token_id=2,
        min_length=3,
        no_repeat_ngram_size=2,
        bad_words_ids=[[tokenizer_ids["Ġthe"]]],
    )
    hf, ct2 = both("translator", mbart)
    hf_out = hf.translate(SENTENCES, EN, RU)
    assert ct2.translate(SENTENCES, EN, RU) == hf_out
    hf.batch_size = 1  # a forced </s> does not make batched output differ from single
    assert [hf.translate([text], EN, RU)[0] for text in SENTENCES] == hf_out

    bart = with_generation_config(
        tiny["bart"], tmp_path / "bart", forced_bos_token_id=0, min_length=8
    )
    hf, ct2 = both("summarizer", bart)
    for engine in (hf, ct2):
        engine.summary_max_new_tokens = 12
    for text in SENTENCES[:3]:
        assert ct2.summarize(text) == hf.summarize(text)


def test_int8_runs(tiny) -> None:
    engine = registry(backend="ct2", quantization="int8").translator(str(tiny["nllb"]))
    outputs = engine.translate(SENTENCES, EN, RU)
    assert len(outputs) == len(SENTENCES) and all(isinstance(text, str) for text in outputs)
    assert engine.info.settings["quantization"] == "int8"
    assert engine.info.backend == "ctranslate2-seq2seq:nllb"


def test_converted_once_and_cached(tiny, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path))
    notes: list[str] = []
    for _ in range(2):  # a fresh registry, as in a second run
        engine = registry(notes, backend="ct2").summarizer(str(tiny["t5"]))
        assert engine.info.backend == "ctranslate2-seq2seq:t5"
    assert sum("to CTranslate2" in note for note in notes) == 1
    assert len(list((tmp_path / "ct2").iterdir())) == 1


def test_unsupported_architecture_falls_back_to_transformers(tiny) -> None:
    notes: list[str] = []
    engine = registry(notes, backend="ct2").summarizer(str(tiny["led"]))
    assert engine.info.backend == "transformers-seq2seq:seq2seq"
    assert any("CTranslate2 cannot run" in n and "LEDConfig" in n for n in notes), notes
    assert not any("to CTranslate2" in note for note in notes)  # refused before converting
    engine.summary_max_new_tokens = 8
    assert isinstance(engine.summarize(SENTENCES[1]), str)


def test_generation_setting_without_equivalent_falls_back(tiny, tmp_path) -> None:
    bart = with_generation_config(tiny["bart"], tmp_path / "bart", repetition_penalty=1.3)
    notes: list[str] = []
    engine = registry(notes, backend="ct2").summarizer(str(bart))
    assert engine.info.backend == "transformers-seq2seq:seq2seq"
    assert any("repetition_penalty=1.3" in note for note in notes), notes
    assert not any("to CTranslate2" in note for note in notes)  # refused before converting
