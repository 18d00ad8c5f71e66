"""Prompt files live here; qa/answer/prompts.py loads and validates them by name."""
