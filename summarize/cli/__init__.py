"""The command line: the Typer app (``main.py``) and ``summarize models`` (``models.py``)."""
