"""Engines: one small interface per role (translator, summariser, embedder), one module each
backend."""
