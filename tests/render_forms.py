"""Real PDF, DOCX and XLSX declaration forms rendered from parsed records, to read them back.

One layout serves all three formats, the one such forms have: the title, the year and 填报单位
above a table on eight grid columns; the metadata block (label and value cells, long texts
across the row), 项目立项情况, the schedule and the goals with merged label cells; then the
indicator table, its 一级指标/二级指标 cells merged over their rows, with a two-row header.
Each format writes the merges its own way: Word as gridSpan/vMerge, Excel as merged ranges whose
top-left alone holds the value, PDF as spanned cells of ruled tables, split over pages.

The PDF uses reportlab's built-in CID font STSong-Light, so no font file is needed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from corpus.model import Declaration, format_period

COLUMNS = 8
# Points; A:B hold the metadata labels, A–H the indicator table's columns. Sum: A4 less 36 pt margins.
# A–C fit 绩效指标, 满意度指标 and 服务对象满意度指标 on one line in the PDF's label style.
COLUMN_WIDTHS = (36, 46, 76, 85, 45, 85, 60, 90)
LABEL_COLUMNS = 3


@dataclass
class Span:
    text: str
    rows: int = 1
    cols: int = 1
    value: object = None  # what a spreadsheet stores, when not the text (a number, a date)
    number_format: str | None = None


@dataclass
class Block:
    """Rows of a table on the form's eight columns; cells keyed by their top-left (row, column)."""

    rows: int = 0
    cells: dict[tuple[int, int], Span] = field(default_factory=dict)

    def add(self, col: int, span: Span, row: int | None = None) -> None:
        r = self.rows - 1 if row is None else row
        self.cells[(r, col)] = span

    def new_row(self) -> None:
        self.rows += 1

    def covering(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Each grid position → the top-left of the cell that covers it."""
        owner = {}
        for (r, c), span in self.cells.items():
            for dr in range(span.rows):
                for dc in range(span.cols):
                    owner[(r + dr, c + dc)] = (r, c)
        return owner


@dataclass
class FormLayout:
    title: list[str]
    meta: Block
    indicators: Block
    header_rows: int = 2


def _number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(value)


def _date(iso: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(iso) if iso else None


def layout(record: Declaration, stacked_goals: bool = False) -> FormLayout:
    """The form's layout; stacked_goals puts the two goals one under the other, each across the row."""
    title = ["项目支出绩效目标申报表", f"({record.year} 年度)", "填报单位：（盖章）"]
    return FormLayout(title, _meta_block(record, stacked_goals), _indicator_block(record))


def _pair_row(block: Block, left: tuple[str, str], right: tuple[str, str] | None, value=None, number_format=None):
    block.new_row()
    block.add(0, Span(left[0], cols=2))
    if right is None:
        block.add(2, Span(left[1], cols=6, value=value, number_format=number_format))
        return
    block.add(2, Span(left[1], cols=3))
    block.add(5, Span(right[0]))
    block.add(6, Span(right[1], cols=2))


def _meta_block(r: Declaration, stacked_goals: bool) -> Block:
    b = Block()
    _pair_row(b, ("项目名称", r.name), ("项目分类", r.category or ""))
    _pair_row(b, ("项目编号", r.code), None)
    _pair_row(b, ("主管部门", r.department), ("主管部门编号", r.department_code))
    _pair_row(b, ("项目实施单位", r.unit), None)
    _pair_row(b, ("项目联系人", r.contact), ("联系电话", r.phone))
    _pair_row(b, ("项目类型", r.project_type), None)
    _pair_row(b, ("项目起止时间", format_period(r.start_date, r.end_date)), None)
    amount = "" if r.amount_yuan is None else f"{r.amount_yuan:.2f}"
    _pair_row(b, ("项目金额(元)", amount), None, value=r.amount_yuan, number_format="0.00")
    _pair_row(b, ("测算依据及说明", r.basis), None)
    _pair_row(b, ("项目概况、主要内容及用途", r.overview), None)
    _two_row_group(b, "项目立项情况", [("项目立项依据", r.legal_basis), ("项目申报的可行性和必要性", r.feasibility)])
    _schedule_rows(b, r)
    (_stacked_goal_rows if stacked_goals else _goal_rows)(b, r)
    _pair_row(b, ("其他说明的问题", r.remarks), None)
    return b


def _goal_rows(b: Block, r: Declaration) -> None:
    b.new_row()
    b.add(0, Span("项目绩效目标", rows=2, cols=2))
    b.add(2, Span("中(长)期目标", cols=3))
    b.add(5, Span("年度目标", cols=3))
    b.new_row()
    b.add(2, Span(r.goal_longterm, cols=3))
    b.add(5, Span(r.goal_annual, cols=3))


def _stacked_goal_rows(b: Block, r: Declaration) -> None:
    _two_row_group(b, "项目绩效目标", [("中(长)期目标", r.goal_longterm), ("年度目标", r.goal_annual)])


def _two_row_group(b: Block, heading: str, rows: list[tuple[str, str]]) -> None:
    """A heading merged over two rows, each row a label and its text across the rest of the table."""
    for n, (label, text) in enumerate(rows):
        b.new_row()
        if n == 0:
            b.add(0, Span(heading, rows=2, cols=2))
        b.add(2, Span(label))
        b.add(3, Span(text, cols=5))


def _schedule_rows(b: Block, r: Declaration) -> None:
    b.new_row()
    b.add(0, Span("项目实施进度计划", rows=len(r.schedule) + 1, cols=2))
    for col, text, cols in ((2, "项目实施内容", 3), (5, "开始时间", 1), (6, "余额", 2)):
        b.add(col, Span(text, cols=cols))
    for item in r.schedule:
        b.new_row()
        b.add(2, Span(item.content, cols=3))
        b.add(5, Span(item.start_date or "", value=_date(item.start_date), number_format="yyyy-mm-dd"))
        b.add(6, Span(_number_text(item.amount_yuan), cols=2, value=item.amount_yuan))


def _runs(keys: list) -> list[tuple[int, int]]:
    """(first row, length) of each run of equal consecutive keys; None keys stand alone."""
    runs: list[tuple[int, int]] = []
    for k, key in enumerate(keys):
        if runs and key is not None and keys[runs[-1][0]] == key:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((k, 1))
    return runs


def _indicator_block(r: Declaration) -> Block:
    b = Block()
    b.new_row()
    b.new_row()
    b.add(0, Span("", rows=2), row=0)
    b.add(1, Span("一级指标", rows=2), row=0)
    b.add(2, Span("二级指标", rows=2), row=0)
    b.add(3, Span("中(长)期目标", cols=2), row=0)
    b.add(5, Span("年度目标", cols=2), row=0)
    b.add(7, Span("备注", rows=2), row=0)
    for col, text in ((3, "三级指标"), (4, "指标值"), (5, "三级指标"), (6, "指标值")):
        b.add(col, Span(text), row=1)
    rows = r.indicators
    if not rows:
        return b
    first = b.rows
    for ind in rows:
        b.new_row()
        b.add(3, Span(ind.name))
        b.add(4, Span(ind.value_longterm, value=_excel_value(ind.value_longterm)))
        b.add(5, Span(ind.name))
        b.add(6, Span(ind.value_annual, value=_excel_value(ind.value_annual)))
        b.add(7, Span(ind.note))
    b.add(0, Span("绩效指标", rows=len(rows)), row=first)
    for start, length in _runs([i.level1 for i in rows]):
        b.add(1, Span(rows[start].level1, rows=length), row=first + start)
    for start, length in _runs([(i.level1, i.level2) if i.level2 else None for i in rows]):
        b.add(2, Span(rows[start].level2, rows=length), row=first + start)
    return b


_INTEGER = re.compile(r"^[1-9]\d{0,11}$")
_DECIMAL = re.compile(r"^\d{1,9}\.\d{1,4}$")
_PERCENT = re.compile(r"^(\d{1,3}(?:\.\d{1,2})?)%$")


def _excel_value(text: str):
    """What a person types into Excel for an indicator value: 100 and 97.5 as numbers, 90% as 0.9."""
    if _INTEGER.match(text):
        return int(text)
    if _DECIMAL.match(text) and repr(float(text)) == text:
        return float(text)
    m = _PERCENT.match(text)
    if m:
        decimals = len(m.group(1).partition(".")[2])
        return (float(m.group(1)) / 100, "0%" if decimals == 0 else "0." + "0" * decimals + "%")
    return None


# ---------------------------------------------------------------- DOCX


def render_docx(records: list[Declaration], path: Path) -> Path:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for k, record in enumerate(records):
        if k:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        form = layout(record)
        for line in form.title:
            document.add_paragraph(line)
        _docx_table(document, [form.meta, form.indicators])
    document.save(path)
    return path


def _docx_table(document, blocks: list[Block]) -> None:
    """One Word table for both blocks; merges written as Word stores them (gridSpan, vMerge)."""
    from docx.table import _Cell

    table = document.add_table(rows=sum(b.rows for b in blocks), cols=COLUMNS)
    table.style = "Table Grid"
    offset = 0
    trs = [row._tr for row in table.rows]
    for block in blocks:
        owner = block.covering()
        for r in range(block.rows):
            tr = trs[offset + r]
            tcs = list(tr.tc_lst)
            for c in range(COLUMNS):
                r0, c0 = owner.get((r, c), (r, c))
                span = block.cells.get((r0, c0), Span(""))
                if c != c0:
                    tr.remove(tcs[c])  # covered by the cell on its left: gridSpan says so
                    continue
                tc = tcs[c]
                tc.grid_span = span.cols
                if span.rows > 1:
                    tc.vMerge = "restart" if r == r0 else "continue"
                if r == r0:
                    _Cell(tc, table).text = span.text
        offset += block.rows


# ---------------------------------------------------------------- XLSX


def render_xlsx(records: list[Declaration], path: Path, stacked: bool = False) -> Path:
    """One sheet per form, or (stacked) all forms one below the other on one sheet."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    sheet = None
    for k, record in enumerate(records):
        if sheet is None or not stacked:
            sheet = workbook.create_sheet(f"申报表{k + 1}")
            for col, width in enumerate(COLUMN_WIDTHS, 1):
                sheet.column_dimensions[chr(ord("A") + col - 1)].width = width / 5
            row = 1
        else:
            row = sheet.max_row + 3
        _xlsx_form(sheet, layout(record), row)
    workbook.save(path)
    return path


def _xlsx_form(sheet, form: FormLayout, row: int) -> None:
    for line in form.title:
        sheet.cell(row, 1, line)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=COLUMNS)
        row += 1
    for block in (form.meta, form.indicators):
        for (r, c), span in block.cells.items():
            cell = sheet.cell(row + r, c + 1)
            value = span.value if span.value is not None else span.text
            if isinstance(value, tuple):  # a percentage and its display format
                value, cell.number_format = value
            elif span.number_format and span.value is not None:
                cell.number_format = span.number_format
            cell.value = value if value != "" else None
            if span.rows > 1 or span.cols > 1:
                sheet.merge_cells(start_row=row + r, start_column=c + 1,
                                  end_row=row + r + span.rows - 1, end_column=c + span.cols)
        row += block.rows


# ---------------------------------------------------------------- PDF


def _pdf_styles():
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=11, wordWrap="CJK")
    title = ParagraphStyle("title", parent=cell, fontSize=16, leading=22, alignment=TA_CENTER, spaceAfter=6)
    line = ParagraphStyle("line", parent=cell, fontSize=10.5, leading=16)
    label = ParagraphStyle("label", parent=cell, fontSize=7.5, leading=9)
    return cell, title, line, label


def _splittable_table_class():
    from reportlab.platypus import LongTable

    class SplittableTable(LongTable):
        """A table that may break between the rows of a merged cell, as Word's tables do.

        reportlab keeps merged rows on one page, so a long 一级指标 block would never fit;
        ignoring the spans when looking for the break (what its in-row splitting does anyway)
        splits the merged cell and leaves its label on the first page.
        """

        def _getFirstPossibleSplitRowPosition(self, availHeight, ignoreSpans=0):
            return super()._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans=1)

    return SplittableTable


# STSong-Light's GB encoding has the middle dot under U+30FB; its text layer reads back U+00B7.


def _pdf_table(block: Block, styles, repeat_rows: int = 0):
    """A ruled table; in the indicator table (repeat_rows) the 一级/二级 labels keep to one line.

    A merged label split over a page keeps its text in the first part; a second line would be
    drawn below that part, outside the table.
    """
    from reportlab.platypus import Paragraph, TableStyle

    cell_style, _, _, label_style = styles
    data = [["" for _ in range(COLUMNS)] for _ in range(block.rows)]
    commands = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if repeat_rows:
        commands += [("LEFTPADDING", (0, 0), (LABEL_COLUMNS - 1, -1), 3),
                     ("RIGHTPADDING", (0, 0), (LABEL_COLUMNS - 1, -1), 3)]
    for (r, c), span in block.cells.items():
        style = label_style if repeat_rows and c < LABEL_COLUMNS else cell_style
        data[r][c] = Paragraph(escape(span.text.replace("·", "・")), style) if span.text else ""
        if span.rows > 1 or span.cols > 1:
            commands.append(("SPAN", (c, r), (c + span.cols - 1, r + span.rows - 1)))
    table = _splittable_table_class()(data, colWidths=COLUMN_WIDTHS, repeatRows=repeat_rows)
    table.setStyle(TableStyle(commands))
    return table


def _pdf_form(form: FormLayout, styles) -> list:
    from reportlab.platypus import Paragraph, Spacer

    _, title, line, _ = styles
    story = [Paragraph(escape(form.title[0]), title)]
    story += [Paragraph(escape(text), line) for text in form.title[1:]]
    story += [Spacer(1, 4), _pdf_table(form.meta, styles), Spacer(1, 10)]
    story.append(_pdf_table(form.indicators, styles, repeat_rows=form.header_rows))
    return story


def _toc(records: list[Declaration], styles) -> list:
    """The selection's cover and 目录: sections numbered 一、二、…, projects 1. 2. … within each."""
    from reportlab.platypus import Paragraph, Spacer

    _, title, line, _ = styles
    year = records[0].year
    story = [Paragraph(f"聊城市 {year} 年度项目支出绩效目标 申报表选编", title),
             Paragraph("聊城市财政局预算绩效管理科", line), Spacer(1, 12), Paragraph("目 录", title)]
    numerals = "一二三四五六七八九十"
    sections: dict[str, list[Declaration]] = {}
    for r in records:
        sections.setdefault(r.section or "", []).append(r)
    page = 1
    for n, (section, members) in enumerate(sections.items()):
        story.append(Paragraph(f"{numerals[n]}、{escape(section)} {page}", line))
        for k, r in enumerate(members, 1):
            story.append(Paragraph(f"{k}.{escape(r.name)}..... {page}", line))
            page += 2
    return story


def render_pdf(records: list[Declaration], path: Path, selection: bool = False) -> Path:
    """Forms one after another, each from a new page; a selection opens with a cover and 目录."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    styles = _pdf_styles()
    story = []
    if selection:
        story += _toc(records, styles) + [PageBreak()]
    for k, record in enumerate(records):
        if k:
            story.append(PageBreak())
        # Goals stacked: side by side, the longest goal is taller than a page, and a row split
        # inside by reportlab loses its rules (the table would end at the split).
        story += _pdf_form(layout(record, stacked_goals=True), styles)
    document = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36)
    if selection:  # the printed selection numbers its pages at the foot
        document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    else:
        document.build(story)
    return path


def _page_number(canvas, document) -> None:
    canvas.setFont("STSong-Light", 9)
    canvas.drawCentredString(document.pagesize[0] / 2, 18, f"- {document.page} -")


# ---------------------------------------------------------------- round trip


META_FIELDS = ("year", "name", "code", "category", "department", "department_code", "unit", "contact", "phone",
               "project_type", "start_date", "end_date", "amount_yuan")
TEXT_FIELDS = ("basis", "overview", "legal_basis", "feasibility", "goal_longterm", "goal_annual", "remarks", "schedule")


def indicator_row(ind) -> tuple:
    return (ind.level1, ind.level2, ind.name, ind.value_annual, ind.value_longterm, ind.note)


@dataclass
class RoundTrip:
    """How much of the original records came back, field for field."""

    forms: int = 0
    meta_equal: int = 0
    meta_total: int = 0
    text_equal: int = 0
    text_total: int = 0
    rows_equal: int = 0
    rows_total: int = 0
    differences: list[str] = field(default_factory=list)

    def add(self, original: Declaration, read: Declaration, fields_extra: tuple[str, ...] = ()) -> None:
        import difflib

        self.forms += 1
        for group, names in (("meta", META_FIELDS + fields_extra), ("text", TEXT_FIELDS)):
            for name in names:
                a, b = getattr(original, name), getattr(read, name)
                equal = a == b
                setattr(self, f"{group}_equal", getattr(self, f"{group}_equal") + equal)
                setattr(self, f"{group}_total", getattr(self, f"{group}_total") + 1)
                if not equal:
                    self.differences.append(f"{original.seq} {name}: {str(a)[:80]!r} ≠ {str(b)[:80]!r}")
        before = [indicator_row(i) for i in original.indicators]
        after = [indicator_row(i) for i in read.indicators]
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        same = sum(block.size for block in matcher.get_matching_blocks())
        self.rows_equal += same
        self.rows_total += max(len(before), len(after))
        for row in before:
            if row not in after:
                self.differences.append(f"{original.seq} indicator {row}")

    @staticmethod
    def _pct(equal: int, total: int) -> float:
        return 100.0 * equal / total if total else 100.0

    @property
    def meta_pct(self) -> float:
        return self._pct(self.meta_equal, self.meta_total)

    @property
    def text_pct(self) -> float:
        return self._pct(self.text_equal, self.text_total)

    @property
    def rows_pct(self) -> float:
        return self._pct(self.rows_equal, self.rows_total)

    def summary(self, label: str) -> str:
        return (f"{label}: {self.forms} forms; metadata {self.meta_pct:.2f}% ({self.meta_equal}/{self.meta_total}); "
                f"long texts and schedule {self.text_pct:.2f}% ({self.text_equal}/{self.text_total}); "
                f"indicator rows {self.rows_pct:.2f}% ({self.rows_equal}/{self.rows_total})")


def main() -> None:
    """Print the round-trip numbers for every form of the bundled corpus, per format."""
    import tempfile

    from corpus import load_corpus
    from corpus.formats import read_declarations

    records = load_corpus()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        files = {
            "docx": [render_docx([r], out / f"form-{r.seq}.docx") for r in records],
            "xlsx": [render_xlsx(records, out / "forms.xlsx")],
            "pdf": [render_pdf(records, out / "selection.pdf", selection=True)],
        }
        for fmt, paths in files.items():
            read = [r for path in paths for r in read_declarations(path).records]
            trip = RoundTrip()
            for original, back in zip(records, read):
                trip.add(original, back, ("section",) if fmt == "pdf" else ())
            print(trip.summary(fmt))


if __name__ == "__main__":
    main()
