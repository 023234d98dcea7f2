"""WMT test sets in the XML format of WMT21 and later, read as sacrebleu reads them.

One file holds the documents, each with its source, its references (one per translator) and
the systems' outputs::

    <dataset id="newstest2021"><collection id="general">
      <doc id="..." origlang="en">
        <src lang="en"><p><seg id="1">...</seg></p></src>
        <ref lang="de" translator="A"><p><seg id="1">...</seg></p></ref>
        <hyp lang="de" system="Online-B"><p><seg id="1">...</seg></p></hyp>
      </doc>
    </collection></dataset>

:func:`read_test_set` lines them up the way sacrebleu's ``WMTXMLDataset`` extracts its plain
files: documents in file order (``testsuite`` documents skipped), segments in the order of
their source ``id``, a segment that no translator translated is left out, and a translator
without a segment that another one translated gives an empty reference (the report's notes
count them). Where sacrebleu would
misalign a system that lacks a document or a segment, this is an error naming them.

Files are parsed with the standard library's expat parser, which never fetches external
entities and (expat >= 2.4.1, bundled with Python >= 3.11) refuses entity-expansion bombs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from summarize.errors import UserError

# Errors name at most this many documents or segments.
NAMED = 5


def parse_xml(path: Path, data: bytes | None = None) -> ElementTree.Element:
    """The root element of a WMT XML/SGML file (``data``: its bytes, already read); unreadable
    or malformed files are one-line errors."""
    try:
        return ElementTree.fromstring(path.read_bytes() if data is None else data)
    except ElementTree.ParseError as exc:
        raise UserError(f"{path}: not a well-formed WMT XML/SGML file ({exc})") from exc
    except FileNotFoundError as exc:
        raise UserError(f"{path}: no such file") from exc
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror})") from exc


def segment_text(seg: ElementTree.Element) -> str:
    """A segment's text with whitespace collapsed (sacrebleu's ``_clean``)."""
    return " ".join("".join(seg.itertext()).split())


def translator_name(ref: ElementTree.Element) -> str:
    """A reference's translator (``A``, ``B``...); ``ref`` when the file does not say."""
    return (ref.get("translator") or "").strip() or "ref"


@dataclass
class TestSet:
    """The segments of a WMT test set that have a reference, line-aligned across fields.

    ``references`` maps each translator to its reference stream and ``systems`` each system to
    its outputs, both in order of first appearance in the file. ``kept`` says, for every source
    segment in document order, whether it has a reference (and so a line here).
    """

    path: Path
    documents: int
    doc_ids: list[str]
    seg_ids: list[int]
    sources: list[str]
    references: dict[str, list[str]]
    systems: dict[str, list[str]]
    kept: list[bool]
    source_lang: str | None = None
    target_lang: str | None = None
    notes: list[str] = field(default_factory=list)

    def align_output(self, lines: Sequence[str], path: Path | str) -> list[str]:
        """Your own output for this set: one line per segment with a reference, or one line
        per source segment (those without a reference are then dropped), in document order."""
        if len(lines) == len(self.sources):
            return list(lines)
        if len(lines) == len(self.kept):
            return [line for line, keep in zip(lines, self.kept, strict=True) if keep]
        other = (
            f" ({len(self.kept)} source segments)" if len(self.kept) != len(self.sources) else ""
        )
        raise UserError(
            f"{path}: has {len(lines)} segments but {self.path} has {len(self.sources)} "
            f"with references{other}; give one line per segment, in document order"
        )


def _named(items: Sequence[str]) -> str:
    shown = ", ".join(items[:NAMED])
    return shown + (f" (and {len(items) - NAMED} more)" if len(items) > NAMED else "")


def _segments(element: ElementTree.Element, doc_id: str, path: Path) -> dict[int, str]:
    segments: dict[int, str] = {}
    for seg in element.iter("seg"):
        raw = (seg.get("id") or "").strip()
        if not raw.isdigit():
            raise UserError(
                f"{path}: document {doc_id!r} has a <seg> whose id {raw!r} is not a number"
            )
        segments[int(raw)] = segment_text(seg)
    return segments


@dataclass
class Missing:
    """What one system lacks: documents, and segments (``doc:seg``) of documents it has."""

    documents: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)


def check_systems(path: Path, missing: dict[str, Missing]) -> None:
    """A one-line error naming the first system that lacks documents or segments."""
    lacking = {name: gaps for name, gaps in missing.items() if gaps.documents or gaps.segments}
    if not lacking:
        return
    name, gaps = next(iter(lacking.items()))
    if gaps.documents:
        problem = f"lacks document(s) {_named(gaps.documents)}"
    else:
        problem = f"lacks segment(s) {_named(gaps.segments)}"
    others = len(lacking) - 1
    more = f"; {others} other system(s) are incomplete too" if others else ""
    raise UserError(
        f"{path}: system {name!r} {problem} that the references translate{more}; "
        "every <hyp> must translate every segment"
    )


def system_names(root: ElementTree.Element, path: Path) -> list[str]:
    """The ``system`` of every ``<hyp>``, in order of first appearance; a ``<hyp>`` without
    one is an error."""
    names = list(dict.fromkeys((hyp.get("system") or "").strip() for hyp in root.iter("hyp")))
    if "" in names:
        raise UserError(f"{path}: a <hyp> has no system attribute")
    return names


def read_test_set(path: Path) -> TestSet:
    """Read a WMT21+ XML test set (see the module docstring); one-line errors for a file
    without references, or with a system that lacks documents or segments."""
    root = parse_xml(path)
    documents = [doc for doc in root.iter("doc") if doc.get("testsuite") is None]
    if not documents:
        raise UserError(f"{path}: no <doc> elements found")
    translators = list(dict.fromkeys(translator_name(ref) for ref in root.iter("ref")))
    if not translators:
        raise UserError(f"{path}: has no <ref> translations to score against")
    ref_langs = sorted({ref.get("lang") or "?" for ref in root.iter("ref")})
    if len(ref_langs) > 1:
        raise UserError(
            f"{path}: has references in several languages ({', '.join(ref_langs)}); "
            "score one language pair at a time"
        )
    names = system_names(root, path)
    src_langs = sorted({src.get("lang") or "?" for src in root.iter("src")})

    doc_ids: list[str] = []
    seg_ids: list[int] = []
    sources: list[str] = []
    references: dict[str, list[str]] = {name: [] for name in translators}
    systems: dict[str, list[str]] = {name: [] for name in names}
    missing = {name: Missing() for name in names}
    kept: list[bool] = []
    for position, doc in enumerate(documents, start=1):
        doc_id = (doc.get("id") or "").strip()
        if not doc_id:
            raise UserError(f"{path}: document {position} has no id")
        src = {k: v for s in doc.iter("src") for k, v in _segments(s, doc_id, path).items()}
        refs = {translator_name(r): _segments(r, doc_id, path) for r in doc.iter("ref")}
        hyps = {h.get("system", "").strip(): _segments(h, doc_id, path) for h in doc.iter("hyp")}
        for seg_id in sorted(src):
            keep = any(segments.get(seg_id) for segments in refs.values())
            kept.append(keep)
            if not keep:
                continue
            doc_ids.append(doc_id)
            seg_ids.append(seg_id)
            sources.append(src[seg_id])
            for name, stream in references.items():
                stream.append(refs.get(name, {}).get(seg_id, ""))
            for name, outputs in systems.items():
                if name not in hyps:
                    if doc_id not in missing[name].documents:
                        missing[name].documents.append(doc_id)
                elif seg_id not in hyps[name]:
                    missing[name].segments.append(f"{doc_id}:{seg_id}")
                else:
                    outputs.append(hyps[name][seg_id])
    check_systems(path, missing)
    if not sources:
        raise UserError(f"{path}: no source segment has a reference; nothing to score")
    notes = []
    skipped = len(kept) - len(sources)
    if skipped:
        notes.append(
            f"{path.name}: {skipped} source segment(s) without any reference left out "
            "(as sacrebleu does)"
        )
    return TestSet(
        path=path,
        documents=len(dict.fromkeys(doc_ids)),
        doc_ids=doc_ids,
        seg_ids=seg_ids,
        sources=sources,
        references=references,
        systems=systems,
        kept=kept,
        source_lang=src_langs[0] if len(src_langs) == 1 else None,
        target_lang=ref_langs[0],
        notes=notes,
    )
