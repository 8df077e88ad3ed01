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
    section_aliases: dict[str, str]
    followup_markers: list[str]
    referent_markers: list[str]
    scope_markers: list[str]
    same_organisation_pattern: str  # "这家单位另外还有什么项目": the referent's organisation
    listed_markers: list[str]  # "这三项合计": the projects the last answer listed, not all it ranged over
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
    rate_markers: dict[str, list[str]]
    measure_words: dict[str, list[str]]
    money_words: list[str]
    subpart_markers: list[str]  # "老年体育那块": after the words naming a part of the project
    money_pattern: str  # "心理健康服务费给了多少": a cost item asked after, without a money word
    noun_units: dict[str, list[str]]  # "面积" is answered in 平方米 or 亩
    field_patterns: dict[str, list[str]]
    entity_suffixes: list[str]
    organisation_kinds: list[str]  # 局, 支队, 学校: how a short organisation name ends
    contact_roles: list[str]  # "张三负责的": words that make a two-character name a contact person
    entity_action_words: list[str]  # "资助幼儿园" names a kind of place, not an organisation
    everyday_synonyms: dict[str, list[str]]  # everyday word → the words forms print for it
    longterm_words: list[str]
    annual_words: list[str]
    both_words: list[str]
    part_separators: str
    described_pattern: str
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

    @field_validator("ordinal_pattern", "part_separators", "described_pattern", "top_pattern", "money_pattern", "same_organisation_pattern")
    @classmethod
    def _compile_one(cls, pattern: str) -> str:
        re.compile(pattern)
        return pattern

    @field_validator("amount_patterns", "date_patterns")
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


class Thresholds(BaseModel):
    """Fitted on labelled development questions by eval/calibrate.py; see its report."""

    model_config = ConfigDict(extra="forbid")

    name_match: float  # share of a project's name the question must spell out
    name_span_stretch: float  # how far a name's pieces may scatter in the question
    described_confident: float  # confidence at which a project found by description is answered
    described_runner_up_margin: float  # below this score margin the runner-up is named
    coverage_weight: float  # confidence = weight * coverage + (1 - weight) * margin
    semantic_floor: float  # below described_confident, answered from this coverage up when the words the
    # form lacks, searched alone by meaning, point to the same project
    claimed_name_coverage: float  # a name the asker states must be covered this strictly
    topical_relative_score: float  # projects within this share of the top score are "about" a topic
    topical_coverage: float
    search_coverage: float
    ask_coverage: float  # share of an ask's words a form must explain, or the ask is not on it
    search_relative_score: float
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
def thresholds() -> Thresholds:
    return _load("thresholds.json", Thresholds)
