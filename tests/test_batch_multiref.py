"""`batch` on a WMT XML file whose English side has several references (translators A and B):
every document keeps all of them, and reference mode scores against all of them."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER

from summarize.batch.aggregate import aggregate
from summarize.batch.run import _prepared_key, prepare_document
from summarize.engines.base import ModelInfo
from summarize.input.documents import read_batch_input
from summarize.input.languages import get_language
from summarize.pipeline.assemble import make_result
from summarize.pipeline.options import RunOptions, check_options
from summarize.result import RunResult
from summarize.tasks.reference import score_reference
from tests.test_scoring import FakeEmbedder

SOURCE = ["Москва, 6 января.", "Десантники прибыли в Алматы.", "Пустой.", "Порядок восстановлен."]
REF_A = [
    "Moscow, January 6.",
    "The paratroopers arrived in Almaty today.",
    "",
    "Order was restored in the city.",
]
REF_B = ["Moscow, 6 January.", "Paratroopers have landed in Almaty.", "Empty.", None]
OUTPUT = ["Moscow, January 6th.", "Paratroopers have arrived in Almaty.", "Order is restored."]


def segs(lines: list[str | None]) -> str:
    return "".join(
        f'<seg id="{i}">{line}</seg>' for i, line in enumerate(lines, 1) if line is not None
    )


WMT = f"""<?xml version="1.0" encoding="utf-8"?>
<dataset id="test"><collection id="general">
<doc id="d1" origlang="ru">
<src lang="ru"><p>{segs(SOURCE)}</p></src>
<ref lang="en" translator="A"><p>{segs(REF_A)}</p></ref>
<ref lang="en" translator="B"><p>{segs(REF_B)}</p></ref>
<hyp lang="en" system="S"><p>{segs([*OUTPUT, "x"])}</p></hyp>
</doc>
</collection></dataset>
"""


@pytest.fixture
def document(tmp_path: Path):
    path = tmp_path / "set.xml"
    path.write_text(WMT, encoding="utf-8")
    (doc,) = read_batch_input(path).documents
    return doc


def test_documents_keep_every_reference(document) -> None:
    # Segment 3 has no reference by A: dropped from every side; B lacks segment 4.
    assert document.text.splitlines() == [REF_A[0], REF_A[1], REF_A[3]]
    assert document.source.splitlines() == [SOURCE[0], SOURCE[1], SOURCE[3]]
    assert document.other_references == ((REF_B[0], REF_B[1], ""),)
    options = RunOptions(summarizers=[])
    prepared = prepare_document(document, options, *check_options(options))
    alternatives = [segment.alternatives for segment in prepared.reference.references]
    assert alternatives == [(REF_B[0],), (REF_B[1],), ()]
    # A result made against one reference is not reused for the same text with two.
    single = prepare_document(
        document.__class__(**{**asdict(document), "other_references": ()}),
        options,
        *check_options(options),
    )
    assert _prepared_key(single) != _prepared_key(prepared)


def test_reference_mode_scores_against_all_references(document) -> None:
    options = RunOptions(summarizers=[])
    prepared = prepare_document(document, options, *check_options(options))
    reference = prepared.reference
    embedder = FakeEmbedder()
    result = score_reference(
        reference.sources,
        reference.references,
        get_language("ru"),
        get_language("en"),
        OUTPUT,
        ModelInfo("fake-mt", "test/fake-mt", "1", "test"),
        embedder,
    )
    streams = [[REF_A[0], REF_A[1], REF_A[3]], [REF_B[0], REF_B[1], None]]
    assert result.scores["bleu"].value == pytest.approx(BLEU().corpus_score(OUTPUT, streams).score)
    assert result.scores["ter"].value == pytest.approx(TER().corpus_score(OUTPUT, streams).score)
    chrf = CHRF(word_order=2)
    assert result.scores["chrf++"].value == pytest.approx(chrf.corpus_score(OUTPUT, streams).score)
    assert result.scores["bleu"].signature.startswith("nrefs:var|")
    assert result.scores["embedding_cosine"].signature.endswith("|nrefs:var|refs:best-per-segment")
    segments = result.segments
    assert segments[0].chrf == pytest.approx(
        chrf.sentence_score(OUTPUT[0], [REF_A[0], REF_B[0]]).score
    )
    assert segments[2].chrf == pytest.approx(chrf.sentence_score(OUTPUT[2], [REF_A[3]]).score)
    assert [s.other_references for s in segments] == [[REF_B[0]], [REF_B[1]], []]
    vectors = embedder.embed
    best = max(float(vectors([OUTPUT[1]])[0] @ vectors([ref])[0]) for ref in (REF_A[1], REF_B[1]))
    assert segments[1].embedding_cosine == pytest.approx(best)
    # The batch report pools every segment of every document against all its references,
    # and a result read back from results.jsonl keeps them.
    run = make_result(prepared, embedder, [result], [], {})
    again = RunResult.from_dict(run.to_dict())
    assert again.translations[0].segments[0].other_references == [REF_B[0]]
    (stats,) = aggregate([again])
    assert stats.corpus["bleu"].value == pytest.approx(result.scores["bleu"].value)


def test_other_reference_of_another_length_is_an_error(document) -> None:
    from summarize.errors import UserError

    options = RunOptions(summarizers=[])
    broken = document.__class__(**{**asdict(document), "other_references": (("One.",),)})
    with pytest.raises(UserError, match="another reference has 1 lines"):
        prepare_document(broken, options, *check_options(options))
