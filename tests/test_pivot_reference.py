"""The first leg against people: ``--pivot-ref`` (``run``) and a JSONL ``pivot_reference``
(``batch``) score a round trip's pivot against a human translation into the pivot language with
BLEU, chrF++ and TER (the pivot language's tokeniser), beside the round trip's scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sacrebleu
from typer.testing import CliRunner

from summarize.cli.main import app
from summarize.errors import UserError
from summarize.input.documents import attach_pivot_references, read_batch_input
from summarize.pipeline.options import RunOptions
from summarize.pipeline.prepare import prepare
from tests.conftest import SHARED_DATA, assert_one_line_error, run_cli

ENGLISH = [
    "The president met the prime minister in Moscow on Tuesday.",
    # Two sentences on one line: one segment.
    "Prices rose by five percent. Officials said the rise would slow.",
    "The talks lasted three hours and ended without a deal.",
]
RUSSIAN = [
    "Президент встретился с премьер-министром в Москве во вторник.",
    "Цены выросли на пять процентов. Чиновники заявили, что рост замедлится.",
    "Переговоры длились три часа и закончились без соглашения.",
]
PIVOT_KEYS = ("pivot_bleu", "pivot_chrf++", "pivot_ter")


def _lines() -> tuple[list[str], list[str]]:
    """The first lines of WMT19 en-ru (source and its human Russian) where the data is here."""
    wmt = SHARED_DATA / "wmt19"
    if wmt.is_dir():
        english = (wmt / "newstest2019-en-ru.src.en").read_text(encoding="utf-8").splitlines()
        russian = (wmt / "newstest2019-en-ru.ref.ru").read_text(encoding="utf-8").splitlines()
        return english[:4], russian[:4]
    return ENGLISH, RUSSIAN


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _options(**fields) -> RunOptions:
    return RunOptions(translator="opus-mt", summarizers=[], **fields)


def test_each_input_line_is_one_segment_aligned_with_the_pivot_reference(tmp_path: Path) -> None:
    article, reference = _write(tmp_path / "a.en", ENGLISH), _write(tmp_path / "a.ru", RUSSIAN)
    prepared = prepare(article, _options(pivot_references={"": str(reference)}))
    assert [segment.text for segment in prepared.segments] == ENGLISH
    assert prepared.pivot_references == {"ru": RUSSIAN}
    # Without a pivot reference the second line is split into its sentences.
    assert len(prepare(article, _options()).segments) == len(ENGLISH) + 1


def test_a_pivot_reference_names_its_pivot_when_there_are_several(tmp_path: Path) -> None:
    article, reference = _write(tmp_path / "a.en", ENGLISH), _write(tmp_path / "a.ru", RUSSIAN)
    several = {"pivots": ["ru", "de"]}
    prepared = prepare(article, _options(pivot_references={"ru": str(reference)}, **several))
    assert set(prepared.pivot_references) == {"ru"}
    with pytest.raises(UserError, match=r"needs a single pivot.*in pivot_references \(ru=\.\.\.\)"):
        prepare(article, _options(pivot_references={"": str(reference)}, **several))
    with pytest.raises(UserError, match="'fr', which is not a pivot of this run"):
        prepare(article, _options(pivot_references={"fr": str(reference)}))


def test_a_wrong_line_count_is_a_one_line_error(tmp_path: Path) -> None:
    article = _write(tmp_path / "a.en", ENGLISH)
    reference = _write(tmp_path / "a.ru", RUSSIAN[:2])
    result = run_cli("run", str(article), "--pivot-ref", str(reference))
    assert_one_line_error(result, "has 3 non-empty lines but its pivot reference (ru) has 2")
    assert result.returncode == 2


def test_jsonl_pivot_reference_is_a_string_or_an_object_by_pivot(tmp_path: Path) -> None:
    records = [
        {"id": "one", "text": "\n".join(ENGLISH), "pivot_reference": "\n".join(RUSSIAN)},
        {"id": "two", "text": "\n".join(ENGLISH), "pivot_reference": {"ru": "\n".join(RUSSIAN)}},
        {"id": "bad", "text": "\n".join(ENGLISH), "pivot_reference": ["no"]},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    found = read_batch_input(path)
    by_id = {document.id: document.pivot_references for document in found.documents}
    assert by_id == {"one": ((None, "\n".join(RUSSIAN)),), "two": (("ru", "\n".join(RUSSIAN)),)}
    assert [error.id for error in found.errors] == ["bad"]
    assert "pivot_reference" in found.errors[0].message


def _expected(pivots: list[str], references: list[str]) -> dict[str, float]:
    return {
        "pivot_bleu": sacrebleu.corpus_bleu(pivots, [references]).score,
        "pivot_chrf++": sacrebleu.corpus_chrf(pivots, [references], word_order=2).score,
        "pivot_ter": sacrebleu.corpus_ter(pivots, [references]).score,
    }


def test_cli_run_scores_the_pivot_against_its_reference(tmp_path: Path, marian) -> None:
    english, russian = _lines()
    article, reference = _write(tmp_path / "a.en", english), _write(tmp_path / "a.ru", russian)
    report = tmp_path / "report.md"
    args = ["run", str(article), "--pivot-ref", f"ru={reference}", "--summarizer", "none"]
    args += ["--translator", str(marian["en-ru"]), "--back-translator", str(marian["ru-en"])]
    args += ["--device", "cpu", "--no-cache", "--backend", "transformers"]
    result = run_cli(*args, "--json", "--out", str(report))
    assert result.returncode == 0, result.stderr
    system = json.loads(result.stdout)["translations"][0]
    segments = system["segments"]
    assert [s["source"] for s in segments] == english
    assert [s["pivot_reference"] for s in segments] == russian
    expected = _expected([s["pivot"] for s in segments], russian)
    for key in PIVOT_KEYS:
        assert system["scores"][key]["value"] == pytest.approx(expected[key])
    assert "tok:13a" in system["scores"]["pivot_bleu"]["signature"]
    assert {"bleu", "chrf++", "ter"} <= set(system["scores"])  # the round trip's, beside
    markdown = report.read_text(encoding="utf-8")
    assert "pivot BLEU ↑" in markdown and "pivot TER ↓" in markdown
    terminal = run_cli(*args, "--details")  # the whole view: its legend names every column
    assert terminal.returncode == 0, terminal.stderr
    assert "pivot BLEU" in terminal.stdout
    assert f"{expected['pivot_chrf++']:.1f}" in terminal.stdout


def test_cli_batch_scores_a_jsonl_field_or_a_folder_of_pivot_references(
    tmp_path: Path, marian
) -> None:
    english, russian = _lines()
    records = [
        {"id": "field", "text": "\n".join(english), "pivot_reference": "\n".join(russian)},
        {"id": "folder", "text": "\n".join(english)},
        {"id": "without", "text": "\n".join(english)},
    ]
    path, out, folder = tmp_path / "in.jsonl", tmp_path / "out", tmp_path / "ru"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    folder.mkdir()
    _write(folder / "folder.txt", russian)
    args = ["batch", str(path), "--out", str(out), "--summarizer", "none", "--scorer", "none"]
    args += ["--translator", str(marian["en-ru"]), "--back-translator", str(marian["ru-en"])]
    args += ["--pivot-ref", f"ru={folder}"]
    cli = CliRunner().invoke(app, [*args, "--device", "cpu", "--no-cache"])
    assert cli.exit_code == 0, cli.output
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    scores = {line["input"]["document_id"]: line["translations"][0] for line in lines}
    for document in ("field", "folder"):
        segments = scores[document]["segments"]
        expected = _expected([s["pivot"] for s in segments], russian)
        for key in PIVOT_KEYS:
            assert scores[document]["scores"][key]["value"] == pytest.approx(expected[key])
    assert not set(PIVOT_KEYS) & set(scores["without"]["scores"])
    assert "pivot BLEU" in (out / "report.md").read_text(encoding="utf-8")


def test_a_pivot_reference_folder_for_a_batch(tmp_path: Path) -> None:
    records = [
        {"id": "one", "text": "\n".join(ENGLISH)},
        {"id": "two", "text": "\n".join(ENGLISH), "pivot_reference": "\n".join(RUSSIAN)},
        {"id": "../outside", "text": "\n".join(ENGLISH)},
    ]
    path, folder = tmp_path / "in.jsonl", tmp_path / "refs" / "ru"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    folder.mkdir(parents=True)
    for name in ("one", "two", "../outside"):
        _write(folder / f"{name}.txt", RUSSIAN)
    found = attach_pivot_references(read_batch_input(path), {"": str(folder)})
    by_id = {document.id: document.pivot_references for document in found.documents}
    assert by_id["one"] == ((None, "\n".join(RUSSIAN) + "\n"),)
    assert by_id["../outside"] == ()  # a file outside the folder is not read
    assert [(error.id, error.message) for error in found.errors] == [
        ("two", "a pivot reference for the pivot given twice")
    ]
    with pytest.raises(UserError, match="not a folder"):
        attach_pivot_references(read_batch_input(path), {"ru": str(path)})


def test_the_python_api_carries_a_pivot_reference() -> None:
    from summarize.api import _document

    text, russian = "\n".join(ENGLISH), "\n".join(RUSSIAN)
    assert _document({"text": text, "pivot_reference": russian}, 1).pivot_references == (
        (None, russian),
    )
    by_pivot = _document({"text": text, "pivot_reference": {"ru": russian}}, 2)
    assert by_pivot.pivot_references == (("ru", russian),)
    assert _document({"text": text}, 3).pivot_references == ()
