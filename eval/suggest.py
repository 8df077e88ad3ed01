"""Drafting quality on the indicator_suggest questions: similar projects, gold indicators, coverage."""

from __future__ import annotations

import difflib

from app.drafting import Draft, suggest
from corpus import labels as L
from corpus.text import squash
from eval.questions import load_questions
from eval.report import markdown_table


def name_matches(gold: str, suggested: str) -> bool:
    a, b = squash(gold).rstrip("。"), squash(suggested).rstrip("。")
    return a == b or (len(a) >= 3 and (a in b or b in a)) or difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def evaluate_suggest(index, split: str = "test") -> dict:
    rows = []
    for q in load_questions(split, ("indicator_suggest",)):
        result = suggest(index, Draft(**(q.draft or {"description": q.question})))
        similar5 = {s["code"] for s in result.similar[:5]}
        recall5 = len(similar5 & set(q.gold_codes)) / len(q.gold_codes)
        names = [i.name for i in result.indicators]
        found = [g for g in q.gold_indicators if any(name_matches(g, n) for n in names)]
        covers = {i.level1 for i in result.indicators} >= set(L.LEVEL1_ORDER)
        rows.append({"id": q.id, "recall@5": recall5, "gold_found": len(found) / len(q.gold_indicators),
                     "missing": [g for g in q.gold_indicators if g not in found], "covers_level1": covers})
    n = len(rows) or 1
    summary = {
        "similar_recall@5": sum(r["recall@5"] for r in rows) / n,
        "gold_indicators_found": sum(r["gold_found"] for r in rows) / n,
        "all_level1_covered": sum(r["covers_level1"] for r in rows) / n,
        "n": len(rows),
    }
    return {"split": split, "summary": summary, "questions": rows}


def suggest_table(result: dict) -> str:
    s = result["summary"]
    return markdown_table(
        ["指标", "结果", "题数"],
        [["相似项目 Recall@5", f"{s['similar_recall@5']:.3f}", s["n"]],
         ["金标准指标名出现在建议中", f"{s['gold_indicators_found'] * 100:.1f}%", s["n"]],
         ["建议覆盖全部三个一级指标", f"{s['all_level1_covered'] * 100:.1f}%", s["n"]]],
    )
