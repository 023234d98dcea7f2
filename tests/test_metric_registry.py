"""Adding a metric is one registry entry: a throwaway metric, registered by a fixture and
nothing else, shows in `run --json`, `results.jsonl`, `score --json`, and the terminal,
Markdown and HTML legends (fake engines, no model)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarize.cli.main import app
from summarize.metrics import registry
from summarize.metrics.base import StatsMetric
from summarize.metrics.outputs import SummaryOutput, TranslationOutputs
from summarize.result import Score
from tests.test_batch import ARTICLES, FakeRegistry, engines  # noqa: F401  (fixture)

KEY = "length_ratio"
SIGNATURE = "length_ratio|words:whitespace"


def _ratio(output: str, reference: str) -> float:
    return len(output.split()) / max(len(reference.split()), 1)


class LengthRatio(StatsMetric):
    name = KEY

    def signature(self) -> str:
        return SIGNATURE

    def segment_scores(self, hypotheses: list[str], references: list[str]) -> list[float]:
        return [_ratio(h, r) for h, r in zip(hypotheses, references, strict=True)]


def _translation(output: TranslationOutputs) -> Score:
    ratios = [_ratio(o, refs[0]) for o, refs in zip(output.outputs, output.references, strict=True)]
    return Score(KEY, sum(ratios) / len(ratios), SIGNATURE)


def _summary(output: SummaryOutput) -> Score:
    return Score(KEY, _ratio(output.text, output.article), SIGNATURE)


@pytest.fixture
def length_ratio():
    spec = registry.register(
        registry.MetricSpec(
            KEY,
            "length ratio",
            None,
            "> 0",
            "output words per reference word (a throwaway test metric)",
            build=lambda _inputs: LengthRatio(),
            translation=_translation,
            summary=_summary,
            shown=("run", "batch"),
            cell="{:.2f}",
        )
    )
    yield spec
    registry.unregister(KEY)


def test_a_registered_metric_shows_everywhere(
    tmp_path: Path,
    engines: FakeRegistry,  # noqa: F811
    length_ratio: registry.MetricSpec,
) -> None:
    runner = CliRunner()
    article = tmp_path / "article.txt"
    article.write_text(ARTICLES["first"] + "\n", encoding="utf-8")
    base = ["run", str(article), "--no-cache", "--no-language-check"]
    legend = length_ratio.legend()

    result = runner.invoke(app, [*base, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{") :])
    for item in [*data["translations"], *data["summaries"]]:
        assert item["scores"][KEY]["signature"] == SIGNATURE
    lead = next(s for s in data["summaries"] if s["method"] == "lead")
    assert lead["scores"][KEY]["value"] == pytest.approx(_ratio(lead["text"], ARTICLES["first"]))

    terminal = runner.invoke(app, [*base, "--details"])  # the whole view has the legend
    assert terminal.exit_code == 0 and legend in terminal.output
    assert "length ratio" in terminal.output  # a column of both score tables
    markdown = tmp_path / "report.md"
    assert runner.invoke(app, [*base, "--out", str(markdown)]).exit_code == 0
    assert f"- {legend}" in markdown.read_text(encoding="utf-8")

    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "a", "text": ARTICLES["first"]}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    batch = ["batch", str(docs), "--out", str(out), "--no-cache", "--no-language-check"]
    assert runner.invoke(app, batch).exit_code == 0
    line = json.loads((out / "results.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert all(KEY in s["scores"] for s in [*line["translations"], *line["summaries"]])
    assert html.escape(legend) in (out / "report.html").read_text(encoding="utf-8")
    assert legend in (out / "report.md").read_text(encoding="utf-8")
    assert KEY in (out / "summary.csv").read_text(encoding="utf-8").splitlines()[0]

    ref = tmp_path / "ref.txt"
    ref.write_text("one two three four\nfive six\n", encoding="utf-8")
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("one two\nfive six seven eight\n", encoding="utf-8")
    scored = runner.invoke(
        app, ["score", "--hyp", str(hyp), "--ref", str(ref), "-m", KEY, "--json"]
    )
    assert scored.exit_code == 0, scored.output
    report = json.loads(scored.output)
    (metric,) = report["metrics"]
    assert metric["name"] == KEY and metric["segment_signature"] == SIGNATURE
    assert report["systems"][0]["scores"][KEY]["score"] == pytest.approx((0.5 + 2.0) / 2)
