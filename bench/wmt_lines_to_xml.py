"""Make a WMT21-style XML test set from line-aligned plain-text files (such as the WMT19 files in
../shared/data/wmt19, which carry no document ids).

The plain files have no document boundaries, so every ``--lines-per-document`` lines become one
pseudo-document ``<prefix>-<n>``. The reference is translator ``A``; ``--extra-reference`` adds
translators ``B``, ``C``...; ``--system NAME=FILE`` adds a system's output (``<hyp>``).

    python bench/wmt_lines_to_xml.py ../shared/data/wmt19/newstest2019-en-ru.src.en en \\
        ../shared/data/wmt19/newstest2019-en-ru.ref.ru ru --lines 12 --lines-per-document 4 \\
        > /tmp/newstest2019-en-ru.xml
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("source_lang")
    parser.add_argument("reference", type=Path)
    parser.add_argument("reference_lang")
    parser.add_argument("--lines", type=int, default=None, help="use the first N lines")
    parser.add_argument("--lines-per-document", type=int, default=4)
    parser.add_argument("--prefix", default="doc")
    parser.add_argument("--extra-reference", type=Path, action="append", default=[])
    parser.add_argument("--system", action="append", default=[], metavar="NAME=FILE")
    args = parser.parse_args()

    def read(path: Path) -> list[str]:
        return path.read_text(encoding="utf-8").splitlines()[: args.lines]

    sources = read(args.source)
    sides = [("src", f"lang={quoteattr(args.source_lang)}", sources)]
    for letter, path in zip("ABCDEFGH", [args.reference, *args.extra_reference], strict=False):
        attributes = f"lang={quoteattr(args.reference_lang)} translator={quoteattr(letter)}"
        sides.append(("ref", attributes, read(path)))
    for system in args.system:
        name, _, path = system.partition("=")
        attributes = f"lang={quoteattr(args.reference_lang)} system={quoteattr(name)}"
        sides.append(("hyp", attributes, read(Path(path))))
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<dataset id="converted">']
    out.append('<collection id="general">')
    step = args.lines_per_document
    for number, start in enumerate(range(0, len(sources), step), start=1):
        doc_id = quoteattr(f"{args.prefix}-{number}")
        out.append(f"<doc id={doc_id} origlang={quoteattr(args.source_lang)}>")
        for tag, attributes, lines in sides:
            segments = "".join(
                f'<seg id="{i + 1}">{escape(line)}</seg>'
                for i, line in enumerate(lines[start : start + step])
            )
            out.append(f"<{tag} {attributes}><p>{segments}</p></{tag}>")
        out.append("</doc>")
    out += ["</collection>", "</dataset>"]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
