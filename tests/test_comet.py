"""COMET-22 and CometKiwi read here equal unbabel-comet's own scores.

tests/data/comet/ holds tiny checkpoints in the Hub layout and the scores unbabel-comet 2.2.7
gave them (bench/comet_fixtures.py, run in a separate virtual environment: unbabel-comet cannot
be installed beside this package). Everything here runs offline.
"""

from __future__ import annotations

import json
import shutil
import sys
import types
from pathlib import Path

import pytest

from summarize.errors import UserError
from summarize.metrics.comet import COMET_MODEL, KIWI_MODEL, files, inputs
from summarize.metrics.comet.legs import KiwiLegScorer, kiwi_leg_scorer, kiwi_model
from summarize.metrics.comet.scorer import load_scorer
from tests.conftest import REPO, assert_one_line_error, run_cli

FIXTURES = REPO / "tests" / "data" / "comet"
EXPECTED = json.loads((FIXTURES / "scores.json").read_text(encoding="utf-8"))
SEGMENTS = EXPECTED["segments"]
SOURCES = [segment["src"] for segment in SEGMENTS]
OUTPUTS = [segment["mt"] for segment in SEGMENTS]
REFERENCES = [segment["ref"] for segment in SEGMENTS]
TOLERANCE = 1e-5
FOLDERS = {COMET_MODEL: "wmt22-comet-da", KIWI_MODEL: "wmt22-cometkiwi-da"}


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.mark.parametrize("folder", FOLDERS.values())
def test_segment_and_system_scores_equal_unbabel_comet(folder: str) -> None:
    scorer = load_scorer(str(FIXTURES / folder))
    scores = scorer.score(SOURCES, OUTPUTS, REFERENCES)
    expected = EXPECTED["models"][folder]
    differences = [abs(a - b) for a, b in zip(scores, expected["scores"], strict=True)]
    assert max(differences) < TOLERANCE, differences
    assert abs(sum(scores) / len(scores) - expected["system_score"]) < TOLERANCE
    # The fixtures mean something: segments score far apart, relative to the tolerance.
    assert max(expected["scores"]) - min(expected["scores"]) > 0.05


def test_the_fixtures_pass_the_encoders_length() -> None:
    """Some segments are longer than the tiny encoder takes, so truncation is compared too."""
    scorer = load_scorer(str(FIXTURES / "wmt22-cometkiwi-da"))
    untruncated = scorer.tokenizer(OUTPUTS)["input_ids"]
    assert max(len(ids) for ids in untruncated) > scorer.positions


def test_a_segment_scores_the_same_bits_alone_and_in_a_batch() -> None:
    for folder in FOLDERS.values():
        scorer = load_scorer(str(FIXTURES / folder))
        together = scorer.score(SOURCES, OUTPUTS, REFERENCES)
        for i in (0, 15, 19):
            alone = scorer.score([SOURCES[i]], [OUTPUTS[i]], [REFERENCES[i]])
            assert alone == [together[i]]


def test_joined_input_is_mt_then_source_cut_to_the_encoders_positions() -> None:
    tokenizer = load_scorer(str(FIXTURES / "wmt22-cometkiwi-da")).tokenizer
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    assert inputs.joined(tokenizer, [[cls, 7, sep], [cls, 8, 9, sep]], 64) == [
        cls,
        7,
        sep,
        sep,
        8,
        9,
        sep,
    ]
    long = inputs.joined(tokenizer, [[cls, *[7] * 40, sep], [cls, *[8] * 40, sep]], 64)
    assert len(long) == 64 and long[:2] == [cls, 7]


def test_comet_needs_references_and_cometkiwi_does_not() -> None:
    comet = load_scorer(str(FIXTURES / "wmt22-comet-da"))
    with pytest.raises(UserError, match="references"):
        comet.score(SOURCES[:1], OUTPUTS[:1])
    kiwi = load_scorer(str(FIXTURES / "wmt22-cometkiwi-da"))
    assert kiwi.score(SOURCES[:2], OUTPUTS[:2]) == kiwi.score(SOURCES[:2], OUTPUTS[:2], ["x", "y"])


def _hub_cache(root: Path) -> Path:
    """An HF cache holding the fixtures under the real Hub ids (``pretrained_model`` is
    ``../encoder``, so the encoder sits beside the snapshots)."""
    for model_id, folder in FOLDERS.items():
        repo = root / "hub" / f"models--{model_id.replace('/', '--')}"
        revision = "0" * 40
        (repo / "refs").mkdir(parents=True)
        (repo / "refs" / "main").write_text(revision, encoding="utf-8")
        shutil.copytree(FIXTURES / folder, repo / "snapshots" / revision)
        shutil.copytree(FIXTURES / "encoder", repo / "snapshots" / "encoder")
    return root


def _write_lines(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _score_args(tmp_path: Path, metrics: str) -> list[str]:
    hyp = _write_lines(tmp_path, "hyp.txt", OUTPUTS)
    ref = _write_lines(tmp_path, "ref.txt", REFERENCES)
    src = _write_lines(tmp_path, "src.txt", SOURCES)
    return ["score", "--hyp", str(hyp), "--ref", str(ref), "--src", str(src), "-m", metrics]


def test_score_command_reads_both_models_from_the_hugging_face_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HOME", str(_hub_cache(tmp_path / "hf")))
    result = run_cli(*_score_args(tmp_path, "comet,kiwi"), "--format", "json", timeout=600)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    scores = report["systems"][0]["scores"]
    for key, folder in (("comet", "wmt22-comet-da"), ("cometkiwi", "wmt22-cometkiwi-da")):
        assert abs(scores[key]["score"] - EXPECTED["models"][folder]["system_score"]) < TOLERANCE
        segments = report["systems"][0]["segments"][key]
        expected = EXPECTED["models"][folder]["scores"]
        assert max(abs(a - b) for a, b in zip(segments, expected, strict=True)) < TOLERANCE
    signatures = {metric["name"]: metric["signature"] for metric in report["metrics"]}
    assert f"comet:{COMET_MODEL}@{'0' * 12}" in signatures["comet"]


@pytest.mark.parametrize("metric, model", [("comet", COMET_MODEL), ("cometkiwi", KIWI_MODEL)])
def test_offline_without_the_model_is_a_one_line_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, metric: str, model: str
) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-hf"))
    result = run_cli(*_score_args(tmp_path, metric), timeout=600)
    assert_one_line_error(result, repr(model), "HF_HUB_OFFLINE")


def test_comet_without_a_source_is_a_one_line_error(tmp_path: Path) -> None:
    args = _score_args(tmp_path, "comet")
    at = args.index("--src")
    result = run_cli(*args[:at], *args[at + 2 :], timeout=600)
    assert_one_line_error(result, "comet", "source")


def test_a_gated_model_says_how_to_accept_its_licence(monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub
    from huggingface_hub.errors import GatedRepoError

    def refuse(*args, **kwargs):
        error = GatedRepoError.__new__(GatedRepoError)  # as the Hub raises it, minus the HTTP
        Exception.__init__(error, f"401 Client Error: access to {KIWI_MODEL} is restricted")
        raise error

    monkeypatch.setattr(files.hub, "hub_reachable", lambda: True)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", refuse)
    with pytest.raises(UserError) as caught:
        files.fetch(KIWI_MODEL, [files.HPARAMS, files.CHECKPOINT])
    message = str(caught.value)
    assert "\n" not in message
    for fragment in (f"https://huggingface.co/{KIWI_MODEL}", "licence", "hf auth login"):
        assert fragment in message


def _copy_model(tmp_path: Path, folder: str) -> Path:
    copy = tmp_path / folder
    shutil.copytree(FIXTURES / folder, copy)
    shutil.copytree(FIXTURES / "encoder", tmp_path / "encoder")
    return copy


class _RunsCode:
    """Unpickling this would touch a file: what a malicious checkpoint does."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_checkpoint_with_pickled_code_is_refused_and_nothing_runs(tmp_path: Path) -> None:
    import torch

    model = _copy_model(tmp_path, "wmt22-comet-da")
    checkpoint = model / files.CHECKPOINT
    state = torch.load(checkpoint, weights_only=True)
    marker = tmp_path / "code-ran"
    torch.save({**state, "callbacks": _RunsCode(marker)}, checkpoint)
    with pytest.raises(UserError, match="tensors only") as caught:
        files.load(str(model))
    assert "\n" not in str(caught.value)
    assert not marker.exists()


def test_lightnings_hyper_parameter_dict_is_read_as_a_plain_dict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    module = types.ModuleType("lightning_fabric.utilities.data")

    class AttributeDict(dict):
        pass

    AttributeDict.__module__ = module.__name__
    AttributeDict.__qualname__ = "AttributeDict"
    module.AttributeDict = AttributeDict  # type: ignore[attr-defined]
    packages = ["lightning_fabric", "lightning_fabric.utilities", module.__name__]
    for name in packages:  # pickle imports the class's module, parents first
        monkeypatch.setitem(
            sys.modules, name, module if name == module.__name__ else types.ModuleType(name)
        )
    model = _copy_model(tmp_path, "wmt22-cometkiwi-da")
    checkpoint = model / files.CHECKPOINT
    state = torch.load(checkpoint, weights_only=True)
    hparams = AttributeDict(state["hyper_parameters"])
    torch.save({**state, "hyper_parameters": hparams}, checkpoint)
    for name in packages:  # gone, as where Lightning is not installed
        monkeypatch.delitem(sys.modules, name)
    loaded = files.load(str(model))
    assert loaded.hparams["input_segments"] == ["mt", "src"]


def test_scorer_names_that_mean_cometkiwi() -> None:
    assert kiwi_model("cometkiwi") == KIWI_MODEL
    assert kiwi_model(KIWI_MODEL) == KIWI_MODEL
    assert kiwi_model("cometkiwi:/models/kiwi") == "/models/kiwi"
    for other in (None, "none", "opus-mt", "Unbabel/wmt22-comet-da", "cometkiwi:"):
        assert kiwi_model(other) is None


def test_cometkiwi_scores_each_leg() -> None:
    from summarize.input.languages import get_language
    from summarize.pipeline.chunk import score_legs
    from summarize.pipeline.loading import leg_scorer
    from summarize.pipeline.options import RunOptions
    from summarize.progress import SilentProgress

    en, ru = get_language("en"), get_language("ru")
    options = RunOptions(scorer=f"cometkiwi:{FIXTURES / 'wmt22-cometkiwi-da'}")
    scorer = leg_scorer(None, options, "any-translator", ru, en)  # type: ignore[arg-type]
    assert isinstance(scorer, KiwiLegScorer)
    sources, outputs = [SOURCES[:3], SOURCES[3:5]], [OUTPUTS[:3], OUTPUTS[3:5]]
    work = [(scorer, "translation", ru, en, sources, outputs)]
    legs = score_legs(work, [None], SilentProgress())  # None: no author among the scored
    expected = EXPECTED["models"]["wmt22-cometkiwi-da"]["scores"]
    flat = [value for leg in legs for value in leg.values["translation"]]
    assert max(abs(a - b) for a, b in zip(flat, expected[:5], strict=True)) < TOLERANCE
    assert legs[0].signature.startswith("logprob:cometkiwi-estimate|translation:cometkiwi@")


def test_a_reference_based_model_cannot_judge_legs() -> None:
    with pytest.raises(UserError, match="not a CometKiwi model"):
        kiwi_leg_scorer(str(FIXTURES / "wmt22-comet-da"))


def test_run_options_take_cometkiwi_as_the_scorer() -> None:
    from summarize.pipeline.options import RunOptions, check_options

    check_options(RunOptions(scorer="cometkiwi"))
    with pytest.raises(UserError, match="unknown model"):
        check_options(RunOptions(scorer="comet-kiwi"))
