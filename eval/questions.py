"""The evaluation question set: natural questions with gold project codes, split dev/test."""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dc_field
from importlib import resources

KINDS = ("known_item", "similar", "indicator", "fact", "aggregate", "out_of_scope", "indicator_suggest")
RETRIEVAL_KINDS = ("known_item", "similar", "indicator", "fact", "indicator_suggest")


@dataclass
class Question:
    id: str
    split: str
    kind: str
    question: str
    gold_codes: list[str]
    field: str | None = None
    expect: list[str] = dc_field(default_factory=list)
    gold_indicators: list[str] = dc_field(default_factory=list)
    draft: dict | None = None


def load_questions(split: str = "all", kinds: tuple[str, ...] = KINDS) -> list[Question]:
    text = resources.files("eval").joinpath("questions.jsonl").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip():
            q = Question(**json.loads(line))
            if (split == "all" or q.split == split) and q.kind in kinds:
                out.append(q)
    return out
