"""Smaller hardening cases of the reports and the command line: numbers in the CSV, Markdown
from untrusted ids, option lists that name nothing, negative counts and ``models info`` on a
folder that is not a model."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from summarize.batch.run import run_batch
from summarize.input.documents import read_batch_input
from summarize.pipeline import session
from summarize.render.batch_text import render_batch_csv, render_batch_markdown
from tests.conftest import assert_one_line_error, run_cli
from tests.fake_cli import run_fake
from tests.test_batch import ARTICLES, OPTIONS, FakeRegistry

GOOD = ARTICLES["first"]


@pytest.fixture
def fake(monkeypatch) -> FakeRegistry:
    registry = FakeRegistry()
    monkeypatch.setattr(session, "open_registry", lambda options, notify: (registry, None))
    return registry


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_negative_numbers_in_the_csv_are_not_prefixed(tmp_path: Path, fake) -> None:
    path = write_jsonl(tmp_path / "docs.jsonl", [{"id": "-doc", "text": GOOD}])
    result = run_batch(read_batch_input(path), tmp_path / "out", OPTIONS)
    summary = result.documents[0].summaries[0]
    summary.scores["embedding_cosine"] = replace(summary.scores["embedding_cosine"], value=-0.25)
    rows = list(csv.DictReader(io.StringIO(render_batch_csv(result))))
    assert rows[len(result.documents[0].translations)]["embedding_cosine"] == "-0.2500"
    assert {row["document_id"] for row in rows} == {"'-doc"}  # text is still guarded


def test_report_md_carries_no_html_or_links_from_ids(tmp_path: Path, fake) -> None:
    from markdown_it import MarkdownIt

    ids = ["<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "`code` *x* a|b"]
    path = write_jsonl(tmp_path / "docs.jsonl", [{"id": i, "text": GOOD} for i in ids])
    markdown = render_batch_markdown(run_batch(read_batch_input(path), tmp_path / "out", OPTIONS))
    renderer = MarkdownIt("commonmark").enable("table")
    renderer.validateLink = lambda url: True  # as permissive as the worst Markdown viewer
    html = renderer.render(markdown)
    assert "<img" not in html and "javascript:" not in html.replace(
        "[click](javascript:alert(1))", ""
    )
    assert "<a " not in html and "<code>code</code>" not in html and "<em>" not in html
    assert "[click](javascript:alert(1))" in html  # shown as the text it is
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_option_lists_that_name_nothing_are_errors(tmp_path: Path) -> None:
    ref = tmp_path / "ref.txt"
    ref.write_text("The cat sat.\n", encoding="utf-8")
    score = ["score", "--hyp", str(ref), "--ref", str(ref)]
    assert_one_line_error(run_cli(*score, "-m", ","), "--metrics", "names nothing")
    run = run_fake("run", str(ref), "--pivot", " , ", "--no-cache")  # never a real model
    assert_one_line_error(run, "--pivot", "names nothing")


def test_negative_samples_are_an_error(tmp_path: Path) -> None:
    ref = tmp_path / "ref.txt"
    ref.write_text("The cat sat.\n", encoding="utf-8")
    result = run_cli("score", "--hyp", str(ref), "--ref", str(ref), "--samples", "-5")
    assert_one_line_error(result, "--samples")


def test_models_info_refuses_a_folder_that_is_not_a_model(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("models", "info", "../../../etc"), "not a model")
    (tmp_path / "config.json").write_text('{"model_type": "marian"}', encoding="utf-8")
    described = run_cli("models", "info", str(tmp_path))
    assert described.returncode == 0 and "marian" in described.stdout
