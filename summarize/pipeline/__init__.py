"""The one path every document takes: options and prepared documents (``prepare.py``), a chunk
of documents through the models (``chunk.py``) and the session loading them once
(``session.py``)."""
