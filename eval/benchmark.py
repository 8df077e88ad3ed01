"""How cost grows: build and query synthetic corpora of 1k, 10k and 100k chunks.

Synthetic corpora are derived from the real one: records are cloned under new codes,
chunk texts keep the real vocabulary, and chunk vectors are the real vectors plus a
little noise (re-normalised). BM25, FAISS and fusion are measured at the real sizes.
Embedding 100k passages would take most of an hour on 2 cores, so passage throughput
is measured on a real sample and the embedding time is extrapolated (reported as such).
Queries are the real evaluation questions, embedded for real.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from eval.questions import load_questions
from eval.report import markdown_table, percentile


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def synthetic(index, n_chunks: int, seed: int = 7):
    """(records, chunks, vectors) of about n_chunks, derived from the real index."""
    from index.chunks import Chunk

    rng = np.random.default_rng(seed)
    base_records, base_chunks, base_vectors = index.records, index.chunks, index.vectors
    by_seq: dict[int, list[int]] = {}
    for c in base_chunks:
        by_seq.setdefault(c.seq, []).append(c.id)
    records, chunks, rows = [], [], []
    copy = 0
    while len(chunks) < n_chunks:
        for r in base_records:
            if len(chunks) >= n_chunks:
                break
            seq = len(records) + 1
            code = f"{r.code}-{copy}"
            records.append(r.model_copy(update={"seq": seq, "code": code, "name": f"{r.name}（副本{copy}）"}))
            for cid in by_seq[r.seq]:
                if len(chunks) >= n_chunks:
                    break
                src = base_chunks[cid]
                chunks.append(Chunk(len(chunks), code, seq, src.field, src.text, src.line_start, src.line_end))
                rows.append(cid)
        copy += 1
    vectors = base_vectors[rows] + rng.normal(0, 0.02, size=(len(rows), base_vectors.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return records, chunks, np.ascontiguousarray(vectors, dtype=np.float32)


def passage_throughput(index, sample: int = 256) -> float:
    texts = [c.text for c in index.chunks[:sample]]
    start = time.perf_counter()
    index.embedder.encode_passages(texts)
    return len(texts) / (time.perf_counter() - start)


def build_synthetic(index, n_chunks: int):
    """(synthetic SearchIndex, build seconds, memory MB) of about n_chunks, built as the index is."""
    import bm25s

    from index.search import SearchIndex
    from index.tokenize import ChineseTokenizer, domain_terms

    records, chunks, vectors = synthetic(index, n_chunks)
    gc.collect()
    rss_before = _rss_mb()
    start = time.perf_counter()
    tokenizer = ChineseTokenizer(domain_terms(index.records))
    tokens = [tokenizer(c.text) for c in chunks]
    t_tokenize = time.perf_counter() - start
    start = time.perf_counter()
    bm25 = bm25s.BM25()
    bm25.index(tokens, show_progress=False)
    t_bm25 = time.perf_counter() - start
    start = time.perf_counter()
    synthetic_index = SearchIndex(records, chunks, vectors, tokenizer, bm25, index.embedder)
    t_faiss = time.perf_counter() - start
    rss_after = _rss_mb()
    build = {"tokenize": t_tokenize, "bm25": t_bm25, "faiss_and_setup": t_faiss}
    return synthetic_index, build, {"rss_increase": rss_after - rss_before, "rss_total": rss_after}


def query_latencies(search_index, queries: list[str]) -> dict:
    """p50/p95 per mode with the encoder, and hybrid with the query vectors computed beforehand."""
    search_index.search(queries[0], k=10)  # warm
    latencies = {}
    uncached = getattr(search_index.embedder, "uncached", None)
    with uncached() if uncached else contextlib.nullcontext():  # each mode encodes its queries itself
        for mode in ("bm25", "dense", "hybrid"):
            times = []
            for q in queries:
                start = time.perf_counter()
                search_index.search(q, k=10, mode=mode)
                times.append((time.perf_counter() - start) * 1000)
            latencies[mode] = {"p50": percentile(times, 50), "p95": percentile(times, 95)}
    # The same hybrid queries with their vectors computed beforehand: what the index itself costs at this
    # size, apart from the encoder (whose time does not depend on the index and swings with CPU load).
    from eval.tune import _MemoEmbedder

    encoder = search_index.embedder
    search_index.embedder = _MemoEmbedder(encoder)
    search_index.embedder.encode_queries(queries)
    times = []
    try:
        for q in queries:
            start = time.perf_counter()
            search_index.search(q, k=10)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        search_index.embedder = encoder
    latencies["hybrid_without_encoding"] = {"p50": percentile(times, 50), "p95": percentile(times, 95)}
    return latencies


def bench_size(index, n_chunks: int, queries: list[str], throughput: float, backends=("faiss",)) -> dict:
    synthetic_index, build, memory = build_synthetic(index, n_chunks)
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    try:
        synthetic_index.save(tmp / "index")
        size_mb = _dir_mb(tmp / "index")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    embed_seconds = n_chunks / throughput
    row = {
        "chunks": n_chunks,
        "records": len(synthetic_index.records),
        "faiss_index": type(synthetic_index.faiss).__name__,
        "build_seconds": dict(build, embedding_extrapolated=embed_seconds,
                              total_with_embedding=sum(build.values()) + embed_seconds),
        "index_size_mb": size_mb,
        "memory_mb": memory,
        "query_ms": query_latencies(synthetic_index, queries),
    }
    if "milvus" in backends:
        from eval.benchmark_milvus import bench_milvus

        row["milvus"] = bench_milvus(synthetic_index, queries, query_latencies)
    return row


def run_benchmark(index, sizes=(1_000, 10_000, 100_000), backends=("faiss",)) -> dict:
    queries = [q.question for q in load_questions("all")][:100]
    throughput = passage_throughput(index)
    rows = [bench_size(index, n, queries, throughput, backends) for n in sizes]
    return {"passages_per_second": throughput, "threads": os.cpu_count(), "backends": list(backends), "sizes": rows}


def benchmark_table(result: dict) -> str:
    rows = []
    for r in result["sizes"]:
        b, q = r["build_seconds"], r["query_ms"]
        rows.append([
            r["chunks"], r["faiss_index"], f"{b['tokenize'] + b['bm25'] + b['faiss_and_setup']:.1f}",
            f"{b['embedding_extrapolated']:.0f}", f"{r['index_size_mb']:.1f}", f"{r['memory_mb']['rss_increase']:.0f}",
            f"{q['bm25']['p50']:.1f}", f"{q['dense']['p50']:.1f}", f"{q['hybrid']['p50']:.1f}", f"{q['hybrid']['p95']:.1f}",
            f"{q['hybrid_without_encoding']['p50']:.1f}", f"{q['hybrid_without_encoding']['p95']:.1f}",
        ])
    header = ["chunks", "FAISS", "build s (tokenize+BM25+FAISS)", "embed s (extrapolated)", "index MB",
              "RSS +MB", "bm25 p50 ms", "dense p50 ms", "hybrid p50 ms", "hybrid p95 ms",
              "hybrid p50 ms w/o encoding", "hybrid p95 ms w/o encoding"]
    return markdown_table(header, rows)
