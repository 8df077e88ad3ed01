"""Drafting: suggestions from similar projects, every check with a triggering and a clean draft, export."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from app.cli import main as cli
from app.drafting import (
    EXPORT_COLUMNS,
    Draft,
    DraftError,
    DraftIndicator,
    DraftingDataError,
    SuggestedIndicator,
    Suggestion,
    _agreed_nearest,
    _ranked,
    _fill_from_draft,
    _fill_targets,
    _make_checkable,
    _rates_into_rows,
    _reference_value,
    check_indicators,
    corpus_report,
    drafting_data,
    extract_quantities,
    extract_targets,
    parse_draft,
    suggest,
    table_rows,
    to_csv,
    to_xlsx,
    validate_drafting_data,
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
    # one row carries the amount; other cost rows are left to fill, never an even split of it
    assert [i.value for i in cost].count("≤60万元") == 1
    assert all(i.value == "≤60万元" or i.value.startswith("待填") for i in cost), [i.value for i in cost]
    for i in result.indicators:
        assert i.support == len(i.sources)
        assert all(code in index.by_code for code in i.sources)


def test_near_duplicate_names_are_merged(index):
    result = suggest(index, Draft(description="购买办公电脑、打印机和办公家具"))
    names = [i.name for i in result.indicators]
    quality = [n for n in names if "验收合格率" in n]
    assert len(quality) <= 1, names
    # a close draft no one form leads in search, meaning and title alike draws on several forms
    result = suggest(index, Draft(description="部门业务运转经费"))
    assert result.precedent == "close" and result.followed is None
    assert [i for i in result.indicators if i.support > 1], "indicators used by several similar projects carry their support"
    # one that all three put nearest the same form follows that form alone
    result = suggest(index, Draft(description="污水处理厂日常运行经费"))
    assert result.precedent == "close"
    assert result.followed and {c for i in result.indicators for c in i.sources} == {result.followed["code"]}


def test_satisfaction_value_is_a_rate_from_similar_projects(index):
    result = suggest(index, Draft(description="污水处理厂运营补贴"))
    satisfaction = [i for i in result.indicators if i.level2 == "服务对象满意度指标"]
    assert satisfaction and "%" in satisfaction[0].value


def test_export_in_the_forms_column_order(index, tmp_path):
    result = suggest(index, Draft(description="推广本地农产品品牌，办展会做宣传"))
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
    assert set(data) == {"precedent", "followed", "similar", "indicators", "checks"}
    assert data["precedent"] in ("close", "partial", "none")
    assert set(data["similar"][0]) == {"code", "name", "score"}
    assert set(data["indicators"][0]) == {"level1", "level2", "name", "value", "support", "sources", "origin"}
    assert {i["origin"] for i in data["indicators"]} <= {"similar", "corpus", "framework"}
    assert {c["rule"] for c in data["checks"]} >= {"timeliness_without_date_or_rate", "missing_level1"}
    assert xlsx.exists() and csv_path.read_text(encoding="utf-8-sig").startswith("一级指标")
    book = load_workbook(xlsx)
    assert [c.value for c in book["绩效指标"][1]][-1] == "来源"
    assert {row[-1] for row in book["绩效指标"].iter_rows(min_row=2, values_only=True)} <= {"相近项目", "往年同类指标", "指标框架"}
    assert book["说明"]["A1"].value.startswith(f"往年先例：{data['precedent']}")


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

    answer, _ = Answerer(index).ask("添置检测仪器的项目，绩效指标一般怎么设？")
    assert answer.kind == "suggest" and not answer.refused
    assert {"产出指标", "效益指标", "满意度指标"} <= {row["一级指标"] for row in answer.table}
    assert answer.citations and "来源：" in answer.answer


# ---------------------------------------------------------------- drafts without a close precedent (issue 14)

NEW_KINDS = [
    Draft(name="城市口袋公园建设", description="在老城区新建口袋公园 8 处，铺设透水步道 1.5 公里，项目资金 600 万元", amount_yuan=6_000_000),
    Draft(name="农村独居老人应急呼叫服务", description="为 2,000 户农村独居老人安装应急呼叫终端，提供 24 小时响应服务，资金 80 万元"),
    Draft(name="中小学课后托管补助", description="对 35 所学校开展课后延时托管服务给予补助，惠及学生 1.2 万人，每生每学期补助 300 元"),
]
KNOWN_KINDS = [
    Draft(name="市检验所购置检测仪器", description="购置液相色谱仪等检测仪器 12 台，提高食品检验能力，资金 260 万元", amount_yuan=2_600_000),
    Draft(description="向家庭困难的幼儿园在园幼儿发放学前教育助学金，预计 3,000 人，每生每年 1,000 元"),
]


def _target_rejections(targets: dict[str, tuple[str, str]], amount=None):
    """What the checks say of the rows these targets (name → (value, 二级)) would become."""
    rows = [DraftIndicator(level1="产出指标", level2=level2, name=name, value=value) for name, (value, level2) in targets.items()]
    return [f for f in check_indicators(rows, amount) if f.row]


def _own_rejections(result, amount):
    rows = [DraftIndicator(level1=i.level1, level2=i.level2, name=i.name, value=i.value) for i in result.indicators]
    return [f for f in check_indicators(rows, amount) if f.row and f.rule != "to_fill"]


def test_quantities_in_a_description_are_read_with_what_they_count():
    found = {q.name: q for q in extract_quantities("在 5 个街道安装智能垃圾桶 300 个，为 80 周岁以上老人服务，项目资金 90 万元，每户每月补贴 20 元")}
    assert found["街道数量"].value() == "5个", found
    assert found["安装智能垃圾桶"].value() == "300个"
    assert not any("周岁" in q.value() or q.number == 80 for q in found.values())
    money = [q for q in extract_quantities("项目资金 90 万元，每户每月补贴 20 元") if q.money]
    assert [(q.yuan, q.per) for q in money] == [(900_000, ""), (20, "每户每月")]
    assert money[1].value() == "20元/户/月"
    assert extract_quantities("每人每天培训费不超过 380 元")[0].value() == "≤380元/人/天"
    (q,) = extract_quantities("服务覆盖 1,000.5 万人")
    assert q.number == 1_000.5 and q.value() == "1,000.5万人"
    (q,) = extract_quantities("购置 2021 年 12 月前到货的检测车 3 辆")
    assert q.name == "检测车数量" and q.value() == "3辆"


def test_unit_costs_declines_and_monthly_days_in_a_description():
    # 每 before a list of cost items, and one unit priced "单台"
    (q,) = [q for q in extract_quantities("每台巡检、保养及耗材费用 450 元") if q.money]
    assert q.value() == "450元/台"
    (q,) = [q for q in extract_quantities("单台采购价不超过 6 万元") if q.money]
    assert q.value() == "≤6万元/台"
    targets = {t.name: t for t in extract_targets("群众投诉量同比下降 15%，设备完好率达到 100%，工资于每月 5 日前发放，接报后、2 小时内到场")}
    assert targets["群众投诉量下降幅度"].value == "≥15%"
    assert targets["设备完好率"].value == "100%"  # the ceiling, not "≥100%"
    assert any(t.value == "每月5日前" for t in targets.values()), targets
    assert any(t.value == "≤2小时" for t in targets.values()), targets


def test_a_unit_price_is_per_the_thing_counted_before_it():
    found = extract_quantities("安装路灯 260 盏，路灯单价不超过 2800 元；维修站点单价 5 万元")
    prices = [q for q in found if q.money]
    assert prices[0].value() == "≤2800元/盏", [q.value() for q in found]
    assert prices[1].object == "维修站点单价" and not prices[1].per


@pytest.mark.parametrize("draft", NEW_KINDS, ids=lambda d: d.name)
def test_a_new_kind_of_project_is_told_so_and_gets_framework_rows(index, draft):
    result = suggest(index, draft)
    assert result.precedent != "close"
    closeness = {s["code"]: s["similarity"] for s in result.similar}
    for i in result.indicators:
        assert i.origin in ("corpus", "framework")
        # a row from a past form only when that form shares the draft's words
        assert i.origin == "framework" or all(closeness.get(c, 1.0) >= drafting_data()["precedent"]["partial"] for c in i.sources)
    assert {"数量指标", "质量指标", "时效指标", "成本指标", "服务对象满意度指标"} <= {i.level2 for i in result.indicators}
    assert not _own_rejections(result, draft.amount_yuan)


@pytest.mark.parametrize("draft", NEW_KINDS + KNOWN_KINDS, ids=lambda d: d.name or d.description[:8])
def test_no_suggested_row_fails_the_tools_own_checks_and_rates_stay_within_100(index, draft):
    result = suggest(index, draft)
    assert not _own_rejections(result, draft.amount_yuan), [(i.name, i.value) for i in result.indicators]
    for i in result.indicators:
        assert all(float(x) <= 100 for x in __import__("re").findall(r"(\d+(?:\.\d+)?)\s*%", i.value)), i.value


def test_the_descriptions_numbers_fill_the_rows(index):
    result = suggest(index, NEW_KINDS[0])
    values = {i.name: i.value for i in result.indicators}
    assert "8处" in values.values() and "1.5公里" in values.values()
    # the whole cost goes to the row the library's forms use for it, "成本控制" in Liaocheng's
    assert values["成本控制"] == "≤600万元", values
    result = suggest(index, NEW_KINDS[2])
    values = [i.value for i in result.indicators]
    assert "35所" in values and "1.2万人" in values and "300元/生/学期" in values


def test_cost_is_never_split_evenly_across_cost_rows(index):
    draft = Draft(description="公共资源交易平台业务模块升级、平台对接、安全加固和驻场维护", amount_yuan=1_000_000)
    result = suggest(index, draft)
    costs = [i for i in result.indicators if i.level2 == "成本指标"]
    assert len(costs) > 1
    assert [i.value for i in costs].count("≤100万元") == 1
    assert all(i.value == "≤100万元" or i.value.startswith("待填") or "/" in i.value for i in costs), [i.value for i in costs]


def test_a_close_precedent_still_gives_its_own_indicators(index):
    result = suggest(index, KNOWN_KINDS[0])
    assert result.precedent == "close"
    similar_rows = [i for i in result.indicators if i.origin == "similar"]
    assert len(similar_rows) >= 5 and all(i.sources for i in similar_rows)
    assert any("12台" == i.value for i in result.indicators)


def test_precedent_message_and_plain_check_messages_in_cli_text(home, tmp_path, capsys, monkeypatch):
    draft = tmp_path / "park.json"
    draft.write_text(json.dumps({"name": "城市口袋公园建设", "description": "在老城区新建口袋公园 8 处，项目资金 600 万元",
                                 "indicators": [{"level1": "产出指标", "level2": "质量指标", "name": "绿地养护质量", "value": "有效提升"}]},
                                ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("JIXIAO_HOME", str(home))
    assert cli(["suggest", "--file", str(draft)]) == 0
    out = capsys.readouterr().out
    assert "没有找到相近的往年项目，以下按指标框架给出" in out
    assert "指标框架" in out and "无法衡量" in out
    assert "not_measurable" not in out and "[" not in out.split("草稿检查")[1]


def test_drafting_data_is_validated():
    good = json.loads(__import__("importlib.resources").resources.files("app").joinpath("data/drafting.json").read_text(encoding="utf-8"))
    validate_drafting_data(good)
    with pytest.raises(DraftingDataError, match="partial"):
        validate_drafting_data(dict(good, precedent=dict(good["precedent"], partial=1.5)))
    model = good["precedent"]["model"]
    with pytest.raises(DraftingDataError, match="weights"):
        validate_drafting_data(dict(good, precedent=dict(good["precedent"], model=dict(model, weights=[1.0]))))
    with pytest.raises(DraftingDataError, match="close_probability"):
        validate_drafting_data(dict(good, precedent=dict(good["precedent"], model=dict(model, close_probability=1.2))))
    with pytest.raises(DraftingDataError, match="agreed_probability"):
        validate_drafting_data(dict(good, precedent={k: v for k, v in good["precedent"].items() if k != "agreed_probability"}))
    bad_kind = dict(good["kinds"][0], rows=[{"level2": "服务对象满意度指标", "name": "群众满意度", "value": "满意"}])
    with pytest.raises(DraftingDataError, match="reject"):
        validate_drafting_data(dict(good, kinds=[bad_kind]))
    with pytest.raises(DraftingDataError, match="二级"):
        validate_drafting_data(dict(good, common_rows=[{"level2": "效果指标", "name": "x", "value": "1"}]))
    with pytest.raises(DraftingDataError, match="unplaced.background_pattern"):
        validate_drafting_data(dict(good, unplaced=dict(good["unplaced"], background_pattern="已(")))
    with pytest.raises(DraftingDataError, match="unplaced.skip_units"):
        validate_drafting_data(dict(good, unplaced=dict(good["unplaced"], skip_units="岁")))
    with pytest.raises(DraftingDataError, match="dimension_words"):
        validate_drafting_data(dict(good, dimension_words={"宽": ""}))


def test_to_fill_rows_are_reminders_and_unit_prices_are_not_summed():
    spec = CLEAN[:3] + [("产出指标", "成本指标", "设备采购成本", "≤50 万元"), ("产出指标", "成本指标", "单台检测成本", "≤2000元/台")] + CLEAN[4:]
    assert check_indicators(rows(spec), amount_yuan=500_000) == []
    findings = check_indicators(rows(CLEAN[:1] + [("产出指标", "质量指标", "合格率", "待填：写明比率")] + CLEAN[2:]), 500_000)
    assert [(f.rule, f.row) for f in findings] == [("to_fill", 2)] and "尚待填写" in findings[0].message
    findings = check_indicators(rows(CLEAN[:1] + [("产出指标", "质量指标", "设备验收合格率", "120%")] + CLEAN[2:]), 500_000)
    assert [f.rule for f in findings] == ["rate_over_100"]


def test_more_count_units_and_a_clause_after_the_number_names_nothing():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "计划完成加装电梯 80 部，建设管理平台 1 套并接入停车场 25 处，封闭牙齿 6,000 颗，开展 12 个月维保")}
    assert found["80部"].name == "加装电梯"
    assert found["1套"].name == "建设管理平台" and "停车场" in found["25处"].name
    assert "6,000颗" in found and found["12个月"].unit == "个月"


def test_promised_rates_and_time_limits_are_read():
    targets = {t.name: t for t in extract_targets(
        "病死畜禽无害化处理率达到 95% 以上，群众投诉 24 小时内办结，验收报告于 9 月底前出具")}
    assert targets["病死畜禽无害化处理率"].value == "≥95%" and targets["病死畜禽无害化处理率"].level2 == "生态效益指标"
    assert targets["群众投诉办结时间"].value == "≤24小时"
    assert targets["验收报告出具时间"].value == "9月底前"


def test_a_promised_rate_fills_its_row_and_a_time_limit_gets_one(index):
    draft = Draft(name="农村生活污水处理设施运维", amount_yuan=3_000_000,
                  description="对 40 个村的污水处理设施开展运行维护，出水达标率达到 90% 以上，故障 48 小时内修复，项目资金 300 万元。")
    values = {i.name: i.value for i in suggest(index, draft).indicators}
    assert "≥90%" in values.values() and "≤48小时" in values.values(), values
    assert "40个" in values.values()


def test_a_mined_row_about_another_subject_is_not_suggested(index):
    draft = Draft(name="秸秆资源化利用补助", amount_yuan=5_000_000,
                  description="支持 30 个合作社建设秸秆收储点，秸秆综合利用率达到 93% 以上，项目资金 500 万元。")
    result = suggest(index, draft)
    assert not [i for i in result.indicators if i.origin == "corpus" and "垃圾" in i.name], [i.name for i in result.indicators]


def test_deadlines_cost_items_and_per_unit_subsidies_are_read():
    targets = {t.name: t.value for t in extract_targets("补助资金分别于6月底前和12月底前分两次拨付到位，10月底前完成全部演出。")}
    assert targets == {"补助资金拨付时间": "6月底前、12月底前", "完成全部演出时间": "10月底前"}, targets
    quantities = extract_quantities("对 40 个社区给予运行补助，每个每年 3000 元。项目资金 30 万元，其中场地租赁费 12 万元。")
    per = next(q for q in quantities if q.per)
    assert per.object == "社区" and per.value() == "3000元/个/年"
    assert [q.object for q in quantities if q.money and not q.per and q.object] == ["场地租赁费"]


def test_stated_cost_items_become_cost_rows(index):
    draft = Draft(name="社区文化活动", amount_yuan=300_000,
                  description="全年组织社区文化活动 20 场，项目资金 30 万元，其中场地租赁费 12 万元、演出服务费 15 万元。")
    values = {i.name: i.value for i in suggest(index, draft).indicators if i.level2 == "成本指标"}
    assert values.get("场地租赁费") == "≤12万元" and values.get("演出服务费") == "≤15万元", values


def test_bare_unit_prices_per_items_bounded_times_and_approximate_counts_are_read():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "为各乡镇购置洒水车 3 辆，单价不超过 28 万元；另补栽行道树 600 株，每株 120 元；"
        "覆盖约 60 万城乡居民，服务 30 余家企业，每期培训 5 天，年发电量约 3000 万千瓦时；设备维保 1 年，费用 3 万元。")}
    assert found["28万元"].value() == "≤28万元/辆" and "洒水车" in found["28万元"].object
    assert found["120元"].object == "补栽行道树", found["120元"].object
    assert found["60万人"].object == "城乡居民" and "30家" in found and found["5天"].name.endswith("培训天数")
    assert "3000万千瓦时" in found and found["3万元"].object == "设备维保费用"
    targets = {t.name: t.value for t in extract_targets("热线接听后投诉响应时间不超过 20 分钟，10 天内完成整改")}
    assert "≤20分钟" in targets.values() and "≤10天" in targets.values(), targets


def test_rows_sharing_only_who_or_where_is_served_are_not_mined(index):
    draft = Draft(name="市直幼儿园空调更换", amount_yuan=480_000,
                  description="为 6 所市直幼儿园的活动室和午休室更换节能空调 120 台，每台不超过 4000 元，7 月底前安装完毕。项目资金 48 万元。")
    result = suggest(index, draft)
    assert result.precedent != "close"
    mined = [i for i in result.indicators if i.origin == "corpus"]
    assert not [i for i in mined if "生均" in i.name or "幼儿人数" in i.name], [(i.name, i.sources) for i in mined]
    values = [i.value for i in result.indicators]
    assert "120台" in values and "≤4000元/台" in values, values


def test_shares_prices_written_after_and_long_cost_items_are_read():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "污水处理服务费 0.95 元/吨按月拨付；按每人每天 5 元计算需 3000 万元，其中市级承担 10%，即 300 万元；"
        "另安排信息核查及社会化发放手续费 4.2 万元；补设警示标志 210 面；建设站点 6 个，每个补助 4 万元共 24 万元。")}
    assert found["0.95元"].value() == "0.95元/吨", found["0.95元"].value()
    assert found["300万元"].object == "市级承担资金" and found["4.2万元"].object == "信息核查及社会化发放手续费"
    assert "210面" in found and found["24万元"].object.endswith("费用合计")
    assert not found["3000万元"].object.startswith("每")
    targets = {t.name: t.value for t in extract_targets("其中市级承担 10%，即 300 万元")}
    assert targets.get("市级资金承担比例") == "10%", targets


def test_multi_character_units_after_mei_and_sums_after_a_rate_are_named():
    found = extract_quantities("铺设透水砖 0.8 万平方米，每平方米约 120 元，需 96 万元；采购快检试剂 2 万人份，约 60 万元")
    rate = next(q for q in found if q.per)
    assert rate.value() == "120元/平方米" and rate.object == "铺设透水砖"
    named = {q.number_text: q.object for q in found if q.money and not q.per}
    assert named == {"96": "铺设透水砖费用", "60": "采购快检试剂费用"}, named


def test_an_area_given_after_a_count_is_the_area_of_what_was_counted():
    found = {q.number_text + q.unit: q for q in extract_quantities("新建门球场 3 片共 0.2 万平方米")}
    assert found["3片"].object == "新建门球场" and found["0.2万平方米"].name == "新建门球场面积"


def test_a_length_or_width_written_alone_names_the_thing_it_measures():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "今年翻新篮球场一处，长 32 米、宽 19 米，计 608 平方米，每平方米 150 元。"
        "另铺设巡逻步道总长 420 米，宽 2.5 米；加固挡土墙高 3 米。")}
    assert found["32米"].name == "翻新篮球场长度" and found["19米"].name == "翻新篮球场宽度"
    assert found["608平方米"].name == "翻新篮球场面积"
    # the 长 and 总 written before a number are its measure, not part of the thing
    assert found["420米"].name == "铺设巡逻步道长度" and found["2.5米"].name == "铺设巡逻步道宽度"
    assert found["3米"].name == "加固挡土墙高度"
    # a length unit after a word merely ending in 长 keeps the old naming
    assert "长度" not in extract_quantities("延长巡查路线 30 公里")[0].name


def test_counts_after_a_list_prices_per_one_and_counts_in_a_place_unit_are_named():
    found = extract_quantities("采购水质分析仪、浊度仪等 5 台，每台均价 3 万元，需 15 万元；改造监控 40 个站点，每个站点 0.8 万元")
    names = [(q.number_text, q.object) for q in found]
    assert ("5", "浊度仪") in names and ("3", "浊度仪") in names, names
    assert ("40", "改造监控站点") in names and ("0.8", "改造监控站点") in names, names


def test_a_count_right_after_another_in_its_sentence_counts_the_same_thing():
    found = {q.number_text: q for q in extract_quantities("举办骨干培训 3 天，约 120 人，每人每天 200 元")}
    assert found["120"].name == "举办骨干培训人数" and found["200"].object == "举办骨干培训"


def test_a_rate_per_person_is_for_the_people_counted_in_its_sentence():
    found = extract_quantities("签约家庭 500 户，分布在 6 个县，按每户每月 30 元标准，全年需 18 万元；"
                               "聘用协管员 50 名，按每人每月 200 元标准，全年需 12 万元。")
    by_value = {q.value(): q.object for q in found if q.money}
    assert by_value["30元/户/月"] == "签约家庭" and by_value["200元/人/月"] == "聘用协管员", by_value
    assert by_value["18万元"].startswith("签约家庭") and by_value["12万元"].startswith("聘用协管员"), by_value
    (q, _) = [q for q in extract_quantities("为 2 名外国专家按 1:1 配套，每人 30 万元") if q.unit in ("名", "万元")]
    assert q.object == "外国专家", q


def test_a_subtotal_after_a_price_is_the_cost_of_what_was_priced():
    found = extract_quantities("为 40 所学校各安装净水设备 1 台，每台 2.5 万元，小计 100 万元；"
                               "举办食堂管理员培训 3 期、每期 60 人，费用 6 万元；"
                               "每次送检车辆费 0.2 万元、检测费 0.3 万元，小计 5 万元。")
    named = {q.number_text: q.object for q in found if q.money and not q.per}
    assert named["100"] == "安装净水设备费用", named
    # the 6 万元 is for the training, not for one of its sessions
    assert named["6"] == "举办食堂管理员培训费用", named
    # a subtotal of two prices listed together is not the cost of the second one alone
    assert named["5"] not in ("检测费", "检测费费用"), named
    assert named["5"] == "送检车辆费、检测费合计", named  # both, not the second price's words and numbers


def test_a_sum_stated_earlier_closes_what_a_later_share_is_for():
    found = extract_quantities("全年按 300 天计算需 900 万元，市级负担 25%，即 225 万元")
    assert {q.number_text: q.object for q in found if q.money}["225"] == "市级负担资金"


def test_a_count_with_only_a_verb_before_it_counts_what_the_sentence_treats():
    found = {q.number_text: q for q in extract_quantities(
        "对新认定的星级农家乐给予一次性奖补，计划认定 12 家，每家 2 万元，小计 24 万元。")}
    assert found["12"].name == "星级农家乐数量", found["12"].name
    assert found["24"].object == "星级农家乐费用", found["24"].object


def test_a_whole_year_total_after_a_daily_one_is_named_as_the_year():
    found = {q.number_text: q for q in extract_quantities("污泥日均产生约 80 吨，全年约 2.92 万吨")}
    assert found["2.92"].name == "全年污泥产生量", found["2.92"].name


def test_growth_amounts_pulled_zero_incidents_and_ceilings_are_read_as_targets():
    targets = {t.name: (t.value, t.level2) for t in extract_targets(
        "带动景区门票收入同比增长 8%；亩产提高 30 公斤；拉动社会投资不少于 500 万元；确保施工安全事故为 0；"
        "返修率控制在 3% 以内；培训后 6 个月内就业的比例达到 40%；补助于每季度首月 10 日前发放；"
        "分别于 5 月 15 日、10 月 15 日前完成两轮检查；展厅形象提升 12 万元")}
    assert targets["景区门票收入增长率"] == ("≥8%", "经济效益指标"), targets
    assert targets["亩产增加"] == ("≥30公斤", "经济效益指标"), targets
    assert targets["拉动社会投资"] == ("≥500万元", "经济效益指标"), targets
    assert targets["施工安全事故"][0] == "0", targets
    assert targets["返修率"][0] == "≤3%", targets
    assert targets["就业的比例"][0] == "≥40%", targets
    assert "每季度首月10日前" in [v for v, _ in targets.values()], targets
    quarterly = {t.name: t.value for t in extract_targets("保洁服务费按季度于季初 8 日前结算；台账按季于季末 25 日前报送")}
    assert quarterly == {"保洁服务费结算时间": "每季初8日前", "台账报送时间": "每季末25日前"}, quarterly
    assert "5月15日、10月15日前" in [v for v, _ in targets.values()], targets
    # a piece of work and its cost is not a growth target
    assert not any(v[0].endswith("万元") and "形象" in k for k, v in targets.items()), targets


def test_units_in_ten_thousands_and_per_batch_prices_keep_their_unit():
    found = {q.number_text: q for q in extract_quantities(
        "完成古籍目录著录 1.5 万条，每条 6 元，需 9 万元；完成农产品抽检 500 批次，每批次 0.04 万元，需 20 万元")}
    assert found["1.5"].unit == "万条" and found["6"].value() == "6元/条", found["6"].value()
    assert found["0.04"].value() == "0.04万元/批次" and found["0.04"].object.startswith("完成农产品抽检"), found["0.04"]


def test_a_long_cost_clause_is_named_by_what_is_done():
    found = {q.number_text: q for q in extract_quantities("委托专业机构开展满意度调查和年度绩效自评报告编制 8 万元。")}
    assert found["8"].object == "满意度调查和年度绩效自评报告编制费用", found["8"].object


def test_a_raised_rate_is_a_rise_and_months_without_a_deadline_are_a_schedule_not_a_deadline():
    targets = {t.name: t.value for t in extract_targets(
        "村民步行 10 分钟可达卫生室的比例提高 5 个百分点；月度报表上报率提升 2%；设备分 3 批于 4 月和 9 月到货；"
        "秋季班于 10 月按时开班；每年 3 月为植树月")}
    assert targets.get("可达卫生室的比例提高幅度") == "≥5个百分点", targets
    assert targets.get("月度报表上报率提高幅度") == "≥2%", targets
    # the months something is done in, with no 前 the description never wrote; a month alone is no target
    assert targets.get("设备到货时间") == "4月、9月", targets
    assert targets.get("秋季班开班时间") == "10月", targets
    assert not any("3月" in v for v in targets.values()), targets
    # a part of the month is part of the schedule; "计划" is not part of what is done
    parts = {t.name: t.value for t in extract_targets("宣讲活动于 5 月中旬启动；评估报告预计于 11 月底出具")}
    assert parts.get("宣讲活动启动时间") == "5月中旬", parts
    assert parts.get("评估报告出具时间") == "11月底", parts
    # a start and a deadline listed together: two rows
    both = {t.name: t.value for t in extract_targets("培训班于 4 月下旬开班、6 月底前结业")}
    assert both == {"培训班开班时间": "4月下旬", "结业时间": "6月底前"}, both


def test_two_rates_of_one_kind_stay_two_rows_and_a_rate_before_an_an_names_its_work():
    found = {q.number_text: q for q in extract_quantities(
        "引进首席专家 4 人，每人生活补贴 30 万元；引进青年骨干 50 人，每人生活补贴 8 万元。"
        "市直离休干部 120 人；年度体检按 600 元/人/年，计 7.2 万元。")}
    assert found["8"].counted == "引进青年骨干" and found["30"].counted == "引进首席专家", (found["8"], found["30"])
    assert found["600"].object == "年度体检" and found["7.2"].object == "年度体检费用", found["600"]


def test_a_sum_after_a_rate_written_with_measuring_words_is_its_cost():
    found = {q.number_text: q for q in extract_quantities(
        "翻新展厅 300 平方米，按每平方米 2000 元测算需 60 万元；每剂次服务补助 12 元；作业补助每亩 10 元，补助资金 50 万元")}
    assert found["60"].object == "翻新展厅费用", found["60"].object
    assert found["12"].value() == "12元/剂次", found["12"].value()
    assert found["50"].object, found["50"]


def test_time_gains_and_shortened_durations_are_targets():
    targets = {t.name: t.value for t in extract_targets("暴雨预警提前量提高 20 分钟；窗口平均办理时长缩短 15%")}
    assert targets.get("暴雨预警提前量增加") == "≥20分钟", targets
    assert targets.get("窗口平均办理时长下降幅度") == "≥15%", targets


def test_two_like_clauses_are_told_apart_by_the_words_opening_them(index):
    draft = Draft(name="2022年农村厕所改造", amount_yuan=4200000, description=(
        "其中，采用三格式化粪池改造的农户300户，每户改造费用1万元，计300万元；"
        "采用双瓮漏斗式改造的农户200户，每户改造费用0.6万元，计120万元。项目资金420万元。"))
    rows = {i.name: i.value for i in suggest(index, draft).indicators}
    values = set(rows.values())
    assert {"300户", "200户", "≤300万元", "≤120万元"} <= values, rows


def test_each_rate_goes_to_the_row_naming_what_it_is_for(index):
    draft = Draft(name="2022年市直高龄老人津贴", amount_yuan=1_272_000,
                  description="为市直单位高龄老人按月发放津贴：80-89 周岁约 2600 人，每人每月发 30 元；"
                              "90-99 周岁约 280 人，每人每月发 100 元。合计 127.2 万元。")
    rows = {i.name: i.value for i in suggest(index, draft).indicators if i.level2 == "成本指标"}
    by_age = {name: value for name, value in rows.items() if "周岁" in name}
    assert by_age, rows
    for name, value in by_age.items():
        assert ("90-99" in name) == ("100元" in value), rows


def test_counts_of_exam_sittings_visits_and_kinds_are_quantities():
    values = {q.value() for q in extract_quantities("组织考试 4800 科次，接待企业 35 家次，展示新品种 120 种以上")}
    assert {"4800科次", "35家次"} <= values and any(v.startswith("120种") for v in values), values


def test_sums_after_rates_and_costs_named_outright_are_named_by_their_item():
    found = {q.number_text: q for q in extract_quantities(
        "举办业务骨干培训班3期共150人，每期4天，按380元/人天计22.8万元；"
        "对120个在用终端开展巡检，巡检费按每个终端每年80元计算，为0.96万元；"
        "开展“清河行动”专项督查25万元；《地名志》编纂出版38万元；其中按每吨600元标准支付回收补贴18万元；"
        "另安排人才创业扶持资金150万元。")}
    assert found["380"].value() == "380元/人天" and "培训班" in found["22.8"].object, found["22.8"]
    assert found["80"].object == "巡检费" and found["0.96"].object == "巡检费", (found["80"], found["0.96"])
    assert found["25"].object == "开展清河行动专项督查费用" and found["38"].object == "地名志编纂出版费用"
    assert found["18"].object == "回收补贴" and found["150"].object == "人才创业扶持资金", (found["18"], found["150"])
    (total,) = [q for q in extract_quantities("补助资金 50 万元") if q.money]
    assert not total.object  # the sum of the whole names no part of it


def test_a_rate_after_a_clause_acting_on_a_thing_is_per_that_thing():
    found = {q.number_text: q for q in extract_quantities("为参加演练的300名志愿者配置反光背心和头盔，每套260元，小计7.8万元。")}
    assert found["300"].name == "志愿者人数", found["300"]
    assert found["260"].object == "反光背心和头盔" and found["7.8"].object == "反光背心和头盔费用", found["260"]


def test_counts_in_ten_thousands_kinds_depths_totals_and_background_numbers():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "检定计量器具12万台件；编制洪涝、干旱等5类灾害应急预案；深翻深度不少于30厘米；"
        "核查约90万户房屋和3.4万处公共服务设施；租用互联网服务器3台、数据库服务器4台，共7台；"
        "市卫生健康委为辖区12所学校配发急救箱；现有车辆已使用9年、行驶里程超过28万公里。")}
    assert found["12万台件"].name == "检定计量器具数量" and found["5类"].object == "灾害应急预案", found
    assert found["30厘米"].value() == "≥30厘米" and found["90万户"].object.endswith("房屋"), found["90万户"]
    assert found["3.4万处"].object == "公共服务设施" and found["7台"].name == "服务器总数", found["7台"]
    assert found["3台"].object.endswith("互联网服务器") and found["12所"].name == "学校数量", found["12所"]
    assert "28万公里" not in found  # why the work is needed, not what it will do


def test_effects_standards_hours_and_quarterly_days_are_targets():
    text = ("病虫害防控效果达到88%以上，防灾知识知晓率由60%提高到85%，为群众挽回经济损失不少于300万元；"
            "防洪标准达到50年一遇；图书馆每周开放时间不少于56小时，易涝点实行24小时值守；每季度末月20日前上缴租金。")
    targets = {t.name: (t.value, t.level2) for t in extract_targets(text)}
    assert targets["病虫害防控效果"] == ("≥88%", "质量指标") and targets["防灾知识知晓率"][0] == "≥85%", targets
    assert targets["挽回经济损失"] == ("≥300万元", "经济效益指标") and targets["防洪标准"][0] == "50年一遇", targets
    assert targets["图书馆每周开放时间"][0] == "≥56小时" and targets["值守时长"][0] == "24小时/天", targets
    assert targets["上缴租金时间"][0] == "每季度末月20日前", targets
    # money the work saves is an effect, not a cost
    assert not any(q.money for q in extract_quantities(text))


def test_each_rate_fills_the_row_that_names_it_before_any_row_by_order():
    rows = [SuggestedIndicator("产出指标", "成本指标", name, "", 1, ["x"], [value])
            for name, value in (("体检费", "500元/人"), ("困难家庭慰问金", "4500元/人/年"))]
    rates = [q for q in extract_quantities(
        "住房补贴按每人每年3万元；健康查体按600元/人；困难家庭慰问金按每人每年5000元。") if q.per]
    left = _rates_into_rows(rates, rows)
    assert [r.value for r in rows] == ["600元/人", "5000元/人/年"], [(r.name, r.value) for r in rows]
    assert [q.number_text for q in left] == ["3"]


def test_rates_named_together_ranges_and_counts_before_a_rate():
    targets = {t.name: (t.value, t.level2) for t in extract_targets(
        "要求台账登记完整率、准确率和及时率均为100%，档案室温度控制在16至24℃、相对湿度控制在40%至60%，"
        "教师和家长满意度均达到92%以上。")}
    assert targets["台账登记完整率"][0] == targets["台账登记准确率"][0] == "100%", targets
    assert targets["台账登记及时率"] == ("100%", "时效指标") and targets["台账登记准确率"][1] == "质量指标", targets
    assert targets["档案室温度"][0] == "16℃-24℃" and targets["相对湿度"][0] == "40%-60%", targets
    assert targets["教师和家长满意度"][0] == "≥92%", targets
    found = {q.number_text: q for q in extract_quantities(
        "表彰优秀网格员30名，其中一等奖6名每人奖励0.5万元；征集老物件40件（套），平均每件（套）0.2万元，小计8万元。")}
    assert found["6"].object == "一等奖", found["6"]  # not the rate that follows it
    assert found["0.2"].object == "征集老物件" and found["8"].object == "征集老物件费用", found["0.2"]


def test_two_costs_of_one_name_in_two_parts_stay_two_rows(index):
    draft = Draft(name="2022年社区图书室改造", amount_yuan=300000, description=(
        "阅览室购置书架及阅览桌椅，费用12万元，装修费用5万元；电子阅览区配置电脑10台，每台0.6万元，小计6万元，"
        "装修费用7万元。项目资金30万元。"))
    costs = {i.name: i.value for i in suggest(index, draft).indicators if i.level2 == "成本指标"}
    assert {"≤5万元", "≤7万元"} <= set(costs.values()), costs


def test_building_a_party_branch_is_no_construction_work(index):
    draft = Draft(name="2022年机关党支部建设及党员教育", amount_yuan=200000, description=(
        "开展党支部建设和党员教育，举办党员培训班2期共120人，每期3万元，小计6万元；"
        "组织主题党日活动12次，每次0.5万元，小计6万元；订阅学习资料8万元。项目资金20万元。"))
    names = {i.name for i in suggest(index, draft).indicators}
    assert not any(n.startswith("工程") for n in names), names


def test_amounts_written_before_their_item_and_respective_amounts_are_named():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "安排26万元委托会计师事务所开展专项审计；另安排3万元用于志愿者意外保险；以5.5万元编印科普读本和挂图；"
        "安排8万元组织全市12个街道开展垃圾分类督导3轮；安排4万元用于植树节、环境日等主题宣传物料制作。"
        "制作展板300块、购置图书2000册，费用分别为2.5万元和1.6万元。")}
    assert found["26万元"].object == "委托会计师事务所开展专项审计费用" and found["3万元"].object == "志愿者意外保险费用", found["26万元"]
    assert found["5.5万元"].object == "编印科普读本和挂图费用" and found["8万元"].object == "开展垃圾分类督导费用", found["8万元"]
    assert found["4万元"].object == "主题宣传物料制作费用", found["4万元"]
    assert (found["2.5万元"].object, found["1.6万元"].object) == ("制作展板费用", "购置图书费用"), (found["2.5万元"], found["1.6万元"])


def test_transactions_weeks_scales_levels_and_error_margins_are_read():
    text = ("全年受理小额担保业务150笔、担保总额不低于4亿元；开设托育课程36周，服务3周岁以下婴幼儿；"
            "全市居民环保意识水平达到75%以上，水质检测数据误差不超过1.5%，审核合格率不低于95%。")
    values = {q.value() for q in extract_quantities(text)}
    assert {"150笔", "36周"} <= values and not any("亿" in v for v in values), values
    assert not any(v.startswith("3周") for v in values), values  # an age, not weeks
    targets = {t.name: t.value for t in extract_targets(text)}
    assert targets["担保总额"] == "≥4亿元" and targets["居民环保意识水平"] == "≥75%", targets
    assert targets["水质检测数据误差"] == "≤1.5%" and targets["审核合格率"] == "≥95%", targets


def test_respective_numbers_go_to_the_things_listed_before_them():
    found = {q.number_text: q for q in extract_quantities(
        "病历电子化扫描和系统运维费用分别为5万元和7.5万元；农田灌溉和路灯亮化项目分别为60个、50个，"
        "奖补分别为120万元和90万元；获评市级和县级优秀的教练员分别为30人和20人，"
        "每人分别奖励0.2万元和0.1万元。拟购置道路洗扫车1台，预计8万元。")}
    assert (found["5"].object, found["7.5"].object) == ("病历电子化扫描费用", "系统运维费用"), found["5"]
    assert (found["60"].name, found["50"].name) == ("农田灌溉数量", "路灯亮化项目数量"), found["60"]
    assert (found["120"].object, found["90"].object) == ("农田灌溉奖补", "路灯亮化项目奖补"), found["120"]
    assert found["0.1"].value() == "0.1万元/人" and found["0.1"].object.startswith("县级优秀"), found["0.1"]
    assert found["8"].object == "购置道路洗扫车费用", found["8"]


def test_bandwidths_service_years_and_shares_of_a_base_are_targets():
    targets = {t.name: (t.value, t.level2) for t in extract_targets(
        "公共区域无线网络带宽不低于50Mbps，设备使用年限不少于8年；县级按村集体自筹投入的30%给予奖补。")}
    assert targets["公共区域无线网络带宽"] == ("≥50Mbps", "质量指标") and targets["设备使用年限"] == ("≥8年", "可持续影响指标")
    assert targets["县级奖补比例"] == ("30%", "成本指标"), targets  # who gives it opens the part


def test_a_promised_rate_fills_the_past_row_of_its_name_in_whatever_level2():
    rows = [SuggestedIndicator("产出指标", "数量指标", "巡查任务完成率", "≥90%", 1, ["x"], ["90%"]),
            SuggestedIndicator("效益指标", "可持续影响指标", "服务持续提供月数", "12个月", 0, [])]
    _fill_targets(rows, extract_targets("要求巡查任务完成率达到97%，签约医生在村服务不少于6年。"))
    assert [(r.name, r.value) for r in rows[:2]] == [("巡查任务完成率", "≥97%"), ("服务持续提供月数", "12个月")], rows
    assert any(r.value == "≥6年" for r in rows[2:]), rows  # years never fill a row counted in months


def test_a_count_given_as_a_range_keeps_both_ends_and_its_total():
    found = {q.value(): q for q in extract_quantities("组织学员分3批赴外地观摩培训，每批60至90人、共240人；每期50~80人次。")}
    assert {"60-90人", "240人", "50-80人次"} <= set(found), set(found)
    # each 批 is one of the visits counted in 批 before it, and the people in all are the total
    assert found["60-90人"].name == "赴外地观摩每批人数" and found["240人"].name == "总人数", (found["60-90人"], found["240人"])


def test_rates_after_a_clause_doing_a_piece_of_work_are_for_that_work():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "改造老旧加压站36座：更新变频水泵，每座2.5万元，小计90万元；加装视频监控、门禁和余氯在线监测设备，每座0.8万元，"
        "小计28.8万元；委托第三方逐户开展入户安全检查，每家0.02万元，小计8万元。")}
    assert found["2.5万元"].object == "变频水泵" and found["90万元"].object == "变频水泵费用", found["2.5万元"]
    assert found["0.8万元"].object == "视频监控、门禁和余氯在线监测设备", found["0.8万元"]
    assert found["0.02万元"].object == "入户安全检查" and found["8万元"].object == "入户安全检查费用", found["0.02万元"]


def test_seconds_are_a_time_limit_and_progress_by_a_date_is_a_target():
    rows = [DraftIndicator(level1="产出指标", level2="时效指标", name="预警信息推送时间", value="≤20秒")]
    assert not [f for f in check_indicators(rows, None) if f.rule == "timeliness_without_date_or_rate"]
    targets = {t.name: t.value for t in extract_targets("10月底前完成全年培训任务的75%，12月20日前全部结束。")}
    assert targets.get("培训任务完成进度") == "10月底前完成75%", targets
    assert not any(v.startswith("10月") and "完成" not in v for v in targets.values()), targets


def test_amounts_after_a_count_that_lists_its_parts_go_to_each_part_and_their_sum_to_the_whole():
    found = {q.number_text: q for q in extract_quantities(
        "尾款支付涉及东湖泵站改造、西环路面修补和北关闸门更换3个工程，分别为60万元、25万元和15万元，合计100万元。")}
    parts = (found["60"].object, found["25"].object, found["15"].object)
    assert parts == ("东湖泵站改造费用", "西环路面修补费用", "北关闸门更换费用"), parts
    assert found["100"].object == "尾款支付费用", found["100"]
    assert found["3"].name == "尾款支付工程数量", found["3"]


def test_shares_schedules_in_portions_and_respective_rates_are_targets():
    targets = {t.name: t for t in extract_targets(
        "经费主要用于课程开发和教具购置，其中实训耗材不低于25%；6月底和12月底前各拨付40%；"
        "对评为优秀、良好的站点分别奖励15%、8%；救助对象身份核实准确率达到99%，各类台账完整率达到95%。")}
    assert targets["实训耗材占比"].value == "≥25%" and targets["实训耗材占比"].level2 == "成本指标", targets
    assert any(t.value == "6月底、12月底前各拨付40%" for t in targets.values()), targets
    assert targets["优秀奖励比例"].value == "15%" and targets["良好奖励比例"].value == "8%", targets
    assert "救助对象身份核实准确率" in targets and "各类台账完整率" in targets, targets  # 对象 and 各类 are words
    (rate,) = [q for q in extract_quantities("按照职业培训补贴每人每期1500元的标准发放") if q.money]
    assert rate.object == "职业培训补贴", rate  # 按照 is one word: no "照职业培训补贴"


def test_what_a_lump_of_funding_pays_for_names_no_kind_of_work(index):
    draft = Draft(name="2022年市直幼儿园生均公用经费", amount_yuan=675000, description=(
        "市直幼儿园在园幼儿500人，按每生每年1350元拨付公用经费，主要用于水电、教具、园舍维修和教师培训等支出。"
        "要求经费按时拨付率达到100%，家长满意度90%以上。项目资金67.5万元。"))
    hints = {i.hint for i in suggest(index, draft).indicators}
    assert not any(h.startswith("指标框架：") and ("维修" in h or "培训" in h) for h in hints), hints


def test_a_promised_rate_renames_the_template_row_it_fills():
    rows = [SuggestedIndicator("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", 0, [], origin="framework",
                               hint="指标框架：通用"),
            SuggestedIndicator("产出指标", "质量指标", "配餐验收合格率", "≥95%", 1, ["x"], ["≥95%"])]
    _fill_targets(rows, extract_targets("要求助餐老人满意度达到93%以上，配餐抽检合格率达到98%。"))
    assert (rows[0].name, rows[0].value) == ("助餐老人满意度", "≥93%"), rows[0]  # the draft's words, not the template's
    assert (rows[1].name, rows[1].value) == ("配餐验收合格率", "≥98%"), rows[1]  # a past form's row keeps its name


def test_long_lump_sum_items_illuminance_and_whole_week_service_are_read():
    (lump,) = [q for q in extract_quantities("普查成果录入市级文物管理平台及专家复核论证11.5万元。") if q.money]
    assert lump.object == "普查成果录入市级文物管理平台及专家复核论证费用", lump  # no verb to cut at
    targets = {t.name: t.value for t in extract_targets("咨询热线按7×24小时在线，阅览桌面照度不低于500勒克斯。")}
    assert targets.get("在线时长") == "7×24小时" and targets.get("阅览桌面照度") == "≥500勒克斯", targets


def test_a_per_unit_opening_a_clause_covers_the_cost_listed_after_a_count():
    found = {q.number_text: q for q in extract_quantities(
        "印发工作简报36期，每期印制200份、费用0.3万元，小计10.8万元；年内将典型案例汇编成册1本。")}
    assert found["0.3"].value() == "0.3万元/期" and found["0.3"].object == "印发工作简报", found["0.3"]
    assert found["10.8"].object == "印发工作简报费用", found["10.8"]
    assert found["1"].object == "典型案例汇编成册", found["1"]  # 年内 and 将 say when, not what
    # a rate and its subtotal in one list stay a rate and a subtotal
    found = {q.number_text: q for q in extract_quantities("聘用保洁人员40名，每人每年4.3万元、小计172万元。")}
    assert found["4.3"].value() == "4.3万元/人/年" and not found["172"].per, found["172"]


def test_a_price_below_market_and_a_rate_with_a_condition_in_its_name_are_targets():
    targets = {t.name: t for t in extract_targets(
        "代耕代种服务价格低于市场价8%以上；教室冬季温度不低于16℃的达标率95%以上。")}
    assert targets["代耕代种服务价格低于市场价幅度"].value == "≥8%", targets
    assert targets["代耕代种服务价格低于市场价幅度"].level2 == "经济效益指标"
    assert targets["教室冬季温度不低于16℃达标率"].value == "≥95%", targets
    assert not any(name == "达标率" for name in targets), targets  # the rate is read once, with its condition


def test_volumes_weights_class_hours_percentage_points_and_round_the_clock_response():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "扶持建设气调库12座，补助总库容3万立方米；建设预冷设备15套，每套补助4万元，小计60万元；"
        "每期授课32学时；新增蔬菜产量300万公斤；果蔬损耗率下降4个百分点。")}
    assert found["3万立方米"].name.endswith("容积") and found["32学时"].name.endswith("学时数"), found
    assert "300万公斤" in found and "4个" not in found, found  # percentage points are no count
    # a cost word, of the 套 counted in its sentence, not the 补助总库容 counted before
    assert found["4万元"].object == "建设预冷设备补助", found["4万元"]
    targets = {t.name: t.value for t in extract_targets(
        "果蔬损耗率下降4个百分点；12岁以上儿童近视率下降1个百分点；平台24小时呼叫响应。")}
    assert targets.get("果蔬损耗率下降幅度") == "≥4个百分点" and targets.get("儿童近视率下降幅度") == "≥1个百分点", targets
    assert targets.get("呼叫响应时长") == "24小时/天", targets



class _Hit:
    def __init__(self, code):
        self.code = code


def test_a_draft_follows_a_form_only_when_search_and_meaning_both_put_it_first():
    p = drafting_data()["precedent"]
    floor, title_floor = p["agreed_probability"], p["title_agreed_probability"]
    between = (floor + title_floor) / 2
    A, B = [_Hit("A")], [_Hit("B")]
    assert _agreed_nearest(A, floor, A, B) == "A"  # the title need not agree above the floor
    assert _agreed_nearest(A, floor, B, A) is None  # meaning disagrees
    assert _agreed_nearest(B, floor, B, A) == "B"  # whatever leads by words
    assert title_floor < floor
    assert _agreed_nearest(A, between, A, A) == "A"  # less likely: search, meaning and title all agree
    assert _agreed_nearest(A, between, A, B) is None  # ... but the title's meaning points elsewhere
    assert _agreed_nearest(A, title_floor / 2, A, A) is None  # too unlikely
    assert _agreed_nearest([], floor, A, A) is None
    followed = Suggestion(similar=[], indicators=[], checks=[], precedent="partial", followed={"code": "A", "name": "甲项目"})
    assert followed.to_json()["followed"] == "A" and followed.to_json()["precedent"] == "partial"
    assert "甲项目" in followed.precedent_note() and "参照它的指标表" in followed.precedent_note()
    plain = Suggestion(similar=[], indicators=[], checks=[], precedent="partial")
    assert plain.to_json()["followed"] is None and "用词相符" in plain.precedent_note()


def test_a_past_row_of_the_same_name_takes_the_count_and_whole_words_stay_whole():
    rows = [SuggestedIndicator("产出指标", "数量指标", "新建社区书屋", "待填：请按本项目填写（相似项目为 ≥ 10 个）", 1, ["x"], ["≥ 10 个"])]
    _fill_from_draft(rows, extract_quantities("新建社区书屋14处，每处补助3万元。"), 420000, "居民", False)
    assert rows[0].value == "14处", rows  # 处 for 个: the same thing counted
    found = {q.number_text: q for q in extract_quantities(
        "对已运营的25处日间照料中心发放运营补助；委托第三方开展等级评定，费用6万元。")}
    assert found["25"].object == "日间照料中心" and found["6"].object.startswith("开展等级评定"), found
    targets = {t.name: t.value for t in extract_targets("11月20日前完成改造和补助兑付，9月15日前完工并投入使用。")}
    assert targets.get("完成改造和补助兑付时间") == "11月20日前" and targets.get("完工并投入使用时间") == "9月15日前", targets


def test_working_day_limits_are_no_counts_and_like_subtotals_stay_apart():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "材料齐全的申请10个工作日内办结；窗口全年服务248个工作日。")}
    assert "10个" not in found and "248个" in found, found  # a time limit, and a count of working days
    found = {q.number_text: q for q in extract_quantities(
        "为低保老人参保3000人，每人每年保费60元，小计18万元；为失能老人参保500人，每人每年保费90元，小计4.5万元。")}
    assert (found["18"].counted, found["4.5"].counted) == ("低保老人参保", "失能老人参保"), found  # like their rates


def test_a_count_of_paid_items_is_named_by_its_measure_and_pairs_are_counted():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "为困难群众垫付医疗费用150人次，每人次平均0.8万元，小计120万元；制作门牌2000副，每副12元。")}
    assert found["150人次"].name == "困难群众垫付医疗人次", found["150人次"]  # the times it is paid, not "…费用"
    assert found["120万元"].object.endswith("垫付医疗费用"), found["120万元"]  # the money keeps the cost word
    assert "2000副" in found and found["12元"].value() == "12元/副", found


def test_a_mined_row_with_only_a_direction_is_dropped_but_a_similar_projects_is_kept_to_fill():
    rows = [SuggestedIndicator("效益指标", "社会效益指标", "群众出行安全", "提高", 1, ["x"], origin="corpus"),
            SuggestedIndicator("效益指标", "社会效益指标", "群众就医负担", "减少", 1, ["y"], origin="similar"),
            SuggestedIndicator("效益指标", "可持续影响指标", "设施使用年限", "≥10年", 0, [], origin="framework"),
            SuggestedIndicator("产出指标", "数量指标", "修缮村道里程", "12公里", 0, [], origin="framework")]
    kept = {i.name: i.value for i in _make_checkable(rows, None)}
    assert "群众出行安全" not in kept, kept
    assert kept["群众就医负担"].startswith("待填") and "减少" in kept["群众就医负担"], kept
    # alone in its 一级, a mined row stays as a reminder of what to measure
    alone = [SuggestedIndicator("效益指标", "社会效益指标", "群众出行安全", "提高", 1, ["x"], origin="corpus"),
             SuggestedIndicator("产出指标", "数量指标", "修缮村道里程", "12公里", 0, [], origin="framework")]
    assert [i.name for i in _make_checkable(alone, None)] == ["群众出行安全", "修缮村道里程"]


def test_a_draft_with_few_shared_words_follows_the_form_every_ranking_puts_first_as_a_partial_precedent(
        index, monkeypatch):
    import app.drafting as drafting

    monkeypatch.setattr(drafting, "precedent_of", lambda features: "none")
    floor = drafting_data()["precedent"]["agreed_probability"]
    monkeypatch.setattr(drafting, "precedent_probability", lambda features: floor + 0.01)
    result = suggest(index, KNOWN_KINDS[1])
    assert result.precedent == "partial" and result.followed, (result.precedent, result.followed)
    sources = {code for i in result.indicators if i.origin == "similar" for code in i.sources}
    assert sources == {result.followed["code"]}, sources
    monkeypatch.setattr(drafting, "precedent_probability", lambda features: floor / 2)
    unlikely = suggest(index, KNOWN_KINDS[1])
    assert unlikely.precedent == "none" and unlikely.followed is None
    assert not any(i.origin == "similar" for i in unlikely.indicators)


def test_a_close_precedent_whose_forms_share_too_few_words_follows_the_form_search_and_meaning_put_first(
        index, monkeypatch):
    import app.drafting as drafting

    monkeypatch.setattr(drafting, "precedent_of", lambda features: "close")
    monkeypatch.setattr(drafting, "precedent_probability", lambda features: 0.9)
    monkeypatch.setattr(drafting, "draft_closeness", lambda index, draft: {code: 0.0 for code in index.by_code})
    result = suggest(index, KNOWN_KINDS[1])
    assert result.precedent == "close" and result.followed, (result.precedent, result.followed)
    assert {code for i in result.indicators if i.origin == "similar" for code in i.sources} == {result.followed["code"]}
    assert result.precedent_note().startswith("有相近的往年项目；") and result.followed["name"] in result.precedent_note()


def test_a_count_opened_only_by_a_time_word_counts_the_work_named_in_the_clause_before():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "汛期对易积水路段增加排涝巡查，全年600车次，每车次0.05万元，小计30万元；组织开展桥梁安全检测，共8次。")}
    assert found["600车次"].object == "排涝巡查" and found["0.05万元"].object == "排涝巡查", found
    assert found["30万元"].object == "排涝巡查费用" and found["8次"].name == "桥梁安全检测次数", found


def test_an_hour_of_every_day_is_a_time_limit_the_checks_accept():
    targets = {t.name: t.value for t in extract_targets("每天上午9点前完成站点巡检，污水每日20时前清运完毕。")}
    assert targets == {"站点巡检完成时间": "每日上午9点前", "污水清运完毕时间": "每日20时前"}, targets
    rows = [DraftIndicator(level1="产出指标", level2="时效指标", name=name, value=value) for name, value in targets.items()]
    assert not [f for f in check_indicators(rows, None) if f.row], check_indicators(rows, None)


def test_money_the_work_handles_is_a_quantity_and_a_hedge_is_not_part_of_a_time_limit():
    text = "受托审核工程结算，审定金额约12亿元，每个项目0.3万元，小计45万元；贷款贴息周转期原则上30天内，单次借用期限一般不超过7天。"
    targets = {t.name: (t.value, t.level2) for t in extract_targets(text)}
    assert targets["审定金额"] == ("12亿元", "数量指标"), targets
    assert targets["贷款贴息周转期时间"][0] == "≤30天", targets
    assert targets["单次借用期限"] == ("≤7天", "时效指标"), targets
    assert not [q for q in extract_quantities(text) if q.money and q.number_text == "12"]  # not a cost


def test_a_count_after_a_light_verb_names_the_work_not_the_verb():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "组织开展消防安全培训12期，每期0.5万元；对学校、医院等公共建筑开展检测80个。")}
    assert found["12期"].name == "消防安全培训期数" and found["0.5万元"].object == "消防安全培训", found
    assert found["80个"].name == "公共建筑检测数量", found["80个"]


def test_a_sum_invested_after_a_clause_is_for_that_clause_and_one_before_an_item_is_for_the_item():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "举办“我爱读书”等青少年阅读分享活动，投入12万元；另投入6万元购置流动书车配套书架20个（套）。")}
    assert found["12万元"].object == "青少年阅读分享活动费用", found["12万元"]
    assert found["6万元"].object == "购置流动书车配套书架费用", found["6万元"]


def test_a_count_before_an_adverb_counts_what_precedes_it_and_a_sense_of_safety_is_a_rate():
    found = {q.number_text + q.unit: q for q in extract_quantities("为高龄老人3000人免费提供上门体检，为残疾人800人统一配发辅具。")}
    assert found["3000人"].name == "高龄老人人数" and found["800人"].name == "残疾人人数", found
    targets = {t.name: (t.value, t.level2) for t in extract_targets("辖区居民幸福感达到92%以上。")}
    assert targets["居民幸福感"] == ("≥92%", "社会效益指标"), targets
    rows = [DraftIndicator(level1="效益指标", level2="社会效益指标", name="辖区居民幸福感", value="≥92%")]
    assert not [f for f in check_indicators(rows, None) if f.row]


def test_a_past_row_sharing_one_short_word_with_the_draft_is_not_mined(index):
    from app.drafting import _row_matches

    text = "开展禁毒宣传进校园活动40场，资金按进度拨付。"
    terms = set(index.tokenizer(text))
    assert not _row_matches(index.tokenizer, "宣传工作完成及时率", terms, text)
    assert not _row_matches(index.tokenizer, "资金拨付及时率", terms, text)
    assert _row_matches(index.tokenizer, "禁毒宣传活动场次", terms, text)
    # who is served, even cut short by the tokenizer ("残疾" of 残疾人), is not what a row is about
    text = "为困难残疾人发放生活补贴并适配康复辅具，每人每月60元。"
    terms = set(index.tokenizer(text))
    assert not _row_matches(index.tokenizer, "残疾人生活质量", terms, text)
    assert _row_matches(index.tokenizer, "残疾人康复辅具适配人数", terms, text)


def test_a_long_named_cost_item_and_zero_incidents_of_an_event_are_read():
    found = {q.number_text + q.unit: q for q in extract_quantities("社区矫正对象电子定位监管及系统对接维护费用6万元。")}
    assert found["6万元"].object == "社区矫正对象电子定位监管及系统对接维护费用", found["6万元"]
    targets = {t.name: t.value for t in extract_targets("确保在押人员脱管事件为0。")}
    assert targets == {"在押人员脱管事件": "0"}, targets


def test_growth_rates_declines_written_verb_first_and_years_of_use_are_targets():
    targets = {t.name: (t.value, t.level2) for t in extract_targets(
        "带动农户人均经营性收入增幅不低于8%，降低企业用电成本约12%，设备正常运行10年以上，现有车辆已正常使用9年以上。")}
    assert targets["农户人均经营性收入增幅"] == ("≥8%", "经济效益指标"), targets
    assert targets["企业用电成本下降幅度"][0] == "12%", targets
    assert targets["设备正常运行年限"] == ("≥10年", "可持续影响指标"), targets
    assert not any("车辆" in name for name in targets), targets  # how old the vehicles are is background


def test_power_capacity_containers_and_train_runs_are_counts_and_a_bare_balance_takes_its_projects_name():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "建设储能电站，装机1200千瓦，每千瓦0.1万元，小计120万元；全年开行中欧班列40列，每列3万元，小计120万元；"
        "港口集疏运体系提升项目，完成调度系统改造1套，尾款18万元。")}
    assert found["1200千瓦"].name == "装机容量" and found["0.1万元"].per == "每千瓦", found
    assert found["40列"].unit == "列" and found["3万元"].per == "每列", found
    assert found["18万元"].object == "港口集疏运体系提升项目尾款", found["18万元"]


def test_per_mille_rates_coefficients_tolerances_and_deadlines_before_a_season_are_targets():
    targets = {t.name: (t.value, t.level2) for t in extract_targets(
        "孕产妇死亡率控制在2‰以下，农田灌溉水利用系数达到0.62，恒温室湿度波动不超过±3毫米，5月底汛期前完成河道清障，"
        "苗木养护质量达标率不低于96%。")}
    assert targets["孕产妇死亡率"][0] == "≤2‰" and targets["农田灌溉水利用系数"][0] == "≥0.62", targets
    assert targets["恒温室湿度波动"][0] == "≤±3毫米", targets
    assert targets["完成河道清障时间"] == ("5月底汛期前", "时效指标"), targets
    assert targets["苗木养护质量达标率"] == ("≥96%", "质量指标"), targets


def test_a_target_fills_the_row_of_its_own_name_before_another_target_sharing_a_word_can():
    rows = [SuggestedIndicator("效益指标", "生态效益指标", "绿化覆盖率", "≥95%", 1, ["x"], ["≥95%"], origin="corpus")]
    _fill_targets(rows, extract_targets("绿化养护巡查覆盖率达到91%，绿化覆盖率保持在40%以上。"))
    assert rows[0].value == "≥40%", rows


def test_a_total_after_a_per_batch_count_and_its_days_is_the_total():
    found = {q.number_text + q.unit: q for q in extract_quantities("分三批组织骨干赴外地跟班学习，每批20人、7天，共60人。")}
    assert found["20人"].name == "每批人数" and found["60人"].name == "总人数", found


def test_grades_each_and_per_time_rates_name_their_rows():
    found = {q.number_text: q for q in extract_quantities(
        "对通过考核的调解员发放补贴，一级 40 人每人 0.3 万元、二级 60 人每人 0.2 万元，小计 24 万元；"
        "对评为示范的 4 家合作社各奖励 5 万元，小计 20 万元；康复训练 900 人次，次均 0.02 万元，小计 18 万元；"
        "对 15 个路口实施人行道无障碍改造，每个 3 万元。")}
    # one row per grade, the grade named; the sum after the list is for what the part gives, and to whom
    assert found["40"].name == "一级调解员人数" and found["60"].name == "二级调解员人数", (found["40"], found["60"])
    assert found["0.2"].object == "二级调解员" and found["0.2"].per == "每人", found["0.2"]
    assert found["24"].object == "调解员补贴", found["24"]
    # "各" gives the money per 家 of those counted
    assert found["5"].per == "每家" and found["5"].object == found["4"].object == "合作社", (found["5"], found["4"])
    assert found["20"].object.endswith("合作社费用"), found["20"]
    # "次均" is per 次 of the 人次 counted
    assert found["0.02"].per == "每次" and found["0.02"].object == found["900"].object, (found["0.02"], found["900"])
    # the 路口 of the work done at them, which a past row names
    assert found["15"].object == "人行道无障碍改造路口", found["15"]
    # a sum after a priced item is the sum over the count, not the one price again
    sums = {q.number_text: q.object for q in extract_quantities("巡回演出 4 场，舞台搭建 1.5 万元，小计 6 万元；")}
    assert sums["6"] == "舞台搭建费用合计" and sums["1.5"] == "舞台搭建费用", sums


def test_of_one_forms_rows_the_ones_the_draft_speaks_of_come_first():
    rows = [{"level2": "数量指标", "name": name, "sources": ["A"], "weight": 1.0}
            for name in ("新建厂房面积", "引进人才数量", "技术攻关项目奖励")]
    rows.append({"level2": "数量指标", "name": "园区道路长度", "sources": ["A", "B"], "weight": 1.5})
    words = ("技术", "攻关", "项目", "奖励", "厂房", "人才", "道路", "新建", "引进")
    tokenizer = lambda text: [w for w in words if w in text]  # a fixed vocabulary is enough here
    ranked = [c["name"] for c in _ranked(rows, "数量指标", tokenizer, set(tokenizer("对技术攻关项目给予奖励")))]
    # a row two forms share still leads; among one form's rows, the draft's own words decide
    assert ranked[:2] == ["园区道路长度", "技术攻关项目奖励"], ranked
    assert [c["name"] for c in _ranked(rows, "数量指标")][1] == "新建厂房面积"  # no draft: the form's order


def test_a_share_of_a_base_named_after_it_and_a_cost_rise_are_targets():
    targets = {t.name: (t.value, t.level2) for t in extract_targets(
        "水厂须具备不低于年供水量 8% 的应急储备，门诊次均费用增幅控制在 4% 以内")}
    assert targets.get("应急储备占年供水量比例") == ("≥8%", "质量指标"), targets
    assert targets.get("门诊次均费用增幅") == ("≤4%", "成本指标"), targets
    # a plain growth stays one row, of the kind the growth pattern gives it
    growth = [t for t in extract_targets("营业收入增幅达到 8%") if t.number_text == "8"]
    assert len(growth) == 1, growth


def test_a_payment_word_after_each_is_the_payment_to_what_was_counted():
    found = {q.number_text: q for q in extract_quantities(
        "新评定星级民宿 8 家，每家奖补 3 万元，小计 24 万元；对承担巡查的护林站按巡查面积补助，预计 120 处，每处 200 元。")}
    assert found["3"].object == "新评定星级民宿奖补" and found["3"].per == "每家", found["3"]
    # "对…按…补助": the 护林站 the clause treats are what its count with no name counts
    assert found["120"].object == "护林站", found["120"]


def test_a_sum_for_a_part_fills_the_past_row_naming_that_part_and_the_total_goes_to_cost_control():
    rows = [SuggestedIndicator("产出指标", "成本指标", "培训资料印刷成本", "≤50万元", 1, ["x"], ["≤50万元"]),
            SuggestedIndicator("产出指标", "成本指标", "宣传展板制作成本", "≤5万元", 1, ["x"], ["≤5万元"])]
    _fill_from_draft(rows, extract_quantities("讲师课酬 3 万元、资料印刷 4 万元，合计 7 万元。"), 70000, "", False)
    values = {i.name: i.value for i in rows}
    assert values["培训资料印刷成本"] == "≤4万元", values  # the past name, the draft's sum
    assert not any(v == "≤4万元" for n, v in values.items() if n != "培训资料印刷成本"), values  # not a second row
    # a past row the draft gives no sum for is the one left to fill, and the whole amount has a row of its own
    assert values["宣传展板制作成本"].startswith("待填"), values
    assert [n for n, v in values.items() if v == "≤7万元"] == ["项目总成本"], values


def test_steady_rates_rises_from_about_dates_before_an_event_average_prices_and_sums_after_a_share():
    targets = {t.name: t.value for t in extract_targets(
        "水质达标率稳定在 97% 以上；疫苗接种率由约 70% 提高到 90%；泵站须在 5 月 20 日入汛前完成检修；"
        "展览于 10 月 1 日国庆节前开幕")}
    assert targets.get("水质达标率") == "≥97%", targets
    assert targets.get("疫苗接种率") == "≥90%", targets
    assert targets.get("泵站完成时间") == "5月20日入汛前", targets
    assert any(v == "10月1日国庆节前" for v in targets.values()), targets
    found = {q.number_text: q for q in extract_quantities(
        "购置应急照明灯 300 盏，均价 120 元，计 3.6 万元；按工程结算价的 3% 返还保证金，合计 27 万元。")}
    assert found["120"].per == "每盏" and found["120"].object == found["300"].object, found["120"]
    assert found["27"].object == "返还保证金费用", found["27"]


def test_a_list_priced_per_one_unit_shares_its_per_and_its_sum_is_per_unit_too():
    found = {q.number_text: q for q in extract_quantities(
        "全年举办对接会 4 场，单场费用按场馆租用 2 万元、嘉宾差旅 3 万元、物料制作 0.5 万元测算，合计 5.5 万元，4 场共 22 万元。")}
    assert [found[n].per for n in ("2", "3", "0.5")] == ["每场"] * 3, [found[n] for n in ("2", "3", "0.5")]
    assert found["3"].object == "嘉宾差旅", found["3"]
    assert found["5.5"].per == "每场" and found["5.5"].object == "单场费用", found["5.5"]
    assert found["22"].object == "举办对接会费用", found["22"]
    # prices each with its own 每 are no one unit's cost: their subtotal is a sum of the parts
    parts = {q.number_text: q for q in extract_quantities("表彰标兵 4 名每人奖励 3 万元、能手 10 名每人奖励 1 万元，小计 22 万元")}
    assert not parts["22"].per, parts["22"]
    # parts that do not add up to the sum: the sum is over everything counted in that unit, not one unit's cost
    area = {q.number_text: q for q in extract_quantities("改造果园 0.5 万亩，每亩补助苗木 300 元、滴灌 100 元，合计 200 万元。")}
    assert area["100"].per == "每亩" and not area["200"].per and area["200"].object == "改造果园费用", area["200"]


def test_a_total_after_parts_in_earlier_sentences_is_their_total_when_they_add_up():
    found = extract_quantities("新铺设供水管网：东区主管 2.4 公里、西区主管 1.1 公里；南区主管 0.5 公里；合计 4 公里。另设计 5 公里远期线路。")
    total = next(q for q in found if q.number_text == "4")
    assert total.name.endswith("主管总里程"), total  # what the parts share
    # a number that is not the sum of the parts before it is not their total
    assert not next(q for q in found if q.number_text == "5").name.endswith("总里程")


def test_a_form_whose_rows_keep_naming_what_the_draft_never_does_is_not_followed(index):
    from app.drafting import speaks_of_draft
    from corpus.model import Indicator

    some_form = next(iter(index.by_code.values()))

    def form(*names):  # a past form with only these rows
        return some_form.model_copy(update={"indicators": [Indicator(level1="产出指标", level2="数量指标", name=n)
                                                           for n in names]})

    disease = form("狂犬病暴露者规范处置人数", "狂犬病疫苗接种完成率", "狂犬病门诊规范化建设", "工作完成及时率")

    def speaks(record, text):
        return speaks_of_draft(index, record, set(index.tokenizer(text)), text)

    # same field (health), other work: every row returns to a disease the draft never names
    assert not speaks(disease, "对全市餐饮单位开展食品安全抽检1200批次，抽检合格率不低于98%。")
    assert speaks(disease, "为犬只主人提供狂犬病防治宣传，全年处置暴露者2000人。")
    # rows that return to nothing in particular say nothing against the draft
    assert speaks(form("工作完成率", "资金拨付及时率", "服务对象满意度"), "对全市餐饮单位开展食品安全抽检1200批次。")


def test_tiers_of_one_scheme_keep_their_shares_caps_and_counts_apart():
    text = ("对认定的示范园区给予补助：A类园区按建设投资的8%给予补助，单个最高60万元；B类园区按5%补助，封顶30万元。"
            "一号展区每个展台1.2万元，安装25个；二号展区每个展台0.8万元，安装40个。")
    targets = {t.name: t.value for t in extract_targets(text)}
    assert targets.get("A类园区补助比例") == "8%" and targets.get("B类园区补助比例") == "5%", targets
    found = {q.number_text + q.unit: q for q in extract_quantities(text)}
    assert found["60万元"].object == "A类园区最高补助" and found["30万元"].object == "B类园区最高补助", found
    assert found["25个"].name.endswith("安装数量") and found["25个"].name != found["40个"].name, found


def test_a_kind_named_by_a_number_an_aside_before_a_count_and_a_bare_price_before_a_count():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "4人制巡查小组每组配备经费3万元，组建10组；采购便携式快检箱（含试剂）6套，每套0.5万元；"
        "每户安装燃气报警器补助300元，全区共800户。")}
    assert "4人" not in found, found  # 4 人制: a kind of team, not four people
    assert found["6套"].object.endswith("便携式快检箱"), found["6套"]
    assert found["800户"].name.startswith("安装燃气报警器"), found["800户"]


def test_matching_ratios_date_spans_phases_and_raised_levels_are_targets():
    targets = {t.name: (t.value, t.level2) for t in extract_targets(
        "省级资金下达后，区县财政按照2:1比例配套；年度考核于9月1日至9月20日组织完成。"
        "项目分两期：第1期4月至7月，完成设计；巡检覆盖村庄从40个增加到65个；校舍维修安排在1月寒假开始。")}
    assert targets.get("区县财政配套比例") == ("2:1", "成本指标"), targets
    assert targets.get("年度考核组织时间") == ("9月1日至9月20日", "时效指标"), targets
    assert targets.get("第1期实施时间") == ("4月至7月", "时效指标"), targets
    assert targets.get("巡检覆盖村庄") == ("由40个增加到65个", "数量指标"), targets
    assert ("1月", "时效指标") in targets.values(), targets
    # a count inside a raised level is the target's, not a row of its own
    assert not [q for q in extract_quantities("巡检覆盖村庄从40个增加到65个。") if q.number_text in ("40", "65")]
    assert not _target_rejections(targets), "the tool's own rows pass its checks"


def test_a_level_reached_without_a_starting_level_is_a_bounded_target():
    text = ("今年为血站添置采血车2辆。年采血能力提升到4.5万人份，献血者等候时间缩短至15分钟，"
            "储血冷库容量从原来的8吨扩大到20吨，血液报废率降低到1%。")
    targets = {t.name: (t.value, t.level2) for t in extract_targets(text)}
    assert targets.get("年采血能力") == ("≥4.5万人份", "数量指标"), targets
    assert targets.get("献血者等候时间") == ("≤15分钟", "时效指标"), targets
    assert targets.get("储血冷库容量") == ("由8吨扩大到20吨", "数量指标"), targets
    assert targets.get("血液报废率") == ("≤1%", "质量指标"), "a share lowered to a level is the rate patterns', at most"
    # the level's number is the target's, not a count of its own
    assert not [q for q in extract_quantities(text) if q.number_text in ("4.5", "15", "8", "20")]
    assert not _target_rejections(targets), "the tool's own rows pass its checks"


def test_like_named_parts_a_second_unit_and_a_count_standing_alone_each_get_a_row(index):
    result = suggest(index, Draft(name="2022年城区供水管道延伸", amount_yuan=7_220_000, description=(
        "今年新建供水管道：东关街（新华路—柳园路）2.1公里，计420万元；东关街（柳园路—花园路）1.5公里，计300万元；"
        "印制节水宣传手册3种4500册，计1万元；培育节水示范单位并给予奖补，25家，每家0.04万元，计1万元。项目资金722万元。")))
    values = {i.name: i.value for i in result.indicators}
    # the second stretch of the same street is named by its brackets, not dropped as a repeat
    assert values.get("东关街（柳园路—花园路）里程") == "1.5公里" and values.get("东关街（柳园路—花园路）费用") == "≤300万元", values
    assert values.get("印制节水宣传手册册数") == "4500册" and "3种" in values.values(), values
    # a count alone in its clause counts what the clause before does; its price is per one of those
    assert values.get("培育节水示范单位数量") == "25家", values
    assert [n for n, v in values.items() if v == "0.04万元/家"][0].startswith("培育节水示范单位"), values


def _rows_by_name(index, name: str, amount_yuan: int, description: str) -> dict[str, tuple[str, str]]:
    """The suggested table of a made-up draft: row name → (二级, value)."""
    result = suggest(index, Draft(name=name, amount_yuan=amount_yuan, description=description))
    return {i.name: (i.level2, i.value) for i in result.indicators}


def _values_of(index, name: str, amount_yuan: int, description: str) -> set[str]:
    """The values the suggested table of a made-up draft states."""
    return {value for _, value in _rows_by_name(index, name, amount_yuan, description).values()}


def test_a_bar_those_paid_must_clear_is_a_standard_and_editions_are_counted(index):
    values = _rows_by_name(index, "2022年跨境电商企业培育奖励", 2_050_000,
                           "今年举办跨境电商选品大会1届，计25万元；对年交易额首次突破3亿元的跨境电商企业奖励3家，每家40万元，计120万元；"
                           "对退货率降至2%以下的海外仓给予补助6个，每个10万元，计60万元。项目资金205万元。")
    assert values.get("跨境电商企业年交易额") == ("质量指标", "≥3亿元"), values
    assert ("质量指标", "≤2%") in values.values(), values
    assert ("数量指标", "1届") in values.values(), values
    found = {q.number_text + q.unit: q for q in extract_quantities("节日摆放时令盆花45万盆；拍摄宣传短片8集。")}
    assert found["45万盆"].name.endswith("盆花数量") and found["8集"].unit == "集", found


def test_a_past_forms_sum_of_money_is_never_kept_whatever_its_level2():
    value, hint = _reference_value("质量指标", "平台建设投入", ["380万元", "380万元"])
    assert value.startswith("待填") and "380万元" in hint
    assert _reference_value("质量指标", "验收合格率", ["100%"])[0] == "100%"
    assert _reference_value("可持续影响指标", "设备使用年限", ["8年"])[0] == "8年"


def test_training_has_its_own_framework_rows_and_a_draft_rate_takes_the_templates_place(index):
    rows = _rows_by_name(index, "2022年基层应急救护员轮训", 360_000,
                         "今年对乡镇卫生院和村卫生室人员开展应急救护轮训6期，每期40人、3天，每人每天250元，计18万元；"
                         "编印救护手册并租用训练场地，计18万元。9月底前完成轮训，学员实操考核合格率98%以上，参训人员满意度96%以上。")
    assert rows.get("培训完成及时率") == ("时效指标", "100%"), rows
    # the draft's own pass rate stands in for the template's, not beside it
    assert rows.get("学员实操考核合格率") == ("质量指标", "≥98%") and "培训合格率" not in rows, rows
    assert not any(n.startswith("活动") for n in rows), "training is not the events template"


def test_a_price_per_one_is_named_by_what_is_bought_not_left_as_a_bare_unit_cost():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "今年更新水文测报仪器设备9台（套），每台（套）2.6万元，需23.4万元；为140家企业出具“一企一策”节能报告，"
        "每份0.35万元，小计49万元；为28家社区卫生服务站配置24小时动态血压计，每台1.9万元，小计53.2万元；"
        "技术人员驻场运维10个月，每月1.3万元，计13万元。")}
    assert found["2.6万元"].object == "更新水文测报仪器设备", found["2.6万元"]
    assert found["0.35万元"].object == "一企一策节能报告" and found["49万元"].object == "一企一策节能报告费用"
    assert found["1.9万元"].object == "24小时动态血压计", found["1.9万元"]
    assert found["1.3万元"].object == "技术人员驻场运维", found["1.3万元"]
    found = {q.number_text + q.unit: q for q in extract_quantities("举办乡村医生业务培训班7期，每期70人、4天，每人每天320元。")}
    assert found["320元"].object == "举办乡村医生业务培训班", "per trainee of the classes, not of 每期"


def test_tiers_set_by_their_price_keep_a_row_each(index):
    result = suggest(index, Draft(name="2022年困难职工临时救助", amount_yuan=275_000, description=(
        "今年对因病致困的在职职工发放慰问金，预计15人，其中按每人1.2万元标准发放慰问金10人，计12万元；"
        "按每人2.8万元标准发放慰问金5人，计14万元；档案整理1.5万元。职工满意度92%以上。项目资金27.5万元。")))
    values = {i.name: i.value for i in result.indicators}
    assert "10人" in values.values() and "5人" in values.values(), values
    assert values.get("每人2.8万元标准发放慰问金") == "5人", values


def test_a_contract_term_a_reward_share_and_work_done_for_someone_get_rows(index):
    rows = _rows_by_name(index, "2022年社区养老驿站委托运营", 936_000,
                         "今年将社区养老驿站委托专业机构运营，合同期3年，年运营补助60万元；对上年度服务满意度88%以上的运营机构"
                         "按补助额5%给予奖励；为辖区失能老人开展上门助浴，每人125元，计10万元；为辖区失能老人免费口腔检查，"
                         "每人70元，计5.6万元；举办助老志愿服务活动45场次，每场次0.4万元，计18万元。项目资金93.6万元。")
    assert rows.get("合同期") == ("可持续影响指标", "3年"), rows
    assert ("成本指标", "5%") in rows.values() or any(v[1] == "5%" for v in rows.values()), "a share paid to those who qualify"
    assert [n for n, v in rows.items() if v == ("成本指标", "70元/人")][0].startswith("免费口腔检查"), rows
    assert rows.get("免费口腔检查费用") == ("成本指标", "≤5.6万元"), rows
    # a 每处 after a path counted in metres prices the work of its own clause, not the path
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "新铺透水步道一处，长420米、宽2米，每平方米170元；为辖区老年人免费加装扶手，每处650元。")}
    assert found["650元"].object == "免费加装扶手", found["650元"]
    assert ("数量指标", "45场次") in rows.values(), rows


def test_lengths_in_yan_mi_work_done_for_counted_units_and_a_bare_payment_named_by_its_work():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "波形护栏按每延米0.05万元计，新装护栏1800延米；疏浚河道4条12公里，补助60万元；清理沟渠9条7公里，补助21万元。"
        "为40户加装适老化扶手，每户0.3万元。")}
    assert found["0.05万元"].per == "每延米" and found["1800延米"].measure == "长度", found
    assert found["60万元"].object == "疏浚河道补助" and found["21万元"].object == "清理沟渠补助", found
    assert found["40户"].name.startswith("加装适老化扶手"), found["40户"]


def test_this_years_count_is_told_apart_from_the_present_one_and_plain_shares_are_targets(index):
    result = suggest(index, Draft(name="社区食堂运营补助", amount_yuan=1_000_000, description=(
        "现有社区食堂12家。今年按社区食堂20家测算，每家补助5万元，计100万元。"
        "履约保证金按30%返还给承办企业。第二期（9月—11月）组织验收，市级按1:1.5比例配套。")))
    values = {i.name: i.value for i in result.indicators}
    assert values.get("现有社区食堂数量") == "12家" and "20家" in values.values(), values
    assert values.get("履约保证金返还比例") == "30%" and values.get("第二期实施时间") == "9月至11月", values
    assert values.get("市级配套比例") == "1:1.5", values


def test_funds_the_levels_above_put_in_are_a_row_not_dropped_for_exceeding_the_amount():
    targets = {t.name: (t.value, t.level2) for t in extract_targets(
        "中央财政已拨付专项资金300万元，本级承担其余部分。")}
    assert targets.get("中央拨付专项资金") == ("300万元", "数量指标"), targets
    assert not _target_rejections(targets, 1_000_000)


def test_events_before_a_deadline_are_kept_and_paid_shares_by_a_date_are_part_of_it():
    targets = {t.name: t.value for t in extract_targets(
        "实验室改造须在9月开学前交付；首笔经费于4月底前支付40%，其余款项验收后结清；道路10月底全部竣工。")}
    assert "9月开学前" in targets.values(), targets
    assert "4月底前支付40%" in targets.values(), targets
    assert targets.get("道路竣工时间") == "10月底", targets
    found = {q.number_text + q.unit: q for q in extract_quantities("评审环节聘请行业专家15位。")}
    assert found["15位"].measure == "人数", found


def test_months_a_work_takes_a_phase_in_one_month_and_a_share_each_level_pays_are_targets():
    targets = {t.name: (t.value, t.level2) for t in extract_targets(
        "巡回讲座于5月至9月分期开展；第一阶段（3月）完成招标；护林员补助由省、市各承担50%。")}
    assert targets.get("巡回讲座开展时间") == ("5月至9月", "时效指标"), targets
    assert targets.get("第一阶段实施时间") == ("3月", "时效指标"), targets
    assert targets.get("省、市承担比例") == ("各50%", "成本指标"), targets
    assert not _target_rejections(targets)


def test_places_counted_after_an_as_and_shares_paid_or_inspected_and_a_concentration_are_read():
    text = ("第二阶段（4—6月）开展管道内窥检测，按80处、每处0.3万元计，计24万元。另委托第三方按5%比例抽检台账。"
            "验收后支付中标价200万元的10%，计20万元；室内甲醛浓度不高于0.08%。")
    found = {q.number_text + q.unit: q for q in extract_quantities(text)}
    assert found["80处"].name == "开展管道内窥检测数量" and found["0.3万元"].per == "每处", found
    targets = {t.name: (t.value, t.level2) for t in extract_targets(text)}
    assert targets.get("中标价支付比例") == ("10%（中标价200万元）", "成本指标"), targets
    assert targets.get("室内甲醛浓度") == ("≤0.08%", "质量指标"), targets
    assert ("5%", "质量指标") in targets.values(), targets  # how much is inspected is a quality share
    assert not _target_rejections(targets)


def test_a_number_no_reading_places_gets_a_row_named_by_its_words_and_background_gets_none(index):
    # written so that no dedicated reading takes the share or the month span
    draft = Draft(name="2022年电梯维保质量抽检", amount_yuan=300_000,
                  description="市特种设备检验所对全市在用电梯开展维保质量抽检，今年检查电梯1500台，每台检验费0.2万元，计30万元；"
                              "从中抽出6%的电梯开展复检，复检结果在7—9月通报。现有检测仪器已使用11年，"
                              "近三年发生电梯困人故障38起。项目资金30万元。")
    result = suggest(index, draft)
    values = {i.name: i.value for i in result.indicators}
    by_value = {i.value: i for i in result.indicators}
    assert "6%" in by_value and "复检" in by_value["6%"].name and by_value["6%"].hint == "数值取自草稿描述", values
    assert "7月至9月" in by_value and by_value["7月至9月"].level2 == "时效指标", values
    # how old the instruments are and past breakdowns are background, not targets of this project
    assert not [v for v in values.values() if "11" in v or "38" in v], values
    assert _own_rejections(result, draft.amount_yuan) == []


def test_an_unplaced_number_nothing_names_gets_no_row(index):
    draft = Draft(name="2022年社区书屋图书更新", amount_yuan=500_000,
                  description="为40个社区书屋更新图书，每个书屋1万元；另需20万元。项目资金50万元。")
    names = [i.name for i in suggest(index, draft).indicators]
    assert "成本" not in names and not any(n.endswith(("比例", "时间")) and len(n) <= 3 for n in names), names


def test_a_past_forms_dates_are_moved_to_the_drafts_year():
    from app.drafting import _dates_moved

    assert _dates_moved("2021-11-15", 1) == "2022年11月15日"
    assert _dates_moved("2020 年 6 月底前", 2) == "2022年6月底前"
    assert _dates_moved("2021.09", 1) == "2022年9月"
    # a standard's number and plain counts are no dates
    assert _dates_moved("符合 GB5749-2006 标准", 1) == "符合 GB5749-2006 标准"
    assert _dates_moved("≥2000元/人", 1) == "≥2000元/人"


def test_a_close_precedents_stale_year_does_not_reach_a_later_draft(index):
    result = suggest(index, Draft(name="2023年县属普通高中国家助学金", amount_yuan=5_800_000,
                                  description="向县属高中经济困难家庭的在校生发放国家助学金，预计资助 2,900 人，"
                                              "每生每年 2000 元，项目资金 580 万元。"))
    values = [i.value for i in result.indicators]
    assert not [v for v in values if re.search(r"20(?:1\d|2[0-2])\s*[-年./]", v)], values
    assert any(v.startswith("2023年") for v in values), values


def test_a_total_beyond_the_amount_tells_the_scale_of_its_price_or_share(index):
    # all levels of government pay the whole; the project is the city's part of it
    draft = Draft(name="2022年城乡低保家庭大学新生入学资助", amount_yuan=360_000,
                  description="为城乡低保家庭大学新生发放入学资助，预计资助900人，每人一次性资助5000元，计450万元；"
                              "另为其中重度残疾家庭学生每人再资助3000元，共120人，需36万元由市级全额承担。"
                              "入学资助合计486万元，由省、市、县分担，其中市级承担约7.4%。项目资金36万元。")
    result = suggest(index, draft)
    values = [i.value for i in result.indicators]
    assert "5000元/人（总额450万元）" in values, values
    assert not [v for v in values if "总额" in v and "/" not in v and "%" not in v], values
    # the scale never counts as this project's cost
    assert _own_rejections(result, draft.amount_yuan) == []


def test_a_total_is_not_put_on_a_price_another_sum_stands_between():
    from app.drafting import SuggestedIndicator, _host_of_total

    text = "每台更换费0.5万元，合计30万元，另有企业赞助12万元"
    price = SuggestedIndicator("产出指标", "成本指标", "更换费标准", "0.5万元/台", 0, [])
    total = next(m for m in re.finditer(r"(12)(万元)", text))
    assert _host_of_total(text, total, [price]) is None
    total = next(m for m in re.finditer(r"(30)(万元)", text))
    assert _host_of_total(text, total, [price]) is price


def test_a_form_whose_rows_only_share_who_is_served_and_how_they_are_paid_is_not_followed(index):
    from app.drafting import speaks_of_draft
    from corpus.model import Declaration, Indicator, Source

    def row(name):
        return Indicator(level1="产出指标", level2="数量指标", name=name, value_annual="10 家")

    # every row is about export credit; the draft only shares 企业 and 奖励 with them
    form = Declaration(seq=1, source=Source(file="t.txt", line_start=1, line_end=9), code="T1", name="外贸出口信用奖补", indicators=[
        row("出口信用保险企业奖励数"), row("出口信用保险投保企业数"), row("出口信用保险保费补贴企业数"), row("企业奖励兑付率")])
    query = "对全市规模以上企业开展安全生产标准化评审，评审合格的企业给予奖励"
    terms = set(index.tokenizer(query))
    assert not speaks_of_draft(index, form, terms, query)
    # a draft that names the thing the rows keep returning to is spoken of
    query2 = "为中小企业出口信用保险保费给予补贴，补贴企业 120 家"
    assert speaks_of_draft(index, form, set(index.tokenizer(query2)), query2)


def test_courses_cells_cases_and_hours_bought_are_counted():
    found = {q.number_text + q.unit: q for q in extract_quantities("开发微课程 12 门，购置储物柜 20 组、计 160 格")}
    assert "12门" in found and "160格" in found
    from app.drafting import Quantity

    assert Quantity(number=3, number_text="3", unit="万元", per="每小时").value() == "3万元/小时"


def test_cases_count_only_outside_background_and_hours_bought_are_a_row(index):
    draft = Draft(name="2022年劳动争议仲裁庭审服务", amount_yuan=900_000,
                  description="去年全市受理劳动争议案件1300起。今年购买速录服务500小时，每小时0.06万元，计30万元；"
                              "全年开庭审理劳动争议案件不少于1500起，每起0.04万元，计60万元。项目资金90万元。")
    values = {i.name: i.value for i in suggest(index, draft).indicators}
    assert "500小时" in values.values() and "≥1500起" in values.values(), values
    assert not [v for v in values.values() if "1300" in v], values


def test_parallel_parts_of_one_kind_of_thing_are_named_by_their_work():
    from app.drafting import _sentence_work, drafting_data

    data = drafting_data()
    assert _sentence_work("对 20 个社区书屋进行适老化改造，每个 2 万元", data) == "适老化改造"
    assert _sentence_work("为 90 个社区书屋配置电子阅读屏，每个 0.5 万元", data).startswith("配置")


def test_two_priced_parts_of_the_same_places_both_keep_their_rows(index):
    draft = Draft(name="2022年社区书屋提升", amount_yuan=850_000,
                  description="对20个社区书屋进行适老化改造，每个2万元，计40万元；为90个社区书屋配置电子阅读屏，每个0.5万元，"
                              "计45万元。项目资金85万元。")
    values = {i.value: i.name for i in suggest(index, draft).indicators}
    assert "2万元/个" in values and "0.5万元/个" in values, values
    assert values["2万元/个"] != values["0.5万元/个"]


def test_capacity_bought_is_a_row_and_a_spec_in_brackets_is_not(index):
    draft = Draft(name="2022年政务外网带宽租用", amount_yuan=360_000,
                  description="今年向运营商租用政务外网出口带宽：扩容至10G，每G每年2万元，计20万元；"
                              "同时租用云主机（8核32G，存储20T）4台，计16万元。项目资金36万元。")
    rows = {i.value: i.name for i in suggest(index, draft).indicators}
    assert "10G" in rows and "带宽" in rows["10G"], rows
    assert "2万元/G/年" in rows, rows
    assert not [v for v in rows if "32G" in v or "20T" in v], rows


def test_a_place_word_alone_does_not_make_a_past_row_fit():
    from app.drafting import _row_matches

    class Words:  # a tokenizer that keeps the words as written here
        def __call__(self, text):
            return [w for w in ("城乡", "养老", "服务设施", "运营", "维修", "公交场站") if w in text]

    query = "维修城乡公交场站服务设施"
    assert not _row_matches(Words(), "城乡养老服务设施运营补助发放率", set(Words()(query)), query)


def test_without_the_titles_agreement_one_fitting_row_is_not_enough_to_follow_a_form(index):
    from app.drafting import speaks_of_draft
    from corpus.model import Declaration, Indicator, Source

    def row(name):
        return Indicator(level1="产出指标", level2="数量指标", name=name, value_annual="10 个")

    # the rows keep returning to crop varieties; one row (良种示范点) also fits a draft about orchard plots
    form = Declaration(seq=1, source=Source(file="t.txt", line_start=1, line_end=9), code="T2", name="良种推广",
                       indicators=[row("推广小麦品种"), row("推广玉米品种"), row("引进大豆品种"), row("良种示范点")])
    query = "建设果园良种示范点 12 个，开展果树修剪培训"
    terms = set(index.tokenizer(query))
    assert speaks_of_draft(index, form, terms, query)  # with the title's agreement one fitting row is enough
    assert not speaks_of_draft(index, form, terms, query, strict=True)
    query = "建设良种示范点 12 个，推广玉米品种 3 个"  # two rows fit: the form speaks of this draft's work
    assert speaks_of_draft(index, form, set(index.tokenizer(query)), query, strict=True)


def test_the_whole_amount_keeps_a_row_when_the_past_forms_total_row_holds_a_price():
    from app.drafting import SuggestedIndicator, _fill_from_draft

    # the past form wrote a price per person under the name most forms give the whole cost
    rows = [SuggestedIndicator("产出指标", "成本指标", "成本控制", "待填", 1, ["X"], ["1万元/人"])]
    _fill_from_draft(rows, extract_quantities("为 10 名驻村队员每人补助 2 万元"), 200_000, "", True, "成本控制")
    values = {i.name: i.value for i in rows}
    assert "≤20万元" in values.values(), values
    assert len(values) == len(rows)  # no two rows of one name


def test_a_long_name_is_cut_at_a_word_and_keeps_a_quoted_title_whole():
    names = {q.number_text + q.unit: q.name for q in extract_quantities(
        "区残联联合街道社区卫生服务中心为低保家庭中的重度残疾人免费上门康复训练320人；"
        "区文旅局在各街道开展“非遗传承人带徒进校园”系列展演活动24场。")}
    cut = names["320人"]
    assert cut.endswith("人数") and not cut.startswith(("度", "残疾人免费")) and len(cut) <= 16, names
    assert "“非遗传承人带徒进校园”" in names["24场"], names


def test_a_design_life_and_a_time_window_are_the_drafts_own_targets():
    found = {t.name: t for t in extract_targets(
        "新建库房设计使用年限25年以上，货物出库后2～3日内完成回访，投诉处理时间缩短至5个工作日。")}
    assert found["设计使用年限"].value == "≥25年" and found["设计使用年限"].level2 == "可持续影响指标", found
    assert any(t.value == "2-3日" and t.level2 == "时效指标" for t in found.values()), found
    assert any(t.value == "≤5个工作日" and t.level2 == "时效指标" for t in found.values()), found
    assert not extract_targets("现有库房已使用寿命12年。"), "an age of what exists is no target"


def test_how_a_price_was_set_and_what_a_fee_covers_do_not_name_what_it_is_per():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "铺设塑胶跑道400米，经造价咨询每米900元，计36万元；购置音响12套，按市场询价每套3000元，计3.6万元；"
        "每考点服务费（保洁、安保、水电）0.5万元，计2万元。")}
    assert found["900元"].object.endswith("塑胶跑道") and found["3000元"].object.endswith("音响"), found
    assert "）" not in found["0.5万元"].object and "水电" not in found["0.5万元"].object, found


def test_a_thing_the_draft_prices_one_of_is_counted_in_that_word():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "维护应急广播终端450路，每路每年维护费120元，计5.4万元；改造燃气锅炉12蒸吨，每蒸吨补助3万元，计36万元。")}
    assert found["450路"].name.startswith("维护应急广播终端") and not found["450路"].money, found
    assert "12蒸" not in found, "蒸吨 is the unit there, not 蒸"


def test_counts_listed_per_price_tier_take_the_tiers_words():
    counted = {q.number_text + q.unit: q.name for q in extract_quantities(
        "按楼层分档补助：6层以下每栋8万元，7至11层每栋12万元，预计分别为20栋、5栋，计220万元。")}
    assert counted["20栋"].startswith("6层以下") and counted["5栋"].startswith("7至11层"), counted


def test_a_share_taken_by_a_like_row_is_told_apart_by_its_sentences_tier(index):
    shares = _values_of(index, "2022年设施蔬菜保险保费补贴", 1_240_000,
                        "今年对设施蔬菜保险给予市级保费补贴：日光温室参保2万亩，每亩保费100元，市级补贴30%，计60万元；"
                        "拱棚蔬菜参保4万亩，每亩保费40元，市级补贴40%，计64万元。农户满意度90%以上。项目资金124万元。")
    # 40% is no share already stated by "40元/亩"
    assert "30%" in shares and "40%" in shares, shares


def test_a_month_window_is_named_by_the_words_before_it(index):
    rows = _rows_by_name(index, "2022年职业技能等级认定考务", 300_000,
                         "今年认定考试于6-7月分3个批次进行，设考点3个，每个考点租用费用5万元，计15万元；"
                         "考评员劳务按每人次500元，计15万元。项目资金30万元。")
    assert ("时效指标", "6月至7月") in rows.values(), rows


def test_a_count_those_paid_must_exceed_is_a_bar_not_how_many_are_paid(index):
    rows = _rows_by_name(index, "2022年养老机构床位运营奖补", 900_000,
                         "今年对入住老人80人以上的养老机构给予运营奖补，预计15家，每家6万元，计90万元。机构满意度90%以上。项目资金90万元。")
    assert ("质量指标", "≥80人") in rows.values(), rows
    assert ("数量指标", "80人") not in rows.values() and ("数量指标", "15家") in rows.values(), rows


def test_what_those_served_earn_at_least_is_an_economic_target_not_a_cost():
    found = {t.name: t for t in extract_targets("培训结业后学员月均工资不低于3500元，带动合作社社员增收达到800元。")}
    assert found["培训结业后学员月均工资"].value == "≥3500元" and found["培训结业后学员月均工资"].level2 == "经济效益指标", found
    assert not any(q.number_text == "3500" for q in extract_quantities("培训结业后学员月均工资不低于3500元。")), "no cost row"


def test_a_level_lowered_to_nothing_a_limit_in_milligrams_and_units_counted_with_a_time():
    found = {t.name: t for t in extract_targets("改造后出口粉尘浓度须稳定控制在10毫克/立方米以内，超期未检设备数量降至0。")}
    assert found["改造后出口粉尘浓度"].value == "≤10毫克/立方米", found
    assert found["超期未检设备数量"].value == "0", found
    counted = {q.number_text + q.unit: q for q in extract_quantities(
        "开展送戏下乡40项次，每项次0.6万元，计24万元；6蒸吨及以上每蒸吨补助0.8万元，合计90蒸吨，计72万元；"
        "另对淘汰4蒸吨以下锅炉的企业补助。")}
    assert "40项次" in counted and counted["0.6万元"].value() == "0.6万元/项次", counted
    assert "90蒸吨" in counted and counted["0.8万元"].value() == "0.8万元/蒸吨", counted
    assert "6蒸吨" not in counted and "4蒸吨" not in counted, "where a tier begins and a size bar are no counts"


def test_a_unit_price_with_its_unit_is_per_that_unit_and_a_second_tiers_share_keeps_its_row():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "铺设防滑步道260米，按每米综合单价450元计11.7万元；处理渗滤液1.5万吨，每吨结算单价80元，计120万元。")}
    assert found["450元"].value() == "450元/米" and found["450元"].object.endswith("防滑步道"), found
    assert found["80元"].value() == "80元/吨", found
    shares = {t.name: t.value for t in extract_targets(
        "一般县区市级承担30%，县级承担70%；财政困难县区继续实施兜底保障，市级承担50%。")}
    assert "30%" in shares.values() and "50%" in shares.values(), shares


def test_a_second_price_for_things_counted_earlier_keeps_its_row_named_by_the_clause_before(index):
    values = _values_of(index, "2022年液化气钢瓶安全改造", 1_686_000,
                        "今年为在用钢瓶加装智能角阀4.2万只，每只38元，计159.6万元；到期钢瓶统一清洗检测，每只15元，计9万元。"
                        "用户满意度90%以上。项目资金168.6万元。")
    assert "15元/只" in values and "≤9万元" in values, values
    found = {q.number_text + q.unit: q for q in extract_quantities("钢瓶加装角阀500只，每只40元，计2万元；钢瓶粘贴追溯标签，每只3元，计0.15万元。")}
    assert found["3元"].object == "追溯标签", found


def test_a_levels_share_set_against_a_base_is_its_share_of_the_cost():
    shares = {t.name: t.value for t in extract_targets(
        "贴息资金按贷款额的3%计提，市级按贷款额的1.5%负担，计60万元。")}
    assert shares.get("市级资金承担比例") == "1.5%", shares


def test_what_applicants_must_do_is_a_bar_and_the_projects_own_count_keeps_the_name(index):
    values = _rows_by_name(index, "2022年家庭农场示范创建奖补", 1_000_000,
                           "今年认定示范家庭农场50家，每家奖补2万元，计100万元。申报主体须连续经营2年以上、吸纳当地劳动力5人以上。"
                           "吸纳农村劳动力就业800人以上，农场主满意度90%以上。项目资金100万元。")
    assert values.get("申报主体吸纳当地劳动力人数") == ("质量指标", "≥5人"), values
    assert ("数量指标", "800人") in values.values() and ("数量指标", "5人") not in values.values(), values
    # a size of what they must own, named after the number, is not read as that bar
    found = {q.number_text + q.unit: q for q in extract_quantities("承办企业须拥有5000平方米以上仓库，应急物资储备2万件。")}
    assert "5000平方米" in found and "2万件" in found, found
    # 应急 is not 应 (must)
    found = {q.number_text + q.unit: q for q in extract_quantities("委托救援企业提供应急值守不少于90天，每天0.5万元，计45万元。")}
    assert "90天" in found, found


def test_a_rate_within_a_time_window_also_gives_the_window_as_a_time_limit():
    targets = {t.name: (t.value, t.level2) for t in extract_targets(
        "群众报警后10分钟出警率达到97%以上，来信2个工作日回复率100%，居民步行10分钟可达率90%以上。")}
    assert targets.get("群众报警后出警时间") == ("≤10分钟", "时效指标"), targets
    assert targets.get("出警率") == ("≥97%", "质量指标"), targets
    assert ("≤2个工作日", "时效指标") in targets.values(), targets
    # reach on foot is a coverage, not how fast something is done
    assert not any("可达时间" in name for name in targets), targets


def test_who_qualifies_named_after_the_number_is_a_bar_and_counts_may_be_written_in_yi():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "支持新建出菇车间15个。补助对象为本市登记的、年产鲜菇500吨以上的食用菌企业。新增年繁育能力1.5亿株。")}
    assert "500吨" not in found and "15个" in found, found  # a bar, read as a standard later
    assert found["1.5亿株"].value() == "1.5亿株", found


def test_a_sentence_of_last_years_figures_gives_no_count_but_this_years_work_after_it_does():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "去年全市受理消费投诉4200件。今年对上年新评定的示范店12家各奖励2万元，计24万元。")}
    assert "4200件" not in found, found
    assert "12家" in found, found  # a sentence that pays this year's money is this project's work


def test_a_sum_of_like_parts_already_priced_is_their_total_not_a_third_like_row(index):
    values = _rows_by_name(index, "2022年课后服务费返还", 1_400_000,
                           "市实验小学代收课后服务费。春季学期参加学生1800人，返还服务费54万元、餐费12.4万元；秋季学期参加学生2000人，"
                           "返还服务费60万元、餐费13.6万元。餐费26万元专项用于学生午餐。项目资金140万元。")
    assert values.get("餐费合计") == ("成本指标", "≤26万元"), values


def test_people_and_days_of_each_class_are_those_of_the_classes_counted_before_them():
    found = {q.number_text + q.unit: q for q in extract_quantities(
        "举办全科医生培训班6期，每期40人、3天，每人每天300元，计21.6万元；举办护理人员培训班3期，每期50人、2天，每人每天300元，计9万元。")}
    assert found["40人"].name == "举办全科医生培训班每期人数" and found["3天"].name == "举办全科医生培训班每期天数", found
    assert found["50人"].name == "举办护理人员培训班每期人数" and found["2天"].name == "举办护理人员培训班每期天数", found
    assert found["21.6万元"].object == "举办全科医生培训班费用", found["21.6万元"]  # the sum is of the classes, not of one


def test_a_total_beyond_the_amount_the_city_bears_part_of_is_told_on_the_share_row(index):
    values = _rows_by_name(index, "2022年见义勇为人员奖励", 270_000,
                           "对本市见义勇为人员给予一次性奖励，市级负担60%。今年预计奖励一级4人，每人3万元，计12万元；二级33人，每人1万元，"
                           "计33万元，奖励总额45万元，市级负担27万元。项目资金27万元。")
    assert values.get("市级资金承担比例") == ("成本指标", "60%（总额45万元）"), values


def test_lane_kilometres_a_care_given_round_the_clock_and_a_date_before_the_heating_season_are_read(index):
    values = _values_of(index, "2022年国省道路面技术状况检测", 2_800_000,
                        "今年委托检测单位对市管国省道开展路面自动化检测，检测里程2400车道公里，每车道公里0.1万元，计240万元；"
                        "对重点路段开展弯沉检测80公里，每公里0.5万元，计40万元。项目资金280万元。")
    assert {"2400车道公里", "0.1万元/车道公里"} <= values, values
    targets = {t.name: t.value for t in extract_targets("为失能老人提供24小时看护照料，11月1日供暖前完成管网检修。")}
    assert targets.get("看护时长") == "24小时/天" and targets.get("完成管网检修时间") == "11月1日供暖前", targets


def test_a_sum_for_a_long_opening_about_whom_is_paid_is_named_by_what_is_paid_for():
    found = [q for q in extract_quantities(
        "对按期更换的老旧客车，按每辆3万元奖补，计划更换40台，计120万元；"
        "对完成电梯主机更换和安全部件改造并通过第三方验收的老旧住宅电梯，每台奖补8万元，计划30台，计240万元。") if q.unit == "万元"]
    assert any(q.number_text == "240" and q.object == "老旧住宅电梯费用" for q in found), found


def test_shares_listed_by_level_a_ratio_matched_after_it_a_window_across_the_year_and_a_service_life_are_targets():
    targets = {t.name: (t.value, t.level2) for t in extract_targets(
        "储备玉米2万吨，储备期为上年12月至当年6月；由省、市、县按40%、30%、30%比例分担；按国家补助资金1:1给予市级配套；"
        "仓储车辆使用年限12年以上；卡口坚持24小时查验。")}
    assert targets.get("储备期") == ("上年12月至当年6月", "时效指标"), targets
    assert targets.get("省级分担比例") == ("40%", "成本指标") and targets.get("县级分担比例") == ("30%", "成本指标"), targets
    assert targets.get("市级配套比例") == ("1:1", "成本指标"), targets
    assert targets.get("仓储车辆使用年限") == ("≥12年", "可持续影响指标"), targets
    assert targets.get("查验时长") == ("24小时/天", "质量指标"), targets
    assert "30道" in {q.number_text + q.unit for q in extract_quantities("评选名菜30道，名店20家。")}
    # a life already spent is background, not a target
    assert not any(v == ("≥12年", "可持续影响指标") for v in {t.name: (t.value, t.level2) for t in extract_targets(
        "现有车辆使用年限已达12年以上，故障频发。")}.values())


def test_a_total_beyond_the_amount_is_told_on_the_share_of_the_level_that_pays_this_project(index):
    values = _rows_by_name(index, "2022年退役士兵职业技能培训补助", 360_000,
                           "补助标准为每人1500元，由省、市、县按40%、30%、30%比例分担。今年预计培训800人，所需资金120万元，"
                           "其中市级承担36万元。项目资金36万元。")
    assert values.get("市级分担比例") == ("成本指标", "30%（总额120万元）"), values
    assert values.get("省级分担比例") == ("成本指标", "40%"), values
