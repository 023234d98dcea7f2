"""The batch library and its reports, with fake engines (fast, no model): cross-document
batching, resuming, settings and lock checks, escaping, sanitised anchors, CSV, CIs."""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from summarize.batch.aggregate import bootstrap_ci
from summarize.batch.run import run_batch
from summarize.cli.main import app
from summarize.engines.base import ModelInfo
from summarize.errors import UserError
from summarize.input.documents import read_batch_input
from summarize.pipeline import prepare as pipeline
from summarize.pipeline import session
from summarize.pipeline.options import RunOptions
from summarize.render.batch_text import render_batch_csv, write_batch_reports
from summarize.render.html import render_html
from summarize.result import RunResult

XSS = "<script>alert('x')</script>"
ARTICLES = {
    "first": "The council approved the budget on Monday. Spending on schools rises by ten percent.",
    "../../escape": f"Heavy rain flooded the streets. {XSS} Officials said nobody was hurt at all.",
    "=HYPERLINK(1)": "The bridge will reopen next week. Engineers finished the repairs early.",
}


class FakeTranslator:
    def __init__(self, name: str = "fake", calls: list[list[str]] | None = None) -> None:
        self.info = ModelInfo(name, f"fake/{name}", "1", "fake", {})
        self.calls: list[list[str]] = [] if calls is None else calls

    def translate(self, texts, source, target, on_progress=None):
        self.calls.append(list(texts))
        if on_progress:
            on_progress(len(texts))
        if target.code == "en":  # back: drop the last word, so scores vary
            return [" ".join(t.split()[:-1]) or t for t in texts]
        return [t.upper() for t in texts]


class FakeSummarizer:
    def __init__(self) -> None:
        self.info = ModelInfo("fakesum", "fake/summarizer", "1", "fake", {})
        self.calls: list[int] = []

    def summarize(self, article: str) -> str:
        return self.summarize_many([article])[0]

    def summarize_many(self, articles, on_progress=None):
        self.calls.append(len(articles))
        return [f"{XSS} " + article.split(".")[0] + "." for article in articles]


class FakeEmbedder:
    info = ModelInfo("fakeemb", "fake/embedder", "1", "fake", {})

    def embed(self, texts):
        rows = []
        for text in texts:
            vector = np.zeros(16)
            for word in text.lower().split():
                vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % 16] += 1
            rows.append(vector / max(np.linalg.norm(vector), 1e-12))
        return np.array(rows)


class FakeRegistry:
    """Hands out fake engines and records every translator asked for, with its direction.

    Each model name gets its own translator (the default ``bundled`` one is called ``fake``);
    all of them record their calls in one list.
    """

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.translators: dict[str, FakeTranslator] = {}
        self.requests: list[tuple[str, str, str]] = []
        self.summarizer_ = FakeSummarizer()
        self.embedder_ = FakeEmbedder()

    def translator(self, name, source, target) -> FakeTranslator:
        self.requests.append((name, source.code, target.code))
        shown = "fake" if name == "bundled" else name
        return self.translators.setdefault(name, FakeTranslator(shown, self.calls))

    def summarizer(self, name) -> FakeSummarizer:
        return self.summarizer_

    def embedder(self, name="minilm") -> FakeEmbedder:
        return self.embedder_


@pytest.fixture
def engines(monkeypatch) -> FakeRegistry:
    """``batch`` and ``run`` both get their models from one :class:`FakeRegistry`."""
    fake = FakeRegistry()
    monkeypatch.setattr(session, "open_registry", lambda options, notify: (fake, None))
    return fake


OPTIONS = RunOptions(summarizers=["bundled"], language_check=False)


def make_input(tmp_path: Path, extra_lines: tuple[str, ...] = ("not json",)) -> Path:
    lines = [json.dumps({"id": key, "text": text}) for key, text in ARTICLES.items()]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join([*lines, *extra_lines]) + "\n", encoding="utf-8")
    return path


def without_timings(path: Path) -> list[dict]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        line.pop("timings")
    return lines


def test_segments_of_all_documents_share_one_call(tmp_path: Path, engines: FakeRegistry) -> None:
    result = run_batch(read_batch_input(make_input(tmp_path)), tmp_path / "out", OPTIONS)
    sentences = sum(r.input.sentences for r in result.documents)
    forward_calls = [call for call in engines.calls if call[0].isupper()]
    assert [len(call) for call in forward_calls] == [sentences]  # one call for 3 documents
    assert engines.summarizer_.calls == [3]
    assert [r.input.document_id for r in result.documents] == list(ARTICLES)
    assert len(result.errors) == 1 and "not valid JSON" in result.errors[0].message
    lines = (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    first = json.loads(lines[0])
    assert first["schema"] == "summarize.run/2"  # the same structure as `run --json`
    assert RunResult.from_dict(first) == result.documents[0]
    names = {system.name: system for system in result.systems}
    assert set(names) == {"fake:en→ru→en", "abstractive:fakesum", "extractive-mmr-3", "lead-3"}
    chrf = names["fake:en→ru→en"].metrics["chrf++"]
    per_doc = [r.translations[0].scores["chrf++"].value for r in result.documents]
    assert chrf.mean == pytest.approx(sum(per_doc) / 3)
    assert chrf.low <= chrf.mean <= chrf.high and chrf.n == 3


def test_resume_skips_finished_documents_and_drops_a_torn_line(
    tmp_path: Path, engines: FakeRegistry
) -> None:
    source = read_batch_input(make_input(tmp_path))
    options = {"progress": None, "chunk_documents": 1}
    full = run_batch(source, tmp_path / "full", OPTIONS, **options)
    write_batch_reports(full, tmp_path / "full")
    # An interrupted run: first document written, the second cut off mid-line (kill -9).
    out = tmp_path / "resumed"
    out.mkdir()
    lines = (tmp_path / "full" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    (out / "results.jsonl").write_text(lines[0] + "\n" + lines[1][:50], encoding="utf-8")
    (out / "batch.json").write_text((tmp_path / "full" / "batch.json").read_text())
    engines.calls.clear()
    resumed = run_batch(source, out, OPTIONS, **options)
    write_batch_reports(resumed, out)
    translated = {text for call in engines.calls for text in call}
    first_doc_sentences = {s.source for s in full.documents[0].translations[0].segments}
    assert not translated & first_doc_sentences  # nothing finished is recomputed
    assert resumed.run_stats["resumed"] == 1 and resumed.run_stats["processed"] == 2
    assert without_timings(out / "results.jsonl") == without_timings(
        tmp_path / "full" / "results.jsonl"
    )
    for name in ("report.html", "report.md", "summary.csv"):
        assert (out / name).read_text() == (tmp_path / "full" / name).read_text(), name


def test_other_settings_are_refused_unless_restart(tmp_path: Path, engines: FakeRegistry) -> None:
    source = read_batch_input(make_input(tmp_path))
    run_batch(source, tmp_path / "out", OPTIONS)
    other = RunOptions(summarizers=["bundled"], language_check=False, lead_sentences=2)
    with pytest.raises(UserError, match="other settings"):
        run_batch(source, tmp_path / "out", other)
    result = run_batch(source, tmp_path / "out", other, restart=True)
    assert result.run_stats["processed"] == 3
    assert {s.name for s in result.systems} >= {"lead-2"}


def test_second_writer_to_the_same_folder_is_refused(tmp_path: Path, engines: FakeRegistry) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".batch.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(UserError, match="another summarize batch"):
            run_batch(read_batch_input(make_input(tmp_path)), out, OPTIONS)


class InterruptedTranslator(FakeTranslator):
    """Ctrl-C arrives in the second chunk's first generate call."""

    def translate(self, texts, source, target, on_progress=None):
        if len(self.calls) >= 2:  # the first chunk went there and back
            raise KeyboardInterrupt
        return super().translate(texts, source, target, on_progress)


def test_ctrl_c_keeps_finished_documents_and_says_how_to_resume(
    tmp_path: Path, engines: FakeRegistry
) -> None:
    engines.translators["bundled"] = InterruptedTranslator("fake", engines.calls)
    out = tmp_path / "out"
    args = ["batch", str(make_input(tmp_path, ())), "--out", str(out), "--chunk-documents", "1"]
    result = CliRunner().invoke(app, [*args, "--no-language-check"])
    assert result.exit_code == 130, result.output
    assert f"summarize: interrupted; finished documents are kept in {out / 'results.jsonl'}" in (
        result.output
    )
    assert "Traceback" not in result.output
    finished = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [line["input"]["document_id"] for line in finished] == ["first"]


def test_ctrl_c_in_run_says_what_was_kept(tmp_path: Path, engines: FakeRegistry) -> None:
    engines.translators["bundled"] = InterruptedTranslator("fake", engines.calls)
    article = tmp_path / "article.txt"
    article.write_text(ARTICLES["first"] + "\n", encoding="utf-8")
    args = ["run", str(article), "--pivot", "ru,de", "--no-cache"]  # interrupted at de
    result = CliRunner().invoke(app, [*args, "--no-language-check"])
    assert result.exit_code == 130, result.output
    assert "summarize: interrupted; nothing was kept (--no-cache)" in result.output
    assert "Traceback" not in result.output


def test_cli_exit_code_counts_failures(tmp_path: Path, engines: FakeRegistry) -> None:
    path = make_input(tmp_path, ("not json", '{"id": "x"}'))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(path), "--out", str(out), "--no-language-check"])
    assert result.exit_code == 1, result.output
    assert "2 documents failed" in result.output
    assert "3 documents scored" in result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        ".batch.lock",
        "batch.json",
        "report.html",
        "report.md",
        "results.jsonl",
        "summary.csv",
    ]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def test_html_escapes_untrusted_text_and_sanitises_anchors(
    tmp_path: Path, engines: FakeRegistry
) -> None:
    result = run_batch(read_batch_input(make_input(tmp_path)), tmp_path / "out", OPTIONS)
    html = render_html(result)
    assert XSS not in html and "alert(" not in html.replace("alert(&#39;x&#39;)", "")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    parser = _Collector()
    parser.feed(html)
    assert parser.tags.count("script") == 1  # only the report's own script
    assert "table" in parser.tags and "svg" in parser.tags
    anchors = [v for name, v in parser.attributes if name in {"id", "href"}]
    for value in anchors:
        assert re.fullmatch(r"#?[A-Za-z0-9_-]+", value), value
    assert "../../escape" in html  # shown (escaped) as text, never as a link target
    assert not any(".." in value for value in anchors)
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_csv_rows_and_formula_injection(tmp_path: Path, engines: FakeRegistry) -> None:
    result = run_batch(read_batch_input(make_input(tmp_path)), tmp_path / "out", OPTIONS)
    rows = list(csv.DictReader(io.StringIO(render_batch_csv(result))))
    assert len(rows) == 3 * 4  # documents x systems
    ids = {row["document_id"] for row in rows}
    assert "'=HYPERLINK(1)" in ids and "=HYPERLINK(1)" not in ids
    translation = next(row for row in rows if row["kind"] == "translation")
    assert float(translation["chrf++"]) == pytest.approx(
        result.documents[0].translations[0].scores["chrf++"].value, abs=1e-3
    )


def test_bootstrap_ci_is_seeded_and_sensible() -> None:
    values = list(range(100))
    first, second = bootstrap_ci(values), bootstrap_ci(values)
    assert first == second
    assert first.mean == pytest.approx(49.5)
    assert 40 < first.low < 49.5 < first.high < 59
    single = bootstrap_ci([3.0])
    assert (single.low, single.mean, single.high, single.n) == (3.0, 3.0, 3.0, 1)


def test_reference_summaries_are_scored_and_shown(tmp_path: Path, engines: FakeRegistry) -> None:
    reference = f"Spending on schools rises. {XSS}"
    path = tmp_path / "refs.jsonl"
    record = {"id": "r", "text": ARTICLES["first"], "reference_summary": reference}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = run_batch(read_batch_input(path), tmp_path / "out", OPTIONS)
    lead = next(s for s in result.documents[0].summaries if s.method == "lead")
    assert lead.scores["ref_rouge1"].value > 0
    assert lead.scores["ref_rouge1"].signature.endswith("|ref:supplied")
    html = render_html(result)
    assert "ROUGE-1 vs ref." in html and "reference summary" in html
    assert XSS not in html


def test_plots_escape_names_and_label_ticks() -> None:
    from summarize.render.plots import Point, _fmt, _ticks, distribution_plot, xy_plot

    assert [_fmt(t) for t in _ticks(27.6, 29.4)] == ["28", "28.5", "29"]
    assert _fmt(12000.0) == "12000"
    assert all(float(t).is_integer() for t in _ticks(1, 3, integer=True))
    points = [Point(1.0, 2.0, f"{XSS} doc", "doc-x-1"), Point(2.0, 3.0, "b", None)]
    for svg in (
        distribution_plot(XSS, XSS, [(XSS, points)]),
        xy_plot(XSS, XSS, XSS, [(XSS, points)], connect=True),
    ):
        assert XSS not in svg and "&lt;script&gt;" in svg
        assert svg.startswith("<svg") and svg.count("<circle") >= 2


# -- reference mode: documents with a source -------------------------------------------------

RU_SOURCES = {
    "ru-1": (
        "Совет утвердил бюджет в понедельник.\nРасходы на школы растут на десять процентов.",
        "The council approved the budget on Monday.\nSpending on schools rises by ten percent.",
    ),
    "ru-2": (
        "Мост откроется на следующей неделе.",
        "The bridge will reopen next week after the repairs.",
    ),
}


def write_mixed_input(tmp_path: Path, *extra: dict) -> Path:
    """Two documents in reference mode (Russian sources), one German, one round trip."""
    records = [
        {"id": key, "text": text, "source": source, "source_lang": "ru"}
        for key, (source, text) in RU_SOURCES.items()
    ]
    records.insert(1, {"id": "plain", "text": ARTICLES["first"]})
    records.append(
        {"id": "de-1", "text": "Heavy rain flooded the streets.", "source": "Starker Regen."}
        | {"source_lang": "de"}
    )
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps(record, ensure_ascii=False) for record in [*records, *extra]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_documents_with_a_source_go_through_reference_mode(
    tmp_path: Path, engines: FakeRegistry
) -> None:
    result = run_batch(read_batch_input(write_mixed_input(tmp_path)), tmp_path / "out", OPTIONS)
    assert not result.errors
    by_id = {r.input.document_id: r for r in result.documents}
    assert [t.name for t in by_id["ru-1"].translations] == ["fake:ru→en"]
    assert [t.name for t in by_id["de-1"].translations] == ["fake:de→en"]
    assert [t.name for t in by_id["plain"].translations] == ["fake:en→ru→en"]
    reference = by_id["ru-1"].translations[0]
    assert reference.mode == "reference" and reference.pivot_lang is None
    assert [s.reference for s in reference.segments] == RU_SOURCES["ru-1"][1].splitlines()
    assert by_id["ru-1"].source_input.language == "ru"
    assert by_id["plain"].source_input is None
    # The Russian sentences of both documents share one call; German gets its own.
    russian = [s for source, _ in RU_SOURCES.values() for s in source.splitlines()]
    assert russian in engines.calls and ["Starker Regen."] in engines.calls
    assert ("bundled", "ru", "en") in engines.requests
    assert ("bundled", "de", "en") in engines.requests
    # Reports show every system, each with its own columns.
    systems = {s.name: s for s in result.systems}
    assert systems["fake:ru→en"].documents == 2 and systems["fake:en→ru→en"].documents == 1
    write_batch_reports(result, tmp_path / "out")
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "| fake:ru→en |" in markdown and "| fake:de→en |" in markdown
    assert "3 in reference mode" in markdown
    html = render_html(result)
    assert "Reference translation fake:ru→en" in html and "Round trip fake:en→ru→en" in html
    assert "<th>reference</th>" in html and "<th>pivot</th>" in html
    rows = list(csv.DictReader(io.StringIO(render_batch_csv(result))))
    assert {row["system"] for row in rows if row["kind"] == "translation"} == set(
        name for name, s in systems.items() if s.kind == "translation"
    )


def comparable_result(data: dict) -> dict:
    """A result without what depends on where the text came from or how long it took."""
    data = json.loads(json.dumps(data))
    for key in ("timings", "notes"):
        data.pop(key)
    for info in (data["input"], data["source_input"]):
        info.pop("path")
    data["input"].pop("document_id")
    return data


def test_a_reference_document_gives_what_run_gives(tmp_path: Path, engines: FakeRegistry) -> None:
    out = tmp_path / "out"
    run_batch(read_batch_input(write_mixed_input(tmp_path)), out, OPTIONS, chunk_documents=4)
    lines = {
        line["input"]["document_id"]: line
        for line in map(json.loads, (out / "results.jsonl").read_text().splitlines())
    }
    source, text = RU_SOURCES["ru-1"]
    (tmp_path / "ru-1.ru").write_text(source, encoding="utf-8")
    (tmp_path / "ru-1.en").write_text(text, encoding="utf-8")
    options = RunOptions(
        summarizers=["bundled"],
        language_check=False,
        source=tmp_path / "ru-1.ru",
        source_lang="ru",
    )
    alone = session.run(pipeline.prepare(tmp_path / "ru-1.en", options), options)
    assert comparable_result(lines["ru-1"]) == comparable_result(alone.to_dict())


def test_several_translators_and_pivots_load_each_direction(
    tmp_path: Path, engines: FakeRegistry
) -> None:
    options = RunOptions(
        pivots=["ru", "de"],
        translator="opus-mt",
        translators=["opus-mt", "nllb-600m"],
        summarizers=[],
        language_check=False,
    )
    result = run_batch(read_batch_input(write_mixed_input(tmp_path)), tmp_path / "out", options)
    by_id = {r.input.document_id: r for r in result.documents}
    assert [t.name for t in by_id["plain"].translations] == [
        "opus-mt:en→ru→en",
        "opus-mt:en→de→en",
        "nllb-600m:en→ru→en",
        "nllb-600m:en→de→en",
    ]
    assert [t.name for t in by_id["ru-1"].translations] == ["opus-mt:ru→en", "nllb-600m:ru→en"]
    for name in ("opus-mt", "nllb-600m"):
        for pair in (("en", "ru"), ("ru", "en"), ("en", "de"), ("de", "en")):
            assert (name, *pair) in engines.requests
    assert not any(source == target for _, source, target in engines.requests)


def test_bad_sources_are_reported_per_document_and_skipped(
    tmp_path: Path, engines: FakeRegistry
) -> None:
    path = write_mixed_input(
        tmp_path,
        {"id": "xx", "text": "One line.", "source": "Eins.", "source_lang": "xx"},
        {"id": "lines", "text": "One line.\nTwo lines.", "source": "Один.", "source_lang": "ru"},
        {"id": "en", "text": "One line.", "source": "One line.", "source_lang": "en"},
        # No source_lang: detected, as `run --source` without --source-lang does.
        {"id": "detected", "text": "The bridge reopens.", "source": "Мост снова открыт."},
    )
    out = tmp_path / "out"
    cli = CliRunner().invoke(app, ["batch", str(path), "--out", str(out), "--no-language-check"])
    assert cli.exit_code == 1, cli.output
    assert "3 documents failed" in cli.output
    assert "5 documents scored" in cli.output
    result = run_batch(read_batch_input(path), out, OPTIONS)
    problems = {error.id: error for error in result.errors}
    assert set(problems) == {"xx", "lines", "en"}
    assert problems["xx"].origin == f"{path}:5" and "unknown language code 'xx'" in (
        problems["xx"].message
    )
    assert problems["lines"].origin == f"{path}:6" and "line-aligned" in problems["lines"].message
    assert "must not be English" in problems["en"].message
    detected = next(r for r in result.documents if r.input.document_id == "detected")
    assert detected.translations[0].name == "fake:ru→en"


def test_summaries_keep_their_names_when_a_reference_summary_is_given(
    tmp_path: Path, engines: FakeRegistry
) -> None:
    """Scoring against a reference summary must not rename the summary (it once became
    ``rougeL`` for every method, and the report merged the systems)."""
    path = tmp_path / "refs.jsonl"
    record = {"id": "r", "text": ARTICLES["first"], "reference_summary": "Schools get more."}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = run_batch(read_batch_input(path), tmp_path / "out", OPTIONS)
    names = [summary.name for summary in result.documents[0].summaries]
    assert names == ["abstractive:fakesum", "extractive-mmr-3", "lead-3"]
    assert sorted(s.name for s in result.systems if s.kind == "summary") == sorted(names)


def test_a_metric_has_one_key_and_one_signature_in_run_batch_and_score(
    tmp_path: Path, engines: FakeRegistry
) -> None:
    """ROUGE-L of the lead summary: `run`, `results.jsonl` and `summarize score` (the summary
    scored against its article) give it the same key, signature and value."""
    import summarize

    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"id": "a", "text": ARTICLES["first"]}) + "\n", encoding="utf-8")
    run_batch(read_batch_input(path), tmp_path / "out", OPTIONS)
    line = json.loads((tmp_path / "out" / "results.jsonl").read_text().splitlines()[0])
    article = tmp_path / "a.txt"
    article.write_text(ARTICLES["first"], encoding="utf-8")
    alone = session.run(pipeline.prepare(article, OPTIONS), OPTIONS).to_dict()
    scores = [
        next(s for s in data["summaries"] if s["method"] == "lead")["scores"]
        for data in (line, alone)
    ]
    assert scores[0]["rougeL"] == scores[1]["rougeL"]
    lead = next(s for s in alone["summaries"] if s["method"] == "lead")["text"]
    report = summarize.score([lead], [ARTICLES["first"]], metrics=["rougeL"]).to_dict()
    (metric,) = report["metrics"]
    assert metric["name"] == "rougeL"
    assert metric["segment_signature"] == scores[0]["rougeL"]["signature"]
    assert metric["signature"].startswith(scores[0]["rougeL"]["signature"] + "|")
    assert report["systems"][0]["scores"]["rougeL"]["score"] == pytest.approx(
        scores[0]["rougeL"]["value"]
    )
    for key in ("coverage", "compression_ratio", "novel_bigrams"):
        extract = summarize.score([lead], [ARTICLES["first"]], [key], [ARTICLES["first"]])
        assert extract.metrics[0].segment_signature == scores[0][key]["signature"], key
        value = extract.systems[0].scores[key].score
        assert value == pytest.approx(scores[0][key]["value"]), key
