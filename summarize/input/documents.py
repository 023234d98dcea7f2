"""Read a batch of articles: a folder of ``.txt`` files, a JSONL file, or a WMT test set (XML/SGML).

Article text and ids are untrusted. A problem with one document (malformed JSON line, missing or
duplicate id, empty text, invalid UTF-8...) becomes a :class:`DocumentError` naming the file and
line, and the rest of the batch goes on; only a problem with the input as a whole (missing path,
unknown format, unparseable XML) is a :class:`~summarize.errors.UserError`.

WMT sets are read by :func:`summarize.input.wmt_xml.read_documents` (the one WMT reader, also
behind ``summarize score TESTSET.xml``). A document whose English side has references by several
translators is scored against all of them (the first is its ``text``, the others its
``other_references``). Read with ``wmt_systems``, each such document also brings the outputs of
the file's systems (``<hyp system="...">``) on its segments, to be scored beside the local
translators; a file without them, or with a system that lacks a document or a segment, is then
an error.

Sizes are bounded: each document's text (and source) by ``max_input_mb``, like a ``run``
article, and a JSONL or WMT file, which holds many documents, by :data:`FILE_LIMIT_FACTOR`
times that. A folder is read without following links out of it.

:attr:`BatchInput.sha256` identifies the input's content (for a folder: every ``.txt`` file's
path and bytes), so that an output folder can tell its own input from another one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path

from summarize.errors import UserError
from summarize.input.text import (
    DEFAULT_MAX_INPUT_MB,
    check_no_nul,
    check_not_empty,
    decode_text,
    max_bytes,
    read_input_bytes,
    too_large,
)
from summarize.input.wmt_xml import read_documents

# Optional string fields of a JSONL record, besides the required "id" and "text".
OPTIONAL_FIELDS = ("source", "source_lang", "reference_summary")
MAX_ID_CHARS = 200
# A JSONL or WMT file holds many documents: it may be this many times the per-document limit.
FILE_LIMIT_FACTOR = 100


@dataclass(frozen=True)
class Document:
    """One English article to process. ``origin`` says where it came from (file, line).

    With a ``source`` (the text the article translates, line-aligned with it, in
    ``source_lang``, detected when None) the document goes through reference mode.
    ``other_references`` are further references of the same translation (other translators of
    a WMT set): one tuple of lines per translator, line-aligned with the lines of ``text``,
    ``""`` where that translator lacks the segment. ``systems`` are the outputs of a WMT set's
    systems for this document (read with ``wmt_systems``): (system name, one line per line of
    ``text``), in file order. ``pivot_references`` are human translations of ``text`` into
    pivot languages, (pivot code, or None for the run's one pivot; the text, one line per line
    of ``text``): a round trip scores its pivot against them.
    """

    id: str | None  # None outside a batch (a single article has no id)
    text: str
    origin: str
    source: str | None = None
    source_lang: str | None = None
    reference_summary: str | None = None
    other_references: tuple[tuple[str, ...], ...] = ()
    systems: tuple[tuple[str, tuple[str, ...]], ...] = ()
    pivot_references: tuple[tuple[str | None, str], ...] = ()


@dataclass(frozen=True)
class DocumentError:
    """A document that was skipped, and why. ``id`` is None when it could not be read."""

    origin: str
    id: str | None
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class BatchInput:
    path: Path
    format: str
    documents: list[Document]
    errors: list[DocumentError]
    sha256: str = ""  # of the content: the file's bytes, or a folder's paths and bytes
    # Read with ``wmt_systems``: the documents carry the outputs of the file's systems.
    wmt_systems: bool = False


def read_batch_input(
    path: Path, max_input_mb: float = DEFAULT_MAX_INPUT_MB, wmt_systems: bool = False
) -> BatchInput:
    """Every readable document of ``path`` in input order, and one error per unreadable one.

    ``wmt_systems``: ``path`` must be a WMT XML test set with systems (``<hyp>``) into English,
    each of which translates every segment of every reference-mode document; the documents
    carry their outputs (:attr:`Document.systems`)."""
    limit = max_bytes(max_input_mb)
    if not path.exists():
        raise UserError(f"{path}: no such file or folder")
    if wmt_systems and (path.is_dir() or path.suffix.lower() != ".xml"):
        raise UserError(
            f"{path}: ⟨wmt_systems=True⟩ needs a WMT test set in XML (WMT21 and later), whose "
            "<hyp> systems it scores beside the local translators"
        )
    if path.is_dir():
        documents, errors, digest = _read_directory(path, limit)
        fmt = "directory"
    else:
        suffix = path.suffix.lower()
        if suffix in {".jsonl", ".ndjson"}:
            reader, fmt = _read_jsonl, "jsonl"
        elif suffix in {".xml", ".sgm", ".sgml"}:
            reader, fmt = _read_wmt, "wmt-xml"
        else:
            raise UserError(
                f"{path}: unknown batch input; expected a folder of .txt files, "
                "a .jsonl file or a WMT .xml/.sgm test set"
            )
        if wmt_systems and fmt == "wmt-xml":
            reader = partial(_read_wmt, systems=True)
        data = read_input_bytes(path, max_bytes(FILE_LIMIT_FACTOR * max_input_mb))
        documents, errors = reader(path, data, limit)
        digest = hashlib.sha256(data).hexdigest()
    documents, errors = _drop_duplicates(documents, errors)
    errors.sort(key=lambda error: _natural_key(error.origin))
    if wmt_systems and documents and not any(document.systems for document in documents):
        raise UserError(
            f"{path}: no document has a source translated into English, so there is nothing "
            "to score its <hyp> systems on"
        )
    return BatchInput(path, fmt, documents, errors, digest, wmt_systems)


def _check_size(text: str, what: str, limit: int) -> str:
    size = len(text.encode("utf-8"))
    if size > limit:
        raise too_large(what, size, limit)
    return text


def _natural_key(text: str) -> list:
    """Sort ``file:10`` after ``file:9``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _drop_duplicates(
    documents: list[Document], errors: list[DocumentError]
) -> tuple[list[Document], list[DocumentError]]:
    first: dict[str, str] = {}
    kept: list[Document] = []
    for document in documents:
        if document.id in first:
            errors.append(
                DocumentError(
                    document.origin,
                    document.id,
                    f"duplicate id {document.id!r} (first at {first[document.id]}); skipped",
                )
            )
            continue
        first[document.id] = document.origin
        kept.append(document)
    return kept, errors


# -- a folder of .txt files ------------------------------------------------------------------


def _txt_files(folder: Path) -> list[Path]:
    """``.txt`` files under ``folder``; linked folders are not entered (they may lead out)."""
    files = []
    for root, _dirs, names in os.walk(folder, followlinks=False):
        files += [Path(root) / name for name in names if name.endswith(".txt")]
    return sorted(files)


def _inside(file: Path, folder: Path) -> bool:
    return file.resolve().is_relative_to(folder.resolve())


def _read_directory(folder: Path, limit: int) -> tuple[list[Document], list[DocumentError], str]:
    files = [file for file in _txt_files(folder) if not file.is_dir()]
    if not files:
        raise UserError(f"{folder}: no .txt files in this folder")
    documents: list[Document] = []
    errors: list[DocumentError] = []
    digest = hashlib.sha256()
    for file in files:
        doc_id = file.relative_to(folder).with_suffix("").as_posix()
        digest.update(f"{doc_id}\0".encode())
        try:
            if not _inside(file, folder):
                raise UserError("is a link to a file outside the input folder; not followed")
            data = read_input_bytes(file, limit)
            digest.update(hashlib.sha256(data).digest())
            documents.append(Document(doc_id, decode_text(data, file), str(file)))
        except UserError as exc:
            digest.update(str(exc).encode())
            errors.append(DocumentError(str(file), doc_id, _strip_label(str(exc), file)))
    return documents, errors, digest.hexdigest()


def attach_pivot_references(
    batch_input: BatchInput, folders: dict[str, str], max_input_mb: float = DEFAULT_MAX_INPUT_MB
) -> BatchInput:
    """``batch --pivot-ref [LANG=]DIR``: each document whose id names a file ``DIR/<id>.txt``
    gets that file as its pivot reference (``LANG``: the pivot; ``""``: the run's one pivot);
    a document without one is scored without. A document that has one already (JSONL
    ``pivot_reference``) for the same pivot, or whose file cannot be read, fails alone."""
    if not folders:
        return batch_input
    limit = max_bytes(max_input_mb)
    for folder in folders.values():
        if not Path(folder).is_dir():
            raise UserError(
                f"⟨pivot_references⟩ {folder}: not a folder (batch takes a folder of <id>.txt)"
            )
    documents, errors = [], list(batch_input.errors)
    for document in batch_input.documents:
        found = list(document.pivot_references)
        try:
            for code, folder in folders.items():
                path = Path(folder) / f"{document.id}.txt"
                if not path.is_file() or not _inside(path, Path(folder)):
                    continue
                if any((given or "") == code for given, _ in found):
                    raise UserError(f"a pivot reference for {code or 'the pivot'} given twice")
                found.append((code or None, decode_text(read_input_bytes(path, limit), path)))
        except UserError as exc:
            errors.append(DocumentError(document.origin, document.id, str(exc)))
            continue
        documents.append(replace(document, pivot_references=tuple(found)))
    return replace(batch_input, documents=documents, errors=errors)


# -- JSONL -----------------------------------------------------------------------------------


def _read_jsonl(path: Path, data: bytes, limit: int) -> tuple[list[Document], list[DocumentError]]:
    documents: list[Document] = []
    errors: list[DocumentError] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        origin = f"{path}:{number}"
        doc_id = None
        try:
            record = json.loads(decode_text(raw, None))
            if not isinstance(record, dict):
                raise UserError(f"expected a JSON object, got {_kind(record)}")
            doc_id = _record_id(record)
            documents.append(_record_document(record, doc_id, origin, limit))
        except json.JSONDecodeError as exc:
            errors.append(DocumentError(origin, None, f"not valid JSON ({exc.msg})"))
        except UserError as exc:
            errors.append(DocumentError(origin, doc_id, str(exc)))
    if not documents and not errors:
        raise UserError(f"{path}: no documents (every line is blank)")
    return documents, errors


def _kind(value: object) -> str:
    return {list: "an array", str: "a string", type(None): "null"}.get(type(value), "a number")


def _record_id(record: dict) -> str:
    value = record.get("id")
    if value is None:
        raise UserError('missing field "id"')
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise UserError('field "id" must be a string or an integer')
    doc_id = check_no_nul(str(value).strip(), 'field "id"')
    if not doc_id:
        raise UserError('field "id" is empty')
    if len(doc_id) > MAX_ID_CHARS:
        raise UserError(f'field "id" is longer than {MAX_ID_CHARS} characters')
    return doc_id


def _record_document(record: dict, doc_id: str, origin: str, limit: int) -> Document:
    text = record.get("text")
    if text is None:
        raise UserError('missing field "text"')
    if not isinstance(text, str):
        raise UserError('field "text" must be a string')
    check_not_empty(check_no_nul(text, 'field "text"'), None)
    _check_size(text, 'field "text"', limit)
    extra: dict[str, str | None] = {}
    for name in OPTIONAL_FIELDS:
        value = record.get(name)
        if value is not None:
            if not isinstance(value, str):
                raise UserError(f'field "{name}" must be a string')
            _check_size(check_no_nul(value, f'field "{name}"'), f'field "{name}"', limit)
        extra[name] = value
    pivot_references = _pivot_references(record.get("pivot_reference"), limit)
    return Document(doc_id, text, origin, **extra, pivot_references=pivot_references)


def _pivot_references(value: object, limit: int) -> tuple[tuple[str | None, str], ...]:
    """A JSONL record's ``pivot_reference``: a string (the translation into the run's one
    pivot) or an object of them by pivot code (``{"ru": "...", "de": "..."}``)."""
    if value is None:
        return ()
    what = 'field "pivot_reference"'
    found = {None: value} if isinstance(value, str) else value
    if not isinstance(found, dict) or not all(
        isinstance(code, str | None) and isinstance(text, str) for code, text in found.items()
    ):
        raise UserError(f"{what} must be a string or an object of strings by pivot language")
    for text in found.values():
        _check_size(check_no_nul(text, what), what, limit)
    return tuple(found.items())


# -- WMT test sets ---------------------------------------------------------------------------


def _read_wmt(
    path: Path, data: bytes, limit: int, systems: bool = False
) -> tuple[list[Document], list[DocumentError]]:
    """The documents of a WMT XML/SGML file, read by :func:`~summarize.input.wmt_xml.read_documents`
    (with ``systems``, the outputs of its ``<hyp>`` systems into English too), each side bounded
    by ``limit`` bytes."""
    documents: list[Document] = []
    errors: list[DocumentError] = []
    for doc in read_documents(path, data, systems, MAX_ID_CHARS):
        origin = f"{path}:doc {doc.position}"
        if doc.error is not None:
            errors.append(DocumentError(origin, doc.id, doc.error))
            continue
        try:
            for what, value in (("English text", doc.text), ("source", doc.source or "")):
                _check_size(value, f"its {what}", limit)
        except UserError as exc:
            errors.append(DocumentError(origin, doc.id, str(exc)))
            continue
        documents.append(
            Document(
                doc.id,
                doc.text,
                origin,
                doc.source,
                doc.source_lang,
                other_references=doc.other_references,
                systems=doc.systems,
            )
        )
    return documents, errors


def _strip_label(message: str, path: Path) -> str:
    """Error messages from text.py start with the file name; the origin already says it."""
    return re.sub(rf"^{re.escape(str(path))}: ", "", message)


def safe_name(doc_id: str, max_chars: int = 60) -> str:
    """A file- and anchor-safe name for an untrusted document id.

    Only ASCII letters, digits, ``_`` and ``-`` survive (so no ``/``, ``..`` or markup), and a
    hash of the full id keeps names distinct when ids differ only in dropped characters.
    """
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", doc_id).strip("_-")[:max_chars] or "doc"
    return f"{cleaned}-{hashlib.sha256(doc_id.encode()).hexdigest()[:8]}"
