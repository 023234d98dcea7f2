"""A chunk of batch documents through the models together, then scored one by one.

The documents of a chunk share generate calls, so the engine's length-sorted batcher fills its
batches from many documents: round-trip documents share one ``translate()`` call per
(translator, pivot) each way, and reference-mode documents one call per (source language,
translator). The outputs are split back per document and scored by the same functions as
``summarize run``, so a document's result is the one ``run`` gives for it (timings aside). A
reference-mode document's existing translations (a WMT set's systems) are scored after the
translators' outputs by the same function, as systems of their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial

from summarize.engines.base import SUMMARIZE, TRANSLATE, ModelInfo, PromptText, Translator
from summarize.engines.base import prompt_texts as engine_prompt_texts
from summarize.engines.notes import NoteRouter
from summarize.input.languages import Language
from summarize.pipeline.assemble import make_result, score_summaries
from summarize.pipeline.loading import Engines
from summarize.pipeline.options import RunOptions
from summarize.pipeline.prepare import PreparedInput, ReferenceInput
from summarize.progress import Progress
from summarize.result import RunResult, TranslationResult
from summarize.tasks.reference import score_reference, wmt_system_model
from summarize.tasks.roundtrip import score_round_trip
from summarize.tasks.summaries import summarize_texts

# Scores one document's outputs of one system; called per document, so that a document whose
# scoring fails is reported alone.
Scorer = Callable[[], TranslationResult]


def process_chunk(
    chunk: Sequence[PreparedInput],
    engines: Engines,
    options: RunOptions,
    progress: Progress,
    notes: NoteRouter | None = None,
) -> list[RunResult | str]:
    """Translate and summarise a chunk of documents together; one result (or error) each.

    ``notes`` (the router the engines report to) gives each result the notes that concern it.
    """
    notes = notes or NoteRouter(progress.note)
    notes.start_chunk()
    mark = time.perf_counter()
    scorers = translate_chunk(chunk, engines, progress, notes)
    translation_s = time.perf_counter() - mark
    mark = time.perf_counter()
    abstractive = summarise_chunk(chunk, engines, progress, notes)
    summaries_s = time.perf_counter() - mark
    outcomes: list[RunResult | str] = []
    with progress.step(f"Scoring {len(chunk)} documents"):
        for i, prepared in enumerate(chunk):
            mark = time.perf_counter()
            try:
                translations = [score() for score in scorers[i]]
                summaries = score_summaries(
                    prepared,
                    options,
                    engines.embedder,
                    [(info, texts[i]) for info, texts, _ in abstractive],
                    [prompt for _, _, prompt in abstractive],
                )
            except Exception as exc:  # one bad document must not stop the batch
                outcomes.append(f"scoring failed: {type(exc).__name__}: {exc}")
                continue
            # Model time is shared by the chunk: each document gets its share.
            timings = {
                "translation_s": translation_s / len(chunk),
                "summaries_s": summaries_s / len(chunk),
                "scoring_s": time.perf_counter() - mark,
            }
            timings["total_s"] = sum(timings.values())
            outcomes.append(
                make_result(
                    prepared,
                    engines.embedder,
                    translations,
                    summaries,
                    timings,
                    notes.for_document(i),
                )
            )
    return outcomes


def translate_chunk(
    chunk: Sequence[PreparedInput], engines: Engines, progress: Progress, notes: NoteRouter
) -> list[list[Scorer]]:
    """Per document, one scorer per translation system, in the order ``run`` lists them."""
    groups: dict[str | None, list[int]] = {}  # None: round trip; else the source language
    for i, prepared in enumerate(chunk):
        key = prepared.reference.language.code if prepared.reference else None
        groups.setdefault(key, []).append(i)
    scorers: list[list[Scorer]] = [[] for _ in chunk]
    for key, members in groups.items():
        translate = _round_trips if key is None else _reference_translations
        documents = [chunk[i] for i in members]
        translated = translate(documents, engines, progress, _Call(notes, members))
        for i, document_scorers in zip(members, translated, strict=True):
            scorers[i] = document_scorers
    return scorers


class _Call:
    """Routes the notes of one ``translate()`` call over several documents' sentences."""

    def __init__(self, notes: NoteRouter, members: list[int]) -> None:
        self.notes, self.members = notes, members

    def around(self, documents: list[list[str]]):
        owners = [self.members[d] for d, texts in enumerate(documents) for _ in texts]
        return self.notes.call(owners)


def _round_trips(
    documents: list[PreparedInput], engines: Engines, progress: Progress, call: _Call
) -> list[list[Scorer]]:
    english = documents[0].source
    texts = [[segment.text for segment in document.segments] for document in documents]
    scorers: list[list[Scorer]] = [[] for _ in documents]
    for system in engines.round_trips:
        forward_prompt = engine_prompt_texts(system.forward, TRANSLATE, english, system.pivot)
        backward_prompt = engine_prompt_texts(system.backward, TRANSLATE, system.pivot, english)
        with call.around(texts):
            pivots = translate_documents(system.forward, texts, english, system.pivot, progress)
            outputs = translate_documents(
                system.backward, pivots, system.pivot, english, progress, "Back-translating"
            )
        for document, pivot_texts, back, own in zip(
            documents, pivots, outputs, scorers, strict=True
        ):
            own.append(
                partial(
                    score_round_trip,
                    document.segments,
                    english,
                    system.pivot,
                    pivot_texts,
                    back,
                    system.forward.info,
                    system.backward.info,
                    engines.embedder,
                    forward_prompt,
                    backward_prompt,
                )
            )
    return scorers


def _reference_translations(
    documents: list[PreparedInput], engines: Engines, progress: Progress, call: _Call
) -> list[list[Scorer]]:
    """Documents whose sources share one language (reference mode)."""
    english = documents[0].source
    references = [document.reference for document in documents if document.reference]
    language = references[0].language
    texts = [[segment.text for segment in reference.sources] for reference in references]
    scorers: list[list[Scorer]] = [[] for _ in documents]
    for translator in engines.references[language.code]:
        prompt = engine_prompt_texts(translator, TRANSLATE, language, english)
        with call.around(texts):
            outputs = translate_documents(translator, texts, language, english, progress)
        for reference, translated, own in zip(references, outputs, scorers, strict=True):
            own.append(
                _reference_scorer(reference, english, translated, translator.info, engines, prompt)
            )
    for reference, own in zip(references, scorers, strict=True):
        for name, outputs in reference.systems:  # no model runs these: scored as they are
            own.append(
                _reference_scorer(
                    reference, english, outputs, wmt_system_model(name, outputs), engines
                )
            )
    return scorers


def _reference_scorer(
    reference: ReferenceInput,
    english: Language,
    outputs: list[str],
    model: ModelInfo,
    engines: Engines,
    prompt: Sequence[PromptText] = (),
) -> Scorer:
    """Scores one system's English ``outputs`` for a reference-mode document."""
    return partial(
        score_reference,
        reference.sources,
        reference.references,
        reference.language,
        english,
        outputs,
        model,
        engines.embedder,
        prompt,
    )


def translate_documents(
    translator: Translator,
    documents: list[list[str]],
    source: Language,
    target: Language,
    progress: Progress,
    verb: str = "Translating",
) -> list[list[str]]:
    """One ``translate()`` call for the sentences of several documents, split back per document."""
    flat = [text for texts in documents for text in texts]
    what = f"{len(documents)} documents, {len(flat)} sentences"
    with progress.step(f"{verb} {source.code}→{target.code} ({what})", len(flat)) as advance:
        outputs = translator.translate(flat, source, target, advance)
    split, start = [], 0
    for texts in documents:
        split.append(outputs[start : start + len(texts)])
        start += len(texts)
    return split


def summarise_chunk(
    chunk: Sequence[PreparedInput], engines: Engines, progress: Progress, notes: NoteRouter
) -> list[tuple[ModelInfo, list[str], list[PromptText]]]:
    """(model, one summary per document, the model's prompt texts) for every abstractive
    summariser."""
    articles = [prepared.text for prepared in chunk]
    abstractive = []
    for summarizer in engines.summarizers:
        with progress.step(f"Summarising with {summarizer.info.name}", len(chunk)) as go:
            texts = summarize_texts(summarizer, articles, go, notes.call)
        abstractive.append((summarizer.info, texts, engine_prompt_texts(summarizer, SUMMARIZE)))
    return abstractive
