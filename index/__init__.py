"""Indexing: documents → clean text → clauses → chunks → embeddings → Chroma + BM25."""
