"""Retrieval quality and latency per system and query kind, with the baselines in the same run.

Two query sets:
- ``questions``: eval/questions.jsonl (binary relevance: the gold codes);
- ``graded``: eval/retrieval-heldout.jsonl, similar-project and indicator-oriented queries with
  graded relevance (2 highly relevant, 1 relevant), split dev / heldout.

Metrics per query (nDCG@10 with linear gains and log2 discounts, MRR@10, Recall@5/@10 counting any
relevant form) are averaged per kind; 95% intervals are percentile bootstraps over queries, and the
difference of hybrid against each baseline is bootstrapped paired (same resampled queries).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from importlib import resources

import numpy as np

from eval.questions import RETRIEVAL_KINDS, load_questions
from eval.report import markdown_table, percentile
from eval.splits import QUESTION_SPLITS

METRICS = ["ndcg@10", "mrr@10", "recall@5", "recall@10"]
# The number the acceptance is judged on, per kind: a known item has one answer, the others a set.
PRIMARY = {"known_item": "mrr@10", "fact": "mrr@10"}
BOOTSTRAP = 2000
GRADED_FILE = "retrieval-heldout.jsonl"
SPLITS = QUESTION_SPLITS


@dataclass
class Query:
    id: str
    kind: str
    text: str
    relevance: dict[str, int]


def primary_metric(kind: str) -> str:
    return PRIMARY.get(kind, "ndcg@10")


def load_graded(split: str) -> list[Query]:
    text = resources.files("eval").joinpath(GRADED_FILE).read_text(encoding="utf-8")
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        d = json.loads(line)
        rel = {str(c): int(g) for c, g in d["relevance"].items()}
        if not rel or not set(rel.values()) <= {1, 2} or 2 not in rel.values():
            raise ValueError(f"{GRADED_FILE}:{n}: relevance must be 1/2 with at least one 2")
        if d["split"] not in ("dev", "heldout"):
            raise ValueError(f"{GRADED_FILE}:{n}: split must be dev or heldout")
        if split in ("all", d["split"]):
            out.append(Query(d["id"], d["kind"], d["question"], rel))
    return out


def query_sets(split: str) -> dict[str, list[Query]]:
    """The query sets a split evaluates: the question file's part and the graded file's part."""
    sets: dict[str, list[Query]] = {}
    if split != "heldout":
        questions = load_questions(split, RETRIEVAL_KINDS)
        if questions:
            sets["questions"] = [Query(q.id, q.kind, q.question, {c: 1 for c in q.gold_codes}) for q in questions]
    if split in ("dev", "heldout", "all"):
        sets["graded"] = load_graded(split)
    return sets


def per_query(ranked: list[str], rel: dict[str, int], k: int = 10) -> dict[str, float]:
    gains = [rel.get(c, 0) for c in ranked[:k]]
    dcg = sum(g / np.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum(g / np.log2(i + 2) for i, g in enumerate(ideal))
    first = next((i for i, g in enumerate(gains) if g > 0), None)
    n_rel = len(rel)
    return {
        "ndcg@10": dcg / idcg if idcg else 0.0,
        "mrr@10": 1.0 / (first + 1) if first is not None else 0.0,
        "recall@5": sum(1 for g in gains[:5] if g > 0) / n_rel,
        "recall@10": sum(1 for g in gains[:10] if g > 0) / n_rel,
    }


def bootstrap_ci(values: np.ndarray, rng: np.random.Generator, n: int = BOOTSTRAP) -> tuple[float, float]:
    if len(values) == 0:
        return 0.0, 0.0
    idx = rng.integers(0, len(values), size=(n, len(values)))
    means = values[idx].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def _systems(index, modes, baselines):
    for mode in modes:
        yield mode, (lambda q, k, mode=mode: [h.code for h in index.search(q, k=k, mode=mode)])
    for b in baselines or ():
        yield b.name, (lambda q, k, b=b: [h.code for h in b.search(q, k=k)])


def evaluate_retrieval(index, split: str = "test", modes=("bm25", "dense", "hybrid"), k: int = 10,
                       baselines=None, seed: int = 0) -> dict:
    uncached = getattr(index.embedder, "uncached", None)
    if uncached is None:
        return _evaluate_retrieval(index, split, modes, k, baselines, seed)
    with uncached():  # every mode encodes its queries itself: latencies are not cache hits
        return _evaluate_retrieval(index, split, modes, k, baselines, seed)


def _evaluate_retrieval(index, split: str, modes, k: int, baselines, seed: int) -> dict:
    sets = query_sets(split)
    index.search("预热", k=1)  # warm caches: latency is of warm queries
    for b in baselines or ():
        b.search("预热", k=1)
    results: dict = {
        "split": split,
        "n_questions": sum(len(v) for v in sets.values()),
        "fusion": index.fusion.to_dict(),
        "project_fusion": index.project_fusion.to_dict() if hasattr(index, "project_fusion") else None,
        "model_id": index.embedder.model_id,
        "systems": [name for name, _ in _systems(index, modes, baselines)],
        "sets": {},
    }
    chunked = next((b.chunks for b in baselines or () if hasattr(b, "chunks")), None)
    results["baseline_model_id"] = chunked.embedder.model_id if chunked else None
    for set_name, queries in sets.items():
        body: dict = {"n": len(queries), "systems": {}}
        per_system: dict[str, dict[str, list[dict]]] = {}
        for name, run in _systems(index, modes, baselines):
            latencies, rows, rankings = [], [], {}
            for q in queries:
                start = time.perf_counter()
                ranked = run(q.text, k)
                latencies.append((time.perf_counter() - start) * 1000)
                rows.append(per_query(ranked, q.relevance, k))
                rankings[q.id] = ranked
            per_system[name] = {"rows": rows, "rankings": rankings}
            body["systems"][name] = {
                "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95)},
                "kinds": {},
                "rankings": rankings,
            }
        kinds = [kd for kd in dict.fromkeys(q.kind for q in queries)] + ["all"]
        for kind in kinds:
            chosen = [i for i, q in enumerate(queries) if kind in ("all", q.kind)]
            for name in per_system:
                rng = np.random.default_rng(seed)
                stats = {"n": len(chosen)}
                for metric in METRICS:
                    values = np.array([per_system[name]["rows"][i][metric] for i in chosen])
                    lo, hi = bootstrap_ci(values, rng)
                    stats[metric] = float(values.mean())
                    stats[f"{metric}_ci"] = [lo, hi]
                body["systems"][name]["kinds"][kind] = stats
            if "hybrid" in per_system:
                metric = primary_metric(kind)
                hybrid = np.array([per_system["hybrid"]["rows"][i][metric] for i in chosen])
                for b in baselines or ():
                    other = np.array([per_system[b.name]["rows"][i][metric] for i in chosen])
                    rng = np.random.default_rng(seed)
                    diff = hybrid - other
                    lo, hi = bootstrap_ci(diff, rng)
                    body["systems"]["hybrid"]["kinds"][kind].setdefault("vs", {})[b.name] = {
                        "metric": metric, "diff": float(diff.mean()), "ci": [lo, hi],
                        "wins": int((diff > 0).sum()), "losses": int((diff < 0).sum()),
                    }
        results["sets"][set_name] = body
    return results


def retrieval_table(results: dict) -> str:
    out = []
    for set_name, body in results["sets"].items():
        rows = []
        systems = body["systems"]
        kinds = list(next(iter(systems.values()))["kinds"])
        for kind in kinds:
            for name, s in systems.items():
                m = s["kinds"][kind]
                lat = s["latency_ms"] if kind == "all" else None

                def ci(metric):
                    lo, hi = m[f"{metric}_ci"]
                    return f"{m[metric]:.3f} [{lo:.3f}, {hi:.3f}]"

                rows.append([kind, name, m["n"], ci("ndcg@10"), ci("mrr@10"), f"{m['recall@5']:.3f}",
                             f"{m['recall@10']:.3f}", f"{lat['p50']:.1f}" if lat else "",
                             f"{lat['p95']:.1f}" if lat else ""])
        header = ["kind", "system", "n", "nDCG@10 [95% CI]", "MRR@10 [95% CI]", "R@5", "R@10", "p50 ms", "p95 ms"]
        out.append(f"【{set_name}】\n" + markdown_table(header, rows))
        if "hybrid" in systems:
            lines = []
            for kind in kinds:
                for bname, v in systems["hybrid"]["kinds"][kind].get("vs", {}).items():
                    lines.append([kind, bname, v["metric"], f"{v['diff']:+.3f}", f"[{v['ci'][0]:+.3f}, {v['ci'][1]:+.3f}]",
                                  f"{v['wins']}/{v['losses']}"])
            if lines:
                out.append("hybrid − baseline（配对自助法 95% 区间；胜/负题数）\n"
                           + markdown_table(["kind", "baseline", "metric", "diff", "95% CI", "wins/losses"], lines))
    return "\n\n".join(out)
