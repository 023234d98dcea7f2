"""Reference mode: a supplied source text translated into English and scored against the
supplied English translation (same metrics and result structure as the round trip)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from summarize.engines.base import Embedder, ModelInfo, PromptText
from summarize.input.languages import Language
from summarize.input.segment import Segment
from summarize.metrics.likelihood import LegScores
from summarize.result import TranslationResult
from summarize.tasks.flags import Output, OutputKind, flags_of
from summarize.tasks.scoring import score_outputs

# The ``backend`` of a translation system whose outputs a WMT test set gives (no model ran).
WMT_SYSTEM_BACKEND = "wmt-xml"


def wmt_system_model(name: str, outputs: Sequence[str]) -> ModelInfo:
    """The model of a WMT test set's system ``<hyp system="NAME">`` scored as a translation
    system: named ``wmt:NAME`` (its result ``wmt:NAME:ru→en``), its revision a hash of the
    outputs it gave."""
    digest = hashlib.sha256(json.dumps(list(outputs), ensure_ascii=False).encode()).hexdigest()
    return ModelInfo(f"wmt:{name}", f'<hyp system="{name}">', digest[:12], WMT_SYSTEM_BACKEND)


def score_reference(
    sources: list[Segment],
    references: list[Segment],
    source: Language,
    target: Language,
    outputs: list[str],
    model: ModelInfo,
    embedder: Embedder,
    prompt: Sequence[PromptText] = (),
    legs: LegScores | None = None,
) -> TranslationResult:
    """Score and flag finished translations of ``sources`` (one output per segment).

    ``prompt``: what the translator's prompts hold besides the input (``prompt_leak``); each
    output is compared with its English reference for lost and made-up numbers and names
    (``consistency``)."""
    texts = [segment.text for segment in sources]
    reference_texts = [segment.text for segment in references]
    flags = [
        flags_of(
            Output(
                OutputKind.TRANSLATION,
                output,
                source=text,
                language=target,
                source_language=source,
                reference=reference,
                prompt=prompt,
            )
        )
        for output, text, reference in zip(outputs, texts, reference_texts, strict=True)
    ]
    others = [list(segment.alternatives) for segment in references]
    results, scores = score_outputs(
        sources,
        texts,
        None,
        outputs,
        reference_texts,
        flags,
        embedder,
        others,
        legs,
        target_language=target.code,
    )
    return TranslationResult(
        name=f"{model.name}:{source.code}→{target.code}",
        mode="reference",
        source_lang=source.code,
        pivot_lang=None,
        target_lang=target.code,
        forward_model=model.to_dict(),
        backward_model=None,
        segments=results,
        scores=scores,
        self_scored=list(legs.self_scored) if legs else [],
    )
