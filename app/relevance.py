"""How close a search result is: a cue for the page when nothing in the corpus is near.

Hybrid scores are reciprocal-rank fusions: the top hit scores the same whether it is a perfect
match or the least bad of a hundred unrelated forms. Raw dense cosines do not separate either
(multilingual-e5 puts almost every Chinese text pair above 0.85). What does separate, on labelled
dev questions (eval/relevance.py), is how far a project stands out from the typical form — its
dense cosine minus the median over all forms — together with its BM25 score (the query's own
words found in it). Each is divided by its median over dev questions that have a matching project,
and their sum is the closeness; below the fitted threshold a result is "相关度低". The scales and
the threshold live in app/data/relevance.json, validated on load.
"""

from __future__ import annotations

from functools import lru_cache
from statistics import median

from pydantic import BaseModel, ConfigDict, Field

from app.vocabulary import _load


class Relevance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str  # the embedding model the numbers were fitted for; other models' cosines differ
    gap_scale: float = Field(gt=0, lt=1)  # median (best cosine − median cosine) of dev questions with a match
    bm25_scale: float = Field(gt=0)  # median best BM25 score of the same questions
    min_closeness: float = Field(gt=0)  # closeness below this: "相关度低"
    calibration: dict  # the numbers behind the threshold, for whoever revisits it


@lru_cache(maxsize=1)
def relevance() -> Relevance:
    return _load("relevance.json", Relevance)


def _per_project(index, query: str, mode: str) -> dict[str, float]:
    from index.search import SearchError

    try:
        hits = index.search(query, k=max(1, len(index.records)), mode=mode)
    except SearchError:
        return {}
    return {h.code: h.score for h in hits}


def signals(index, query: str) -> dict[str, tuple[float, float]]:
    """Project code → (dense cosine − median cosine over all forms, best BM25 score). Always over
    the whole corpus: a filter narrows what is listed, not what "typical" means."""
    dense = _per_project(index, query, "dense")
    if not dense:
        return {}
    typical = median(dense.values())
    bm25 = _per_project(index, query, "bm25")
    return {code: (cos - typical, bm25.get(code, 0.0)) for code, cos in dense.items()}


def closeness(gap: float, bm25: float, params: Relevance | None = None) -> float:
    p = params or relevance()
    return gap / p.gap_scale + bm25 / p.bm25_scale


def closeness_by_project(index, query: str) -> dict[str, float]:
    return {code: closeness(gap, bm25) for code, (gap, bm25) in signals(index, query).items()}


def applies_to(index) -> bool:
    """The numbers only mean something for the model they were fitted on."""
    return getattr(getattr(index, "embedder", None), "model_id", None) == relevance().model
