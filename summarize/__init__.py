"""summarize: re-translate and summarise news articles with local models, and score every output.

The package is importable without torch: heavy libraries are imported lazily by the engines.
"""

__version__ = "0.1.0"
