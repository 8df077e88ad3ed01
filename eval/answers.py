"""Answer quality: exact facts and aggregates, refusals, and that every number is grounded."""

from __future__ import annotations

import re
import time

from app.grounding import numbers, ungrounded

from eval.questions import load_questions
from eval.report import markdown_table, percentile

ANSWERABLE = ("fact", "aggregate", "known_item", "indicator", "similar")


_FORM_DATE = re.compile(r"(\d{4})\s*年\s*(\d{2})\s*月\s*(\d{2})\s*日")


def contains_value(text: str, expected: str) -> bool:
    """The expected value stands on its own in the answer: "10" is not found inside "2010" or "10.5".
    A date counts in the form's own notation too ("2021 年 01 月 01 日" for "2021-01-01")."""
    text = text + "\n" + _FORM_DATE.sub(r"\1-\2-\3", text)
    head = r"(?<![\d.,])" if expected[:1].isdigit() else ""
    tail = r"(?![\d]|[.,]\d)" if expected[-1:].isdigit() else ""
    return re.search(head + re.escape(expected) + tail, text) is not None


def _chinese_numbers(text: str) -> list[float]:
    """"一亿", "十万": numbers the asker wrote in Chinese numerals (their own, so grounded)."""
    from app.understand import cn_number

    return [cn_number(m) for m in re.findall(r"[一二两三四五六七八九十百千]+", text or "")]


def grounded(answer, records_by_code) -> tuple[bool, list[float]]:
    """Is each number of the answer in a cited record, derived from them, or the asker's own?"""
    cited = [records_by_code[c.code] for c in answer.citations if c.code in records_by_code]
    asked = {n * scale for n in numbers(answer.question) + _chinese_numbers(answer.question) for scale in (1, 1e3, 1e4, 1e8)}
    text = answer.answer
    if answer.kind == "suggest":
        # rows labelled 指标框架 propose a template value; they state nothing about a form
        text = "\n".join(line for line in text.splitlines() if "| 指标框架 |" not in line)
    missing = ungrounded(text, cited, extra=asked)
    return not missing, missing


def evaluate_answers(answerer, split: str = "test") -> dict:
    uncached = getattr(answerer.index.embedder, "uncached", None)
    if uncached is None:
        return _evaluate_answers(answerer, split)
    with uncached():  # answer latencies include encoding, as for a question asked the first time
        return _evaluate_answers(answerer, split)


def _evaluate_answers(answerer, split: str) -> dict:
    questions = load_questions(split)
    answerer.ask("预热")
    rows: dict[str, list[dict]] = {}
    latencies = []
    for q in questions:
        start = time.perf_counter()
        answer, _ = answerer.ask(q.question)
        latencies.append((time.perf_counter() - start) * 1000)
        cited = {c.code for c in answer.citations}
        ok_ground, missing = grounded(answer, answerer.by_code) if not answer.refused else (True, [])
        row = {"id": q.id, "kind": q.kind, "refused": answer.refused, "grounded": ok_ground, "ungrounded_numbers": missing,
               "cites_gold": bool(cited & set(q.gold_codes)), "answer": answer.answer}
        if q.kind == "fact":
            row["exact"] = (not answer.refused) and any(contains_value(answer.answer, e) for e in q.expect) and row["cites_gold"]
        elif q.kind == "aggregate":
            row["exact"] = (not answer.refused) and all(contains_value(answer.answer, e) for e in q.expect) and cited == set(q.gold_codes)
        elif q.kind == "out_of_scope":
            row["exact"] = answer.refused
        rows.setdefault(q.kind, []).append(row)

    def rate(kind, key):
        items = rows.get(kind, [])
        return sum(1 for r in items if r.get(key)) / len(items) if items else None

    answerable = [r for k in ANSWERABLE for r in rows.get(k, [])]
    core = [r for k in ("fact", "aggregate") for r in rows.get(k, [])]
    answered = [r for k in rows for r in rows[k] if not r["refused"]]
    summary = {
        "fact_exact": rate("fact", "exact"),
        "aggregate_exact": rate("aggregate", "exact"),
        "out_of_scope_refused": rate("out_of_scope", "exact"),
        "false_refusals_fact_aggregate": sum(r["refused"] for r in core) / len(core) if core else None,
        "false_refusals_all_answerable": sum(r["refused"] for r in answerable) / len(answerable) if answerable else None,
        "answered_grounded": sum(r["grounded"] for r in answered) / len(answered) if answered else None,
        "answered_citing_gold": sum(r["cites_gold"] for r in answered if r["kind"] in ANSWERABLE)
        / max(1, sum(1 for r in answered if r["kind"] in ANSWERABLE)),
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95)},
        "n": {k: len(v) for k, v in rows.items()},
    }
    failures = [r for k in rows for r in rows[k] if r.get("exact") is False or not r["grounded"]]
    return {"split": split, "summary": summary, "failures": failures}


def answers_table(result: dict) -> str:
    s = result["summary"]

    def pct(v):
        return "—" if v is None else f"{v * 100:.1f}%"

    rows = [
        ["fact 精确", pct(s["fact_exact"]), s["n"].get("fact", 0)],
        ["aggregate 精确且引用集合一致", pct(s["aggregate_exact"]), s["n"].get("aggregate", 0)],
        ["out_of_scope 拒答", pct(s["out_of_scope_refused"]), s["n"].get("out_of_scope", 0)],
        ["误拒（fact+aggregate）", pct(s["false_refusals_fact_aggregate"]), ""],
        ["误拒（全部可答题）", pct(s["false_refusals_all_answerable"]), ""],
        ["已答且每个数字有出处", pct(s["answered_grounded"]), ""],
        ["ask p50 / p95 毫秒", f"{s['latency_ms']['p50']:.1f} / {s['latency_ms']['p95']:.1f}", ""],
    ]
    return markdown_table(["指标", "结果", "题数"], rows)
