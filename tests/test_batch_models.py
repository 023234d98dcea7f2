"""`summarize batch` on tiny random-weight Marian models (built offline here): reference mode and
per-direction models through the real engines, and results equal to what `run` gives.

Random weights give garbage text, so the checks compare batch with run and look at structure,
never at the words.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarize.batch.run import run_batch
from summarize.cli.main import app
from summarize.engines import registry as registry_module
from summarize.engines.registry import Preset
from summarize.input.documents import read_batch_input
from summarize.pipeline import prepare as pipeline
from summarize.pipeline import session
from summarize.pipeline.options import RunOptions
from summarize.render.batch_text import render_batch_markdown
from tests.test_batch import comparable_result
from tests.tiny_models import RUSSIAN, build_model

ENGLISH = [
    "The situation in Kazakhstan escalated on January 2 after protests began.",
    "They then turned into mass protests in several cities of the country.",
    "The president declared a state of emergency and asked allies for help.",
]
ROUND_TRIP_TEXT = "Prices for liquefied gas doubled at the start of the year in the west."
PRESET = "tiny-opus"  # one model per direction, like the opus-mt preset


@pytest.fixture(autouse=True)
def short_and_offline(monkeypatch, tmp_path: Path, marian: dict[str, Path]) -> None:
    """Short generations (random weights rarely stop), a private cache, no Hub, and a
    per-direction preset pointing at the tiny models."""
    from summarize.engines.seq2seq import engine as seq2seq

    monkeypatch.setattr(seq2seq, "TRANSLATION_TOKENS_PER_INPUT_TOKEN", 1.0)
    monkeypatch.setattr(seq2seq, "TRANSLATION_EXTRA_TOKENS", 4)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))
    known = registry_module.presets()
    template = str(marian["en-ru"].parent / "tiny-{source}-{target}")
    preset = Preset(PRESET, "tiny Marian per direction", template, "marian", ("translator",))
    monkeypatch.setattr(registry_module, "presets", lambda: {**known, PRESET: preset})


# Two documents with Russian sources (reference mode) and one without (round trip).
DOCUMENTS = {
    "ru-1": (ENGLISH[:2], RUSSIAN[:2]),
    "plain": ([ROUND_TRIP_TEXT], None),
    "ru-2": (ENGLISH[2:], RUSSIAN[2:3]),
}


def write_input(tmp_path: Path) -> Path:
    lines = []
    for doc_id, (english, russian) in DOCUMENTS.items():
        record = {"id": doc_id, "text": "\n".join(english)}
        if russian:
            record |= {"source": "\n".join(russian), "source_lang": "ru"}
        lines.append(json.dumps(record))
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


OPTIONS = RunOptions(
    translator=PRESET, translators=[PRESET], summarizers=[], device="cpu", use_cache=False
)


def test_batch_reference_mode_equals_run_with_per_direction_models(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_batch(read_batch_input(write_input(tmp_path)), out, OPTIONS)
    assert not result.errors
    by_id = {r.input.document_id: r for r in result.documents}
    (reference,) = by_id["ru-1"].translations
    assert reference.mode == "reference" and reference.name == f"{PRESET}:ru→en"
    assert reference.forward_model["model_id"].endswith("tiny-ru-en")
    (round_trip,) = by_id["plain"].translations
    assert round_trip.mode == "round_trip"
    assert round_trip.forward_model["model_id"].endswith("tiny-en-ru")
    assert round_trip.backward_model["model_id"].endswith("tiny-ru-en")
    assert f"| {PRESET}:ru→en |" in render_batch_markdown(result)
    # Each document equals `summarize run --source ... --reference ...` on it alone.
    lines = {
        line["input"]["document_id"]: line
        for line in map(json.loads, (out / "results.jsonl").read_text().splitlines())
    }
    for doc_id in ("ru-1", "ru-2"):
        english, russian = DOCUMENTS[doc_id]
        source, text = tmp_path / f"{doc_id}.ru", tmp_path / f"{doc_id}.en"
        source.write_text("\n".join(russian), encoding="utf-8")
        text.write_text("\n".join(english), encoding="utf-8")
        options = replace(OPTIONS, source=source, source_lang="ru")
        alone = session.run(pipeline.prepare(text, options), options).to_dict()
        assert comparable_result(lines[doc_id]) == comparable_result(alone), doc_id


def test_cli_batch_with_a_model_for_each_direction(tmp_path: Path, marian) -> None:
    out = tmp_path / "out"
    args = ["batch", str(write_input(tmp_path)), "--out", str(out), "--summarizer", "none"]
    args += ["--translator", str(marian["en-ru"]), "--back-translator", str(marian["ru-en"])]
    cli = CliRunner().invoke(app, [*args, "--device", "cpu", "--no-cache"])
    assert cli.exit_code == 0, cli.output
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    models = {
        line["input"]["document_id"]: [
            (system["mode"], system["forward_model"]["model_id"], system["backward_model"])
            for system in line["translations"]
        ]
        for line in lines
    }
    (mode, forward, backward) = models["plain"][0]
    assert (mode, forward) == ("round_trip", str(marian["en-ru"]))
    assert backward["model_id"] == str(marian["ru-en"])
    # Reference mode translates with --translator, as `run --source` does.
    assert models["ru-2"] == [("reference", str(marian["en-ru"]), None)]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert f"| {marian['en-ru']}:ru→en |" in markdown


def test_run_json_equals_the_batch_line_notes_included(tmp_path: Path) -> None:
    """`run --json` on an article and the `results.jsonl` line `batch` writes for it are one
    result (timings, paths and ids aside): both go through the same chunk code. The article has
    a sentence longer than the model's input, so its result carries the "split" note; the
    other documents of the batch chunk do not."""
    long_sentence = " ".join(["The regional council discussed the new budget again"] * 12) + "."
    articles = {
        "first": ROUND_TRIP_TEXT,
        "long": f"{ENGLISH[0]} {long_sentence}\n{ENGLISH[1]}",
        "last": ENGLISH[2],
    }
    batch_input = tmp_path / "docs.jsonl"
    batch_input.write_text(
        "".join(json.dumps({"id": key, "text": text}) + "\n" for key, text in articles.items()),
        encoding="utf-8",
    )
    (tmp_path / "long.txt").write_text(articles["long"], encoding="utf-8")
    common = ["--translator", PRESET, "--summarizer", "none", "--device", "cpu", "--no-cache"]
    out = tmp_path / "out"
    batch = CliRunner().invoke(app, ["batch", str(batch_input), "--out", str(out), *common])
    assert batch.exit_code == 0, batch.output
    run = CliRunner().invoke(app, ["run", str(tmp_path / "long.txt"), "--json", *common])
    assert run.exit_code == 0, run.output
    alone = json.loads(run.stdout)
    lines = {
        line["input"]["document_id"]: line
        for line in map(json.loads, (out / "results.jsonl").read_text().splitlines())
    }
    assert any("were split" in note for note in alone["notes"]), alone["notes"]
    assert lines["long"]["notes"] == alone["notes"]
    assert not any("were split" in note for note in lines["last"]["notes"])
    for data in (alone, lines["long"]):
        data.pop("timings")
        data["input"].pop("path")
        data["input"].pop("document_id")
    assert lines["long"] == alone


def test_runner_gives_what_the_commands_give(tmp_path: Path) -> None:
    """The Python API runs the same code as `run` and `batch`: a file's result equals
    `summarize run --json`, and `run_documents` yields each document's `results.jsonl` line,
    with a bad document as a DocumentError in its place."""
    import summarize

    article = tmp_path / "article.txt"
    article.write_text(ROUND_TRIP_TEXT, encoding="utf-8")
    common = ["--translator", PRESET, "--summarizer", "none", "--device", "cpu", "--no-cache"]
    run = CliRunner().invoke(app, ["run", str(article), "--json", *common])
    assert run.exit_code == 0, run.output
    documents = [{"id": "a", "text": ROUND_TRIP_TEXT}, {"id": "empty", "text": " "}]
    documents.append({"id": "b", "text": ENGLISH[0]})
    with summarize.Runner(OPTIONS) as runner:
        from_file = runner.run_file(article).to_dict()
        items = list(runner.run_documents(documents, chunk_documents=2))
    from_cli = json.loads(run.stdout)
    for data in (from_file, from_cli):
        data.pop("timings")
    assert from_file == from_cli
    assert [type(item).__name__ for item in items] == ["RunResult", "DocumentError", "RunResult"]
    assert items[1].id == "empty" and "no sentences" in items[1].message
    batch_input = tmp_path / "docs.jsonl"
    batch_input.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    out = tmp_path / "out"
    batch = CliRunner().invoke(app, ["batch", str(batch_input), "--out", str(out), *common])
    assert batch.exit_code == 1, batch.output  # the empty document failed, the others did not
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    for line, item in zip(lines, [items[0], items[2]], strict=True):
        line.pop("timings")
        data = item.to_dict()
        data.pop("timings")
        assert line == {**data, "input": {**data["input"], "path": line["input"]["path"]}}


def test_runner_errors_name_settings_not_flags() -> None:
    import summarize

    with pytest.raises(summarize.UserError) as error:
        summarize.Runner(OPTIONS, threads=0)
    assert str(error.value) == "threads must be at least 1"
    with pytest.raises(summarize.UserError, match="unknown setting"):
        summarize.Runner(OPTIONS, pivot="ru")


def test_default_runtime_gives_the_transformers_outputs(tmp_path: Path) -> None:
    """The default runtime (`auto`) runs a model CTranslate2 covers on CTranslate2 with float32
    weights, and its outputs equal transformers' (the reference implementation)."""
    article = tmp_path / "article.txt"
    article.write_text(f"{ROUND_TRIP_TEXT}\n{ENGLISH[0]}", encoding="utf-8")
    common = ["run", str(article), "--json", "--translator", PRESET, "--summarizer", "none"]
    common += ["--device", "cpu", "--no-cache"]
    results = {}
    for backend in ("auto", "transformers"):
        cli = CliRunner().invoke(app, [*common, "--backend", backend])
        assert cli.exit_code == 0, cli.output
        results[backend] = json.loads(cli.stdout)
    auto, reference = results["auto"]["translations"][0], results["transformers"]["translations"][0]
    assert auto["forward_model"]["backend"].startswith("ctranslate2")
    assert reference["forward_model"]["backend"].startswith("transformers")
    assert auto["forward_model"]["settings"]["quantization"] == "float32"
    assert [s["pivot"] for s in auto["segments"]] == [s["pivot"] for s in reference["segments"]]
    assert [s["output"] for s in auto["segments"]] == [s["output"] for s in reference["segments"]]
    assert auto["scores"]["bleu"]["value"] == reference["scores"]["bleu"]["value"]
    default = CliRunner().invoke(app, common)  # no --backend: auto
    assert json.loads(default.stdout)["translations"][0]["forward_model"]["backend"].startswith(
        "ctranslate2"
    )


def test_default_runtime_runs_summarisers_on_transformers(tmp_path: Path) -> None:
    """Under `auto` a summariser runs on transformers while the translator runs on CTranslate2:
    over a long input the two runtimes' float32 sums part (measured on the bundled model), and
    `auto` promises transformers' outputs. The summary equals the one `--backend transformers`
    gives; `--backend ct2` still puts the summariser on CTranslate2."""
    bart = build_model("bart", tmp_path / "tiny-bart")
    article = tmp_path / "article.txt"
    article.write_text(f"{ROUND_TRIP_TEXT}\n{ENGLISH[0]}", encoding="utf-8")
    common = ["run", str(article), "--json", "--translator", PRESET, "--summarizer", str(bart)]
    common += ["--device", "cpu", "--no-cache"]
    results = {}
    for backend in ("auto", "transformers", "ct2"):
        cli = CliRunner().invoke(app, [*common, "--backend", backend])
        assert cli.exit_code == 0, cli.output
        results[backend] = json.loads(cli.stdout)

    def abstractive(result: dict) -> dict:
        return next(s for s in result["summaries"] if s["method"] == "abstractive")

    auto = results["auto"]
    assert auto["translations"][0]["forward_model"]["backend"].startswith("ctranslate2")
    assert abstractive(auto)["model"]["backend"].startswith("transformers")
    assert abstractive(auto)["text"] == abstractive(results["transformers"])["text"]
    assert abstractive(results["ct2"])["model"]["backend"].startswith("ctranslate2")


def test_run_writes_the_batch_report_page(tmp_path: Path) -> None:
    """`run --out report.html` writes the page a batch of this one article gets."""
    folder = tmp_path / "articles"
    folder.mkdir()
    article = folder / "article.txt"
    article.write_text(f"{ROUND_TRIP_TEXT}\n{ENGLISH[0]}", encoding="utf-8")
    common = ["--translator", PRESET, "--summarizer", "none", "--device", "cpu", "--no-cache"]
    page = tmp_path / "report.html"
    run = CliRunner().invoke(app, ["run", str(article), "--out", str(page), *common])
    assert run.exit_code == 0, run.output
    out = tmp_path / "out"
    batch = CliRunner().invoke(app, ["batch", str(folder), "--out", str(out), *common])
    assert batch.exit_code == 0, batch.output
    html, batch_html = page.read_text(encoding="utf-8"), (out / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "<script src" not in html
    for part in ("<table", "<svg", "<details", ROUND_TRIP_TEXT):
        assert html.count(part) == batch_html.count(part) > 0, part
