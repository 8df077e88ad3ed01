"""Passage vectors cached by content: sha256 of the model's identity and the passage text.

Embedding is what a build costs; everything else (BM25, FAISS) is rebuilt in seconds. With the
cache, adding ten forms to a library embeds only their chunks, and removing them embeds nothing.
The cache is a SQLite file in the data directory; each batch is committed as it is encoded, so
an interrupted build keeps what it had done. It is only a cache: when it cannot be read or
written (a read-only or damaged file), passages are encoded as without it.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np

from embeddings.home import pause_point

CACHE_FILE = "embedding-cache.sqlite"
_BATCH = 256  # passages encoded (and committed to the cache) at a time
_LOOKUP = 500  # keys per SELECT … IN (…)
log = logging.getLogger("jixiao.embeddings")


def model_namespace(model_id: str, path: Path | None, dim: int, prompt: str | None) -> str:
    """What a cached vector depends on besides the text: the model, its weights' files, the prompt."""
    h = hashlib.sha256(f"{model_id}\0{dim}\0{prompt or ''}".encode("utf-8"))
    if path is not None and Path(path).is_dir():
        for item in sorted(Path(path).iterdir()):
            if item.is_file() and item.suffix in (".safetensors", ".bin", ".json"):
                stat = item.stat()
                h.update(f"\0{item.name}\0{stat.st_size}".encode("utf-8"))
                if item.suffix == ".json" and stat.st_size < 1 << 20:  # configs, not the tokenizer's vocabulary
                    h.update(item.read_bytes())
    return h.hexdigest()[:32]


class PassageCache:
    """Vectors of passages under one model namespace, in a SQLite file."""

    def __init__(self, path: Path, namespace: str, dim: int):
        self.path = Path(path)
        self.namespace = namespace
        self.dim = dim
        self.hits = self.misses = 0
        self._broken = False

    def _key(self, text: str) -> bytes:
        return hashlib.sha256(f"{self.namespace}\0{text}".encode("utf-8")).digest()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        conn.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        return conn

    def _disable(self, exc: Exception) -> None:
        if not self._broken:
            log.warning("嵌入缓存 %s 无法使用（%s），本次不使用缓存。", self.path, exc)
        self._broken = True

    def get_many(self, texts: list[str]) -> dict[int, np.ndarray]:
        """{position in texts: vector} for the texts already cached."""
        if self._broken or not texts or not self.path.exists():
            return {}
        keys = [self._key(t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        try:
            with closing(self._connect()) as conn:
                for start in range(0, len(keys), _LOOKUP):
                    part = keys[start : start + _LOOKUP]
                    rows = conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})", part)
                    for key, blob in rows:
                        vector = np.frombuffer(blob, dtype=np.float32)
                        if vector.shape == (self.dim,):
                            found[key] = vector
        except sqlite3.Error as exc:
            self._disable(exc)
            return {}
        return {i: found[k] for i, k in enumerate(keys) if k in found}

    def put_many(self, texts: list[str], vectors: np.ndarray) -> None:
        if self._broken or not texts:
            return
        rows = [(self._key(t), np.ascontiguousarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors)]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)", rows)
                conn.execute("COMMIT")
        except (sqlite3.Error, OSError) as exc:
            self._disable(exc)

    def forget(self, texts: list[str]) -> None:
        """Drop these texts' vectors (a benchmark measures their embedding again)."""
        if self._broken or not texts or not self.path.exists():
            return
        try:
            with closing(self._connect()) as conn:
                conn.executemany("DELETE FROM vectors WHERE key = ?", [(self._key(t),) for t in texts])
        except sqlite3.Error as exc:
            self._disable(exc)

    def count(self) -> int:
        if not self.path.exists():
            return 0
        try:
            with closing(self._connect()) as conn:
                return int(conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
        except sqlite3.Error:
            return 0

    def encode(self, encode, texts: list[str], progress: bool = False) -> np.ndarray:
        """Vectors of texts: cached ones looked up, the others encoded with encode(texts, progress)
        batch by batch and cached."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        cached = self.get_many(texts)
        for i, vector in cached.items():
            out[i] = vector
        missing = [i for i in range(len(texts)) if i not in cached]
        self.hits += len(cached)
        self.misses += len(missing)
        # each distinct missing text once (a chunk text can repeat across forms)
        first: dict[str, int] = {}
        for i in missing:
            first.setdefault(texts[i], i)
        # shortest first: each batch then pads little, as one sorted call would (sentence-transformers
        # sorts within a call only)
        todo = sorted(first, key=len)
        for start in range(0, len(todo), _BATCH):
            part = todo[start : start + _BATCH]
            vectors = encode(part, progress and len(todo) > _BATCH)
            self.put_many(part, vectors)
            for text, vector in zip(part, vectors):
                out[first[text]] = vector
            pause_point("embedding")
        for i in missing:
            out[i] = out[first[texts[i]]]
        return out


def encode_passages(embedder, texts: list[str], progress: bool = False) -> np.ndarray:
    """The embedder's passage vectors, through its cache when it has one (Embedder does; a test's
    stand-in need not)."""
    cache = getattr(embedder, "passage_cache", None)
    if cache is None:
        return embedder.encode_passages(texts, progress=progress)
    return cache.encode(lambda part, show: embedder.encode_passages(part, progress=show), texts, progress)
