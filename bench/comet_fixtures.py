"""Tiny COMET-22 and CometKiwi models, scored by unbabel-comet itself: the fixtures that
tests/test_comet.py compares this package's implementation with.

unbabel-comet pins transformers<5, numpy<2 and huggingface-hub<1, so it cannot be installed
beside this package; run this script with a separate virtual environment outside the repository:

    python3 -m venv /tmp/comet-venv
    /tmp/comet-venv/bin/pip install torch==2.13.0      # the CPU build this project pins
    /tmp/comet-venv/bin/pip install unbabel-comet==2.2.7
    HF_HUB_OFFLINE=1 /tmp/comet-venv/bin/python bench/comet_fixtures.py

It writes ``tests/data/comet/``:

- ``encoder/``: a tiny XLM-R configuration (2 layers, hidden size 32, 64 positions, so that long
  segments are truncated as real ones are at 512) and a sentencepiece tokenizer trained here on
  the segments below; no weights (each checkpoint carries its encoder's);
- ``wmt22-comet-da/`` and ``wmt22-cometkiwi-da/``: ``hparams.yaml`` and
  ``checkpoints/model.ckpt`` as on the Hub, the hyper-parameters of the real models (regression
  metric: layer mix with sparsemax, average pooling, the six-part feature vector; unified metric:
  the joint ``mt </s></s> src`` encoding, layer-normalised mix, CLS pooling) with smaller hidden
  sizes, and seeded random weights (the layer-mix weights too, so sparsemax drops layers);
  ``pretrained_model`` is ``../encoder``, relative to the model folder;
- ``scores.json``: the 20 segment triples and, per model, unbabel-comet's segment scores and
  system score from ``model.predict(..., gpus=0)``, with the versions that made them.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "comet"
SEED = 29
BATCH_SIZE = 8  # several batches of different lengths, as unbabel-comet sorts and pads them

# (source, translation, reference): several languages, short and long (the long ones pass the
# tiny encoder's 64 positions), a copy, an empty-ish and a wrong translation.
TRIPLES = [
    ("Привет, мир!", "Hello, world!", "Hello, world!"),
    ("Кошка сидит на ковре.", "The cat sits on the carpet.", "The cat is sitting on the mat."),
    ("Der Hund schläft.", "The dog sleeps.", "The dog is asleep."),
    ("Le ciel est bleu aujourd'hui.", "The sky is blue today.", "Today the sky is blue."),
    ("東京は日本の首都です。", "Tokyo is the capital of Japan.", "Tokyo is Japan's capital."),
    ("Спасибо.", "Thanks.", "Thank you."),
    ("Я люблю читать книги.", "I love reading books.", "I like to read books."),
    ("Es regnet seit Montag.", "It rains since Monday.", "It has been raining since Monday."),
    ("Он не пришёл вовремя.", "He came on time.", "He did not arrive on time."),
    ("Цены выросли на 5%.", "Prices rose by 50%.", "Prices went up by 5%."),
    ("Москва", "Moscow", "Moscow"),
    ("Доброе утро!", "Доброе утро!", "Good morning!"),
    (
        "La réunion a été reportée à jeudi.",
        "The meeting was moved.",
        "The meeting was postponed to Thursday.",
    ),
    (
        "明日は雨が降るでしょう。",
        "It will probably rain tomorrow.",
        "Tomorrow it will likely rain.",
    ),
    (
        "Правительство объявило о новых мерах поддержки малого бизнеса.",
        "The government announced new measures to support small business.",
        "The government has announced new support measures for small businesses.",
    ),
    (
        "Министерство финансов России в понедельник сообщило, что дефицит федерального бюджета "
        "за первые девять месяцев года составил 1,2 триллиона рублей, что значительно ниже "
        "прогноза, опубликованного весной, и объяснило это ростом нефтегазовых доходов.",
        "The Russian Finance Ministry said on Monday that the federal budget deficit for the "
        "first nine months of the year amounted to 1.2 trillion roubles, well below the forecast "
        "published in the spring, and attributed this to higher oil and gas revenues.",
        "On Monday Russia's Ministry of Finance reported a federal budget deficit of 1.2 trillion "
        "rubles for the first nine months of the year, significantly lower than the spring "
        "forecast, citing growth in oil and gas revenue.",
    ),
    (
        "Die Bundesregierung will bis zum Jahr 2030 achtzig Prozent des Stroms aus erneuerbaren "
        "Energien gewinnen und plant dafür den beschleunigten Ausbau von Wind- und Solaranlagen "
        "im ganzen Land.",
        "The federal government wants to get eighty percent of electricity from renewable "
        "energy by 2030 and is planning an accelerated expansion of wind and solar plants.",
        "The German government aims to generate eighty per cent of its electricity from "
        "renewables by 2030 and plans to speed up the construction of wind and solar farms "
        "across the country.",
    ),
    (
        "Компания заявила, что продажи выросли.",
        "The company said that sales grew, and also that the weather in the capital was sunny "
        "and warm for the whole week, which nobody had expected in October this year.",
        "The company said sales had risen.",
    ),
    (
        "会議は午後三時に始まり、参加者は新しい予算案について二時間にわたって議論した。",
        "The meeting began at three in the afternoon and participants discussed the new budget "
        "proposal for two hours.",
        "The meeting started at 3 p.m., and the participants debated the new draft budget for "
        "two hours.",
    ),
    ("Всё.", "Everything.", "That's all."),
]


def build_tokenizer(folder: Path, texts: list[str]) -> None:
    """A small sentencepiece unigram model in XLM-R's tokenizer (fast, with tokenizer.json)."""
    import sentencepiece as spm
    from transformers import XLMRobertaTokenizerFast

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts * 4),
        model_writer=model,
        vocab_size=400,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=2,
    )
    spm_file = folder / "sentencepiece.bpe.model"
    spm_file.write_bytes(model.getvalue())
    tokenizer = XLMRobertaTokenizerFast(vocab_file=str(spm_file))
    tokenizer.save_pretrained(str(folder))
    spm_file.unlink()  # tokenizer.json holds it all (normaliser included)


def build_config(folder: Path) -> None:
    from transformers import AutoTokenizer, XLMRobertaConfig

    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    XLMRobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=66,
        type_vocab_size=1,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    ).save_pretrained(str(folder))


def randomise(model, seed: int) -> None:
    """Seeded random weights everywhere, larger than a fresh encoder's, so that segments score
    far apart; layer-mix weights that sparsemax turns into (0, 0.4, 0.6): the embedding layer,
    the same for every segment's first token, is dropped, the other two are mixed."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator)
            if "LayerNorm" in name and name.endswith("weight"):
                parameter.copy_(1.0 + 0.1 * noise)
            else:
                parameter.copy_(0.15 * noise)
        for parameter, value in zip(
            model.layerwise_attention.scalar_parameters, (-1.0, 0.4, 0.6), strict=True
        ):
            parameter.fill_(value)
        model.layerwise_attention.gamma.fill_(1.3)


def save_checkpoint(model, folder: Path) -> Path:
    """The Hub layout: ``hparams.yaml`` and ``checkpoints/model.ckpt`` (a state dict and the
    hyper-parameters, as a Lightning checkpoint holds them)."""
    import pytorch_lightning
    import torch
    import yaml

    hparams = dict(model.hparams)
    (folder / "checkpoints").mkdir(parents=True, exist_ok=True)
    (folder / "hparams.yaml").write_text(yaml.safe_dump(hparams, sort_keys=True), encoding="utf-8")
    checkpoint = folder / "checkpoints" / "model.ckpt"
    state = {key: value.clone() for key, value in model.state_dict().items()}
    torch.save(
        {
            "state_dict": state,
            "hyper_parameters": hparams,
            "pytorch-lightning_version": pytorch_lightning.__version__,
        },
        checkpoint,
    )
    return checkpoint


def score(checkpoint: Path, samples: list[dict[str, str]]) -> dict:
    from comet import load_from_checkpoint

    model = load_from_checkpoint(str(checkpoint))
    output = model.predict(samples, batch_size=BATCH_SIZE, gpus=0, progress_bar=False)
    return {"scores": [float(s) for s in output.scores], "system_score": float(output.system_score)}


def main() -> None:
    import comet
    import torch
    import transformers
    from comet.models import RegressionMetric, UnifiedMetric

    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    encoder = OUT / "encoder"
    encoder.mkdir(parents=True, exist_ok=True)
    texts = [text for triple in TRIPLES for text in triple]
    build_tokenizer(encoder, texts)
    build_config(encoder)
    samples = [{"src": src, "mt": mt, "ref": ref} for src, mt, ref in TRIPLES]
    common = {
        "pretrained_model": "../encoder",
        "load_pretrained_weights": False,
        "local_files_only": True,
        "hidden_sizes": [48, 16],
        "activations": "Tanh",
        "final_activation": None,
        "layer_transformation": "sparsemax",
        "dropout": 0.1,
    }
    builders = {
        "wmt22-comet-da": lambda: RegressionMetric(
            layer="mix", layer_norm=False, pool="avg", **common
        ),
        "wmt22-cometkiwi-da": lambda: UnifiedMetric(
            sent_layer="mix",
            layer_norm=True,
            input_segments=["mt", "src"],
            word_level_training=False,
            **common,
        ),
    }
    results = {}
    for offset, (name, build) in enumerate(builders.items()):
        folder = OUT / name
        folder.mkdir(parents=True, exist_ok=True)
        os.chdir(folder)  # pretrained_model is relative to the model folder
        model = build()
        randomise(model, SEED + offset)
        checkpoint = save_checkpoint(model, folder)
        results[name] = score(checkpoint, samples)
        print(name, results[name]["system_score"], file=sys.stderr)
    report = {
        "made_by": "bench/comet_fixtures.py",
        "unbabel_comet": comet.__version__,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "batch_size": BATCH_SIZE,
        "segments": samples,
        "models": results,
    }
    (OUT / "scores.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
