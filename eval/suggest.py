"""Drafting quality on the indicator_suggest questions: similar projects, gold indicators, coverage."""

from __future__ import annotations

import difflib
import json
import re
from importlib import resources

from app.drafting import Draft, suggest
from corpus import labels as L
from corpus.text import squash
from eval.questions import load_questions
from eval.report import markdown_table
from eval.splits import DRAFT_SPLITS


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


# ---------------------------------------------------------------- written drafts (eval/drafts-*.jsonl)

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def load_drafts(split: str = "heldout") -> list[dict]:
    """Drafts written with a reviewer's expectations before being run (see eval/drafts-*.jsonl)."""
    if split not in DRAFT_SPLITS:
        raise ValueError(f"unknown drafts split {split!r}; expected one of {DRAFT_SPLITS}")
    text = resources.files("eval").joinpath(f"drafts-{split}.jsonl").read_text(encoding="utf-8")
    drafts = [json.loads(line) for line in text.splitlines() if line.strip()]
    for d in drafts:
        missing = {"id", "precedent", "draft", "expect"} - set(d)
        if missing or d["precedent"] not in ("close", "partial", "none"):
            raise ValueError(f"drafts-{split}.jsonl: entry {d.get('id')} is malformed ({sorted(missing)})")
        stray = set(d["expect"].get("quantities_in_rows", [])) - set(d["expect"].get("quantities", []))
        if stray:
            raise ValueError(f"drafts-{split}.jsonl: entry {d['id']} lists {sorted(stray)} in quantities_in_rows "
                             f"but not in quantities; every number expected in a row is one written in the description")
    return drafts


def _numbers_in(text: str) -> set[float]:
    return {float(n) for n in _NUMBER.findall(text.replace(",", "").replace("，", ""))}


def quantity_used(quantity: str, values: list[str]) -> bool:
    """The description's number stands in some row's value (as written, or scaled from 万)."""
    n = float(quantity)
    return any(n in _numbers_in(v) or n * 1e4 in _numbers_in(v) for v in values)


def measurable(value: str) -> bool:
    return bool(re.search(r"\d", value)) and "待填" not in value


def score_draft(index, entry: dict) -> dict:
    """One draft against its written expectations; the rows are judged exactly as suggested."""
    from app.drafting import DraftIndicator, check_indicators

    expect = entry["expect"]
    draft = Draft(**entry["draft"])
    result = suggest(index, draft)
    rows = result.indicators
    findings = check_indicators([DraftIndicator(level1=i.level1, level2=i.level2, name=i.name, value=i.value) for i in rows],
                                draft.amount_yuan)
    # a "待填" row is a hole left on purpose (the check only reminds); it is not a rejected value
    failing = {f.row for f in findings if f.row > 0 and f.rule != "to_fill"}
    to_fill = {f.row for f in findings if f.row > 0 and f.rule == "to_fill"}
    good = [i for n, i in enumerate(rows, 1) if n not in failing and measurable(i.value)]
    related = set(expect.get("related_codes", [])) | set(expect.get("similar_codes", []))
    unrelated_rows = [{"name": i.name, "value": i.value, "sources": i.sources} for i in rows
                      if any(code not in related for code in i.sources)]
    level2 = expect["level2"]
    covered = [l2 for l2 in level2 if any(i.level2 == l2 for i in good)]
    wanted_rows = expect.get("rows", [])
    rows_found = [w for w in wanted_rows if any(any(k in i.name or k in i.value for k in w.split("|")) for i in good)]
    values = [i.value for i in rows]
    quantities = expect.get("quantities", [])
    used = [q for q in quantities if quantity_used(q, values)]
    # "2022年拟…": the budget year is a date, not a quantity a row could count
    years = [q for q in quantities if re.fullmatch(r"(?:19|20)\d\d", q) and re.search(re.escape(q) + r"\s*年", entry["draft"]["description"])]
    out = {
        "id": entry["id"], "expected_precedent": entry["precedent"], "precedent": getattr(result, "precedent", None),
        "rows": len(rows), "rows_from_unrelated": len(unrelated_rows), "unrelated": unrelated_rows,
        "level2_expected": len(level2), "level2_covered": len(covered),
        "level2_missing": [l2 for l2 in level2 if l2 not in covered],
        "own_rows_failing_checks": len(failing),
        "failing": [{"row": f.row, "rule": f.rule, "message": f.message} for f in findings if f.row in failing],
        "rows_to_fill": len(to_fill),
        "expected_rows": len(wanted_rows), "expected_rows_found": len(rows_found),
        "quantities": len(quantities), "quantities_used": len(used),
        "quantities_unused": [q for q in quantities if q not in used],
        "quantities_not_years": len(quantities) - len(years),
        "quantities_not_years_used": len([q for q in used if q not in years]),
        "table": [[i.level2, i.name, i.value, getattr(i, "origin", ""), i.support] for i in rows],
    }
    if "quantities_in_rows" in expect:
        # the writer's judgement of which numbers have a matching row (background figures have none)
        in_rows = expect["quantities_in_rows"]
        out["quantities_in_rows"] = len(in_rows)
        out["quantities_in_rows_used"] = len([q for q in in_rows if quantity_used(q, values)])
        out["quantities_in_rows_unused"] = [q for q in in_rows if not quantity_used(q, values)]
    if expect.get("similar_codes"):
        top5 = {s["code"] for s in result.similar[:5]}
        out["similar_recall@5"] = len(top5 & set(expect["similar_codes"])) / len(expect["similar_codes"])
    if expect.get("gold_indicators"):
        names = [i.name for i in rows]
        found = [g for g in expect["gold_indicators"] if any(name_matches(g, n) for n in names)]
        out["gold_indicators_found"] = len(found) / len(expect["gold_indicators"])
    return out


def evaluate_drafts(index, split: str = "heldout") -> dict:
    rows = [score_draft(index, entry) for entry in load_drafts(split)]

    def summary(group: list[dict]) -> dict:
        if not group:
            return {"n": 0}
        l2 = sum(r["level2_expected"] for r in group) or 1
        q = sum(r["quantities"] for r in group) or 1
        exp_rows = sum(r["expected_rows"] for r in group) or 1
        out = {
            "n": len(group),
            # None when the code under test does not report a precedent at all (the first run)
            "precedent_not_close": (sum(r["precedent"] not in (None, "close") for r in group)
                                    if any(r["precedent"] for r in group) else None),
            "precedent_as_expected": (sum(r["precedent"] == r["expected_precedent"] for r in group)
                                      if any(r["precedent"] for r in group) else None),
            "rows_from_unrelated": sum(r["rows_from_unrelated"] for r in group),
            "drafts_with_unrelated_rows": sum(r["rows_from_unrelated"] > 0 for r in group),
            "level2_covered": sum(r["level2_covered"] for r in group) / l2,
            "own_rows_failing_checks": sum(r["own_rows_failing_checks"] for r in group),
            "rows_to_fill": sum(r.get("rows_to_fill", 0) for r in group),
            "rows": sum(r["rows"] for r in group),
            "quantities_used": sum(r["quantities_used"] for r in group) / q,
            "quantities_not_years_used": (sum(r.get("quantities_not_years_used", 0) for r in group)
                                          / (sum(r.get("quantities_not_years", 0) for r in group) or 1)),
            "expected_rows_found": sum(r["expected_rows_found"] for r in group) / exp_rows,
        }
        judged = [r for r in group if "quantities_in_rows" in r]
        if judged:
            out["quantities_in_rows_used"] = (sum(r["quantities_in_rows_used"] for r in judged)
                                              / (sum(r["quantities_in_rows"] for r in judged) or 1))
            out["drafts_all_in_rows_used"] = sum(r["quantities_in_rows_used"] == r["quantities_in_rows"] for r in judged)
        recalls = [r["similar_recall@5"] for r in group if "similar_recall@5" in r]
        golds = [r["gold_indicators_found"] for r in group if "gold_indicators_found" in r]
        if recalls:
            out["similar_recall@5"] = sum(recalls) / len(recalls)
        if golds:
            out["gold_indicators_found"] = sum(golds) / len(golds)
        return out

    no_close = [r for r in rows if r["expected_precedent"] != "close"]
    close = [r for r in rows if r["expected_precedent"] == "close"]
    return {"split": split, "summary": {"no_precedent": summary(no_close), "close": summary(close), "all": summary(rows)},
            "drafts": rows}


def drafts_table(result: dict) -> str:
    s = result["summary"]
    header = ["指标", "无相近先例", "有相近先例", "全部"]

    def cell(group: dict, key: str, kind: str = "count") -> str:
        if group.get(key) is None or not group.get("n"):
            return "—"
        v = group[key]
        return f"{v * 100:.1f}%" if kind == "rate" else (f"{v:.3f}" if isinstance(v, float) else str(v))

    spec = [("草稿数", "n", "count"), ("precedent 不是 close", "precedent_not_close", "count"),
            ("precedent 与预期一致", "precedent_as_expected", "count"),
            ("来自无关项目的建议行", "rows_from_unrelated", "count"),
            ("预期二级指标有可衡量行", "level2_covered", "rate"),
            ("建议行数", "rows", "count"),
            ("建议行未通过自身检查", "own_rows_failing_checks", "count"),
            ("建议行标为“待填”", "rows_to_fill", "count"),
            ("描述中的数量被使用", "quantities_used", "rate"),
            ("描述中的数量被使用（不计年份）", "quantities_not_years_used", "rate"),
            ("应入表的数量被使用", "quantities_in_rows_used", "rate"),
            ("应入表的数量全部被使用的草稿", "drafts_all_in_rows_used", "count"),
            ("预期指标行出现", "expected_rows_found", "rate"),
            ("相似项目 Recall@5", "similar_recall@5", "count"),
            ("金标准指标名出现", "gold_indicators_found", "rate")]
    return markdown_table(header, [[label] + [cell(s[g], key, kind) for g in ("no_precedent", "close", "all")]
                                   for label, key, kind in spec])
