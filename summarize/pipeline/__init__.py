"""The one path every document takes: the options (``options.py``), prepared documents
(``prepare.py``), the models they need (``loading.py``), a chunk of documents through the models
(``chunk.py``) and each one's result put together (``assemble.py``), and the session loading the
models once (``session.py``)."""
