"""Declaration forms from PDF files: the text layer's ruled tables and the text lines around them.

pdfplumber finds each page's ruled tables; their rows become rows of cells, the text lines
outside them (titles, the 目录) rows of one cell, in reading order down the page. A table that
runs on over a page break is just more rows: the parser carries the 一级/二级 labels across the
break as it does in the text extract. A cell's wrapped lines are joined with text.join_wrapped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from corpus.formats.rows import GridCell, Place, PlacedRow, has_form, no_form_error, parse_rows, spread_merged
from corpus.parse import CorpusError, ParseResult
from corpus.text import join_wrapped

_EPSILON = 0.5  # points: a grid position is probed just inside its top-left corner
# A page number on a line of its own ("- 3 -", "第 3 页", "3/12") in the top or bottom tenth of the
# page: the page's furniture, not the form's.
_MARGIN = 0.1
_PAGE_NUMBER = re.compile(r"^[\s\-—–]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[\s\-—–]*$")


def read(path: Path) -> ParseResult:
    rows, blank_pages = _document_rows(path)
    if not any(row.cells for row in rows):
        raise CorpusError(
            f"{path.name}: PDF 没有文字层（可能是扫描件或图片），读不出任何文字。"
            "请用原始的 Word/Excel 文件，或先做文字识别（OCR）生成带文字层的 PDF 后重试。"
        )
    if not has_form(rows):
        raise no_form_error(path.name, "PDF ")
    result = parse_rows(rows, path.name)
    if blank_pages:
        pages = "、".join(str(p) for p in blank_pages)
        result.messages.append(f"{path.name}: 第 {pages} 页没有文字层（可能是扫描页），这些页上的内容未读取。")
    return result


def _document_rows(path: Path) -> tuple[list[PlacedRow], list[int]]:
    """The rows of every page in reading order, and the pages that have no text at all."""
    rows: list[PlacedRow] = []
    blank_pages: list[int] = []
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                if not page.chars:
                    blank_pages.append(number)
                    continue
                rows += [PlacedRow(cells, Place(row=k, page=number)) for k, cells in enumerate(_page_rows(page), 1)]
    except CorpusError:
        raise
    except Exception as exc:  # pdfminer raises many kinds for broken files; each means the same to the user
        raise _open_error(path, exc) from None
    return rows, blank_pages


def _open_error(path: Path, exc: Exception) -> CorpusError:
    # pdfplumber wraps pdfminer's exception in its own (PdfminerException, in newer releases)
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    if isinstance(cause, PDFPasswordIncorrect):
        return CorpusError(
            f"{path.name}: PDF 已加密，需要密码才能打开。请在 PDF 阅读器中输入密码后另存为不加密的副本，再重试。"
        )
    if isinstance(cause, PDFEncryptionError):
        return CorpusError(f"{path.name}: PDF 使用了无法解密的加密方式。请另存为不加密的 PDF 后重试。")
    if isinstance(cause, OSError) and not isinstance(cause, EOFError):
        return CorpusError(f"{path.name}: 无法读取文件（{cause}）。请检查路径和文件权限。")
    return CorpusError(
        f"{path.name}: 不是有效的 PDF，或文件已损坏、不完整（{type(cause).__name__}）。请重新导出或重新下载后重试。"
    )


def _page_rows(page) -> list[list[str]]:
    """One page: table rows and the text lines outside the tables, top to bottom."""
    tables = page.find_tables()
    items: list[tuple[float, list[str]]] = []
    for table in tables:
        tops, grid = _table_grid(table)
        items += zip(tops, spread_merged(grid))
    if tables:
        boxes = [table.bbox for table in tables]
        page = page.filter(lambda obj: not any(_inside(obj, box) for box in boxes))
    lines = [line for line in page.extract_text_lines() if line["text"].strip()]
    items += [(line["top"], [line["text"]]) for line in lines if not _is_page_number(line, page.height)]
    return [cells for _, cells in sorted(items, key=lambda item: item[0])]


def _is_page_number(line: dict, page_height: float) -> bool:
    in_margin = line["bottom"] < page_height * _MARGIN or line["top"] > page_height * (1 - _MARGIN)
    return in_margin and bool(_PAGE_NUMBER.match(line["text"]))


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    if "x0" not in obj or "top" not in obj:
        return False
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _table_grid(table) -> tuple[list[float], list[list[GridCell]]]:
    """Row tops and the grid of a table; a merged cell fills every position it covers."""
    texts = table.extract()
    rows = table.rows
    row_lines = [[line for text in row_texts if text for line in text.split("\n")] for row_texts in texts]
    owners = [
        (bbox, (i, j), join_wrapped((texts[i][j] or "").split("\n"), row_lines[i]))
        for i, row in enumerate(rows)
        for j, bbox in enumerate(row.cells)
        if bbox is not None
    ]
    tops = [min(b[1] for b in row.cells if b is not None) for row in rows]
    lefts = sorted({bbox[0] for bbox, _, _ in owners})
    grid = []
    for i, row in enumerate(rows):
        grid_row = []
        for j in range(len(row.cells)):
            x, y = lefts[j] + _EPSILON, tops[i] + _EPSILON
            owner = next(((origin, text) for bbox, origin, text in owners if _covers(bbox, x, y)), ((i, j), ""))
            grid_row.append(GridCell(owner[1], owner[0]))
        grid.append(grid_row)
    return tops, grid


def _covers(bbox: tuple[float, float, float, float], x: float, y: float) -> bool:
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]
