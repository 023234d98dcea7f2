"""`summarize batch WMT.xml --with-wmt-systems`: the file's systems beside the local translator.

The test set is WMT21-style ru-en XML: two documents, references by translators A and B, and
three systems (``<hyp system="...">``). A tiny random-weight Marian model (built offline) is the
local translator, so its words are garbage; the WMT systems' numbers are checked against
sacrebleu on the lines extracted from the file, and the local system against a run without the
option.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import sacrebleu
from rich.console import Console
from sacrebleu.metrics import CHRF, TER
from typer.testing import CliRunner

from summarize.batch.aggregate import aggregate
from summarize.batch.run import run_batch
from summarize.cli.main import app
from summarize.errors import UserError
from summarize.input.documents import read_batch_input
from summarize.pipeline.options import RunOptions
from summarize.render.batch_text import render_batch_terminal
from summarize.result import RunResult
from tests.conftest import assert_one_line_error, run_cli
from tests.helpers import Side, WmtDoc, drop_words, swap_neighbours, wmt_xml

REF_A = [
    "The situation in Kazakhstan escalated on January 2 after protests began in Zhanaozen.",
    "They then turned into mass protests in several cities of the country.",
    "The president declared a state of emergency and asked allies for help.",
    "Troops from Russia arrived in Almaty on Thursday morning.",
    "Prices for liquefied gas had doubled since the start of the year.",
    "The government resigned on Wednesday after a night of riots.",
    "Internet access was cut off across the country for several days.",
]
REF_B = swap_neighbours(drop_words(REF_A, 0.15, 9), 3)
SOURCE = [f"Исходное предложение номер {n} о событиях в Казахстане." for n in range(1, 8)]
SYSTEMS = {
    "Online-B": drop_words(REF_A, 0.1, 11),
    "UEdin": swap_neighbours(drop_words(REF_A, 0.25, 12), 5),
    "Facebook-AI": drop_words(REF_A, 0.4, 13),
}
DOCUMENTS = [("interfax.1", 0, 4), ("interfax.2", 4, len(REF_A))]
WMT_NAMES = [f"wmt:{name}:ru→en" for name in SYSTEMS]


def build_test_set(
    systems: dict[str, list[str]] | None = None,
    drop_doc: tuple[str, str] | None = None,
    drop_seg: tuple[str, str, int] | None = None,
    hyp_lang: str = "en",
) -> str:
    """The test set; every ``<hyp>`` lists its segments in reverse order (they are matched by
    id, not position)."""
    systems = SYSTEMS if systems is None else systems
    documents = []
    for doc_id, start, end in DOCUMENTS:
        ids = range(1, end - start + 1)
        sides = [Side("src", {"lang": "ru"}, {i: SOURCE[start + i - 1] for i in ids})]
        for translator, lines in (("A", REF_A), ("B", REF_B)):
            refs = {i: lines[start + i - 1] for i in ids}
            sides.append(Side("ref", {"lang": "en", "translator": translator}, refs))
        for name, lines in systems.items():
            if drop_doc == (name, doc_id):
                continue
            hyp = {i: lines[start + i - 1] for i in reversed(ids)}
            if drop_seg and drop_seg[:2] == (name, doc_id):
                del hyp[drop_seg[2]]
            sides.append(Side("hyp", {"lang": hyp_lang, "system": name}, hyp))
        documents.append(WmtDoc(doc_id, sides))
    return wmt_xml(documents)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def translator(marian: dict[str, Path]) -> Path:
    return marian["ru-en"]


@pytest.fixture(autouse=True)
def short_and_offline(monkeypatch, tmp_path: Path) -> None:
    """Short generations (random weights rarely stop), a private cache, no Hub."""
    from summarize.engines.seq2seq import engine as seq2seq

    monkeypatch.setattr(seq2seq, "TRANSLATION_TOKENS_PER_INPUT_TOKEN", 1.0)
    monkeypatch.setattr(seq2seq, "TRANSLATION_EXTRA_TOKENS", 4)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def test_set(tmp_path: Path) -> Path:
    return write(tmp_path / "newstest2021.ru-en.xml", build_test_set())


def batch(test_set: Path, out: Path, translator: Path, *extra: str):
    args = ["batch", str(test_set), "--out", str(out), "--translator", str(translator)]
    args += ["--summarizer", "none", "--device", "cpu", "--no-cache", *extra]
    return CliRunner().invoke(app, args)


def results(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def stats(out: Path) -> dict:
    return {s.name: s for s in aggregate([RunResult.from_dict(line) for line in results(out)])}


def test_documents_carry_the_systems_by_segment_id(test_set: Path) -> None:
    plain = read_batch_input(test_set)
    assert not plain.wmt_systems and all(not d.systems for d in plain.documents)
    read = read_batch_input(test_set, wmt_systems=True)
    assert read.wmt_systems and not read.errors
    for document, (doc_id, start, end) in zip(read.documents, DOCUMENTS, strict=True):
        assert document.id == doc_id
        assert document.systems == tuple(
            (name, tuple(lines[start:end])) for name, lines in SYSTEMS.items()
        )
    # A system's lines follow the document's own segments: one that the first translator left
    # empty is left out of every side.
    gap = build_test_set().replace(f'<seg id="2">{escape(REF_A[1])}</seg>', '<seg id="2"/>', 1)
    (first, _) = read_batch_input(write(test_set, gap), wmt_systems=True).documents
    assert first.text.splitlines() == [REF_A[0], *REF_A[2:4]]
    assert first.source.splitlines() == [SOURCE[0], *SOURCE[2:4]]
    assert dict(first.systems)["UEdin"] == tuple(SYSTEMS["UEdin"][i] for i in (0, 2, 3))
    # A <hyp> without a lang translates into the references' language.
    no_lang = write(test_set, build_test_set(hyp_lang=""))
    assert [len(d.systems) for d in read_batch_input(no_lang, wmt_systems=True).documents] == [3, 3]


def test_wmt_systems_beside_the_local_translator(
    test_set: Path, tmp_path: Path, translator: Path
) -> None:
    out, alone = tmp_path / "with", tmp_path / "without"
    local = f"{translator}:ru→en"  # a local model is named by its path
    cli = batch(test_set, out, translator, "--with-wmt-systems")
    assert cli.exit_code == 0, cli.output
    without = batch(test_set, alone, translator)
    assert without.exit_code == 0, without.output

    lines, plain = results(out), results(alone)
    assert [line["input"]["document_id"] for line in lines] == [d for d, _, _ in DOCUMENTS]
    for line, before, (_, start, end) in zip(lines, plain, DOCUMENTS, strict=True):
        names = [system["name"] for system in line["translations"]]
        assert names == [local, *WMT_NAMES]
        # The local system (and everything else) is what a run without the option gives.
        assert [s["name"] for s in before["translations"]] == [local]
        assert line["translations"][0] == before["translations"][0]
        assert line["summaries"] == before["summaries"]
        for system, (name, hyps) in zip(line["translations"][1:], SYSTEMS.items(), strict=True):
            assert system["mode"] == "reference"
            assert system["forward_model"]["name"] == f"wmt:{name}"
            assert system["forward_model"]["backend"] == "wmt-xml"
            segments = system["segments"]
            assert [s["output"] for s in segments] == hyps[start:end]
            assert [s["reference"] for s in segments] == REF_A[start:end]
            assert [s["other_references"] for s in segments] == [[r] for r in REF_B[start:end]]
            assert [s["source"] for s in segments] == SOURCE[start:end]
            chrf = CHRF(word_order=2)
            assert segments[0]["chrf"] == pytest.approx(
                chrf.sentence_score(hyps[start], [REF_A[start], REF_B[start]]).score
            )
            bleu = sacrebleu.corpus_bleu(hyps[start:end], [REF_A[start:end], REF_B[start:end]])
            assert system["scores"]["bleu"]["value"] == pytest.approx(bleu.score)
            assert system["scores"]["bleu"]["signature"].startswith("nrefs:2|")

    # The aggregate: per-system means over both documents and corpus scores over all segments,
    # those of a WMT system equal to sacrebleu's on the lines extracted from the file.
    with_stats, without_stats = stats(out), stats(alone)
    translation_systems = [name for name, s in with_stats.items() if s.kind == "translation"]
    assert translation_systems == [local, *WMT_NAMES]
    assert with_stats[local] == without_stats[local]
    references = [REF_A, REF_B]
    for name, hyps in SYSTEMS.items():
        system = with_stats[f"wmt:{name}:ru→en"]
        assert system.kind == "translation" and system.documents == len(DOCUMENTS)
        assert system.metrics["bleu"].n == len(DOCUMENTS)
        assert system.metrics["bleu"].low <= system.metrics["bleu"].mean
        assert system.corpus["bleu"].value == pytest.approx(
            sacrebleu.corpus_bleu(hyps, references).score
        )
        assert system.corpus["chrf++"].value == pytest.approx(
            CHRF(word_order=2).corpus_score(hyps, references).score
        )
        assert system.corpus["ter"].value == pytest.approx(
            TER().corpus_score(hyps, references).score
        )

    # Every report shows them as it shows the local system.
    markdown = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    # The terminal summary, from the folder (resumed by the library: nothing left to run).
    options = RunOptions(
        translator=str(translator),
        translators=[str(translator)],
        summarizers=[],
        device="cpu",
        use_cache=False,
        wmt_systems=True,
    )
    resumed = run_batch(read_batch_input(test_set, wmt_systems=True), out, options)
    assert resumed.run_stats["processed"] == 0 and len(resumed.documents) == len(DOCUMENTS)
    console = Console(file=io.StringIO(), width=300)
    render_batch_terminal(resumed, console)
    terminal = console.file.getvalue()
    for name in [local, *WMT_NAMES]:
        assert f"| {name} |" in markdown
        assert name in html
        assert name in terminal
    with open(out / "summary.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    translations = [row for row in rows if row["kind"] == "translation"]
    assert [row["system"] for row in translations] == [local, *WMT_NAMES] * len(DOCUMENTS)
    by_system = {(row["document_id"], row["system"]): row for row in translations}
    first = lines[0]["translations"][1]
    assert float(by_system[("interfax.1", WMT_NAMES[0])]["bleu"]) == pytest.approx(
        first["scores"]["bleu"]["value"], abs=0.01
    )
    assert "wmt:" not in (alone / "report.md").read_text(encoding="utf-8")


def test_resume_with_the_option_and_refuse_without(
    test_set: Path, tmp_path: Path, translator: Path
) -> None:
    out = tmp_path / "out"
    first = batch(test_set, out, translator, "--with-wmt-systems")
    assert first.exit_code == 0, first.output
    finished = results(out)
    settings = json.loads((out / "batch.json").read_text())["settings"]
    assert settings["wmt_systems"] is True
    # An interrupted batch (the last document not written) resumes with the same option.
    (out / "results.jsonl").write_text(json.dumps(finished[0]) + "\n", encoding="utf-8")
    again = batch(test_set, out, translator, "--with-wmt-systems")
    assert again.exit_code == 0, again.output
    resumed = results(out)
    for line in (*finished, *resumed):
        line.pop("timings")
    assert resumed == finished
    # Without the option the folder's results were made with other settings.
    refused = batch(test_set, out, translator)
    assert refused.exit_code != 0
    assert "other settings" in str(refused.exception)
    plain = tmp_path / "plain"
    assert batch(test_set, plain, translator).exit_code == 0
    refused = batch(test_set, plain, translator, "--with-wmt-systems")
    assert refused.exit_code != 0 and "other settings" in str(refused.exception)


def test_the_option_is_a_setting_that_leaves_earlier_keys_alone() -> None:
    import hashlib
    from dataclasses import asdict

    from summarize.batch.run import settings_key

    options = RunOptions(translators=["bundled"], translator="bundled", summarizers=[])
    assert settings_key(options) != settings_key(RunOptions(summarizers=[], wmt_systems=True))
    # A folder made before the option existed keeps its key: the option is off there.
    ignored = {"device", "use_cache", "max_input_mb", "max_segment_chars", "wmt_systems"}
    ignored |= {"pivot_references", "embedder"}  # options that came later still, off here
    payload = {k: v for k, v in asdict(options).items() if k not in ignored}
    payload["translators"] = []
    before = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
    assert settings_key(options) == before


def test_errors_are_one_line(tmp_path: Path, test_set: Path) -> None:
    common = ["--out", str(tmp_path / "out"), "--summarizer", "none"]

    def batch_error(path: Path, *fragments: str) -> None:
        result = run_cli("batch", str(path), *common, "--with-wmt-systems")
        assert_one_line_error(result, str(path.name), *fragments)

    jsonl = write(tmp_path / "docs.jsonl", json.dumps({"id": "a", "text": REF_A[0]}) + "\n")
    batch_error(jsonl, "--with-wmt-systems needs a WMT test set in XML")
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder / "a.txt", REF_A[0])
    batch_error(folder, "--with-wmt-systems needs a WMT test set in XML")
    no_systems = write(tmp_path / "refs-only.xml", build_test_set(systems={}))
    batch_error(no_systems, "has no <hyp> systems", "drop --with-wmt-systems")
    german = write(tmp_path / "de.xml", build_test_set(hyp_lang="de"))
    batch_error(german, "translate into de, not English")
    # A system that lacks a document or a segment: the message `summarize score` gives.
    lacking_doc = write(tmp_path / "doc.xml", build_test_set(drop_doc=("UEdin", "interfax.2")))
    batch_error(lacking_doc, "system 'UEdin'", "lacks document(s) interfax.2")
    score = run_cli("score", str(lacking_doc))
    assert_one_line_error(score, "system 'UEdin'", "lacks document(s) interfax.2")
    lacking_seg = write(
        tmp_path / "seg.xml", build_test_set(drop_seg=("Online-B", "interfax.1", 3))
    )
    batch_error(lacking_seg, "system 'Online-B'", "lacks segment(s) interfax.1:3")
    # Nothing was written for any of them.
    assert not (tmp_path / "out" / "results.jsonl").exists()
    # Without the option, the same files are fine inputs (their systems are not read).
    assert read_batch_input(lacking_doc).documents


def test_library_options_and_input_must_agree(tmp_path: Path, test_set: Path) -> None:
    options = RunOptions(summarizers=[], wmt_systems=True)
    with pytest.raises(UserError, match="wmt_systems=True needs the input read with"):
        run_batch(read_batch_input(test_set), tmp_path / "out", options)
    with pytest.raises(UserError, match="was read with its WMT systems"):
        run_batch(read_batch_input(test_set, wmt_systems=True), tmp_path / "out", RunOptions())
