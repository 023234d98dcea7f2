"""Read and validate the article the user supplies.

Every problem with an input file becomes a :class:`~summarize.errors.UserError` with one line
that names the file, before any model is loaded.
"""

from __future__ import annotations

from pathlib import Path

from summarize.errors import UserError
from summarize.languages import get_language, identify_language

# Shorter texts are too short for language identification to be reliable.
_MIN_CHARS_FOR_LANGUAGE_ID = 40


def read_text_file(path: Path) -> str:
    """Return the text of ``path`` decoded as UTF-8 (a BOM is dropped)."""
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a directory, expected a text file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror})") from exc
    return decode_text(data, path)


def decode_text(data: bytes, label: str | Path | None) -> str:
    """Decode article bytes as UTF-8 (a BOM is dropped), refusing binary and empty text.

    ``label`` names where the bytes came from at the start of the message (None: the caller
    says where).
    """
    prefix = f"{label}: " if label else ""
    if b"\x00" in data:
        raise UserError(f"{prefix}looks like a binary file (it contains NUL bytes), expected text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{prefix}is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    return check_not_empty(text, label)


def check_not_empty(text: str, label: str | Path | None) -> str:
    if not text.strip():
        raise UserError(f"{label}: is empty (no text to process)" if label else "text is empty")
    return text


def check_language(text: str, expected: str, path: str | Path) -> None:
    """Refuse text whose identified language differs from ``expected``.

    Round-trip mode compares the back-translation with the input, so a Russian article fed in
    as English would be scored against the wrong language; refusing is safer than a silent
    nonsense score. ``--no-language-check`` skips this for mixed or unusual texts.
    """
    if len(text.strip()) < _MIN_CHARS_FOR_LANGUAGE_ID:
        return
    found = identify_language(text)
    if found != expected:
        found_name = _language_name(found)
        raise UserError(
            f"{path}: looks like {found_name} ({found}), not {get_language(expected).name}; "
            "pass ⟨language_check=False⟩ to process it anyway"
        )


def _language_name(code: str) -> str:
    try:
        return get_language(code).name
    except UserError:
        return f"language {code!r}"
