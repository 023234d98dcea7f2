"""COMET-22 and CometKiwi (Unbabel): learned translation metrics on an XLM-R encoder.

The checkpoints on the Hugging Face Hub (``checkpoints/model.ckpt`` and ``hparams.yaml``) are read
here without unbabel-comet (which pins transformers<5): transformers' ``XLMRobertaModel`` is the
encoder, and the estimator on top of it (layer mix, pooling, feature combination, feed-forward
head) is written here as the checkpoint's hyper-parameters describe it. tests/test_comet.py
checks segment and system scores against unbabel-comet's own on tiny checkpoints
(bench/comet_fixtures.py).

- :mod:`.files`: the model folder (local, or a Hub id in the standard cache), its
  hyper-parameters and its tensors (never pickled code);
- :mod:`.estimator`: the network;
- :mod:`.inputs`: tokenising, joining and padding as unbabel-comet does;
- :mod:`.scorer`: segment scores from lists of texts, batch by equal length;
- :mod:`.metric`: the registry's corpus metrics and the per-leg scorer.
"""

from __future__ import annotations

COMET_MODEL = "Unbabel/wmt22-comet-da"
KIWI_MODEL = "Unbabel/wmt22-cometkiwi-da"
