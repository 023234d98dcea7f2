"""The Python API: score lists of strings, or run texts, files and batches with models loaded once.

Everything here is what the command line uses: ``summarize score`` calls :func:`score`'s
machinery, ``summarize run`` and ``summarize batch`` go through the same session and chunk code
as :class:`Runner`. Errors are :class:`~summarize.errors.UserError` with messages that name the
Python settings (``allow_pickle=True``), never command-line flags.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarize.errors import UserError
from summarize.input.documents import Document, DocumentError
from summarize.pipeline.options import RunOptions, check_options
from summarize.pipeline.prepare import PreparedInput, prepare, prepare_document
from summarize.pipeline.session import Session

if TYPE_CHECKING:
    from summarize.progress import Progress
    from summarize.result import RunResult
    from summarize.scoring import ScoreReport


def score(
    hypotheses: Sequence[str] | Mapping[str, Sequence[str]],
    references: Sequence[str] | Sequence[Sequence[str]],
    metrics: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    *,
    baseline: str | None = None,
    confidence: bool = True,
    test: str = "bs",
    n_samples: int = 0,
    seed: int | None = 12345,
    segment_scores: bool = True,
    device: str = "auto",
    language_pair: str | None = None,
    tokenize: str | None = None,
    lowercase: bool = False,
    chrf_word_order: int = 0,
    ter_asian_support: bool = False,
    ter_normalized: bool = False,
    ter_case_sensitive: bool = False,
    ter_no_punct: bool = False,
    embedder: str = "minilm",
) -> ScoreReport:
    """Score line-aligned outputs against references: the report ``summarize score --json``
    prints (its :meth:`~summarize.scoring.ScoreReport.to_dict`).

    ``hypotheses`` is one system's segments, or ``{name: segments}`` for several systems (the
    first, or the one named ``baseline``, is the baseline of the paired tests). ``references``
    is one list of segments, or one list per reference for several references (sacrebleu's
    ``list[list[str]]``; ROUGE and embedding metrics take the best reference per segment).
    ``metrics`` are keys such as ``"bleu"``, ``"chrf++"``, ``"ter"``, ``"rougeL"`` (default:
    BLEU, chrF, chrF++, TER, ROUGE-1/2/L); BLEU/chrF/TER numbers and signatures are
    sacrebleu's. ``sources`` enables the metrics that compare outputs with their source
    (coverage, density, ...). No model is loaded unless an embedding metric is asked for.

    ``language_pair`` and the options after it are sacrebleu's command-line options, with its
    names and defaults: ``language_pair="en-zh"`` scores as ``sacrebleu -l en-zh`` (BLEU's
    tokenizer by the target: ``zh``, ``ja-mecab``, ``ko-mecab``, else ``13a``), ``tokenize``
    overrides it, ``chrf_word_order`` applies to ``"chrf"``, the ``ter_`` ones to TER.
    ``embedder`` (a preset, Hub id or directory) is the embedding metrics' model; where it does
    not know the references' language (the target of ``language_pair``, else identified from
    their text) the embedding metrics are not applicable: their scores are ``None``, their
    :class:`~summarize.scoring.MetricInfo` says why (``not_applicable``), the other metrics are
    scored as usual and the model is never loaded.
    """
    from summarize.metrics.translation import SacrebleuOptions
    from summarize.scoring import ScoreOptions, score_segments

    systems = (
        {name: list(lines) for name, lines in hypotheses.items()}
        if isinstance(hypotheses, Mapping)
        else {"hypotheses": list(_strings(hypotheses, "hypotheses"))}
    )
    options = ScoreOptions(
        metrics=list(metrics or []),
        test=test,
        n_samples=n_samples,
        seed=seed,
        confidence=confidence,
        segment_scores=segment_scores,
        device=device,
        language_pair=language_pair,
        sacrebleu=SacrebleuOptions(
            tokenize=tokenize,
            lowercase=lowercase,
            chrf_word_order=chrf_word_order,
            ter_asian_support=ter_asian_support,
            ter_normalized=ter_normalized,
            ter_case_sensitive=ter_case_sensitive,
            ter_no_punct=ter_no_punct,
        ),
        embedder=embedder,
    )
    several = bool(references) and not isinstance(references[0], str)
    streams = (
        [_strings(stream, "references") for stream in references]
        if several
        else [_strings(references, "references")]
    )
    return score_segments(
        systems,
        streams,
        None if sources is None else _strings(sources, "sources"),
        options,
        baseline=baseline,
    )


def _strings(values: Sequence[str], name: str) -> list[str]:
    if isinstance(values, str) or not all(isinstance(value, str) for value in values):
        raise UserError(f"{name} must be a list of strings, one segment each")
    return list(values)


class Runner:
    """Models loaded once; re-translate, summarise and score one text, one file or many
    documents. Use it as a context manager (it closes the output cache)::

        with Runner(translators=["bundled"], summarizers=[], backend="ct2") as runner:
            result = runner.run_text("The council approved the budget on Monday.")
            print(result.translations[0].scores["bleu"])

    Settings are :class:`~summarize.pipeline.options.RunOptions` fields (``pivots``,
    ``translators``, ``summarizers``, ``backend``, ``use_cache``, ...), as an object, keywords, or
    both.
    """

    def __init__(
        self,
        options: RunOptions | None = None,
        *,
        progress: Progress | None = None,
        **settings: Any,
    ) -> None:
        known = {field.name for field in fields(RunOptions)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise UserError(f"unknown setting(s) {', '.join(unknown)}; use {', '.join(known)}")
        options = replace(options or RunOptions(), **settings)
        if "translators" in settings and "translator" not in settings and options.translators:
            options = replace(options, translator=options.translators[0])
        self.options = options
        self._english, self._pivots = check_options(options)
        self._session = Session(options, progress)

    # -- one document ----------------------------------------------------------------------

    def run_text(
        self,
        text: str,
        *,
        source: str | None = None,
        source_lang: str | None = None,
        reference_summary: str | None = None,
        label: str = "text",
        pivot_reference: str | Mapping[str, str] | None = None,
    ) -> RunResult:
        """One English article (with ``source``: its original, for reference mode; with
        ``pivot_reference``: its human translation into the pivot, or ``{pivot: text}``, one line
        per non-empty line of ``text``, that the pivot is scored against)."""
        document = Document(
            None,
            text,
            label,
            source,
            source_lang,
            reference_summary,
            pivot_references=_pivot_references(pivot_reference),
        )
        return self._one(self._prepare(document))

    def run_file(
        self,
        path: str | Path,
        *,
        source: str | Path | None = None,
        source_lang: str | None = None,
    ) -> RunResult:
        """An English article in a UTF-8 text file, as ``summarize run FILE`` reads it (with
        ``source``: the file of its original, for reference mode, as ``--source``)."""
        options = self.options
        if source is not None:
            options = replace(options, source=Path(source), source_lang=source_lang)
        return self._one(prepare(Path(path), options))

    def _one(self, prepared: PreparedInput) -> RunResult:
        (outcome,) = self._session.run_chunk([prepared])
        if isinstance(outcome, str):
            raise UserError(f"{prepared.info.path}: {outcome}")
        return outcome

    # -- many documents -------------------------------------------------------------------

    def run_documents(
        self, documents: Iterable[Document | Mapping[str, str]], chunk_documents: int = 8
    ) -> Iterator[RunResult | DocumentError]:
        """Results in input order, ``chunk_documents`` at a time sharing the models' generate
        calls. A document that cannot be processed gives a :class:`DocumentError` (the others
        go on). Mappings take the JSONL fields: ``id``, ``text``, and optionally ``source``,
        ``source_lang``, ``reference_summary``."""
        if chunk_documents < 1:
            raise UserError("⟨chunk_documents⟩ must be at least 1")
        pending: list[PreparedInput | DocumentError] = []
        for number, item in enumerate(documents, 1):
            document = item if isinstance(item, Document) else _document(item, number)
            try:
                pending.append(self._prepare(document))
            except UserError as exc:
                pending.append(DocumentError(document.origin, document.id, str(exc)))
            if sum(isinstance(p, PreparedInput) for p in pending) >= chunk_documents:
                yield from self._flush(pending)
                pending = []
        yield from self._flush(pending)

    def _flush(self, pending: list[PreparedInput | DocumentError]):
        chunk = [p for p in pending if isinstance(p, PreparedInput)]
        outcomes = iter(self._session.run_chunk(chunk) if chunk else [])
        for item in pending:
            if isinstance(item, DocumentError):
                yield item
                continue
            outcome = next(outcomes)
            yield (
                DocumentError(item.info.path, item.info.document_id, outcome)
                if isinstance(outcome, str)
                else outcome
            )

    def _prepare(self, document: Document) -> PreparedInput:
        return prepare_document(document, self.options, self._english, self._pivots)

    # -- lifetime --------------------------------------------------------------------------

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _document(record: Mapping[str, str], number: int) -> Document:
    if not isinstance(record, Mapping) or not isinstance(record.get("text"), str):
        raise UserError(f"document {number}: needs a string 'text'")
    doc_id = str(record.get("id", number))
    return Document(
        doc_id,
        record["text"],
        f"document {number}",
        record.get("source"),
        record.get("source_lang"),
        record.get("reference_summary"),
        pivot_references=_pivot_references(record.get("pivot_reference")),
    )


def _pivot_references(
    value: str | Mapping[str, str] | None,
) -> tuple[tuple[str | None, str], ...]:
    """A document's pivot references: a text (the one pivot's) or texts by pivot code."""
    if value is None:
        return ()
    if isinstance(value, str):
        return ((None, value),)
    return tuple(value.items())
