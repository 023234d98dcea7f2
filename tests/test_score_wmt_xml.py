"""`summarize score TESTSET.xml`: every system of a WMT21-style file against all its references.

The file is built here in the WMT21+ format (``dataset/collection/doc/src|ref|hyp/p/seg``):
three documents with references by translators A and B and outputs of three systems, plus a
segment nobody translated and a test-suite document (both left out, as sacrebleu does). The
reference numbers come from sacrebleu itself: its own WMT XML reader extracts the plain files,
and its command line scores them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import assert_one_line_error, run_cli
from tests.helpers import (
    Side,
    WmtDoc,
    drop_words,
    sacrebleu_cli,
    score_json,
    swap_neighbours,
    wmt_xml,
)
from tests.test_score_multiref import REF_A, REF_B

SYSTEMS = {
    "Online-B": drop_words(REF_A, 0.1, 11),
    "UEdin": swap_neighbours(drop_words(REF_A, 0.25, 12), 5),
    "Facebook-AI": drop_words(REF_A, 0.4, 13),
}
DOCUMENTS = [("interfax.1", 0, 8), ("interfax.2", 8, 15), ("interfax.3", 15, len(REF_A))]


def build_test_set(
    drop_system_doc: tuple[str, str] | None = None,
    drop_system_seg: tuple[str, str, int] | None = None,
    systems: dict[str, list[str]] | None = None,
) -> str:
    """A WMT21-style ru-en test set. The last segment of document 2 has no reference (left
    out), translator B lacks segment 3 of document 1 (an empty reference, as in sacrebleu)."""
    systems = SYSTEMS if systems is None else systems
    documents = []
    for doc_id, start, end in DOCUMENTS:
        ids = range(1, end - start + 1)
        source = {i: f"Исходное предложение {start + i}." for i in ids}
        extra = max(ids) + 1 if doc_id == "interfax.2" else None
        if extra:
            source[extra] = "Предложение без перевода."
        ref_a = {i: REF_A[start + i - 1] for i in ids}
        ref_b = {i: REF_B[start + i - 1] for i in ids if (doc_id, i) != ("interfax.1", 3)}
        sides = [
            Side("src", {"lang": "ru"}, source),
            Side("ref", {"lang": "en", "translator": "A"}, ref_a),
            Side("ref", {"lang": "en", "translator": "B"}, ref_b),
        ]
        for name, lines in systems.items():
            if drop_system_doc == (name, doc_id):
                continue
            hyp = {i: lines[start + i - 1] for i in ids}
            if extra:
                hyp[extra] = "A sentence without a reference."
            if drop_system_seg and drop_system_seg[:2] == (name, doc_id):
                del hyp[drop_system_seg[2]]
            sides.append(Side("hyp", {"lang": "en", "system": name}, hyp))
        documents.append(WmtDoc(doc_id, sides))
    suite = WmtDoc("suite.1", [Side("src", {"lang": "ru"}, {1: "Тест."})])
    suite.attributes["testsuite"] = "grammar"
    return wmt_xml([*documents, suite])


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def test_set(tmp_path: Path) -> Path:
    return write(tmp_path / "newstest2021.ru-en.all.xml", build_test_set())


def sacrebleu_extract(path: Path, out: Path) -> dict[str, Path]:
    """sacrebleu's own WMT21+ reader, and its cleaning, write the plain files."""
    from sacrebleu.dataset.wmt_xml import WMTXMLDataset

    fields = WMTXMLDataset._unwrap_wmt21_or_later(str(path))
    files = {}
    for name, lines in fields.items():
        files[name] = out / f"{name.replace(':', '-')}.txt"
        cleaned = [WMTXMLDataset._clean(line) for line in lines]
        files[name].write_text("\n".join(cleaned) + "\n", encoding="utf-8")
    return files


def test_scores_equal_sacrebleu_on_the_extracted_files(test_set: Path, tmp_path: Path) -> None:
    plain = sacrebleu_extract(test_set, tmp_path)
    names = list(SYSTEMS)
    refs = [str(plain["ref:A"]), str(plain["ref:B"])]
    hyps = [str(plain[name]) for name in names]
    assert len(plain["ref:B"].read_text().splitlines()) == len(REF_A)  # the extra one left out
    report = score_json(str(test_set), "-m", "bleu,chrf,chrf++,ter")
    assert report["test_set"] == str(test_set)
    assert report["references"] == ["A", "B"]
    assert report["segments"] == len(REF_A)
    ours = {system["name"]: system for system in report["systems"]}
    assert set(ours) == set(names) and ours["Online-B"]["baseline"]  # the first in the file
    assert [s["rank"] for s in report["systems"]] == [1, 2, 3]
    assert any("1 source segment(s) without any reference left out" in n for n in report["notes"])
    assert any("reference B: 1 empty line(s)" in n for n in report["notes"])
    for metric_args, keys in (
        (["-m", "bleu", "chrf", "ter"], ("bleu", "chrf", "ter")),
        (["-m", "chrf", "--chrf-word-order", "2"], ("chrf++",)),
    ):
        text = sacrebleu_cli(
            *refs, "-i", *hyps, *metric_args, "-w", "4", "-f", "text", "--paired-bs"
        )
        cells = re.findall(r"([\d.]+) \(([\d.]+) ± ([\d.]+)\)", text)
        values = [ours[name]["scores"][key] for name in names for key in keys]
        assert len(cells) == len(values)
        for (score, mean, half), value in zip(cells, values, strict=True):
            assert round(value["score"], 4) == float(score)
            assert round(value["mean"], 4) == float(mean)
            assert round((value["ci_high"] - value["ci_low"]) / 2, 4) == float(half)
        p_values = [float(p) for p in re.findall(r"p = ([\d.]+)", text)]
        ours_p = [
            round(ours[name]["scores"][key]["p_value"], 4) for name in names[1:] for key in keys
        ]
        assert ours_p == p_values
        signatures = re.findall(r"^ - \S+\s+(nrefs\S+)$", text, flags=re.MULTILINE)
        ours_signatures = {m["name"]: m["signature"] for m in report["metrics"]}
        assert [ours_signatures[key] for key in keys] == signatures
        assert all(sig.startswith("nrefs:2|") for sig in signatures)


def test_same_report_as_the_plain_files(test_set: Path, tmp_path: Path) -> None:
    """Every metric (ROUGE included) and segment score equals scoring the extracted files."""
    plain = sacrebleu_extract(test_set, tmp_path)
    metrics = ["-m", "bleu,chrf,ter,rouge1,rougeL", "--samples", "200"]
    from_xml = score_json(str(test_set), *metrics)
    from_files = score_json(
        *[arg for name in SYSTEMS for arg in ("--hyp", str(plain[name]))],
        *("--ref", str(plain["ref:A"]), "--ref", str(plain["ref:B"]), *metrics),
    )
    for xml_system, file_system in zip(from_xml["systems"], from_files["systems"], strict=True):
        assert file_system["name"] == f"{xml_system['name']}.txt"
        assert xml_system["scores"] == file_system["scores"]
        assert xml_system["segments"] == file_system["segments"]
    assert [m["signature"] for m in from_xml["metrics"]] == [
        m["signature"] for m in from_files["metrics"]
    ]


def test_own_output_and_baseline(test_set: Path, tmp_path: Path) -> None:
    mine = drop_words(REF_A, 0.05, 21)
    kept = write(tmp_path / "mine.txt", "\n".join(mine) + "\n")
    # One line per source segment works too: the segment without a reference is dropped.
    every = list(mine)
    every.insert(DOCUMENTS[1][2], "A line for the untranslated segment.")
    full = write(tmp_path / "mine-all.txt", "\n".join(every) + "\n")
    args = [str(test_set), "-m", "bleu", "--samples", "100", "--baseline", "UEdin"]
    first = score_json(*args, "--hyp", str(kept))
    second = score_json(*args, "--hyp", str(full))
    systems = {s["name"]: s for s in first["systems"]}
    assert set(systems) == {*SYSTEMS, "mine.txt"} and systems["UEdin"]["baseline"]
    assert first["systems"][0]["name"] == "mine.txt"  # the least damaged output ranks first
    assert (
        systems["mine.txt"]["scores"]
        == {s["name"]: s for s in second["systems"]}["mine-all.txt"]["scores"]
    )
    short = write(tmp_path / "short.txt", "\n".join(mine[:-1]) + "\n")
    result = run_cli("score", str(test_set), "--hyp", str(short))
    assert_one_line_error(
        result, "short.txt", f"has {len(REF_A) - 1} segments", f"has {len(REF_A)} with references"
    )


def test_system_missing_a_document(tmp_path: Path) -> None:
    path = write(tmp_path / "set.xml", build_test_set(drop_system_doc=("UEdin", "interfax.2")))
    result = run_cli("score", str(path))
    assert_one_line_error(result, "set.xml", "system 'UEdin'", "lacks document(s) interfax.2")


def test_system_missing_a_segment(tmp_path: Path) -> None:
    path = write(
        tmp_path / "set.xml", build_test_set(drop_system_seg=("Online-B", "interfax.3", 2))
    )
    result = run_cli("score", str(path))
    assert_one_line_error(result, "system 'Online-B'", "lacks segment(s) interfax.3:2")


def test_test_set_without_systems(tmp_path: Path) -> None:
    path = write(tmp_path / "refs-only.xml", build_test_set(systems={}))
    result = run_cli("score", str(path))
    assert_one_line_error(result, "refs-only.xml", "no <hyp> systems", "--hyp")
    # With your own output it scores.
    mine = write(tmp_path / "mine.txt", "\n".join(REF_B) + "\n")
    report = score_json(str(path), "--hyp", str(mine), "-m", "chrf", "--no-confidence")
    assert [s["name"] for s in report["systems"]] == ["mine.txt"]


def test_other_bad_test_sets(test_set: Path, tmp_path: Path) -> None:
    no_refs = write(
        tmp_path / "no-refs.xml",
        '<dataset id="x"><doc id="d" origlang="ru"><src lang="ru"><p><seg id="1">Да.</seg>'
        '</p></src><hyp lang="en" system="S"><p><seg id="1">Yes.</seg></p></hyp></doc></dataset>',
    )
    assert_one_line_error(run_cli("score", str(no_refs)), "no-refs.xml", "no <ref>")
    assert_one_line_error(
        run_cli("score", str(test_set), "--ref", str(test_set)), "drop --ref and --src"
    )
    broken = write(tmp_path / "broken.xml", "<dataset><doc>")
    assert_one_line_error(run_cli("score", str(broken)), "broken.xml", "well-formed")
    text = write(tmp_path / "ref.txt", "A line.\n")
    assert_one_line_error(run_cli("score", str(text)), "ref.txt", ".xml")
