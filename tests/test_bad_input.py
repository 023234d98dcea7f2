"""Bad input: one clear line on stderr, a non-zero exit code, never a traceback, no model loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import assert_one_line_error, run_cli

RUSSIAN_TEXT = (
    "Ситуация в Казахстане обострилась 2 января, когда в Жанаозене начались митинги против "
    "резкого повышения цен на сжиженный газ. Затем они переросли в массовые протесты.\n"
)


def test_missing_file(tmp_path: Path) -> None:
    result = run_cli("run", str(tmp_path / "nope.txt"))
    assert_one_line_error(result, "nope.txt", "no such file")


def test_directory(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("run", str(tmp_path)), "is a directory")


@pytest.mark.parametrize("content", [b"", b"  \n\t\n   \n"], ids=["empty", "whitespace"])
def test_empty_or_whitespace_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert_one_line_error(run_cli("run", str(path)), "is empty")


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert_one_line_error(run_cli("run", str(path)), "binary")


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le café est fermé depuis janvier à cause des grèves.".encode("latin-1"))
    assert_one_line_error(run_cli("run", str(path)), "not valid UTF-8", "offset")


def test_not_english_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "article.ru.txt"
    path.write_text(RUSSIAN_TEXT, encoding="utf-8")
    assert_one_line_error(run_cli("run", str(path)), "Russian (ru)", "--no-language-check")


def test_unknown_pivot_language(seed_path: Path) -> None:
    assert_one_line_error(run_cli("run", str(seed_path), "--pivot", "xx"), "unknown language code")


def test_pivot_equal_to_source(seed_path: Path) -> None:
    assert_one_line_error(run_cli("run", str(seed_path), "--pivot", "en"), "must differ")


def test_unknown_report_format(seed_path: Path, tmp_path: Path) -> None:
    result = run_cli("run", str(seed_path), "--out", str(tmp_path / "report.docx"))
    assert_one_line_error(result, "unknown report format")


def test_unknown_model(seed_path: Path, tmp_path: Path) -> None:
    result = run_cli("run", str(seed_path), "--translator", "no-such-model", cache=tmp_path)
    assert_one_line_error(result, "unknown model 'no-such-model'")
