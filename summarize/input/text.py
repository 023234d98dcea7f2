"""Read and validate the article the user supplies.

Every problem with an input file becomes a :class:`~summarize.errors.UserError` with one line
that names the file, before any model is loaded.

Input is bounded: only regular files are read (a FIFO would wait forever and ``/dev/zero``
never ends), and an article over ``--max-input-mb`` (:data:`DEFAULT_MAX_INPUT_MB`) is refused
before it starts hours of generation.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from summarize.errors import UserError, os_reason
from summarize.input.languages import get_language, identify_language

# Shorter texts are too short for language identification to be reliable.
_MIN_CHARS_FOR_LANGUAGE_ID = 40
MB = 1024 * 1024
# The largest article (a `run` input, one batch document) by default: some 8,000 sentences,
# hours of generation on a CPU. News articles are rarely over 100 KB.
DEFAULT_MAX_INPUT_MB = 1.0
# `summarize score` reads outputs for a whole test set per file, not one article.
DEFAULT_SCORE_MAX_INPUT_MB = 100.0
LIMIT_FLAG = "⟨max_input_mb⟩"


def max_bytes(max_input_mb: float) -> int:
    """``--max-input-mb`` in bytes (1 MB = 2**20 bytes)."""
    if not max_input_mb > 0:
        raise UserError(f"{LIMIT_FLAG} must be more than 0")
    return max(1, round(max_input_mb * MB))


def too_large(label: str | Path, size: int, limit: int) -> UserError:
    shown = f"{size / MB:.1f} MB" if size >= MB / 10 else f"{size / 1024:.1f} KB"
    return UserError(
        f"{label}: is {shown}, over the {limit / MB:.3g} MB input limit ({LIMIT_FLAG} raises it)"
    )


def read_input_bytes(path: Path, limit: int | None) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them (None: no limit).

    The file is opened without blocking and checked on its descriptor, so a FIFO, a device or a
    socket is refused without ever waiting on it, and a file that grows is read only so far.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, expected a text file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({os_reason(exc)})") from exc
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise UserError(f"{path}: is a directory, expected a text file")
        if not stat.S_ISREG(info.st_mode):
            raise UserError(f"{path}: is not a regular file (a device, pipe or socket)")
        if limit is not None and info.st_size > limit:
            raise too_large(path, info.st_size, limit)
        with open(descriptor, "rb", closefd=False) as handle:
            data = handle.read(-1 if limit is None else limit + 1)
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({os_reason(exc)})") from exc
    finally:
        os.close(descriptor)
    if limit is not None and len(data) > limit:
        raise too_large(path, len(data), limit)
    return data


def read_text_file(path: Path, limit: int = round(DEFAULT_MAX_INPUT_MB * MB)) -> str:
    """Return the text of ``path`` decoded as UTF-8 (a BOM is dropped), refusing anything but
    a regular file of at most ``limit`` bytes."""
    return decode_text(read_input_bytes(path, limit), path)


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


def check_no_nul(text: str, what: str) -> str:
    """Refuse a NUL character that arrived escaped (JSON ``\\u0000``), past the byte check of
    :func:`decode_text`: it would reach every file the tool writes."""
    if "\x00" in text:
        raise UserError(f"{what} contains a NUL character")
    return text


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
