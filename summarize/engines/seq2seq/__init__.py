"""Encoder-decoder models: the engine (``engine.py``), loading and the model families
(``models.py``, ``families.py``), and the generators on transformers (``hf.py``) or CTranslate2
(``ct2.py``)."""
