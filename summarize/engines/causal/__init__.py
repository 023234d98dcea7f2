"""Causal LMs prompted to translate or summarise (``prompted.py``), completing on transformers
(``generators.py``) or CTranslate2 (``ct2.py``)."""
