"""Retrieval quality and latency per mode and question kind, scored with ranx."""

from __future__ import annotations

import time
import warnings

from eval.questions import RETRIEVAL_KINDS, load_questions
from eval.report import markdown_table, percentile

METRICS = ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"]


def evaluate_retrieval(index, split: str = "test", modes=("bm25", "dense", "hybrid"), k: int = 10) -> dict:
    uncached = getattr(index.embedder, "uncached", None)
    if uncached is None:
        return _evaluate_retrieval(index, split, modes, k)
    with uncached():  # every mode encodes its queries itself: latencies are not cache hits
        return _evaluate_retrieval(index, split, modes, k)


def _evaluate_retrieval(index, split: str, modes, k: int) -> dict:
    from ranx import Qrels, Run, evaluate

    questions = load_questions(split, RETRIEVAL_KINDS)
    index.search("预热", k=1)  # warm caches: latency is of warm queries
    results: dict = {
        "split": split,
        "n_questions": len(questions),
        "fusion": index.fusion.to_dict(),
        "model_id": index.embedder.model_id,
        "modes": {},
    }
    for mode in modes:
        per_kind: dict[str, dict] = {}
        run_all: dict[str, dict[str, float]] = {}
        latencies: list[float] = []
        for q in questions:
            start = time.perf_counter()
            hits = index.search(q.question, k=k, mode=mode)
            latencies.append((time.perf_counter() - start) * 1000)
            # ranx wants at least one scored document per query
            run_all[q.id] = {h.code: float(h.score) for h in hits} or {"none": 0.0}
        for kind in (*RETRIEVAL_KINDS, "all"):
            chosen = [q for q in questions if kind in ("all", q.kind)]
            ids = [q.id for q in chosen]
            if not ids:
                continue
            qrels = Qrels({q.id: {c: 1 for c in q.gold_codes} for q in chosen})
            run = Run({i: run_all[i] for i in ids})
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scores = evaluate(qrels, run, METRICS, make_comparable=True)
            per_kind[kind] = {m: float(v) for m, v in scores.items()} | {"n": len(ids)}
        results["modes"][mode] = {
            "kinds": per_kind,
            "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95)},
        }
    return results


def retrieval_table(results: dict) -> str:
    rows = []
    for mode, body in results["modes"].items():
        lat = body["latency_ms"]
        for kind, m in body["kinds"].items():
            rows.append([mode, kind, m["n"], *[m[x] for x in METRICS], f"{lat['p50']:.1f}", f"{lat['p95']:.1f}"])
    return markdown_table(["mode", "kind", "n", *METRICS, "p50 ms", "p95 ms"], rows)
