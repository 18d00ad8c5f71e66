"""Prompt files live here; qa/prompts.py loads and validates them by name."""
