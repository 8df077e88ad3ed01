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
