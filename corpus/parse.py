"""Parse the PDF-to-text extract of 项目支出绩效目标申报表 into Declaration records.

The parser reads the form the way a careful person reads the printout: labels are
recognised wherever the extraction put them, merged cells are filled from the
indicator framework, and what the form itself gets wrong is kept and flagged.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from corpus import labels as L
from corpus.model import Declaration, Indicator, ScheduleItem, Source
from corpus.text import clean, join_lines, squash

FORM_HEADER = "项目支出绩效目标申报表"
BUNDLED_CORPUS = Path(__file__).resolve().parent / "data" / "liaocheng-2021-declarations.txt"

_YEAR_LINE = re.compile(r"^\s*[（(]\s*(\d{4})\s*年度\s*[)）]")
_TOC_SECTION = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.]\s*(.+?)[.…·\s\d]*$")
_TOC_ITEM = re.compile(r"^\s*(\d{1,3})\s*[.、．]\s*(.+?)\s*(?:[.…·]{2,}\s*)?(\d{1,4})?\s*$")
_DATE_RANGE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*[至到\-—~]+\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"
)
_ISO_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?$")
_COST_VALUE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(亿元|亿|万元|万|元)?\s*([\u4e00-\u9fff%]?)")


class CorpusError(Exception):
    """A corpus file that cannot be parsed at all: says what, where and what to do."""


class LineNames:
    """How messages and sources point at a line of the parsed text: a text file's line number.

    The readers of PDF, DOCX and XLSX files (corpus.formats) feed their rows through the same
    parser and pass their own LineNames, which name pages, tables and sheets instead.
    """

    def line(self, number: int) -> str:
        return f"第 {number} 行"

    def lines(self, numbers: list[int]) -> str:
        return "第 " + "、".join(str(n) for n in numbers) + " 行"

    def at(self, file: str, start: int, end: int | None = None) -> str:
        return f"{file}:{start}" if end is None else f"{file}:{start}-{end}"

    def source(self, file: str, start: int, end: int) -> Source:
        return Source(file=file, line_start=start, line_end=end)


TEXT_LINES = LineNames()


@dataclass
class Line:
    number: int  # 1-based line number in the file
    cells: list[str]  # cleaned cells, positions kept (blank cells are "")

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]


@dataclass
class ParseResult:
    records: list[Declaration]
    messages: list[str] = field(default_factory=list)  # file-level problems, for stderr


# ---------------------------------------------------------------- reading


def read_text(path: Path) -> tuple[str, list[str]]:
    """Decode a corpus file: UTF-8 first, then GB18030 (common for Chinese exports)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"{path}: 文件不存在。请检查路径。") from None
    except OSError as exc:
        raise CorpusError(f"{path}: 无法读取（{exc.strerror}）。请检查文件权限。") from None
    if not data.strip():
        raise CorpusError(f"{path}: 文件为空。请提供申报表的文本导出文件。")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            # cut inside its last character (a truncated copy): the rest is good UTF-8
            return data[: exc.start].decode("utf-8-sig"), [
                f"{path}: 文件末尾有不完整的字符（文件可能被截断），已忽略最后 {len(data) - exc.start} 个字节。"
            ]
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise CorpusError(
            f"{path}: 既不是 UTF-8 也不是 GB18030 编码（第 {utf8_error.start} 字节处无法解码）。"
            "请将文件另存为 UTF-8 后重试。"
        ) from None
    return text, [f"{path}: 文件不是 UTF-8，已按 GB18030 解码。"]


# ---------------------------------------------------------------- table of contents


@dataclass
class TocEntry:
    section: str
    name: str
    line: int


def parse_toc(lines: list[str], end: int) -> list[TocEntry]:
    """The 目录 before the first form: sections (科室) and the project names in order."""
    entries: list[TocEntry] = []
    section = None
    in_toc = False
    for i in range(end):
        raw = lines[i].replace("\t", " ").strip()
        if not raw:
            continue
        if squash(raw) == "目录":
            in_toc = True
            continue
        if not in_toc:
            continue
        m = _TOC_SECTION.match(raw)
        if m:
            section = squash(m.group(2)).rstrip(".")
            continue
        m = _TOC_ITEM.match(raw)
        if m and section:
            name = clean(m.group(2)).rstrip(".… ")
            entries.append(TocEntry(section=section, name=name, line=i + 1))
    return entries


# ---------------------------------------------------------------- form body


def _split(raw: str, number: int) -> Line:
    cells: list[str] = []
    for cell in raw.split("\t"):
        cells.extend(_detach_label(clean(cell)))
    return Line(number=number, cells=cells)


_INLINE_LABEL = re.compile(
    "^(" + "|".join(re.escape(k) for k in sorted(L.FIELD_LABELS, key=len, reverse=True)) + r")\s+(\S.*)$"
)
# Long-text labels are also glued to their text without a space ("项目立项依据大数据局…").
_GLUED_LABEL = re.compile(r"^(项目立项依据|测算依据及说明|项目申报的可行性和必要性)[：:]?(\S.{4,})$")


def _detach_label(cell: str) -> list[str]:
    """'项目立项依据 1.山东省…' (a label and its text in one cell) → two cells."""
    m = _INLINE_LABEL.match(cell) or _GLUED_LABEL.match(cell)
    return [m.group(1), m.group(2)] if m else [cell]


def _is_label(cell: str) -> bool:
    s = squash(cell)
    return (
        s in L.FIELD_LABELS
        or s in L.GROUP_LABELS
        or s in L.SCHEDULE_LABELS
        or s in L.SCHEDULE_HEADER
        or s in (L.GOAL_LABEL, L.GOAL_LONGTERM, L.GOAL_ANNUAL)
    )


def _to_float(text: str) -> float | None:
    s = text.replace(",", "").replace("，", "").strip()
    return float(s) if _NUMBER.match(s) else None


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


class FormParser:
    """Parses one form: the lines between its header and the next form's header."""

    def __init__(self, lines: list[Line], seq: int, file: str, names: LineNames = TEXT_LINES):
        self.lines = lines
        self.names = names
        self.warnings: list[str] = []
        self.values: dict[str, list[str]] = {}
        self.seq = seq
        self.file = file
        self.year: int | None = None
        self.schedule: list[ScheduleItem] = []
        self.goal_lt: list[str] = []
        self.goal_annual: list[str] = []
        self.indicators: list[Indicator] = []

    def warn(self, line: int | None, message: str) -> None:
        where = f"{self.names.line(line)}：" if line else ""
        self.warnings.append(f"{where}{message}")

    # -- metadata and long texts

    def parse(self) -> Declaration:
        table_start = next(
            (k for k, ln in enumerate(self.lines) if any(squash(c) == "一级指标" for c in ln.cells)), None
        )
        body = self.lines if table_start is None else self.lines[:table_start]
        self._parse_body(body)
        if table_start is None:
            self.warn(None, "未找到绩效指标表（表格可能被截断）。")
        else:
            self._parse_indicators(self.lines[table_start:])
        return self._build()

    def _parse_body(self, body: list[Line]) -> None:
        current: str | None = None  # field that continuation lines extend
        goal_cols: tuple[int, int] | None = None
        for ln in body:
            filled = ln.filled
            if not filled:
                continue
            m = _YEAR_LINE.match(" ".join(filled))
            if m and self.year is None:
                self.year = int(m.group(1))
                continue
            first = squash(filled[0])
            if first.startswith("填报单位"):
                continue
            if first in L.SCHEDULE_LABELS or any(squash(c) in L.SCHEDULE_HEADER for c in filled):
                current = "schedule"
                self._schedule_row(ln)
                continue
            if first == L.GOAL_LABEL or any(squash(c) in (L.GOAL_LONGTERM, L.GOAL_ANNUAL) for c in filled):
                current = "goals"
                goal_cols = self._goal_line(ln, goal_cols)
                continue
            if any(squash(c) in L.FIELD_LABELS or squash(c) in L.GROUP_LABELS for c in filled):
                current = self._label_row(filled, ln.number)
                continue
            # A line without labels continues whatever section came before it.
            if current == "schedule":
                self._schedule_row(ln)
            elif current == "goals":
                goal_cols = self._goal_line(ln, goal_cols)
            elif current:
                self.values.setdefault(current, []).append(" ".join(filled))

    def _label_row(self, filled: list[str], number: int) -> str | None:
        """A row of label/value pairs; returns the field that following lines continue."""
        pending: str | None = None
        last: str | None = None
        for cell in filled:
            s = squash(cell)
            if s in L.GROUP_LABELS:
                continue
            if s in L.FIELD_LABELS:
                pending = L.FIELD_LABELS[s]
                self.values.setdefault(pending, [])
                last = pending
                continue
            if pending:
                self.values[pending].append(cell)
                # Short metadata cells take one value; long texts take the rest of the row.
                if pending not in _LONG_FIELDS:
                    pending = None
            else:
                self.warn(number, f"无法归属的单元格：“{cell[:30]}”")
        return last if last in _LONG_FIELDS else None

    # -- schedule

    def _schedule_row(self, ln: Line) -> None:
        cells = [c for c in ln.filled if not _is_label(c)]
        if not cells:
            return
        date_at = next((k for k, c in enumerate(cells) if _ISO_DATE.match(c)), None)
        if date_at is None:
            # Content broken onto the next line: it belongs to the row above.
            if self.schedule:
                prev = self.schedule[-1]
                prev.content = join_lines([prev.content, " ".join(cells)])
            else:
                self.warn(ln.number, f"实施进度计划中无法识别的行：“{' '.join(cells)[:30]}”")
            return
        m = _ISO_DATE.match(cells[date_at])
        content = join_lines(cells[:date_at])
        amount = None
        rest = cells[date_at + 1 :]
        if rest:
            amount = _to_float(rest[0])
            if amount is None:
                self.warn(ln.number, f"实施进度计划金额不是数字：“{rest[0]}”")
        self.schedule.append(ScheduleItem(content=content, start_date=_iso(*m.groups()), amount_yuan=amount))

    # -- goals

    def _goal_line(self, ln: Line, cols: tuple[int, int] | None) -> tuple[int, int] | None:
        """A line of the 项目绩效目标 block: the column header (perhaps with inline text) or text."""
        labelled = any(squash(c) == L.GOAL_LABEL for c in ln.cells)
        cells = [(k, c) for k, c in enumerate(ln.cells) if c and squash(c) != L.GOAL_LABEL]
        # Inline text ("中(长)期目标 进一步…") only follows the labels on the 项目绩效目标 row itself.
        header = [
            (k, c)
            for k, c in cells
            if squash(c) in (L.GOAL_LONGTERM, L.GOAL_ANNUAL)
            or (labelled and squash(c).startswith((L.GOAL_LONGTERM, L.GOAL_ANNUAL)))
        ]
        if not header:
            self._goal_text(cells, cols)
            return cols
        beside = [c for k, c in cells if k > header[0][0] and (k, c) not in header]
        if len(header) == 1 and beside:
            # One goal a row, its text beside its label (the goals stacked, not side by side).
            is_longterm = squash(header[0][1]).startswith(L.GOAL_LONGTERM)
            (self.goal_lt if is_longterm else self.goal_annual).extend(beside)
            return cols
        lt_col = annual_col = None
        for k, cell in header:
            rest = cell.split("目标", 1)[1].strip()
            if squash(cell).startswith(L.GOAL_LONGTERM):
                lt_col = k
                (self.goal_lt.append(rest) if rest else None)
            else:
                annual_col = k
                (self.goal_annual.append(rest) if rest else None)
        return (lt_col, annual_col) if lt_col is not None and annual_col is not None else cols

    def _goal_text(self, cells: list[tuple[int, str]], cols: tuple[int, int] | None) -> None:
        if len(cells) == 2:
            # Two texts are the two goals, whatever columns the page break shifted them to.
            self.goal_lt.append(cells[0][1])
            self.goal_annual.append(cells[1][1])
            return
        lt_col, annual_col = cols or (1, 2)
        for k, cell in cells:
            (self.goal_annual if abs(k - annual_col) < abs(k - lt_col) else self.goal_lt).append(cell)

    # -- indicators

    def _parse_indicators(self, rows: list[Line]) -> None:
        table = [row for row in (_classify_row(ln) for ln in rows) if row is not None]
        _mark_page_breaks(table)
        level2: str | None = None
        for k, row in enumerate(table):
            if row.level2:
                level2 = row.level2
                if row.content:
                    self._indicator_row(row, level2)
                level2 = row.carry_level2
                continue
            elif row.level1 and (level2 is None or L.LEVEL2_TO_LEVEL1[level2] != row.level1):
                # A printed 一级 with no 二级 beside it. The merged cell's text often lands
                # rows above its block; trust it only if no 二级 of that 一级 follows.
                if not any(r.level2 and L.LEVEL2_TO_LEVEL1[r.level2] == row.level1 for r in table[k + 1 :]):
                    level2 = "服务对象满意度指标" if row.level1 == L.LEVEL1_SATISFACTION else None
                    if level2 is None:
                        self._orphan_level1 = row.level1
            if row.content:
                self._indicator_row(row, level2)

    _orphan_level1: str | None = None

    def _indicator_row(self, row: "_Row", level2: str | None) -> None:
        name_lt, value_lt, name, value, note = row.parts
        prev = self.indicators[-1] if self.indicators else None
        if name is None:
            # Only values on this line: they spilled from the row above.
            if prev and not prev.value_annual:
                prev.value_annual = value or ""
            elif prev:
                prev.note = join_lines([prev.note, " ".join(row.content)])
            return
        if prev and row.page_break and not row.labelled and not value and squash(name) not in L.PLACEHOLDER_NAMES:
            # A name cut by a page break ("成果公布时" / "间").
            prev.name = join_lines([prev.name, name])
            return
        if squash(name) in L.PLACEHOLDER_NAMES and squash(value) in ("", *L.PLACEHOLDER_NAMES):
            return
        if level2 is None:
            level1 = self._orphan_level1 or L.LEVEL1_OUTPUT
            self.warn(row.number, f"指标“{name}”没有二级指标，一级指标按“{level1}”处理。")
            level2_name = ""
        else:
            level2_name, level1 = level2, L.LEVEL2_TO_LEVEL1[level2]
        if not row.labelled and level1 != L.LEVEL1_SATISFACTION and re.search("满意(度|率)", name):
            # A satisfaction row whose merged 二级 cell was lost in extraction.
            level2_name, level1 = "服务对象满意度指标", L.LEVEL1_SATISFACTION
        self.indicators.append(
            Indicator(
                level1=level1,
                level2=level2_name,
                name=name,
                value_annual=value or "",
                value_longterm=value_lt or "",
                note=note or "",
                line=row.number,
            )
        )
        if name_lt and squash(name_lt) != squash(name):
            self.warn(row.number, f"中长期三级指标“{name_lt}”与年度三级指标“{name}”不同。")

    # -- assembling the record

    def _text(self, key: str) -> str:
        return join_lines(self.values.get(key, []))

    def _build(self) -> Declaration:
        first = self.lines[0].number if self.lines else 0
        last = self.lines[-1].number if self.lines else 0
        start_date = end_date = None
        dates = self._text("dates")
        m = _DATE_RANGE.search(dates)
        if m:
            start_date, end_date = _iso(*m.group(1, 2, 3)), _iso(*m.group(4, 5, 6))
        elif dates:
            self.warn(None, f"项目起止时间无法识别：“{dates}”")
        amount_text = self._text("amount_yuan")
        amount = _to_float(amount_text) if amount_text else None
        if amount_text and amount is None:
            self.warn(None, f"项目金额不是数字：“{amount_text}”")
        category = self._text("category") or None
        project_type = self._text("project_type")
        record = Declaration(
            seq=self.seq,
            year=self.year,
            name=self._text("name"),
            code=squash(self._text("code")),
            category=category,
            department=self._text("department"),
            department_code=squash(self._text("department_code")),
            unit=self._text("unit"),
            contact=self._text("contact"),
            phone=self._text("phone"),
            project_type=project_type,
            start_date=start_date,
            end_date=end_date,
            amount_yuan=amount,
            basis=self._text("basis"),
            overview=self._text("overview"),
            legal_basis=self._text("legal_basis"),
            feasibility=self._text("feasibility"),
            schedule=self.schedule,
            goal_longterm=join_lines(self.goal_lt),
            goal_annual=join_lines(self.goal_annual),
            indicators=self.indicators,
            remarks=self._text("remarks"),
            source=self.names.source(self.file, first, last),
            warnings=self.warnings,
        )
        self._check(record)
        record.warnings = list(self.warnings)  # pydantic copied the list; take the checks' too
        return record

    def _check(self, r: Declaration) -> None:
        """Flag what the form itself gets wrong; never correct it."""
        for key, label in (("name", "项目名称"), ("code", "项目编号"), ("department", "主管部门"), ("unit", "项目实施单位")):
            if not getattr(r, key):
                self.warn(None, f"缺少{label}。")
        if r.amount_yuan is None:
            self.warn(None, "缺少项目金额。")
        if r.code and not (r.code.isdigit() and len(r.code) == 14):
            self.warn(None, f"项目编号“{r.code}”不是常见的 14 位数字。")
        if r.category is None:
            self.warn(None, "项目分类为空。")
        elif r.category.isdigit():
            self.warn(None, f"项目分类印为代码“{r.category}”，未给出分类名称。")
        if r.project_type.isdigit():
            self.warn(None, f"项目类型印为代码“{r.project_type}”，未给出类型名称。")
        if r.amount_yuan is not None and r.schedule:
            amounts = [s.amount_yuan for s in r.schedule if s.amount_yuan is not None]
            total = sum(amounts)
            if amounts and abs(total - r.amount_yuan) > 0.5:
                self.warn(
                    None,
                    f"实施进度计划金额合计 {total:,.2f} 元，与项目金额 {r.amount_yuan:,.2f} 元不一致。",
                )
        if r.amount_yuan:
            for ind in r.indicators:
                if ind.level2 != "成本指标":
                    continue
                cost = cost_in_yuan(ind.value_annual)
                if cost is not None and cost > r.amount_yuan + 0.5:
                    self.warn(
                        ind.line,
                        f"成本指标“{ind.name}”为“{ind.value_annual}”，高于项目金额 {r.amount_yuan:,.2f} 元。",
                    )
        if not r.indicators:
            self.warn(None, "没有解析出任何绩效指标。")
        else:
            present = {i.level1 for i in r.indicators}
            for level1 in L.LEVEL1_ORDER:
                if level1 not in present:
                    self.warn(None, f"绩效指标缺少一级指标“{level1}”。")


_LONG_FIELDS = frozenset({"basis", "overview", "legal_basis", "feasibility", "remarks"})

# First halves of 二级 labels split by a page break ("社会效益" / "指标").
_SPLIT_LEVEL2_HEADS = {
    "社会效益": "社会效益指标",
    "经济效益": "经济效益指标",
    "生态效益": "生态效益指标",
}


@dataclass
class _Row:
    """One indicator-table line: its labels and its content cells."""

    number: int
    level1: str | None
    level2: str | None
    carry_level2: str | None  # the 二级 that following unlabelled rows inherit
    content: list[str]
    parts: tuple[str | None, str | None, str | None, str | None, str | None]
    page_break: bool = False

    @property
    def labelled(self) -> bool:
        return bool(self.level1 or self.level2)


def _classify_row(ln: Line) -> _Row | None:
    cells = [(raw, squash(raw)) for raw in ln.cells if raw]
    if not cells:
        return None
    squashed = {s for _, s in cells}
    if (
        "一级指标" in squashed
        or (L.GOAL_LONGTERM in squashed and L.GOAL_ANNUAL in squashed)
        or (L.LEVEL3_HEADER in squashed and L.VALUE_HEADER in squashed)
    ):
        return None  # the table's (repeated) header
    level1 = level2 = None
    labels2: list[str] = []
    content: list[str] = []
    for raw, s in cells:
        if s in L.FRAME_LABELS:
            continue
        if s in L.LEVEL1_LABELS:
            level1 = L.LEVEL1_LABELS[s]
        elif L.level2_label(s):
            labels2.append(L.level2_label(s))
        elif s in _SPLIT_LEVEL2_HEADS and not content:
            labels2.append(_SPLIT_LEVEL2_HEADS[s])
        elif s == "指标" and not content and level2 is None:
            continue  # tail of a 二级 label cut by a page break ("社会效益" / "指标")
        else:
            content.append(raw)
    # Two labels on one row: the last stands beside this row's name; the first is a
    # merged cell's text, and it is the block that the following rows belong to.
    level2 = labels2[-1] if labels2 else None
    carry = labels2[0] if labels2 else None
    prefix, parts = _split_content(content)
    for cell in prefix:
        # A stray cell in the 二级 column before the name pair ("成本控制").
        level2 = carry = level2 or L.level2_keyword(squash(cell))
    content = content[len(prefix) :]
    return _Row(ln.number, level1, level2, carry, content, parts)


def _mark_page_breaks(table: list[_Row]) -> None:
    for prev, row in zip(table, table[1:]):
        row.page_break = row.number - prev.number > 1


def cost_in_yuan(value: str) -> float | None:
    """A cost value in 元: '≤ 33 万元' → 330000. A bare number is taken as 元 (the smallest reading)."""
    m = _COST_VALUE.search(value or "")
    if not m or "%" in value:
        return None
    if m.group(2) is None and m.group(3):
        return None  # "7 天", "10人": a number, but not money
    number = float(m.group(1).replace(",", ""))
    unit = m.group(2) or "元"
    return number * {"亿元": 1e8, "亿": 1e8, "万元": 1e4, "万": 1e4, "元": 1.0}[unit]


def _similar(a: str, b: str) -> bool:
    a, b = squash(a), squash(b)
    return a == b or (len(a) >= 4 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.8)


def _split_content(
    content: list[str],
) -> tuple[list[str], tuple[str | None, str | None, str | None, str | None, str | None]]:
    """(prefix, (name_lt, value_lt, name, value, note)) from the non-label cells of a row.

    Columns drift from form to form, so the annual 三级指标 is found as the cell that
    repeats the long-term one; values sit right of their names. Cells before that
    pair are strays from the 二级 column.
    """
    for i in range(len(content) - 1):
        for k in range(i + 1, len(content)):
            if _similar(content[i], content[k]):
                while k + 1 < len(content) and _similar(content[k + 1], content[k]):
                    k += 1  # the name printed three times
                value_lt = " ".join(c for c in content[i + 1 : k] if not _similar(c, content[i])) or None
                value = content[k + 1] if k + 1 < len(content) else None
                note = " ".join(content[k + 2 :]) or None
                return content[:i], (content[i], value_lt, content[k], value, note)
    if len(content) == 1:
        only = content[0]
        if _looks_like_value(only):
            return [], (None, None, None, only, None)
        return [], (None, None, only, None, None)
    if not content:
        return [], (None, None, None, None, None)
    # Only one name column was filled: name, value, then a note.
    return [], (None, None, content[0], content[1], " ".join(content[2:]) or None)


def _looks_like_value(cell: str) -> bool:
    s = squash(cell)
    return bool(re.match(r"^[≥≤<>=＞＜]?\d", s)) or s.endswith("%")


# ---------------------------------------------------------------- documents


def _toc_starts(raw_lines: list[str]) -> list[int]:
    return [i for i, raw in enumerate(raw_lines) if squash(raw) == "目录"]


def _preamble_start(raw_lines: list[str], toc: int, floor: int) -> int:
    """Where the front matter before a 目录 begins: the title lines above it are not table rows."""
    i = toc
    while i - 1 > floor and "\t" not in raw_lines[i - 1]:
        i -= 1
    return i


def parse_text(text: str, file: str, first_seq: int = 1, names: LineNames = TEXT_LINES) -> ParseResult:
    """The forms of one document's text: tab-separated cells, one table row or text line a line.

    `names` says how messages point at a line; the readers of other formats pass their own.
    """
    raw_lines = text.splitlines()
    messages: list[str] = []
    cut = _cut_last_cell(text, raw_lines)
    if cut is not None:
        line, fragment = cut
        messages.append(f"{names.at(file, line)}: 文件在此行中间结束（没有换行），最后一格“{fragment[:30]}”可能不完整，未采用。")
    header_idx = [i for i, raw in enumerate(raw_lines) if is_form_header(raw.split("\t")[0])]
    if not header_idx:
        raise CorpusError(
            f"{file}: 没有找到任何申报表（每张表以一行“{FORM_HEADER}”开头）。请确认这是申报表的文本导出文件。"
        )
    tocs = _toc_starts(raw_lines)
    if len(tocs) > 1:
        messages.append(
            f"{file}: 有 {len(tocs)} 份目录（{names.lines([t + 1 for t in tocs])}），"
            "可能是几份语料拼接在一起；每份目录只用于它后面的申报表，目录和封面不会当作指标。"
        )
    records: list[Declaration] = []
    bounds = header_idx + [len(raw_lines)]
    for n, (start, end) in enumerate(zip(bounds, bounds[1:])):
        # front matter of a joined copy (title, 目录) ends the form before it
        inner = [t for t in tocs if start < t < end]
        if inner:
            end = _preamble_start(raw_lines, inner[0], start)
        record = _parse_form(raw_lines, (start, end), first_seq + n, file, names, cut)
        if not any(squash(c) == "一级指标" for raw in raw_lines[start:end] for c in raw.split("\t")):
            messages.append(f"{names.at(file, record.source.line_start, record.source.line_end)}: "
                            f"第 {record.seq} 张申报表“{record.name or '（无名称）'}”没有绩效指标表（可能被截断）。")
        records.append(record)
    _apply_tocs(records, raw_lines, tocs, file, messages, names)
    flag_duplicate_codes(records, messages, names=names)
    for r in records:
        if r.warnings and not r.name:
            messages.append(f"{names.at(file, r.source.line_start)}: 第 {r.seq} 张申报表缺少项目名称（可能被截断）。")
    return ParseResult(records=records, messages=messages)


_FORM_HEADER = re.compile(r"^(?:(\d{4})年度?)?" + FORM_HEADER + r"(?:[(（](\d{4})年度?[)）])?$")


def is_form_header(cell: str) -> bool:
    """The title a form starts with; "2021年度项目支出绩效目标申报表" and "…申报表（2021年度）" too."""
    return bool(_FORM_HEADER.match(squash(cell)))


def _header_year(cell: str) -> int | None:
    m = _FORM_HEADER.match(squash(cell))
    year = m and (m.group(1) or m.group(2))
    return int(year) if year else None


def _parse_form(
    raw_lines: list[str], span: tuple[int, int], seq: int, file: str, names: LineNames, cut: tuple[int, str] | None
) -> Declaration:
    """The record of the form on raw_lines[start:end]; a form that breaks the parser keeps its place."""
    start, end = span
    lines = [_split(raw_lines[i], i + 1) for i in range(start, end)]
    cut_here = cut is not None and start < cut[0] <= end
    if cut_here:
        _drop_last_cell(lines, cut[0])
    while lines and not lines[-1].filled:
        lines.pop()
    parser = FormParser(lines, seq=seq, file=file, names=names)
    parser.year = _header_year(raw_lines[start].split("\t")[0])
    if cut_here:
        parser.warn(cut[0], f"文件在此行中间结束，最后一格“{cut[1][:30]}”可能不完整，未采用（记为空）。")
    try:
        return parser.parse()
    except Exception as exc:  # a damaged form must not stop the run or vanish
        return Declaration(
            seq=seq,
            source=names.source(file, start + 1, end),
            warnings=[f"{names.line(start + 1)}起的申报表无法解析（{type(exc).__name__}: {exc}），仅保留位置信息。"],
        )


def _apply_tocs(
    records: list[Declaration], raw_lines: list[str], tocs: list[int], file: str, messages: list[str], names: LineNames
) -> None:
    """Each 目录 names the forms that follow it, up to the next 目录."""
    if tocs and any(r.source.line_start <= tocs[0] for r in records):
        _apply_toc([r for r in records if r.source.line_start <= tocs[0]], [], file, messages, names)
    for k, toc_line in enumerate(tocs or [None]):
        first = toc_line if toc_line is not None else 0
        block_end = tocs[k + 1] if toc_line is not None and k + 1 < len(tocs) else len(raw_lines)
        block = [r for r in records if first < r.source.line_start <= block_end]
        if toc_line is not None and not block:
            continue
        first_header = min((r.source.line_start - 1 for r in block), default=len(raw_lines))
        toc = parse_toc(raw_lines[:first_header], first_header) if toc_line is None else \
            parse_toc([""] * toc_line + raw_lines[toc_line:first_header], first_header)
        _apply_toc(block, toc, file, messages, names)


def _cut_last_cell(text: str, raw_lines: list[str]) -> tuple[int, str] | None:
    """(line, last cell) when the text ends inside a cell: no newline and no tab after the last value."""
    if not raw_lines or text.endswith(("\n", "\r")):
        return None
    last = raw_lines[-1]
    if not last.strip() or last[-1] in "\t ":
        return None  # empty cells after the last value: the line was written to its end
    cell = last.split("\t")[-1].strip()
    return (len(raw_lines), cell) if cell else None


def _drop_last_cell(lines: list[Line], number: int) -> None:
    for ln in lines:
        if ln.number == number:
            filled = [k for k, c in enumerate(ln.cells) if c]
            if filled:
                ln.cells[filled[-1]] = ""


def flag_duplicate_codes(
    records: list[Declaration], messages: list[str], seen: dict | None = None, names: LineNames = TEXT_LINES
) -> None:
    """Warn on every form whose 项目编号 an earlier form already has (file and line of both)."""
    seen = {} if seen is None else seen
    for r in records:
        if not r.code:
            continue
        first = seen.get(r.code)
        if first is None:
            seen[r.code] = r
            continue
        where = f"{first.source.file} {names.line(first.source.line_start)}"
        r.warnings.append(f"项目编号 {r.code} 与{where}的申报表“{first.name}”重复。")
        messages.append(f"{names.at(r.source.file, r.source.line_start)}: 项目编号 {r.code} 重复"
                        f"（首次出现在 {names.at(first.source.file, first.source.line_start)}）。")


def _apply_toc(
    records: list[Declaration], toc: list[TocEntry], file: str, messages: list[str], names: LineNames = TEXT_LINES
) -> None:
    """Take each form's 科室 from the 目录 and cross-check names and counts."""
    if not toc:
        messages.append(f"{file}: 没有目录，科室字段留空。")
        return
    if len(toc) != len(records):
        messages.append(f"{file}: 目录列出 {len(toc)} 个项目，正文有 {len(records)} 张申报表。")
    unmatched = list(range(len(toc)))
    for r in records:
        best, best_ratio = None, 0.0
        for k in unmatched:
            ratio = difflib.SequenceMatcher(None, squash(toc[k].name), squash(r.name)).ratio()
            if ratio > best_ratio:
                best, best_ratio = k, ratio
        # Prefer the entry at the same position when the names agree well enough.
        pos = r.seq - records[0].seq
        if pos in unmatched and difflib.SequenceMatcher(None, squash(toc[pos].name), squash(r.name)).ratio() >= 0.8:
            best, best_ratio = pos, 1.0
        if best is None or best_ratio < 0.8:
            r.warnings.append("目录中找不到与本表名称对应的条目，科室未知。")
            messages.append(f"{names.at(file, r.source.line_start)}: “{r.name}”不在目录中。")
            continue
        unmatched.remove(best)
        r.section = toc[best].section
        if squash(toc[best].name) != squash(r.name):
            r.warnings.append(f"目录中的名称为“{toc[best].name}”，与表内名称不同。")
    for k in unmatched:
        messages.append(f"{names.at(file, toc[k].line)}: 目录条目“{toc[k].name}”没有对应的申报表。")


def parse_files(paths: list[Path]) -> ParseResult:
    """Parse several corpus files in order; seq runs on across files.

    A file that cannot be read is reported and skipped; it never stops the others.
    """
    records: list[Declaration] = []
    messages: list[str] = []
    seen: dict[str, Declaration] = {}
    for path in paths:
        try:
            text, notes = read_text(path)
            messages.extend(notes)
            result = parse_text(text, file=path.name, first_seq=len(records) + 1)
        except CorpusError as exc:
            messages.append(str(exc))
            continue
        # codes repeated within the file are flagged by parse_text; here, codes of earlier files
        earlier = {code: r for code, r in seen.items()}
        flag_duplicate_codes([r for r in result.records if r.code in earlier], messages, earlier)
        for r in result.records:
            seen.setdefault(r.code, r) if r.code else None
        records.extend(result.records)
        messages.extend(result.messages)
    return ParseResult(records=records, messages=messages)


def load_corpus(path: Path | None = None) -> list[Declaration]:
    """The records of one corpus file (the bundled one by default); raises CorpusError."""
    path = path or BUNDLED_CORPUS
    text, _ = read_text(path)
    return parse_text(text, file=path.name).records
