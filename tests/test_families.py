"""Model families registered by name (``summarize/engines/families.py``): a preset's ``family``
picks the loader, an unknown family is one line listing the known ones, a model named by its
files gets its family from them, and bundled sources are found by what registered them. No
model is loaded here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from summarize.engines import families, registry
from summarize.engines.files.gguf import GgufFile
from summarize.engines.files.hub import ModelFiles
from summarize.engines.files.sources import open_weights
from summarize.engines.files.split_gguf import split_ggufs
from summarize.errors import UserError
from summarize.progress import SilentProgress
from summarize.resources import load_toml
from tests.conftest import REPO, assert_one_line_error
from tests.helpers import run_module

KNOWN = (
    "known families: m2m100, marian, mbart50, nllb, prompted-causal, sentence-transformers, "
    "seq2seq, t5"
)


class _Engine:
    roles = ("translator",)


def test_a_new_family_is_one_registration(monkeypatch) -> None:
    """Registering a loader under a name is all a preset needs to be loaded by it."""
    loaded: list[families.Model] = []
    monkeypatch.setattr(families, "_FAMILIES", dict(families._FAMILIES))

    @families.register_family("echo")
    def echo(model: families.Model, loader: families.Loader) -> _Engine:
        loaded.append(model)
        return _Engine()

    preset = registry.Preset("echo-model", "d", "org/echo", "echo", ("translator",), num_beams=3)
    known = {**registry.presets(), "echo-model": preset}
    monkeypatch.setattr(registry, "presets", lambda: known)
    engine = registry.EngineRegistry("cpu", None, lambda _note: None).translator("echo-model")
    assert isinstance(engine, _Engine)
    assert loaded == [families.Model("echo-model", "echo", "org/echo", "transformers", 3)]
    assert "echo" in families.family_names()


def test_an_unknown_family_in_presets_toml_is_one_line_listing_the_known_ones(
    monkeypatch,
) -> None:
    entries = {name: dict(entry) for name, entry in load_toml("presets.toml").items()}
    entries["bundled"]["family"] = "gemma-ish"
    monkeypatch.setattr(registry, "load_toml", lambda path: entries)
    with pytest.raises(UserError) as raised:
        registry.presets()
    assert str(raised.value) == (
        f"models/presets.toml: preset 'bundled' has the unknown family 'gemma-ish'; {KNOWN}"
    )


def test_an_unknown_family_is_one_line_in_the_cli(tmp_path) -> None:
    """``summarize run --translator bundled`` with a copy of the data whose ``bundled`` preset
    names a family nothing registered."""
    (tmp_path / "article.txt").write_text("A short article. It has two sentences.\n")
    (tmp_path / "sitecustomize.py").write_text(
        "import summarize.resources as r\n"
        "real = r.load_toml\n"
        "def load_toml(path):\n"
        "    data = real(path)\n"
        "    if path == 'presets.toml':\n"
        "        data['bundled']['family'] = 'gemma-ish'\n"
        "    return data\n"
        "r.load_toml = load_toml\n",
        encoding="utf-8",
    )
    env = {"PYTHONPATH": f"{tmp_path}:{REPO}", "SUMMARIZE_CACHE_DIR": str(tmp_path / "cache")}
    article = str(tmp_path / "article.txt")
    result = run_module("summarize", "run", article, "--translator", "bundled", env=env)
    assert_one_line_error(result, "preset 'bundled' has the unknown family 'gemma-ish'", KNOWN)


def test_a_preset_made_in_code_with_an_unknown_family_fails_before_loading(monkeypatch) -> None:
    preset = registry.Preset("odd", "d", "org/odd", "gemma-ish", ("translator",))
    known = {**registry.presets(), "odd": preset}
    monkeypatch.setattr(registry, "presets", lambda: known)
    engines = registry.EngineRegistry("cpu", None, lambda _note: None)
    with pytest.raises(UserError, match=f"model 'odd' has the unknown family 'gemma-ish'; {KNOWN}"):
        engines.translator("odd")


def test_a_model_named_by_its_files_gets_its_family_from_them(tmp_path: Path) -> None:
    def files(**kwargs) -> ModelFiles:
        return ModelFiles(tmp_path, "m", None, False, **kwargs)

    assert families.detect(files(is_encoder_decoder=True)) == "seq2seq"
    assert families.detect(files()) == "prompted-causal"
    gguf = GgufFile(lambda _scratch: tmp_path / "m.gguf", "ab" * 32, "m.gguf", "m")
    assert families.detect(gguf) == "prompted-causal"
    assert gguf.revision == "ab" * 8


def test_every_preset_names_a_registered_family() -> None:
    for preset in registry.presets().values():
        assert preset.family in families.family_names(), preset


def test_bundled_sources_are_found_by_registration() -> None:
    """Gemma and every split GGUF register themselves; an unknown name lists them."""
    with pytest.raises(UserError) as raised:
        open_weights("bundled:gemma-9000", False, lambda _note: None, SilentProgress())
    names = ", ".join(sorted(["gemma-3-270m", *split_ggufs()]))
    assert str(raised.value) == f"unknown bundled model 'gemma-9000'; bundled models: {names}"


def test_no_private_name_of_ctranslate2_or_sacrebleu_is_used() -> None:
    """Their public API only (dunders such as ``__version__`` are public)."""
    private = re.compile(
        r"_MODEL_LOADERS"
        r"|from (ctranslate2|sacrebleu)\S* import _"
        r"|(ctranslate2|sacrebleu)[\w.]*\._[a-z]"
    )
    for path in (REPO / "summarize").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not private.search(text), path
