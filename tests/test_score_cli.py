"""`summarize score` end to end on small hand-made files: formats, --src metrics, ranking."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from summarize.metrics.consistency import check_consistency
from summarize.metrics.extractiveness import extractiveness
from tests.conftest import run_cli

ARTICLES = [
    "Kazakhstan's government resigned on January 5, 2022 after protests over gas prices.",
    "About 3,000 troops from the CSTO arrived in Almaty to guard airports and power plants.",
    "Internet access was restored in most regions of the country on Monday.",
]
REFERENCES = [
    "The government of Kazakhstan resigned in January 2022.",
    "About 3,000 CSTO troops arrived in Almaty.",
    "Internet access was restored on Monday.",
]
# A faithful, mostly copied system and one that changes facts (year, number, city).
FAITHFUL = [
    "Kazakhstan's government resigned on January 5, 2022.",
    "About 3,000 troops from the CSTO arrived in Almaty.",
    "Internet access was restored on Monday.",
]
UNFAITHFUL = [
    "The government of Kazakhstan resigned in 2023.",
    "About 5,000 CSTO troops arrived in Astana.",
    "Internet was restored.",
]


def write_lines(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_summaries_against_source_and_reference(tmp_path: Path) -> None:
    src = write_lines(tmp_path / "articles.txt", ARTICLES)
    ref = write_lines(tmp_path / "refs.txt", REFERENCES)
    good = write_lines(tmp_path / "faithful.txt", FAITHFUL)
    bad = write_lines(tmp_path / "unfaithful.txt", UNFAITHFUL)
    args = ["score", "--hyp", bad, "--hyp", good, "--ref", ref, "--src", src]
    result = run_cli(*args, "-m", "coverage,density,unsupported,rouge1", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    systems = {system["name"]: system for system in report["systems"]}
    # Ranked by coverage: the faithful, copied system first; the first --hyp is the baseline.
    assert [s["name"] for s in report["systems"]] == ["faithful.txt", "unfaithful.txt"]
    assert systems["unfaithful.txt"]["baseline"]
    for name, lines in (("faithful.txt", FAITHFUL), ("unfaithful.txt", UNFAITHFUL)):
        segments = systems[name]["segments"]
        assert segments["coverage"] == [
            extractiveness(a, s).coverage for a, s in zip(ARTICLES, lines, strict=True)
        ]
        counts = [check_consistency(s, a) for a, s in zip(ARTICLES, lines, strict=True)]
        expected = [len(c.unsupported_numbers) + len(c.unsupported_names) for c in counts]
        assert segments["unsupported"] == expected
    assert systems["unfaithful.txt"]["segments"]["unsupported"] == [1, 2, 0]  # 2023; 5000, Astana
    assert systems["faithful.txt"]["scores"]["unsupported"]["score"] == 0
    assert systems["faithful.txt"]["scores"]["coverage"]["score"] == 1.0
    assert report["source"] == src


def test_text_and_tsv_output_for_two_systems(tmp_path: Path) -> None:
    ref = write_lines(tmp_path / "refs.txt", REFERENCES * 10)
    good = write_lines(tmp_path / "a.txt", FAITHFUL * 10)
    bad = write_lines(tmp_path / "b.txt", UNFAITHFUL * 10)
    args = ["score", "--hyp", bad, "--hyp", good, "--ref", ref, "-m", "chrf,ter"]
    text = run_cli(*args)
    assert text.returncode == 0, text.stderr
    assert "b.txt (baseline)" in text.stdout and "p = " in text.stdout
    assert "nrefs:1|bs:1000|seed:12345|case:mixed|eff:yes|nc:6|nw:0" in text.stdout
    tsv = run_cli(*args, "--format", "tsv", "--seed", "7")
    rows = list(csv.DictReader(io.StringIO(tsv.stdout), delimiter="\t"))
    assert [row["system"] for row in rows] == ["a.txt", "b.txt"]
    assert float(rows[0]["chrf_ci_low"]) <= float(rows[0]["chrf"]) <= float(rows[0]["chrf_ci_high"])
    assert rows[1]["chrf_p"] == "" and float(rows[0]["chrf_p"]) < 0.05
    again = run_cli(*args, "--format", "tsv", "--seed", "7")
    assert again.stdout == tsv.stdout  # seeded: reproducible to the last digit


def test_segment_level_output(tmp_path: Path) -> None:
    ref = write_lines(tmp_path / "refs.txt", REFERENCES)
    hyp = write_lines(tmp_path / "a.txt", FAITHFUL)
    result = run_cli("score", "--hyp", hyp, "--ref", ref, "-m", "bleu,rouge1", "--segments")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="\t"))
    assert [row["line"] for row in rows] == ["1", "2", "3"]
    assert float(rows[2]["bleu"]) == 100 and float(rows[2]["rouge1"]) == 100  # identical line
    assert float(rows[0]["bleu"]) < 100
