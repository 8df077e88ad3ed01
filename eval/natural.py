"""Natural question sets written outside the answering code: scored per kind by the rules of the
external set's README (keys met after normalisation, refusals, false refusals, conversation turns).

Only public APIs: an Answerer's ``ask(question, state)`` and the records it serves.
"""

from __future__ import annotations

import json
import re
import time
from importlib import resources
from pathlib import Path

from eval.answers import grounded
from eval.report import markdown_table, percentile

KINDS = ("fact", "multi_part", "described_fact", "known_item", "aggregate", "conversation", "out_of_scope")
HELDOUT = "natural-heldout.jsonl"  # this project's own held-out split, packaged with eval
_FOLD = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";"})


def normalise(text: str) -> str:
    """Whitespace and thousands separators removed, full-width （）：，； folded to ASCII."""
    text = re.sub(r"\s+", "", (text or "").translate(_FOLD))
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


def key_found(answer: str, key: str) -> bool:
    """A key that starts or ends with a digit must stand on its own: "95" is not in "2095" or "95.5"."""
    key = normalise(key)
    if not key:
        return False
    head = r"(?<![\d.])" if key[0].isdigit() else ""
    tail = r"(?!\d|\.\d)" if key[-1].isdigit() else ""
    return re.search(head + re.escape(key) + tail, normalise(answer)) is not None


def keys_met(answer: str, groups: list[list[str]]) -> bool:
    return all(any(key_found(answer, k) for k in group) for group in groups)


def load_natural(path: str | Path | None = None) -> list[dict]:
    if path is None:
        text = resources.files("eval").joinpath(HELDOUT).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    items = [json.loads(line) for line in text.splitlines() if line.strip()]
    for item in items:
        if item.get("kind") not in KINDS:
            raise ValueError(f"{path or HELDOUT}：题目 {item.get('id')} 的 kind “{item.get('kind')}” 不在 {KINDS} 之中。")
    return items


def _score_turn(answerer, question: str, keys, gold_seqs, kind: str, state, seq_codes: dict[int, str]):
    start = time.perf_counter()
    answer, state = answerer.ask(question, state)
    took = (time.perf_counter() - start) * 1000
    gold = {seq_codes[s] for s in gold_seqs or [] if s in seq_codes}
    cited = {c.code for c in answer.citations}
    row = {"question": question, "refused": answer.refused, "answer": answer.answer, "ms": round(took, 2)}
    if kind == "out_of_scope":
        row["right"] = answer.refused
    else:
        row["right"] = (not answer.refused) and keys_met(answer.answer, keys or [])
        row["cites_gold"] = bool(cited & gold) if gold else None
        row["grounded"] = grounded(answer, answerer.by_code)[0] if not answer.refused else None
    return row, state, took


def evaluate_natural(answerer, items: list[dict], new_state) -> dict:
    """Score every item; ``new_state()`` gives an empty conversation (one per conversation item)."""
    seq_codes = {r.seq: r.code for r in answerer.records}
    answerer.ask("预热", new_state())
    rows: list[dict] = []
    latencies: list[float] = []
    for item in items:
        kind = item["kind"]
        state = new_state()
        turns = item.get("turns") or [{"question": item["question"], "keys": item.get("keys"), "gold_seqs": item.get("gold_seqs")}]
        for n, turn in enumerate(turns):
            row, state, took = _score_turn(answerer, turn["question"], turn.get("keys"), turn.get("gold_seqs"), kind, state, seq_codes)
            latencies.append(took)
            rows.append({"id": item["id"], "turn": n, "kind": kind, **row})
    return {"summary": summarise(rows, latencies), "rows": rows}


def summarise(rows: list[dict], latencies: list[float]) -> dict:
    per_kind = {}
    for kind in KINDS:
        items = [r for r in rows if r["kind"] == kind]
        if items:
            per_kind[kind] = {"n": len(items), "right": sum(r["right"] for r in items) / len(items)}
    answerable = [r for r in rows if r["kind"] != "out_of_scope"]
    answered = [r for r in answerable if not r["refused"]]
    return {
        "per_kind": per_kind,
        "false_refusals": sum(r["refused"] for r in answerable) / len(answerable) if answerable else None,
        "answered_grounded": sum(bool(r["grounded"]) for r in answered) / len(answered) if answered else None,
        "answered_citing_gold": sum(bool(r["cites_gold"]) for r in answered if r["cites_gold"] is not None)
        / max(1, sum(1 for r in answered if r["cites_gold"] is not None)),
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95)},
    }


def natural_table(result: dict) -> str:
    s = result["summary"]
    names = {"fact": "fact", "multi_part": "multi_part", "described_fact": "described_fact", "known_item": "known_item",
             "aggregate": "aggregate", "conversation": "conversation（按轮）", "out_of_scope": "out_of_scope 拒答"}
    rows = [[names[k], f"{v['right']:.3f}", v["n"]] for k, v in s["per_kind"].items()]
    rows.append(["误拒（可答题）", f"{s['false_refusals']:.3f}", ""])
    rows.append(["已答且每个数字有出处", f"{s['answered_grounded']:.3f}", ""])
    rows.append(["已答且引用正确项目", f"{s['answered_citing_gold']:.3f}", ""])
    rows.append(["ask p50 / p95 毫秒", f"{s['latency_ms']['p50']:.1f} / {s['latency_ms']['p95']:.1f}", ""])
    return markdown_table(["题型", "正确率", "题数"], rows)
