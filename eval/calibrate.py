"""Fitting the confidence at which a project found by description is answered, on labelled
development questions only, and reporting the calibration (accuracy against confidence).

Confidence = w * coverage + (1 - w) * margin, where coverage is the share of the description's
words the form explains (weighted by rarity) and margin the retriever's lead over the runner-up.
A wrong answer costs more than a refusal (WRONG_COST), since a refusal still lists "您是否要找".
"""

from __future__ import annotations

import json
from importlib import resources

from app.answer import Conversation
from eval.natural import load_natural
from eval.questions import load_questions

DESCRIBED = ("described_lookup", "which_project", "described_or_search", "lookup_in_scope")
WRONG_COST = 2.0


def labelled_dev(answerer, natural_dev_paths=()) -> list[tuple[str, set[str]]]:
    """(question, gold codes) pairs: the dev split of the project's set, and natural question sets
    used for development (the external dev half; a held-out split once its final run is spent).
    Out-of-scope questions carry an empty gold set."""
    pairs = [(q.question, set(q.gold_codes)) for q in load_questions("dev") if q.kind in ("fact", "known_item", "out_of_scope")]
    if isinstance(natural_dev_paths, str):
        natural_dev_paths = [natural_dev_paths]
    seq_codes = {r.seq: r.code for r in answerer.records}
    for path in natural_dev_paths or ():
        for item in load_natural(path):
            if item["kind"] in ("described_fact", "known_item", "fact", "out_of_scope", "multi_part"):
                pairs.append((item["question"], {seq_codes[s] for s in item.get("gold_seqs", [])}))
    return pairs


def observe(answerer, pairs) -> list[dict]:
    rows = []
    for question, gold in pairs:
        plan = answerer.plan(question, Conversation())
        if plan.intent not in DESCRIBED:
            continue
        found = answerer.identify(plan)
        if not found.ranked:
            continue
        top = found.ranked[0]
        vetoed = found.best is None and _vetoed(found)
        scope = plan.filters if plan.has_filters else None
        query = plan.description or plan.topic or plan.rest
        rows.append({"question": question, "coverage": top.coverage, "margin": top.margin,
                     "meaning": answerer.finder.missing_words_mean(top, scope),
                     "agree": answerer.finder.retrievers_agree(top, query, scope),
                     "right": top.record.code in gold, "answerable": bool(gold), "vetoed": vetoed})
    return rows


def _vetoed(found) -> bool:
    """Refused for a named organisation or a claimed name the form lacks, whatever the confidence."""
    top = found.ranked[0]
    return any(w not in top.missing for w in found.missing)


def fit(rows: list[dict]) -> dict:
    best = None
    for w10 in range(0, 11):
        w = w10 / 10
        for t100 in range(5, 100, 5):
            t = t100 / 100
            utility = 0.0
            for r in rows:
                conf = w * r["coverage"] + (1 - w) * r["margin"]
                if conf >= t and not r["vetoed"]:
                    utility += 1.0 if r["right"] else -WRONG_COST
            key = (utility, t)
            if best is None or key > best[0]:
                best = (key, w, t)
    (utility, _), w, t = best
    floor, with_meaning = fit_floor(rows, w, t, "meaning")
    agreement, with_agreement = fit_floor(rows, w, t, "agree", (floor, "meaning"))
    return {"coverage_weight": w, "described_confident": t, "utility": utility, "n": len(rows),
            "semantic_floor": floor, "utility_with_meaning": with_meaning,
            "agreement_floor": agreement, "utility_with_agreement": with_agreement, "table": calibration_table(rows, w)}


def fit_floor(rows: list[dict], w: float, t: float, signal: str, fitted: tuple[float, str] | None = None) -> tuple[float, float]:
    """Below the confidence threshold, a description is also answered from a floor of coverage up
    when a signal holds: "meaning" (its missing words, searched alone by meaning, find the same
    project) or "agree" (the lexical and the dense retriever each put it first), on top of a floor
    already ``fitted`` for another signal. The floor with the best utility (the highest among
    equals: the least reach); 1.0 means the rule does not pay."""
    best = (-1e9, 1.0)
    for f100 in range(100, -1, -5):
        floor = f100 / 100
        utility = 0.0
        for r in rows:
            conf = w * r["coverage"] + (1 - w) * r["margin"]
            other = fitted is not None and r["coverage"] >= fitted[0] and r[fitted[1]]
            if not r["vetoed"] and (conf >= t or other or (r["coverage"] >= floor and r[signal])):
                utility += 1.0 if r["right"] else -WRONG_COST
        if utility > best[0]:
            best = (utility, floor)
    return best[1], best[0]


def calibration_table(rows: list[dict], w: float) -> list[dict]:
    buckets = [(0.0, 0.2), (0.2, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 1.01)]
    table = []
    for lo, hi in buckets:
        inside = [r for r in rows if lo <= w * r["coverage"] + (1 - w) * r["margin"] < hi]
        if inside:
            table.append({"confidence": f"{lo:.1f}–{min(hi, 1.0):.1f}", "n": len(inside),
                          "top_is_right": round(sum(r["right"] for r in inside) / len(inside), 3)})
    return table


def write_thresholds(fitted: dict) -> None:
    """Store the fitted values in app/data/thresholds.json (a source checkout only)."""
    path = resources.files("app").joinpath("data/thresholds.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(coverage_weight=fitted["coverage_weight"], described_confident=fitted["described_confident"],
                semantic_floor=fitted["semantic_floor"], agreement_floor=fitted["agreement_floor"])
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")  # type: ignore[union-attr]
