"""Batches: the batch run (``run.py``), its output folder (``folder.py``) and the Ray engine
(``ray_engine.py``)."""
