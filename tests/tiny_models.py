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


def build_scripted_chat_model(target: Path, reply: list[str], end: bool = True) -> Path:
    """A tiny Llama chat model whose greedy reply to any prompt is ``reply`` (a list of pieces,
    each added to the vocabulary as one token), then end-of-sequence when ``end``; without
    ``end`` it repeats the last two pieces for ever (an output that only stops at its limit).

    The weights make it a bigram model: the layers add nothing to the residual stream (zero
    output projections), so the logits depend on the last token alone; each token of the script
    has its own one-hot embedding, and the output row of the token that should follow it points
    along that axis.
    """
    import torch
    import transformers as tf

    torch.manual_seed(0)
    tokenizer = build_tokenizer([], max_length=4096)
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.add_tokens(reply)
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "x"}], tokenize=False, add_generation_prompt=True
    )
    last = tokenizer(prompt, add_special_tokens=False).input_ids[-1]
    chain = [last, *tokenizer.convert_tokens_to_ids(reply)]
    assert len(set(chain)) == len(chain), "every piece of the script must be its own token"
    successors = list(zip(chain, [*chain[1:], tokenizer.eos_token_id], strict=True))
    if not end:  # the last piece is followed by the one before it: a loop
        successors[-1] = (chain[-1], chain[-2])
    hidden = 32
    assert len(chain) <= hidden
    config = tf.LlamaConfig(
        **_dims(tokenizer),
        hidden_size=hidden,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        tie_word_embeddings=False,
    )
    model = tf.LlamaForCausalLM(config)
    with torch.no_grad():
        for layer in model.model.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        embeddings = model.get_input_embeddings().weight
        head = model.get_output_embeddings().weight
        embeddings.normal_(0.0, 0.02)
        head.normal_(0.0, 0.02)
        for axis, (token, successor) in enumerate(successors):
            embeddings[token] = 0.0
            embeddings[token, axis] = 1.0
            head[successor, axis] += 10.0
    model.generation_config.max_length = None
    target.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return target


# GGUF tensor names of a Qwen2 layer (llama.cpp's), by transformers parameter name.
_GGUF_LAYER_TENSORS = {
    "input_layernorm.weight": "attn_norm.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.q_proj.bias": "attn_q.bias",
    "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.k_proj.bias": "attn_k.bias",
    "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.v_proj.bias": "attn_v.bias",
    "self_attn.o_proj.weight": "attn_output.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}
_GGUF_TENSORS = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
}


def write_tiny_gguf(target: Path, q8_0: bool = False) -> Path:
    """A tiny random Qwen2 chat model written as a GGUF file (float32 tensors, a byte-level BPE
    vocabulary with merges, a chat template), the way llama.cpp lays one out. With ``q8_0``,
    the matrices whose rows fill whole Q8_0 blocks (32 values) are stored quantised."""
    import json

    import gguf
    import torch
    import transformers as tf

    torch.manual_seed(0)
    # <|endoftext|> is in every GPT-2-style vocabulary; transformers adds it when it is missing.
    tokenizer = build_tokenizer(["<|endoftext|>"], max_length=4096)
    config = tf.Qwen2Config(
        **_dims(tokenizer),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        tie_word_embeddings=False,
        rms_norm_eps=1e-6,
    )
    model = tf.Qwen2ForCausalLM(config)
    _make_eos_likely(model, tokenizer.eos_token_id, EOS_SCALE["default"])
    spec = json.loads(tokenizer.backend_tokenizer.to_str())
    tokens = [""] * len(tokenizer)
    for token, index in spec["model"]["vocab"].items():
        tokens[index] = token
    special = {entry["id"] for entry in spec["added_tokens"]}
    for entry in spec["added_tokens"]:
        tokens[entry["id"]] = entry["content"]
    merges = [m if isinstance(m, str) else " ".join(m) for m in spec["model"]["merges"]]

    target.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(target), "qwen2")
    writer.add_name("tiny qwen2 chat")
    writer.add_file_type(0)  # all float32
    writer.add_context_length(4096)
    writer.add_embedding_length(16)
    writer.add_block_count(1)
    writer.add_feed_forward_length(32)
    writer.add_head_count(2)
    writer.add_head_count_kv(2)
    writer.add_rope_freq_base(config.rope_parameters["rope_theta"])
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types([3 if i in special else 1 for i in range(len(tokens))])
    writer.add_token_merges(merges)
    writer.add_bos_token_id(tokenizer.bos_token_id)
    writer.add_eos_token_id(tokenizer.eos_token_id)
    writer.add_pad_token_id(tokenizer.pad_token_id)
    writer.add_chat_template(CHAT_TEMPLATE)
    for name, tensor in model.state_dict().items():
        if name in _GGUF_TENSORS:
            gguf_name = _GGUF_TENSORS[name]
        else:
            _, _, layer, rest = name.split(".", 3)
            gguf_name = f"blk.{layer}.{_GGUF_LAYER_TENSORS[rest]}"
        values = tensor.detach().float().numpy()
        if q8_0 and values.ndim == 2 and values.shape[1] % 32 == 0:
            kind = gguf.GGMLQuantizationType.Q8_0
            writer.add_tensor(gguf_name, gguf.quants.quantize(values, kind), raw_dtype=kind)
        else:
            writer.add_tensor(gguf_name, values)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return target
