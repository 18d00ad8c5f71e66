"""Answering: question → hybrid retrieval → numbered context → answer → verified citations."""
