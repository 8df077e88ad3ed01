"""Which backend scores the chunks: options, environment and defaults, attaching it to an index,
and what jixiao doctor says of it. The seam itself is index/backends.py."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from index.backends import EmbeddedBackend
from index.search import IndexMismatch
from index.store import IndexUnavailable, open_index

BACKENDS = ("faiss", "milvus")
DEFAULT_BACKEND = "faiss"


def resolve(backend: str | None = None, uri: str | None = None, home: str | os.PathLike | None = None):
    """(backend name, Milvus URI or None, where the URI came from) from the options, then the
    environment, then the defaults (faiss; Milvus Lite in <data dir>/milvus.db)."""
    name = (backend or os.environ.get("JIXIAO_BACKEND") or DEFAULT_BACKEND).strip().lower()
    if name not in BACKENDS:
        source = "--backend" if backend else "环境变量 JIXIAO_BACKEND"
        # IndexUnavailable: what the CLI and the page already report as one line, never a traceback
        raise IndexUnavailable(f"{source} 的值“{name}”不是可用的检索后端。可选：{'、'.join(BACKENDS)}（默认 faiss）。")
    if name != "milvus":
        return name, None, None
    if uri:
        return name, uri.strip(), "--milvus-uri"
    if os.environ.get("JIXIAO_MILVUS_URI"):
        return name, os.environ["JIXIAO_MILVUS_URI"].strip(), "环境变量 JIXIAO_MILVUS_URI"
    from embeddings import data_dir

    return name, str(Path(data_dir(home)) / "milvus.db"), "默认位置（数据目录下的 milvus.db）"


def attach_backend(index, home=None, backend: str | None = None, uri: str | None = None,
                   rebuild: bool | None = None, log=lambda msg: print(msg, file=sys.stderr)):
    """Make `index` score its chunks on the chosen backend (the default leaves it as it is).

    For Milvus the collection is checked against the index (corpus fingerprint, model, the chunks'
    vectors and BM25 weights) and written from it when missing or different — unless rebuild is
    False, which raises IndexMismatch instead; rebuild True always rewrites it."""
    name, uri, source = resolve(backend, uri, home)
    if name == DEFAULT_BACKEND:
        index.backend = EmbeddedBackend(index)
        return index
    from index.milvus_backend import open_milvus

    index.backend = open_milvus(index, uri, source, rebuild=rebuild, log=log)
    return index


def open_search_index(home=None, model=None, corpus_files=None, rebuild=None, backend=None, milvus_uri=None, **kwargs):
    """open_index, then attach_backend: what the CLI and the page call."""
    log = kwargs.get("log", lambda msg: print(msg, file=sys.stderr))
    name, uri, source = resolve(backend, milvus_uri, home)  # a bad backend or URI is said before the index is loaded
    if name == "milvus":
        from index.milvus_backend import check_uri

        check_uri(uri, source)
    index = open_index(home=home, model=model, corpus_files=corpus_files, rebuild=rebuild, **kwargs)
    return attach_backend(index, home, backend, milvus_uri, rebuild=rebuild, log=log)


def doctor_lines(home=None, model=None, corpus_files=None, backend=None, milvus_uri=None) -> list[tuple[bool, str]]:
    """jixiao doctor's lines for a non-default backend: is the Milvus collection the index's?"""
    try:
        name, uri, _ = resolve(backend, milvus_uri, home)
    except IndexUnavailable as exc:
        return [(False, str(exc))]
    if name == DEFAULT_BACKEND:
        return []
    try:
        index = open_index(home=home, model=model, corpus_files=corpus_files, rebuild=False, progress=False, log=lambda m: None)
    except (IndexMismatch, IndexUnavailable, ValueError, RuntimeError):
        return [(False, "Milvus 集合无法核对：本地索引不可用（见上）")]
    try:
        attach_backend(index, home, name, uri, rebuild=False)
    except (IndexMismatch, IndexUnavailable) as exc:
        return [(False, str(exc))]
    return [(True, f"Milvus 集合 {index.backend.collection}（{uri}）与索引一致：{len(index.chunks)} 个片段")]
