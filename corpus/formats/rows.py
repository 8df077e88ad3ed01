"""What the PDF, DOCX and XLSX readers share: a file read as rows of cells, each row with its place.

Every reader turns its file into rows the way the text extract has them (one table row or text
line a row, one value a cell), resolves merged cells the same way, and hands the rows to the text
extract's parser, so one parser holds all knowledge of the form. Only where a row is differs per
format, and that goes into messages and sources through PlaceNames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus import labels as L
from corpus.model import Source
from corpus.parse import FORM_HEADER, CorpusError, LineNames, ParseResult, is_form_header, parse_text

_BREAKS = re.compile(r"[\t\r\n\v\f]+")


@dataclass(frozen=True)
class Place:
    """Where a row is, in the terms the file's user finds it by."""

    row: int  # line on the PDF page, row of the DOCX table or XLSX sheet, or DOCX paragraph
    page: int | None = None  # PDF
    table: int | None = None  # DOCX, counted from 1 in document order
    sheet: str | None = None  # XLSX
    width: int = 0  # XLSX: columns in use on the sheet, for the form's cell range

    def describe(self) -> str:
        if self.page is not None:
            return f"第 {self.page} 页第 {self.row} 行"
        if self.sheet is not None:
            return f"工作表“{self.sheet}”第 {self.row} 行"
        if self.table is not None:
            return f"第 {self.table} 个表格第 {self.row} 行"
        return f"第 {self.row} 段"


@dataclass
class PlacedRow:
    cells: list[str]
    place: Place


@dataclass(frozen=True)
class GridCell:
    """One grid position of a table; a merged area's positions all carry its text and top-left."""

    text: str
    origin: tuple[int, int]  # (row, column) of the merged area's top-left, or its own position


def spread_merged(grid: list[list[GridCell]]) -> list[list[str]]:
    """The texts of a table's rows, merged areas read the way a person reads the form.

    A merged value counts once, in its top-left position; a merged row label (a 一级/二级指标,
    项目实施进度计划…, see labels.names_every_spanned_row) also labels each further row it spans,
    in its first column. Readers give every format's merges this one reading.
    """
    rows: list[list[str]] = []
    for r, grid_row in enumerate(grid):
        texts = []
        for c, cell in enumerate(grid_row):
            if cell.origin == (r, c):
                texts.append(cell.text)
            elif cell.origin[1] == c and L.names_every_spanned_row(cell.text):
                texts.append(cell.text)
            else:
                texts.append("")
        rows.append(texts)
    return rows


def one_line(text: str) -> str:
    """A cell's text on one line: the parser reads tab-separated cells, one row a line."""
    return _BREAKS.sub(" ", text).strip()


def _column_letter(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class PlaceNames(LineNames):
    """Line numbers of the rows handed to the parser, named by their places in the file."""

    def __init__(self, places: list[Place]):
        self.places = places

    def line(self, number: int) -> str:
        return self.places[number - 1].describe()

    def lines(self, numbers: list[int]) -> str:
        return "、".join(self.line(n) for n in numbers)

    def at(self, file: str, start: int, end: int | None = None) -> str:
        if end is None or end == start:
            return f"{file}（{self.line(start)}）"
        return f"{file}（{self.line(start)}至{self.line(end)}）"

    def source(self, file: str, start: int, end: int) -> Source:
        first, last = self.places[start - 1], self.places[end - 1]
        fields: dict = {}
        if first.page is not None:
            fields.update(page_start=first.page, page_end=last.page)
        if first.sheet is not None:
            fields.update(sheet=first.sheet, cells=f"A{first.row}:{_column_letter(max(first.width, 1))}{last.row}")
        tables = [p.table for p in self.places[start - 1 : end] if p.table is not None]
        if tables:
            fields.update(table_start=tables[0], table_end=tables[-1])
        return Source(file=file, line_start=start, line_end=end, **fields)


def _title_first(cells: list[str]) -> list[str]:
    """A title alone on its row, wherever the sheet centred it, as the row's first cell."""
    filled = [c for c in cells if c.strip()]
    return filled if len(filled) == 1 and is_form_header(filled[0]) else cells


def has_form(rows: list[PlacedRow]) -> bool:
    """Whether any row is a form's title (what the parser splits a document at)."""
    return any(is_form_header(cells[0]) for cells in (_title_first(row.cells) for row in rows) if cells)


def parse_rows(rows: list[PlacedRow], file: str, first_seq: int = 1) -> ParseResult:
    """The forms on rows (row k is line k of the parse); the caller has checked has_form."""
    text = "".join("\t".join(one_line(c) for c in _title_first(row.cells)) + "\n" for row in rows)
    return parse_text(text, file, first_seq=first_seq, names=PlaceNames([row.place for row in rows]))


def damaged_file(path, program: str, suffix: str, why: str, advice: str = "") -> CorpusError:
    """An office file that cannot be opened: what, and how to get a good copy."""
    return CorpusError(
        f"{path.name}: 无法作为 {program} 文件打开（{why}）。请在 {program} 或 WPS 中打开并另存为 {suffix} 后重试；"
        f"{advice}若文件是下载或拷贝来的，请重新获取完整的文件。"
    )


def no_form_error(file: str, what: str) -> CorpusError:
    return CorpusError(
        f"{file}: {what}中没有找到申报表（每张表以标题“{FORM_HEADER}”开头）。"
        "请确认这是项目支出绩效目标申报表；如果标题被改过，请改回这个标题后重试。"
    )
