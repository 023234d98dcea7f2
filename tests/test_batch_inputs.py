"""Batch input readers: every bad document is reported with where it is, the rest goes on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from summarize.batch.run import prepare_document
from summarize.errors import UserError
from summarize.input.documents import read_batch_input, safe_name
from summarize.pipeline.options import RunOptions, check_options

GOOD = "The council approved the budget on Monday. Spending on schools rises by ten percent."


def write_jsonl(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_jsonl_reports_each_bad_line_with_its_number(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "docs.jsonl",
        [
            json.dumps({"id": "a", "text": GOOD}).encode(),
            b"{not json",
            json.dumps({"text": GOOD}).encode(),
            b"",  # blank lines are ignored, but still counted
            json.dumps({"id": "a", "text": "Another text with the same id here."}).encode(),
            json.dumps({"id": "e", "text": "  \n "}).encode(),
            b'{"id": "l1", "text": "caf\xe9 au lait"}',
            json.dumps(["id", "text"]).encode(),
            json.dumps({"id": 7, "text": GOOD, "reference_summary": "Budget approved."}).encode(),
            json.dumps({"id": "n", "text": GOOD, "source": 3}).encode(),
            json.dumps({"id": True, "text": GOOD}).encode(),
        ],
    )
    batch = read_batch_input(path)
    assert batch.format == "jsonl"
    assert [d.id for d in batch.documents] == ["a", "7"]
    assert batch.documents[1].reference_summary == "Budget approved."
    assert batch.documents[0].origin == f"{path}:1"
    problems = {error.origin.rsplit(":", 1)[1]: error for error in batch.errors}
    assert set(problems) == {"2", "3", "5", "6", "7", "8", "10", "11"}
    assert "not valid JSON" in problems["2"].message
    assert 'missing field "id"' in problems["3"].message
    assert "duplicate id 'a'" in problems["5"].message and problems["5"].id == "a"
    assert "empty" in problems["6"].message
    assert "not valid UTF-8" in problems["7"].message
    assert "JSON object" in problems["8"].message
    assert '"source" must be a string' in problems["10"].message
    assert '"id" must be' in problems["11"].message
    # errors come in line order
    assert [e.origin for e in batch.errors] == sorted(
        (e.origin for e in batch.errors), key=lambda o: int(o.rsplit(":", 1)[1])
    )


def test_directory_of_txt_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "sub" / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Le café est fermé.".encode("latin-1"))
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    batch = read_batch_input(tmp_path)
    assert [d.id for d in batch.documents] == ["b", "sub/a"]
    messages = {error.id: error.message for error in batch.errors}
    assert messages["empty"].startswith("is empty")
    assert messages["latin1"].startswith("is not valid UTF-8")


WMT21 = """<?xml version="1.0" encoding="utf-8"?>
<dataset id="newstest2021">
  <collection id="general">
    <doc id="doc-en-1" origlang="en">
      <src lang="en"><p><seg id="1">Welsh AMs worried about 'looking like muppets'</seg>
      <seg id="2">There is consternation among some AMs &amp; others.</seg></p></src>
      <ref lang="ru" translator="A"><p><seg id="1">Валлийские депутаты обеспокоены.</seg>
      <seg id="2">Среди депутатов есть беспокойство.</seg></p></ref>
    </doc>
    <doc id="doc-ru-1" origlang="ru">
      <src lang="ru"><p><seg id="1">Москва, 6 января.</seg></p></src>
      <ref lang="en" translator="A"><p><seg id="1">Moscow, January 6.</seg></p></ref>
    </doc>
    <doc id="doc-de" origlang="de">
      <src lang="de"><p><seg id="1">Nur Deutsch.</seg></p></src>
    </doc>
    <doc origlang="en"><src lang="en"><p><seg id="1">No id here.</seg></p></src></doc>
  </collection>
</dataset>
"""

WMT19_SGM = """<srcset setid="newstest2019" srclang="any">
<doc sysid="ref" docid="bbc.1" genre="news" origlang="en">
<p>
<seg id="1">Welsh AMs worried about 'looking like muppets'</seg>
<seg id="2">It has arisen because of plans to change the name.</seg>
</p>
</doc>
<doc sysid="ref" docid="bbc.1" genre="news" origlang="en"><seg id="1">Again.</seg></doc>
</srcset>
"""


def test_wmt_xml_documents_use_the_english_side(tmp_path: Path) -> None:
    path = tmp_path / "newstest2021.en-ru.xml"
    path.write_text(WMT21, encoding="utf-8")
    batch = read_batch_input(path)
    assert batch.format == "wmt-xml"
    first, second = batch.documents
    assert first.id == "doc-en-1"
    assert first.text.splitlines() == [
        "Welsh AMs worried about 'looking like muppets'",
        "There is consternation among some AMs & others.",
    ]
    # An English original round-trips: its Russian reference is not a source to translate.
    assert first.source is None and first.source_lang is None
    # A Russian original with an English reference goes through reference mode.
    assert second.id == "doc-ru-1" and second.text == "Moscow, January 6."
    assert (second.source_lang, second.source) == ("ru", "Москва, 6 января.")
    messages = [error.message for error in batch.errors]
    assert any("no English text" in m and "de" in m for m in messages)
    assert any("no id" in m for m in messages)


def test_wmt_segments_empty_on_one_side_are_dropped_from_both(tmp_path: Path) -> None:
    path = tmp_path / "set.xml"
    path.write_text(
        '<dataset><collection><doc id="d"><src lang="ru"><p><seg id="1">Один.</seg>'
        '<seg id="2">Два.</seg><seg id="3">Три.</seg></p></src><ref lang="en"><p>'
        '<seg id="1">One.</seg><seg id="2"> </seg><seg id="3">Three.</seg></p></ref>'
        "</doc></collection></dataset>",
        encoding="utf-8",
    )
    (document,) = read_batch_input(path).documents
    assert document.text.splitlines() == ["One.", "Three."]
    assert document.source.splitlines() == ["Один.", "Три."]


def test_wmt19_sgml_language_from_file_name(tmp_path: Path) -> None:
    path = tmp_path / "newstest2019-enru-src.en.sgm"
    path.write_text(WMT19_SGM, encoding="utf-8")
    batch = read_batch_input(path)
    assert [d.id for d in batch.documents] == ["bbc.1"]
    assert len(batch.documents[0].text.splitlines()) == 2
    assert "duplicate id 'bbc.1'" in batch.errors[0].message


def test_whole_input_problems_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        read_batch_input(tmp_path / "missing.jsonl")
    (tmp_path / "a.docx").write_bytes(b"PK")
    with pytest.raises(UserError, match="unknown batch input"):
        read_batch_input(tmp_path / "a.docx")
    (tmp_path / "broken.xml").write_text("<dataset><doc>", encoding="utf-8")
    with pytest.raises(UserError, match="well-formed"):
        read_batch_input(tmp_path / "broken.xml")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError, match=r"no \.txt files"):
        read_batch_input(empty)


def test_xml_entity_bombs_are_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        + "".join(
            f'<!ENTITY {n} "{("&" + p + ";") * 10}">'
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + ']><dataset><doc id="x"><src lang="en"><seg>&i;</seg></src></doc></dataset>'
    )
    (tmp_path / "bomb.xml").write_text(bomb, encoding="utf-8")
    with pytest.raises(UserError):
        read_batch_input(tmp_path / "bomb.xml")


@pytest.mark.parametrize(
    "doc_id", ["../../x", "/etc/passwd", "a/b", "..", "<script>", "C:\\win", "a b", "é"]
)
def test_safe_name_has_no_path_or_markup(doc_id: str) -> None:
    name = safe_name(doc_id)
    assert all(c.isascii() and (c.isalnum() or c in "_-") for c in name), name
    assert not name.startswith(("-", "."))
    assert safe_name(doc_id) == name  # stable


def test_safe_name_keeps_distinct_ids_distinct() -> None:
    assert safe_name("a/b") != safe_name("a_b")
    assert safe_name("x" * 500).count("x") <= 60


def test_wmt19_development_files_as_xml(shared_data: Path, tmp_path: Path) -> None:
    wmt = shared_data / "wmt19"
    script = Path(__file__).resolve().parent.parent / "bench" / "wmt_lines_to_xml.py"
    source, reference = wmt / "newstest2019-ru-en.src.ru", wmt / "newstest2019-ru-en.ref.en"
    converted = subprocess.run(
        [sys.executable, str(script), str(source), "ru", str(reference), "en", "--lines", "40"],
        capture_output=True,
        text=True,
        check=True,
    )
    path = tmp_path / "newstest2019-ru-en.xml"
    path.write_text(converted.stdout, encoding="utf-8")
    batch = read_batch_input(path)
    assert not batch.errors
    assert len(batch.documents) == 10
    english = (wmt / "newstest2019-ru-en.ref.en").read_text(encoding="utf-8").splitlines()
    first = batch.documents[0]
    assert first.text.splitlines() == [" ".join(line.split()) for line in english[:4]]
    assert first.source_lang == "ru"
    # Reference mode: the Russian source against the English reference, line by line.
    options = RunOptions(summarizers=[])
    prepared = prepare_document(first, options, *check_options(options))
    assert prepared.reference is not None and prepared.pivots == []
    assert prepared.reference.language.code == "ru"
    russian = source.read_text(encoding="utf-8").splitlines()[:4]
    assert [s.text for s in prepared.reference.sources] == [" ".join(r.split()) for r in russian]
    assert [s.text for s in prepared.reference.references] == first.text.splitlines()


def test_cnndm_articles_read_cleanly(shared_data: Path) -> None:
    batch = read_batch_input(shared_data / "cnndm" / "test-articles.jsonl")
    assert len(batch.documents) == 100 and not batch.errors
