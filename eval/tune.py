"""Tune hybrid search on the dev splits only (never on test or heldout): a small grid over the
project-level fusion profiles (index/data/fusion.json), the chunk-level weights kept as tuned before.

Objective: the mean over query kinds of each kind's primary metric (MRR@10 for known items and facts,
nDCG@10 otherwise) on the dev questions and the graded dev queries, so that small kinds count as
much as large ones; a profile that loses known items is ranked below one that keeps them.
"""

from __future__ import annotations

import itertools
import json

from eval.retrieval import evaluate_retrieval, primary_metric
from index.fusion import ProjectFusion


def objective(results: dict) -> tuple[float, float]:
    values, known = [], 1.0
    for set_name, body in results["sets"].items():
        for kind, m in body["systems"]["hybrid"]["kinds"].items():
            if kind == "all":
                continue
            values.append(m[primary_metric(kind)])
            if kind == "known_item":
                known = m["mrr@10"]
    return known, sum(values) / len(values)


def grid():
    for chunks, form, agg in itertools.product([1.0, 2.0], [0.0, 0.5, 1.0, 1.5], [0.0, 0.5, 1.0]):
        for ind_agg in (0.0, 1.0, 2.0):
            yield {
                "default": {"chunks": chunks, "form_bm25": form, "chunk_bm25_sum": agg},
                "indicator": {"chunks": chunks, "form_bm25": form, "chunk_bm25_sum": max(agg, ind_agg)},
            }


class _MemoEmbedder:
    """The index's embedder with query vectors remembered: the grid asks the same queries many times."""

    def __init__(self, embedder):
        self._embedder = embedder
        self._memo: dict[str, object] = {}

    def encode_queries(self, texts):
        import numpy as np

        missing = [t for t in texts if t not in self._memo]
        if missing:
            for t, v in zip(missing, self._embedder.encode_queries(missing)):
                self._memo[t] = v
        return np.stack([self._memo[t] for t in texts])

    def __getattr__(self, name):
        return getattr(self._embedder, name)


def tune(index) -> list[tuple[tuple[float, float], dict]]:
    base, embedder = index.project_fusion, index.embedder
    index.embedder = _MemoEmbedder(embedder)
    trials = []
    try:
        for profiles in grid():
            index.project_fusion = ProjectFusion.from_dict(dict(base.to_dict(), profiles=profiles))
            res = evaluate_retrieval(index, split="dev", modes=("hybrid",))
            trials.append((objective(res), profiles))
    finally:
        index.project_fusion, index.embedder = base, embedder
    trials.sort(key=lambda t: (-t[0][0], -t[0][1]))
    return trials


if __name__ == "__main__":
    from index.store import open_index

    from eval.report import write_results

    trials = tune(open_index())
    for (known, score), profiles in trials[:10]:
        print(f"known MRR {known:.3f}  mean primary {score:.4f}", json.dumps(profiles, ensure_ascii=False))
    write_results("tune-dev", {"trials": [{"known_mrr": k, "mean_primary": s, "profiles": p} for (k, s), p in trials]})
