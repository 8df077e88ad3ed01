"""Drafting: suggestions from similar projects, every check with a triggering and a clean draft, export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from app.cli import main as cli
from app.drafting import (
    EXPORT_COLUMNS,
    Draft,
    DraftError,
    DraftIndicator,
    check_indicators,
    corpus_report,
    parse_draft,
    suggest,
    table_rows,
    to_csv,
    to_xlsx,
)
from corpus import labels as L

CLEAN = [
    ("产出指标", "数量指标", "采购设备数量", "30 台"),
    ("产出指标", "质量指标", "设备验收合格率", "100%"),
    ("产出指标", "时效指标", "采购完成时间", "2021 年 10 月底前"),
    ("产出指标", "成本指标", "设备采购成本", "≤50 万元"),
    ("效益指标", "社会效益指标", "检测能力覆盖项目数", "新增 20 项"),
    ("满意度指标", "服务对象满意度指标", "送检企业满意度", "≥95%"),
]


def rows(spec):
    return [DraftIndicator(level1=a, level2=b, name=c, value=d) for a, b, c, d in spec]


def rules(findings):
    return {f.rule for f in findings}


def test_clean_draft_passes_every_check():
    assert check_indicators(rows(CLEAN), amount_yuan=500_000) == []


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (lambda t: [r for r in t if r[0] != "满意度指标"], "missing_level1"),
        (lambda t: [r for r in t if r[1] != "成本指标"], "missing_level2"),
        (lambda t: t[:1] + [("产出指标", "质量指标", "设备验收合格率", "逐步提高")] + t[2:], "not_measurable"),
        (lambda t: t[:3] + [("产出指标", "成本指标", "设备采购成本", "80 万元")] + t[4:], "cost_inconsistent"),
        (lambda t: t[:2] + [("产出指标", "时效指标", "采购完成时间", "尽快")] + t[3:], "timeliness_without_date_or_rate"),
        (lambda t: t[:5] + [("满意度指标", "服务对象满意度指标", "送检企业满意度", "满意")], "satisfaction_not_rate"),
        (lambda t: t + [t[0]], "duplicate_row"),
        (lambda t: t + [("效益指标", "经济效益指标", "无", "")], "placeholder_row"),
    ],
)
def test_each_check_has_a_draft_that_triggers_it(change, rule):
    findings = check_indicators(rows(change(list(CLEAN))), amount_yuan=500_000)
    assert rule in rules(findings), [f.message for f in findings]
    for f in findings:
        assert f.message and ("第" in f.message or f.row == 0)


def test_findings_name_the_row_and_explain():
    findings = check_indicators(rows(CLEAN[:2] + [("产出指标", "时效指标", "采购完成时间", "尽快")] + CLEAN[3:]), 500_000)
    (f,) = findings
    assert f.row == 3 and "第 3 行“采购完成时间”" in f.message and "日期" in f.message


def test_suggestions_come_from_similar_projects_and_cover_the_framework(index, by_name):
    draft = Draft(name="检测设备购置", description="购置食品检验检测仪器设备，提升检验检测能力", amount_yuan=600_000)
    result = suggest(index, draft)
    similar = [s["name"] for s in result.similar]
    assert "专用设备购置费" in similar[:3] and all(s["why"] for s in result.similar)
    levels = {i.level1 for i in result.indicators}
    assert levels == set(L.LEVEL1_ORDER)
    assert {"数量指标", "质量指标", "时效指标", "成本指标", "服务对象满意度指标"} <= {i.level2 for i in result.indicators}
    cost = [i for i in result.indicators if i.level2 == "成本指标"]
    assert cost and all(i.value.startswith("≤") for i in cost)
    for i in result.indicators:
        assert i.support == len(i.sources)
        assert all(code in index.by_code for code in i.sources)


def test_near_duplicate_names_are_merged(index):
    result = suggest(index, Draft(description="购买办公电脑、打印机和办公家具"))
    names = [i.name for i in result.indicators]
    quality = [n for n in names if "验收合格率" in n]
    assert len(quality) <= 1, names
    merged = [i for i in result.indicators if i.support > 1]
    assert merged, "indicators used by several similar projects carry their support"


def test_satisfaction_value_is_a_rate_from_similar_projects(index):
    result = suggest(index, Draft(description="污水处理厂运营补贴"))
    satisfaction = [i for i in result.indicators if i.level2 == "服务对象满意度指标"]
    assert satisfaction and "%" in satisfaction[0].value


def test_export_in_the_forms_column_order(index, tmp_path):
    result = suggest(index, Draft(description="农产品品牌宣传推广"))
    table = table_rows(result.indicators, {r.code: r.name for r in index.records})
    path = tmp_path / "out.xlsx"
    to_xlsx(table, path)
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == list(EXPORT_COLUMNS)
    assert sheet.max_row == len(table) + 1
    parsed = list(csv.reader(io.StringIO(to_csv(table))))
    assert parsed[0] == list(EXPORT_COLUMNS) and parsed[1] == table[0]


def test_bad_drafts_get_clear_messages():
    with pytest.raises(DraftError, match="description"):
        parse_draft({"name": "只有名称"})
    with pytest.raises(DraftError, match="amount_yuan"):
        parse_draft({"description": "x", "amount_yuan": -5})
    with pytest.raises(DraftError, match="不能为空"):
        parse_draft({"description": "   "})


def test_cli_suggest_json_contract_and_exports(home, tmp_path, capsys, monkeypatch):
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps({"description": "采购检测设备", "amount_yuan": 300000,
                                 "indicators": [{"level1": "产出指标", "level2": "时效指标", "name": "完成时间", "value": "尽快"}]},
                                ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("JIXIAO_HOME", str(home))
    xlsx, csv_path = tmp_path / "s.xlsx", tmp_path / "s.csv"
    assert cli(["suggest", "--file", str(draft), "--json", "--xlsx", str(xlsx), "--csv", str(csv_path)]) == 0
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(data) == {"similar", "indicators", "checks"}
    assert set(data["similar"][0]) == {"code", "name", "score"}
    assert set(data["indicators"][0]) == {"level1", "level2", "name", "value", "support", "sources"}
    assert {c["rule"] for c in data["checks"]} >= {"timeliness_without_date_or_rate", "missing_level1"}
    assert xlsx.exists() and csv_path.read_text(encoding="utf-8-sig").startswith("一级指标")


def test_cli_suggest_rejects_bad_input(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit, match="不是合法的 JSON"):
        cli(["suggest", "--file", str(bad)])
    empty = tmp_path / "empty.json"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(SystemExit, match="为空"):
        cli(["suggest", "--file", str(empty)])
    with pytest.raises(SystemExit, match="description"):
        no_description = tmp_path / "nodesc.json"
        no_description.write_text('{"name": "x"}', encoding="utf-8")
        cli(["suggest", "--file", str(no_description)])


def test_corpus_report(records):
    report = corpus_report(records)
    assert report["forms_checked"] == 100
    assert report["per_rule"]["missing_level1"] >= 2  # 仲裁经费 2 and 严重精神障碍… have no 满意度指标
    names = {f["name"] for f in report["forms"] if any(x["rule"] == "missing_level1" for x in f["findings"])}
    assert {"仲裁经费 2", "严重精神障碍患者长效管理（含强制医疗执行）"} <= names
    traffic = next(f for f in report["forms"] if f["name"] == "道路交通管理业务经费")
    assert any(x["rule"] == "cost_inconsistent" for x in traffic["findings"])


def test_chat_answers_drafting_questions(index):
    from app.answer import Answerer

    answer, _ = Answerer(index).ask("采购检测设备的项目，三级指标一般设哪些？")
    assert answer.kind == "suggest" and not answer.refused
    assert {"产出指标", "效益指标", "满意度指标"} <= {row["一级指标"] for row in answer.table}
    assert answer.citations and "来源：" in answer.answer
