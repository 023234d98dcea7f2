"""Tiny random-weight causal LMs with a tokenizer trained here, for fast real-code-path tests.

Random weights give meaningless text; tests compare backends and batching against each other,
never against expected words.
"""

from __future__ import annotations

from pathlib import Path

TRAINING_TEXT = Path(__file__).resolve().parent.parent / "seeds" / "000_e93c88f19b9118b4.txt"
EXTRA_TEXT = [
    "Встреча состоится в Москве в понедельник.",
    "В прошлом году цены на продукты резко выросли.",
    "English: Russian: Article: Summary:",
]


def train_tokenizer(vocab_size: int = 400):
    """A byte-level BPE tokenizer trained on the seed article, as a transformers tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<pad>", "<s>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    lines = TRAINING_TEXT.read_text(encoding="utf-8").splitlines() + EXTRA_TEXT
    tokenizer.train_from_iterator(lines, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", pad_token="<pad>"
    )


def build_causal_lm(directory: Path, family: str = "llama", seed: int = 0) -> Path:
    """Save a tiny random ``family`` (llama or gpt_neo) causal LM and its tokenizer."""
    import torch
    from transformers import AutoModelForCausalLM, GPTNeoConfig, LlamaConfig

    tokenizer = train_tokenizer()
    common = {
        "vocab_size": len(tokenizer),
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
    }
    if family == "llama":
        config = LlamaConfig(
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=2048,
            **common,
        )
    elif family == "gpt_neo":
        config = GPTNeoConfig(
            hidden_size=32,
            num_layers=2,
            num_heads=4,
            attention_types=[[["global"], 2]],
            max_position_embeddings=2048,
            **common,
        )
    else:
        raise ValueError(family)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory
