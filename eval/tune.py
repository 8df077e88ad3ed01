"""Tune the fusion on the dev split only (never on test): a small grid over weights and RRF k."""

from __future__ import annotations

import itertools
import json

from eval.retrieval import evaluate_retrieval
from index.fusion import Fusion, JoinMode


def tune(index) -> list[tuple[float, dict]]:
    trials = []
    grid = itertools.product([JoinMode.RRF], [0.5, 1.0, 1.5, 2.0, 3.0], [10, 30, 60])
    grid = list(grid) + [(JoinMode.WEIGHTED, w, 0) for w in (1.0, 1.5, 2.0, 3.0)]
    for mode, dense_weight, rrf_k in grid:
        index.fusion = Fusion(mode=mode, weights={"bm25": 1.0, "dense": dense_weight}, rrf_k=rrf_k or 60)
        res = evaluate_retrieval(index, split="dev", modes=("hybrid",))
        kinds = res["modes"]["hybrid"]["kinds"]
        score = kinds["all"]["ndcg@10"]
        trials.append((score, {"fusion": index.fusion.to_dict(), "known_mrr": kinds["known_item"]["mrr@10"],
                               "similar_ndcg": kinds["similar"]["ndcg@10"]}))
    trials.sort(key=lambda t: -t[0])
    return trials


if __name__ == "__main__":
    from index.store import open_index

    for score, info in tune(open_index())[:8]:
        print(f"{score:.4f}", json.dumps(info, ensure_ascii=False))
