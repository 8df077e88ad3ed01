"""Declaration forms from Word (.docx) files: the body's paragraphs and tables in document order.

Each paragraph with text is a row of one cell (the title, the year, 填报单位); each table row a
row of cells. Word stores a merged cell once, with gridSpan for the columns and vMerge for the
rows it covers; the grid built here gives every covered position the merged cell's text, and
rows.spread_merged decides which positions keep it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from corpus.formats.rows import (
    GridCell, Place, PlacedRow, damaged_file, has_form, no_form_error, parse_rows, spread_merged,
)
from corpus.parse import CorpusError, ParseResult

_PARAGRAPH, _TABLE, _CONTENT_CONTROL = qn("w:p"), qn("w:tbl"), qn("w:sdt")


def read(path: Path) -> ParseResult:
    body = _open_body(path)
    rows = _body_rows(body)
    if not has_form(rows):
        raise no_form_error(path.name, "Word 文件")
    return parse_rows(rows, path.name)


def _open_body(path: Path):
    try:
        return docx.Document(str(path)).element.body
    except PackageNotFoundError:
        # python-docx says so both for a missing file and for one that is no zip package
        if not path.is_file():
            raise CorpusError(f"{path.name}: 文件不存在。请检查路径。") from None
        raise _damaged(path, "不是 .docx 格式，或压缩包结构损坏、文件不完整") from None
    except zipfile.BadZipFile:
        raise _damaged(path, "压缩包结构损坏，文件可能不完整") from None
    except OSError as exc:
        raise CorpusError(f"{path.name}: 无法读取文件（{exc.strerror or exc}）。请检查文件权限。") from None
    except Exception as exc:  # a broken part inside the package (lxml's XMLSyntaxError, KeyError, …)
        raise _damaged(path, f"内容无法解析：{type(exc).__name__}") from None


def _damaged(path: Path, why: str) -> CorpusError:
    return damaged_file(path, "Word", ".docx", why)


def _body_rows(body) -> list[PlacedRow]:
    rows: list[PlacedRow] = []
    paragraphs = tables = 0
    for element in _blocks(body):
        if element.tag == _PARAGRAPH:
            paragraphs += 1
            text = Paragraph(element, None).text
            if text.strip():
                rows.append(PlacedRow([text], Place(row=paragraphs)))
        else:
            tables += 1
            for k, cells in enumerate(spread_merged(_table_grid(element)), 1):
                rows.append(PlacedRow(cells, Place(row=k, table=tables)))
    return rows


def _blocks(parent):
    """Paragraphs and tables in document order, also those inside content controls."""
    for element in parent.iterchildren():
        if element.tag in (_PARAGRAPH, _TABLE):
            yield element
        elif element.tag == _CONTENT_CONTROL:
            content = element.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)


def _table_grid(tbl) -> list[list[GridCell]]:
    grid: list[list[GridCell]] = []
    for r, tr in enumerate(tbl.tr_lst):
        row = [GridCell("", (r, c)) for c in range(_grid_before(tr))]
        for tc in tr.tc_lst:
            c = len(row)
            above = grid[r - 1][c] if r > 0 and c < len(grid[r - 1]) else None
            if tc.vMerge == "continue" and above is not None:
                cell = above  # a row of a vertically merged cell: the text sits in its first row
            else:
                text = "\n".join(Paragraph(p, None).text for p in tc.iter(_PARAGRAPH))
                cell = GridCell(text, (r, c))
            row += [cell] * tc.grid_span
        grid.append(row)
    return grid


def _grid_before(tr) -> int:
    """Grid columns a row leaves empty before its first cell (w:gridBefore)."""
    skipped = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
    return int(skipped.get(qn("w:val"), "0")) if skipped is not None else 0
