"""The parser on the real corpus and on minimal fixtures for each layout quirk and bad input."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from app.cli import main as cli
from corpus import CorpusError, parse_files, parse_text
from corpus import labels as L
from corpus.parse import read_text
from tests.forms import document, form

# ---------------------------------------------------------------- the real corpus


def test_one_record_per_form_in_document_order(records):
    assert len(records) == 100
    assert [r.seq for r in records] == list(range(1, 101))
    assert all(r.year == 2021 for r in records)


def test_sections_come_from_the_table_of_contents(records):
    counts = Counter(r.section for r in records)
    assert counts == {
        "工贸科": 9,
        "行政事业资产科": 4,
        "行政政法科": 19,
        "教科文科": 24,
        "经济建设科": 16,
        "农业农村科": 9,
        "社会保障科": 16,
        "债务金融科": 1,
        "综合科": 2,
    }


def test_every_form_has_its_metadata(records):
    for r in records:
        assert r.name and r.code and r.department and r.unit and r.contact, r.seq
        assert r.amount_yuan and r.amount_yuan > 0, r.seq
        assert r.start_date and r.end_date and r.start_date <= r.end_date, r.seq
        assert r.basis and r.overview and r.goal_annual, r.seq
        assert r.source.line_start < r.source.line_end


def test_numbers_and_text_exactly_as_printed(by_name):
    r = by_name["计量业务专项经费"]
    assert r.code == "12900420212629"
    assert r.amount_yuan == 6657000.0
    assert r.phone == "0635-7100008"
    assert r.department == "聊城市市场监督管理局" and r.department_code == "129"
    assert r.project_type == "经常性项目" and r.category == "业务类项目支出"
    assert (r.start_date, r.end_date) == ("2021-01-01", "2021-12-31")
    cost = next(i for i in r.indicators if i.level2 == "成本指标")
    assert (cost.name, cost.value_annual) == ("成本控制", "665.7 万元")
    assert "预算计量业务项目支出 665.7 万元" in r.basis


def test_columns_shifted_in_the_header(by_name):
    r = by_name["公共资源交易业务模块升级"]  # an extra blank column before 项目分类
    assert r.category == "资本类项目支出"
    assert r.department_code == "103"
    assert [s.amount_yuan for s in r.schedule] == [0, 475000, 0, 285000, 190000]


def test_latex_and_html_are_turned_into_text(by_name, records):
    r = by_name["公共资源交易业务模块升级"]
    values = {i.name: i.value_annual for i in r.indicators}
    assert values["系统验收合格率"] == "≥ 97%"
    assert values["业务模块开发成本"] == "≤ 33 万元"
    for rec in records:
        blob = rec.model_dump_json()
        assert "<p>" not in blob and "</p>" not in blob and "\\\\geq" not in blob and "$" not in blob


def test_cjk_words_broken_by_spaces_are_joined(by_name):
    r = by_name["数字聊城规划、项目论证、咨询和宣传培训类项目"]
    names = [i.name for i in r.indicators]
    # the two columns break this name differently; both read the same once joined
    assert "2021 年信息系统项目评审报告" in names
    assert "十四五数字规划报告" in names


def test_level1_follows_the_framework_not_the_misplaced_text(records, by_name):
    for r in records:
        for i in r.indicators:
            if i.level2:
                assert L.LEVEL2_TO_LEVEL1[i.level2] == i.level1, (r.seq, i)
            assert i.level1 in L.LEVEL1_ORDER
    first = by_name["办公设备购置费用"]
    levels = {i.name: (i.level1, i.level2) for i in first.indicators}
    assert levels["采购成本"] == ("产出指标", "成本指标")  # printed beside 效益指标
    assert levels["使用时间"] == ("效益指标", "可持续影响指标")  # printed beside 满意度指标


def test_split_and_garbled_level2_labels(records, by_name):
    # "可持 续影 响指 标" split by spaces
    kindergarten = by_name["聊城市实验幼儿园生均公用经费"]
    assert any(i.level2 == "可持续影响指标" and "学前教育的认可度" in i.name for i in kindergarten.indicators)
    # "社会效益" / "指标" split by a page break; the row after the break stays 社会效益
    talents = by_name["校地共建高层次人才建设专项"]
    row = next(i for i in talents.indicators if i.name == "县乡村区域经济发展规划")
    assert (row.level1, row.level2, row.value_annual) == ("效益指标", "社会效益指标", "5项")


def test_name_cut_by_page_break_and_value_spilled_to_next_line(records, by_name):
    monitoring = next(r for r in records if any(i.name == "成果公布时间" for i in r.indicators))
    assert not any(i.name == "间" for i in monitoring.indicators)
    entrepreneurs = by_name["业务工作经费 5: 聊城市企业家素质提升工程工作经费"]
    sat = next(i for i in entrepreneurs.indicators if i.name == "参训人员满意度")
    assert (sat.level1, sat.value_annual) == ("满意度指标", "80%")


def test_placeholder_rows_are_not_indicators(records):
    for r in records:
        for i in r.indicators:
            assert i.name.replace(" ", "") not in L.PLACEHOLDER_NAMES, (r.seq, i)


def test_schedule_label_split_over_lines(by_name):
    r = by_name["经营费用"]  # "项目实施进度计" / "划"
    assert [(s.content, s.amount_yuan) for s in r.schedule] == [("经营支出", 13050000.0)]


def test_form_inconsistencies_are_kept_and_flagged(by_name, records):
    shanshan = by_name["山陕会馆日常维修维护运行经费"]
    assert shanshan.schedule[0].amount_yuan == 173.75  # printed in 万元; kept as printed
    assert any("实施进度计划金额合计" in w for w in shanshan.warnings)
    traffic = by_name["道路交通管理业务经费"]
    assert any("高于项目金额" in w for w in traffic.warnings)
    long_codes = [r for r in records if len(r.code) == 17]
    assert len(long_codes) == 3 and all(any("14 位" in w for w in r.warnings) for r in long_codes)
    coded = by_name["人事考试标准化考点"]
    assert (coded.category, coded.project_type) == ("01", "04")
    assert any("代码" in w for w in coded.warnings)
    assert by_name["聊城市实验幼儿园生均公用经费"].category is None


def test_cost_values_are_money_only_with_a_currency_unit_or_bare():
    from corpus.parse import cost_in_yuan

    assert cost_in_yuan("≤ 33 万元") == 330_000
    assert cost_in_yuan("1425.58万元") == 14_255_800
    assert cost_in_yuan("700500") == 700_500
    assert cost_in_yuan("286000元") == 286_000
    assert cost_in_yuan("7 天") is None and cost_in_yuan("10人") is None and cost_in_yuan("≤10%") is None


def test_every_record_has_all_three_level1_or_a_warning(records):
    for r in records:
        present = {i.level1 for i in r.indicators}
        for level1 in L.LEVEL1_ORDER:
            assert level1 in present or any(level1 in w for w in r.warnings), (r.seq, level1)


# ---------------------------------------------------------------- fixtures: layout quirks


def test_minimal_form_parses():
    result = parse_text(form(), "f.txt")
    (r,) = result.records
    assert r.name == "测试项目" and r.basis == "测算依据文本"
    assert [(i.level2, i.name, i.value_annual) for i in r.indicators][0] == ("数量指标", "采购数量", "10 台")
    assert r.goal_longterm == "长期目标文本" and r.goal_annual == "年度目标文本"
    assert r.warnings == []


def test_value_spilled_and_two_level2_labels_on_one_row():
    table = (
        "绩效指标\t产出指标\t数量指标\t采购数量\t\t采购数量\t10 台\t\n"
        "\t\t质量指标\t验收合格率\t\t验收合格率\t100%\t\n"
        "\t\t时效指标\t完成及时率\t\t完成及时率\t100%\t\n"
        "\t\t成本指标\t采购成本\t\t采购成本\t10 万元\t\n"
        "\t效益指标\t社会效益指标\t经济效益指标\t——\t——\t——\t——\n"
        "\t\t社会 效益 指标\t服务 能力\t\t服务能 力\t提升\t\n"
        "\t满意度指标\t服务对象满意度指标\t满意度\t满意度\t\t\n"
        "\t\t\t\t\t90%\t\t\n"
    )
    (r,) = parse_text(form(table=table), "f.txt").records
    rows = [(i.level1, i.level2, i.name, i.value_annual) for i in r.indicators]
    assert ("效益指标", "社会效益指标", "服务能力", "提升") in rows
    assert ("满意度指标", "服务对象满意度指标", "满意度", "90%") in rows
    assert not any(name == "——" for _, _, name, _ in rows)


def test_cost_above_amount_and_schedule_mismatch_are_warned_not_corrected():
    (r,) = parse_text(form(amount="50000.00", schedule="40000"), "f.txt").records
    assert r.amount_yuan == 50000.0 and r.schedule[0].amount_yuan == 40000.0
    assert any("实施进度计划金额合计" in w for w in r.warnings)
    assert any("采购成本" in w and "高于项目金额" in w for w in r.warnings)


# ---------------------------------------------------------------- fixtures: bad input


def test_gb18030_file_is_decoded(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(form().encode("gb18030"))
    text, notes = read_text(path)
    assert "测试项目" in text and "GB18030" in notes[0]
    assert parse_files([path]).records[0].name == "测试项目"


def test_undecodable_file_is_reported(tmp_path):
    path = tmp_path / "bin.txt"
    path.write_bytes(b"\xff\xfe\x00\x81\x30" * 50 + b"\x80")
    result = parse_files([path])
    assert result.records == []
    assert "bin.txt" in result.messages[0] and "UTF-8" in result.messages[0]


def test_empty_and_formless_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(CorpusError, match="文件为空"):
        read_text(empty)
    with pytest.raises(CorpusError, match="没有找到任何申报表"):
        parse_text("just some text\n", "plain.txt")


def test_truncated_form_still_yields_a_record_with_warnings():
    text = form(name="完整项目") + "\n\n" + form(name="截断项目").split("项目金额(元)")[0]
    result = parse_text(text, "t.txt")
    assert [r.name for r in result.records] == ["完整项目", "截断项目"]
    cut = result.records[1]
    assert any("绩效指标表" in w for w in cut.warnings)
    assert any("项目金额" in w for w in cut.warnings)


def test_form_missing_fields_is_flagged():
    text = form().replace("项目编号\t99900120210001\t\t\n", "").replace("主管部门\t聊城市测试局\t主管部门编号\t999\n", "")
    (r,) = parse_text(text, "m.txt").records
    assert r.code == "" and any("缺少项目编号" in w for w in r.warnings)
    assert any("缺少主管部门" in w for w in r.warnings)


def test_table_of_contents_is_cross_checked():
    text = document(form(name="甲项目"), form(name="乙项目"), toc=[("工贸科", ["甲项目", "丙项目", "丁项目"])])
    result = parse_text(text, "toc.txt")
    assert result.records[0].section == "工贸科"
    assert result.records[1].section is None
    joined = "\n".join(result.messages)
    assert "目录列出 3 个项目，正文有 2 张申报表" in joined
    assert "乙项目" in joined and "丁项目" in joined


# ---------------------------------------------------------------- the command


def test_cli_parse_writes_jsonl_with_the_contract_fields(tmp_path, capsys):
    out = tmp_path / "records.jsonl"
    assert cli(["parse", "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 100
    record = json.loads(lines[0])
    for key in (
        "seq year section name code category department department_code unit contact phone project_type "
        "start_date end_date amount_yuan basis overview legal_basis feasibility schedule goal_longterm "
        "goal_annual indicators source warnings"
    ).split():
        assert key in record
    assert set(record["indicators"][0]) >= {"level1", "level2", "name", "value_annual", "value_longterm", "note"}
    assert set(record["source"]) == {"file", "line_start", "line_end"}


def test_cli_parse_out_has_the_mode_a_new_file_gets(tmp_path):
    """Readable by others as the umask allows (0644 under 022), not mkstemp's private 0600."""
    import os

    out = tmp_path / "records.jsonl"
    old = os.umask(0o022)
    try:
        assert cli(["parse", "--out", str(out)]) == 0
        assert out.stat().st_mode & 0o777 == 0o644
        os.umask(0o027)
        assert cli(["parse", "--out", str(out)]) == 0  # replaced by a new file: the new umask applies
        assert out.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_cli_keeps_going_past_a_bad_file_and_fails_only_when_nothing_parsed(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(form(), encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert cli(["parse", "--corpus", str(bad), "--corpus", str(good), "--out", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    assert "bad.txt" in capsys.readouterr().err
    # nothing parseable: non-zero exit, and the earlier output is not destroyed
    assert cli(["parse", "--corpus", str(bad), "--out", str(out)]) == 1
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    assert "没有解析出任何申报表" in capsys.readouterr().err


def test_two_level2_labels_on_one_row_the_merged_one_carries_on(by_name):
    r = by_name["住房公积金业务系统升级"]  # "质量指标  数量指标  采购服务" then unlabelled quality rows
    levels = [(i.level2, i.name) for i in r.indicators[:3]]
    assert levels == [("数量指标", "采购服务"), ("质量指标", "采购质量合格情况"), ("质量指标", "系统验收合格率")]
