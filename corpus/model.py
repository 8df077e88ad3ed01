"""The typed record of one declaration form. Field names are a contract."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Source(BaseModel):
    file: str
    line_start: int
    line_end: int


class ScheduleItem(BaseModel):
    content: str
    start_date: str | None = None
    amount_yuan: float | None = None


class Indicator(BaseModel):
    level1: str
    level2: str
    name: str
    value_annual: str = ""
    value_longterm: str = ""
    note: str = ""
    line: int | None = None  # source line of the row, for citing and checking


class Declaration(BaseModel):
    seq: int
    year: int | None = None
    section: str | None = None
    name: str = ""
    code: str = ""
    category: str | None = None
    department: str = ""
    department_code: str = ""
    unit: str = ""
    contact: str = ""
    phone: str = ""
    project_type: str = ""
    start_date: str | None = None
    end_date: str | None = None
    amount_yuan: float | None = None
    basis: str = ""
    overview: str = ""
    legal_basis: str = ""
    feasibility: str = ""
    schedule: list[ScheduleItem] = Field(default_factory=list)
    goal_longterm: str = ""
    goal_annual: str = ""
    indicators: list[Indicator] = Field(default_factory=list)
    remarks: str = ""
    source: Source
    warnings: list[str] = Field(default_factory=list)


def format_date(iso: str | None) -> str:
    """'2016 年 01 月 01 日' — a date as the forms print it, so the answer quotes the form."""
    if not iso:
        return "—"
    year, month, day = iso.split("-")
    return f"{year} 年 {month} 月 {day} 日"


def format_period(start: str | None, end: str | None) -> str:
    return f"{format_date(start)} 至 {format_date(end)}"


def format_amount(yuan: float | None) -> str:
    """'6,657,000 元（665.7 万元）' — the form's number in 元 with the 万元 form beside it."""
    if yuan is None:
        return ""
    whole = f"{yuan:,.2f}".rstrip("0").rstrip(".")
    wan = f"{yuan / 10000:,.4f}".rstrip("0").rstrip(".")
    return f"{whole} 元（{wan} 万元）"
