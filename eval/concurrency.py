"""A bounded load test of the page's named endpoints, on this machine only.

`jixiao loadtest` starts the page in a child process on 127.0.0.1 (so the clients' threads do
not compete with the server for one interpreter), then:

1. N clients each ask /ask questions back to back for S seconds;
2. B /search calls are sent at once (a burst).

Each client keeps one session id across its calls, as gradio_client and the browser do.

It reports errors, latency percentiles, answers that differ from a direct call, and the
server's resident memory before and after. Traffic goes to 127.0.0.1 only, and both the
number of clients and the duration are capped (LIMITS).

Calls use Gradio's HTTP API as any client would: POST /gradio_api/call/<name> returns an
event id; GET /gradio_api/call/<name>/<id> streams the result.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from eval.report import percentile

LIMITS = {"--clients": (1, 200), "--seconds": (1, 600), "--burst": (1, 1000)}
HOST = "127.0.0.1"  # never anywhere else
CALL_TIMEOUT = 60.0
TARGETS = {"ask_p95": 1.5, "search_p95": 3.0, "memory_growth": 0.10}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def rss_bytes(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


class ApiError(Exception):
    pass


def call(port: int, api_name: str, data: list, timeout: float = CALL_TIMEOUT, session: str | None = None):
    """One call of a named endpoint; returns its output (the endpoint's JSON).

    session: the client's session id, kept across its calls as gradio_client and the browser do;
    None makes every call a session of its own (the heaviest pattern for the server)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        payload = {"data": data} if session is None else {"data": data, "session_hash": session}
        body = json.dumps(payload).encode("utf-8")
        conn.request("POST", f"/gradio_api/call/{api_name}", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        raw = response.read()
        if response.status != 200:
            raise ApiError(f"HTTP {response.status}: {raw[:200]!r}")
        event_id = json.loads(raw)["event_id"]
        conn.request("GET", f"/gradio_api/call/{api_name}/{event_id}")
        response = conn.getresponse()
        if response.status != 200:
            raise ApiError(f"HTTP {response.status}")
        event = None
        for line in response:
            line = line.decode("utf-8").rstrip("\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                payload = line[5:].strip()
                if event == "error":
                    raise ApiError(f"error event: {payload[:200]}")
                return json.loads(payload)[0]
        raise ApiError("stream ended without a result")
    finally:
        conn.close()


def search_args(query: str) -> list:
    """All nine inputs of /search (the HTTP API, unlike gradio_client, does not fill defaults)."""
    return [query, 10, "hybrid", "", "", "", "", None, None]


def _timed(port: int, api_name: str, data: list, session: str | None = None):
    start = time.perf_counter()
    try:
        return call(port, api_name, data, session=session), time.perf_counter() - start, None
    except Exception as exc:  # counted and reported, never raised: the run must finish
        return None, time.perf_counter() - start, f"{type(exc).__name__}: {exc}"


def _warm(port: int, questions: list[str], n: int, step: int, until: float) -> None:
    i = n
    while time.monotonic() < until:
        _timed(port, "ask", [questions[i % len(questions)]], session=f"loadtest-ask-{n}")
        i += step


def _stats(latencies: list[float]) -> dict:
    if not latencies:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    return {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
            "max": max(latencies)}


def run_load(port: int, questions: list[str], queries: list[str], expected: dict[str, dict] | None = None,
             clients: int = 50, seconds: float = 60.0, burst: int = 200, server_pid: int | None = None) -> dict:
    """Drive a running page on 127.0.0.1:port; returns the measurements."""
    pid = server_pid or os.getpid()
    # Warm-up, not measured: caches, allocator pools and worker threads reach their working size
    # here, so that the memory measured afterwards is growth under load, not start-up.
    warm_until = time.monotonic() + min(5.0, max(1.0, seconds / 6))
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(lambda n: _warm(port, questions, n, clients, warm_until), range(clients)))
    # warm-up searches use other texts than the burst, so the burst finds no query vector cached
    warm_queries = [f"{q} 的情况" for q in queries[: min(burst, 50)]]
    with ThreadPoolExecutor(max_workers=len(warm_queries)) as pool:
        list(pool.map(lambda n: _timed(port, "search", search_args(warm_queries[n]), session=f"loadtest-search-{n}"),
                      range(len(warm_queries))))
    rss_before = rss_bytes(pid)

    ask_latencies: list[float] = []
    ask_errors: list[str] = []
    mismatches: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        i = n
        while time.monotonic() < stop_at:
            question = questions[i % len(questions)]
            i += clients
            data, took, error = _timed(port, "ask", [question], session=f"loadtest-ask-{n}")
            with lock:
                ask_latencies.append(took)
                if error:
                    ask_errors.append(error)
                elif expected is not None and question in expected and data != expected[question]:
                    mismatches.append(question)

    wall = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + CALL_TIMEOUT + 5)
    ask_wall = time.perf_counter() - wall
    rss_after_ask = rss_bytes(pid)

    burst_queries = [queries[i % len(queries)] for i in range(burst)]
    wall = time.perf_counter()
    with ThreadPoolExecutor(max_workers=burst) as pool:
        results = list(pool.map(lambda n: _timed(port, "search", search_args(burst_queries[n]),
                                                session=f"loadtest-burst-{n}"), range(burst)))
    burst_wall = time.perf_counter() - wall
    rss_after = rss_bytes(pid)

    search_errors = [error for _, _, error in results if error]
    search_errors += [f"endpoint error: {data['error']}" for data, _, error in results if not error and data and "error" in data]
    growth = (rss_after - rss_before) / rss_before if rss_before and rss_after else None
    ask = _stats(ask_latencies)
    search = _stats([took for _, took, _ in results])
    result = {
        "host": HOST,
        "ask": {"clients": clients, "seconds": seconds, "calls": len(ask_latencies), "errors": len(ask_errors),
                "error_examples": ask_errors[:5], "mismatches": len(mismatches), "mismatch_examples": mismatches[:5],
                "answers_per_second": round(len(ask_latencies) / ask_wall, 2) if ask_wall else None,
                "latency_seconds": ask},
        "search_burst": {"calls": burst, "errors": len(search_errors), "error_examples": search_errors[:5],
                         "wall_seconds": round(burst_wall, 3), "latency_seconds": search},
        "server_memory": {"pid_is_child": server_pid is not None, "rss_before_mb": _mb(rss_before),
                          "rss_after_ask_mb": _mb(rss_after_ask), "rss_after_mb": _mb(rss_after),
                          "growth": round(growth, 4) if growth is not None else None},
        "targets": TARGETS,
    }
    result["passed"] = bool(
        not ask_errors and not search_errors and not mismatches
        and ask["p95"] is not None and ask["p95"] <= TARGETS["ask_p95"]
        and search["p95"] is not None and search["p95"] <= TARGETS["search_p95"]
        and (growth is None or growth <= TARGETS["memory_growth"])
    )
    return result


def _mb(n: int | None) -> float | None:
    return round(n / 1e6, 1) if n else None


def workload(index, n_questions: int = 200) -> tuple[list[str], list[str], dict[str, dict]]:
    """Questions for /ask (with their direct answers) and queries for /search, from the question set."""
    from app.answer import Answerer
    from eval.questions import load_questions

    answerer = Answerer(index)
    questions = [q.question for q in load_questions("all", ("fact", "aggregate", "known_item"))][:n_questions]
    queries = list(dict.fromkeys(q.question for q in load_questions("all", ("known_item", "similar", "indicator"))))
    queries += [q for q in questions if q not in queries]
    expected = {q: answerer.ask(q)[0].to_json() for q in questions}
    return questions, queries, expected


def _wait_ready(port: int, process: subprocess.Popen, limit: float = 600.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"页面进程提前退出（状态 {process.returncode}）。")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/gradio_api/info")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.5)
    raise RuntimeError(f"页面在 {limit:.0f} 秒内没有启动。")


def load_test(index, clients: int = 50, seconds: float = 60.0, burst: int = 200, home=None, model=None) -> dict:
    """Start `jixiao serve` in a child process on a free loopback port, drive it, stop it."""
    questions, queries, expected = workload(index)
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "serve", "--host", HOST, "--port", str(port)]
    if home:
        command += ["--data-dir", str(home)]
    if model:
        command += ["--model", str(model)]
    env = dict(os.environ)
    env.pop("JIXIAO_AUTH", None)  # the load test measures answering, not logging in
    env.pop("JIXIAO_LLM_BASE_URL", None)  # and the record-based answers (those are what `expected` holds)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_ready(port, process)
        return run_load(port, questions, queries, expected, clients, seconds, burst, server_pid=process.pid)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def report_lines(result: dict) -> list[str]:
    ask, burst, mem = result["ask"], result["search_burst"], result["server_memory"]
    a, s = ask["latency_seconds"], burst["latency_seconds"]

    def f(x):
        return "—" if x is None else f"{x:.2f}"

    growth = "—" if mem["growth"] is None else f"{mem['growth'] * 100:.1f}%"
    return [
        f"/ask：{ask['clients']} 个客户端持续 {ask['seconds']:g} 秒，{ask['calls']} 次调用，错误 {ask['errors']}，"
        f"与直接调用不一致 {ask['mismatches']}；每秒 {ask['answers_per_second']} 个回答；"
        f"延迟 p50 {f(a['p50'])} 秒，p95 {f(a['p95'])} 秒，p99 {f(a['p99'])} 秒（目标 p95 ≤ {TARGETS['ask_p95']} 秒）。",
        f"/search：一次性 {burst['calls']} 次，错误 {burst['errors']}，全部完成用时 {burst['wall_seconds']:.2f} 秒；"
        f"延迟 p50 {f(s['p50'])} 秒，p95 {f(s['p95'])} 秒，p99 {f(s['p99'])} 秒（目标 p95 ≤ {TARGETS['search_p95']} 秒）。",
        f"页面进程内存：开始 {mem['rss_before_mb']} MB，/ask 之后 {mem['rss_after_ask_mb']} MB，最后 {mem['rss_after_mb']} MB，"
        f"增长 {growth}（目标 ≤ {TARGETS['memory_growth'] * 100:.0f}%）。",
        "结论：" + ("全部达标。" if result["passed"] else "未全部达标（见上）。"),
    ]
