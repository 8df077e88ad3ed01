"""Declaration forms from Excel (.xlsx) workbooks: every sheet that holds a form, row by row.

A sheet's row k is line k of its parse, so messages and sources name the sheet's own row
numbers. A merged range keeps its value in the top-left cell only; the grid built here gives
every covered position that value, and rows.spread_merged decides which positions keep it.
Numbers, dates and percentages are written the way the sheet displays them.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from corpus.formats.rows import (
    GridCell, Place, PlacedRow, damaged_file, has_form, no_form_error, parse_rows, spread_merged,
)
from corpus.model import Declaration
from corpus.parse import CorpusError, ParseResult


def read(path: Path) -> ParseResult:
    workbook = _open(path)
    result = ParseResult(records=[])
    skipped = []
    for sheet in workbook.worksheets:
        rows = _sheet_rows(sheet)
        if not has_form(rows):
            if any(cell.strip() for row in rows for cell in row.cells):
                skipped.append(sheet.title)
            continue
        part = parse_rows(rows, path.name, first_seq=len(result.records) + 1)
        _flag_codes_of_earlier_sheets(result.records, part.records, path.name, result.messages)
        result.records += part.records
        result.messages += part.messages
    if not result.records:
        raise no_form_error(path.name, "Excel 文件的各工作表")
    for title in skipped:
        result.messages.append(f"{path.name}: 工作表“{title}”中没有申报表，已跳过。")
    return result


def _flag_codes_of_earlier_sheets(
    earlier: list[Declaration], records: list[Declaration], file: str, messages: list[str]
) -> None:
    """A 项目编号 that a form on an earlier sheet has; repeats within a sheet the parse flagged."""
    first_by_code: dict[str, Declaration] = {}
    for r in earlier:
        first_by_code.setdefault(r.code, r)
    for r in records:
        first = first_by_code.get(r.code) if r.code else None
        if first is None:
            continue
        note = f"项目编号 {r.code} 与{first.source.where()}的申报表“{first.name}”重复。"
        r.warnings.append(note)
        messages.append(f"{file}（{r.source.where()}）: {note}")


def _open(path: Path):
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise CorpusError(f"{path.name}: 文件不存在。请检查路径。") from None
    except (zipfile.BadZipFile, InvalidFileException):
        raise _damaged(path, "不是 .xlsx 格式，或压缩包结构损坏、文件不完整") from None
    except OSError as exc:
        raise CorpusError(f"{path.name}: 无法读取文件（{exc.strerror or exc}）。请检查文件权限。") from None
    except Exception as exc:  # a broken part inside the package: openpyxl raises many kinds
        raise _damaged(path, f"内容无法解析：{type(exc).__name__}") from None


def _damaged(path: Path, why: str) -> CorpusError:
    return damaged_file(path, "Excel", ".xlsx", why, "旧版 .xls 请先另存为 .xlsx；")


def _sheet_rows(sheet) -> list[PlacedRow]:
    width = sheet.max_column
    grid = [[GridCell(_display(cell), (r, c)) for c, cell in enumerate(row)]
            for r, row in enumerate(sheet.iter_rows(min_row=1, max_col=width))]
    for merged in sheet.merged_cells.ranges:
        r0, c0 = merged.min_row - 1, merged.min_col - 1
        if r0 >= len(grid) or c0 >= width:
            continue
        top_left = grid[r0][c0]
        for r in range(r0, min(merged.max_row, len(grid))):
            for c in range(c0, min(merged.max_col, width)):
                grid[r][c] = top_left
    return [PlacedRow(cells, Place(row=k, sheet=sheet.title, width=width))
            for k, cells in enumerate(spread_merged(grid), 1)]


def _display(cell) -> str:
    """A cell's value as the sheet shows it: 14-digit codes whole, dates as 2021-01-01, 0.9 as 90%."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if "%" in (cell.number_format or ""):
            return _plain(value * 100) + "%"
        return _plain(value)
    return str(value)


def _plain(number: float) -> str:
    """12345678 and 97.5, never 1.23e+07; float noise (7.000000000000001) rounded away."""
    if float(number).is_integer():
        return str(int(number))
    return f"{round(number, 10):.10f}".rstrip("0").rstrip(".")
