"""Evaluation harness: gold Q&A pairs, metrics (one module each), runner and reports."""
