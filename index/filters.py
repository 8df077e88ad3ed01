"""Project filters: one typed model for search filters and for the scopes questions name."""

from __future__ import annotations

from dataclasses import dataclass, fields

from corpus import Declaration
from corpus.labels import FIELD_NAMES_ZH

# More than any budget line could be (ten trillion 元): a bound beyond it is a typo or a probe,
# and refusing it says so instead of silently returning nothing.
MAX_AMOUNT_YUAN = 1e13


class AmountError(ValueError):
    """An amount bound that cannot be used; the message says why and what to do."""


def check_amount(value, label: str) -> float | None:
    """A finite, sensible amount in 元 (None stays None); raises AmountError otherwise."""
    import math

    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AmountError(f"{label}“{value}”不是数字。请填写以元为单位的金额，例如 1000000。") from None
    if not math.isfinite(number):
        raise AmountError(f"{label}“{value}”不是有限的数字。请填写以元为单位的金额，例如 1000000。")
    if number < 0 or number > MAX_AMOUNT_YUAN:
        raise AmountError(f"{label} {value} 超出合理范围（0 到 {MAX_AMOUNT_YUAN:,.0f} 元）。请检查金额和单位（元）。")
    return number


@dataclass
class Filters:
    section: str | None = None
    department: str | None = None  # matches 主管部门 or 实施单位 containing it
    project_type: str | None = None
    category: str | None = None
    min_amount: float | None = None
    max_amount: float | None = None
    min_strict: bool = False  # "超过" excludes the bound, "以上" includes it
    max_strict: bool = False
    amount: float | None = None  # "那个8000万的项目": the amount as printed
    end_after: str | None = None  # ISO dates / years
    end_before: str | None = None
    end_year: str | None = None
    start_year: str | None = None
    start_before: str | None = None  # "2019年或更早开始": starts before this ISO date
    end_on: str | None = None  # "一直到2022年12月31日"
    blank: str | None = None  # a field the form left empty ("项目分类一栏空着")
    codes: tuple[str, ...] | None = None  # projects a conversation already listed
    contact: str | None = None  # a person named as the form's 项目联系人
    name_contains: str | None = None  # "名称里带“培训”的": words of the project name, spaces ignored
    year: int | None = None  # the budget year a form declares (2021 年度)

    def accepts(self, r: Declaration) -> bool:
        def has(value: str | None, wanted: str | None) -> bool:
            return wanted is None or (value is not None and wanted in value)

        amount = r.amount_yuan or 0.0
        checks = (
            has(r.section, self.section),
            has(r.department, self.department) or has(r.unit, self.department),
            has(r.project_type, self.project_type),
            has(r.category, self.category),
            self.min_amount is None or (amount > self.min_amount if self.min_strict else amount >= self.min_amount),
            self.max_amount is None or (amount < self.max_amount if self.max_strict else amount <= self.max_amount),
            self.amount is None or abs(amount - self.amount) <= 0.5,
            self.end_after is None or bool(r.end_date and r.end_date > self.end_after),
            self.end_before is None or bool(r.end_date and r.end_date < self.end_before),
            self.end_year is None or bool(r.end_date and r.end_date.startswith(self.end_year)),
            self.start_year is None or bool(r.start_date and r.start_date.startswith(self.start_year)),
            self.start_before is None or bool(r.start_date and r.start_date < self.start_before),
            self.end_on is None or r.end_date == self.end_on,
            self.blank is None or getattr(r, self.blank, None) in (None, ""),
            self.codes is None or r.code in self.codes,
            has(r.contact, self.contact),
            self.name_contains is None or "".join(self.name_contains.split()) in "".join(r.name.split()),
            self.year is None or r.year == self.year,
        )
        return all(checks)

    def apply(self, records: list[Declaration]) -> list[Declaration]:
        return [r for r in records if self.accepts(r)]

    def active(self) -> bool:
        return any(getattr(self, f.name) not in (None, False) for f in fields(self))

    def describe(self) -> str:
        """The scope in words, for answers: "科室为工贸科、金额超过 10,000,000 元"."""
        parts = []
        for name, template in _DESCRIPTIONS:
            value = getattr(self, name)
            if value is not None:
                parts.append(template(self, value))
        return "、".join(parts) or "全部项目"

    def primary_field(self) -> str:
        """The record field a list under these filters is best cited by."""
        for name in ("section", "department", "project_type", "category", "contact"):
            if getattr(self, name) is not None:
                return name
        if self.blank:
            return self.blank
        if self.end_after or self.end_before or self.end_year or self.end_on:
            return "end_date"
        return "amount_yuan"


_DESCRIPTIONS = (
    ("year", lambda f, v: f"{v} 年度"),
    ("section", lambda f, v: f"科室为{v}"),
    ("department", lambda f, v: f"主管部门为{v}"),
    ("project_type", lambda f, v: f"项目类型为{v}"),
    ("category", lambda f, v: f"项目分类为{v}"),
    ("min_amount", lambda f, v: f"金额{'超过' if f.min_strict else '不低于'} {v:,.0f} 元"),
    ("max_amount", lambda f, v: f"金额{'低于' if f.max_strict else '不超过'} {v:,.0f} 元"),
    ("amount", lambda f, v: f"金额为 {v:,.0f} 元"),
    ("end_after", lambda f, v: f"结束日期晚于 {v}"),
    ("end_before", lambda f, v: f"结束日期早于 {v}"),
    ("end_year", lambda f, v: f"{v} 年结束"),
    ("start_year", lambda f, v: f"{v} 年开始"),
    ("start_before", lambda f, v: f"开始日期早于 {v}"),
    ("end_on", lambda f, v: f"结束日期为 {v}"),
    ("blank", lambda f, v: f"“{FIELD_NAMES_ZH.get(v, v)}”未填写"),
    ("contact", lambda f, v: f"项目联系人为{v}"),
    ("name_contains", lambda f, v: f"名称含“{v}”"),
)
