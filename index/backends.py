"""Where chunk candidates are scored: the one seam between search and its storage.

Hybrid search needs two numbers per chunk — its BM25 score for the query's jieba tokens and its
dense (inner product) score for the query vector — restricted to the chunks a filter allows. That
is all a backend does. Tokenising, encoding the query, RRF fusion, folding chunks to projects,
whole-form BM25, snippets and everything above stay in SearchIndex and are shared, so both
backends give the same answers:

- ``faiss`` (default): bm25s and FAISS in this process, over the files of the index directory;
- ``milvus``: a Milvus collection (Milvus Lite's local ``.db`` or a Milvus server) holding the same
  chunks, the same vectors and the same BM25 weights as sparse vectors (index/milvus_backend.py).

Chosen with ``--backend`` / ``$JIXIAO_BACKEND`` and ``--milvus-uri`` / ``$JIXIAO_MILVUS_URI``
(index/backend_config.py).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from index.filters import Filters

DENSE_CANDIDATES = 1000  # unfiltered dense search scores this many nearest chunks (the rest score 0)


class ChunkBackend(Protocol):
    """Scores of every chunk (0 where a chunk did not match or is not a candidate)."""

    name: str

    def bm25_scores(self, tokens: list[str], filters: Filters | None, allowed: np.ndarray | None) -> np.ndarray:
        """BM25 of each chunk for the query's tokens (bm25s' lucene BM25, k1 1.5, b 0.75)."""

    def dense_scores(self, vector: np.ndarray, filters: Filters | None, allowed: np.ndarray | None) -> np.ndarray:
        """Inner product of each chunk vector with the query vector: every allowed chunk when a
        filter narrows the chunks, else the DENSE_CANDIDATES nearest."""


class EmbeddedBackend:
    """bm25s + FAISS in this process: the default, reading the index object's own structures."""

    name = "faiss"

    def __init__(self, index):  # a SearchIndex
        self.index = index

    def bm25_scores(self, tokens, filters, allowed) -> np.ndarray:
        ix = self.index
        tokens = [t for t in tokens if t in ix._vocab]
        if not tokens:
            return np.zeros(len(ix.chunks), dtype=np.float32)
        return np.asarray(ix.bm25.get_scores(tokens), dtype=np.float32)

    def dense_scores(self, vector, filters, allowed) -> np.ndarray:
        ix = self.index
        scores = np.zeros(len(ix.chunks), dtype=np.float32)
        if allowed is not None and len(allowed) < len(ix.chunks):
            scores[allowed] = ix.vectors[allowed] @ vector
            return scores
        sims, ids = ix.faiss.search(vector[None, :], min(len(ix.chunks), DENSE_CANDIDATES))
        valid = ids[0] >= 0
        scores[ids[0][valid]] = sims[0][valid]
        return scores
