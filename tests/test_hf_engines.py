"""Hugging Face engines on tiny random-weight models of every family, built offline here.

Families: Marian (OPUS-MT), NLLB-200 and M2M100 (M2M100 architecture, two language-code
schemes), mBART-50, BART, Pegasus, T5, and a Llama-style causal LM with and without a chat
template. Random weights produce garbage, so the checks are structural: batched greedy output
equals one-at-a-time output, chunking covers the whole input, language codes and prefixes are
what each family needs, the CLI runs end to end, and bad or missing models fail fast.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from summarize.engines.files.hub import check_model_dir
from summarize.engines.registry import EngineRegistry
from summarize.errors import UserError
from summarize.input.languages import get_language
from tests.conftest import SEED, SHARED_DATA, CliResult
from tests.helpers import run_module
from tests.tiny_models import MAX_INPUT_TOKENS, RUSSIAN, build_all

EN, RU, DE, BG = (get_language(code) for code in ("en", "ru", "de", "bg"))
SENTENCES = [
    "The situation in Kazakhstan escalated on January 2.",
    "Prices for liquefied gas doubled at the start of the year.",
    "Moscow. January 6th. The president declared a state of emergency and asked for help.",
    "Troops arrived in Almaty on Thursday morning.",
]
TRANSLATORS = ("marian", "nllb", "m2m100", "mbart50", "t5", "causal", "causal-chat")
SUMMARIZERS = ("bart", "pegasus", "t5", "causal-chat")


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> dict[str, Path]:
    return build_all(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(autouse=True)
def short_generations(monkeypatch) -> None:
    """Random weights rarely emit </s>, so every output runs to its length limit: keep the
    in-process limits small (the CLI tests run with the real ones)."""
    from summarize.engines.causal import prompted
    from summarize.engines.seq2seq import engine as seq2seq

    for module in (seq2seq, prompted):
        monkeypatch.setattr(module, "TRANSLATION_TOKENS_PER_INPUT_TOKEN", 1.0)
        monkeypatch.setattr(module, "TRANSLATION_EXTRA_TOKENS", 4)


@pytest.fixture
def registry() -> EngineRegistry:
    return EngineRegistry("cpu", None, lambda message: None)


def run_cli_env(*args: str, env: dict[str, str], timeout: float = 300) -> CliResult:
    """``python -m summarize`` with extra environment (offline Hub, private caches)."""
    return run_module("summarize", *args, env={"HF_HUB_OFFLINE": "1", **env}, timeout=timeout)


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    return {"SUMMARIZE_CACHE_DIR": str(tmp_path / "cache"), "HF_HOME": str(tmp_path / "hf")}


FAKE_COMMIT = "0123456789abcdef0123456789abcdef01234567"


def put_in_hub_cache(hf_home: Path, repo_id: str, model_dir: Path) -> None:
    """Lay ``model_dir`` out as huggingface_hub caches a download (blobs, snapshot links, ref)."""
    import hashlib

    repo = hf_home / "hub" / f"models--{repo_id.replace('/', '--')}"
    snapshot = repo / "snapshots" / FAKE_COMMIT
    (repo / "blobs").mkdir(parents=True)
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(FAKE_COMMIT)
    for file in model_dir.iterdir():
        blob = repo / "blobs" / hashlib.sha256(file.read_bytes()).hexdigest()
        shutil.copyfile(file, blob)
        (snapshot / file.name).symlink_to(os.path.relpath(blob, snapshot))


# -- engines -----------------------------------------------------------------------------------


@pytest.mark.parametrize("family", TRANSLATORS)
def test_batched_translation_equals_one_at_a_time(tiny, registry, family) -> None:
    engine = registry.translator(str(tiny[family]))
    batched = engine.translate(SENTENCES, EN, RU)
    engine.batch_size = 1
    single = [engine.translate([text], EN, RU)[0] for text in SENTENCES]
    assert batched == single
    assert len(batched) == len(SENTENCES)
    assert engine.info.model_id == str(tiny[family])
    assert engine.info.settings["decoding"] == "greedy"


def test_outputs_depend_on_the_input(tiny, registry) -> None:
    """Guards the equality test above against a degenerate model that ignores its input."""
    engine = registry.translator(str(tiny["mbart50"]))
    assert len(set(engine.translate(SENTENCES, EN, RU))) > 1


@pytest.mark.parametrize("family", ["bart", "pegasus", "t5"])
def test_chunked_summary_covers_the_whole_input(tiny, family) -> None:
    notes: list[str] = []
    engine = EngineRegistry("cpu", None, notes.append).summarizer(str(tiny[family]))
    article = "\n".join(SEED.read_text(encoding="utf-8").splitlines()[:4])
    prefix = "summarize: " if family == "t5" else ""
    chunks = engine.chunks(article, prefix)
    assert len(chunks) > 1
    assert " ".join(chunks).split() == article.split()  # nothing dropped, order kept
    tokenizer = engine.setup.tokenizer
    for chunk in chunks:
        ids = tokenizer(prefix + chunk, add_special_tokens=True).input_ids
        assert len(ids) <= MAX_INPUT_TOKENS
    if family == "bart":  # generation itself is covered for every family elsewhere
        engine.summary_max_new_tokens = 24  # random weights rarely stop early
        assert isinstance(engine.summarize(article), str)
        assert any(f"{len(chunks)} chunks" in note for note in notes)


def test_batched_summary_chunks_equal_one_at_a_time(tiny, registry) -> None:
    engine = registry.summarizer(str(tiny["bart"]))
    engine.summary_max_new_tokens = 24  # random weights rarely stop early
    article = " ".join(SENTENCES * 2)
    batched = engine.summarize(article)
    engine.batch_size = 1
    assert engine.summarize(article) == batched


def test_families_and_roles(tiny, registry) -> None:
    expected = {
        "marian": "marian",
        "nllb": "nllb",
        "m2m100": "m2m100",
        "mbart50": "mbart50",
        "t5": "t5",
        "bart": "seq2seq",
        "pegasus": "seq2seq",
    }
    for family, detected in expected.items():
        role = "summarizer" if family in SUMMARIZERS else "translator"
        engine = registry._text_engine(str(tiny[family]), role)
        assert engine.info.backend == f"transformers-seq2seq:{detected}"
    with pytest.raises(UserError, match="cannot act as a translator"):
        registry.translator(str(tiny["bart"]))
    with pytest.raises(UserError, match="cannot act as a summarizer"):
        registry.summarizer(str(tiny["marian"]))
    assert registry.summarizer(str(tiny["causal-chat"])).uses_chat
    assert not registry.summarizer(str(tiny["causal"])).uses_chat


def test_language_codes_per_family(tiny, registry) -> None:
    def codes(family, source=EN, target=RU):
        engine = registry.translator(str(tiny[family]))
        prefix, source_id, forced = engine._translation_codes(source, target)
        tokenizer = engine.setup.tokenizer
        return prefix, tokenizer.convert_ids_to_tokens([source_id, forced]) if forced else None

    assert codes("nllb") == ("", ["eng_Latn", "rus_Cyrl"])
    assert codes("m2m100") == ("", ["__en__", "__ru__"])
    assert codes("mbart50") == ("", ["en_XX", "ru_RU"])
    assert codes("marian") == (">>rus<< ", None)
    assert codes("t5") == ("translate English to Russian: ", None)
    with pytest.raises(UserError, match="no language code for Bulgarian"):
        codes("mbart50", EN, BG)


# -- model files -------------------------------------------------------------------------------


def test_pickle_checkpoint_refused_unless_allowed(tiny, tmp_path) -> None:
    import torch
    from safetensors.torch import load_file

    model_dir = tmp_path / "pickled-bart"
    shutil.copytree(tiny["bart"], model_dir)
    state = load_file(model_dir / "model.safetensors")
    (model_dir / "model.safetensors").unlink()
    torch.save(state, model_dir / "pytorch_model.bin")
    with pytest.raises(UserError, match="pickle"):
        check_model_dir(model_dir, "pickled-bart", None, allow_pickle=False)
    assert check_model_dir(model_dir, "pickled-bart", None, allow_pickle=True).pickle
    engine = EngineRegistry("cpu", None, print, allow_pickle=True).summarizer(str(model_dir))
    engine.summary_max_new_tokens = 24  # random weights rarely stop early
    assert isinstance(engine.summarize(" ".join(SENTENCES)), str)


def test_corrupt_or_incomplete_model_directories(tiny, tmp_path) -> None:
    truncated = tmp_path / "truncated"
    shutil.copytree(tiny["t5"], truncated)
    weights = truncated / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])
    with pytest.raises(UserError, match="corrupt"):
        check_model_dir(truncated, "truncated", None, False)

    no_config = tmp_path / "no-config"
    shutil.copytree(tiny["t5"], no_config)
    (no_config / "config.json").unlink()
    with pytest.raises(UserError, match=r"no config\.json"):
        check_model_dir(no_config, "no-config", None, False)

    bad_json = tmp_path / "bad-json"
    shutil.copytree(tiny["t5"], bad_json)
    (bad_json / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="corrupt"):
        check_model_dir(bad_json, "bad-json", None, False)

    no_weights = tmp_path / "no-weights"
    shutil.copytree(tiny["t5"], no_weights)
    (no_weights / "model.safetensors").unlink()
    with pytest.raises(UserError, match="no weights"):
        check_model_dir(no_weights, "no-weights", None, False)

    sharded = tmp_path / "sharded"
    shutil.copytree(tiny["t5"], sharded)
    index = {"weight_map": {"a": "model-00001-of-00002.safetensors"}}
    (sharded / "model.safetensors.index.json").write_text(json.dumps(index), encoding="utf-8")
    with pytest.raises(UserError, match="missing weight file"):
        check_model_dir(sharded, "sharded", None, False)

    no_tokenizer = tmp_path / "no-tokenizer"
    shutil.copytree(tiny["marian"], no_tokenizer)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (no_tokenizer / name).unlink()
    with pytest.raises(UserError, match="no-tokenizer"):
        EngineRegistry("cpu", None, print).translator(str(no_tokenizer)).translate(
            SENTENCES[:1], EN, RU
        )


# -- the CLI end to end ------------------------------------------------------------------------


def test_cli_round_trip_several_systems_and_summaries(tiny, cli_env, tmp_path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(" ".join(SENTENCES[:2]) + "\n" + " ".join(SENTENCES[2:]) + "\n")
    args = ["run", str(article), "--json", "--device", "cpu", "--backend", "transformers"]
    for family in ("nllb", "causal"):
        args += ["--translator", str(tiny[family])]
    cli_summarizers = ("pegasus", "causal-chat")
    for family in cli_summarizers:
        args += ["--summarizer", str(tiny[family])]
    result = run_cli_env(*args, env=cli_env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    systems = data["translations"]
    assert [s["mode"] for s in systems] == ["round_trip", "round_trip"]
    assert [s["forward_model"]["model_id"] for s in systems] == [
        str(tiny["nllb"]),
        str(tiny["causal"]),
    ]
    assert systems[0]["forward_model"]["backend"] == "transformers-seq2seq:nllb"
    assert systems[0]["forward_model"]["settings"]["num_beams"] == 1
    for system in systems:
        assert system["pivot_lang"] == "ru"
        assert len(system["segments"]) == len(SENTENCES)
        assert set(system["scores"]) >= {"bleu", "chrf++", "ter", "embedding_cosine"}
    names = [summary["name"] for summary in data["summaries"]]
    assert names[:2] == [f"abstractive:{tiny[family]}" for family in cli_summarizers]
    assert names[-2:] == ["extractive-mmr-3", "lead-3"]
    assert all("rouge1" in summary["scores"] for summary in data["summaries"])


def test_cli_reference_mode(tiny, cli_env, tmp_path) -> None:
    if SHARED_DATA.is_dir():  # the WMT19 ru-en test set, first lines
        wmt = SHARED_DATA / "wmt19"
        source_lines = (wmt / "newstest2019-ru-en.src.ru").read_text().splitlines()[:2]
        reference_lines = (wmt / "newstest2019-ru-en.ref.en").read_text().splitlines()[:2]
    else:
        source_lines, reference_lines = RUSSIAN[:2], SENTENCES[:2]
    source, reference = tmp_path / "article.ru.txt", tmp_path / "article.en.txt"
    source.write_text("\n".join(source_lines) + "\n", encoding="utf-8")
    reference.write_text("\n".join(reference_lines) + "\n", encoding="utf-8")
    report = tmp_path / "report.md"
    args = ["run", "--source", str(source), "--reference", str(reference), "--source-lang", "ru"]
    args += ["--summarizer", "none", "--json", "--out", str(report), "--backend", "transformers"]
    for family in ("marian", "m2m100"):
        args += ["--translator", str(tiny[family])]
    # A Hub id, found offline in the Hugging Face cache (HF_HOME) with its commit recorded.
    put_in_hub_cache(Path(cli_env["HF_HOME"]), "tiny-org/tiny-t5", tiny["t5"])
    args += ["--translator", "tiny-org/tiny-t5"]
    result = run_cli_env(*args, env=cli_env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source_input"]["language"] == "ru"
    assert len(data["translations"]) == 3
    for system in data["translations"]:
        assert system["mode"] == "reference"
        assert system["pivot_lang"] is None and system["backward_model"] is None
        assert (system["source_lang"], system["target_lang"]) == ("ru", "en")
        assert [s["source"] for s in system["segments"]] == source_lines
        assert [s["reference"] for s in system["segments"]] == reference_lines
    hub_model = data["translations"][2]["forward_model"]
    assert (hub_model["model_id"], hub_model["revision"]) == ("tiny-org/tiny-t5", FAKE_COMMIT)
    assert hub_model["backend"] == "transformers-seq2seq:t5"
    markdown = report.read_text(encoding="utf-8")
    assert "Reference translation" in markdown and "vs the English reference" in markdown


def test_cli_reference_mode_needs_aligned_files(cli_env, tmp_path) -> None:
    source, reference = tmp_path / "a.ru.txt", tmp_path / "a.en.txt"
    source.write_text("\n".join(RUSSIAN[:2]) + "\n", encoding="utf-8")
    reference.write_text("\n".join(SENTENCES[:3]) + "\n", encoding="utf-8")
    result = run_cli_env("run", "--source", str(source), "--reference", str(reference), env=cli_env)
    assert result.returncode == 2
    assert "line-aligned" in result.stderr


def test_missing_hub_model_fails_fast_with_one_line(seed_path, cli_env) -> None:
    started = time.monotonic()
    result = run_cli_env(
        "run", str(seed_path), "--translator", "Helsinki-NLP/opus-mt-en-ru", env=cli_env
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("summarize: error")]
    assert len(errors) == 1 and "Traceback" not in result.stderr
    assert "Helsinki-NLP/opus-mt-en-ru" in errors[0] and "models pull" in errors[0]
    assert elapsed < 30

    pulled = run_cli_env("models", "pull", "nllb-600m", env=cli_env)
    assert pulled.returncode == 3
    assert "facebook/nllb-200-distilled-600M" in pulled.stderr


def test_models_list_and_info(tiny, cli_env) -> None:
    put_in_hub_cache(Path(cli_env["HF_HOME"]), "tiny-org/tiny-bart", tiny["bart"])
    listing = run_cli_env("models", "list", env=cli_env)
    assert listing.returncode == 0, listing.stderr
    for preset in ("opus-mt", "nllb-600m", "m2m100-418m", "distilbart-cnn", "flan-t5-base"):
        assert preset in listing.stdout
    assert "not cached" in listing.stdout
    assert "tiny-org/tiny-bart" in listing.stdout and FAKE_COMMIT[:12] in listing.stdout
    cached = run_cli_env("models", "info", "tiny-org/tiny-bart", env=cli_env)
    assert f"yes, revision {FAKE_COMMIT}" in cached.stdout and "bart" in cached.stdout
    info = run_cli_env("models", "info", str(tiny["pegasus"]), env=cli_env)
    assert info.returncode == 0, info.stderr
    assert "pegasus" in info.stdout and "model.safetensors" in info.stdout
    preset = run_cli_env("models", "info", "nllb-600m", env=cli_env)
    assert "facebook/nllb-200-distilled-600M" in preset.stdout and "cached: no" in preset.stdout


def test_unreachable_hub_fails_fast_without_offline_flag(cli_env) -> None:
    env = {**cli_env, "HF_HUB_OFFLINE": "0", "HF_ENDPOINT": "http://127.0.0.1:9"}
    started = time.monotonic()
    result = run_cli_env("models", "pull", "Helsinki-NLP/opus-mt-ru-en", env=env)
    assert result.returncode == 3
    assert "Hub is unreachable" in result.stderr and "Helsinki-NLP/opus-mt-ru-en" in result.stderr
    assert time.monotonic() - started < 20


def test_hub_download_takes_safetensors_and_refuses_pickle_only(monkeypatch, tmp_path) -> None:
    """The download step, with the Hub replaced by a stub (no network in tests)."""
    import huggingface_hub

    from summarize.engines.files import hub

    calls: list[dict] = []

    class Sibling:
        def __init__(self, name: str) -> None:
            self.rfilename = name

    class Api:
        files: tuple[str, ...] = ("config.json", "model.safetensors", "pytorch_model.bin")

        def model_info(self, repo_id, revision=None, timeout=None):
            return type("Info", (), {"sha": "f" * 40, "siblings": map(Sibling, self.files)})

    def snapshot_download(repo_id, **kwargs):
        calls.append(kwargs)
        return str(tmp_path)

    monkeypatch.setattr(huggingface_hub, "HfApi", Api)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)
    hub.download("org/model", None, allow_pickle=False)
    assert calls[-1]["revision"] == "f" * 40
    assert "*.safetensors" in calls[-1]["allow_patterns"]
    assert "*.bin" not in calls[-1]["allow_patterns"]

    Api.files = ("config.json", "pytorch_model.bin")
    with pytest.raises(UserError, match="allow_pickle=True"):
        hub.download("org/model", None, allow_pickle=False)
    hub.download("org/model", None, allow_pickle=True)
    assert "*.bin" in calls[-1]["allow_patterns"]
