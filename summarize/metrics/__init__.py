"""Metrics: one module per family; every score carries a signature of the settings behind it."""
