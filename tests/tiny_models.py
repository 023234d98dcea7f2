"""Tiny random-weight models of every supported architecture family, built offline in the test.

Each gets a byte-level BPE tokenizer trained here from local text (the seed article and a few
Russian sentences), with the family's language-code tokens and its special tokens at the ids
real checkpoints use (CTranslate2's converter relies on them), and is saved with
``save_pretrained`` (safetensors) like a Hub snapshot. Random weights give garbage text, so tests
check structure and invariants, never the words.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SEED

RUSSIAN = [
    "Ситуация в Казахстане обострилась 2 января, когда в Жанаозене начались митинги.",
    "Затем они переросли в массовые протесты в нескольких городах страны.",
    "Президент объявил чрезвычайное положение и попросил помощи у союзников.",
    "Москва, 6 января. Войска прибыли в Алматы утром в четверг.",
    "Цены на сжиженный газ выросли вдвое с начала года.",
]
# Special tokens in the order, so at the ids, of each family's real checkpoints. CTranslate2 relies
# on them: M2M100 positions start after the pad id (1), and Marian's <pad> is the last id (it is
# added after training, see build_tokenizer).
SPECIAL_LAYOUTS = {
    "default": ["<pad>", "</s>", "<s>", "<unk>"],  # T5, Pegasus, causal LMs
    "fairseq": ["<s>", "<pad>", "</s>", "<unk>"],  # BART, mBART, M2M100, NLLB
    "marian": ["</s>", "<unk>"],
}
FAMILY_LAYOUTS = {
    "bart": "fairseq",
    "mbart50": "fairseq",
    "m2m100": "fairseq",
    "nllb": "fairseq",
    "marian": "marian",
    "led": "fairseq",
}
LANGUAGE_TOKENS = {
    "nllb": ["eng_Latn", "rus_Cyrl", "deu_Latn"],
    "m2m100": ["__en__", "__ru__", "__de__"],
    "mbart50": ["en_XX", "ru_RU", "de_DE"],
    "marian": [">>rus<<", ">>deu<<"],
}
MAX_INPUT_TOKENS = 64
VOCAB_SIZE = 400
# How much more likely </s> is made (see _make_eos_likely), per special-token layout: tuned so
# outputs stop after a varying, input-dependent number of tokens.
EOS_SCALE = {"default": 6.0, "fairseq": 2.0, "marian": 6.0}
CHAT_TEMPLATE = (
    "{% for m in messages %}<s>{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant:{% endif %}"
)


def training_text() -> list[str]:
    return [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()] + (
        RUSSIAN
    )


def build_tokenizer(
    extra_specials: list[str], max_length: int = MAX_INPUT_TOKENS, layout: str = "default"
):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    specials = SPECIAL_LAYOUTS[layout]
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=specials + extra_specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(training_text(), trainer)
    if "<pad>" not in specials:
        tokenizer.add_special_tokens(["<pad>"])  # the last id, as in OPUS-MT vocabularies
    eos = tokenizer.token_to_id("</s>")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", eos)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        pad_token="<pad>",
        eos_token="</s>",
        bos_token="<s>" if "<s>" in specials else None,
        unk_token="<unk>",
        additional_special_tokens=extra_specials,
        model_max_length=max_length,
    )


def _dims(tokenizer, **extra):
    common = {
        "vocab_size": len(tokenizer),
        "pad_token_id": tokenizer.pad_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "bos_token_id": tokenizer.bos_token_id,
    }
    return {**common, **extra}


def _bart_like(tokenizer, decoder_start: int, **extra) -> dict:
    return _dims(
        tokenizer,
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=MAX_INPUT_TOKENS + 256,
        decoder_start_token_id=decoder_start,
        forced_eos_token_id=None,
        # Large random weights, so outputs depend on the input (tiny models with the default
        # initialisation tend to give one output whatever the input).
        init_std=0.5,
        **extra,
    )


def _make_eos_likely(model, eos_id: int, scale: float) -> None:
    """Scale the output row of </s> so random models stop after a few (input-dependent) tokens
    instead of always running to the length limit: keeps the tests fast."""
    import torch

    with torch.no_grad():
        model.get_output_embeddings().weight[eos_id] *= scale


def build_model(family: str, target: Path) -> Path:
    """Save a tiny ``family`` model (and tokenizer) into ``target``; returns ``target``."""
    import torch
    import transformers as tf

    torch.manual_seed(0)
    specials = LANGUAGE_TOKENS.get(family, [])
    layout = FAMILY_LAYOUTS.get(family, "default")
    tokenizer = build_tokenizer(specials, layout=layout)
    eos, pad = tokenizer.eos_token_id, tokenizer.pad_token_id
    # normalize_before / normalize_embedding are in the real BART, mBART and Pegasus configs (from
    # fairseq and TF); transformers ignores them, CTranslate2's converter reads them.
    if family == "marian":
        config = tf.MarianConfig(
            **_bart_like(tokenizer, pad, bos_token_id=eos), decoder_vocab_size=len(tokenizer)
        )
        model = tf.MarianMTModel(config)
        model.generation_config.bad_words_ids = [[pad]]  # as in OPUS-MT checkpoints
    elif family in ("nllb", "m2m100"):
        model = tf.M2M100ForConditionalGeneration(tf.M2M100Config(**_bart_like(tokenizer, eos)))
    elif family == "mbart50":
        config = tf.MBartConfig(**_bart_like(tokenizer, eos, normalize_before=True))
        model = tf.MBartForConditionalGeneration(config)
    elif family == "bart":
        config = tf.BartConfig(**_bart_like(tokenizer, eos, normalize_before=False))
        model = tf.BartForConditionalGeneration(config)
    elif family == "pegasus":
        config = tf.PegasusConfig(
            **_bart_like(tokenizer, pad, normalize_before=True, normalize_embedding=False)
        )
        model = tf.PegasusForConditionalGeneration(config)
    elif family == "led":  # an encoder-decoder architecture CTranslate2 cannot convert
        settings = _bart_like(tokenizer, eos, attention_window=[8])
        del settings["max_position_embeddings"]
        config = tf.LEDConfig(
            **settings,
            max_encoder_position_embeddings=MAX_INPUT_TOKENS,
            max_decoder_position_embeddings=256,
        )
        model = tf.LEDForConditionalGeneration(config)
    elif family == "t5":
        config = tf.T5Config(
            **_dims(tokenizer, decoder_start_token_id=pad),
            d_model=16,
            d_kv=8,
            d_ff=32,
            num_layers=1,
            num_decoder_layers=1,
            num_heads=2,
            initializer_factor=20.0,
        )
        model = tf.T5ForConditionalGeneration(config)
    elif family in ("causal", "causal-chat"):
        config = tf.LlamaConfig(
            **_dims(tokenizer),
            hidden_size=16,
            intermediate_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=2,
            max_position_embeddings=4096,
            initializer_range=0.5,
        )
        model = tf.LlamaForCausalLM(config)
        tokenizer = build_tokenizer([], max_length=4096)
        if family == "causal-chat":
            tokenizer.chat_template = CHAT_TEMPLATE
    elif family == "causal-gpt-neo":  # an architecture CTranslate2 cannot convert
        config = tf.GPTNeoConfig(
            **_dims(tokenizer),
            hidden_size=16,
            num_layers=1,
            num_heads=2,
            attention_types=[[["global"], 1]],
            max_position_embeddings=4096,
        )
        model = tf.GPTNeoForCausalLM(config)
        tokenizer = build_tokenizer([], max_length=4096)
    else:
        raise ValueError(family)
    model.generation_config.max_length = None
    _make_eos_likely(model, eos, EOS_SCALE[layout])
    target.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return target


FAMILIES = ("marian", "nllb", "m2m100", "mbart50", "bart", "pegasus", "t5", "causal", "causal-chat")


def build_all(root: Path) -> dict[str, Path]:
    return {family: build_model(family, root / f"tiny-{family}") for family in FAMILIES}
