"""Fitting when a draft has a close precedent, on the written drafts of the spent splits.

A logistic model over three signals the drafting layer computes (app.drafting.precedent_features):
the best share of the draft's own words a past form uses, and how near in meaning the nearest
form is to the draft's title and to the whole draft. The labels are the drafts' written
expectations: "close" against "partial" and "none". The probability at which a draft counts as
close is chosen on out-of-fold predictions (each split predicted by a model fitted on the others),
with a false "close" costing FALSE_CLOSE_COST missed ones: a false close hands over another
project's indicator table, a missed one falls back to the framework and related forms.
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np

from app.drafting import PRECEDENT_FEATURES as FEATURES
from app.drafting import (Draft, draft_closeness, meaning_search, nearest_agreed, precedent_features, precedent_of,
                           precedent_probability, speaks_of_draft, title_search)
from eval.suggest import load_drafts

FIT_SPLITS = ("dev", "heldout") + tuple(f"heldout-{n}" for n in range(2, 21))  # spent: their final runs are done
FALSE_CLOSE_COST = 5.0
PROBABILITIES = tuple(round(0.05 * n, 2) for n in range(6, 19))  # 0.30 … 0.90


def observe(index, splits=FIT_SPLITS) -> list[dict]:
    rows = []
    for split in splits:
        for entry in load_drafts(split):
            d = entry["draft"]
            draft = Draft(name=d.get("name", ""), description=d["description"], amount_yuan=d.get("amount_yuan"))
            rows.append({"split": split, "id": entry["id"], "close": entry["precedent"] == "close",
                         **precedent_features(index, draft)})
    return rows


def _logistic(z: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 3000, rate: float = 0.5):
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        g = 1 / (1 + np.exp(-(z @ w + b))) - y
        w -= rate * (z.T @ g / len(y) + l2 * w)
        b -= rate * float(g.mean())
    return w, b


def _model(rows: list[dict]) -> dict:
    x = np.array([[r[f] for f in FEATURES] for r in rows])
    y = np.array([r["close"] for r in rows], dtype=float)
    mean, scale = x.mean(0), x.std(0)
    w, b = _logistic((x - mean) / scale, y)
    return {"features": list(FEATURES), "mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
            "weights": w.round(6).tolist(), "bias": round(b, 6)}


def probability(model: dict, row: dict) -> float:
    return precedent_probability(row, model)


def fit(rows: list[dict]) -> dict:
    """The model on all rows; the close probability from out-of-fold predictions, split by split."""
    out_of_fold = []
    for split in dict.fromkeys(r["split"] for r in rows):
        model = _model([r for r in rows if r["split"] != split])
        out_of_fold += [(probability(model, r), r["close"]) for r in rows if r["split"] == split]
    table = []
    for t in PROBABILITIES:
        false_close = sum(p >= t and not close for p, close in out_of_fold)
        missed = sum(p < t and close for p, close in out_of_fold)
        table.append({"probability": t, "false_close": false_close, "missed_close": missed,
                      "utility": -FALSE_CLOSE_COST * false_close - missed})
    best = max(table, key=lambda row: (row["utility"], row["probability"]))
    return dict(_model(rows), close_probability=best["probability"], n=len(rows),
                n_close=sum(r["close"] for r in rows), table=table)


def precedent_table(fitted: dict) -> str:
    lines = ["| 判为 close 的概率 | 误判为 close（无先例） | 漏判 close | 效用 |", "|---|---|---|---|"]
    for row in fitted["table"]:
        mark = " ←" if row["probability"] == fitted["close_probability"] else ""
        lines.append(f"| {row['probability']:.2f}{mark} | {row['false_close']} | {row['missed_close']} | {row['utility']:.0f} |")
    return "\n".join(lines)


def write_model(fitted: dict) -> None:
    """Store the fitted model in app/data/drafting.json (a source checkout only)."""
    path = resources.files("app").joinpath("data/drafting.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["precedent"]["model"] = {k: fitted[k] for k in ("features", "mean", "scale", "weights", "bias", "close_probability")}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")  # type: ignore[union-attr]


AGREED_SPLITS = FIT_SPLITS + tuple(f"heldout-{n}" for n in range(21, 39))  # spent: sets 28-38 were run as they fell
AGREED_PROBABILITIES = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.50)


def observe_agreement(index, splits=AGREED_SPLITS) -> list[dict]:
    """Per draft not judged "close": its probability, the form the hybrid search and the meaning both
    rank first (if any), whether the title's meaning ranks it first too, whether that form speaks of
    the draft's work (`speaks_of_draft`: the tables count only forms that do, as the drafting does),
    and whether the draft's writer counted it as its source (a close draft) or as unrelated (a
    no-precedent draft)."""
    rows = []
    for split in splits:
        for entry in load_drafts(split):
            d = entry["draft"]
            draft = Draft(name=d.get("name", ""), description=d["description"], amount_yuan=d.get("amount_yuan"))
            query = f"{draft.name} {draft.description}".strip()
            closeness, by_meaning, by_title = draft_closeness(index, draft), meaning_search(index, draft), title_search(index, draft)
            features = precedent_features(index, draft, closeness, by_meaning, by_title)
            if precedent_of(features) == "close":
                continue
            hits = index.search(query, k=1)
            agreed = nearest_agreed(hits, by_meaning)
            expect = entry["expect"]
            title_agrees = nearest_agreed(hits, by_meaning, by_title) is not None
            # as the drafting does: without the title's agreement, more of the form must speak of the draft
            speaks = agreed is not None and speaks_of_draft(index, index.by_code[agreed], set(index.tokenizer(query)), query,
                                                            strict=not title_agrees)
            rows.append({"split": split, "id": entry["id"], "label": entry["precedent"], "agreed": agreed is not None,
                         "title_agrees": title_agrees, "speaks": speaks,
                         "probability": precedent_probability(features),
                         "source": agreed in expect.get("similar_codes", []),
                         "unrelated": agreed not in set(expect.get("related_codes", [])) | set(expect.get("similar_codes", []))})
    return rows


def agreed_table(rows: list[dict], floor: float | None = None) -> list[dict]:
    """Per probability floor: close drafts that would follow their own source form (or another),
    and no-precedent drafts that would follow a form their writer did not count as related. With
    ``floor`` (the two-way floor in use), the floors below it are for the title's agreement as well."""
    table = []
    for probability in AGREED_PROBABILITIES if floor is None else [p for p in AGREED_PROBABILITIES if p <= floor]:
        chosen = [r for r in rows if r["agreed"] and r.get("speaks", True) and (r["probability"] >= (floor or probability)
                                                      or r["title_agrees"] and r["probability"] >= probability)]
        table.append({"probability": probability,
                      "close_follow_source": sum(r["label"] == "close" and r["source"] for r in chosen),
                      "close_follow_other": sum(r["label"] == "close" and not r["source"] for r in chosen),
                      "no_precedent_follow_unrelated": sum(r["label"] != "close" and r["unrelated"] for r in chosen)})
    return table


def agreed_markdown(table: list[dict], chosen: float) -> str:
    lines = ["| 概率下限 | 有先例、参照其来源表 | 有先例、参照别的表 | 无先例、参照无关表 |", "|---|---|---|---|"]
    for row in table:
        mark = " ←" if row["probability"] == chosen else ""
        lines.append(f"| {row['probability']:.2f}{mark} | {row['close_follow_source']} | {row['close_follow_other']} | "
                     f"{row['no_precedent_follow_unrelated']} |")
    return "\n".join(lines)
