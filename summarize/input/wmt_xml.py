"""WMT test sets (XML of WMT21 and later; SGML of WMT <= 20 for batches), the one reader of them.

One file holds the documents, each with its source, its references (one per translator) and
the systems' outputs::

    <dataset id="newstest2021"><collection id="general">
      <doc id="..." origlang="en">
        <src lang="en"><p><seg id="1">...</seg></p></src>
        <ref lang="de" translator="A"><p><seg id="1">...</seg></p></ref>
        <hyp lang="de" system="Online-B"><p><seg id="1">...</seg></p></hyp>
      </doc>
    </collection></dataset>

For ``summarize score``, :func:`read_test_set` lines them up the way sacrebleu's
``WMTXMLDataset`` extracts its plain files: documents in file order (``testsuite`` documents
skipped), segments in the order of their source ``id``, a segment that no translator translated
is left out, and a translator without a segment that another one translated gives an empty
reference (the report's notes count them). Where sacrebleu would misalign a system that lacks a
document or a segment, this is an error naming them.

For ``summarize batch``, :func:`read_documents` gives one document per ``<doc>``: its English
side (a reference, or an English original), the source that reference translates, the other
translators' references and, when asked, the systems' outputs (see :class:`WmtDocument`).

A file is read only when it is a regular file within the size limit it is given, checked before
a byte is parsed. Files are parsed with the standard library's expat parser, which never fetches
external entities and (expat >= 2.4.1, bundled with Python >= 3.11) refuses entity-expansion
bombs."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from summarize.errors import UserError
from summarize.input.text import DEFAULT_SCORE_MAX_INPUT_MB, max_bytes, read_input_bytes

ENGLISH = "en"
# Errors name at most this many documents or segments.
NAMED = 5


def parse_xml(path: Path, data: bytes) -> ElementTree.Element:
    """The root element of the WMT XML/SGML file ``path`` whose bytes (read within its size
    limit) are ``data``; a malformed file is a one-line error."""
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise UserError(f"{path}: not a well-formed WMT XML/SGML file ({exc})") from exc


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


def read_test_set(path: Path, max_input_mb: float = DEFAULT_SCORE_MAX_INPUT_MB) -> TestSet:
    """Read a WMT21+ XML test set (see the module docstring) of at most ``max_input_mb``;
    one-line errors for a larger file (before parsing), a file without references, or one with
    a system that lacks documents or segments."""
    root = parse_xml(path, read_input_bytes(path, max_bytes(max_input_mb)))
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


# -- the documents of a batch -----------------------------------------------------------------


@dataclass(frozen=True)
class WmtDocument:
    """One ``<doc>`` as a batch reads it (:func:`read_documents`), or why it cannot be read.

    ``text`` is the English side, one line per segment kept; with a ``source`` (the original
    the English reference translates, in ``source_lang``) only the segments non-empty on both
    sides are kept, so the two stay line-aligned, and so are ``other_references`` (the other
    English translators, ``""`` where one lacks a segment) and ``systems`` (each ``<hyp>``
    system's outputs, read with ``systems``)."""

    position: int  # 1-based, in file order
    id: str | None
    error: str | None = None
    text: str = ""
    source: str | None = None
    source_lang: str | None = None
    other_references: tuple[tuple[str, ...], ...] = ()
    systems: tuple[tuple[str, tuple[str, ...]], ...] = ()


def read_documents(path: Path, data: bytes, systems: bool, max_id_chars: int) -> list[WmtDocument]:
    """WMT21+ XML (``dataset/collection/doc/src|ref/p/seg``) or WMT <= 20 SGML (``srcset``), one
    :class:`WmtDocument` per ``<doc>`` in file order; with ``systems``, the outputs of the
    ``<hyp>`` systems into English too (a file without them, or with a system that lacks a
    document or segment that the references translate, is a one-line error). Ids are cut to
    ``max_id_chars``."""
    root = parse_xml(path, data)
    read: list[WmtDocument] = []
    set_lang = _sgml_language(root, path)
    missing = {name: Missing() for name in _english_systems(root, path)} if systems else {}
    for position, doc in enumerate(root.iter("doc"), start=1):
        doc_id = (doc.get("id") or doc.get("docid") or "").strip()[:max_id_chars] or None
        if doc_id is None:
            read.append(WmtDocument(position, None, f"document {position} has no id/docid"))
            continue
        sides = _wmt_sides(doc, set_lang)
        english = sides.get(ENGLISH)
        if english is None:
            found = ", ".join(sorted(sides)) or "none"
            error = f"no English text in this document (languages: {found})"
            read.append(WmtDocument(position, doc_id, error))
            continue
        source_lang, source = _original(english, sides)
        others = _other_references(doc, english) if source else []
        lines, source_lines, other_lines = _paired(
            english.lines, source.lines if source else None, others
        )
        kept = _kept(english.lines, source.lines if source else None)
        outputs = _system_outputs(doc, doc_id, english, kept, missing) if kept else ()
        read.append(
            WmtDocument(
                position,
                doc_id,
                text=_joined(lines),
                source=_joined(source_lines) if source_lines is not None else None,
                source_lang=source_lang,
                other_references=other_lines,
                systems=outputs,
            )
        )
    if not read:
        raise UserError(f"{path}: no <doc> elements found")
    check_systems(path, missing)
    return read


def _english_systems(root: ElementTree.Element, path: Path) -> list[str]:
    """The systems of a WMT XML file that translate into English (the language of a
    ``<hyp>``: its ``lang``, else that of the references); a file without any is an error."""
    names = system_names(root, path)
    if not names:
        raise UserError(
            f"{path}: has no <hyp> systems to score beside the local translators "
            "(drop ⟨wmt_systems=True⟩)"
        )
    ref_lang = next((ref.get("lang") for ref in root.iter("ref") if ref.get("lang")), ENGLISH)
    langs: dict[str, set[str]] = {name: set() for name in names}
    for hyp in root.iter("hyp"):
        langs[(hyp.get("system") or "").strip()].add((hyp.get("lang") or ref_lang).lower())
    english = [name for name in names if langs[name] == {ENGLISH}]
    if not english:
        found = sorted(set().union(*langs.values()))
        raise UserError(
            f"{path}: its <hyp> systems translate into {', '.join(found)}, not English; "
            "⟨wmt_systems=True⟩ needs a test set into English"
        )
    return english


def _system_outputs(
    doc: ElementTree.Element,
    doc_id: str,
    english: _Side,
    kept: list[int],
    missing: dict[str, Missing],
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each system's outputs for the ``kept`` segments of the English reference, matched by
    segment id; what a system lacks is recorded in ``missing``."""
    if not missing or english.element is None:
        return ()
    ids = [seg.get("id") for seg in english.element.iter("seg")]
    wanted = [ids[i] for i in kept]
    hyps: dict[str, dict[str | None, str]] = {}
    for hyp in doc.iter("hyp"):
        name = (hyp.get("system") or "").strip()
        if name in missing:
            hyps.setdefault(name, {}).update(
                (seg.get("id"), segment_text(seg)) for seg in hyp.iter("seg")
            )
    outputs = []
    for name, gaps in missing.items():
        if name not in hyps:
            gaps.documents.append(doc_id)
            continue
        absent = [seg_id for seg_id in wanted if seg_id not in hyps[name]]
        gaps.segments += [f"{doc_id}:{seg_id}" for seg_id in absent]
        outputs.append((name, tuple(hyps[name].get(seg_id, "") for seg_id in wanted)))
    return tuple(outputs)


@dataclass(frozen=True)
class _Side:
    """One language of a WMT document: ``src`` or ``ref``, one line per ``<seg>``."""

    tag: str
    lines: list[str]  # whitespace-normalised; "" for an empty segment (kept for alignment)
    element: ElementTree.Element | None = None


def _sgml_language(root: ElementTree.Element, path: Path) -> str | None:
    """The language of an old-style ``srcset``/``refset`` file: its attribute, else its name."""
    lang = root.get("trglang") if root.tag == "refset" else root.get("srclang")
    if lang and lang != "any":
        return lang
    suffix = Path(path.stem).suffix.lstrip(".")  # newstest2019-enru-src.en.sgm -> en
    return suffix if suffix.isalpha() and len(suffix) in (2, 3) else None


def _wmt_sides(doc: ElementTree.Element, set_lang: str | None) -> dict[str, _Side]:
    """The sides with text, per language: ``src`` first, then references."""
    sides: dict[str, _Side] = {}
    children = [c for c in doc if c.tag in {"src", "ref"}]
    if children:
        for child in sorted(children, key=lambda c: c.tag != "src"):
            lang = (child.get("lang") or "").lower()
            if lang and lang not in sides:
                sides[lang] = _Side(child.tag, _segment_lines(child), child)
    elif set_lang:
        sides[set_lang.lower()] = _Side("src", _segment_lines(doc))
    return {lang: side for lang, side in sides.items() if any(side.lines)}


def _original(english: _Side, sides: dict[str, _Side]) -> tuple[str | None, _Side | None]:
    """The source that the English text translates, when the English side is a reference.

    A document whose English side is the ``src`` is an English original: it round-trips (its
    reference is a translation *from* it, not a source to translate into English).
    """
    if english.tag != "ref":
        return None, None
    for lang, side in sides.items():
        if side.tag == "src" and lang != ENGLISH:
            return lang, side
    return None, None


def _other_references(doc: ElementTree.Element, english: _Side) -> list[list[str]]:
    """The document's other English references (other translators), lined up with the
    ``english`` reference by segment id: ``""`` where a translator lacks a segment."""
    if english.element is None:
        return []
    ids = [seg.get("id") for seg in english.element.iter("seg")]
    others = []
    for ref in doc.iter("ref"):
        if ref is english.element or (ref.get("lang") or "").lower() != ENGLISH:
            continue
        by_id = {seg.get("id"): segment_text(seg) for seg in ref.iter("seg")}
        lines = [by_id.get(seg_id, "") if seg_id is not None else "" for seg_id in ids]
        if any(lines):
            others.append(lines)
    return others


def _paired(
    lines: list[str], source: list[str] | None, others: Sequence[list[str]] = ()
) -> tuple[list[str], list[str] | None, tuple[tuple[str, ...], ...]]:
    """Drop segments that are empty on either side, so the two sides (and the other
    references) stay line-aligned."""
    keep = _kept(lines, source)
    if keep is None:
        return lines, source, ()  # a different count is reported when the document is prepared
    kept_others = tuple(tuple(other[i] for i in keep) for other in others)
    return [lines[i] for i in keep], [source[i] for i in keep], kept_others


def _kept(lines: list[str], source: list[str] | None) -> list[int] | None:
    """The segments non-empty on both sides; None without a source of the same length."""
    if source is None or len(source) != len(lines):
        return None
    return [i for i, (line, other) in enumerate(zip(lines, source, strict=True)) if line and other]


def _segment_lines(element: ElementTree.Element) -> list[str]:
    return [segment_text(seg) for seg in element.iter("seg")]


def _joined(lines: list[str]) -> str:
    return "\n".join(line for line in lines if line)
