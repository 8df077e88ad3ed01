"""Fusion of ranked lists: a small component with an enum of modes and normalised weights."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum

import numpy as np


class JoinMode(str, Enum):
    RRF = "rrf"  # reciprocal rank fusion: robust to incomparable score scales
    WEIGHTED = "weighted"  # min-max normalised scores, weighted sum


@dataclass
class Fusion:
    mode: JoinMode = JoinMode.RRF
    # Tuned on the dev split (eval/tune.py): dense carries paraphrases, BM25 exact terms.
    weights: dict[str, float] = field(default_factory=lambda: {"bm25": 1.0, "dense": 3.0})
    rrf_k: int = 60

    def __post_init__(self) -> None:
        self.mode = JoinMode(self.mode)
        total = sum(self.weights.values())
        if total <= 0:
            raise ValueError("fusion weights must sum to a positive number")
        self.weights = {k: v / total for k, v in self.weights.items()}

    def to_dict(self) -> dict:
        d = asdict(self)
        d["mode"] = self.mode.value
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Fusion":
        return cls(mode=JoinMode(d["mode"]), weights=dict(d["weights"]), rrf_k=int(d["rrf_k"]))

    def join(self, scores: dict[str, np.ndarray], candidates: np.ndarray) -> np.ndarray:
        """Fused score of each candidate (indices into the score arrays)."""
        fused = np.zeros(len(candidates), dtype=np.float64)
        for name, weight in self.weights.items():
            s = scores[name][candidates].astype(np.float64)
            if self.mode is JoinMode.RRF:
                order = np.argsort(-s, kind="stable")
                ranks = np.empty(len(s), dtype=np.float64)
                ranks[order] = np.arange(1, len(s) + 1)
                contribution = 1.0 / (self.rrf_k + ranks)
                contribution[s <= 0] = 0.0  # a list that did not match contributes nothing
            else:
                lo, hi = float(s.min(initial=0.0)), float(s.max(initial=0.0))
                contribution = (s - lo) / (hi - lo) if hi > lo else np.zeros_like(s)
            fused += weight * contribution
        return fused


# ---------------------------------------------------------------- project level

PROJECT_LISTS = ("chunks", "form_bm25", "chunk_bm25_sum")
"""The project rankings hybrid search fuses:

- ``chunks``: the chunk-level fusion above (per-field chunks, BM25 and dense), a project ranked by its best chunk;
- ``form_bm25``: BM25 over the whole form's text, one document per project;
- ``chunk_bm25_sum``: the project's best few chunk BM25 scores summed with decaying weights, so a project
  that matches in several places ranks above one that matches once.
"""


@dataclass
class ProjectFusion:
    profiles: dict[str, dict[str, float]]
    indicator_triggers: list[str]
    rrf_k: int = 60
    aggregate_top: int = 3
    aggregate_decay: float = 0.5

    def __post_init__(self) -> None:
        if "default" not in self.profiles:
            raise ValueError("fusion profiles need a 'default' profile")
        for name, weights in self.profiles.items():
            unknown = set(weights) - set(PROJECT_LISTS)
            if unknown:
                raise ValueError(f"fusion profile {name!r}: unknown lists {sorted(unknown)}; known: {PROJECT_LISTS}")
            if any(not isinstance(w, (int, float)) or w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
                raise ValueError(f"fusion profile {name!r}: weights must be non-negative and not all zero")
        if not all(isinstance(t, str) and t for t in self.indicator_triggers):
            raise ValueError("indicator_triggers must be non-empty strings")
        if self.rrf_k < 1 or self.aggregate_top < 1 or not 0 < self.aggregate_decay <= 1:
            raise ValueError("rrf_k and the aggregate's top must be ≥ 1, its decay in (0, 1]")

    @classmethod
    def from_dict(cls, d: dict) -> "ProjectFusion":
        agg = d.get("chunk_bm25_aggregate", {})
        return cls(
            profiles={k: {n: float(w) for n, w in v.items()} for k, v in d["profiles"].items()},
            indicator_triggers=list(d.get("indicator_triggers", [])),
            rrf_k=int(d.get("rrf_k", 60)),
            aggregate_top=int(agg.get("top", 3)),
            aggregate_decay=float(agg.get("decay", 0.5)),
        )

    @classmethod
    def packaged(cls) -> "ProjectFusion":
        import json
        from importlib import resources

        text = resources.files("index").joinpath("data/fusion.json").read_text(encoding="utf-8")
        try:
            return cls.from_dict(json.loads(text))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"index/data/fusion.json is invalid: {exc}") from None

    def to_dict(self) -> dict:
        return {
            "rrf_k": self.rrf_k,
            "chunk_bm25_aggregate": {"top": self.aggregate_top, "decay": self.aggregate_decay},
            "profiles": self.profiles,
            "indicator_triggers": self.indicator_triggers,
        }

    def profile(self, query: str) -> str:
        """Indicator-oriented queries ("这类项目指标怎么设") lean on exact indicator words."""
        if "indicator" in self.profiles and any(t in query for t in self.indicator_triggers):
            return "indicator"
        return "default"

    def join(self, lists: dict[str, np.ndarray], allowed: np.ndarray, profile: str) -> np.ndarray:
        """Fused score per project; projects outside `allowed` (a boolean mask) score 0."""
        fused = np.zeros(len(allowed), dtype=np.float64)
        for name, weight in self.profiles[profile].items():
            if weight <= 0:
                continue
            s = np.where(allowed, lists[name], 0.0)
            order = np.argsort(-s, kind="stable")
            ranks = np.empty(len(s), dtype=np.float64)
            ranks[order] = np.arange(1, len(s) + 1)
            contribution = weight / (self.rrf_k + ranks)
            contribution[s <= 0] = 0.0
            fused += contribution
        return fused

    def aggregate(self, chunk_scores: np.ndarray, chunk_project: np.ndarray, n_projects: int) -> np.ndarray:
        """Per project: its `top` best positive chunk scores, weighted 1, decay, decay², …

        Takes each project's best remaining chunk `top` times (a few passes of np.maximum.at) instead of
        sorting all matching chunks: at 100,000 chunks that is several times cheaper.
        """
        out = np.zeros(n_projects, dtype=np.float64)
        positive = np.nonzero(chunk_scores > 0)[0]
        projects, scores = chunk_project[positive], chunk_scores[positive].astype(np.float64)
        for step in range(self.aggregate_top):
            if len(scores) == 0:
                break
            best = np.zeros(n_projects, dtype=np.float64)
            np.maximum.at(best, projects, scores)
            out += best * self.aggregate_decay**step
            # drop one chunk per project that reached its best (ties: the first one)
            at_best = np.nonzero(scores == best[projects])[0]
            _, first = np.unique(projects[at_best], return_index=True)
            keep = np.ones(len(scores), dtype=bool)
            keep[at_best[first]] = False
            projects, scores = projects[keep], scores[keep]
        return out
