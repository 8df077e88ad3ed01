"""Split names the eval commands accept, in one place: the question splits and the drafts sets
(`eval/drafts-dev.jsonl`, `drafts-heldout.jsonl`, `drafts-heldout-2.jsonl` … up to DRAFT_SETS)."""

from __future__ import annotations

QUESTION_SPLITS = ("dev", "test", "test2", "test3", "test4", "test5", "heldout", "all")
DRAFT_SETS = 75  # the highest drafts-heldout-N: a new set is registered by raising it
DRAFT_SPLITS = ("dev", "heldout") + tuple(f"heldout-{n}" for n in range(2, DRAFT_SETS + 1))
EVAL_SPLITS = tuple(dict.fromkeys((*QUESTION_SPLITS[:-1], *DRAFT_SPLITS, "all")))  # what `jixiao eval --split` takes
