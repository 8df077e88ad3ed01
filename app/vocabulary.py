"""The question vocabulary and the answering thresholds, loaded from data files and validated.

Every phrase list, pattern and threshold the answering layer uses lives in app/data/; a file with
a wrong shape or a pattern that does not compile stops the program at load with the file and key.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator


class VocabularyError(ValueError):
    pass


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: dict[str, list[str]]
    indicator_hints: dict[str, list[str]]
    operations: dict[str, list[str]]
    top_words: dict[str, int]
    project_types: dict[str, str]
    categories: dict[str, str]
    department_aliases: dict[str, str]
    claimed_name_pattern: str  # "某某补贴项目报了多少": a project's name stated as if it existed; group 1 the name
    listing_costs_pattern: str  # "包含印刷费…": a clause opening the list of an item's costs
    item_total_pattern: str  # "总费用 10 万元": the clause summing an item's costs
    money_item_pattern: str  # "咨询费" listed among asks: an item named as money
    sentence_break_pattern: str  # where one sentence of a question ends and the next begins
    unit_after_department_pattern: str  # "民政局下面的福彩中心": what may stand between a bureau and its unit
    topic_marker_pattern: str  # "关于…", "跟…有关": words marking what the projects asked for are about
    department_group_words: list[str]  # "民政系统", "民政那边": a bureau's stem plus one of these names the bureau
    text_field_words: dict[str, list[str]]  # "年度目标" → goal_annual: the text field a question says to look in
    where_to_look_pattern: str  # "年度目标里…": the field a part looks in, carried to the parts after it; group "where"
    context_part_pattern: str  # "补助比例里，…": a part ending so only says where the next part looks
    asking_word_pattern: str  # words that ask something; a part without one asks nothing itself
    government_levels: list[str]  # "省级 30%，市级 14%": shares of one sum, told apart by the level asked
    goal_value_words: list[str]  # "年度目标和中长期目标里…几人": words that only say which goal's value
    section_aliases: dict[str, str]
    followup_markers: list[str]
    referent_markers: list[str]
    scope_markers: list[str]
    same_organisation_pattern: str  # "这家单位另外还有什么项目": the referent's organisation
    within_organisation_pattern: str  # "同一个局的某某呢": a project looked for among the referent organisation's
    listed_markers: list[str]  # "这三项合计": the projects the last answer listed, not all it ranged over
    inside_markers: list[str]  # "里面…有几个" right after one project: a number on its form, not a count of projects
    refine_markers: list[str]  # "金额超过500万的有几个" after a list narrows that list
    ordinal_pattern: str
    unsupported_fields: list[str]
    unsupported_requests: list[str]
    unsupported_patterns: list[str]
    opinion_patterns: list[str]
    role_patterns: list[str]
    other_cities: list[str]
    generic_words: list[str]
    corpus_words: list[str]
    drafting_markers: list[str]
    quantity_words: list[str]
    totalizers: list[str]
    rate_asking_words: list[str]  # "…的标准": asks a rate though no 每 is said
    per_unit_pattern: str  # "1.5 万元/人", "每人 200 元": a clause stating a value per unit
    rate_markers: dict[str, list[str]]
    measure_words: dict[str, list[str]]
    money_words: list[str]
    subpart_markers: list[str]  # "老年体育那块": after the words naming a part of the project
    subpart_pattern: str  # "经费里全民健身安排了多少": group "part" names a part of the project
    count_item_pattern: str  # "培训班数是多少": an item that names a count, never money carried over from its neighbours
    item_separator: str  # "联系人、电话": items of one clause, distributed over by 各/分别 first
    superlative_referent_pattern: str  # "那个最小的…联系人": the project just ranked, not a new ranking
    other_one_pattern: str  # "另外一个项目": the organisation's other project than the one talked about
    same_contact_pattern: str  # "这位联系人还管哪些项目": the other projects of the contact talked about
    carried_money_pattern: str  # "治理小广告又是多少": a part asked in the terms of the money part before it
    history_year_before: str  # "从2017年起", "2019—2020年": a year in a story the form tells, not data asked
    history_year_after: str
    declared_amount_words: list[str]  # "报了多少": the declared amount itself, never a cost row
    stated_totals: list[str]  # "总投资": a whole the form's text states, not its declared amount
    total_measures: list[str]  # "建设总长度多少": a total of a measure, stated by the sentence that sums it
    listed_count_pattern: str  # "这两个", "那三项": how many projects a follow-up points back to
    difference_pattern: str  # "它俩差了多少": the difference between the two projects just talked about
    more_or_less_pattern: str  # "多还是少": a comparison asked both ways, not words of a topic
    against_pattern: str  # "比它", "跟它相比": one project set against another
    group_department_pattern: str  # "哪个部门项目最多", "金额最高的部门": counts or totals per 主管部门
    group_section_pattern: str  # "各科室", "预算总额最高的科室": per 科室
    item_rank_pattern: str  # "这里面哪部分开支最大": the project's own items ranked, not projects
    basis_named_pattern: str  # "测算里…": the question looks in the 测算依据
    project_period_pattern: str  # "项目起止时间": the project's whole period, not a step of its plan
    step_start_pattern: str  # "什么时候开始": when a step of the plan starts (its line gives no end)
    item_money_pattern: str  # an item's money in the 测算依据: "垃圾桶监管设备 1071150 元"
    item_number_prefix_pattern: str  # "1、", "（2）": the numbering before an item
    no_department_phrases: list[str]  # "市委市政府": the leadership in general, which names no department
    positional_pattern: str  # "前一个", "后面那个": the first or the last of the two (or more) just listed
    back_to_pattern: str  # "回到…那个": back to a project talked about earlier in the conversation
    spoken_levels: dict[str, str]  # "市里自己掏" → 市级: a level of government said in everyday words
    money_asking_words: list[str]  # "需要多少钱": words that only ask for money, naming no piece of the project
    existence_opening_pattern: str  # "民政局有个用…给…发补贴的": "there is one that…" opens a description, not a name
    whole_money_pattern: str  # "总共多少钱": a money part about the whole project, not the piece named before
    which_one_pattern: str  # "哪个": where a comparison's question starts, after the pair compared
    pair_each_pattern: str  # "A和B各报了多少": a pair asked of each, found the way a compared pair is
    pair_joiner_pattern: str  # "甲跟乙比": the word between two projects set against each other
    pair_side_trim_pattern: str  # "乙两个", "乙比": words after a side of such a pair that are not its name
    compared_with_pattern: str  # "比某某那个…": the word that sets a described project against another
    declaring_verbs: list[str]  # "申报经费最低的是哪项": how a project asks for money, not what it is about
    spoken_money_pattern: str  # "补几块钱" is "补多少钱", not a count of 块
    pair_marker_pattern: str  # "A和B这两个的联系人": what follows the pair is asked of each
    counted_projects_pattern: str  # "有几个项目/单位": a count of projects, not of things inside one
    year_asking_chars: str  # characters of asking words, which tell nothing a form says of a year
    bare_how_much_pattern: str  # "…那个，多少？": nothing asked but how much
    describing_clause_pattern: str  # "做实验室装修的，空调采购多少": group "asked" follows the description
    inside_this_one_pattern: str  # "这个里面…": inside the one project just named, not the list before it
    rank_pattern: str  # "第二大的": one place of a ranking; groups "n", "high", "low"
    bottom_rank_pattern: str  # "倒数第二": one place counted from the bottom; group "n"
    request_pattern: str  # "顺便看下…", "再查一下…": a part that asks by request, with no asking word
    spoken_yuan_pattern: str  # "每人 30 块": 30 元; group "number"
    year_describing_pattern: str  # "去年招标、今年验收的那个": a relative year describing the project, not asked
    until_year_pattern: str  # "到2025年一共多少": asked of the long-term goal set to that year
    sort_pattern: str  # "按金额从高到低排一下": a listing in order; groups "desc", "asc"
    sentence_opener_pattern: str  # "那引智那个…": a leading 那 that opens the sentence and points at nothing
    name_joiner_pattern: str  # what stands between two project names a question joins ("甲和乙")
    inclusive_mark_pattern: str  # "（含）" before 以上/以下: dropped, bounds are inclusive anyway
    inside_project_pattern: str  # "某某经费里，…": what follows asks for pieces of the project just named
    chinese_amount_pattern: str  # "四十万", "十万块": money in Chinese numerals; groups "number" and "unit"
    spaced_question_pattern: str  # "经费多少 电话多少": a space between two asking clauses parts them
    item_start_pattern: str  # "2、…", "组织…": a clause that opens the next item of a costing, not more of this one
    served_people: list[str]  # "按几个学生算的" after one project: who it serves, no reason to look for another project
    group_count_pattern: str  # "哪个部门只有两个项目": groups of exactly that many projects; group 1 is the number
    comparison_patterns: dict[str, str]  # "哪个资助的人数多": max/min over the projects just talked about
    count_suffix_units: dict[str, str]  # "招聘会场次" 2 reads "2 场": the unit a bare count is in
    name_prefixes: list[str]  # "聊城市", "国家综合性": what people drop from the front of a project name
    whole_corpus_markers: list[str]  # "选编里所有项目": the whole library, not the scope just talked about
    recall_markers: list[str]  # "刚才说的那个": a description that points back into the conversation
    name_contains_pattern: str  # "名称里带“培训”的": a filter on the project name; group "word" is the text
    money_pattern: str  # "心理辅导费安排了多少": a cost item asked after, without a money word
    noun_units: dict[str, list[str]]  # "面积" is answered in 平方米 or 亩
    field_patterns: dict[str, list[str]]
    entity_suffixes: list[str]
    organisation_kinds: list[str]  # 局, 支队, 学校: how a short organisation name ends
    contact_roles: list[str]  # "张三负责的": words that make a two-character name a contact person
    generic_entity_words: list[str]  # "承保公司", "物业公司": a kind of company, not one named
    entity_action_words: list[str]  # "资助幼儿园" names a kind of place, not an organisation
    filler_tags: list[str]  # jieba tags of everyday filler (pronouns, place and time words…): absent from every form, they say nothing
    function_chars: str  # characters a cut across two words leaves at its edge ("湖都", "那座"): judged without them
    longterm_words: list[str]
    annual_words: list[str]
    both_words: list[str]
    part_separators: str
    described_pattern: str
    described_tail_pattern: str  # "那个<more>的项目，<ask>": a description that goes on after "那个"
    described_spend_pattern: str  # "办运动会、组织参赛用的经费是多少": the project named by what its money is for
    which_project_patterns: list[str]
    indicator_count_patterns: list[str]
    blank_patterns: list[str]
    top_pattern: str
    amount_patterns: dict[str, str]
    date_patterns: dict[str, str]

    @field_validator(
        "unsupported_patterns", "opinion_patterns", "role_patterns", "which_project_patterns",
        "indicator_count_patterns", "blank_patterns",
    )
    @classmethod
    def _compile_list(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            re.compile(p)
        return patterns

    @field_validator("text_field_words")
    @classmethod
    def _text_fields(cls, words: dict[str, list[str]]) -> dict[str, list[str]]:
        known = {"basis", "overview", "legal_basis", "feasibility", "goal_annual", "goal_longterm", "schedule", "remarks"}
        for word, fields in words.items():
            if not fields or set(fields) - known:
                raise ValueError(f"“{word}”须对应申报表文字字段 {sorted(known)} 之一")
        return words

    @field_validator("department_group_words", "goal_value_words", "government_levels", "no_department_phrases",
                     "money_asking_words", "rate_asking_words")
    @classmethod
    def _words_present(cls, words: list[str]) -> list[str]:
        if not words or not all(w.strip() for w in words):
            raise ValueError("词表不能为空，也不能含空词")
        return words

    @field_validator("claimed_name_pattern", "item_total_pattern", "money_item_pattern", "context_part_pattern", "asking_word_pattern", "unit_after_department_pattern", "sentence_break_pattern",
                     "topic_marker_pattern", "ordinal_pattern", "part_separators", "described_pattern", "described_spend_pattern",
                     "described_tail_pattern",
                     "top_pattern", "money_pattern",
                     "same_organisation_pattern", "within_organisation_pattern", "superlative_referent_pattern", "other_one_pattern", "item_separator", "carried_money_pattern",
                     "listed_count_pattern", "count_item_pattern", "history_year_before", "history_year_after",
                     "difference_pattern", "more_or_less_pattern", "against_pattern", "group_department_pattern", "group_section_pattern", "positional_pattern", "back_to_pattern", "existence_opening_pattern", "whole_money_pattern", "which_one_pattern", "pair_each_pattern", "item_rank_pattern", "basis_named_pattern", "project_period_pattern", "step_start_pattern", "item_money_pattern", "item_number_prefix_pattern", "pair_joiner_pattern", "pair_side_trim_pattern", "compared_with_pattern", "group_count_pattern", "spoken_money_pattern", "spoken_yuan_pattern", "request_pattern", "rank_pattern", "inside_this_one_pattern", "counted_projects_pattern", "bare_how_much_pattern", "year_describing_pattern", "until_year_pattern", "sort_pattern", "sentence_opener_pattern", "name_joiner_pattern", "describing_clause_pattern", "pair_marker_pattern", "spaced_question_pattern", "chinese_amount_pattern", "inclusive_mark_pattern", "inside_project_pattern", "item_start_pattern",
                     "same_contact_pattern", "per_unit_pattern")
    @classmethod
    def _compile_one(cls, pattern: str) -> str:
        re.compile(pattern)
        return pattern

    @field_validator("name_contains_pattern", "subpart_pattern", "describing_clause_pattern", "spoken_yuan_pattern",
                     "chinese_amount_pattern", "rank_pattern", "bottom_rank_pattern", "sort_pattern", "where_to_look_pattern",
                     "listing_costs_pattern", "item_rank_pattern", "item_money_pattern", "positional_pattern")
    @classmethod
    def _has_named_group(cls, pattern: str, info) -> str:
        groups = {"name_contains_pattern": ["word"], "subpart_pattern": ["part"], "describing_clause_pattern": ["asked"],
                  "spoken_yuan_pattern": ["number"], "chinese_amount_pattern": ["number", "unit"],
                  "rank_pattern": ["n", "high", "low"], "bottom_rank_pattern": ["n"], "where_to_look_pattern": ["where"], "listing_costs_pattern": ["cost"],
                  "sort_pattern": ["desc", "asc"], "item_rank_pattern": ["dir", "dir2"], "item_money_pattern": ["num", "unit"], "positional_pattern": ["first", "last"]}[info.field_name]
        for group in groups:
            if group not in re.compile(pattern).groupindex:
                raise ValueError(f"{info.field_name} 必须有名为 {group} 的分组")
        return pattern

    @field_validator("amount_patterns", "date_patterns", "comparison_patterns", "spoken_levels")
    @classmethod
    def _compile_named(cls, patterns: dict[str, str]) -> dict[str, str]:
        for p in patterns.values():
            re.compile(p)
        return patterns

    @field_validator("field_patterns")
    @classmethod
    def _compile_fields(cls, patterns: dict[str, list[str]]) -> dict[str, list[str]]:
        for ps in patterns.values():
            for p in ps:
                re.compile(p)
        return patterns


class Everyday(BaseModel):
    """Everyday words for what the forms print in their own terms (当兵 → 退役, 买车 → 车辆购置)."""

    model_config = ConfigDict(extra="forbid")

    comment: str = ""
    words: dict[str, list[str]]

    @field_validator("words")
    @classmethod
    def _words(cls, words: dict[str, list[str]]) -> dict[str, list[str]]:
        for everyday, printed in words.items():
            if not 1 <= len(everyday) <= 8 or not printed or any(not p.strip() for p in printed):
                raise ValueError(f"“{everyday}”：日常用词须为 1–8 个字，且至少对应一个申报表用词")
        return words


class Thresholds(BaseModel):
    """Fitted on labelled development questions by eval/calibrate.py; see its report."""

    model_config = ConfigDict(extra="forbid")

    name_match: float  # share of a project's name the question must spell out
    loose_name_match: float  # the same inside the one bureau the question names
    joined_name_match: float  # a name joined by 和/与/、 to one spelled out may be spelled this loosely
    name_span_stretch: float  # how far a name's pieces may scatter in the question
    further_name_match: float  # a second project named in the same question must be spelled this fully
    described_confident: float  # confidence at which a project found by description is answered
    described_runner_up_margin: float  # below this score margin the runner-up is named
    coverage_weight: float  # confidence = weight * coverage + (1 - weight) * margin
    semantic_floor: float  # below described_confident, answered from this coverage up when the words the
    # form lacks, searched alone by meaning, point to the same project
    agreement_floor: float  # …and from this coverage up when the lexical and the dense retriever each rank it first
    claimed_name_coverage: float  # a name the asker states must be covered this strictly
    topical_relative_score: float  # projects within this share of the top score are "about" a topic
    topical_coverage: float
    search_coverage: float
    ask_coverage: float  # share of an ask's words a form must explain, or the ask is not on it
    search_relative_score: float
    common_word_frequency: int  # a verb or adjective this frequent in jieba's corpus is everyday filler
    telling_figure_forms: int  # a figure of a description stated by at most this many forms tells which one
    max_question_chars: int
    max_amount_yuan: float  # amounts beyond this are not amounts a form can hold

    @field_validator("*")
    @classmethod
    def _positive(cls, v):
        if v < 0:
            raise ValueError("阈值不能为负数")
        return v


def _load(name: str, model):
    path = resources.files("app").joinpath(f"data/{name}")
    try:
        return model.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, ValidationError, re.error) as exc:
        raise VocabularyError(f"数据文件 app/data/{name} 无效：{exc}。请检查该文件或重新安装 jixiao。") from None


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return _load("vocabulary.json", Vocabulary)


@lru_cache(maxsize=1)
def everyday_words() -> dict[str, list[str]]:
    return _load("everyday.json", Everyday).words


@lru_cache(maxsize=1)
def thresholds() -> Thresholds:
    return _load("thresholds.json", Thresholds)
