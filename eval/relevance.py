"""Calibrate the page's "相关度低" cue (app/relevance.py) on labelled dev questions and write
app/data/relevance.json.

Positives: dev retrieval questions (known_item, similar, indicator) — each has a gold project.
Negatives: dev out_of_scope questions that name no project of the corpus (weather, other cities,
other hospitals…). Out-of-scope questions that do name a project (another year of a real project)
are refused by the answerer for the year, but for search the named project *is* close, so they are
reported apart and not used for the fit.

Run: python -m eval.relevance [--split dev] [--write]; python -m eval.relevance --check test
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from statistics import median

from app.relevance import Relevance, closeness, signals

QUESTIONS = Path(__file__).with_name("questions.jsonl")
TARGET = Path(__file__).resolve().parent.parent / "app" / "data" / "relevance.json"
RETRIEVAL_KINDS = ("known_item", "similar", "indicator")


def _load(split: str) -> list[dict]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [q for q in rows if q["split"] == split]


def _names_a_project(question: str, names: list[str]) -> bool:
    compact = question.replace(" ", "")
    return any(len(n) >= 4 and n.replace(" ", "").rstrip("0123456789") in compact for n in names)


def _best_cut(pos: list[float], neg: list[float]) -> tuple[float, float, float]:
    """(cut, share of positives kept, share of negatives flagged) with the best balanced accuracy;
    ties go to the lower cut, which flags fewer real matches as weak."""
    values = sorted(pos + neg)
    best = None
    for a, b in zip(values, values[1:]):
        cut = (a + b) / 2
        tpr = sum(s >= cut for s in pos) / len(pos)
        tnr = sum(s < cut for s in neg) / len(neg)
        key = ((tpr + tnr) / 2, -cut)
        if best is None or key > best[0]:
            best = (key, cut, tpr, tnr)
    return best[1], best[2], best[3]


def calibrate(index, split: str = "dev") -> dict:
    names = [r.name for r in index.records]
    groups: dict[str, list[dict]] = {"positive": [], "negative": [], "named": []}
    for q in _load(split):
        if q["kind"] in RETRIEVAL_KINDS:
            group = "positive"
        elif q["kind"] == "out_of_scope":
            group = "named" if _names_a_project(q["question"], names) else "negative"
        else:
            continue
        per = signals(index, q["question"])
        groups[group].append({"id": q["id"], "question": q["question"], "signals": per})
    # Scales: medians over the positives, each project's best signal per question.
    gap_scale = median(max(g for g, _ in r["signals"].values()) for r in groups["positive"])
    bm25_scale = median(max(b for _, b in r["signals"].values()) for r in groups["positive"])
    params = Relevance(model=index.embedder.model_id, gap_scale=gap_scale, bm25_scale=bm25_scale, min_closeness=1.0,
                       calibration={})
    for rows in groups.values():
        for r in rows:
            r["closeness"] = round(max(closeness(g, b, params) for g, b in r.pop("signals").values()), 4)
    pos = [r["closeness"] for r in groups["positive"]]
    neg = [r["closeness"] for r in groups["negative"]]
    cut, kept, flagged = _best_cut(pos, neg)
    report = {
        "split": split, "positives": len(pos), "negatives": len(neg), "named_out_of_scope": len(groups["named"]),
        "gap_scale": round(gap_scale, 6), "bm25_scale": round(bm25_scale, 6), "min_closeness": round(cut, 4),
        "positives_kept": round(kept, 4), "negatives_flagged": round(flagged, 4),
        "named_out_of_scope_flagged": sum(r["closeness"] < cut for r in groups["named"]),
        "positive_closeness_min_median": [min(pos), median(pos)], "negative_closeness_median_max": [median(neg), max(neg)],
    }
    report["rows"] = {k: sorted(v, key=lambda r: r["closeness"]) for k, v in groups.items()}
    return report


def check(index, split: str) -> dict:
    """The stored threshold (app/data/relevance.json) on another split: nothing is refitted."""
    from app.relevance import closeness_by_project, relevance

    cut = relevance().min_closeness
    names = [r.name for r in index.records]
    kept, flagged, pos, neg = 0, 0, 0, 0
    for q in _load(split):
        if q["kind"] not in RETRIEVAL_KINDS and (q["kind"] != "out_of_scope" or _names_a_project(q["question"], names)):
            continue
        best = max(closeness_by_project(index, q["question"]).values(), default=0.0)
        if q["kind"] in RETRIEVAL_KINDS:
            pos, kept = pos + 1, kept + (best >= cut)
        else:
            neg, flagged = neg + 1, flagged + (best < cut)
    return {"split": split, "min_closeness": cut, "positives": pos, "positives_kept": round(kept / max(pos, 1), 4),
            "negatives": neg, "negatives_flagged": round(flagged / max(neg, 1), 4)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.relevance")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--write", action="store_true", help="write app/data/relevance.json")
    parser.add_argument("--check", metavar="SPLIT", help="only report the stored threshold on SPLIT")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "relevance-dev.json")
    args = parser.parse_args(argv)
    from index.store import open_index

    index = open_index(progress=False)
    if args.check:
        print(json.dumps(check(index, args.check), ensure_ascii=False))
        return 0
    report = calibrate(index, args.split)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    summary = {k: v for k, v in report.items() if k != "rows"}
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    if args.write:
        params = Relevance(model=index.embedder.model_id, gap_scale=report["gap_scale"], bm25_scale=report["bm25_scale"],
                           min_closeness=report["min_closeness"], calibration=summary)
        TARGET.write_text(json.dumps(params.model_dump(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
