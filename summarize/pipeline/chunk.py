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

from summarize.engines.base import (
    SUMMARIZE,
    TRANSLATE,
    LegScorer,
    ModelInfo,
    PromptText,
    Translator,
)
from summarize.engines.base import prompt_texts as engine_prompt_texts
from summarize.engines.notes import NoteRouter
from summarize.input.languages import Language
from summarize.metrics.likelihood import Leg, LegScores, leg_signature
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
            legs = score_legs(
                [
                    (system.forward_scorer, "pivot", english, system.pivot, texts, pivots),
                    (system.backward_scorer, "back", system.pivot, english, pivots, outputs),
                ],
                [system.forward.info, system.backward.info],
                progress,
            )
        for document, pivot_texts, back, own, document_legs in zip(
            documents, pivots, outputs, scorers, legs, strict=True
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
                    document_legs,
                    document.pivot_references.get(system.pivot.code),
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
    translators = engines.references[language.code]
    leg_scorers = engines.reference_scorers.get(language.code, [None] * len(translators))
    for translator, leg_scorer in zip(translators, leg_scorers, strict=True):
        prompt = engine_prompt_texts(translator, TRANSLATE, language, english)
        with call.around(texts):
            outputs = translate_documents(translator, texts, language, english, progress)
            legs = score_legs(
                [(leg_scorer, "translation", language, english, texts, outputs)],
                [translator.info],
                progress,
            )
        for reference, translated, own, document_legs in zip(
            references, outputs, scorers, legs, strict=True
        ):
            own.append(
                _reference_scorer(
                    reference, english, translated, translator.info, engines, prompt, document_legs
                )
            )
    _score_test_set_systems(references, english, engines, progress, scorers)
    return scorers


def _score_test_set_systems(
    references: list[ReferenceInput],
    english: Language,
    engines: Engines,
    progress: Progress,
    scorers: list[list[Scorer]],
) -> None:
    """A test set's own systems (no model runs these: scored as they are), each with its leg
    scored by the run's scoring model, all documents' segments in one call per system."""
    language = references[0].language
    leg_scorer = engines.system_scorers.get(language.code)
    by_document = [dict(reference.systems) for reference in references]
    names = list(dict.fromkeys(name for systems in by_document for name in systems))
    for name in names:
        members = [(d, systems[name]) for d, systems in enumerate(by_document) if name in systems]
        texts = [[segment.text for segment in references[d].sources] for d, _ in members]
        system_outputs = [outputs for _, outputs in members]
        legs = score_legs(
            [(leg_scorer, "translation", language, english, texts, system_outputs)],
            [None],
            progress,
            f" {name}",
        )
        for (d, outputs), document_legs in zip(members, legs, strict=True):
            scorers[d].append(
                _reference_scorer(
                    references[d],
                    english,
                    outputs,
                    wmt_system_model(name, outputs),
                    engines,
                    legs=document_legs,
                )
            )


def _reference_scorer(
    reference: ReferenceInput,
    english: Language,
    outputs: list[str],
    model: ModelInfo,
    engines: Engines,
    prompt: Sequence[PromptText] = (),
    legs: LegScores | None = None,
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
        legs,
    )


# A leg to score: its scoring model (None: not scored), step, direction, and per document the
# inputs and outputs.
LegWork = tuple[LegScorer | None, str, Language, Language, list[list[str]], list[list[str]]]


def score_legs(
    work: Sequence[LegWork],
    authors: Sequence[ModelInfo | None],
    progress: Progress,
    what: str = "",
) -> list[LegScores | None]:
    """Per document, the reference-free scores of its legs (None when no leg has a scorer):
    one scoring call per leg over all documents' segments. ``authors``: per leg, the model
    that made its outputs (None: a test set's own system)."""
    documents = len(work[0][4])
    legs, values = [], {}
    for (scorer, step, source, target, inputs, outputs), author in zip(work, authors, strict=True):
        if scorer is None:
            continue
        leg = Leg(step, scorer, source, target, author)
        flat_in = [text for texts in inputs for text in texts]
        flat_out = [text for texts in outputs for text in texts]
        title = f"Scoring{what} {step} ({source.code}→{target.code}) with {scorer.info.name}"
        with progress.step(title, len(flat_in)) as advance:
            flat = scorer.score_translations(flat_in, flat_out, source, target, advance)
        values[step] = _split(flat, [len(texts) for texts in inputs])
        legs.append(leg)
    if not legs:
        return [None] * documents
    signature = leg_signature(legs)
    own = tuple(leg.step for leg in legs if leg.self_scored)
    return [
        LegScores({step: per_document[d] for step, per_document in values.items()}, signature, own)
        for d in range(documents)
    ]


def _split(flat: list, sizes: Sequence[int]) -> list[list]:
    """``flat`` (the items of several documents in order) cut back per document."""
    split, start = [], 0
    for size in sizes:
        split.append(flat[start : start + size])
        start += size
    return split


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
    return _split(outputs, [len(texts) for texts in documents])


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
