"""Is every number in a text backed by the records it cites (or derived from them)?"""

from __future__ import annotations

import re

from corpus import Declaration

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers(text: str) -> list[float]:
    out = []
    for token in _NUMBER.findall(text or ""):
        try:
            out.append(float(token.replace(",", "")))
        except ValueError:
            pass
    return out


def allowed_numbers(records: list[Declaration]) -> set[float]:
    """Numbers printed in the records, their amounts in 万元, and counts/totals over them."""
    unique = list({r.code: r for r in records}.values())
    pool: set[float] = set()
    for r in unique:
        pool.update(numbers(r.model_dump_json()))
        if r.amount_yuan is not None:
            pool.update({r.amount_yuan, round(r.amount_yuan / 1e4, 6)})
        pool.add(float(len(r.indicators)))  # "共列 10 个三级指标"
    amounts = [r.amount_yuan or 0.0 for r in unique]
    if amounts:
        total = sum(amounts)
        mean = total / len(amounts)
        pool.update({float(len(amounts)), total, round(total / 1e4, 6), round(mean, 2), round(round(mean, 2) / 1e4, 4)})
    for key in ("department", "section"):  # per-group counts and totals
        groups: dict[str, list[float]] = {}
        for r in unique:
            groups.setdefault(getattr(r, key) or "", []).append(r.amount_yuan or 0.0)
        for values in groups.values():
            pool.update({float(len(values)), sum(values), round(sum(values) / 1e4, 6)})
    return pool


def ungrounded(text: str, records: list[Declaration], extra: set[float] = frozenset()) -> list[float]:
    pool = allowed_numbers(records) | set(extra)
    return [n for n in numbers(text) if not any(abs(n - p) < 1e-6 for p in pool)]
