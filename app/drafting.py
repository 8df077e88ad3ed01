"""Drafting help: indicators suggested from similar past projects, and checks on a draft table.

The checks follow the Ministry of Finance rules for performance targets (财预〔2020〕10号,
财预〔2021〕101号): every 一级 present, the required 二级 under 产出, values that can be
measured, a cost consistent with the amount, time limits as dates or rates, satisfaction as
a rate, no duplicate or placeholder rows.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from pydantic import BaseModel, Field, ValidationError, field_validator

from corpus import Declaration, format_amount
from corpus import labels as L
from corpus.parse import cost_in_yuan
from corpus.text import squash

EXPORT_COLUMNS = ("一级指标", "二级指标", "三级指标", "指标值", "备注")
REQUIRED_OUTPUT_LEVEL2 = ("数量指标", "质量指标", "时效指标", "成本指标")
BENEFIT_LEVEL2 = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")
SATISFACTION_LEVEL2 = "服务对象满意度指标"
VAGUE_VALUES = ("提升", "提高", "完善", "逐步提高", "增强", "有效", "明显", "促进", "保障", "良好", "改善", "加强",
                "持续", "推进", "推动", "健全", "优化", "满足", "增加", "减少", "降低", "较大", "显著")
PLACEHOLDERS = {"无", "——", "—", "-", "/", "指标1", "指标", "空", "待定"}
_DATE = re.compile(r"\d{4}\s*[年.\-/]|\d{1,2}\s*月|\d{1,2}\s*日|月底|年底|季度|工作日|小时|天|周|之前|前完成")
_RATE = re.compile(r"%|％|率")
_NUMBER = re.compile(r"\d")


class DraftIndicator(BaseModel):
    level1: str = ""
    level2: str = ""
    name: str = ""
    value: str = ""
    note: str = ""


class Draft(BaseModel):
    """A new declaration being drafted; only the description is required."""

    description: str = Field(min_length=1)
    name: str = ""
    amount_yuan: float | None = Field(default=None, ge=0)
    category: str | None = None
    project_type: str | None = None
    department: str | None = None
    indicators: list[DraftIndicator] = Field(default_factory=list)

    @field_validator("description")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("项目概况（description）不能为空")
        return v.strip()


class DraftError(ValueError):
    """A draft that cannot be read: the message says what and where."""


def parse_draft(data) -> Draft:
    try:
        return Draft.model_validate(data)
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(str(p) for p in e['loc']) or '草稿'}：{e['msg']}" for e in exc.errors())
        raise DraftError(f"草稿内容有误：{problems}。需要至少提供 description（项目概况）。") from None


@dataclass
class SuggestedIndicator:
    level1: str
    level2: str
    name: str
    value: str
    support: int
    sources: list[str]
    source_values: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"level1": self.level1, "level2": self.level2, "name": self.name, "value": self.value,
                "support": self.support, "sources": self.sources}


@dataclass
class Finding:
    row: int  # 1-based row of the draft table; 0 for the table as a whole
    rule: str
    message: str

    def to_json(self) -> dict:
        return {"row": self.row, "rule": self.rule, "message": self.message}


@dataclass
class Suggestion:
    similar: list[dict]
    indicators: list[SuggestedIndicator]
    checks: list[Finding]

    def to_json(self) -> dict:
        return {
            "similar": [{"code": s["code"], "name": s["name"], "score": s["score"]} for s in self.similar],
            "indicators": [i.to_json() for i in self.indicators],
            "checks": [c.to_json() for c in self.checks],
        }


# ---------------------------------------------------------------- suggestions


def _same_indicator(a: str, b: str) -> bool:
    """Near-duplicate names: one inside the other (验收合格率 / 设备验收合格率) or very alike."""
    a, b = squash(a).rstrip("。."), squash(b).rstrip("。.")
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and short in long and len(short) * 2 >= len(long):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def _number_of(value: str) -> float | None:
    m = re.search(r"(\d+(?:\.\d+)?)", value)
    return float(m.group(1)) if m else None


def _as_rate(level2: str, name: str, value: str) -> str:
    """'99' under 满意度 or a …率 row is a rate whose % sign the form left out."""
    if (level2 == SATISFACTION_LEVEL2 or "率" in name) and re.fullmatch(r"\s*[≥>]?\s*\d+(\.\d+)?\s*", value):
        n = _number_of(value)
        if n is not None and 0 < n <= 100:
            return f"{n:g}%"
    return value


def _suggest_value(level2: str, values: list[str], amount: float | None, n_cost_rows: int, name: str = "") -> str:
    values = [_as_rate(level2, name, v) for v in values if v and squash(v) not in PLACEHOLDERS]
    if level2 == "成本指标" and amount:
        return f"≤{format_amount(amount / max(1, n_cost_rows)).split('（')[0]}" if n_cost_rows > 1 else f"≤{format_amount(amount).split('（')[0]}"
    if not values:
        return "请按本项目实际填写"
    rates = [v for v in values if "%" in v]
    if rates and len(rates) * 2 >= len(values):
        numbers = sorted(n for n in (_number_of(v) for v in rates) if n is not None)
        if numbers:
            typical = statistics.median_low(numbers)
            text = f"≥{typical:g}%"
            if numbers[0] != numbers[-1]:
                text += f"（相似项目 {numbers[0]:g}%–{numbers[-1]:g}%）"
            return text
    counts = defaultdict(int)
    for v in values:
        counts[v] += 1
    return max(counts, key=lambda v: (counts[v], -values.index(v)))


def _cluster(rows: list[tuple[float, Declaration, object]]) -> list[dict]:
    """Group near-duplicate indicators of the same 二级 across projects."""
    clusters: list[dict] = []
    for weight, record, ind in rows:
        for c in clusters:
            if c["level2"] == ind.level2 and _same_indicator(c["name"], ind.name):
                break
        else:
            c = {"level1": ind.level1, "level2": ind.level2, "name": ind.name, "weight": 0.0, "sources": [], "values": []}
            clusters.append(c)
        if record.code not in c["sources"]:
            c["sources"].append(record.code)
            c["weight"] += weight
        c["values"].append(ind.value_annual)
    return clusters


def suggest(index, draft: Draft, k_similar: int = 5, per_level2: int = 3) -> Suggestion:
    query = f"{draft.name} {draft.description}".strip()
    hits = index.search(query, k=max(k_similar, 12))
    similar = []
    for h in hits[:k_similar]:
        r = index.by_code[h.code]
        reasons = [f"“{L.FIELD_NAMES_ZH.get(h.field, '标题与概况' if h.field == 'meta' else h.field)}”内容相近"]
        if draft.category and r.category == draft.category:
            reasons.append("项目分类相同")
        if draft.project_type and r.project_type == draft.project_type:
            reasons.append("项目类型相同")
        if draft.department and draft.department in (r.department + r.unit):
            reasons.append("同一主管部门")
        similar.append({"code": r.code, "name": r.name, "score": round(h.score, 6), "why": "；".join(reasons), "snippet": h.snippet})
    top_score = hits[0].score if hits else 1.0
    weighted = [(h.score / top_score, index.by_code[h.code]) for h in hits]
    rows = [(w, r, ind) for w, r in weighted[:k_similar] for ind in r.indicators if ind.level2]
    clusters = _cluster(rows)
    wider = _cluster([(w, r, ind) for w, r in weighted for ind in r.indicators if ind.level2])

    chosen: list[dict] = []
    for level2 in L.LEVEL2_ORDER:
        group = sorted((c for c in clusters if c["level2"] == level2), key=lambda c: (-len(c["sources"]), -c["weight"]))
        if not group and (level2 in REQUIRED_OUTPUT_LEVEL2 or level2 == SATISFACTION_LEVEL2):
            # not among the closest projects: take it from a wider circle of similar ones
            group = sorted((c for c in wider if c["level2"] == level2), key=lambda c: (-len(c["sources"]), -c["weight"]))[:1]
        chosen.extend(group[:per_level2])
    if not any(c["level1"] == L.LEVEL1_BENEFIT for c in chosen):
        benefit = sorted((c for c in wider if c["level1"] == L.LEVEL1_BENEFIT), key=lambda c: -c["weight"])[:1]
        chosen.extend(benefit)
    n_cost = sum(1 for c in chosen if c["level2"] == "成本指标")
    indicators = [
        SuggestedIndicator(
            level1=c["level1"], level2=c["level2"], name=c["name"],
            value=_suggest_value(c["level2"], c["values"], draft.amount_yuan, n_cost, c["name"]),
            support=len(c["sources"]), sources=c["sources"], source_values=c["values"],
        )
        for c in chosen
    ]
    indicators = _ensure_framework(indicators)
    return Suggestion(similar=similar, indicators=indicators, checks=check_indicators(draft.indicators, draft.amount_yuan))


def _ensure_framework(indicators: list[SuggestedIndicator]) -> list[SuggestedIndicator]:
    """Every suggestion covers all three 一级 and the required 二级, with a row to fill where needed."""
    present = {i.level2 for i in indicators}
    for level2 in (*REQUIRED_OUTPUT_LEVEL2, SATISFACTION_LEVEL2):
        if level2 not in present:
            indicators.append(SuggestedIndicator(L.LEVEL2_TO_LEVEL1[level2], level2, f"（请补充{level2}）", "请按本项目实际填写", 0, []))
    if not any(i.level1 == L.LEVEL1_BENEFIT for i in indicators):
        indicators.append(SuggestedIndicator(L.LEVEL1_BENEFIT, "社会效益指标", "（请补充社会效益指标）", "请按本项目实际填写", 0, []))
    order = {level2: n for n, level2 in enumerate(L.LEVEL2_ORDER)}
    return sorted(indicators, key=lambda i: order.get(i.level2, 99))


# ---------------------------------------------------------------- checks


def _canonical_level2(text: str) -> str:
    s = squash(text)
    if s in L.LEVEL2_TO_LEVEL1:
        return s
    for key, canon in L.LEVEL2_KEYWORDS:
        if key in s:
            return canon
    return ""


def check_indicators(rows: list[DraftIndicator], amount_yuan: float | None) -> list[Finding]:
    findings: list[Finding] = []
    if not rows:
        return findings
    seen: dict[str, int] = {}
    present_level1, present_level2 = set(), set()
    cost_total = 0.0
    for n, row in enumerate(rows, 1):
        name, value = row.name.strip(), row.value.strip()
        level2 = _canonical_level2(row.level2)
        level1 = L.LEVEL2_TO_LEVEL1.get(level2) or L.LEVEL1_LABELS.get(squash(row.level1), "")
        label = f"第 {n} 行“{name or '（空）'}”"
        if squash(name) in PLACEHOLDERS or not name:
            findings.append(Finding(n, "placeholder_row", f"{label}是占位行，不是指标：请删除或填写具体指标。"))
            continue
        present_level1.add(level1)
        present_level2.add(level2)
        key = squash(name)
        if key in seen:
            findings.append(Finding(n, "duplicate_row", f"{label}与第 {seen[key]} 行重复：同一指标只应出现一次。"))
        seen.setdefault(key, n)
        if not value or squash(value) in PLACEHOLDERS:
            findings.append(Finding(n, "placeholder_row", f"{label}没有指标值：请填写可衡量的目标值。"))
            continue
        vague = not _NUMBER.search(value) and any(w in value for w in VAGUE_VALUES)
        if vague and level1 in (L.LEVEL1_OUTPUT, L.LEVEL1_SATISFACTION):
            findings.append(Finding(n, "not_measurable", f"{label}的指标值“{value}”无法衡量：产出和满意度指标应给出数值，如数量、比率或日期。"))
        elif vague:
            findings.append(Finding(n, "not_measurable", f"{label}的指标值“{value}”只是方向性表述：建议量化（如提高的幅度、达到的水平），确实无法量化时写明可评判的标准。"))
        if level2 == "成本指标":
            cost = cost_in_yuan(value)
            if cost is not None:
                cost_total += cost
                if amount_yuan and cost > amount_yuan + 0.5:
                    findings.append(Finding(n, "cost_inconsistent", f"{label}的成本“{value}”高于项目金额 {format_amount(amount_yuan)}。"))
        rate_by_name = "率" in name and bool(_NUMBER.search(value))  # "验收及时率 100": a rate without its % sign
        if level2 == "时效指标" and not (_DATE.search(value) or _RATE.search(value) or rate_by_name):
            findings.append(Finding(n, "timeliness_without_date_or_rate", f"{label}的指标值“{value}”没有完成时间或及时率：时效指标应写明日期（如 2021 年 12 月底前）或比率（如 100%）。"))
        if level2 == SATISFACTION_LEVEL2 and "%" not in value and "％" not in value:
            if _NUMBER.search(value):
                message = f"{label}的指标值“{value}”缺少百分号：满意度应表述为比率，如 ≥{_number_of(value):g}%。"
            else:
                message = f"{label}的指标值“{value}”不是比率：满意度应表述为百分比，如 ≥90%。"
            findings.append(Finding(n, "satisfaction_not_rate", message))
    if amount_yuan and cost_total > amount_yuan + 0.5 and not any(f.rule == "cost_inconsistent" for f in findings):
        findings.append(Finding(0, "cost_inconsistent", f"成本指标合计 {format_amount(cost_total)}，高于项目金额 {format_amount(amount_yuan)}。"))
    for level1 in L.LEVEL1_ORDER:
        if level1 not in present_level1:
            findings.append(Finding(0, "missing_level1", f"缺少一级指标“{level1}”：绩效指标应包括产出、效益和满意度三类。"))
    if L.LEVEL1_OUTPUT in present_level1:
        for level2 in REQUIRED_OUTPUT_LEVEL2:
            if level2 not in present_level2:
                findings.append(Finding(0, "missing_level2", f"产出指标缺少二级指标“{level2}”：数量、质量、时效、成本四类都应设置。"))
    if L.LEVEL1_SATISFACTION in present_level1 and SATISFACTION_LEVEL2 not in present_level2:
        findings.append(Finding(0, "missing_level2", "满意度指标缺少二级指标“服务对象满意度指标”。"))
    return findings


def check_record(r: Declaration) -> list[Finding]:
    rows = [DraftIndicator(level1=i.level1, level2=i.level2, name=i.name, value=i.value_annual) for i in r.indicators]
    if not rows:
        return [Finding(0, "missing_level1", "表中没有解析出任何绩效指标。")]
    return check_indicators(rows, r.amount_yuan)


def corpus_report(records: list[Declaration]) -> dict:
    """The same checks over every form: what a reviewer would want to see first."""
    per_rule: dict[str, int] = defaultdict(int)
    forms = []
    for r in records:
        findings = check_record(r)
        for f in findings:
            per_rule[f.rule] += 1
        if findings:
            forms.append({"code": r.code, "name": r.name, "findings": [f.to_json() for f in findings]})
    return {"forms_checked": len(records), "forms_with_findings": len(forms), "per_rule": dict(per_rule), "forms": forms}


# ---------------------------------------------------------------- export


def table_rows(indicators: list[SuggestedIndicator], names: dict[str, str] | None = None) -> list[list[str]]:
    rows = []
    for i in indicators:
        note = ""
        if i.sources:
            source_names = "、".join((names or {}).get(c, c) for c in i.sources[:3])
            note = f"参考 {i.support} 个相似项目：{source_names}"
        rows.append([i.level1, i.level2, i.name, i.value, note])
    return rows


def to_csv(rows: list[list[str]]) -> str:
    from app.spreadsheet import escape_rows

    rows = escape_rows(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def to_xlsx(rows: list[list[str]], path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from app.spreadsheet import escape_rows

    rows = escape_rows(rows)
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效指标"
    ws.append(list(EXPORT_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for column, width in zip("ABCDE", (12, 20, 30, 24, 50)):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)


# ---------------------------------------------------------------- the chat


def suggest_for_question(answerer, question: str):
    from app.answer import Answer, Citation

    topic = re.sub("|".join(map(re.escape, ("三级指标", "绩效指标", "指标", "一般", "设哪些", "怎么设", "怎么写", "怎么定", "参考", "？", "?"))), " ", question)
    suggestion = suggest(answerer.index, Draft(description=topic.strip() or question))
    names = {r.code: r.name for r in answerer.records}
    lines = ["参考相似的往年项目：" + "；".join(f"{s['name']}（{s['code']}）" for s in suggestion.similar[:3]),
             "建议的绩效指标（指标值取自相似项目，请按本项目实际调整）：",
             "| 一级指标 | 二级指标 | 三级指标 | 建议指标值 | 参考项目数 |", "|---|---|---|---|---|"]
    for i in suggestion.indicators:
        lines.append(f"| {i.level1} | {i.level2} | {i.name} | {i.value} | {i.support} |")
    used = list(dict.fromkeys(c for i in suggestion.indicators for c in i.sources))
    lines.append("来源：" + "；".join(f"{names[c]}｜{c}｜绩效指标" for c in used))
    table = [dict(zip(EXPORT_COLUMNS, row)) for row in table_rows(suggestion.indicators, names)]
    citations = [Citation(c, names[c], "indicators") for c in used]
    return Answer(question, "\n".join(lines), False, "suggest", citations, table)
