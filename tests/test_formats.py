"""Declarations read from real PDF, DOCX and XLSX files rendered from the bundled corpus.

The round trip renders the parsed records into forms (tests/render_forms.py: merged indicator
cells, long texts, tables running over pages), reads them back with corpus.formats, and counts
what came back equal, field for field. `python -m tests.render_forms` prints the same numbers.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from corpus import CorpusError
from corpus.formats import read_declarations
from tests.render_forms import RoundTrip, indicator_row, layout, render_docx, render_pdf, render_xlsx

# Every other form of the selection: 50 forms from all nine sections, rendered once per run.
SAMPLE_STEP = 2
MULTI = 3  # forms in the many-forms-in-one-file variants


@pytest.fixture(scope="session")
def sample(records):
    return records[::SAMPLE_STEP]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, sample) -> dict[str, list[Path]]:
    """The sample as files: a Word file per form, a workbook with a sheet per form, a PDF selection."""
    out = tmp_path_factory.mktemp("forms")
    return {
        "docx": [render_docx([r], out / f"form-{r.seq}.docx") for r in sample],
        "xlsx": [render_xlsx(sample, out / "forms.xlsx")],
        "pdf": [render_pdf(sample, out / "selection.pdf", selection=True)],
    }


@pytest.fixture(scope="session")
def read_back(rendered) -> dict[str, list]:
    return {fmt: [r for path in paths for r in read_declarations(path).records] for fmt, paths in rendered.items()}


def _round_trip(fmt: str, originals, read) -> RoundTrip:
    trip = RoundTrip()
    # Only the selection PDF has a 目录, where the 科室 comes from.
    extra = ("section",) if fmt == "pdf" else ()
    for original, back in zip(originals, read):
        trip.add(original, back, extra)
    return trip


# ---------------------------------------------------------------- the round trip


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
def test_round_trip_keeps_every_metadata_field_and_the_indicator_rows(fmt, sample, read_back):
    read = read_back[fmt]
    assert [r.name for r in read] == [r.name for r in sample]
    trip = _round_trip(fmt, sample, read)
    print("\n" + trip.summary(fmt))
    assert trip.forms >= 20
    assert trip.meta_pct == 100.0, trip.differences
    assert trip.rows_pct >= 99.0, trip.differences


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_word_and_excel_come_back_exactly(fmt, sample, read_back):
    """No wrapping to undo: long texts, schedules and indicator rows equal, every one."""
    trip = _round_trip(fmt, sample, read_back[fmt])
    assert (trip.text_pct, trip.rows_pct) == (100.0, 100.0), trip.differences[:10]


def test_the_files_really_merge_the_indicator_cells(rendered):
    with zipfile.ZipFile(rendered["docx"][0]) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert 'w:vMerge w:val="restart"' in body and "<w:vMerge/>" in body and "w:gridSpan" in body
    import openpyxl

    sheet = openpyxl.load_workbook(rendered["xlsx"][0]).worksheets[0]
    tall = [m for m in sheet.merged_cells.ranges if m.min_col in (2, 3) and m.max_row > m.min_row]
    assert tall and all(sheet.cell(m.min_row + 1, m.min_col).value is None for m in tall)


def test_pdf_tables_run_over_pages_and_sources_name_the_pages(rendered, read_back):
    import pdfplumber

    with pdfplumber.open(rendered["pdf"][0]) as pdf:
        # a page that opens with the indicator table's repeated header: the table ran on
        continued = [p for p in pdf.pages if (p.extract_text() or "").split("\n")[0].startswith("一级指标")]
    assert len(continued) >= 3
    read = read_back["pdf"]
    assert sum(r.source.page_end > r.source.page_start for r in read) >= 20
    pages = [r.source.page_start for r in read]
    assert pages == sorted(pages) and pages[0] >= 2  # the cover and 目录 come first
    for r in read:
        assert r.source.line_start < r.source.line_end
        assert all(r.source.line_start <= i.line <= r.source.line_end for i in r.indicators)


def test_sources_say_where_in_the_file(read_back):
    docx_record, xlsx_record = read_back["docx"][0], read_back["xlsx"][1]
    assert (docx_record.source.table_start, docx_record.source.table_end) == (1, 1)
    assert docx_record.source.where() == "第 1 个表格"
    assert xlsx_record.source.sheet == "申报表2" and xlsx_record.source.cells.startswith("A1:H")
    assert xlsx_record.source.where().startswith("工作表“申报表2” A1:H")
    saved = json.loads(xlsx_record.model_dump_json())["source"]
    assert saved["sheet"] == "申报表2" and "page_start" not in saved
    assert read_back["pdf"][0].source.where().startswith("第 ")


def test_warnings_point_at_the_row_in_the_file(tmp_path, by_name):
    """Form 20 has two indicators without a 二级; the warnings name the sheet row and table row."""
    import docx
    import openpyxl

    original = by_name["业务工作经费 05: 其他司法支出"]
    (from_xlsx,) = read_declarations(render_xlsx([original], tmp_path / "f.xlsx")).records
    sheet = openpyxl.load_workbook(tmp_path / "f.xlsx").worksheets[0]
    orphan = next(i for i in from_xlsx.indicators if not i.level2)
    assert sheet.cell(orphan.line, 6).value == orphan.name  # F: the annual 三级指标
    assert f"工作表“申报表1”第 {orphan.line} 行：指标“{orphan.name}”没有二级指标" in from_xlsx.warnings[0]
    (from_docx,) = read_declarations(render_docx([original], tmp_path / "f.docx")).records
    table = docx.Document(str(tmp_path / "f.docx")).tables[0]
    row = int(from_docx.warnings[0].split("第 1 个表格第 ")[1].split(" 行")[0])
    assert orphan.name in [cell.text for cell in table.rows[row - 1].cells]


def test_wrapped_lines_are_joined_as_the_cell_spells_them():
    from corpus.text import join_wrapped

    assert join_wrapped(["完成时间 2021", "年 12 月"]) == "完成时间 2021 年 12 月"
    assert join_wrapped(["2021年12月", "20日前"]) == "2021年12月20日前"
    assert join_wrapped(["每生每年 71", "0 元"]) == "每生每年 710 元"  # a number split anywhere
    assert join_wrapped(["提升产品检", "测能力"]) == "提升产品检测能力"
    assert join_wrapped(["4975.869", "万元"], neighbours=["1658.623万元"]) == "4975.869万元"
    assert join_wrapped(["1000", "人"]) == "1000 人"  # no evidence: the corpus's usual spelling


# ---------------------------------------------------------------- many forms, other layouts


def test_many_forms_in_one_word_file_and_on_one_sheet(tmp_path, records):
    forms = records[10 : 10 + MULTI]
    docx_result = read_declarations(render_docx(forms, tmp_path / "three.docx"))
    assert [r.code for r in docx_result.records] == [r.code for r in forms]
    assert [r.seq for r in docx_result.records] == [1, 2, 3]
    assert [r.source.table_start for r in docx_result.records] == [1, 2, 3]
    stacked = read_declarations(render_xlsx(forms, tmp_path / "stacked.xlsx", stacked=True)).records
    assert [[indicator_row(i) for i in r.indicators] for r in stacked] == \
        [[indicator_row(i) for i in r.indicators] for r in forms]
    ranges = [r.source.cells for r in stacked]
    assert len(set(ranges)) == MULTI and all(r.source.sheet == "申报表1" for r in stacked)


def test_a_single_form_pdf_has_no_toc_and_says_so(tmp_path, by_name):
    original = by_name["计量业务专项经费"]
    result = read_declarations(render_pdf([original], tmp_path / "one.pdf"))
    (record,) = result.records
    assert (record.code, record.amount_yuan, record.section) == (original.code, original.amount_yuan, None)
    assert [indicator_row(i) for i in record.indicators] == [indicator_row(i) for i in original.indicators]
    assert any("没有目录" in m for m in result.messages)


def test_a_code_repeated_on_another_sheet_is_flagged(tmp_path, records):
    twice = [records[0], records[0].model_copy(update={"name": "同编号的另一张表"})]
    result = read_declarations(render_xlsx(twice, tmp_path / "twice.xlsx"))
    assert any("重复" in w and "申报表1" in w for w in result.records[1].warnings)
    assert any("twice.xlsx" in m and "重复" in m for m in result.messages)


def test_title_with_the_year_in_it(tmp_path, records):
    import docx

    path = render_docx([records[0]], tmp_path / "titled.docx")
    document = docx.Document(str(path))
    document.paragraphs[0].text = "2022年度项目支出绩效目标申报表"
    document.paragraphs[1].text = ""
    document.save(path)
    (record,) = read_declarations(path).records
    assert (record.year, record.code) == (2022, records[0].code)


def test_the_text_extract_reads_as_before(records):
    from corpus import BUNDLED_CORPUS

    result = read_declarations(BUNDLED_CORPUS)
    assert [r.model_dump() for r in result.records] == [r.model_dump() for r in records]


# ---------------------------------------------------------------- bad files


def _error(path: Path) -> str:
    with pytest.raises(CorpusError) as caught:
        read_declarations(path)
    message = str(caught.value)
    assert path.name in message and "请" in message, message  # which file, and what to do
    return message


def test_scanned_pdf_without_a_text_layer(tmp_path):
    from PIL import Image, ImageDraw
    from reportlab.pdfgen import canvas

    scan = tmp_path / "scan.png"
    image = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(image).rectangle((50, 50, 550, 300), outline=0, width=3)
    image.save(scan)
    path = tmp_path / "scanned.pdf"
    page = canvas.Canvas(str(path))
    page.drawImage(str(scan), 0, 0, width=595, height=842)
    page.save()
    assert "没有文字层" in _error(path)


def test_encrypted_pdf(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    page = canvas.Canvas(str(path), encrypt=StandardEncryption("secret"))
    page.drawString(100, 700, "locked")
    page.save()
    assert "已加密" in _error(path)


def test_truncated_pdf(tmp_path, rendered):
    data = rendered["pdf"][0].read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 3])
    assert "损坏" in _error(path)


def test_spreadsheet_that_is_not_a_declaration(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "部门", "金额"])
    workbook.active.append(["张三", "财政局", 100])
    path = tmp_path / "payroll.xlsx"
    workbook.save(path)
    assert "没有找到申报表" in _error(path)


def test_word_file_that_is_not_a_declaration(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("关于召开会议的通知")
    document.add_table(rows=2, cols=2).cell(0, 0).text = "时间"
    path = tmp_path / "notice.docx"
    document.save(path)
    assert "没有找到申报表" in _error(path)


def test_pdf_with_text_but_no_form(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "letter.pdf"
    page = canvas.Canvas(str(path))
    page.drawString(100, 700, "Dear colleagues, the meeting is on Monday.")
    page.save()
    assert "没有找到申报表" in _error(path)


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_truncated_word_and_excel_files(fmt, tmp_path, records):
    whole = (render_docx if fmt == "docx" else render_xlsx)([records[0]], tmp_path / f"whole.{fmt}")
    data = whole.read_bytes()
    path = tmp_path / f"cut.{fmt}"
    path.write_bytes(data[: len(data) // 2])
    message = _error(path)
    assert "无法作为" in message and ("Word" if fmt == "docx" else "Excel") in message


def test_a_renamed_file_of_another_kind(tmp_path):
    path = tmp_path / "really-text.docx"
    path.write_text("项目支出绩效目标申报表", encoding="utf-8")
    assert "无法作为 Word 文件打开" in _error(path)


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
def test_form_missing_its_name_or_code_says_which(fmt, tmp_path, records):
    no_code = records[1].model_copy(update={"code": ""})
    no_name = records[2].model_copy(update={"name": ""})
    render = {"docx": render_docx, "xlsx": render_xlsx, "pdf": render_pdf}[fmt]
    message = _error(render([records[0], no_code, no_name], tmp_path / f"gaps.{fmt}"))
    assert f"“{records[1].name}”" in message and "缺少项目编号" in message
    assert "第 3 张申报表" in message and "缺少项目名称" in message
    assert records[0].name not in message


def test_unsupported_and_missing_files(tmp_path):
    old_word = tmp_path / "form.doc"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "另存为 .docx" in _error(old_word)
    assert "不支持" in _error(tmp_path / "form.odt")
    with pytest.raises(CorpusError, match="文件不存在"):
        read_declarations(tmp_path / "absent.xlsx")


def test_layout_merges_each_level_block(records):
    """The renderer merges each run of one 一级/二级 into one cell, as the forms print them."""
    form = layout(records[0])
    level1 = [span for (r, c), span in form.indicators.cells.items() if c == 1 and span.text != "一级指标"]
    assert [s.text for s in level1] == ["产出指标", "效益指标", "满意度指标"]
    assert sum(s.rows for s in level1) == len(records[0].indicators)
