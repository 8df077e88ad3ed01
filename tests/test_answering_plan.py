"""The answering layer without the model: a fake index (the protocol app.identify.SearchIndex)
over the real records. Multi-part questions, described projects, follow-ups that keep their scope,
refusals from facts, and the plan itself. Wordings here are this file's own."""

from __future__ import annotations

import json
import re

import pytest

from app.answer import Answerer, Conversation
from app.grounding import ungrounded
from app.understand import understand
from app.vocabulary import Vocabulary, VocabularyError, _load
from corpus import format_amount
from corpus.text import squash
from index.search import Hit
from index.tokenize import ChineseTokenizer, domain_terms


class FakeIndex:
    """Character-bigram overlap over each form's text: enough to find a described project."""

    def __init__(self, records):
        self.records = records
        self.tokenizer = ChineseTokenizer(domain_terms(records))
        self._grams = {r.code: self._bigrams(squash(r.model_dump_json(exclude={"source", "warnings"}))) for r in records}

    @staticmethod
    def _bigrams(text: str) -> set[str]:
        return {text[i : i + 2] for i in range(len(text) - 1)}

    def search(self, query, k=10, mode="hybrid", filters=None, profile=None):
        q = self._bigrams(squash(query))
        pool = filters.apply(self.records) if filters else self.records
        scored = sorted(((len(q & self._grams[r.code]) / (len(q) or 1), r) for r in pool), key=lambda x: -x[0])
        return [Hit(r.code, r.name, s, "meta", r.name, r.seq) for s, r in scored[:k] if s > 0]


@pytest.fixture(scope="module")
def fake(records):
    return Answerer(FakeIndex(records))


def ask(answerer, question, state=None):
    return answerer.ask(question, state or Conversation())


def grounded(answerer, answer):
    cited = [answerer.by_code[c.code] for c in answer.citations]
    return cited and not ungrounded(answer.answer, cited)


# ---------------------------------------------------------------- multi-part questions


def test_every_field_of_a_multi_part_question(fake, by_name):
    r = by_name["东昌湖维护费"]
    answer, _ = ask(fake, "东昌湖维护费的对接人叫什么、座机号码是几，总共批了多少钱？")
    assert not answer.refused
    for value in (r.contact, r.phone, format_amount(r.amount_yuan)):
        assert value in answer.answer


def test_several_indicator_values_in_one_question(fake):
    answer, _ = ask(fake, "招商联络事务每场会议开几天、会议人数多少？")
    assert "7 天" in answer.answer and "100 人" in answer.answer


def test_items_before_each_are_asked_one_by_one(fake):
    answer, _ = ask(fake, "市残联残疾人就业培训里招聘会和技能大赛各要多少钱")
    assert "3.25 万元" in answer.answer and "14.25 万元" in answer.answer
    assert grounded(fake, answer)


def test_both_values_of_an_indicator(fake, records):
    r, ind = next((r, i) for r in records for i in r.indicators
                  if i.value_longterm and i.value_annual and i.value_longterm != i.value_annual and len(i.name) >= 4
                  and not re.search(r"\d", i.name))
    answer, _ = ask(fake, f"{r.name}的{i_name(ind)}，中长期和年度各定的多少？")
    assert ind.value_longterm in answer.answer and ind.value_annual in answer.answer


def i_name(ind):
    return squash(ind.name)


def test_a_part_the_form_lacks_is_said_to_be_missing(fake):
    answer, _ = ask(fake, "东昌湖维护费的拆迁补偿款是多少")
    assert answer.refused and "东昌湖维护费" in answer.answer


# ---------------------------------------------------------------- described projects


def test_a_project_described_in_everyday_words_is_answered_and_named(fake):
    answer, _ = ask(fake, "给律所付常年法律顾问费的那个国资委项目，律师费定的多少？")
    assert not answer.refused
    assert "法律顾问服务" in answer.answer and "90000" in answer.answer


def test_which_project_names_it_with_its_code(fake, by_name):
    r = by_name["公益性守灵厅"]
    answer, _ = ask(fake, "殡葬管理处盖守灵间的是什么项目")
    assert not answer.refused and r.code in answer.answer


def test_a_number_written_in_the_forms_text(fake):
    answer, _ = ask(fake, "公益性守灵厅打算建多少套守灵间？")
    assert "18 套" in answer.answer and "测算依据" in answer.answer


# ---------------------------------------------------------------- conversations


def test_follow_ups_keep_the_scope_and_flip_the_operation(fake, records):
    dept = "聊城市卫生健康委员会"
    scoped = [r for r in records if dept in (r.department + r.unit)]
    state = Conversation()
    answer, state = ask(fake, "卫健委名下都有什么项目", state)
    assert len(state.scope) == len(scoped)
    answer, state = ask(fake, "这些里头哪一项预算最高", state)
    biggest = max(scoped, key=lambda r: r.amount_yuan)
    assert biggest.name in answer.answer and "上一轮" in answer.answer
    answer, state = ask(fake, "反过来，最少的呢", state)
    smallest = min(scoped, key=lambda r: r.amount_yuan)
    assert smallest.name in answer.answer and biggest.name not in answer.answer
    answer, state = ask(fake, "它找谁对接", state)
    assert smallest.contact in answer.answer


def test_an_ordinal_picks_from_the_list(fake, records):
    state = Conversation()
    _, state = ask(fake, "科技局有哪些项目", state)
    second = fake.by_code[state.scope[1]]
    answer, _ = ask(fake, "第二个由谁来实施", state)
    assert second.unit in answer.answer and second.name in answer.answer


def test_a_follow_up_stays_on_the_project_talked_about(fake, by_name):
    r = by_name["东昌湖维护费"]
    state = Conversation()
    _, state = ask(fake, "东昌湖维护费谁负责", state)
    answer, _ = ask(fake, "景区维护面积多大？", state)
    assert r.name in answer.answer and "70 万平方米" in answer.answer


def test_a_new_name_with_ne_asks_the_same_thing(fake, by_name):
    state = Conversation()
    _, state = ask(fake, "仲裁经费1留的电话", state)
    answer, _ = ask(fake, "那么仲裁经费 2 呢", state)
    assert by_name["仲裁经费 2"].phone in answer.answer


# ---------------------------------------------------------------- aggregates and refusals


def test_indicator_rows_of_one_form_are_counted(fake, by_name):
    r = by_name["东昌湖维护费"]
    answer, _ = ask(fake, "东昌湖维护费的绩效指标表一共有几条指标？")
    assert f"共列 {len(r.indicators)} 个" in answer.answer


def test_forms_with_an_empty_field(fake, records):
    blank = [r for r in records if not r.category]
    answer, _ = ask(fake, "项目分类那栏没填的表有多少张？")
    assert f"共 {len(blank)} 个项目" in answer.answer


def test_top_n_by_amount(fake, records):
    answer, _ = ask(fake, "按金额排前四名的项目")
    top = sorted(records, key=lambda r: -r.amount_yuan)[:4]
    assert all(r.name in answer.answer for r in top)
    assert sorted(records, key=lambda r: -r.amount_yuan)[4].name not in answer.answer


@pytest.mark.parametrize("question", [
    "东昌湖维护费这钱花得值不值？",
    "水利局的局长叫什么名字",
    "东昌湖维护费的年度目标完成了吗",
    "济南市的高龄津贴是多少",
    "2023年的东昌湖维护费是多少",
    "仲裁经费5的金额",
])
def test_refused_with_a_reason(fake, question):
    answer, _ = ask(fake, question)
    assert answer.refused, answer.answer


def test_years_and_city_come_from_the_records(fake):
    answer, _ = ask(fake, "2019年的招商联络事务预算多少")
    assert answer.refused and "聊城市" in answer.answer and "2021" in answer.answer


# ---------------------------------------------------------------- the plan and its data


@pytest.mark.parametrize(("question", "intent"), [
    ("东昌湖维护费的联系人", "lookup"),
    ("民政局总共申报了多少钱", "aggregate"),
    ("各科室分别有几个项目", "group"),
    ("给困难家庭孩子交保教费的那个项目是哪个", "which_project"),
    ("东昌湖维护费这钱花得值不值", "refuse"),
])
def test_the_plan_names_one_intent(records, question, intent):
    assert understand(question, records).intent == intent


def test_multi_part_plan_has_one_ask_per_part(records):
    plan = understand("招商联络事务开几次会、每次几天、多少人参加", records)
    assert len(plan.asks) == 3


def test_vocabulary_file_is_validated(tmp_path, monkeypatch):
    from app import vocabulary as vocab

    bad = json.loads((vocab.resources.files("app") / "data/vocabulary.json").read_text(encoding="utf-8"))
    bad["top_pattern"] = "前(("  # does not compile
    with pytest.raises(Exception):
        Vocabulary.model_validate(bad)
    lacking = json.loads((vocab.resources.files("app") / "data/vocabulary.json").read_text(encoding="utf-8"))
    lacking["rank_pattern"] = "第([二三])大"  # compiles, but without the groups the code reads
    with pytest.raises(Exception, match="rank_pattern"):
        Vocabulary.model_validate(lacking)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "vocabulary.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(vocab.resources, "files", lambda package: tmp_path)
    with pytest.raises(VocabularyError, match="vocabulary.json"):
        _load("vocabulary.json", Vocabulary)


def test_two_named_scopes_are_compared(fake, records):
    answer, _ = ask(fake, "民政局跟残联分别报了几个项目")
    for dept in ("聊城市民政局", "聊城市残疾人联合会"):
        n = sum(1 for r in records if r.department == dept)
        assert re.search(rf"\| {dept} \| {n} \|", answer.answer), answer.answer


def test_nouns_joined_by_and_are_two_asks_with_their_units(fake):
    answer, _ = ask(fake, "公益性守灵厅的总面积和每平方米造价")
    assert "5400 平方米" in answer.answer and "3600 元" in answer.answer


def test_a_list_is_narrowed_by_a_follow_up(fake, records):
    state = Conversation()
    _, state = ask(fake, "教科文科有哪些项目", state)
    answer, _ = ask(fake, "其中超过一千万的有几个", state)
    n = sum(1 for r in records if r.section == "教科文科" and r.amount_yuan > 1e7)
    assert f"共 {n} 个项目" in answer.answer and "上一轮" in answer.answer


def test_counting_people_on_a_described_form_is_not_counting_projects(records):
    plan = understand("给退役士兵发一次性补助的项目大概几个人能领", records)
    assert plan.op is None
    assert understand("民政局名下一共几个项目？", records).op == "count"


def test_an_amount_named_as_printed_picks_the_project(fake, records):
    r = next(r for r in records if r.amount_yuan == 60_000_000)
    answer, _ = ask(fake, "预算是6000万的是哪个项目")
    assert r.name in answer.answer


@pytest.mark.parametrize("command", ["ask", "search"])
def test_an_empty_question_is_refused_before_anything_is_loaded(command, tmp_path):
    from app.cli import main

    with pytest.raises(SystemExit, match="请给出"):
        main([command, "", "--data-dir", str(tmp_path / "data")])
    assert not (tmp_path / "data").exists()  # no model converted, no index built


def test_a_record_question_does_not_load_torch(home, index):
    """The model loads on the first query that needs a vector; a record question never does."""
    import subprocess
    import sys

    code = ("import sys; from app.cli import main; main(['ask', '东昌湖维护费的联系人', '--data-dir', sys.argv[1]]);"
            "print('torch' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code, str(home)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "刘洪林" in run.stdout and run.stdout.strip().endswith("False")


def test_understanding_does_not_depend_on_the_process_hash_seed(tmp_path):
    # words removed longest first used to tie-break by set order, which Python varies per process
    import subprocess
    import sys

    code = ("from app.understand import topic_of\n"
            "print(topic_of('档案管理业务经费一年花多少钱'), topic_of('城管局几个项目加起来总计是多少'))\n")
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                             env={**__import__("os").environ, "PYTHONHASHSEED": seed})
        assert run.returncode == 0, run.stderr
        outputs.add(run.stdout)
    assert len(outputs) == 1, outputs


# ---------------------------------------------------------------- everyday words and filler


def test_everyday_filler_that_no_form_uses_weighs_nothing(fake):
    finder = fake.finder
    # pronouns, place words and common verbs no form prints say nothing about which project is meant
    for filler in ("咱们", "旁边", "回来"):
        assert finder.weight(filler) == 0.0, filler
    # a thing named, or a rarer action, that no form has tells of a project that is not there
    for topic in ("地铁", "加装"):
        assert finder.weight(topic) > 0.0, topic


def test_everyday_words_expand_the_search_and_count_as_found(fake, by_name):
    finder = fake.finder
    assert "退役" in finder.expanded("退伍的人")
    code = by_name["自主就业退役士兵一次性经济补助市级配套资金"].code
    assert finder.covered("退伍", code)


def test_a_name_after_an_organisation_is_still_a_name_the_asker_claims():
    from app.identify import claims_name

    assert claims_name("市民政局的流浪猫救助补贴项目联系人是谁")
    assert not claims_name("给困难家庭孩子交保教费的那个项目是哪个")


def test_asking_whether_money_was_worth_it_is_an_opinion(fake):
    answer, _ = ask(fake, "东昌湖维护这笔钱花得值吗")
    assert answer.refused, answer.answer


def test_everyday_word_file_is_validated(tmp_path, monkeypatch):
    from app import vocabulary as vocab

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "everyday.json").write_text(json.dumps({"words": {"当兵": []}}), encoding="utf-8")
    monkeypatch.setattr(vocab.resources, "files", lambda package: tmp_path)
    with pytest.raises(VocabularyError, match="everyday.json"):
        _load("everyday.json", vocab.Everyday)


# ---------------------------------------------------------------- follow-ups on one project or two


def test_a_bare_number_follow_up_takes_the_other_form_of_a_numbered_series(fake, by_name):
    _, state = ask(fake, "仲裁经费一申请了多少？")
    answer, state = ask(fake, "那么二呢", state)
    assert by_name["仲裁经费 2"].code in answer.answer and "70,000" in answer.answer, answer.answer
    total, _ = ask(fake, "俩加一块儿多少钱", state)
    assert "1,397,500" in total.answer, total.answer


def test_both_projects_asked_one_after_another_are_these_two(fake, by_name):
    _, state = ask(fake, "招商联络事务的联系人是谁")
    _, state = ask(fake, "信访维稳经费呢", state)
    answer, _ = ask(fake, "这两个的电话各是多少", state)
    for name in ("招商联络事务", "信访维稳"):
        assert by_name[name].phone in answer.answer, answer.answer


def test_inside_one_project_a_count_is_read_from_its_form(fake, by_name):
    r = by_name["交通管理项目往年尾款"]
    _, state = ask(fake, "往年尾款那个交警项目申请了多少")
    answer, _ = ask(fake, "这里面应付工程款一共涉及几个项目", state)
    assert not answer.refused and [c.code for c in answer.citations] == [r.code], answer.answer
    assert "4" in answer.answer and "相关的项目共" not in answer.answer, answer.answer


def test_total_investment_is_what_the_text_states(fake, by_name):
    r = by_name["聊城市昌润路、二干路及财干路电力管廊建设项目"]
    answer, _ = ask(fake, "昌润路电力管廊建设项目计划总投资有多大")
    assert "12497.37" in answer.answer and r.code in answer.answer, answer.answer


def test_items_that_name_a_count_are_not_asked_as_money(records):
    plan = understand("东昌湖维护费的保洁次数、作业人数和人均成本分别是多少", records)
    assert [a.money for a in plan.asks] == [False, False, True], [(a.rest, a.money) for a in plan.asks]


def test_a_total_asked_reads_on_to_the_clause_that_sums(fake):
    answer, _ = ask(fake, "“聊·胜一筹！”品牌建设这个项目，各类展会合计要多少钱")
    assert "共 90 万" in answer.answer, answer.answer


def test_money_that_only_names_the_subject_is_not_asked(records):
    counted = understand("学前政府助学金这笔钱是按多少名幼儿测算的", records)
    assert not counted.asks[0].money and counted.asks[0].measure_units
    both = understand("高龄津贴花多少钱补多少人", records)
    assert any(a.money for a in both.asks)


def test_a_refused_turn_keeps_the_project_talked_about(fake, by_name):
    r = by_name["东昌湖维护费"]
    _, state = ask(fake, "东昌湖维护费申请的钱有多少")
    refused, state = ask(fake, "其中无人机航拍测绘花了多少", state)
    assert refused.refused, refused.answer
    answer, _ = ask(fake, "那联系人是谁", state)
    assert r.contact in answer.answer, answer.answer


def test_latin_letters_are_matched_whatever_their_case(fake, by_name):
    code = by_name["污水处理运营费 1"].code
    assert fake.finder.covered("cod", code)


def test_an_organisation_before_a_named_project_asks_nothing_itself(fake, by_name):
    r = by_name["计量业务专项经费"]
    answer, _ = ask(fake, "计量所那个计量业务专项经费有多少")
    assert "6,657,000" in answer.answer and "准确率" not in answer.answer, answer.answer


def test_a_described_follow_up_with_ne_asks_the_same_thing_of_a_sibling(fake, by_name):
    _, state = ask(fake, "高中国家助学金每生每年标准多少？")
    answer, _ = ask(fake, "那学前的呢", state)
    assert by_name["教育发展专项资金：学前政府助学金"].code in answer.answer and "1200" in answer.answer, answer.answer


def test_this_batch_of_forms_is_the_whole_library(fake, records):
    answer, _ = ask(fake, "这批申报表当中哪一项的金额最少")
    smallest = min(records, key=lambda r: r.amount_yuan)
    assert smallest.code in answer.answer and "这批" not in answer.answer, answer.answer


def test_a_sum_in_wan_from_the_text_is_shown_in_yuan_too_and_stays_grounded(fake):
    answer, _ = ask(fake, "玉米那部分补贴资金，政策性种植业保险这个项目给了多少")
    assert "759.78 万元（7,597,800 元）" in answer.answer, answer.answer
    assert grounded(fake, answer)


def test_a_count_with_its_largest_cites_every_project_counted(fake):
    answer, _ = ask(fake, "水利局一共有几个项目，最贵的是哪一项")
    assert grounded(fake, answer) and len(answer.citations) > 1, answer.answer


def test_with_two_budget_years_a_year_filters_and_another_is_refused(records):
    later = [r.model_copy(update={"year": 2022, "code": r.code + "9", "seq": r.seq + 1000}) for r in records[:7]]
    both = Answerer(FakeIndex(records + later))
    answer, _ = ask(both, "2022年度一共有几个项目")
    assert "共 7 个项目" in answer.answer and "2022 年度" in answer.answer, answer.answer
    answer, _ = ask(both, "2021年度有多少个项目")
    assert f"共 {len(records)} 个项目" in answer.answer, answer.answer
    refused, _ = ask(both, "2023年度有多少个项目")
    assert refused.refused and "2021、2022" in refused.answer, refused.answer
