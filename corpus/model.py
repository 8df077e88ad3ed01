"""The typed record of one declaration form. Field names are a contract."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_serializer

# Source fields that only files other than the text extract fill; unset, they stay out of the JSON.
_PLACE_FIELDS = ("page_start", "page_end", "sheet", "cells", "table_start", "table_end")


class Source(BaseModel):
    """Where a form was read from.

    line_start/line_end are lines of a text extract; for PDF, DOCX and XLSX files they count the
    rows the reader took from the file (corpus.formats: text lines and table rows in reading order,
    an XLSX sheet's own row numbers). The optional fields say where those rows are in the file's own
    terms: PDF pages, the XLSX sheet and cell range, the DOCX tables (counted from 1).
    """

    file: str
    line_start: int
    line_end: int
    page_start: int | None = None
    page_end: int | None = None
    sheet: str | None = None
    cells: str | None = None  # "A1:H52"
    table_start: int | None = None
    table_end: int | None = None

    def where(self) -> str:
        """The form's place in its file as its reader finds it: pages, sheet and cells, tables, or lines."""
        if self.page_start is not None:
            return _span("第 {} 页", self.page_start, self.page_end)
        if self.sheet is not None:
            return f"工作表“{self.sheet}” {self.cells}"
        if self.table_start is not None:
            return _span("第 {} 个表格", self.table_start, self.table_end)
        return _span("第 {} 行", self.line_start, self.line_end)

    @model_serializer(mode="wrap")
    def _without_unset_places(self, handler):
        # The text extract's records keep exactly their three keys (a JSON contract).
        data = handler(self)
        return {k: v for k, v in data.items() if not (k in _PLACE_FIELDS and v is None)}


def _span(pattern: str, start: int, end: int | None) -> str:
    return pattern.format(start if end in (None, start) else f"{start}–{end}")


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
