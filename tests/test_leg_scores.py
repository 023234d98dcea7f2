"""The reference-free score of each leg (``logprob``): forced decoding gives the same numbers on
CTranslate2 and transformers, scores the tokens the model generates, and reaches every view."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from summarize.engines.causal.generators import HfCausalGenerator
from summarize.engines.causal.prompted import PromptedCausalLM, load_causal_lm
from summarize.engines.registry import EngineRegistry
from summarize.input.languages import get_language
from summarize.metrics import registry
from summarize.metrics.likelihood import LegScores
from summarize.metrics.outputs import TranslationOutputs, leg_logprob
from tests.conftest import assert_one_line_error, run_cli
from tests.tiny_models import build_model, build_scripted_chat_model

pytest.importorskip("ctranslate2")

EN, RU = get_language("en"), get_language("ru")
TEXTS = [
    "Troops arrived in Almaty on January 5.",
    "The CSTO includes Armenia, Belarus and Kazakhstan.",
    "Hi",
]
OUTPUTS = ["Войска прибыли в Алматы 5 января.", "ОДКБ включает Армению, Беларусь.", ""]


@pytest.fixture
def private_cache(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return tmp_path / "cache"


def scores_on(model: Path, backend: str, texts=TEXTS, outputs=OUTPUTS) -> list[float | None]:
    quantization = "float32" if backend == "ct2" else None
    engines = EngineRegistry(
        "cpu", None, lambda _m: None, backend=backend, quantization=quantization
    )
    engine = engines.translator(str(model), EN, RU)
    assert engine.info.backend.startswith("ctranslate2" if backend == "ct2" else "transformers")
    return engine.score_translations(texts, outputs, EN, RU)


@pytest.mark.parametrize("family", ["causal", "causal-chat", "marian", "nllb", "mbart50", "t5"])
def test_ctranslate2_and_transformers_give_the_same_scores(
    family: str, tmp_path_factory, private_cache
) -> None:
    model = build_model(family, tmp_path_factory.mktemp(f"tiny-{family}"))
    on_ct2, on_torch = scores_on(model, "ct2"), scores_on(model, "transformers")
    assert all(value is not None and value < 0 for value in on_torch)
    assert on_ct2 == pytest.approx(on_torch, rel=1e-5, abs=1e-5)
    # Different outputs get different scores: the output is what is scored.
    other = scores_on(model, "transformers", outputs=list(reversed(OUTPUTS)))
    assert other != pytest.approx(on_torch, abs=1e-3)


def test_a_batch_scores_as_one_at_a_time(tmp_path_factory, private_cache) -> None:
    model = build_model("causal", tmp_path_factory.mktemp("tiny-causal"))
    together = scores_on(model, "transformers")
    pairs = zip(TEXTS, OUTPUTS, strict=True)
    alone = [scores_on(model, "transformers", [text], [output])[0] for text, output in pairs]
    assert together == pytest.approx(alone, abs=1e-5)


REPLY = "Войска прибыли в Алматы."


@pytest.fixture(scope="module")
def scripted(tmp_path_factory) -> Path:
    """Replies with REPLY (one token) and ends its turn, whatever it is asked."""
    return build_scripted_chat_model(tmp_path_factory.mktemp("scripted"), [REPLY])


@pytest.mark.parametrize("backend", ["transformers", "ct2"])
def test_the_reply_a_model_is_sure_of_scores_near_zero(scripted, backend, private_cache) -> None:
    """A model whose greedy reply is fixed gives that reply (and its end of turn) a
    log-probability near 0 per token; anything else is far less likely. A score read one token
    off (the prompt's last token, or missing the end) would not be near 0."""
    sure, other = scores_on(scripted, backend, [TEXTS[0]] * 2, [REPLY, "Войска прибыли."])
    assert -0.05 < sure <= 0
    assert other < -3


def test_the_score_is_cached_like_an_output(scripted, tmp_path: Path) -> None:
    from summarize.engines.store import OutputStore

    store = OutputStore(tmp_path / "outputs.sqlite3")
    engine = PromptedCausalLM(
        HfCausalGenerator(load_causal_lm(scripted, "cpu")), "tiny", "tiny-chat", None, store
    )
    first = engine.score_translations(TEXTS[:1], [REPLY], EN, RU)
    engine.generator.score_batch = None  # a second call must not reach the model
    assert engine.score_translations(TEXTS[:1], [REPLY], EN, RU) == first


def test_a_system_value_is_the_mean_of_its_legs_means() -> None:
    legs = LegScores({"pivot": [-1.0, -0.5, None], "back": [-0.2, -0.4, -0.6]}, "logprob:sig")
    score = leg_logprob(TranslationOutputs([], [], [], embedder=None, legs=legs))  # type: ignore[arg-type]
    assert score is not None and score.signature == "logprob:sig"
    assert score.details == pytest.approx({"pivot": -0.75, "back": -0.4})
    assert score.value == pytest.approx((-0.75 - 0.4) / 2)
    assert legs.segment(2) == {"back": -0.6}  # an unscored leg is left out, not zero
    assert leg_logprob(TranslationOutputs([], [], [], embedder=None)) is None  # type: ignore[arg-type]


def test_the_metric_is_one_registry_entry_shown_in_every_view() -> None:
    spec = registry.get("logprob")
    assert spec.higher_is_better is True and "reference-free" in spec.description
    assert spec.translation is leg_logprob
    assert "logprob" in registry.columns("run", "translation")
    assert "logprob" in registry.columns("batch", "translation")


# -- through the command line, on a tiny Marian pair ------------------------------------------

ARTICLE = "Troops arrived in Almaty on January 5.\nThe CSTO includes Armenia and Belarus. It met.\n"


@pytest.fixture
def short_marian(monkeypatch, tmp_path: Path, marian: dict[str, Path]) -> dict[str, Path]:
    """Short generations (random weights rarely stop), a private cache, no Hub."""
    from summarize.engines.seq2seq import engine as seq2seq

    monkeypatch.setattr(seq2seq, "TRANSLATION_TOKENS_PER_INPUT_TOKEN", 1.0)
    monkeypatch.setattr(seq2seq, "TRANSLATION_EXTRA_TOKENS", 4)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))
    return marian


def round_trip(marian: dict[str, Path], tmp_path: Path, *extra: str):
    from typer.testing import CliRunner

    from summarize.cli.main import app

    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    args = ["run", str(article), "--translator", str(marian["en-ru"])]
    args += ["--back-translator", str(marian["ru-en"]), "--summarizer", "none", "--device", "cpu"]
    return CliRunner().invoke(app, [*args, *extra])


def test_run_json_has_each_legs_score_and_the_terminal_its_column(
    short_marian: dict[str, Path], tmp_path: Path
) -> None:
    marian = short_marian
    result = round_trip(marian, tmp_path, "--json")
    assert result.exit_code == 0, result.output
    system = json.loads(result.stdout)["translations"][0]
    score = system["scores"]["logprob"]
    assert set(score["details"]) == {"pivot", "back"}
    assert f"pivot:{marian['en-ru']}@" in score["signature"]
    assert f"back:{marian['ru-en']}@" in score["signature"]
    assert "ref:none" in score["signature"]
    segments = system["segments"]
    pivots = [segment["logprob"]["pivot"] for segment in segments]
    backs = [segment["logprob"]["back"] for segment in segments]
    assert len(pivots) == len(segments) >= 2
    assert all(value < 0 and math.isfinite(value) for value in pivots + backs)
    assert score["details"]["pivot"] == pytest.approx(sum(pivots) / len(pivots))
    legs = (sum(pivots) / len(pivots) + sum(backs) / len(backs)) / 2
    assert score["value"] == pytest.approx(legs)

    # The numbers are those of each leg's model scoring the texts in the report.
    engines = EngineRegistry("cpu", None, lambda _m: None, backend="auto")
    forward = engines.translator(str(marian["en-ru"]), EN, RU)
    backward = engines.translator(str(marian["ru-en"]), RU, EN)
    texts, pivot_texts = [s["source"] for s in segments], [s["pivot"] for s in segments]
    assert forward.score_translations(texts, pivot_texts, EN, RU) == pytest.approx(pivots)
    outputs = [s["output"] for s in segments]
    assert backward.score_translations(pivot_texts, outputs, RU, EN) == pytest.approx(backs)

    terminal = round_trip(marian, tmp_path, "--details")  # the sentence table and legend
    assert terminal.exit_code == 0, terminal.output
    assert "LP ↑" in terminal.stdout and "log-prob ↑" in terminal.stdout
    first = segments[0]["logprob"]
    assert f"{first['pivot']:.2f} / {first['back']:.2f}" in terminal.stdout
    assert "reference-free" in terminal.stdout  # its legend line


def test_scorer_none_turns_it_off_and_a_scorer_is_any_translator(
    short_marian: dict[str, Path], tmp_path: Path
) -> None:
    marian = short_marian
    off = round_trip(marian, tmp_path, "--json", "--scorer", "none")
    assert off.exit_code == 0, off.output
    system = json.loads(off.stdout)["translations"][0]
    assert "logprob" not in system["scores"]
    assert all(segment["logprob"] == {} for segment in system["segments"])
    terminal = round_trip(marian, tmp_path, "--scorer", "none", "--details")
    assert terminal.exit_code == 0, terminal.output
    assert "LP ↑" not in terminal.stdout  # no empty column
    assert "log-prob ↑ |" not in terminal.stdout.replace("│", "|")

    other = round_trip(marian, tmp_path, "--json", "--scorer", str(marian["ru-en"]))
    assert other.exit_code == 0, other.output
    signature = json.loads(other.stdout)["translations"][0]["scores"]["logprob"]["signature"]
    assert f"pivot:{marian['ru-en']}@" in signature


def test_a_scorer_that_cannot_score_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_cli(
        "run", "seeds/000_e93c88f19b9118b4.txt", "--scorer", "minilm", cache=tmp_path / "cache"
    )
    assert_one_line_error(result, "minilm", "translator")


def test_a_test_sets_systems_are_scored_by_the_first_translator(
    short_marian: dict[str, Path], tmp_path: Path
) -> None:
    """`batch --with-wmt-systems`: no model made a WMT system's outputs, so the first
    --translator scores them; every view shows the system's value."""
    from typer.testing import CliRunner

    from summarize.cli.main import app
    from tests.test_batch_wmt_systems import SOURCE, SYSTEMS, build_test_set

    test_set = tmp_path / "newstest2021.ru-en.xml"
    test_set.write_text(build_test_set(), encoding="utf-8")
    out = tmp_path / "out"
    translator = short_marian["ru-en"]
    args = ["batch", str(test_set), "--out", str(out), "--translator", str(translator)]
    cli = CliRunner().invoke(app, [*args, "--summarizer", "none", "--with-wmt-systems"])
    assert cli.exit_code == 0, cli.output
    first = json.loads((out / "results.jsonl").read_text().splitlines()[0])
    scorer = EngineRegistry("cpu", None, lambda _m: None).translator(str(translator), RU, EN)
    for system in first["translations"][1:]:
        name = system["name"].removeprefix("wmt:").removesuffix(":ru→en")
        assert f"translation:{translator}@" in system["scores"]["logprob"]["signature"]
        values = [segment["logprob"]["translation"] for segment in system["segments"]]
        outputs = [segment["output"] for segment in system["segments"]]
        assert outputs == SYSTEMS[name][: len(outputs)]
        expected = scorer.score_translations(SOURCE[: len(outputs)], outputs, RU, EN)
        assert values == pytest.approx(expected)
    assert "log-prob" in (out / "report.md").read_text(encoding="utf-8")
    assert "logprob" in (out / "summary.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "log-prob" in (out / "report.html").read_text(encoding="utf-8")


# -- one judge for a comparison, its own outputs marked --------------------------------------


def test_two_translators_are_scored_by_one_scorer_and_its_own_scores_are_marked(
    short_marian: dict[str, Path], tmp_path: Path
) -> None:
    """`batch` with two translators (and a test set's systems): the first translator scores
    every system's outputs, and only its own outputs' scores carry the self-scored mark, in
    results.jsonl, report.md, report.html, summary.csv and the terminal, with its legend."""
    from typer.testing import CliRunner

    from summarize.cli.main import app
    from summarize.metrics.likelihood import SELF_SCORED_MARK
    from tests.test_batch_wmt_systems import SOURCE, build_test_set

    test_set = tmp_path / "newstest2021.ru-en.xml"
    test_set.write_text(build_test_set(), encoding="utf-8")
    out = tmp_path / "out"
    judge, other = short_marian["ru-en"], short_marian["en-ru"]  # distinct ids
    args = ["batch", str(test_set), "--out", str(out), "--summarizer", "none"]
    args += ["--translator", str(judge), "--translator", str(other), "--with-wmt-systems"]
    cli = CliRunner().invoke(app, [*args, "--details"])  # the closing summary with its legend
    assert cli.exit_code == 0, cli.output
    first = json.loads((out / "results.jsonl").read_text().splitlines()[0])
    systems = first["translations"]
    assert [system["name"].split(":")[0] for system in systems[:2]] == [str(judge), str(other)]
    scorer = EngineRegistry("cpu", None, lambda _m: None).translator(str(judge), RU, EN)
    for system in systems:
        assert f"translation:{judge}@" in system["scores"]["logprob"]["signature"]
        outputs = [segment["output"] for segment in system["segments"]]
        values = [segment["logprob"]["translation"] for segment in system["segments"]]
        assert values == pytest.approx(
            scorer.score_translations(SOURCE[: len(outputs)], outputs, RU, EN)
        )
    assert [system["self_scored"] for system in systems] == [["translation"]] + [[]] * (
        len(systems) - 1
    )
    assert "translation-scorer:author" in systems[0]["scores"]["logprob"]["signature"]
    assert "scorer:author" not in systems[1]["scores"]["logprob"]["signature"]

    def assert_only_the_judge_marked(text: str, view: str) -> None:
        """Some row has the mark, none of the other systems' rows (legend lines aside)."""
        rows = [line for line in text.splitlines() if SELF_SCORED_MARK in line]
        rows = [row for row in rows if "self-scored" not in row]
        assert rows, view
        assert not [row for row in rows if other.name in row or "wmt:" in row], view
        assert "self-scored" in text, view  # the legend says what the mark means

    for view in ("report.md", "report.html"):
        assert_only_the_judge_marked((out / view).read_text(encoding="utf-8"), view)
    assert_only_the_judge_marked(cli.stdout, "terminal")
    rows = (out / "summary.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    column = header.index("logprob_self_scored")
    own = {row.split(",")[1]: row.split(",")[column] for row in rows[1:]}
    assert own[systems[0]["name"]] == "translation"
    assert {own[system["name"]] for system in systems[1:]} == {""}


def test_a_round_trips_legs_scored_by_their_authors_are_marked_in_the_run_views(
    short_marian: dict[str, Path], tmp_path: Path
) -> None:
    """The seed's round trip keeps its per-leg scores: each leg scored by the model that made
    it (the only one here), so both are marked, per sentence and for the system."""
    from summarize.metrics.likelihood import SELF_SCORED_MARK

    markdown = tmp_path / "run.md"
    # --details: the sentence table and the legend are in the terminal's whole view
    result = round_trip(short_marian, tmp_path, "--out", str(markdown), "--details")
    assert result.exit_code == 0, result.output
    system = json.loads(round_trip(short_marian, tmp_path, "--json").stdout)["translations"][0]
    assert system["self_scored"] == ["pivot", "back"]
    first = system["segments"][0]["logprob"]
    cell = f"{first['pivot']:.2f} / {first['back']:.2f} {SELF_SCORED_MARK}"
    mean = f"{system['scores']['logprob']['value']:.2f}{SELF_SCORED_MARK}"
    for text in (result.stdout, markdown.read_text(encoding="utf-8")):
        assert cell in text and mean in text
        assert "self-scored" in text

    # The forward model as --scorer made the pivots only; a copy of it made nothing.
    judge = tmp_path / "judge"
    shutil.copytree(short_marian["en-ru"], judge)
    for scorer, own in ((short_marian["en-ru"], ["pivot"]), (judge, [])):
        judged = round_trip(short_marian, tmp_path, "--json", "--scorer", str(scorer))
        assert judged.exit_code == 0, judged.output
        system = json.loads(judged.stdout)["translations"][0]
        assert system["self_scored"] == own
        first = system["segments"][0]["logprob"]
        terminal = round_trip(short_marian, tmp_path, "--scorer", str(scorer), "--details")
        assert terminal.exit_code == 0, terminal.output
        cell = f"{first['pivot']:.2f} / {first['back']:.2f}"
        assert (f"{cell} {SELF_SCORED_MARK}pivot" in terminal.stdout) == bool(own)
        assert (f"{cell} {SELF_SCORED_MARK}" in terminal.stdout) == bool(own)
