"""Batch progress: documents per minute and time left from the sentences done so far."""

from __future__ import annotations

from summarize.batch.run import document_work
from summarize.input.languages import get_language
from summarize.pipeline.options import RunOptions
from summarize.pipeline.prepare import prepare_text
from summarize.progress import RichBatchProgress, WorkRate


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_and_time_left_follow_the_work_done() -> None:
    clock = Clock()
    rate = WorkRate(documents=10, work=1000, clock=clock)
    assert rate.text() == "estimating..."  # no -:--:--, no 0.0
    clock.now += 60
    rate.advance(100)  # 100 sentences in a minute, no document finished yet
    assert rate.per_minute() == 1.0  # 100 units/min, 100 units per document
    assert rate.seconds_left() == 540
    assert rate.text() == "1.0 docs/min, 9:00 left"
    rate.documents_finished(250)  # a chunk of documents written: the count catches up
    assert rate.done == 250
    clock.now += 3600
    rate.advance(750)
    assert rate.seconds_left() == 0 and rate.per_minute() > 0
    assert rate.text().endswith("0:00 left")


def test_a_document_is_its_sentences_both_ways_and_its_summaries() -> None:
    options = RunOptions(pivots=["ru", "de"], summarizers=["bundled"], language_check=False)
    english = get_language("en")
    pivots = [get_language("ru"), get_language("de")]
    prepared = prepare_text(
        "One sentence here now. Another sentence there now.", "x", options, english, pivots
    )
    assert document_work(prepared, options) == 2 * 2 * 2 + 1


def test_plain_progress_prints_a_rate_per_chunk(capsys) -> None:
    progress = RichBatchProgress()
    progress.start(4, 1, work=30)
    with progress.step("Translating", 30) as advance:
        advance(15)
    progress.documents_done(2, 20)
    progress.close()
    err = capsys.readouterr().err
    assert "4 documents, 1 already done" in err
    assert "[3/4] documents, " in err and "docs/min" in err and "left" in err
    assert "0.0/min" not in err
