"""Honest numbers with fake engines (no model): outputs that copy their prompt are flagged
``prompt_leak``, translations that lose or invent numbers and names ``consistency``, and
every view says so."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from summarize.batch.run import run_batch
from summarize.engines.base import SUMMARIZE, TRANSLATE, PromptText, prompt_texts
from summarize.engines.causal.prompted import PromptedCausalLM, fewshot_pairs
from summarize.input.documents import read_batch_input
from summarize.input.languages import get_language
from summarize.render.batch_text import render_batch_markdown
from summarize.render.html import render_html
from summarize.resources import load_toml
from summarize.tasks.prompt_leak import find_leak
from tests.test_batch import (  # noqa: F401  (engines is a fixture)
    OPTIONS,
    FakeRegistry,
    FakeSummarizer,
    FakeTranslator,
    engines,
)

EN, RU = get_language("en"), get_language("ru")
PAIRS = fewshot_pairs("en", "ru")
EXAMPLE = load_toml("prompts/summarize.toml")
CSTO = "The CSTO includes Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia and Tajikistan."
ARTICLE = (
    "Protesters gathered in Almaty on January 4 and 5, 2022. "
    "The government resigned after 3 days of protests. "
    f"{CSTO} "
    "The organisation sent troops to the country on Thursday."
)


def prompted_engine(chat: bool = False) -> PromptedCausalLM:
    tokenizer = SimpleNamespace(chat_template="{{ messages }}" if chat else None)
    generator = SimpleNamespace(tokenizer=tokenizer, backend="fake", settings={})
    return PromptedCausalLM(generator, "lm", "fake/lm", "1", None)


def test_a_prompted_engine_knows_its_prompt_texts() -> None:
    engine = prompted_engine()
    texts = prompt_texts(engine, TRANSLATE, EN, RU)
    assert {t.text for t in texts} == {text for pair in PAIRS for text in pair}
    assert {t.kind for t in texts} == {"few-shot example"}
    summary = {t.kind: t.text for t in prompt_texts(engine, SUMMARIZE)}
    assert summary == {
        "example article": EXAMPLE["example_article"],
        "example summary": EXAMPLE["example_summary"],
    }
    instructions = prompt_texts(prompted_engine(chat=True), TRANSLATE, EN, RU)
    assert {t.kind for t in instructions} == {"instruction"}  # the system and user prompts
    assert any("into Russian" in t.text for t in instructions)
    # An engine without prompts (a seq2seq model, the fakes) has none.
    assert prompt_texts(FakeTranslator(), TRANSLATE, EN, RU) == []


def test_find_leak_catches_copies_but_not_the_input() -> None:
    example = [PromptText("few-shot example", text) for pair in PAIRS for text in pair]
    english, russian = PAIRS[0]
    assert "chrF 100" in find_leak(russian, example, [CSTO])
    # An output that opens with a quoted example and goes on about something else.
    quote = PAIRS[2][0].split(",")[0]  # "We will not close the old mill
    opening = f"{quote}, said the former commander of the Airborne Troops, told Interfax."
    assert "shares 7 words" in find_leak(opening, example, [CSTO])
    # Not a leak: a faithful translation, or an example that the input itself contains.
    assert find_leak(CSTO, example, [CSTO]) is None
    assert find_leak(english, example, [english]) is None
    assert find_leak("", example, [CSTO]) is None
    article = [PromptText("example article", EXAMPLE["example_article"])]
    first = EXAMPLE["example_article"].split(". ")[0]
    assert "example article" in find_leak(f"{first}. And more.", article, [ARTICLE])


class LeakyTranslator(FakeTranslator):
    """A prompted translator gone wrong: it answers one sentence with a few-shot example,
    invents a name in another, drops a number in a third; the rest it translates faithfully
    (the fake pivot is the upper-cased English)."""

    def prompt_texts(self, task, source, target):
        return [
            PromptText("few-shot example", t) for pair in fewshot_pairs("en", "ru") for t in pair
        ]

    def translate(self, texts, source, target, on_progress=None):
        self.calls.append(list(texts))
        if on_progress:
            on_progress(len(texts))
        if target.code == "ru":
            self.originals = {t.upper(): t for t in texts}
            return [PAIRS[3][1] if "resigned" in t else t.upper() for t in texts]
        outputs = []
        for text in texts:
            if text == PAIRS[3][1]:
                outputs.append(PAIRS[3][0])
            elif "CSTO" in text:
                outputs.append(CSTO.replace("Kyrgyzstan", "Kosovo"))
            elif "ALMATY" in text:
                outputs.append("Protesters gathered in Almaty on January 4 and 5.")
            else:
                outputs.append(self.originals[text])
        return outputs


class LeakySummarizer(FakeSummarizer):
    """Summarises by copying the prompt's example article (every other document)."""

    def prompt_texts(self, task, source=None, target=None):
        return [
            PromptText("example article", EXAMPLE["example_article"]),
            PromptText("example summary", EXAMPLE["example_summary"]),
        ]

    def summarize_many(self, articles, on_progress=None):
        return [
            EXAMPLE["example_article"] if i % 2 == 0 else article.split(". ")[0] + "."
            for i, article in enumerate(articles)
        ]


@pytest.fixture
def leaky(engines: FakeRegistry) -> FakeRegistry:  # noqa: F811
    engines.translators["bundled"] = LeakyTranslator("fake", engines.calls)
    engines.summarizer_ = LeakySummarizer()
    return engines


def write_articles(tmp_path: Path, count: int = 3) -> Path:
    path = tmp_path / "articles.jsonl"
    lines = [json.dumps({"id": f"doc-{i}", "text": ARTICLE}) for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_copies_of_the_prompt_and_invented_facts_are_flagged(tmp_path: Path, leaky) -> None:
    batch = run_batch(read_batch_input(write_articles(tmp_path)), tmp_path / "out", OPTIONS)
    first = batch.documents[0]
    segments = first.translations[0].segments
    flags = {s.index: {f"{f.step}:{f.code}": f.message for f in s.flags} for s in segments}
    # The sentence answered with a few-shot example: both steps reproduce the prompt.
    assert "pivot:prompt_leak" in flags[1] and "back:prompt_leak" in flags[1]
    assert "few-shot example" in flags[1]["pivot:prompt_leak"]
    # Its invented names are made up ("3" is not lost: "three" stands for it).
    assert flags[1]["back:consistency"] == "made up (not in the original): Dellmoor, Friday"
    assert flags[0]["back:consistency"] == "lost (in the original): 2022"
    csto = flags[2]["back:consistency"]
    assert "lost (in the original): Kyrgyzstan" in csto and "made up" in csto and "Kosovo" in csto
    assert set(flags[3]) == {"pivot:copy_through"}  # the fake "pivot" is upper-case English
    # The leaked segment is scored like the others (nothing is dropped).
    assert len(segments) == 4 and segments[1].chrf > 0
    # Every summary that copies the example article is flagged; the others are not.
    for i, result in enumerate(batch.documents):
        abstractive = result.summaries[0]
        codes = {flag.code for flag in abstractive.flags}
        assert ("prompt_leak" in codes) == (i % 2 == 0), (i, abstractive.flags)
        assert "example article" in " ".join(f.message for f in abstractive.flags) or i % 2
    # One count, defined once, in every view.
    line = first.flag_line()
    assert re.fullmatch(r"flagged: 4 of 4 segments, 1 of 3 summaries \(\d+ flags: .*\)", line), line
    assert "2 prompt_leak" not in line and "3 prompt_leak" in line  # pivot, back, summary
    html = render_html(batch)
    assert "back:consistency: lost (in the original): 2022" in html
    assert "pivot:prompt_leak: reproduces the prompt&#39;s few-shot example" in html
    assert '<h2 id="flags">Flags</h2>' in html and "flagged: 12 of 12 segments" in html
    markdown = render_batch_markdown(batch)
    assert "## Flags" in markdown and "prompt_leak" in markdown
    assert "## Metrics" in markdown and "ROUGE-1 P ↑" in markdown


def test_run_flags_the_same_as_batch(tmp_path: Path, leaky) -> None:
    from summarize.pipeline import prepare as pipeline
    from summarize.pipeline import session

    article = tmp_path / "article.txt"
    article.write_text(ARTICLE + "\n", encoding="utf-8")
    result = session.run(pipeline.prepare(article, OPTIONS), OPTIONS)
    (segment,) = [s for s in result.translations[0].segments if s.index == 1]
    assert {f"{f.step}:{f.code}" for f in segment.flags} >= {
        "pivot:prompt_leak",
        "back:prompt_leak",
        "back:consistency",
    }
    assert any(f.code == "prompt_leak" for f in result.summaries[0].flags)


def test_reference_mode_flags_leaks_and_invented_facts(tmp_path: Path, leaky) -> None:
    class Leaky(LeakyTranslator):
        def translate(self, texts, source, target, on_progress=None):
            return [PAIRS[0][0], "Paratroopers landed in Kosovo on 6 January."]

    leaky.translators["bundled"] = Leaky("fake", leaky.calls)
    record = {
        "id": "r",
        "text": "Troops were sent on Thursday.\nParatroopers landed in Almaty on 6 January.",
        "source": "Войска отправили в четверг.\nДесантники высадились в Алматы 6 января.",
        "source_lang": "ru",
    }
    path = tmp_path / "ref.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    (result,) = run_batch(read_batch_input(path), tmp_path / "out", OPTIONS).documents
    first, second = result.translations[0].segments
    assert {f.code for f in first.flags} >= {"prompt_leak", "consistency"}
    (flag,) = [f for f in second.flags if f.code == "consistency"]
    assert flag.step == "translation"
    assert flag.message == "lost (in the reference): Almaty; made up (not in the reference): Kosovo"


def test_html_report_explains_every_number_and_flag(tmp_path: Path, leaky) -> None:
    from markupsafe import escape

    from summarize.metrics.registry import get

    batch = run_batch(read_batch_input(write_articles(tmp_path, 2)), tmp_path / "out", OPTIONS)
    html = render_html(batch)
    # Directions on every metric column, a legend line per metric and per flag code.
    for header in ("chrF2++ ↑", "TER ↓", "ROUGE-1 P ↑", "unsupported/seg ↓", "flagged % ↓"):
        assert f'<th class="num">{header}' in html, header
    assert '<h2 id="legend">What the numbers mean</h2>' in html
    for key in ("ter", "rouge1_precision", "coverage", "density", "flagged_share"):
        assert str(escape(get(key).legend())) in html, key
    assert "consistency: numbers or names lost or made up" in html
    # Summaries: a flags column with messages, flagged ones marked, most faithful first.
    assert "<th>summary (most faithful first)</th>" in html and "<th>flags</th>" in html
    assert re.search(r'<tr class="flagged"><td>abstractive:fakesum</td>', html)
    assert "abstractive:fakesum:prompt_leak: reproduces the prompt&#39;s example article" in html
    # Per-document plots are points, never lines joining unrelated documents.
    assert "<polyline" not in html and "Translation chrF++ per document" in html
