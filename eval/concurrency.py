"""20 users at once: concurrent /ask calls through gradio_client against a running page."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor

from app.answer import Answerer
from app.web import build_app, launch
from eval.questions import load_questions
from eval.report import percentile


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_test(index, n: int = 20) -> dict:
    from gradio_client import Client

    answerer = Answerer(index)
    questions = [q.question for q in load_questions("all", ("fact", "aggregate", "known_item"))][:n]
    expected = {q: answerer.ask(q)[0].to_json() for q in questions}
    port = _free_port()
    demo = launch(build_app(answerer), port=port, prevent_thread_lock=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        clients = [Client(url, verbose=False) for _ in questions]

        def call(pair):
            client, question = pair
            start = time.perf_counter()
            data = client.predict(question, api_name="/ask")
            return question, data, time.perf_counter() - start

        wall = time.perf_counter()
        with ThreadPoolExecutor(max_workers=n) as pool:
            results = list(pool.map(call, zip(clients, questions)))
        wall = time.perf_counter() - wall
    finally:
        demo.close()
    latencies = [r[2] for r in results]
    correct = sum(1 for q, data, _ in results if data == expected[q])
    return {"calls": len(results), "correct": correct, "wall_seconds": wall,
            "latency_seconds": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "max": max(latencies)}}
