"""A local GGUF file (``--translator model.gguf``): hashed once, converted once into the cache
keyed by its checksum (for transformers and for CTranslate2, wherever the file lives), and
described by ``summarize models info``. The file is a tiny random Qwen2 chat model written here.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from summarize.engines.files.gguf import (
    cached_sha256,
    checkpoint_dir,
    describe,
    file_sha256,
    remember_sha256,
)
from summarize.engines.registry import EngineRegistry
from summarize.input.languages import get_language
from tests.conftest import assert_one_line_error, run_cli
from tests.tiny_models import write_tiny_gguf

EN, RU = get_language("en"), get_language("ru")
SENTENCES = ["Troops arrived in Almaty.", "The president declared a state of emergency."]


@pytest.fixture(scope="module")
def tiny_gguf(tmp_path_factory) -> Path:
    return write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny-qwen2.gguf")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(autouse=True)
def short_generations(monkeypatch) -> None:
    from summarize.engines.causal import prompted

    monkeypatch.setattr(prompted, "TRANSLATION_TOKENS_PER_INPUT_TOKEN", 1.0)
    monkeypatch.setattr(prompted, "TRANSLATION_EXTRA_TOKENS", 4)


def test_the_hash_is_computed_once_per_version_of_the_file(tiny_gguf, cache, tmp_path) -> None:
    copy = tmp_path / "copy.gguf"
    shutil.copyfile(tiny_gguf, copy)
    digest = file_sha256(copy)
    assert cached_sha256(copy) == digest
    remember_sha256(copy, "f" * 64)  # what a later run would find without reading the file
    assert file_sha256(copy) == "f" * 64
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # changed in place
    assert cached_sha256(copy) is None
    assert file_sha256(copy) == digest


def test_a_local_gguf_is_converted_once_keyed_by_its_checksum(tiny_gguf, cache, tmp_path) -> None:
    notes: list[str] = []
    engine = EngineRegistry("cpu", None, notes.append).translator(str(tiny_gguf))
    digest = file_sha256(tiny_gguf)
    assert engine.info.revision == digest[:16]
    assert engine.info.model_id == str(tiny_gguf)
    assert engine.uses_chat and engine.info.settings["stop"] == "end of turn"
    assert sum("converting the GGUF file" in note for note in notes) == 1
    assert (checkpoint_dir(digest) / "model.safetensors").is_file()
    first = engine.translate(SENTENCES, EN, RU)

    moved = tmp_path / "elsewhere" / "renamed.gguf"
    moved.parent.mkdir()
    shutil.copyfile(tiny_gguf, moved)
    notes.clear()
    again = EngineRegistry("cpu", None, notes.append).translator(str(moved))
    assert not any("convert" in note.lower() for note in notes), notes
    assert again.translate(SENTENCES, EN, RU) == first


def test_ct2_runs_a_local_gguf_through_its_conversions(tiny_gguf, cache, tmp_path) -> None:
    pytest.importorskip("ctranslate2")
    notes: list[str] = []
    registry = EngineRegistry("cpu", None, notes.append, backend="ct2", quantization="float32")
    engine = registry.translator(str(tiny_gguf))
    assert engine.generator.backend == "ctranslate2", notes
    assert not any("cannot" in note for note in notes), notes
    digest = file_sha256(tiny_gguf)
    assert [p.name.startswith(f"gguf-{digest[:16]}-") for p in (cache / "ct2").iterdir()] == [True]
    outputs = engine.translate(SENTENCES, EN, RU)
    hf = EngineRegistry("cpu", None, notes.append).translator(str(tiny_gguf))
    assert outputs == hf.translate(SENTENCES, EN, RU)  # float32: the same greedy output

    moved = tmp_path / "moved.gguf"
    shutil.copyfile(tiny_gguf, moved)
    notes.clear()
    registry = EngineRegistry("cpu", None, notes.append, backend="ct2", quantization="float32")
    registry.translator(str(moved))
    assert not any("onvert" in note for note in notes), notes


@pytest.mark.parametrize("q8_0", [False, True], ids=["float32", "q8_0"])
def test_int8_straight_from_the_gguf_file_equals_converting_its_checkpoint(
    q8_0, cache, tmp_path
) -> None:
    """The int8 conversion that reads the GGUF file a tensor at a time (no float32 checkpoint
    on disk) writes the same CTranslate2 model, byte for byte, as CTranslate2's own converter
    given the float32 checkpoint transformers makes of the file."""
    pytest.importorskip("ctranslate2")
    from summarize.engines.causal.ct2 import causal_ct2_checkpoint
    from summarize.engines.ct2 import GGUF_TOKENIZER_DIR, gguf_ct2_checkpoint
    from summarize.engines.files.gguf import gguf_checkpoint

    path = write_tiny_gguf(tmp_path / "tiny.gguf", q8_0=q8_0)
    digest = file_sha256(path)
    checkpoint = gguf_checkpoint(lambda _scratch: path, digest, "tiny", lambda _m: None)
    via_checkpoint = causal_ct2_checkpoint(checkpoint, "tiny", None, "int8", lambda _m: None)
    direct = gguf_ct2_checkpoint(lambda _scratch: path, "direct", "tiny", "int8", lambda _m: None)
    for name in ("model.bin", "config.json", "vocabulary.json"):
        assert (direct / name).read_bytes() == (via_checkpoint / name).read_bytes(), name
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        assert (direct / GGUF_TOKENIZER_DIR / name).read_bytes() == (checkpoint / name).read_bytes()


def test_ct2_keeps_only_what_runs_and_transformers_converts_on_demand(tiny_gguf, cache) -> None:
    """Under CTranslate2 (the Qwen presets' runtime) the cache holds the CTranslate2 model and
    its tokenizer: no transformers checkpoint and no copy of the GGUF file. ``--backend
    transformers`` converts the checkpoint when it is first asked for."""
    pytest.importorskip("ctranslate2")
    engine = EngineRegistry("cpu", None, lambda _m: None, backend="ct2").translator(str(tiny_gguf))
    assert engine.generator.backend == "ctranslate2"
    outputs = engine.translate(SENTENCES, EN, RU)
    assert all(isinstance(text, str) for text in outputs) and len(outputs) == len(SENTENCES)
    kept = sorted(p.relative_to(cache).parts[0] for p in cache.rglob("*") if p.is_file())
    assert set(kept) <= {"ct2", "gguf-sha256.json"}, kept
    assert not list(cache.rglob("*.gguf")) and not list(cache.rglob("*.safetensors"))
    notes: list[str] = []
    hf = EngineRegistry("cpu", None, notes.append, backend="transformers").translator(
        str(tiny_gguf)
    )
    assert hf.generator.backend == "transformers"
    assert (checkpoint_dir(file_sha256(tiny_gguf)) / "model.safetensors").is_file()
    assert sum("converting the GGUF file" in note for note in notes) == 1


def test_models_info_describes_a_gguf_file(tiny_gguf, cache) -> None:
    meta = describe(tiny_gguf)
    assert meta["architecture"] == "qwen2" and meta["chat_template"]
    assert meta["quantization"] == "F32" and meta["layers"] == 1
    result = run_cli("models", "info", str(tiny_gguf), cache=cache)
    assert result.returncode == 0, result.stderr
    fields = dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in result.stdout.splitlines())
    )
    assert fields["sha256"] == file_sha256(tiny_gguf)
    assert fields["architecture"] == "qwen2"
    assert fields["format"] == "GGUF v3, F32 weights"
    assert fields["prompt"] == "chat template (instruction model)"
    assert fields["transformers"].startswith("not yet")
    assert json.loads((cache / "gguf-sha256.json").read_text())  # hashed once, remembered


def test_a_file_that_is_not_gguf_is_refused_in_one_line(tmp_path, cache) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"PK\x03\x04 not a model")
    result = run_cli("models", "info", str(fake), cache=cache)
    assert_one_line_error(result, "is not a GGUF file")
    seed = Path(__file__).resolve().parent.parent / "seeds" / "000_e93c88f19b9118b4.txt"
    result = run_cli("run", str(seed), "--translator", str(fake), "--summarizer=none", cache=cache)
    assert_one_line_error(result, "is not a GGUF file")
