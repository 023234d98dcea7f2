"""The CTranslate2 backend on tiny causal LMs: same greedy output as transformers on float32,
batching that does not change outputs, conversion cached, and a clear fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.engines.causal.generators import HfCausalGenerator, load_tokenizer
from summarize.engines.causal.prompted import PromptedCausalLM, load_causal_lm
from summarize.engines.registry import EngineRegistry
from summarize.input.languages import get_language
from summarize.input.segment import segment_document
from tests.tiny_models import build_model

pytest.importorskip("ctranslate2")

from summarize.engines.causal.ct2 import Ct2CausalGenerator, causal_ct2_checkpoint

EN, RU = get_language("en"), get_language("ru")


@pytest.fixture(scope="module")
def tiny_llama(tmp_path_factory) -> Path:
    return build_model("causal", tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture
def isolated_cache(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    seed = Path(__file__).resolve().parent.parent / "seeds" / "000_e93c88f19b9118b4.txt"
    texts = [s.text for s in segment_document(seed.read_text(encoding="utf-8"), "en")]
    return sorted(texts, key=len)[:6]


def engine(generator, batch_size: int = 32) -> PromptedCausalLM:
    return PromptedCausalLM(generator, "tiny", "tiny-llama", None, None, batch_size)


def ct2_generator(model_dir: Path, quantization: str = "float32") -> Ct2CausalGenerator:
    ct2_dir = causal_ct2_checkpoint(model_dir, "tiny-llama", None, quantization, lambda _m: None)
    return Ct2CausalGenerator(ct2_dir, load_tokenizer(model_dir), "cpu", quantization)


def test_ct2_float32_equals_transformers_with_a_chat_template(
    tmp_path_factory, isolated_cache, sentences
) -> None:
    chat_model = build_model("causal-chat", tmp_path_factory.mktemp("tiny-chat"))
    hf = engine(HfCausalGenerator(load_causal_lm(chat_model, "cpu")))
    ct2 = engine(ct2_generator(chat_model))
    assert hf.uses_chat and ct2.uses_chat
    assert ct2.translate(sentences, EN, RU) == hf.translate(sentences, EN, RU)


def test_ct2_float32_equals_transformers(tiny_llama, isolated_cache, sentences) -> None:
    notes: list[str] = []
    ct2_dir = causal_ct2_checkpoint(tiny_llama, "tiny-llama", None, "float32", notes.append)
    assert notes and "Converting tiny-llama to CTranslate2" in notes[0]
    hf = engine(HfCausalGenerator(load_causal_lm(tiny_llama, "cpu")))
    ct2 = engine(ct2_generator(tiny_llama))
    hf_out = hf.translate(sentences, EN, RU)
    ct2_out = ct2.translate(sentences, EN, RU)
    assert any(hf_out)  # random weights still produce some text
    assert ct2_out == hf_out
    # Converted once: a second call finds it and says nothing.
    assert causal_ct2_checkpoint(tiny_llama, "tiny-llama", None, "float32", notes.append) == ct2_dir
    assert len(notes) == 1


def test_batched_equals_one_at_a_time(tiny_llama, isolated_cache, sentences) -> None:
    generator = ct2_generator(tiny_llama)
    batched = engine(generator).translate(sentences, EN, RU)
    single = engine(generator, batch_size=1).translate(sentences, EN, RU)
    assert batched == single
    assert len(set(batched)) > 1  # the outputs depend on the input


def test_int8_conversion_is_a_separate_cached_model(tiny_llama, isolated_cache) -> None:
    f32 = causal_ct2_checkpoint(tiny_llama, "tiny-llama", None, "float32", lambda _m: None)
    int8 = causal_ct2_checkpoint(tiny_llama, "tiny-llama", None, "int8", lambda _m: None)
    assert f32 != int8
    assert (int8 / "model.bin").stat().st_size < (f32 / "model.bin").stat().st_size


def test_unsupported_architecture_falls_back_to_transformers(
    tmp_path_factory, isolated_cache
) -> None:
    gpt_neo = build_model("causal-gpt-neo", tmp_path_factory.mktemp("tiny-gpt-neo"))
    notes: list[str] = []
    registry = EngineRegistry("cpu", None, notes.append, backend="ct2")
    translator = registry.translator(str(gpt_neo))
    assert translator.info.backend == "transformers-causal-prompted"
    assert any("CTranslate2 cannot run" in note for note in notes)
    assert translator.translate(["A short sentence."], EN, RU)[0] is not None


def test_a_preset_can_choose_the_ct2_backend(tiny_llama, isolated_cache, monkeypatch) -> None:
    import summarize.engines.registry as registry_module

    preset = registry_module.Preset(
        "tiny-ct2", "tiny", str(tiny_llama), "prompted-causal", ("translator",), runtime="ct2"
    )
    known = {**registry_module.presets(), "tiny-ct2": preset}
    monkeypatch.setattr(registry_module, "presets", lambda: known)
    registry = EngineRegistry("cpu", None, lambda _m: None)  # --backend transformers
    assert registry.translator("tiny-ct2").info.backend == "ctranslate2-causal-prompted"
    assert registry.translator(str(tiny_llama)).info.backend == "transformers-causal-prompted"
    assert registry_module.presets()["bundled-ct2"].runtime == "ct2"


def test_a_preset_can_run_on_ct2_under_auto(tiny_llama: Path, isolated_cache, monkeypatch) -> None:
    """A preset's ``auto_runtime`` (the Qwen presets: "ct2") decides what the default ``auto``
    means for it, translator and summariser alike; an explicit --backend still wins."""
    from summarize.engines import registry as registry_module
    from summarize.engines.registry import Preset

    known = registry_module.presets()
    preset = Preset(
        "tiny-q", "a tiny causal LM", str(tiny_llama), "prompted-causal",
        ("translator", "summarizer"), auto_runtime="ct2",
    )  # fmt: skip
    monkeypatch.setattr(registry_module, "presets", lambda: {**known, "tiny-q": preset})

    def engines(backend: str) -> list[dict]:
        registry = EngineRegistry("cpu", None, lambda _m: None, backend=backend)
        return [
            {"backend": e.info.backend, "quantization": e.info.settings.get("quantization")}
            for e in (registry.translator("tiny-q"), registry.summarizer("tiny-q"))
        ]

    on_ct2 = {"backend": "ctranslate2-causal-prompted", "quantization": "int8"}
    assert engines("auto") == [on_ct2, on_ct2]
    on_hf = {"backend": "transformers-causal-prompted", "quantization": None}
    assert engines("transformers") == [on_hf, on_hf]
