"""Input: articles and batches of documents read and checked, WMT test sets, sentence segments and
languages."""
