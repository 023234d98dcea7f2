"""Tasks: re-translation, summarisation and the quality checks on their outputs."""
