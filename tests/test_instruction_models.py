"""Instruction (chat) models: system/user prompts, replies that run to the end of the turn (not to
the first newline of a preamble), and the ``commentary`` and ``truncated`` flags.

The model is a tiny scripted Llama (``tests/tiny_models.build_scripted_chat_model``) whose greedy
reply is fixed, so the checks are about exact text on both backends.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.engines.base import TruncatedText
from summarize.engines.causal.generators import HfCausalGenerator, load_tokenizer
from summarize.engines.causal.prompted import (
    CHAT_SUMMARY_MAX_NEW_TOKENS,
    PromptedCausalLM,
    load_causal_lm,
)
from summarize.engines.store import OutputStore
from summarize.input.languages import get_language
from summarize.resources import load_toml
from summarize.tasks.flags import Output, OutputKind, flags_of
from summarize.tasks.text_checks import commentary
from tests.conftest import SEED, run_cli
from tests.tiny_models import build_scripted_chat_model

EN, RU = get_language("en"), get_language("ru")
PREAMBLE = "Sure! Here is the translation:"
TRANSLATION = "Войска прибыли в Алматы."
SOURCE = "Troops arrived in Almaty."


@pytest.fixture(scope="module")
def chatty(tmp_path_factory) -> Path:
    """Replies with a preamble, a blank line, then the translation, and ends its turn."""
    return build_scripted_chat_model(
        tmp_path_factory.mktemp("chatty"), [PREAMBLE, "\n\n", TRANSLATION]
    )


@pytest.fixture(scope="module")
def endless(tmp_path_factory) -> Path:
    """Never ends its turn: every output stops at its length limit."""
    return build_scripted_chat_model(
        tmp_path_factory.mktemp("endless"), ["The summary", " goes on", " and on"], end=False
    )


def hf_engine(model: Path, store: OutputStore | None = None) -> PromptedCausalLM:
    return PromptedCausalLM(
        HfCausalGenerator(load_causal_lm(model, "cpu")), "tiny", "tiny-chat", None, store
    )


def codes(flags) -> set[str]:
    return {flag.code for flag in flags}


def test_chat_prompts_have_the_system_and_user_messages_from_models_prompts(chatty) -> None:
    engine = hf_engine(chatty)
    template = load_toml("prompts/translate.toml")
    names = {"source_name": "English", "target_name": "Russian"}
    (prompt,) = engine.translation_prompts([SOURCE], EN, RU)
    assert prompt == (
        f"<s>system: {template['system'].format(**names)}\n"
        f"<s>user: {template['user'].format(source=SOURCE, **names)}\nassistant:"
    )
    summary = load_toml("prompts/summarize.toml")
    (article_prompt,) = [engine._chat(summary["system"], summary["user"].format(article="A."))]
    assert article_prompt.startswith(f"<s>system: {summary['system']}\n<s>user: ")
    assert engine.info.settings["stop"] == "end of turn"
    assert engine.info.settings["prompt"] == "chat template"


def test_reply_runs_to_the_end_of_the_turn_not_the_first_newline(chatty) -> None:
    generator = HfCausalGenerator(load_causal_lm(chatty, "cpu"))
    prompt = hf_engine(chatty).translation_prompts([SOURCE], EN, RU)[0]
    # Stopping at the first newline (as for base models) keeps only the preamble...
    assert generator.generate_batch([prompt], [40], False, stop="line") == [PREAMBLE]
    # ...stopping at the end of the turn keeps the translation too.
    reply = generator.generate_batch([prompt], [40], False, stop="turn")
    assert reply == [f"{PREAMBLE}\n\n{TRANSLATION}"]
    assert not isinstance(reply[0], TruncatedText)


def test_chat_translation_is_one_line_and_flagged_as_commentary(chatty) -> None:
    (output,) = hf_engine(chatty).translate([SOURCE], EN, RU)
    assert output == f"{PREAMBLE} {TRANSLATION}"
    flags = flags_of(Output(OutputKind.PIVOT, output, SOURCE, language=RU, source_language=EN))
    assert "commentary" in codes(flags)
    assert "'Sure! Here'" in next(f.message for f in flags if f.code == "commentary")
    assert "truncated" not in codes(flags)


def test_ct2_reply_equals_transformers(chatty, tmp_path, monkeypatch) -> None:
    pytest.importorskip("ctranslate2")
    from summarize.engines.causal.ct2 import Ct2CausalGenerator, causal_ct2_checkpoint

    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path))
    ct2_dir = causal_ct2_checkpoint(chatty, "tiny-chat", None, "float32", lambda _m: None)
    ct2 = Ct2CausalGenerator(ct2_dir, load_tokenizer(chatty), "cpu", "float32")
    engine = PromptedCausalLM(ct2, "tiny", "tiny-chat", None, None)
    assert engine.translate([SOURCE], EN, RU) == hf_engine(chatty).translate([SOURCE], EN, RU)
    assert engine.summarize("An article.") == f"{PREAMBLE}\n\n{TRANSLATION}"


@pytest.mark.parametrize("backend", ["transformers", "ct2"])
def test_an_output_that_hits_its_limit_is_truncated(endless, tmp_path, monkeypatch, backend):
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path))
    if backend == "ct2":
        pytest.importorskip("ctranslate2")
        from summarize.engines.causal.ct2 import Ct2CausalGenerator, causal_ct2_checkpoint

        ct2_dir = causal_ct2_checkpoint(endless, "endless", None, "float32", lambda _m: None)
        generator = Ct2CausalGenerator(ct2_dir, load_tokenizer(endless), "cpu", "float32")
    else:
        generator = HfCausalGenerator(load_causal_lm(endless, "cpu"))
    engine = PromptedCausalLM(generator, "tiny", "endless", None, None, summary_limit=9)
    summary = engine.summarize("The council met on Tuesday.")
    assert isinstance(summary, TruncatedText) and summary.max_new_tokens == 9
    assert summary == "The summary" + " goes on and on" * 4  # 9 tokens
    article = "The council met on Tuesday. " * 20
    flags = flags_of(Output(OutputKind.SUMMARY, summary, article, step="abstractive:tiny"))
    truncated = next(flag for flag in flags if flag.code == "truncated")
    assert "length limit (9 new tokens)" in truncated.message


def test_instruction_models_get_room_to_finish_a_summary(chatty) -> None:
    assert hf_engine(chatty).summary_max_new_tokens == CHAT_SUMMARY_MAX_NEW_TOKENS
    assert hf_engine(chatty).info.settings["summary_max_new_tokens"] == 320


def test_the_output_cache_keeps_the_truncated_mark(endless, tmp_path) -> None:
    store = OutputStore(tmp_path / "outputs.sqlite3")
    engine = PromptedCausalLM(
        HfCausalGenerator(load_causal_lm(endless, "cpu")), "t", "endless", None, store, 32, 4096, 6
    )
    fresh = engine.summarize("An article about a council.")

    def must_not_generate(*args, **kwargs):
        raise AssertionError("a cached output was generated again")

    engine.generator.generate_batch = must_not_generate
    cached = engine.summarize("An article about a council.")
    assert isinstance(fresh, TruncatedText) and isinstance(cached, TruncatedText)
    assert cached == fresh and cached.max_new_tokens == 6
    store.close()


def test_commentary_patterns() -> None:
    for text in (
        "Вот перевод текста: «Войска прибыли».",
        "Конечно, вот перевод: Войска прибыли.",
        "Here is the English translation: Troops arrived.",
        "Translation: Troops arrived.",
        "I'm sorry, but I can't translate this text.",
        "I cannot translate that.",
        "Troops arrived. (Note: the original says 'soldiers'.)",
        "Извините за путаницу. Войска прибыли.",
        "Summary: the council voted.",
    ):
        assert commentary(text) is not None, text
    for text in (
        "Troops arrived in Almaty on Thursday.",
        "«Мы не изменим свою позицию», — сказал министр журналистам.",
        "Moscow: the Kremlin said on Monday it would send troops.",
        "I cannot accept this, the minister said.",
    ):
        assert commentary(text) is None, text
    # The input said it too: a translated apology is no commentary.
    assert commentary("I'm sorry, but we cannot come.", "Извините, но мы не можем прийти.") is None


def test_run_on_a_chat_model_flags_commentary_and_truncation(chatty, endless, tmp_path) -> None:
    result = run_cli(
        "run",
        str(SEED),
        "--translator",
        str(chatty),
        "--summarizer",
        str(endless),
        "--json",
        cache=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    segments = data["translations"][0]["segments"]
    assert all(segment["pivot"] == f"{PREAMBLE} {TRANSLATION}" for segment in segments)
    assert all("commentary" in {flag["code"] for flag in segment["flags"]} for segment in segments)
    summary = next(s for s in data["summaries"] if s["method"] == "abstractive")
    assert "truncated" in {flag["code"] for flag in summary["flags"]}
    assert summary["model"]["settings"]["summary_max_new_tokens"] == CHAT_SUMMARY_MAX_NEW_TOKENS
