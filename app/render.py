"""Rendering: answers as text and table rows, from what the handlers computed. No deciding here."""

from __future__ import annotations

import re

from app.answer_model import FIELD_LABELS, Answer, Citation, cite, citation_field, field_value
from app.indicators import Selection
from app.vocabulary import vocabulary
from corpus import Declaration, Indicator, format_amount, format_period

LONG_TEXT = {"basis", "overview", "legal_basis", "feasibility", "goals"}


def refuse(question: str, reason: str, suggestions: list[dict] | None = None, kind: str = "refusal") -> Answer:
    text = reason
    if suggestions:
        text += "\n您是否要找：" + "；".join(f"{s['name']}（{s['code']}）" for s in suggestions) + "（仅供参考，不是答案）"
    return Answer(question, text, True, kind, [], [], suggestions or [])


_WAN_YUAN = re.compile(r"(?<![\d.,])(\d+(?:\.\d+)?)\s*万元(?!\s*[（(])")


def _with_yuan(clause: str) -> str:
    """"838.578 万元（8,385,780 元）": a sum the text gives in 万元, also in 元, as amounts are shown."""
    def both(m: re.Match) -> str:
        yuan = round(float(m.group(1)) * 10_000, 2)
        return f"{m.group(0)}（{yuan:,.2f}".rstrip("0").rstrip(".") + " 元）"
    return _WAN_YUAN.sub(both, clause)


def _counted_in(i: Indicator, printed: str) -> str:
    """A bare count with the unit its name gives: "招聘会场次" 2 → "2（即 2 场）"."""
    if not re.fullmatch(r"\d+", printed or ""):
        return printed
    name = "".join(i.name.split())
    for suffix, unit in vocabulary().count_suffix_units.items():
        if name.endswith(suffix):
            return f"{printed}（即 {printed} {unit}）"
    return printed


def indicator_value(i: Indicator, value: str) -> str:
    """The row's value as printed; both values when asked for both, or when the long-term one
    differs and the question did not say which."""
    annual = _counted_in(i, i.value_annual) or "表中未填写"
    longterm = i.value_longterm
    if value == "longterm":
        return f"中(长)期指标值 {longterm or '表中未填写'}（年度指标值 {annual}）"
    if longterm and (value == "both" or longterm != i.value_annual):
        return f"年度指标值 {annual}；中(长)期指标值 {longterm}"
    return annual


def indicator_lines(indicators: list[Indicator], value: str) -> list[str]:
    return [f"- {i.name}（{i.level1}-{i.level2 or '未分二级'}）：{indicator_value(i, value)}" for i in indicators]


def field_parts(r: Declaration, fields: list[str]) -> tuple[list[str], list[Citation]]:
    fields = [f for f in fields if f != "indicators"] or ["amount_yuan"]
    parts = [f"{FIELD_LABELS.get(f, f)}：{field_value(r, f)}" for f in fields]
    # the goals shown are both the long-term and the annual one: both are cited
    cited = [c for f in fields for c in (("goal_longterm", "goal_annual") if f == "goals" else (citation_field(f),))]
    return parts, [Citation(r.code, r.name, c) for c in cited]


def project_answer(question: str, r: Declaration, selections: list[Selection]) -> Answer:
    """One project, every part of the question: its fields, then its indicator rows."""
    fields = list(dict.fromkeys(f for s in selections for f in s.fields))
    rows: list[tuple[Indicator, str]] = []
    for s in selections:
        rows += [(i, s.value) for i in s.indicators if all(i is not seen for seen, _ in rows)]
    lines, citations, table = [], [], []
    if fields or not (rows or any(s.passages for s in selections)):
        parts, citations = field_parts(r, fields)
        joiner = "\n" if any(f in LONG_TEXT for f in fields) else "；"
        lines.append(f"{r.name}（{r.code}）" + ("\n" if joiner == "\n" else "的") + joiner.join(parts))
        table.append({"名称": r.name, "编号": r.code, **{FIELD_LABELS.get(f, f): field_value(r, f) for f in fields}})
    if rows:
        lines.append(f"{r.name}（{r.code}）的绩效指标：" if not lines else "绩效指标：")
        lines += [indicator_lines([i], value)[0] for i, value in rows]
        citations.append(Citation(r.code, r.name, "indicators"))
        table += [{"一级指标": i.level1, "二级指标": i.level2, "三级指标": i.name, "指标值": i.value_annual,
                   "中(长)期指标值": i.value_longterm} for i, _ in rows]
    passages = [p for s in selections for p in s.passages]
    if passages:
        head = [] if lines else [f"{r.name}（{r.code}）："]
        lines += head + [f"- 据“{FIELD_LABELS.get(f, f)}”：{_with_yuan(clause)}" for f, clause in dict.fromkeys(passages)]
        citations += [Citation(r.code, r.name, f) for f in dict.fromkeys(f for f, _ in passages)]
    missing = [w for s in selections for w in s.missing]
    if missing:
        lines.append(f"（申报表中没有关于“{'、'.join(dict.fromkeys(missing))}”的内容。）")
    sources = "；".join(dict.fromkeys(cite(r, c.field) for c in citations))
    kind = "indicator" if rows and not fields else "fact"
    return Answer(question, "\n".join(lines) + f"\n来源：{sources}", False, kind, citations, table)


SAME_NAME_HEAD = "有 {n} 个项目与问题中的名称同样吻合："
PARTS_HEAD = "问题中的 {n} 个项目："


def combined(question: str, head: str, answers: list[Answer], refused: bool) -> Answer:
    """Several answers shown as one under a head ("问题中的 {n} 个项目："), every citation kept."""
    text = head.format(n=len(answers)) + "\n" + "\n".join(a.answer for a in answers)
    return Answer(question, text, refused, "fact", [c for a in answers for c in a.citations])


def fields_of_many(question: str, projects: list[Declaration], fields: list[str], head: str = SAME_NAME_HEAD) -> Answer:
    lines, citations, table = [], [], []
    for r in projects:
        parts, cites = field_parts(r, fields)
        citations += cites
        lines.append(f"{r.name}（{r.code}）的" + "；".join(parts))
        table.append({"名称": r.name, "编号": r.code, **dict(p.split("：", 1) for p in parts)})
    lines.insert(0, head.format(n=len(projects)))
    sources = "；".join(dict.fromkeys(cite(r, c.field) for r in projects for c in citations if c.code == r.code))
    return Answer(question, "\n".join(lines) + f"\n来源：{sources}", False, "fact", citations, table)


def project_card(question: str, r: Declaration) -> Answer:
    text = (
        f"{r.name}（{r.code}）\n"
        f"- 科室：{r.section or '—'}；主管部门：{r.department}；实施单位：{r.unit}\n"
        f"- 项目金额：{format_amount(r.amount_yuan)}；项目类型：{r.project_type}；项目分类：{r.category or '表中未填写'}\n"
        f"- 起止时间：{format_period(r.start_date, r.end_date)}；联系人：{r.contact}（{r.phone}）\n"
        f"- 概况：{r.overview[:120]}{'…' if len(r.overview) > 120 else ''}\n"
        f"来源：{cite(r, 'name')}"
    )
    return Answer(question, text, False, "project", [Citation(r.code, r.name, "name")])


def listing(question: str, head: str, records: list[Declaration], field_name: str) -> Answer:
    dated = field_name in ("end_date", "start_date")
    lines = [head, "| 名称 | 编号 | 主管部门 | 金额 |" + (" 起止时间 |" if dated else ""), "|---|---|---|---|" + ("---|" if dated else "")]
    table = []
    for r in records:
        dates = f" {format_period(r.start_date, r.end_date)} |" if dated else ""
        lines.append(f"| {r.name} | {r.code} | {r.department} | {format_amount(r.amount_yuan)} |{dates}")
        table.append({"名称": r.name, "编号": r.code, "主管部门": r.department, "金额": format_amount(r.amount_yuan)})
    citations = [Citation(r.code, r.name, field_name) for r in records]
    fields = dict.fromkeys([FIELD_LABELS.get(field_name, field_name), FIELD_LABELS["amount_yuan"]])
    lines.append("来源：各项目申报表的" + "、".join(f"“{f}”" for f in fields) + "。")
    return Answer(question, "\n".join(lines), False, "aggregate", citations, table)


def grouped(question: str, label: str, scope: str, n: int, ordered: list[tuple[str, list[Declaration]]], lead: str | None,
            key: str) -> Answer:
    lines = [f"按{label}统计（{scope}，共 {n} 个项目）：", f"| {label} | 项目数 | 金额合计 |", "|---|---|---|"]
    table = []
    for name, rs in ordered:
        total = sum(r.amount_yuan or 0 for r in rs)
        lines.append(f"| {name} | {len(rs)} | {format_amount(total)} |")
        table.append({label: name, "项目数": len(rs), "金额合计": format_amount(total)})
    if lead:
        lines.insert(1, lead)
    lines.append(f"来源：各项目申报表的“{label}”与“项目金额(元)”。")
    citations = [Citation(r.code, r.name, key) for _, rs in ordered for r in rs]
    return Answer(question, "\n".join(lines), False, "aggregate", citations, table)


def described_note(answer: Answer, taken: Declaration, runner_up: Declaration | None) -> Answer:
    """Say which project a description was taken to mean, and the next closest."""
    note = f"（按描述匹配到的项目：{taken.name}，{taken.code}"
    if runner_up is not None:
        note += f"；其次相近：{runner_up.name}"
        answer.citations.append(Citation(runner_up.code, runner_up.name, "name"))
    answer.answer = note + "）\n" + answer.answer
    return answer
