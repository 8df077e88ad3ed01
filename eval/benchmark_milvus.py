"""The scale benchmark on the Milvus backend, side by side with the embedded one.

The synthetic index of eval/benchmark.py (the same chunks, vectors and BM25 weights) is written to a
Milvus Lite server started for the purpose in a child process on a loopback port, so the server's
memory is measured apart from the client's; the same queries are then run through the Milvus
backend and their hybrid top 10 compared with the embedded backend's.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval.report import markdown_table

BENCH_COLLECTION = "jixiao_bench"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def lite_server(data_dir: Path, timeout: float = 60.0):
    """A Milvus Lite gRPC server (`milvus-lite server`) on 127.0.0.1 in a child process: (process, uri).
    Stopped, by its own pid, on leaving."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"milvus-lite server exited: {proc.stderr.read().decode(errors='replace')[-500:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("milvus-lite server did not start listening in time")
            time.sleep(0.2)
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def process_memory_mb(pid: int) -> dict:
    """Resident memory now and at its peak (VmRSS, VmHWM) of a process, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return {"rss": out.get("VmRSS", 0.0), "peak": out.get("VmHWM", 0.0)}


def _top10(search_index, queries: list[str]) -> list[list[str]]:
    return [[h.code for h in search_index.search(q, k=10)] for q in queries]


def bench_milvus(synthetic_index, queries: list[str], query_latencies) -> dict:
    """Build time, server memory, query latencies (measured by `query_latencies(index, queries)`, the
    embedded side's own measure) and agreement with the embedded backend."""
    from index.backends import EmbeddedBackend
    from index.milvus_backend import MilvusBackend, build_collection, connect

    embedded = _top10(synthetic_index, queries)
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-bench-milvus-"))
    try:
        with lite_server(tmp / "milvus") as (proc, uri):
            idle = process_memory_mb(proc.pid)
            client = connect(uri, "基准测试")
            start = time.perf_counter()
            build_collection(client, BENCH_COLLECTION, synthetic_index)
            build_seconds = time.perf_counter() - start
            loaded = process_memory_mb(proc.pid)
            synthetic_index.backend = MilvusBackend(client, BENCH_COLLECTION, synthetic_index, uri)
            try:
                latencies = query_latencies(synthetic_index, queries)
                milvus = _top10(synthetic_index, queries)
            finally:
                synthetic_index.backend = EmbeddedBackend(synthetic_index)
            served = process_memory_mb(proc.pid)
            client.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    same = sum(a == b for a, b in zip(embedded, milvus))
    overlap = sum(len(set(a) & set(b)) / max(1, len(a)) for a, b in zip(embedded, milvus)) / len(queries)
    return {
        "server": "milvus-lite server (child process, 127.0.0.1)",
        "build_seconds": build_seconds,
        "server_memory_mb": {"idle": idle["rss"], "loaded": loaded["rss"], "after_queries": served["rss"],
                             "peak": served["peak"]},
        "query_ms": latencies,
        "agreement": {"same_top10": same / len(queries), "overlap_at_10": overlap, "queries": len(queries)},
    }


def side_by_side_table(result: dict) -> str:
    rows = []
    for r in result["sizes"]:
        b, q = r["build_seconds"], r["query_ms"]
        rows.append([r["chunks"], "faiss (bm25s + FAISS)", f"{b['tokenize'] + b['bm25'] + b['faiss_and_setup']:.1f}",
                     f"{q['hybrid']['p50']:.1f}", f"{q['hybrid']['p95']:.1f}", f"{q['hybrid_without_encoding']['p50']:.1f}",
                     f"{q['hybrid_without_encoding']['p95']:.1f}", f"+{r['memory_mb']['rss_increase']:.0f}（本进程）", ""])
        m = r.get("milvus")
        if m:
            mq, mem = m["query_ms"], m["server_memory_mb"]
            rows.append([r["chunks"], "milvus (Milvus Lite server)", f"{b['tokenize'] + b['bm25'] + m['build_seconds']:.1f}",
                         f"{mq['hybrid']['p50']:.1f}", f"{mq['hybrid']['p95']:.1f}", f"{mq['hybrid_without_encoding']['p50']:.1f}",
                         f"{mq['hybrid_without_encoding']['p95']:.1f}",
                         f"{mem['after_queries']:.0f}（服务器进程，空载 {mem['idle']:.0f}，峰值 {mem['peak']:.0f}）",
                         f"{m['agreement']['same_top10']:.3f}"])
    header = ["chunks", "backend", "build s (tokenize+BM25+index)", "hybrid p50 ms", "hybrid p95 ms",
              "p50 ms w/o encoding", "p95 ms w/o encoding", "memory MB", "same top 10 as faiss"]
    return markdown_table(header, rows)
