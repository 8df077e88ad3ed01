"""Is every number in a text backed by the records it cites?

Two levels:

- ``numbers`` / ``ungrounded``: the evaluation's check that every figure of a record-based
  answer can be found among the cited records' numbers (kept for eval/ and its tests).
- ``verify_rephrase``: the strict check a language model's rephrasing must pass before it
  is shown. Every number in the model's text — Arabic or Chinese numerals, with 万/亿 units,
  percentages, dates — is read as a typed value (money in 元, percent, date, year, plain) and
  must equal a value of a field or indicator the answer cites (or a figure the record-based
  answer states). Every figure and named fact of the record-based answer must still be there.
  Links, images, HTML and instructions are refused. Any failure returns a reason; the caller
  falls back to the record-based answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus import Declaration
from corpus.text import squash

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
GUARD_FILE = Path(__file__).resolve().parent / "data" / "llm_guard.json"


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
        printed = r.model_dump_json()
        pool.update(numbers(printed))
        # a sum the text gives in 万 ("2180 万元") is shown in 元 beside it
        pool.update(round(float(n) * 1e4, 2) for n in re.findall(r"(?<![\d.])(\d+(?:\.\d+)?)\s*万", printed))
        if r.amount_yuan is not None:
            pool.update({r.amount_yuan, round(r.amount_yuan / 1e4, 6)})
        for item in r.schedule:  # schedule lines are shown in 元 and 万元 too
            if item.amount_yuan is not None:
                pool.update({item.amount_yuan, round(item.amount_yuan / 1e4, 6)})
        pool.add(float(len(r.indicators)))  # "共列 10 个三级指标"
    amounts = [r.amount_yuan or 0.0 for r in unique]
    if len(amounts) == 2:  # "它俩差了多少"
        gap = abs(amounts[0] - amounts[1])
        pool.update({gap, round(gap / 1e4, 6)})
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


# ---------------------------------------------------------------- typed number mentions

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
# Measure words after a Chinese numeral that make it a quantity ("三个项目", "五十吨"), so that
# words like "一级指标" or "统一" are not read as numbers.
_CN_MEASURES = "个元%％人吨天年月日次家项台套所名辆件户座条张本批台处期组场间份位户亩米公里小时分钟周季度倍"

_DATE = re.compile(r"(?<![\d.])(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*[日号]?")
_YEAR_MONTH = re.compile(r"(?<![\d.])(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d)")
_YEAR = re.compile(r"(?<![\d.])(\d{4})\s*(?:年度|年)")
_ARABIC = re.compile(
    r"(?<![\d.])(百分之)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(万亿|亿|万|千)?\s*(元|%|％)?"
)
_CHINESE = re.compile(rf"(百分之)?([{_CN_CHARS}]+(?:点[{_CN_CHARS[:12]}]+)?)\s*(元|%|％|[{_CN_MEASURES}])?")


@dataclass(frozen=True)
class Mention:
    kind: str  # "money" (元), "percent", "date" (ISO), "month" (YYYY-MM), "year", "plain"
    value: float | str
    raw: str

    def __str__(self) -> str:
        return self.raw


def _chinese_int(text: str) -> int | None:
    """'九百九十九万' → 9990000; '二〇二一' → 2021; None when it is not a well-formed numeral."""
    if not text:
        return None
    if all(ch in _CN_DIGITS for ch in text):  # digit by digit: 二〇二一
        return int("".join(str(_CN_DIGITS[ch]) for ch in text)) if len(text) > 1 else _CN_DIGITS[text]
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row inside a positional numeral
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in _CN_BIG:
            section += digit or 0
            total = (total + section) * _CN_BIG[ch] if ch == "亿" else total + section * _CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def chinese_number(text: str) -> float | None:
    whole, _, frac = text.partition("点")
    base = _chinese_int(whole) if whole else 0
    if base is None:
        return None
    if frac:
        if not all(ch in _CN_DIGITS for ch in frac):
            return None
        return float(f"{base}.{''.join(str(_CN_DIGITS[ch]) for ch in frac)}")
    return float(base)


def _typed(value: float, percent: bool, money: bool, raw: str) -> Mention:
    if percent:
        return Mention("percent", round(value, 6), raw)
    if money:
        return Mention("money", round(value, 4), raw)
    return Mention("plain", round(value, 6), raw)


def mentions(text: str) -> list[Mention]:
    """Every number in the text as a typed value, dates first so their parts are not read again."""
    text = text or ""
    found: list[Mention] = []
    taken = [False] * len(text)

    def claim(m: re.Match) -> bool:
        if any(taken[m.start() : m.end()]):
            return False
        for i in range(m.start(), m.end()):
            taken[i] = True
        return True

    for m in _DATE.finditer(text):
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31 and claim(m):
            found.append(Mention("date", f"{y:04d}-{mo:02d}-{d:02d}", m.group(0)))
    for m in _YEAR_MONTH.finditer(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12 and claim(m):
            found.append(Mention("month", f"{y:04d}-{mo:02d}", m.group(0)))
    for m in _YEAR.finditer(text):
        if claim(m):
            found.append(Mention("year", float(m.group(1)), m.group(0)))
    for m in _ARABIC.finditer(text):
        if any(taken[m.start(2) : m.end(2)]):
            continue
        claim(m)
        number = float(m.group(2).replace(",", "") + (f".{m.group(3)}" if m.group(3) else ""))
        scale = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3, None: 1.0}[m.group(4)]
        percent = bool(m.group(1)) or m.group(5) in ("%", "％")
        found.append(_typed(number * scale, percent, m.group(5) == "元", m.group(0).strip()))
    for m in _CHINESE.finditer(text):
        if any(taken[m.start(2) : m.end(2)]):
            continue
        numeral, unit, percent = m.group(2), m.group(3), bool(m.group(1))
        value = chinese_number(numeral)
        if value is None:
            continue
        multi = len(numeral) > 1 and any(ch in "十百千万亿点" for ch in numeral)
        # "一级指标", "统一", "万一": only a numeral with a measure word, a percent, or a
        # positional numeral ("九百九十九万") is a number.
        if not (percent or unit or multi) or (not multi and numeral in ("一", "两", "万", "亿", "千", "百", "十")
                                               and unit not in ("元", "%", "％") and not percent):
            continue
        claim(m)
        found.append(_typed(value, percent or unit in ("%", "％"), unit == "元", m.group(0).strip()))
    return found


# ---------------------------------------------------------------- what an answer may state


def _cited_texts(record: Declaration, field: str) -> list[str]:
    """The printed values of one cited field (an indicator citation covers the indicator table)."""
    if field == "indicators":
        out = []
        for i in record.indicators:
            out += [i.name, i.value_annual, i.value_longterm, i.note]
        return out
    if field in ("start_date", "end_date", "dates"):
        return [record.start_date or "", record.end_date or ""]
    if field in ("goal_annual", "goal_longterm", "goals"):
        return [record.goal_annual, record.goal_longterm]
    if field == "schedule":
        return [f"{s.content} {s.start_date or ''}" for s in record.schedule]
    value = getattr(record, field, None)
    if value is None or isinstance(value, (list, dict)):
        return []
    return [str(value)]


def cited_pool(records: list[Declaration], fields: list[tuple[str, str]], draft: str) -> list[Mention]:
    """Typed values the answer may state: its cited fields' values and the record-based answer's figures."""
    by_code = {r.code: r for r in records}
    pool: list[Mention] = list(mentions(draft))
    for code, field in fields:
        r = by_code.get(code)
        if r is None:
            continue
        for text in _cited_texts(r, field):
            pool += mentions(text)
        if field == "amount_yuan" and r.amount_yuan is not None:
            pool.append(Mention("money", round(r.amount_yuan, 4), "amount_yuan"))
        if field == "schedule":
            pool += [Mention("money", round(s.amount_yuan, 4), "schedule") for s in r.schedule if s.amount_yuan is not None]
        if r.year:  # every form is of its year: "2021 年度" is always a true statement about it
            pool.append(Mention("year", float(r.year), "year"))
    return pool


def _same(a: Mention, b: Mention) -> bool:
    """Does mention a (from the model) state value b (from the records)?"""
    if a.kind in ("date", "month"):
        return b.kind == a.kind and a.value == b.value or (a.kind == "month" and b.kind == "date" and str(b.value).startswith(str(a.value)))
    if a.kind == "year":
        if b.kind == "year":
            return a.value == b.value
        return b.kind in ("date", "month") and str(b.value)[:4] == f"{int(a.value):04d}"
    if b.kind in ("date", "month", "year"):
        return False  # a plain "2021" or "2021 元" is not the date 2021-01-01
    if a.kind == "money":
        return b.kind == "money" and _close(a.value, b.value)
    if a.kind == "percent":
        return b.kind == "percent" and _close(a.value, b.value)
    return _close(a.value, b.value)  # a plain number or a count: the same figure, whatever its unit


def _close(x: float, y: float) -> bool:
    return abs(x - y) <= max(1e-6, 1e-9 * max(abs(x), abs(y)))


# ---------------------------------------------------------------- markup and instructions


class GuardFileError(ValueError):
    """The guard data file is missing keys or holds an invalid pattern."""


@lru_cache(maxsize=1)
def guard() -> dict:
    try:
        data = json.loads(GUARD_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GuardFileError(f"{GUARD_FILE}: 无法读取（{exc}）。") from None
    problems = []
    for key in ("markup", "instructions"):
        values = data.get(key)
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            problems.append(f"“{key}”应为非空字符串列表")
    compiled = []
    for pattern in data.get("markup") or []:
        try:
            compiled.append(re.compile(pattern, re.M))
        except (re.error, TypeError) as exc:
            problems.append(f"正则“{pattern}”无效（{exc}）")
    for key in ("max_length_ratio", "max_extra_chars"):
        if not isinstance(data.get(key), (int, float)) or data[key] <= 0:
            problems.append(f"“{key}”应为正数")
    if problems:
        raise GuardFileError(f"{GUARD_FILE}: " + "；".join(problems) + "。请修正该文件。")
    return {"markup": compiled, "instructions": [p.lower() for p in data["instructions"]],
            "max_length_ratio": float(data["max_length_ratio"]), "max_extra_chars": int(data["max_extra_chars"])}


# ---------------------------------------------------------------- the check


def body_lines(text: str) -> str:
    """The answer without its 来源 line (sources are appended by the system, not the model)."""
    return "\n".join(line for line in (text or "").splitlines() if not line.strip().startswith("来源"))


_SHORT_FIELDS = ("contact", "phone", "department", "department_code", "unit", "code", "project_type", "category",
                 "section", "name")


def verify_rephrase(text: str, draft: str, records: list[Declaration], cited: list[tuple[str, str]]) -> str | None:
    """None when the model text may be shown; otherwise the reason it may not (for the log)."""
    if not isinstance(text, str) or not text.strip():
        return "模型没有返回文字"
    g = guard()
    body = body_lines(text)
    draft_body = body_lines(draft)
    for pattern in g["markup"]:
        for m in pattern.finditer(text):
            if m.group(0) not in draft:
                return f"含有链接、图片或 HTML：“{m.group(0)[:40]}”"
    lowered, draft_lower = text.lower(), draft.lower()
    for phrase in g["instructions"]:
        if phrase in lowered and phrase not in draft_lower:
            return f"含有指令性或与事实无关的话：“{phrase}”"
    if len(body) > g["max_length_ratio"] * len(draft_body) + g["max_extra_chars"]:
        return f"改写过长（{len(body)} 字，草拟答案 {len(draft_body)} 字）"
    pool = cited_pool(records, cited, draft)
    stated = mentions(body)
    for m in stated:
        if not any(_same(m, p) for p in pool):
            return f"数字“{m.raw}”不等于所引用字段或指标的任何值"
    # project codes identify; the 来源 line the system appends keeps them, so the body may leave them out
    codes = {float(r.code) for r in records if r.code.isdigit()}
    for m in mentions(draft_body):
        if m.kind == "plain" and m.value in codes:
            continue
        if not any(_same(s, m) or _same(m, s) for s in stated):
            return f"草拟答案中的“{m.raw}”没有在改写中出现"
    squashed = squash(body)
    by_code = {r.code: r for r in records}
    for code, field in cited:
        r = by_code.get(code)
        if r is None:
            continue
        for key in {field, "name"} & set(_SHORT_FIELDS):
            value = getattr(r, key, None)
            if isinstance(value, str) and value and squash(value) in squash(draft_body) and squash(value) not in squashed:
                return f"改写丢掉了“{value[:30]}”"
    return None
