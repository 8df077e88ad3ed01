"""Drafting help: indicators suggested from similar past projects, and checks on a draft table.

The checks follow the Ministry of Finance rules for performance targets (财预〔2020〕10号,
财预〔2021〕101号): every 一级 present, the required 二级 under 产出, values that can be
measured, a cost consistent with the amount, time limits as dates or rates, satisfaction as
a rate, no duplicate or placeholder rows.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import json
import math
import os
import re
import statistics
import threading
import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources

from pydantic import BaseModel, Field, ValidationError, field_validator

from corpus import Declaration, format_amount
from corpus import labels as L
from corpus.parse import cost_in_yuan
from corpus.text import squash
from index.tokenize import general_tokenizer

EXPORT_COLUMNS = ("一级指标", "二级指标", "三级指标", "指标值", "备注", "来源")
REQUIRED_OUTPUT_LEVEL2 = ("数量指标", "质量指标", "时效指标", "成本指标")
BENEFIT_LEVEL2 = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")
SATISFACTION_LEVEL2 = "服务对象满意度指标"
VAGUE_VALUES = ("提升", "提高", "完善", "逐步提高", "增强", "有效", "明显", "促进", "保障", "良好", "改善", "加强",
                "持续", "推进", "推动", "健全", "优化", "满足", "增加", "减少", "降低", "较大", "显著")
PLACEHOLDERS = {"无", "——", "—", "-", "/", "指标1", "指标", "空", "待定"}
_DATE = re.compile(r"\d{4}\s*[年.\-/]|\d{1,2}\s*月|\d{1,2}\s*日|月底|年底|季度|工作日|小时|分钟|秒|天|周|之前|前完成|\d{1,2}\s*[点时]\s*前")
_RATE = re.compile(r"%|％|率")
_NUMBER = re.compile(r"\d")


class DraftIndicator(BaseModel):
    level1: str = ""
    level2: str = ""
    name: str = ""
    value: str = ""
    note: str = ""


class Draft(BaseModel):
    """A new declaration being drafted; only the description is required."""

    description: str = Field(min_length=1)
    name: str = ""
    amount_yuan: float | None = Field(default=None, ge=0)
    category: str | None = None
    project_type: str | None = None
    department: str | None = None
    indicators: list[DraftIndicator] = Field(default_factory=list)

    @field_validator("description")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("项目概况（description）不能为空")
        return v.strip()


class DraftError(ValueError):
    """A draft that cannot be read: the message says what and where."""


def parse_draft(data) -> Draft:
    try:
        return Draft.model_validate(data)
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(str(p) for p in e['loc']) or '草稿'}：{e['msg']}" for e in exc.errors())
        raise DraftError(f"草稿内容有误：{problems}。需要至少提供 description（项目概况）。") from None


# ---------------------------------------------------------------- drafting data


class DraftingDataError(ValueError):
    """app/data/drafting.json is malformed: the message names the key."""


_STRING_LISTS = ("generic_terms", "measure_words", "count_units", "person_units", "served_places", "supply_verbs", "strip_prefix",
                 "strip_suffix", "cut_after", "action_verbs", "object_stop_verbs", "beneficiaries", "per_unit_words", "skip_after_number",
                 "object_conjunctions", "price_words", "nameless_cost_words", "paying_verbs", "unstrippable_endings", "unstrippable_openings",
                 "not_kind_triggers", "cost_words", "paid_count_endings", "bare_cost_words", "type_markers", "batch_units", "government_levels")


def _require_words(container: dict, keys, where: str = "") -> None:
    """Each of ``keys`` in ``container`` is a list of non-empty strings (``where``: "targets." and the like)."""
    for key in keys:
        if not isinstance(container.get(key), list) or not all(isinstance(w, str) and w for w in container[key]):
            raise DraftingDataError(f"drafting.json: {where}{key} must be a list of non-empty strings")


def _validate_rows(rows, where: str) -> None:
    if not isinstance(rows, list) or not rows:
        raise DraftingDataError(f"drafting.json: {where} must be a non-empty list of rows")
    for row in rows:
        if not isinstance(row, dict) or row.get("level2") not in L.LEVEL2_TO_LEVEL1:
            raise DraftingDataError(f"drafting.json: {where}: unknown 二级 in {row!r}")
        if not str(row.get("name", "")).strip() or not str(row.get("value", "")).strip():
            raise DraftingDataError(f"drafting.json: {where}: a row needs a name and a value: {row!r}")
        if set(re.findall(r"\{(\w+)\}", row["name"] + row["value"])) - {"beneficiary"}:
            raise DraftingDataError(f"drafting.json: {where}: only {{beneficiary}} may be filled in: {row!r}")
        # a template the checks would reject would be suggested and then flagged by the same tool
        probe = DraftIndicator(level2=row["level2"], name=row["name"].replace("{beneficiary}", "服务对象"), value=row["value"])
        rejected = [f.message for f in check_indicators([probe], None) if f.row and f.rule != "to_fill"]
        if rejected:
            raise DraftingDataError(f"drafting.json: {where}: the checks reject template {row!r}: {rejected[0]}")


def _validate_targets(targets) -> None:
    if not isinstance(targets, dict):
        raise DraftingDataError("drafting.json: targets (rate, within, deadline patterns) are required")
    for key, needed in (("rate", {"name", "num", "pct"}), ("within", {"name", "num"}), ("deadline", {"num"}),
                        ("monthly", {"num"}), ("daily", {"part", "num", "unit"}), ("time_limit_condition", set()),
                        ("decline", {"name", "num", "unit"}), ("decline_first", {"name", "about", "num", "unit"}),
                        ("growth_rate", {"name", "word", "num"}), ("lasting", {"name", "verb", "num"}), ("bounded_time", set()),
                        ("design_life", {"name", "num"}),
                        ("coefficient", {"name", "num"}), ("measure_at_most", {"name", "pm", "num", "unit"}),
                        ("share", {"name", "num"}), ("growth", {"name", "compare", "verb", "num", "unit"}), ("pulled", {"verb", "name", "num", "unit"}),
                        ("zero", {"name", "unit"}), ("zero_reached", {"name", "unit"}), ("effect_lead_pattern", set()), ("zero_lead_pattern", set()),
                        ("return_period", {"name", "num"}), ("hours_at_least", {"name", "num", "unit"}),
                        ("round_the_clock", {"name", "num"}), ("range", {"name", "low", "high", "unit"}),
                        ("money_at_least", {"name", "num", "unit"}), ("money_volume", {"name", "num", "unit"}),
                        ("income_at_least", {"name", "num", "unit"}),
                        ("measure_at_least", {"name", "num", "unit"}),
                        ("share_of_base", {"base", "num", "what"}), ("share_by_base", {"name", "base", "num"}), ("tier_share", {"num", "what"}), ("tier_opening", {"tier"}), ("milestone", {"date", "what", "num"}),
                        ("spent_share", {"name", "bound", "num"}), ("share_named_after", {"bound", "base", "num", "name"}),
                        ("respective_rates", {"names", "verb", "nums"}),
                        ("below_market", {"name", "base", "num"}), ("matching_ratio", {"who", "bound", "a", "b", "verb"}),
                        ("conditioned_rate", {"name", "cond", "limit", "unit", "rate", "num", "above"}),
                        ("date_span", {"from_m", "from_d", "num", "day", "verb"}),
                        ("raise_to", {"name", "from", "unit", "verb", "num"}), ("phase_span", {"phase", "num", "to"}),
                        ("level_to", {"name", "verb", "num", "unit"}),
                        ("higher_funds", {"who", "what", "verb", "what2", "num", "unit"}), ("month_span", {"num", "to"}),
                        ("phase_month", {"phase", "num"}), ("each_share", {"who", "verb", "num"}),
                        ("listed_shares", {"names", "nums", "verb"}), ("matching_ratio_after", {"base", "a", "b", "who", "verb"}),
                        ("cross_year_span", {"name", "y1", "num", "d1", "y2", "to", "d2"}),
                        ("contract_share", {"base", "amt", "unit", "num"})):
        try:
            groups = re.compile(targets.get(key) or "").groupindex
        except re.error as exc:
            raise DraftingDataError(f"drafting.json: targets.{key} is not a valid pattern: {exc}") from None
        if not needed <= set(groups):
            raise DraftingDataError(f"drafting.json: targets.{key} needs the groups {', '.join(sorted(needed))}")
    _require_words(targets, ("scheduled_verbs", "scheduled_seasons", "inspection_words", "level_down_verbs"), "targets.")
    if "VERBS" not in (targets.get("scheduled_month") or ""):
        raise DraftingDataError("drafting.json: targets.scheduled_month must hold VERBS, where the scheduled verbs go")
    try:
        if not {"num", "before"} <= set(re.compile(_scheduled_month(targets)).groupindex):
            raise DraftingDataError("drafting.json: targets.scheduled_month needs the groups before, num")
    except re.error as exc:
        raise DraftingDataError(f"drafting.json: targets.scheduled_month is not a valid pattern: {exc}") from None
    level2s = (set(targets.get("rate_level2", {}).values()) | set(targets.get("effect_level2", {}).values())
               | {targets.get("default_rate_level2"), targets.get("decline_level2"), targets.get("default_effect_level2")})
    if not level2s <= set(L.LEVEL2_TO_LEVEL1):
        raise DraftingDataError(f"drafting.json: targets.rate_level2 names unknown 二级指标: {sorted(level2s - set(L.LEVEL2_TO_LEVEL1))}")
    endings = targets.get("quality_rate_endings")
    if not isinstance(endings, list) or not endings or not all(isinstance(w, str) and w for w in endings):
        raise DraftingDataError("drafting.json: targets.quality_rate_endings must be a list of words (达标率, 合格率, …)")


def _validate_unplaced(unplaced) -> None:
    if not isinstance(unplaced, dict):
        raise DraftingDataError("drafting.json: unplaced (how numbers no reading placed become rows) is required")
    for key in ("background_pattern", "threshold_after_unit_pattern", "threshold_before_pattern", "baseline_before_pattern",
                "lead_words_pattern", "bare_reckoning_pattern", "at_least_pattern", "at_most_pattern",
                "eligibility_before_pattern", "eligibility_after_pattern", "eligibility_at_most_pattern",
                "requirement_pattern", "eligible_who_pattern", "eligible_who_after_pattern", "term_before_pattern"):
        try:
            if not unplaced.get(key) or not isinstance(unplaced[key], str):
                raise DraftingDataError(f"drafting.json: unplaced.{key} is required")
            re.compile(unplaced[key])
        except re.error as exc:
            raise DraftingDataError(f"drafting.json: unplaced.{key} is not a valid pattern: {exc}") from None
    for key, groups in (("eligibility_before_pattern", {"measured", "verb"}), ("eligibility_after_pattern", {"side", "who"}),
                        ("requirement_pattern", {"who", "measured", "verb"}), ("eligible_who_pattern", {"measured", "verb"}),
                        ("eligible_who_after_pattern", {"side", "who"})):
        if not groups <= set(re.compile(unplaced[key]).groupindex):
            raise DraftingDataError(f"drafting.json: unplaced.{key} needs the groups {', '.join(sorted(groups))}")
    if "term" not in re.compile(unplaced["term_before_pattern"]).groupindex:
        raise DraftingDataError("drafting.json: unplaced.term_before_pattern needs the group term")
    _require_words(unplaced, ("skip_units", "quality_units", "cost_share_words", "duration_units", "vague_names",
                              "event_units", "spec_units", "term_quality_words"), "unplaced.")


@functools.lru_cache(maxsize=1)
def drafting_data() -> dict:
    """Thresholds, word lists and framework templates, validated once (a bad file fails loudly, not later)."""
    return validate_drafting_data(json.loads(resources.files("app").joinpath("data/drafting.json").read_text(encoding="utf-8")))


def validate_drafting_data(data: dict) -> dict:
    if not isinstance(data, dict):
        raise DraftingDataError("drafting.json must hold one JSON object")
    data = dict(data)
    p = data.get("precedent")
    if not isinstance(p, dict) or not all(isinstance(p.get(k), (int, float)) and 0 < p[k] <= 1
                                          for k in ("partial", "row_match", "agreed_probability", "title_agreed_probability")):
        raise DraftingDataError("drafting.json: precedent.partial, .row_match, .agreed_probability and "
                                ".title_agreed_probability must be numbers in (0, 1]")
    if p["title_agreed_probability"] > p["agreed_probability"]:
        raise DraftingDataError("drafting.json: precedent.title_agreed_probability must not exceed .agreed_probability "
                                "(the title's agreement is asked for below that floor)")
    if not isinstance(p.get("recurring_rows"), int) or isinstance(p["recurring_rows"], bool) or p["recurring_rows"] < 2:
        raise DraftingDataError("drafting.json: precedent.recurring_rows must be a whole number of at least 2 "
                                "(how many of a form's rows must name a thing for it to be what the form is about)")
    _validate_precedent_model(p.get("model"))
    _require_words(data, _STRING_LISTS)
    if not isinstance(data.get("unit_measures"), dict) or not data.get("default_measure"):
        raise DraftingDataError("drafting.json: unit_measures (unit → measure word) and default_measure are required")
    if not isinstance(data.get("dimension_words"), dict) or not all(
            isinstance(k, str) and k and isinstance(v, str) and v for k, v in data["dimension_words"].items()):
        raise DraftingDataError("drafting.json: dimension_words must map a dimension written before a number "
                                "(长, 宽) to the measure a row names (长度, 宽度)")
    for kind in data.get("kinds", []):
        if not kind.get("kind") or not kind.get("triggers"):
            raise DraftingDataError(f"drafting.json: kind without a name or triggers: {kind!r}")
        _validate_rows(kind.get("rows"), f"kind {kind['kind']}")
    _validate_rows(data.get("common_rows"), "common_rows")
    _validate_targets(data.get("targets"))
    _validate_unplaced(data.get("unplaced"))
    for key, group in (("per_unit_pattern", "unit"), ("unit_price_pattern", "item"), ("per_after_pattern", "unit"),
                       ("sum_of_previous_pattern", None), ("treated_thing_pattern", "thing"),
                       ("tier_pattern", None), ("given_item_pattern", "what"), ("each_pattern", "thing"),
                       ("unit_before_name_pattern", None), ("sentence_opening_pattern", "words"), ("daily_words_pattern", None),
                       ("subject_pattern", None), ("background_pattern", None), ("past_sentence_pattern", None),
                       ("this_years_work_pattern", None), ("money_first_pattern", None),
                       ("work_done_pattern", "thing"), ("count_opening_pattern", None), ("light_verb_pattern", "work"),
                       ("money_for_pattern", "item"), ("respective_marker", None),
                       ("list_intro_pattern", None), ("spending_uses_pattern", None), ("payment_suffix_pattern", None),
                       ("cap_pattern", None), ("done_for_pattern", "work"), ("price_basis_pattern", None),
                       ("tier_start_pattern", None), ("size_bar_pattern", None)):
        try:
            groups = re.compile(data.get(key) or "").groupindex
            if not data.get(key) or (group and group not in groups):
                raise DraftingDataError(f"drafting.json: {key} is required" + (f" and needs the group {group}" if group else ""))
        except re.error as exc:
            raise DraftingDataError(f"drafting.json: {key} is not a valid pattern: {exc}") from None
    for key in ("generic_terms", "measure_words"):
        data[key] = frozenset(data[key])
    # longest first, so that 万平方米 wins over 平方米 and 人次 over 人
    for key in ("count_units", "strip_prefix", "strip_suffix", "action_verbs"):
        data[key] = sorted(data[key], key=len, reverse=True)
    return data


# ---------------------------------------------------------------- how close the past forms are


class _Profile:
    """Content words of every past form and how rare each word is across the forms."""

    def __init__(self, index):
        self.tokenizer = index.tokenizer
        self.terms: dict[str, set[str]] = {}
        for r in index.records:
            text = " ".join([r.name, r.overview or "", " ".join(i.name for i in r.indicators)])
            self.terms[r.code] = set(content_terms(self.tokenizer, text))
        n = len(self.terms)
        df: dict[str, int] = defaultdict(int)
        for terms in self.terms.values():
            for t in terms:
                df[t] += 1
        # a word no form uses weighs most: it is what makes the draft new
        self.idf = defaultdict(lambda: math.log((n + 1) / 0.5), {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()})
        # the name the library's forms give the row holding a project's whole cost ("成本控制" in Liaocheng's)
        totals = Counter(i.name for r in index.records for i in r.indicators
                         if i.level2 == "成本指标" and not _per_unit(i.name) and not _per_unit(i.value_annual)
                         and re.search(r"成本|费用", i.name) and not re.search(r"标准|单价|率", i.name))
        self.total_cost_name = totals.most_common(1)[0][0] if totals else DEFAULT_TOTAL_COST_NAME

    def similarity(self, draft_terms: list[str], code: str) -> float:
        total = sum(self.idf[t] for t in draft_terms)
        if not total:
            return 0.0
        return sum(self.idf[t] for t in draft_terms if t in self.terms.get(code, ())) / total


_PROFILES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_PROFILE_LOCK = threading.Lock()


def _profile(index) -> _Profile:
    with _PROFILE_LOCK:
        profile = _PROFILES.get(index)
        if profile is None:
            profile = _PROFILES[index] = _Profile(index)
        return profile


def content_terms(tokenizer, text: str) -> list[str]:
    """The words that say what a project is about: no stopwords, generic words, numbers or single characters."""
    generic = drafting_data()["generic_terms"]
    return [t for t in dict.fromkeys(tokenizer(text)) if len(t) >= 2 and t not in generic and not re.search(r"\d", t)]


def draft_closeness(index, draft: Draft) -> dict[str, float]:
    """Per past form: the share of the draft's own words it uses, the title's and the description's averaged.

    The title counts apart because it names the kind of work: a form that shares a detailed
    description's general words (学校, 学生, 每生) but not the title's (营养午餐) is no close precedent,
    and a form that shares the title's words is one even when the description lists new equipment.
    """
    profile = _profile(index)
    parts = [content_terms(index.tokenizer, text) for text in (draft.name, draft.description) if text.strip()]
    parts = [terms for terms in parts if terms] or [[]]
    return {r.code: sum(profile.similarity(terms, r.code) for terms in parts) / len(parts) for r in index.records}


PRECEDENT_FEATURES = ("closeness", "title_meaning", "text_meaning")


def _validate_precedent_model(model) -> None:
    """The fitted model (eval/precedent.py): one weight, mean and positive scale per signal, a bias,
    and the probability from which a draft counts as having a close precedent."""
    if not isinstance(model, dict) or tuple(model.get("features", ())) != PRECEDENT_FEATURES:
        raise DraftingDataError(f"drafting.json: precedent.model.features must be {list(PRECEDENT_FEATURES)}")
    for key in ("mean", "scale", "weights"):
        values = model.get(key)
        if not isinstance(values, list) or len(values) != len(PRECEDENT_FEATURES) or not all(isinstance(v, (int, float)) for v in values):
            raise DraftingDataError(f"drafting.json: precedent.model.{key} must hold {len(PRECEDENT_FEATURES)} numbers")
    if not all(v > 0 for v in model["scale"]):
        raise DraftingDataError("drafting.json: precedent.model.scale must be positive")
    if not isinstance(model.get("bias"), (int, float)) or not isinstance(model.get("close_probability"), (int, float)) \
            or not 0 < model["close_probability"] < 1:
        raise DraftingDataError("drafting.json: precedent.model needs a bias and a close_probability in (0, 1)")


def precedent_features(index, draft: Draft, closeness: dict[str, float] | None = None,
                        by_meaning: list | None = None, by_title: list | None = None) -> dict[str, float]:
    """What tells how close the nearest past form is: the best share of the draft's own words a form
    uses, and how near in meaning the nearest form is to the title and to the whole draft (a
    description in other words than the forms' may still mean the same work). ``by_meaning`` and
    ``by_title``: the whole draft's and the title's dense search, when the caller has them already."""
    closeness = closeness if closeness is not None else draft_closeness(index, draft)
    by_meaning = by_meaning if by_meaning is not None else meaning_search(index, draft)
    by_title = by_title if by_title is not None else title_search(index, draft)
    return {"closeness": max(closeness.values(), default=0.0),
            "title_meaning": _nearest_meaning(by_title),
            "text_meaning": _nearest_meaning(by_meaning)}


def meaning_search(index, draft: Draft) -> list:
    """The past form nearest in meaning to the whole draft."""
    return index.search(f"{draft.name} {draft.description}".strip(), k=1, mode="dense")


def title_search(index, draft: Draft) -> list:
    """The past form nearest in meaning to the draft's title (the whole draft when it has none)."""
    return index.search(draft.name.strip() or f"{draft.name} {draft.description}".strip(), k=1, mode="dense")


def _nearest_meaning(hits: list) -> float:
    return float(hits[0].score) if hits else 0.0


def nearest_agreed(hits: list, by_meaning: list, by_title: list | None = None) -> str | None:
    """The past form the hybrid search (``hits``) and the draft's meaning (``by_meaning``) both rank
    first — and the title's meaning too, when ``by_title`` is given — or None. The word share is left
    out on purpose: a draft that rewords a past project shares fewer of its words, so another form can
    lead by words while search and meaning still agree."""
    rankings = [hits, by_meaning] + ([by_title] if by_title is not None else [])
    if not all(rankings):
        return None
    return hits[0].code if all(r[0].code == hits[0].code for r in rankings) else None


def precedent_probability(features: dict[str, float], model: dict | None = None) -> float:
    """The model's probability that the nearest past form is a close precedent (the stored model, or
    one being fitted)."""
    m = model or drafting_data()["precedent"]["model"]
    z = m["bias"] + sum(w * (features[f] - mean) / scale
                        for f, w, mean, scale in zip(m["features"], m["weights"], m["mean"], m["scale"]))
    return 1 / (1 + math.exp(-z))


def precedent_of(features: dict[str, float]) -> str:
    p = drafting_data()["precedent"]
    if precedent_probability(features) >= p["model"]["close_probability"]:
        return "close"
    return "partial" if features["closeness"] >= p["partial"] else "none"


# ---------------------------------------------------------------- quantities in the description


_YUAN_PER_UNIT = {"元": 1.0, "万元": 1e4, "亿元": 1e8}


@dataclass
class Quantity:
    number: float
    number_text: str  # as written, "3,000"
    unit: str
    object: str = ""  # what is counted, "居家老年人"
    name: str = ""  # the row name it would get, "居家老年人数"
    measure: str = ""  # what the unit measures: 人数, 里程, 数量
    per: str = ""  # for money per unit: "每生每天"
    bound: str = ""  # "≤" when the description says 不超过
    start: int = -1  # where the number stands in the description
    counted: str = ""  # for a rate: what its sentence counted ("引进博士 70 人，每人…"), to tell like rates apart
    context: str = ""  # the words opening its sentence ("采用分散式一体化设备处理"), the last resort to tell rows apart
    low: str = ""  # a count given as a range ("每批 60 至 90 人"): its lower end, as written
    work: str = ""  # the work its sentence does ("配备", "标准化改造"), to tell apart like-named rows of parallel parts
    aside: str = ""  # the last bracketed aside of its part of the sentence ("东关街（柳园路—花园路）"), likewise
    clause: str = ""  # its clause up to the number ("按每人 a 元标准补助"): the last resort to tell like rows apart
    lead: str = ""  # the clause before its own in its sentence, when it holds no number ("为留守儿童开展心理疏导")

    @property
    def money(self) -> bool:
        return self.unit in _YUAN_PER_UNIT

    @property
    def yuan(self) -> float:
        return self.number * _YUAN_PER_UNIT.get(self.unit, 1.0)

    def value(self) -> str:
        if self.per:
            per = "".join(f"/{unit}" for unit in _PER.findall(self.per))
            return f"{self.bound}{self.number_text}{self.unit}{per}"
        if self.low:
            return f"{self.low}-{self.number_text}{self.unit}"
        return f"{self.bound}{self.number_text}{self.unit}"


# "每场按…", "单次费用按…", "每亩补助…": a 每 opening a list of priced parts, covering each of them
_LIST_PER_OPENING = r"\s*[^，,。；;、]{0,12}?(?:每|单)[\u4e00-\u9fff]{1,2}?(?:费用|经费|成本)?(?:按|补助|补贴|奖补|奖励)"
_CLAUSE_BREAK = "，,。；;：:、（）()\n"
_LIST_JOINS = re.compile(r"和|与|、|及(?!时)")  # what joins listed things; 及时率 is one word
_QUOTES = re.compile(r"[“”‘’\"《》「」]")  # "《地名志》编纂出版": the title's marks are not part of the item
_NOUN_HEADS = set("站厂班室所点队库馆场设中器")
# 每生每学期 → /生/学期; 每平方米 → /平方米, not /平
_PER = re.compile(r"每(车道公里|学期|季度|延米|蒸吨|人次|项次|件次|人份|人天|剂次|画幅|批次|场次|班次|辆次|台次|车次|架次|户次|课时|小时|平方公里|平方米|平米|立方米|公里|千瓦时|千瓦|兆瓦|标箱|[\u4e00-\u9fff]|[A-Za-z]+)")


def _cost_words() -> tuple[str, ...]:
    """Words that end the name of a cost item ("培训费", "运营补助", "劳务报酬")."""
    return tuple(drafting_data()["cost_words"])


def _strip(text: str, data: dict) -> str:
    changed = True
    while changed and text:
        changed = False
        for w in data["strip_prefix"]:
            # "对接省级平台" starts with a verb, not with the preposition 对
            # "对象认定" and "各类设备" open with a word, not with 对 or 各
            if text.startswith(w) and not text.startswith((*data["action_verbs"], *data["unstrippable_openings"])):
                text, changed = text[len(w):].strip(), True
        for w in data["strip_suffix"]:
            if text.endswith(w) and not text.endswith(tuple(data["unstrippable_endings"])):  # "公共" is not "公" + 共
                text, changed = text[: -len(w)].strip(), True
    return text


def _before_phrase(text: str, data: dict) -> str:
    """'为市检验中心购置气相色谱仪、…等检验检测设备' → '检验检测设备'; '在林区配备专职护林员' → '配备专职护林员'."""
    for mark in data["cut_after"]:
        if mark in text:
            head, tail = text.rsplit(mark, 1)
            if mark == "等" and (head[-1:] in "一二三四特优甲乙丙" or tail.startswith(("级", "次", "候", "待", "额", "同", "距"))):
                continue  # "一等奖" is a grade and "等级评定", "等候座椅" words, not "…等" closing a list
            # "…等检验检测设备": the kind after the mark; "…分析仪等": nothing after it, the thing before
            text = tail if tail.strip() else head
    # "市卫生健康委为辖区 12 所学校": the bureau doing it is not what is counted
    text = _strip(re.sub(data["subject_pattern"], "", re.sub(r"\s+", "", text)), data)
    # a verb that ends the phrase is part of the thing counted ("婚前医学检查 15000 对")
    verbs = [(text.find(v), v) for v in data["action_verbs"] if v in text and text.find(v) + len(v) < len(text)
             and not (text.find(v) + len(v) == len(text) - 1 and text[-1] in _NOUN_HEADS)]  # "互联网服务器": a noun
    if verbs:
        text = text[min(verbs)[0]:]
    if len(text) > 14:  # "组织…继续教育和会计专业技术资格考试": the last thing named is what is counted
        for mark in ("和", "及", "与"):
            if mark in text:
                text = text.rsplit(mark, 1)[1]
    return _last_words(text, 14)


def _last_words(text: str, limit: int) -> str:
    """The end of ``text`` within ``limit`` characters, starting at a word ("困难群众", not "难群众"),
    not inside a date ("…年我局") and not inside a quotation ("…”培训班")."""
    if len(text) <= limit:
        return text

    def inside_quotation(tail: str) -> bool:
        closing = tail.find("”")
        return closing >= 0 and "“" not in tail[:closing]

    starts = [start for start, _ in general_tokenizer().spans(text)
              if len(text) - start <= limit and not text[start].isdigit()
              and text[start] not in "年月日号”」）)、，,.·" and not inside_quotation(text[start:])]
    if not starts:
        return text[-limit:]
    first = min(starts)
    opening = text.rfind("“", 0, first)
    if opening >= 0 and len(text) - opening <= limit + 6 and "”" in text[opening:first]:
        return text[opening:]  # a quoted title just before: whole, a few characters over rather than cut
    return text[first:]


def _after_phrase(text: str, data: dict) -> str:
    """'学校的 8,000 名…' → '学校'; '农村公路共' → '农村公路'; a verb right after means nothing is named there."""
    if text.lstrip().startswith((*data["object_conjunctions"], "每")):
        # "1 套并接入停车场 40 处": the next clause begins; "班长 4 名每人…": a rate, nothing named after the number
        return ""
    digit = re.search(r"\d", text)
    end = digit.start() if digit and not re.match(r"\s*\d+\s*周?岁", text) else len(text)
    for stop in (*data["object_stop_verbs"], *data["action_verbs"]):
        pos = text.find(stop)
        # a verb that heads a noun (监测站, 培训班, 处理厂) is part of the name, not the next clause
        if pos != -1 and text[pos + len(stop): pos + len(stop) + 1] not in _NOUN_HEADS:
            end = min(end, pos)
    text = text[:end]
    for mark in ("以上", "以下"):
        if mark in text:
            text = text.rsplit(mark, 1)[1]
    text = re.sub(r"[\d.,\s]", "", text).rstrip("和及与、")  # "90 万户房屋和 3.4 万处设施": the houses
    for who in data["beneficiaries"]:  # "受灾群众基本生活" counts 受灾群众
        if who in text:
            text = text[: text.index(who) + len(who)]
            break
    return _strip(text, data)[:12].removesuffix("按")  # "3 名外国专家按 1:1 配套": the experts


def _priced_units(description: str, counts: set[str], data: dict) -> set[str]:
    """"监控系统 620 路，每路每年维保费 150 元", "合计 400 蒸吨…每蒸吨补助": the words the draft prices one of
    and writes after a number, which count in this draft though no count unit names them."""
    skipped = {w for k in ("event_units", "quality_units", "duration_units", "skip_units", "spec_units")
               for w in data["unplaced"][k]}  # 起: cases, read apart
    priced = set()
    for per in re.finditer(r"每([\u4e00-\u9fff]{1,2})", description):
        # written whole after a number ("400 蒸吨，"), not the start of a longer word ("40 个路口" is no 个路)
        word = next((w for w in (per.group(1), per.group(1)[:1])
                     if re.search(rf"\d\s*{w}(?![\u4e00-\u9fff])", description)), "")
        if word and word not in counts and word not in skipped and word[0] not in "年月日天周时季" \
                and not (len(word) > 1 and word[0] in counts):  # "每个县": the 个 counts, 县 is what
            priced.add(word)
    return priced


def extract_quantities(description: str) -> list[Quantity]:
    """Numbers with units the description states: counts (15 公里, 3,000 名), amounts (200 万元), unit costs (每生每天 4 元)."""
    data = drafting_data()
    # "90 万户", "12 万台件", "2 亿株": any count may be written in 10,000s or 100,000,000s
    known = {*data["count_units"], *(p + u for u in data["count_units"] if not u.startswith("万") for p in ("万", "亿"))}
    priced_units = _priced_units(description, known, data)
    counts = sorted(known | priced_units, key=len, reverse=True)
    u = data["unplaced"]
    units = ["亿元", "万元", "元", *counts]
    # never start inside a number: "1,000.5 万人" is one number, not "000.5"
    # "30 余家" counts 家; "85 万农村人口" counts people in 10,000s
    pattern = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?:余|多)?\s*("
                         + "|".join(map(re.escape, units)) + r"|万(?=[\u4e00-\u9fff]{0,4}(?:人口|居民|群众|村民|市民|农民))|万(?=\s*[，,。；;]))")
    found: list[Quantity] = []
    last_end = last_start = 0
    # "巡检村庄从 40 个增加到 65 个": a target from one level to another, which the targets give
    raised = [r.span() for r in re.finditer(data["targets"]["raise_to"], description)]
    raised += [r.span("num") for r in _levels_to(description, data["targets"])]  # "提升到 N 万吨": the targets give it
    for m in pattern.finditer(description):
        if any(start <= m.start() < end for start, end in raised):
            continue
        tail = description[m.end():m.end() + 4]
        if any(tail.startswith(w) for w in data["skip_after_number"]) and m.group(2) in ("个", "次"):
            continue
        if m.group(2) == "万" and re.match(r"\s*[，,。；;]", tail) and not re.search(
                r"(?:人口|人数|居民|群众|村民|市民|农民)[\u4e00-\u9fff]{0,3}\s*$", description[max(0, m.start() - 8):m.start()]):
            continue  # "惠及人口约 6 万，": people, named before the number; any other bare 万 is not a count
        if any(tail.startswith(w) for w in data["type_markers"]):
            continue  # "4 人制巡查小组", "3 年制": a kind of thing, not how many
        if not m.group(2).endswith("元") and re.match(data["tier_start_pattern"], description[m.end():]):
            continue  # "10 蒸吨及以上每蒸吨补助…": where a price tier begins, not how many
        if m.group(2) in priced_units and re.match(data["size_bar_pattern"], tail):
            continue  # "改造 4 蒸吨以下的锅炉": a size those served are within, in a unit only this draft counts in
        if m.group(2) == "周" and tail.startswith("岁"):
            continue  # "3 周岁" is an age
        if m.group(2) in ("天", "周") and re.match(r"\s*(?:以内|之内|内)", tail):
            continue  # "10 天内完成" is a time limit, which the targets give
        # "便携式快检箱（含试剂）6 套": an aside in brackets before a count does not end the clause
        # "每考点服务费（保洁、安保、水电）0.5 万元": for money, a bracket listing what the fee covers
        aside = re.search(r"[（(][^（）()，,。；;]*、[^（）()，,。；;]*[）)]\s*$" if m.group(2).endswith("元")
                          else r"[（(][^（）()，,。；;]{1,10}[）)]\s*$", description[last_end:m.start()])
        said_before = m.start() - len(aside.group(0)) if aside else m.start()
        clause_start = _start_after(description, said_before, _CLAUSE_BREAK)
        before = description[max(clause_start, last_end):said_before]
        after = description[m.end(): _end_before(description, m.end(), _CLAUSE_BREAK)]
        last_start, last_end = last_end, m.end()
        sentence_start = _start_after(description, m.start(), "。；;\n")
        q = Quantity(float(m.group(1).replace(",", "")), m.group(1), "万人" if m.group(2) == "万" else m.group(2),
                     start=m.start(), context=_opening(description[sentence_start:m.start()]),
                     work=_sentence_work(_sentence_around(description, m.start()), data))
        q.clause = re.sub(r"\s+", "", description[clause_start:said_before])
        parts = re.split(r"[，,]", description[sentence_start:m.start()])
        q.lead = parts[-2].strip() if len(parts) >= 2 and not re.search(r"\d", parts[-2]) else ""
        if not q.lead and found and found[-1].start >= sentence_start:
            q.lead = found[-1].lead  # "…，每人 a 元，计 b 万元": the sum is of the work the price was
        asides = re.findall(r"[（(]([^（）()\d]{2,14})[）)]", description[sentence_start:m.start()])
        q.aside = asides[-1] if asides else ""
        if not q.money and not q.context and re.search(r"今年|本年度?|年内", description[sentence_start:m.start()]):
            q.context = "今年"  # "现有社区食堂 12 家…今年按社区食堂 20 家测算": this year's, told apart from the present
        if not q.money and (low := re.search(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:至|到|～|~|-)\s*$", description[clause_start:m.start()])):
            q.low = low.group(1)  # "每批 60 至 90 人": both ends
            before = before[: len(before) - len(low.group(0))] if before.endswith(low.group(0)) else before
        if re.search(r"不超过|不高于|以内|最高", before[-6:] + after[:3]):
            q.bound = "≤"
        elif not q.money and re.search(r"(?:不少于|不低于|不小于)\s*$", before):
            q.bound = "≥"  # "深翻深度不少于 30 厘米"
        said = re.sub(r"\s+", "", description[clause_start:m.end()])
        if q.money and any(re.search(f"(?:{data['targets'][key]})$", said) for key in ("pulled", "money_at_least", "money_volume", "income_at_least")):
            continue  # "挽回经济损失 300 万元", "放贷规模不低于 5 亿元": what the work brings or does, not a cost
        if q.money and _unit_price(q, before, [f for f in found if not f.money and f.object]):
            found.append(q)
            continue
        if q.money and (each_of := _priced_each(description, before, clause_start, m.start(), found, data)):
            # "对获评的 6 个站点各拨付 2 万元", "路灯 40 盏，均价 900 元": per one of those counted
            q.per, q.object, q.counted = "每" + each_of.unit.lstrip("万"), each_of.object, each_of.object
            found.append(q)
            continue
        if q.money and (unit_total := _sum_per_unit(description, before, q, found)):
            # "每场按租赁 4 万元、食宿 6 万元测算，合计 10 万元": what one 场 costs in all
            q.per, q.object = unit_total.per, "单" + _PER.findall(unit_total.per)[0] + "费用"
            found.append(q)
            continue
        if q.money and before.strip() and re.fullmatch(data["cap_pattern"], before):
            # "…按 8% 给予补助，单个最高 60 万元": a tier's cap, not a price per one
            q.object = _lump_sum_item(description, before, clause_start, m.start(), found, data)
            found.append(q)
            continue
        if q.money:
            per, rest = _per_phrase(before)
            if not per:
                # "每只收容、防疫及饲养费用 300 元": the 每 stands before a list cut at its 、
                list_start = _start_after(description, m.start(), "，,。；;：:\n")
                per, rest = _per_phrase(description[max(list_start, last_start):m.start()])
                listed = [f for f in found if f.start >= list_start]
                if not per and re.match(r"\s*每", description[list_start:m.start()]) and listed \
                        and not any(f.money for f in listed) and "、" in description[listed[-1].start:m.start()]:
                    # "每期印制 300 册、费用 0.5 万元": the 每 opening the clause covers each part listed after it
                    per, rest = _per_phrase(description[list_start:m.start()])
                if not per and listed and all(f.money and f.per for f in listed) \
                        and re.match(_LIST_PER_OPENING, description[list_start:m.start()]) \
                        and re.fullmatch(r"[^，,。；;：:]*、[^，,。；;：:]*", description[listed[-1].start:m.start()]):
                    # "每场按租赁 4 万元、食宿 6 万元": the 每 opening the list covers each priced part
                    per = listed[-1].per
                rest = rest.rsplit("、", 1)[-1]
            if not per and (written := re.match(data["per_after_pattern"], after)):
                per = "每" + written.group("unit")  # "运营服务费 0.98 元/吨": per tonne, written after the money
                last_end = m.end() + written.end()  # "按 380 元/人天计 22.8 万元": the sum after it starts at 计
            if per:
                q.per = per
                rest = re.sub(data["price_basis_pattern"], "", rest)  # "经测算每米…": how it was priced, not what
                # "运维按每座泵站每年 8 万元": per 泵站, what comes after 按; "每台均价": the price of one, no item
                head, _, after = re.sub("按照", "按", rest).rpartition("按")  # "按照" is 按, not 按 + 照
                # "每件（套）": the bracket names the unit again, not a thing
                rest = re.sub(r"每[年月天日]|综合单价|均价|单价|平均|大约|约|[（(][^）)]{0,4}[）)]", "", after)
                q.object = _strip(re.sub(r"\s+", "", rest.replace("标准", "")), data)
                if q.object in data["nameless_cost_words"]:
                    q.object = ""  # "每期经费 0.9 万元": 经费 names no thing; the 期 counted before do
                head = re.sub(r"^(?:其中|另外|另|并|对|为)|\s+", "", head)  # "日常养护" keeps its 日
                if 2 <= len(head) <= 16 and head.endswith(_cost_words()):
                    q.object = head  # "巡检费按每个终端…", "档案扫描及材料邮寄费用按每件…": the cost named outright
                counted = [f for f in found if not f.money and f.object]
                if q.object and q.object not in _cost_words() and (whole := next((c.object for c in reversed(counted)
                                                if c.object.endswith(q.object) or c.object.startswith(q.object)), "")):
                    # "信号灯 60 个路口，每个路口 2.1 万元": per 路口 of those 信号灯; "40 个路口交通信号灯，每个路口…"
                    q.object = whole
                per_unit = _PER.findall(q.per)[0]
                if q.object in _cost_words() and (paid := next((c for c in reversed(counted) if c.start >= sentence_start
                                                                and _same_unit(c.unit, per_unit)), None)):
                    q.object = paid.object + q.object  # "示范园 5 个，每个奖补 20 万元": the 示范园's 奖补, not any
                if not q.object and 2 <= len(head) <= 12 and not any(
                        c.start >= sentence_start and _same_unit(c.unit, per_unit) for c in counted):
                    q.object = head  # "健康查体按 500 元/人/年": the check-ups, what comes before 按
                if not q.object:
                    q.object = _per_unit_object(q, description[sentence_start:m.start()], counted)
                q.counted = next((c.object for c in reversed(counted) if c.start >= sentence_start), "")
            else:
                # "另安排 3 万元用于毕业生回访": the item follows; "开展…活动，投入 30 万元": the clause before names it
                first = re.fullmatch(data["money_first_pattern"], before)
                q.object = ((_item_after(description[m.end():], data) if first else "")
                            or _lump_sum_item(description, before, clause_start, said_before, found, data))
                if found and found[-1].per and found[-1].start >= sentence_start:
                    q.counted = found[-1].counted  # "…每人保费 a 元，小计 N 万元": a subtotal is told apart like its rate
            found.append(q)
            continue
        if _bar_to_clear(description[clause_start:m.start()], description[sentence_start:m.start()], description[m.end():], data):
            continue  # "对吸纳就业 50 人以上的企业奖励": a bar those paid must clear, not how many (a row of its own later)
        if re.search(data["background_pattern"], description[clause_start:m.start()]):
            continue  # "现有车辆已使用 9 年、行驶里程超过 28 万公里": why the work is needed, not what it will do
        if re.search(data["past_sentence_pattern"], description[sentence_start:m.start()]) and not re.search(
                data["this_years_work_pattern"], description[sentence_start:_end_before(description, m.end(), "。；;\n")]):
            continue  # "上年全市接到投诉 N 件。": a sentence of last year's figures, no money of this project's in it
        _name_count(q, before, after, description[sentence_start:m.start()], found, data)
        _of_each_batch(q, sentence_start, found, data)
        found.append(q)
    _name_respective_amounts(description, found)
    return found


def _sum_per_unit(description: str, before: str, total: Quantity, found: list[Quantity]) -> Quantity | None:
    """A sum right after two or more parts priced per one unit ("每场按 A 4 万元、B 6 万元测算，合计
    10 万元") is that unit's cost in all: the last part, whose per-unit it shares; else None."""
    at = total.start
    if not re.fullmatch(r"\s*(?:合计|共计|小计|共)\s*", before):
        return None
    sentence_start = _start_after(description, at, "。；;\n")
    priced = [f for f in found if f.money and f.start >= sentence_start]
    if len(priced) < 2 or not all(f.per for f in priced[-2:]) or priced[-1].per != priced[-2].per:
        return None
    between = description[priced[-1].start:at]
    list_start = _start_after(description, priced[-2].start, "，,。；;：:\n")
    # the parts share one 每 that opens their list, not each its own ("A 5 名每人 2 万元、B 15 名每人 1 万元")
    opened = re.match(_LIST_PER_OPENING, description[list_start:priced[-2].start])
    shared = "每" not in description[priced[-2].start:priced[-1].start]
    parts = [f for f in priced if f.start >= list_start and f.per == priced[-1].per]
    # "每亩 A 600 元、B 200 元，合计 960 万元" is the sum over all the 亩, not one 亩's: the parts must add up
    one_unit = abs(sum(f.yuan for f in parts) - total.yuan) <= 0.005 * total.yuan
    return priced[-1] if opened and shared and one_unit and re.fullmatch(r"[^，,。；;]*[，,]\s*(?:合计|共计|小计|共)\s*", between) else None


def _priced_each(description: str, before: str, clause_start: int, at: int, found: list[Quantity], data: dict) -> Quantity | None:
    """The count a sum of money is the price of one of: the one just counted in its clause when 各
    stands before the money ("4 所学校各补助"), or in its sentence when a bare 均价/单价 does."""
    counts = [f for f in reversed(found) if not f.money and f.object]
    if re.fullmatch(data["each_pattern"], before.strip()):
        return next((f for f in counts if f.start >= clause_start), None)
    if re.fullmatch(r"\s*(?:均价|单价|平均单价)(?:约|为)?\s*", before):
        return next((f for f in counts if f.start >= _start_after(description, at, "。；;\n")), None)
    return None


def _name_respective_amounts(description: str, found: list[Quantity]) -> None:
    """"培训本科生 60 人、专科生 40 人，费用分别为 72 万元和 36 万元", "宣传和评估费用分别为 6 万元和
    9 万元", "甲类和乙类项目分别为 70 个、40 个": each number after 分别 is for the thing listed in the
    same place before it — the things counted just before, or the parts of the phrase naming them."""
    for marker in re.finditer(drafting_data()["respective_marker"], description):
        group = _respective_group(description, marker.end(), found)
        if len(group) < 2:
            continue
        sentence_start = _start_after(description, marker.start(), "。；;\n")
        listed = [q.object for q in found if sentence_start <= q.start < marker.start() and q.object
                  and q not in group and not (q.money and not q.per) and (q.money != group[0].money or q.per)]
        phrase = re.split(r"[，,。；;：:]", description[:marker.start()])[-1]
        names = listed[-len(group):] if len(listed) >= len(group) and len(set(listed[-len(group):])) == len(group) else []
        names = (names or _listed_parts(phrase, len(group)) or _counted_parts(description, sentence_start, marker.start(), group, found)
                 or _priced_tiers(description, sentence_start, marker.start(), group, found))
        if not names:
            continue
        cost = next((w for w in sorted(_cost_words(), key=len, reverse=True) if phrase.endswith(w)), "费用")
        for q, name in zip(group, names):
            name = re.sub(r"^(?:" + _PER.pattern + r")+", "", name)
            if q.money and not q.per:
                q.object = name if name.endswith(_cost_words()) else name + cost
            else:
                q.object = name
                if not q.money:
                    q.name = _with_measure(name, q.measure or drafting_data()["default_measure"])


def _priced_tiers(description: str, sentence_start: int, at: int, group: list[Quantity], found: list[Quantity]) -> list[str]:
    """"A 以下每宗 a 万元，A—B 每宗 b 万元…，分别为 n 宗、m 宗": one count per price tier, in the same
    order, each named by the words that set its tier; the tier's price takes that name too."""
    if group[0].money:
        return []
    priced = [q for q in found if q.money and q.per and sentence_start <= q.start < at
              and _same_unit(group[0].unit, _PER.findall(q.per)[0])]
    if len(priced) != len(group):
        return []
    tiers = []
    for q in priced:
        clause = description[_start_after(description, q.start, "，,；;：:"): q.start]
        tiers.append(re.sub(r"\s+", "", re.sub(r"(?:按|平均)?(?:" + _PER.pattern + r")+.*$", "", clause)))
    if any(len(t) < 2 for t in tiers) or len(set(tiers)) < len(tiers):
        return []
    for q, tier in zip(priced, tiers):
        q.object = tier
    return tiers


def _counted_parts(description: str, sentence_start: int, at: int, group: list[Quantity], found: list[Quantity]) -> list[str]:
    """"涉及国道修复、桥梁加固和危桥改造 3 个项目，分别为 a、b 和 c 万元": the things a count just
    before lists, as many as the numbers after 分别; a sum after the list ("合计 N 万元") is for
    what the clause opens with (the payments it lists)."""
    counts = [q for q in found if not q.money and sentence_start <= q.start < at and q.number == len(group)]
    if not counts:
        return []
    count = counts[-1]
    clause_start = _start_after(description, count.start, "，,。；;：:\n")
    head, listing = _split_intro(description[clause_start:count.start])
    parts = _listed_parts(listing, len(group))
    if parts and len(head) >= 2 and parts[-1] in count.object and not count.object.endswith(parts[-1]):
        # "…和危桥改造 3 个项目": the projects of the payment the clause opens with, not the last ones listed
        count.object = head + count.object[count.object.index(parts[-1]) + len(parts[-1]):]
        count.name = _with_measure(count.object, count.measure or drafting_data()["default_measure"])
    if parts and group[0].money and len(head) >= 2:
        last = group[-1]
        end = last.start + len(last.number_text) + len(last.unit)
        total = next((q for q in found if q.start > end and q.money and not q.per), None)
        if total and re.fullmatch(r"[\s，,]*(?:合计|共计|总计|共)\s*", description[end:total.start]):
            total.object = head if head.endswith(_cost_words()) else head + "费用"
    return parts


def _split_intro(clause: str) -> tuple[str, str]:
    """"应付工程款涉及 A、B 和 C" → ("应付工程款", "A、B 和 C"); no intro word: ("", clause)."""
    intro = re.search(drafting_data()["list_intro_pattern"], clause)
    if not intro:
        return "", clause
    return _strip(clause[:intro.start()], drafting_data()), clause[intro.end():]


def _respective_group(description: str, at: int, found: list[Quantity]) -> list[Quantity]:
    """The numbers of one kind right after 分别, joined only by 、和及与."""
    group: list[Quantity] = []
    for q in (q for q in found if q.start >= at):
        if not re.fullmatch(r"[\s、和及与]*", description[at:q.start]):
            break
        if group and group[0].per and q.money and not q.per:
            q.per = group[0].per  # "每人分别奖励 0.2 万元和 0.1 万元": the 每人 covers both
        if group and (q.money != group[0].money or bool(q.per) != bool(group[0].per) or q.unit.lstrip("万") != group[0].unit.lstrip("万")):
            break
        group.append(q)
        at = q.start + len(q.number_text) + len(q.unit)
        if q.per:  # "0.2 万元/人": the per-unit written after the money is part of it
            at += len(m.group(0)) if (m := re.match(r"\s*/\s*[\u4e00-\u9fff]+", description[at:])) else 0
    return group


def _listed_parts(phrase: str, n: int) -> list[str]:
    """"档案加工和系统运维费用" → the 2 things it lists, each with the cost word they share."""
    endings = "|".join(sorted((*_cost_words(), "标准", "每人", "每户"), key=len, reverse=True))
    phrase = re.sub(f"(?:的)?(?:{endings})*$", "", _QUOTES.sub("", phrase))
    parts = [p.strip("的") for p in _LIST_JOINS.split(phrase) if p.strip("的")]
    if len(parts) != n or any(len(p) < 2 for p in parts):
        return []
    return parts


def _per_unit_object(q: Quantity, sentence: str, counted: list[Quantity]) -> str:
    """What a rate with nothing named before it is per: what its own ``sentence`` counted in that
    unit ("680 户…按每户每月 40 元"); else, per 个/户 and the like, the thing counted last ("对 1320
    个村卫生室…，每个每年 5000 元"); else what the clause before acts on ("为 300 名志愿者配置反光背心，
    每套 260 元": the vests, not the people); else the last thing counted in that unit
    ("补植苗木 200 株，每株 300 元")."""
    per_unit = _PER.findall(q.per)[0]
    clauses = [c for c in re.split(r"[，,；;：:]", sentence) if c.strip()]
    verbs = "|".join(drafting_data()["action_verbs"])
    # "更新变频水泵，每座 2.5 万元", "委托第三方开展入户检测，每家…": the work the clause just
    # before does, when that clause opens with doing it and counts nothing itself
    if len(clauses) >= 2 and not re.search(r"\d", clauses[-2]) and (acted := re.match(
            f"(?:并|另|再|同时|还)?(?:委托[\u4e00-\u9fff]{{2,10}}?(?:开展|进行|实施)|{verbs})([\u4e00-\u9fff、]{{2,20}})$",
            _QUOTES.sub("", clauses[-2].strip()))):
        return acted.group(1)
    in_sentence = next((c.object for c in reversed(counted) if _same_unit(c.unit, per_unit) and c.number_text in sentence), "")
    if in_sentence.startswith("每"):
        # "培训班 n 期，每期 m 人，每人每天 a 元": per trainee of the classes, not of "每期"
        in_sentence = next((c.object for c in reversed(counted) if not c.object.startswith("每") and c.number_text in sentence),
                           in_sentence)
    if in_sentence:
        return in_sentence
    # "为留守儿童开展心理疏导，每人 a 元": the work done for those people, before
    # any thing counted earlier (a 每处 after "步道 n 米" prices the work of its own clause)
    if len(clauses) >= 2 and (done_for := re.fullmatch(drafting_data()["done_for_pattern"], _QUOTES.sub("", clauses[-2].strip()))):
        return done_for.group("work")
    if counted and re.match(r"每[个所家座处户]", q.per):
        return counted[-1].object
    # "为 n 家卫生院配置 24 小时动态血压计，每台…": what that work supplies, a spec and all
    supplies = "|".join((*drafting_data()["action_verbs"], *drafting_data()["supply_verbs"]))
    acted = re.search(f"(?:{supplies})(\\d*[\u4e00-\u9fff]{{2,16}})$", _QUOTES.sub("", clauses[-2].strip())) if len(clauses) >= 2 else None
    if acted and not re.match(r"\d+(?:" + "|".join(map(re.escape, drafting_data()["count_units"])) + ")", acted.group(1)):
        return acted.group(1)  # "服务 n 场次": a count, not a thing with a spec
    return next((c.object for c in reversed(counted) if c.unit.lstrip("万") == per_unit), "")


def _same_unit(counted_unit: str, per_unit: str) -> bool:
    """"680 户 … 每户", "68 名 … 每人": the rate is per one of what was counted."""
    unit, per_unit = counted_unit.lstrip("万"), per_unit.removesuffix("天")  # "按 380 元/人天": per person and day
    # "n 台（套）…每台": the bracket names the unit again; "n 个月…每月": the 个 only counts
    unit = re.sub(r"[（(][^）)]*[）)]", "", unit)
    unit = unit[1:] if unit.startswith("个") and len(unit) > 1 else unit
    people = [u for u in drafting_data()["person_units"] if "户" not in u]  # a household is not a person
    # "康复理疗 500 人次，次均 80 元": per 次 of those 人次
    return (unit == per_unit or (unit in people and per_unit in people) or (per_unit == "次" and unit.endswith("次"))
            or unit == per_unit + "次" or per_unit == unit + "次")  # "n 场次…每场", "n 项次…每项次"


def _start_after(text: str, at: int, breaks: str) -> int:
    """Where the stretch ending at ``at`` begins: just after the last of ``breaks`` before it."""
    return max(text.rfind(ch, 0, at) for ch in breaks) + 1


def _end_before(text: str, at: int, breaks: str) -> int:
    """Where the stretch starting at ``at`` ends: at the first of ``breaks`` from there, else the text's end."""
    return min([e for e in (text.find(ch, at) for ch in breaks) if e != -1] or [len(text)])


def _name_count(q: Quantity, before: str, after: str, sentence: str, found: list[Quantity], data: dict) -> None:
    """What a count counts, and the row name it would get (``sentence``: its sentence up to it)."""
    after_object = _after_phrase(re.sub(r"各[\u4e00-\u9fff]{0,6}\s*\d.*$", "", after), data)  # "3 所学校各补助 4 万元"
    if after_object in ("于", "在", "按", "对", "为", "由"):
        after_object = ""  # "分 2 批于 5 月…": a preposition, nothing named after the number
    measure = q.measure = data["unit_measures"].get(q.unit, data["default_measure"])
    said = re.sub(r"\s|约|为", "", before)
    dimension = data["dimension_words"].get(said)
    if dimension and not after_object and (thing := _dimensioned_thing(q, sentence, found, data)):
        # "停车场一处，长 80 米、宽 25 米": the car park's length and width, not a length of 宽
        q.object, q.name = thing, thing + dimension
        return
    ends = next((w for w in sorted(data["dimension_words"], key=len, reverse=True) if said.endswith(w)), "")
    if ends and not after_object and measure == data["unit_measures"].get("米") \
            and len(thing := _before_phrase(re.sub("[全总]$", "", said[: -len(ends)]), data)) >= 2:
        # "步道铺设长 n 米": the path's length; the 长 is the measure, not part of the thing
        q.object, q.name = thing, thing + data["dimension_words"][ends]
        return
    if after_object:
        whole = _before_phrase(before, data) if len(after_object) <= 2 else ""
        # "新增信号灯 60 个路口": the 路口 of the 信号灯, not any 路口
        q.object = whole + after_object if len(whole) >= 4 else after_object
        rest = after[after.find(after_object) + len(after_object):]
        if len(after_object) <= 2 and len(whole) < 4 and (work := re.fullmatch(
                f"\\s*(?:实施|进行)?(?:{'|'.join(data['action_verbs'])})?(?P<thing>[\u4e00-\u9fff]{{4,16}})\\s*", rest)) \
                and len(work.group("thing")) < len(rest.strip()):
            # "在 9 个社区实施适老化改造": the 社区 of that work, which a past row may name ("社区适老化改造")
            q.object = work.group("thing") + after_object
        q.name = q.object + (measure[1:] if q.object.endswith(measure[:1]) and len(measure) > 1 else measure)
        return
    q.object = _before_phrase(before, data)
    if q.unit in ("批", "轮", "期", "次") and q.object.endswith("分"):
        q.object = q.object[:-1]  # "比赛分 2 批": the batches of the matches
    if not q.object and re.fullmatch(r"\s*(?:为|给|向)\s*", before) and (work := re.match(
            r"\s*((?:" + "|".join(data["action_verbs"]) + r")[\u4e00-\u9fff]{2,12})", after)):
        # "为 20 所学校…" names them; "为 40 户加装扶手": only the work done for them does
        done = work.group(1) if len(work.group(1)) <= 10 else re.split("和|及|与", work.group(1))[0]
        q.object, q.name = done, done + measure
        return
    opened = q.start - len(sentence)  # where the sentence starts
    priced = next((f for f in reversed(found) if f.money and f.per and len(f.object) >= 2 and f.start >= opened
                   and not re.search("[：:]", sentence[f.start - opened:]) and _same_unit(q.unit, _PER.findall(f.per)[0])), None)
    if priced and q.object in data["action_verbs"]:
        # "一号展区每个展台 1.2 万元，安装 25 个": the 展台 installed, priced per 个 just before
        q.object, q.name = priced.object, priced.object + q.object + measure
        return
    previous = next((f for f in reversed(found) if not f.money and f.object and f.number_text in sentence), None)
    totalled = re.fullmatch(r"\s*(?:共|共计|合计|总计)\s*", before)
    if totalled:
        parts = [f for f in found if not f.money and f.unit == q.unit and f.object and f.number_text in sentence]
        if len(parts) < 2:
            # "甲渠 3.2 公里；乙渠 1.9 公里；合计 5.1 公里": the parts may lie in sentences before,
            # when what they add up to is the total
            same = [f for f in found if not f.money and f.unit == q.unit]
            for n in range(len(same) - 1, 0, -1):
                if _adds_up(same[n - 1:], q):
                    parts = [f for f in same[n - 1:] if f.object]
                    break
        listed = [f.object for f in parts]
        shared = os.path.commonprefix([o[::-1] for o in listed])[::-1] if len(listed) >= 2 else ""
        if len(shared) >= 2:
            # "互联网服务器 3 台、数据库服务器 4 台，共 7 台": the servers in all
            q.object, q.name = shared, shared + ("总数" if measure == data["default_measure"] else "总" + measure)
            return
        if len(parts) >= 2 and _adds_up(parts, q):
            q.object, q.name = "", "总" + measure  # "甲渠 3.2 公里、乙渠 1.3 公里，共 4.5 公里": no shared word
            return
    if not q.object and previous is not None and (totalled or re.fullmatch(r"\s*(?:全年|年)?\s*(?:约|大约|计)?\s*", before)):
        # "足球场 2 块共 1.4 万平方米": the area of the thing just counted;
        # "集中训练 7 天，约 650 人": the people of that training; "日均 120 吨，全年约 4.38 万吨": of that waste
        q.object = re.sub(data["daily_words_pattern"], "", previous.object)
        # "每批 60 至 90 人、共 240 人", "每批 30 人、5 天，共 60 人": the people in all
        if q.object.startswith("每") and any(f.unit == q.unit and f.object.startswith("每") for f in found
                                             if not f.money and f.start >= opened):
            q.object, q.name = "", "总" + measure
            return
        whole_year = re.search(r"全年|年", before)
        q.name = ("全年" if whole_year else "") + _with_measure(q.object, measure)
        return
    if priced and not q.object:
        # "每户安装报警器补助 300 元，全区共 800 户": the households priced per 户 just before; "对…药店每家
        # 再奖励 1 万元，预计 20 家": the 药店, not the reward
        thing = re.sub(data["payment_suffix_pattern"], "", priced.object)
        q.object = thing if len(thing) >= 2 else priced.object
        q.name = _with_measure(q.object, measure)
        return
    treated = re.search(data["treated_thing_pattern"], sentence)
    if len(q.object) <= 2 and treated and len(thing := _strip(treated.group("thing"), data)) >= 3 and "按" not in thing:
        # "对新评定的乡村旅游重点村给予奖补，计划评定 8 个": the villages, not "评定";
        # "对…的学员给予补贴，一级 45 人、二级 70 人": the 一级 学员, one row per grade
        q.object = (q.object if re.fullmatch(data["tier_pattern"], q.object) else "") + thing
        q.name = _with_measure(q.object, measure)
        return
    work = re.split(r"[，,；;：:]", sentence)[-2:-1]
    work = re.sub(r"^第[^（(]{1,3}阶段\s*[（(][^）)]*[）)]", "", work[0]) if work else ""
    if not q.object and re.fullmatch(r"\s*按\s*", before) and work and not re.search(r"\d", work):
        # "对渗漏点开展内窥检测，按 80 处、每处…计": the places of the work the clause before names
        # (a clause of prices before it, "每月租金 2 万元，按 12 个月计", names no work)
        q.object = _before_phrase(work, data)
        q.name = _with_measure(q.object, measure) if q.object else ""
        return
    done = re.search(data["work_done_pattern"], re.split(r"[，,]", sentence)[-2]) if re.search(r"[，,]", sentence) else None
    if not q.object and done and re.fullmatch(data["count_opening_pattern"], before):
        # "增加洒水降尘作业，全年 1500 车次": the times that work is done, named in the clause before
        q.object = _strip(done.group("thing"), data)
        q.name = _with_measure(q.object, measure)
        return
    clauses = re.split(r"[，,]", sentence)
    lead = re.split("并|同时", re.split(r"[：:]", clauses[-2])[-1])[0] if len(clauses) >= 2 else ""
    if not q.object and re.fullmatch(data["count_opening_pattern"], clauses[-1]) and not re.search(r"\d", lead) \
            and len(thing := _before_phrase(lead, data)) >= 2:
        # "培育示范单位并给予奖补，n 家，每家…": a count standing alone counts what the clause before does
        q.object, q.name = thing, _with_measure(thing, measure)
        return
    if light := re.fullmatch(data["light_verb_pattern"], q.object):
        # "对…项目预算开展评审 150 个": the 评审 is what is counted, of the thing the sentence treats
        q.object = light.group("work")
        if len(q.object) <= 2 and treated:
            q.object = re.split(r"等|、", _strip(treated.group("thing"), data))[-1] + q.object
    # "征集文物 20 件" reads as a row name; a bare noun ("农村公路 120 公里") needs its measure word;
    # nothing named at all ("预计 600 人") is left for the caller, who knows who benefits
    acts = any(q.object.startswith(v) for v in data["action_verbs"])
    # 奖补, 补贴 name what is given; 费用 names only the money paid for it
    paid = next((w for w in sorted(data["paid_count_endings"], key=len, reverse=True) if q.object.endswith(w)), "")
    if not q.object:
        q.name = ""
    elif paid and len(q.object) > len(paid) + 1:
        q.name = q.object[: -len(paid)] + measure  # "垫付抢救费用 300 人次" counts the times it is paid, not the money
    elif len(q.object) <= 2 or not (acts or q.object.endswith(measure) or q.object.endswith(tuple(data["measure_words"]))):
        q.name = q.object + measure
    else:
        q.name = q.object


def _of_each_batch(q: Quantity, sentence_start: int, found: list[Quantity], data: dict) -> None:
    """"甲培训班 8 期，每期 50 人、4 天；乙培训班 2 期，每期 60 人、5 天": each 期's people and days are
    those of the classes counted in 期 just before, so the two classes' rows keep apart."""
    per = q.object[1:] if q.object.startswith("每") else ""
    if per not in data["batch_units"]:
        return
    host = next((f for f in reversed(found) if not f.money and f.start >= sentence_start and f.unit == per
                 and f.object and not f.object.startswith("每")), None)
    if host and q.name.startswith(q.object):
        q.name = host.object + q.name  # only the row's name: a price after it is still per one of the host


def _dimensioned_thing(q: Quantity, sentence: str, found: list[Quantity], data: dict) -> str:
    """What a length or width written alone ("宽 5 米") measures: the thing just counted in its
    sentence ("步道 n 米、宽 m 米"), else what the clause before it names ("新铺停车场一处，长…")."""
    opened = q.start - len(sentence)
    previous = next((f for f in reversed(found) if not f.money and f.object and f.start >= opened), None)
    if previous is not None:
        # "道路全长 n 公里，宽 m 米": the road's width, not the length's
        words = "|".join(sorted(data["dimension_words"], key=len, reverse=True))
        thing = re.sub(f"[全总]?(?:{words})$", "", previous.object)
        return thing if len(thing) >= 2 else previous.object
    clauses = [c for c in re.split(r"[，,；;：:、]", sentence) if c.strip()][:-1]
    if not clauses or re.search(r"\d", clauses[-1]):
        return ""
    # "一处", "两座": a count written in words names no thing
    thing = _before_phrase(re.sub(r"[一二两三四五六七八九十]+[个处座条块间栋片]$", "", clauses[-1].strip()), data)
    return thing if len(thing) >= 2 else ""


def _adds_up(parts: list[Quantity], total: Quantity) -> bool:
    """Whether the counts listed add up to the total written after them."""
    return abs(sum(f.number for f in parts) - total.number) < 1e-6 * max(total.number, 1)


def _with_measure(thing: str, measure: str) -> str:
    """"餐厨垃圾" + "量" → "餐厨垃圾量"; "处理量" stays "处理量"."""
    return thing if thing.endswith(measure) else thing + measure


@dataclass
class Target:
    """A rate or a time limit the description promises: "综合利用率达到92%以上", "12分钟以内"."""

    name: str
    value: str
    level2: str
    number_text: str


def extract_targets(description: str) -> list[Target]:
    data = drafting_data()
    t = data["targets"]
    text = re.sub(r"\s+", "", description)
    text = re.sub(t["bounded_time"], r"\1\2以内", text)  # "响应时间不超过 30 分钟" is a time limit too
    found: list[Target] = []
    # "室温不低于 18℃ 的达标率 98% 以上": the condition is part of the rate's name, and the rate is read once
    conditioned = list(re.finditer(t["conditioned_rate"], text))
    for m in conditioned:
        name = _strip(m.group("name"), data) + f"{m.group('cond')}{m.group('limit')}{m.group('unit')}{m.group('rate')}"
        bound = "≥" if m.group("above") or float(m.group("num")) < 100 and re.search(r"达到|不低于", m.group(0)[-12:]) else ""
        found.append(Target(name, f"{bound}{m.group('num')}%", t["default_rate_level2"], m.group("num")))
    for m in re.finditer(t["rate"], text):
        if any(c.start() <= m.start() < c.end() for c in conditioned):
            continue
        name = _strip(_after_a_number(m.group("name")), data)  # "3 个月内…的比例"
        bound = "≥" if m.group("above") or re.search(r"达到|不低于|提高|提升", m.group(0)) else ""
        bound = "" if float(m.group("num")) >= 100 else bound  # "达到 100%" is the ceiling, not "≥100%"
        # "发生率控制在 5% 以下", "报废率降至 1%"
        bound = "≤" if m.group("below") or re.search(r"不超过|不高于|(?<!不)低于|降低?[到至]|下降[到至]|减少[到至]|压缩[到至]",
                                                      m.group(0)) else bound
        # "完整率、准确率和及时率均为 100%": the rates listed before the one the pattern found
        listed = re.search(r"((?:[\u4e00-\u9fff]{2,12}?(?:率|满意度)、)+)$", text[: m.start("name")])
        for each in _rates_named_together(_strip(listed.group(1), data) + name if listed else name):
            level2 = next((v for k, v in t["rate_level2"].items() if k in each), t["default_rate_level2"])
            if each.endswith(tuple(t["quality_rate_endings"])):
                level2 = t["default_rate_level2"]  # "绿化养护质量达标率" rates the work's quality, whatever it tends
            found.append(Target(each, f"{bound}{m.group('num')}{m.group('pct')}", level2, m.group("num")))
    for m in [*re.finditer(t["share"], text), *re.finditer(t["share_by_base"], text)]:
        # "市级承担 N%", "市级按贷款额的 N% 负担": the share of the cost the city bears
        name = f"{m.group('name')}资金承担比例"
        if any(f.name == name for f in found):  # a second tier's share: told apart by what its sentence opens with
            name = _told_by_tier(name, text, _start_after(text, m.start(), "，,；;：:。"), found, data) or name
        found.append(Target(name, f"{m.group('num')}%", "成本指标", m.group("num")))
    for m in re.finditer(t["decline"], text):  # "犬伤事件同比下降 10%"
        name = _strip(_after_a_number(m.group("name")), data)  # "15 岁以上人群吸烟率下降…"
        found.append(Target(f"{name}下降幅度", f"≥{m.group('num')}{m.group('unit')}", t["decline_level2"], m.group("num")))
    for m in re.finditer(t["decline_first"], text):  # "降低综合物流成本约 15%": the verb before what falls
        name = _strip(m.group("name"), data)
        found.append(Target(f"{name}下降幅度", f"{'' if m.group('about') else '≥'}{m.group('num')}{m.group('unit')}",
                            t["decline_level2"], m.group("num")))
    for m in re.finditer(t["coefficient"], text):  # "灌溉水有效利用系数提高到 0.65"
        found.append(Target(_strip(m.group("name"), data), f"≥{m.group('num')}", t["default_rate_level2"], m.group("num")))
    for m in re.finditer(t["measure_at_most"], text):  # "温度波动不超过 ±0.5℃": a tolerance
        found.append(Target(_strip(m.group("name"), data), f"≤{m.group('pm') or ''}{m.group('num')}{m.group('unit')}",
                            t["default_rate_level2"], m.group("num")))
    for m in re.finditer(t["lasting"], text):  # "系统持续使用 5 年以上": how long what is built keeps working
        name = _strip(m.group("name"), data)
        found.append(Target(f"{name}{m.group('verb')}年限", f"≥{m.group('num')}年", "可持续影响指标", m.group("num")))
    for m in re.finditer(t["within"], text):
        # "预算评审原则上 20 个工作日内完成": the hedge is not part of the row's name
        # "面试结束后 7～10 日内组织": a window, both ends kept, named by the words before it
        low = re.search(r"([\u4e00-\u9fff]{0,16}?)(\d+(?:\.\d+)?)\s*[～~—–\-至到]\s*$", text[:m.start("num")])
        said = low.group(1) if low and not m.group("name") else m.group("name") or ""
        name = _strip(re.sub(t["time_limit_condition"], "", re.split(r"确保|保证|使(?!用)|让", said)[-1]), data)
        verb = m.group("verb") if m.group("verb") and m.group("verb") not in ("，", "。") else ""
        if len(name) < 2 and not verb:
            continue
        name = name if name.endswith(("时间", "时限", "时长", "期限")) else f"{name}{verb}时间"
        value = f"{low.group(2)}-{m.group('num')}{m.group('unit')}" if low else f"≤{m.group('num')}{m.group('unit')}"
        found.append(Target(name, value, "时效指标", m.group("num")))
    found += _deadlines(text, t, data)
    for m in re.finditer(t["return_period"], text):  # "防洪标准达到 50 年一遇"
        found.append(Target(_strip(m.group("name"), data), f"{m.group('num')}年一遇", "质量指标", m.group("num")))
    for m in re.finditer(t["hours_at_least"], text):  # "每周开放时间不少于 56 小时"
        found.append(Target(_strip(m.group("name"), data), f"≥{m.group('num')}{m.group('unit')}", "数量指标", m.group("num")))
    for m in re.finditer(t["range"], text):  # "室温控制在 16 至 24℃": a band, both ends kept
        unit = m.group("unit")
        found.append(Target(_strip(m.group("name"), data), f"{m.group('low')}{unit}-{m.group('high')}{unit}", "质量指标", m.group("low")))
    for m in re.finditer(t["measure_at_least"], text):  # "无线网络带宽不低于 50Mbps", "设备使用年限不少于 8 年"
        unit = m.group("unit")
        found.append(Target(_strip(m.group("name"), data), f"≥{m.group('num')}{unit}",
                            "可持续影响指标" if unit == "年" else "质量指标", m.group("num")))
    for m in re.finditer(t["design_life"], text):  # "设计使用年限 20 年以上": what is built is promised to last
        if not any(f.value == f"≥{m.group('num')}年" for f in found):  # "使用寿命不低于 10 年" read above
            found.append(Target(m.group("name"), f"≥{m.group('num')}年", "可持续影响指标", m.group("num")))
    for m in re.finditer(t["share_of_base"], text):  # "按上年投入的 30% 给予奖补": the share the rate is set at
        if re.match(r"(?:承担|负担|分担)", text[m.end():]):
            continue  # a share of the cost a level bears, read above
        found.append(Target(f"{_tier_before(text, m.start(), t)}{m.group('what') or '补助'}比例", f"{m.group('num')}%",
                            "成本指标", m.group("num")))
    for m in re.finditer(t["tier_share"], text):  # "…：A 类园区按 8% 补助…；B 类按 5% 补助": one share per tier
        # "按 5% 比例抽检": how much is inspected, a quality share, not money
        level2 = "质量指标" if m.group("what") in t["inspection_words"] else "成本指标"
        found.append(Target(f"{_tier_before(text, m.start(), t)}{m.group('what')}比例", f"{m.group('num')}%", level2, m.group("num")))
    for m in re.finditer(t["spent_share"], text):  # "其中耗材不低于 20%": the share one part takes
        name = _strip(m.group("name"), data)
        if len(name) < 2 or re.search(r"(?:率|满意度|比例|占比|比重)$", name):
            continue  # a rate the rate pattern reads
        bound = {"不低于": "≥", "不少于": "≥", "不超过": "≤", "不高于": "≤"}.get(m.group("bound"), "")
        spending = re.search(r"用于|支出|经费|资金|费用", re.split(r"[。；;]", text[: m.start()])[-1])
        found.append(Target(f"{name}占比", f"{bound}{m.group('num')}%", "成本指标" if spending else t["default_rate_level2"], m.group("num")))
    for m in re.finditer(t["share_named_after"], text):  # "具备不低于年用水量 10% 的应急储备": a share of a base
        found.append(Target(f"{_strip(m.group('name'), data)}占{m.group('base')}比例", f"≥{m.group('num')}%",
                            t["default_rate_level2"], m.group("num")))
    for m in re.finditer(t["phase_span"], text):  # "第 1 期 3 月至 6 月，…": the months that phase takes
        found.append(Target(f"{m.group('phase')}实施时间", f"{m.group('num')}月至{m.group('to')}月", "时效指标", m.group("num")))
    for m in re.finditer(t["phase_month"], text):  # "第一阶段（3 月）": the month that phase takes
        found.append(Target(f"{m.group('phase')}实施时间", f"{m.group('num')}月", "时效指标", m.group("num")))
    for m in re.finditer(t["each_share"], text):  # "省、市各负担 40%": the share each level pays
        who = _payer(m.group("who"), data)
        found.append(Target(f"{who}{m.group('verb')}比例", f"各{m.group('num')}%", "成本指标", m.group("num")))
    for m in re.finditer(t["listed_shares"], text):  # "由省、市、县按 40%、30%、30% 比例分担": each level's share
        names, nums = _payer(m.group("names"), data).split("、"), re.findall(r"\d+(?:\.\d+)?", m.group("nums"))
        if len(names) == len(nums):
            for who, num in zip(names, nums):
                who = who + "级" if who in data["government_levels"] else who
                found.append(Target(f"{who}{m.group('verb')}比例", f"{num}%", "成本指标", num))
    for m in re.finditer(t["matching_ratio_after"], text):  # "按国家补助资金 1:1 给予市级配套": who matches, after the ratio
        found.append(Target(f"{m.group('who')}{m.group('verb')}比例", f"{m.group('a')}:{m.group('b')}", "成本指标", m.group("a")))
    for m in re.finditer(t["cross_year_span"], text):  # "储备期为上年 12 月至当年 6 月": a window across the year's turn
        ends = [f"{m.group(y)}{m.group(n)}月" + (f"{m.group(d)}日" if m.group(d) else "")
                for y, n, d in (("y1", "num", "d1"), ("y2", "to", "d2"))]
        name = _strip(m.group("name"), data)
        found.append(Target(name if name.endswith(("期", "时间", "期限")) else f"{name}时间", "至".join(ends), "时效指标",
                            m.group("num")))
    for m in re.finditer(t["contract_share"], text):  # "验收后支付中标价 200 万元的 10%": the share paid, of what
        of = f"（{m.group('base')}{m.group('amt')}{m.group('unit')}）" if m.group("amt") else ""
        found.append(Target(f"{m.group('base')}支付比例", f"{m.group('num')}%{of}", "成本指标", m.group("num")))
    for m in re.finditer(t["raise_to"], text):  # "巡检村庄从 40 个增加到 65 个": both levels, as the row's value
        unit = m.group("unit")
        found.append(Target(_level_name(m.group("name"), data), f"由{m.group('from')}{unit}{m.group('verb')}到{m.group('num')}{unit}",
                            "数量指标" if unit in data["count_units"] else t["default_rate_level2"], m.group("num")))
    for m in _levels_to(text, t):  # "日处理能力提升到 N 万吨": the level the work reaches, no starting level given
        unit, down = m.group("unit"), m.group("verb") in t["level_down_verbs"]
        level2 = ("时效指标" if unit in data["unplaced"]["duration_units"]
                  else "数量指标" if unit.lstrip("万") in data["count_units"] else t["default_rate_level2"])
        found.append(Target(_level_name(m.group("name"), data), f"{'≤' if down else '≥'}{m.group('num')}{unit}",
                            level2, m.group("num")))
    for m in re.finditer(t["matching_ratio"], text):  # "区县财政按照 2:1 比例配套": the share others put in
        who = _payer(m.group("who"), data)
        bound = "≥" if m.group("bound") else ""
        found.append(Target(f"{who}{m.group('verb')}比例" if len(who) >= 2 else f"{m.group('verb')}比例",
                            f"{bound}{m.group('a')}:{m.group('b')}", "成本指标", m.group("a")))
    for m in re.finditer(t["below_market"], text):  # "托管服务价格低于市场价 10% 以上": what users save
        found.append(Target(f"{_strip(m.group('name'), data)}低于{m.group('base')}幅度", f"≥{m.group('num')}%", "经济效益指标", m.group("num")))
    for m in re.finditer(t["respective_rates"], text):  # "一等功、二等功家庭分别增发 50%、30%": a rate for each
        nums = re.findall(r"\d+(?:\.\d+)?", m.group("nums"))
        names = re.split(r"[对为向给]", m.group("names"))[-1]
        parts = [_strip(p, data) for p in _LIST_JOINS.split(names)]
        if len(parts) == len(nums) and all(len(p) >= 2 for p in parts):
            for part, num in zip(parts, nums):
                verb = "" if m.group("verb") == "按" else m.group("verb")
                found.append(Target(f"{part}{verb}比例", f"{num}%", "成本指标", num))
    for m in re.finditer(t["round_the_clock"], text):  # "易涝点 24 小时值守"; "7×24 小时服务": every day of the week too
        week = re.search(r"(7)\s*[×*xX]\s*$", text[: m.start()])
        value = f"7×{m.group('num')}小时" if week else f"{m.group('num')}小时/天"
        found.append(Target(f"{m.group('name')}时长", value, "质量指标", week.group(1) if week else m.group("num")))
    for m in re.finditer(t["monthly"], text):  # "补贴于每月 10 日前发放": a day of every month (or quarter)
        subject = _subject_before(text, m.start(), data)
        period = m.group("period")
        done = re.match(r"[\u4e00-\u9fff]{2,6}", text[m.end():])  # "每季度末月 20 日前上缴租金": what is done by then
        verb = done.group(0)[:2] if done and subject and not subject.endswith(done.group(0)[:2]) else ""  # "保洁服务费结算时间"
        found.append(Target(f"{subject + verb if subject else (done.group(0) if done else '每' + period + '发放')}时间",
                            f"每{period}{m.group('num')}日前", "时效指标", m.group("num")))
    for m in re.finditer(t["daily"], text):  # "每日早 7 点前完成首轮清扫": an hour of every day
        done = re.match(r"[\u4e00-\u9fff]{2,10}", text[m.end():])
        subject = _subject_before(text, m.start(), data)
        what = re.sub(r"^完成", "", done.group(0)) + "完成" if done and done.group(0).startswith("完成") else (
            done.group(0) if done else subject)
        if subject and subject != what and len(subject) <= 6:
            what = subject + what  # "垃圾每天 18 时前清运完毕": the 垃圾's
        if what:
            found.append(Target(f"{what}时间", f"每日{m.group('part') or ''}{m.group('num')}{m.group('unit')}前", "时效指标",
                                m.group("num")))
    return found + _effects(text, t, data)


def _level_name(words: str, data: dict) -> str:
    """The name of what rises or falls: the words before the verb, stripped, but "日处理能力" keeps the
    日 (or 年, 月) that says over what time it is measured."""
    name = _strip(words, data)
    return words if words[:1] in ("日", "年", "月") and name == words[1:] else name


def _levels_to(text: str, t: dict) -> list[re.Match]:
    """"年出车能力提高至 2.6 万车次", "到达时间缩短到 12 分钟": a level reached, in any unit but a share
    (the rate patterns read those) and not after a starting level (``raise_to`` reads both)."""
    raised = [r.span() for r in re.finditer(t["raise_to"], text)]
    return [m for m in re.finditer(t["level_to"], text)
            if "%" not in m.group("unit") and not m.group("unit").startswith("个百分点")
            and not any(a <= m.start("num") < b for a, b in raised)]


def _rates_named_together(name: str) -> list[str]:
    """"台账登记完整率和准确率均达到 97%": two rates, each named in full ("台账登记准确率"); "师生和家长满意度"
    is one rate of two groups."""
    parts = _LIST_JOINS.split(name)
    rate_word = re.compile(r"(?:率|满意度|比例)$")
    if len(parts) < 2 or not all(rate_word.search(p) for p in parts) or any(len(p) < 2 for p in parts):
        return [name]
    stem = parts[0][: len(parts[0]) - len(parts[-1])] if len(parts[0]) > len(parts[-1]) else ""
    return [parts[0]] + [stem + p for p in parts[1:]]


def _subject_before(text: str, at: int, data: dict) -> str:
    """"补贴于每月 10 日前…": what a recurring time limit is for, the words of its clause before it."""
    return _strip(re.split(r"[，,。；;、]", text[:at])[-1].rstrip("于在"), data)


def _after_a_number(name: str) -> str:
    """"分钟可达公园的覆盖率" (after "步行 5"), "个月内就业的比例": the unit of the number before is not part of the name."""
    return re.sub(drafting_data()["unit_before_name_pattern"], "", name)


def _payer(words: str, data: dict) -> str:
    """"其余部分由市、县": who pays, without what leads to them."""
    return _strip(re.split(r"由|其余部分|其余", words)[-1], data)


def _tier_before(text: str, at: int, t: dict) -> str:
    """"A 类园区按…": the few words opening the part (after ：or ；) that a share or a cap is
    set for, so that the tiers of one scheme are told apart; "" when the part opens otherwise."""
    m = re.search(t["tier_opening"], text[:at])
    return _strip(m.group("tier").strip(), drafting_data()) if m else ""


def _effects(text: str, t: dict, data: dict) -> list[Target]:
    """What the work brings about: "销售额同比增长 5%", "拉动消费不少于 1000 万元", "安全事故为 0"."""
    def level2(name: str, unit: str) -> str:
        if unit in ("万元", "亿元", "亿美元", "万美元"):
            return "经济效益指标"
        return next((v for k, v in t["effect_level2"].items() if k in name), t["default_effect_level2"])

    found = []
    for m in re.finditer(t["growth"], text):  # "带动乡村旅游接待人次同比增长 10%"
        name = _strip(_after_a_number(re.split(t["effect_lead_pattern"], m.group("name"))[-1]), data)
        unit = m.group("unit")
        if unit.endswith("元") and not m.group("compare") and m.group("verb") in ("提高", "提升"):
            continue  # "销售厅形象提升 26 万元" names a piece of work and its cost
        if len(name) >= 2:
            # "再就业率提升 3%" raises a rate: by how much, not a growth rate of a rate
            label = name + ("提高幅度" if name.endswith(("率", "比例", "度")) else "增长率" if unit == "%" else "增加")
            found.append(Target(label, f"≥{m.group('num')}{unit}", level2(name, unit), m.group("num")))
    for m in re.finditer(t["money_at_least"], text):  # "累计放贷规模不低于 5 亿元": how much the work moves
        name = _strip(re.split(t["effect_lead_pattern"], m.group("name"))[-1], data)
        if not re.search(t["pulled"], m.group(0)):
            found.append(Target(name, f"≥{m.group('num')}{m.group('unit')}", "数量指标", m.group("num")))
    for m in re.finditer(t["income_at_least"], text):  # "学员月均工资不低于 N 元": what those served earn
        name = _strip(re.split(t["effect_lead_pattern"], m.group("name"))[-1], data)
        if len(name) >= 2 and not re.search(t["pulled"], m.group(0)):  # "带动…增收": the pulled pattern reads it
            found.append(Target(name, f"≥{m.group('num')}{m.group('unit')}", "经济效益指标", m.group("num")))
    for m in re.finditer(t["growth_rate"], text):  # "人均可支配收入增幅不低于 6%"
        name = _strip(re.split(t["effect_lead_pattern"], m.group("name"))[-1], data)
        if len(name) >= 2:
            found.append(Target(f"{name}{m.group('word')}", f"≥{m.group('num')}%", level2(name, "%"), m.group("num")))
    for m in re.finditer(t["money_volume"], text):  # "送审金额约 30 亿元": how much money the work handles, not its cost
        name = _strip(re.split(r"[，,。；;、：:]", m.group("name"))[-1], data)
        found.append(Target(name, f"{m.group('num')}{m.group('unit')}", "数量指标", m.group("num")))
    for m in re.finditer(t["higher_funds"], text):  # "省级已下达专项资金 300 万元": what the levels above put in
        what = m.group("what") or m.group("what2") or "资金"
        found.append(Target(f"{m.group('who')}{m.group('verb')}{_strip(what, data)}", f"{m.group('num')}{m.group('unit')}",
                            "数量指标", m.group("num")))
    for m in re.finditer(t["pulled"], text):  # "拉动消费不少于 1000 万元", "促成签约项目 10 个以上"
        name = m.group("verb") + m.group("name")
        found.append(Target(name, f"≥{m.group('num')}{m.group('unit')}", level2(name, m.group("unit")), m.group("num")))
    for m in [*re.finditer(t["zero"], text), *re.finditer(t["zero_reached"], text)]:  # "安全事故为 0", "…降低到 0"
        name = _strip(re.split(t["zero_lead_pattern"], m.group("name"))[-1], data)
        found.append(Target(name, f"0{m.group('unit') or ''}", t["default_rate_level2"], "0"))
    return found


def _deadlines(text: str, t: dict, data: dict) -> list[Target]:
    """"审计报告于6月底前出具", "分别于6月底前和12月底前拨付到位", "11月底前完成全部赛事": one row per
    clause, named by what is done (the subject before, or the action after), with every date it gives;
    months without 前 are a schedule when something is done in them ("分 2 批于 5 月和 10 月举办",
    "于 3 月按时开学"), and the row says the months, not a deadline."""
    found = []
    scheduled = _scheduled_month(t)
    # "5 月中旬开工、9 月底前完工": a schedule and a deadline listed together are two rows
    text = re.sub(f"({'|'.join(map(re.escape, t['scheduled_verbs']))})、(?=\\d)", r"\1；", text)
    for clause in re.split(r"[，,。；;：:]", text):
        if milestone := re.search(t["milestone"], clause):  # "10 月底前完成全年培训任务的 75%": progress by a date
            what = re.sub(r"^全年", "", milestone.group("what")) or "任务"
            date = re.sub(r"\s+", "", milestone.group("date"))
            found.append(Target(f"{what}完成进度", f"{date}完成{milestone.group('num')}%", "时效指标", milestone.group("num")))
            continue
        if span := re.search(t["date_span"], clause):  # "于 9 月 1 日至 9 月 20 日组织完成": the whole period
            subject = _schedule_subject(clause[: span.start()], data)
            found.append(Target(f"{subject if len(subject) >= 2 else ''}{span.group('verb')}时间",
                                f"{span.group('from_m')}月{span.group('from_d')}日至{span.group('num')}月{span.group('day')}日",
                                "时效指标", span.group("num")))
            continue
        if (months := re.search(t["month_span"], clause)) and not re.search(t["phase_span"], clause):
            # "讲座于 5 月至 9 月分期开展", "8 月至 10 月组织集中验收": the months the work takes
            subject = re.split(r"\d", _schedule_subject(clause[: months.start()], data))[-1]  # "保洁员 60 名冬季…": not the count
            done = _work_done(re.sub(r"^(?:在|于|对|向)", "", clause[months.end():]))
            name = (subject + done[:2]) if len(subject) >= 2 else (done if len(done) >= 2 else "实施")
            found.append(Target(f"{name}时间", f"{months.group('num')}月至{months.group('to')}月", "时效指标", months.group("num")))
            continue
        dates = list(re.finditer(t["deadline"], clause))
        if not any(m.groupdict().get("before", "前") for m in dates):
            dates = list(re.finditer(scheduled, clause))  # "每年 3 月" alone names a month, nothing done by it
        if not dates:
            continue
        subject = clause[: dates[0].start()]
        if re.search(r"\d\s*月", subject):  # "笔试于 4 月、面试于 7 月举行": the last one listed
            subject = subject.rsplit("、", 1)[-1]
        subject = _schedule_subject(subject, data)
        action = re.sub(r"^(?:分[两二三四几]次|一次性|分批|全部|均|各|前|按时|如期|准时|"
                        + "|".join(map(re.escape, t["scheduled_seasons"])) + ")+", "", clause[dates[-1].end():])
        # "3 月底和 9 月底前各拨付 50%": how much by each date is part of the schedule
        portion = re.match(r"(?:前)?((?:各|拨付|支付|兑付|下达)[\u4e00-\u9fff]{0,4}?\d+(?:\.\d+)?%)", clause[dates[-1].end():])
        action = _work_done(action)
        name = (subject + action[:2]) if len(subject) >= 2 else (action or "完成")
        # "分别于 8 月 31 日、11 月 30 日前": the 前 written once covers both dates
        # "9 月开学前": the event the date is set by stays in the value
        value = "、".join(f"{m.group('num')}月{(m.group('day') + '日') if m.groupdict().get('day') else (m.groupdict().get('part') or '')}"
                         + (m.groupdict().get("event") or "" if m.groupdict().get("before") else "")
                         + ("前" if m.groupdict().get("before") or "before" not in m.groupdict() else "") for m in dates)
        found.append(Target(f"{name}时间", value + (portion.group(1) if portion else ""), "时效指标", dates[0].group("num")))
    return found


def _schedule_subject(text: str, data: dict) -> str:
    """"宣传资料分 2 批须于…": what a date is set for, without the words that lead to the date."""
    return _strip(re.sub(r"(?:分[\d两二三四几]+[批次期轮])?(?:分别|均|须|要|应|将|计划|预计|拟)?(?:于|在)?(?:每年|当年)?$", "", text), data)


def _work_done(text: str) -> str:
    """The work a date is set for, from the words after it: "完成建设和补助拨付" keeps its second action,
    a short whole action is not cut ("完成主干管清淤", not "完成主干管清"), else its first six characters."""
    return re.match(r"[\u4e00-\u9fff]{2,6}?[和及并][\u4e00-\u9fff]{1,4}$|[\u4e00-\u9fff]{7,9}$|[\u4e00-\u9fff]{0,6}", text).group(0)


def _scheduled_month(t: dict) -> str:
    """"3 月按时开学", "1 月寒假开始": a month something is done in (the season words may stand between)."""
    return (t["scheduled_month"].replace("VERBS", "|".join(map(re.escape, t["scheduled_verbs"])))
            .replace("SEASONS", "|".join(map(re.escape, t["scheduled_seasons"]))))


def _fill_targets(indicators: list["SuggestedIndicator"], targets: list[Target]) -> None:
    """A promised rate or time limit fills the row that measures the same thing (sharing a word of two
    characters or more, in the same 二级), or becomes a row of its own."""
    # a row of the very name, whatever 二级 the past form filed it under, or two rows of one name result;
    # those first, so that a target matching a row only by a shared word cannot take it from its own
    later = []
    for target in targets:
        if named := next((i for i in indicators if squash(i.name) == squash(target.name) and i.hint != _FROM_DRAFT), None):
            named.value, named.hint = target.value, _FROM_DRAFT
        else:
            later.append(target)
    for target in later:
        same = [i for i in indicators if i.level2 == target.level2 and i.hint != _FROM_DRAFT
                and ("%" in i.value) == target.value.endswith("%")
                and (_overlap(_head_of_rate(i.name), target.name) >= 2 or _template_of_same_rate(i, target.name))
                and (target.level2 == "时效指标" or _same_measure(i.value, target.value))]
        if same:
            row = max(same, key=lambda i: _overlap(_head_of_rate(i.name), target.name))
            if row.hint.startswith(_FRAMEWORK_HINT):
                row.name = target.name  # a template's name says less than the draft's own ("拨付完成率", not "项目完成及时率")
            row.value, row.hint = target.value, _FROM_DRAFT
        else:
            indicators.append(SuggestedIndicator(L.LEVEL2_TO_LEVEL1[target.level2], target.level2, target.name,
                                                 target.value, 0, [], origin="framework", hint=_FROM_DRAFT))


def _template_of_same_rate(row: "SuggestedIndicator", name: str) -> bool:
    """A framework template's rate the draft states in its own words ("培训合格率" ← "结业考核合格率")."""
    rate = re.search(r"[\u4e00-\u9fff]{2}率$", row.name)
    return row.hint.startswith(_FRAMEWORK_HINT) and bool(rate) and name.endswith(rate.group(0))


def _numbers_in_values(indicators: list["SuggestedIndicator"]) -> set[float]:
    """Every number the rows state, and the same in 万 ("36000" stands for 3.6 万)."""
    found = {float(n) for i in indicators for n in re.findall(r"\d+(?:\.\d+)?", i.value.replace(",", ""))}
    return found | {round(n / 1e4, 6) for n in found}


def _unplaced_rows(indicators: list["SuggestedIndicator"], draft: Draft) -> list["SuggestedIndicator"]:
    """Rows for the numbers of the draft's own work that no reading placed: "抽出 6% 开展复检", "7—9 月通报"
    are written in ways no pattern foresaw, yet a reviewer expects each in the table. A number is the
    project's own when its clause is not background (what exists already, past years, ages, hotline
    numbers, specs, a level raised from) and its unit says what it measures. The row is named by the
    words before the number, or by the work after it; a number nothing names gets no row (a row called
    "成本" would only be noise)."""
    data = drafting_data()
    u = data["unplaced"]
    text, amount, this_year = draft.description.replace(",", ""), draft.amount_yuan, _year_of(draft) or 0
    placed = _numbers_in_values(indicators)
    # cases (起) are counted only where the clause is not background: most are last year's incidents
    counts = {*data["count_units"], *("万" + c for c in data["count_units"] if not c.startswith("万")), *data["person_units"],
              *u["event_units"]}
    units = sorted({*counts, *u["quality_units"], *u["duration_units"], *u["skip_units"], *u["spec_units"],
                    "%", "％", "元", "万元", "亿元", "月"}, key=len, reverse=True)
    unit_alternatives = "|".join(map(re.escape, units))
    number = re.compile(r"(?<![\d.:：A-Za-z])(\d+(?:\.\d+)?)(?:[%％]?\s*[—–~～\-至到]\s*(\d+(?:\.\d+)?))?\s*("
                        + unit_alternatives + r")?(?![\d.A-Za-z])")
    rows: list[SuggestedIndicator] = []
    totals: list[re.Match] = []
    for m in number.finditer(text):
        low, high, unit = m.group(1), m.group(2), m.group(3) or ""
        shown = high or low
        start, end = _start_after(text, m.start(), "，,。；;：:"), _end_before(text, m.end(), "，,。；;")
        clause, before, after = text[start:end], text[start:m.start()], text[m.end():end]
        # who qualifies ("对上年度营业收入 N 万元以上的商户") may name a past year without being background
        own = re.sub(r"^对[^，,。；;]*?的", "", clause)
        bar = _term_row(before, unit, shown, u) or (
            _eligibility_bar(before, text[_start_after(text, m.start(), "。；;"):m.start()], after, unit, shown, data)
            if unit and unit not in u["skip_units"] else None)
        if bar and not re.search(u["background_pattern"], clause):
            # "对年交易额首次突破 N 亿元的企业奖励…": who qualifies is a standard the review checks, not
            # background; the same number elsewhere ("奖励 N 家") does not stand for it
            if not any(squash(i.name) == squash(bar.name) or re.search(f"(?<![\\d.]){re.escape(shown + unit)}", i.value)
                       for i in (*indicators, *rows)):
                rows.append(bar)
                placed |= {float(shown)}
            continue
        if not unit or unit in u["skip_units"]:
            continue
        if (float(shown) in placed if unit not in ("%", "％") else  # "40 元/亩" does not state the share "40%"
                any(re.search(rf"(?<![\d.]){re.escape(shown)}\s*[%％]", i.value) for i in (*indicators, *rows))):
            continue
        if (re.search(u["background_pattern"], own)
                or any(int(y) < this_year for y in _YEAR.findall(_sentence_around(text, m.start())))
                or before.count("“") > before.count("”") or before.count("《") > before.count("》")
                or before.count("（") > before.count("）")  # an aside: a spec, a season's dates
                or (unit in u["spec_units"] and re.match(r"\s*[\u4e00-\u9fff]", after))  # "32G 云主机": a spec
                or re.search(u["baseline_before_pattern"], before)
                or re.match(u["threshold_after_unit_pattern"], after)
                or (re.search(u["threshold_before_pattern"], before) and re.match(r"\s*(?:及以上|及以下|以上|以下)?的", after))
                or re.match(r"\s*[年岁]", after)
                or any(after.startswith(w) for w in data["type_markers"])):
            continue
        bound = ("≥" if re.search(u["at_least_pattern"], before) or re.match(u["at_least_pattern"], after)
                 else "≤" if re.search(u["at_most_pattern"], before) or re.match(u["at_most_pattern"], after) else "")
        # the words since the last number ("…3 万元及" names nothing), without asides and lead words
        words = re.sub(r"[（(][^（）()]{0,8}[）)]", "", re.split(r"\d", before)[-1])
        words = re.sub(f"^(?:{unit_alternatives})?[和、及与至到或]?", "", words) if re.search(r"\d", before) else words
        named = _before_phrase(re.sub(u["lead_words_pattern"], "", words.strip()), data)
        work = _work_done(re.sub(r"^\s*(?:底|末|份)?(?:前|之前)?", "", after))
        if after.lstrip().startswith("的"):  # "8% 的站点开展飞行复查": the work done on that share
            work = _work_done(light.group("work")) if (light := re.search(data["light_verb_pattern"], after)) else ""
        value = f"{low}-{shown}{unit}" if high else f"{bound}{shown}{unit}"
        if unit in ("%", "％"):
            # "抽出 6% 开展复检": the work the share is of (when it is said in a few words);
            # "管理费按 3% 计算": the thing before it; "年利率按 2.5%": the rate named before it
            # "增产 5% 以上": the bound is no name; "节水 30%、节肥 20%": the next part of a list neither
            said = re.sub(r"^\s*(?:及以上|及以下|以上|以下|以内|左右)", "", re.split(r"\d", after)[0]).strip()
            said = work if after.lstrip().startswith("的") else "" if said.startswith(("、", "和", "及")) else said
            thing = named.split("按")[0] if re.search(r"(?:率|比例|占比)按?$", named) else ""
            if not thing:
                thing = (said if 2 <= len(said) <= 8 and not re.fullmatch(u["bare_reckoning_pattern"], said)
                         else named.split("按")[-1])
            level2 = ("服务对象满意度指标" if "满意" in thing
                      else "成本指标" if any(w in clause for w in u["cost_share_words"]) else "质量指标")
            row_name = thing if thing.endswith(("率", "比例", "度")) or not thing else f"{thing}比例"
        elif unit.endswith("元"):
            yuan = float(shown) * _YUAN_PER_UNIT[unit]
            if amount and yuan >= amount:
                # the whole is no row of its own; a total beyond it others share ("每人 5000 元，计 450 万元，
                # 市级承担 7.4%") is no cost of this project's, but tells the scale of the row it belongs to
                if yuan > amount:
                    totals.append(m)  # once every share stated after it has its row
                continue
            per = re.search(r"每([\u4e00-\u9fff]{1,3}?)(?:[\u4e00-\u9fff]{0,4})$", named)
            level2, value = "成本指标", (f"{shown}{unit}/{per.group(1)}" if per else f"≤{shown}{unit}")
            row_name = named[: per.start()] if per else named
            if len(row_name) >= 2 and not row_name.endswith((*data["cost_words"], "成本", "标准", "资金")):
                row_name += "成本"
        elif unit == "月" or (unit == "日" and re.match(r"\s*(?:前|之前)", after)):
            date = re.match(r"\s*(?:(\d{1,2})\s*日)?\s*(底|末|中旬|上旬|下旬)?\s*(前|之前)?", after)
            if unit == "月" and date.group(1):
                work = _work_done(re.sub(r"^\s*(?:前|之前)?", "", after[date.end():]))
            if high:
                value = f"{low}月至{shown}月"
            else:
                value = f"{shown}{unit}" + (f"{date.group(1)}日" if unit == "月" and date.group(1) else "") + (date.group(2) or "")
            value += "前" if date.group(3) else ""
            when = named.rstrip("于在从自")  # "考试于 4—5 月分批进行": what the months are for, said before them
            level2, row_name = "时效指标", (f"{work}时间" if len(work) >= 2 and not work.startswith(("第", "的"))
                                          else f"{when}时间" if len(when) >= 2 and high else "")
        elif unit in u["duration_units"]:
            if re.match(r"\s*(?:内|以内|之内)", after):
                level2, value, row_name = "时效指标", f"≤{shown}{unit}", (f"{named}时限" if len(named) >= 2 else "")
            elif not after.strip() and len(named) >= 2:  # "服务 300 小时": how much work is bought
                level2, row_name = "数量指标", named if named.endswith(("时长", "时间", "天数")) else f"{named}时长"
            else:
                continue  # "48 小时值守", "每次 3 小时": how long something lasts, not a target
        elif unit in u["quality_units"]:
            level2, row_name = "质量指标", named
        elif unit in u["spec_units"]:  # "带宽扩容至 10G": how much capacity is bought, named by what it is of
            capacity = re.findall(r"[\u4e00-\u9fff]{0,6}(?:带宽|存储|容量|算力)", text[_start_after(text, m.start(), "。；;"): m.start()])
            level2, row_name = "数量指标", (capacity[-1] if capacity and capacity[-1] not in named else "") + named
        elif unit in counts:
            level2, row_name = "数量指标", named if len(named) >= 2 else _after_phrase(after, data)
        else:
            continue
        row_name = row_name.strip()
        if re.sub(r"比例|成本|时间|时限$", "", row_name) in u["vague_names"]:
            continue
        if len(row_name) >= 2 and any(squash(i.name) == squash(row_name) for i in (*indicators, *rows)):
            # a like row has the name: this one is told apart by its whole clause, or gets none
            row_name = (_told_by_clause(row_name, re.sub(r"\s+", "", before), [*indicators, *rows], data)
                        or _told_by_tier(row_name, text, start, [*indicators, *rows], data))
        if len(row_name) < 2:
            continue
        rows.append(SuggestedIndicator(L.LEVEL2_TO_LEVEL1[level2], level2, row_name, value, 0, [],
                                       origin="framework", hint=_FROM_DRAFT))
        placed |= {float(shown), float(low)}
    for m in totals:
        if host := _host_of_total(text, m, [*indicators, *rows]):
            host.value += f"（总额{m.group(1)}{m.group(3)}）"
    return rows


def _term_row(before: str, unit: str, shown: str, u: dict) -> "SuggestedIndicator | None":
    """"租期 n 年", "质保期 n 年": how long the contract runs is the project's own, not an age."""
    term = re.search(u["term_before_pattern"], before) if unit == "年" else None
    if not term:
        return None
    level2 = "质量指标" if term.group("term") in u["term_quality_words"] else "可持续影响指标"
    # "成果使用期 5 年": the term of what, when the clause says it in a few words
    named = _last_words(re.sub(r"[^\u4e00-\u9fff]", "", before[: term.end("term")]), 8)
    return SuggestedIndicator(L.LEVEL2_TO_LEVEL1[level2], level2, named or term.group("term"), f"{shown}年", 0, [],
                              origin="framework", hint=_FROM_DRAFT)


def _bar_to_clear(clause_before: str, sentence_before: str, after: str, data: dict) -> tuple[str, str, str, str] | None:
    """A bar those paid must clear, as who clears it, what is measured, the verb before the number and the
    side after it: "对退货率降至 N% 以下的企业给予…" (in the number's clause), "申报主体须…、吸纳当地劳动力
    N 人以上" (what every applicant must do) or "补助对象为…N 吨以上的企业" (who qualifies, named after it)."""
    u = data["unplaced"]
    measured, who = re.search(u["eligibility_before_pattern"], clause_before), re.match(u["eligibility_after_pattern"], after)
    if measured and who and (measured.group("verb") or who.group("side")):
        return who.group("who"), measured.group("measured"), measured.group("verb") or "", who.group("side") or ""
    said = re.search(u["requirement_pattern"], sentence_before)
    # "须拥有 N 平方米以上仓库": a size of what they must have, named after it, is not this kind of bar
    side = re.match(r"\s*(及以上|以上|及以下|以下)?(?=[、，,。；;和及并]|$)", after)
    if said and side and (said.group("verb") or side.group(1)):
        return said.group("who"), said.group("measured"), said.group("verb") or "", side.group(1) or ""
    said, whom = re.search(u["eligible_who_pattern"], sentence_before), re.match(u["eligible_who_after_pattern"], after)
    if said and whom and (said.group("verb") or whom.group("side")):
        return whom.group("who"), said.group("measured"), said.group("verb") or "", whom.group("side") or ""
    return None


def _eligibility_bar(before: str, sentence_before: str, after: str, unit: str, shown: str,
                     data: dict) -> "SuggestedIndicator | None":
    """The row for a bar those paid must clear (`_bar_to_clear`): named by who clears it and what is
    measured, at least or at most the number."""
    u = data["unplaced"]
    if not (bar := _bar_to_clear(before, sentence_before, after, data)):
        return None
    whom, what, verb, side = bar
    measure = data["unit_measures"].get(unit, "")
    thing = _level_name(what, data) or measure
    if measure and thing != measure and not re.search(r"[数量额率值度积程入]$", thing):
        thing += measure  # "吸纳就业 50 人以上": 吸纳就业人数
    name = _strip(whom, data) + thing
    if len(thing) < 2 or len(name) < 4:
        return None
    at_most = re.search(u["eligibility_at_most_pattern"], verb + side)
    level2 = "质量指标"
    return SuggestedIndicator(L.LEVEL2_TO_LEVEL1[level2], level2, name, f"{'≤' if at_most else '≥'}{shown}{unit}", 0, [],
                              origin="framework", hint=_FROM_DRAFT)


def _host_of_total(text: str, total: re.Match, rows: list["SuggestedIndicator"]) -> "SuggestedIndicator | None":
    """The row a total beyond the project's amount belongs to: the unit price it was reckoned from just
    before it in its sentence, else the share of it the project pays, stated after it."""
    before = text[_start_after(text, total.start(), "。；;"): total.start()]
    after = text[total.end(): _end_before(text, total.end(), "。；;")]

    def number(value: str) -> str | None:
        found = re.search(r"\d+(?:\.\d+)?", value.replace(",", ""))
        return found.group(0) if found else None

    # the price the total was reckoned from stands right before it, no other sum of money between them
    priced = [i for i in rows if i.level2 == "成本指标" and _per_unit(i.value) and "（" not in i.value
              and (n := number(i.value))
              and re.search(rf"(?<![\d.]){re.escape(n)}\s*万?元(?:[^\d元]|\d+(?:\.\d+)?\s*[^\d元万亿\s]){{0,24}}$", before)]
    if priced:
        return priced[0]
    shares = [(after.find(n + "%"), i) for i in rows if re.fullmatch(r"[≥≤]?\d+(?:\.\d+)?%", i.value)
              and (n := number(i.value)) and re.search(rf"(?<![\d.]){re.escape(n)}\s*%", after)]
    if shares:
        return min(shares, key=lambda p: p[0])[1]
    # "…所需总额 a 万元，市级负担 b 万元": the project pays its share of the total, a share stated elsewhere
    borne = [i for i in rows if i.level2 == "成本指标" and re.fullmatch(r"\d+(?:\.\d+)?%", i.value)
             and re.search(r"承担|负担|分担", i.name)]
    payer = re.match(r"[，,]?(?:其中)?([\u4e00-\u9fff]{0,6}?)(?:承担|负担|分担)", after)
    if not payer or not borne:
        return None
    if len(borne) > 1:  # "省、市、县按…分担…，其中市级承担 b 万元": the share of the level named
        who = payer.group(1).rstrip("级")
        borne = [i for i in borne if who and i.name.startswith(who)]
    return borne[0] if len(borne) == 1 else None


def _sentence_around(text: str, at: int) -> str:
    return text[_start_after(text, at, "。；;"): _end_before(text, at, "。；;")]


def _same_measure(value: str, target: str) -> bool:
    """"12个月" is not filled with "≥6年": a row measured in one unit keeps it (a 待填 row has none yet;
    a date row takes the draft's deadline whatever the past form wrote)."""
    units = [m.group(1) for v in (value, target) if (m := re.search(r"\d\s*([^\d\s.%≥≤<>、，,（(]+)", v))]
    return len(units) < 2 or units[0] == units[1]


def _head_of_rate(name: str) -> str:
    """"废弃物无害化处理（资源化利用）率" → what it is a rate of; generic words ("合格", "及时") do not match."""
    return re.sub(r"(合格|及时|完成|按期|达标|正常|验收|覆盖|受益|准确)?率$|时间$|时限$", "", name)


def _per_phrase(before: str) -> tuple[str, str]:
    """What a sum of money is per ("每生每学期"; "户均" is per household) and the words left before it."""
    if per := re.search(r"((?:" + _PER.pattern + r")+)", before):
        return per.group(1), before.replace(per.group(1), "")
    if single := re.search(r"单(场|次|期|批|届|班)(?:费用|经费|成本)?(?=按)", before):  # "单场费用按…": per 场
        return "每" + single.group(1), before.replace(single.group(0), "")
    if avg := re.search(r"([户人生车次])均", before):
        return "每" + avg.group(1), before.replace(avg.group(0), "")
    if single := re.search(drafting_data()["per_unit_pattern"], before):  # "单车购置价格": per vehicle
        return "每" + single.group("unit"), before.replace(single.group(0), "")
    return "", before


def _unit_price(q: "Quantity", before: str, counted: list["Quantity"]) -> bool:
    """"警示牌 1800 块，警示牌单价约 300 元": a price per one of a thing counted before (每块), or a
    row of its own ("考场单价") when nothing counted names it."""
    m = re.search(drafting_data()["unit_price_pattern"], before)
    if not m or _PER.search(before):
        return False  # "按每米综合单价": the 每 says what it is per; the per-price reading names it
    item = m.group("item")
    count = next((c for c in reversed(counted) if item in c.object or c.object.endswith(item[-2:])), None)
    if count is not None:
        # "洒水车 3 辆，单价不超过 28 万元": a bare 单价 is the price of the thing just counted
        q.per, q.object = "每" + count.unit.lstrip("万"), item or count.object
    elif not item:
        return False
    else:
        q.object = item + "单价"
    return True


# a cost item's name may run this long ("污泥转运车辆GPS定位监控及转运联单管理费用"); longer, it is a clause, not a name
_LONGEST_ITEM = 24


def _item_cost(before: str, data: dict) -> str:
    """The cost item a sum of money is for ("会议培训费", "标准发放运输补贴" → "运输补贴"), when the
    words before it name one."""
    item = _strip(_QUOTES.sub("", re.sub(r"\s+", "", before)).rsplit("其中", 1)[-1], data)
    item = re.sub("^(?:" + "|".join(data["paying_verbs"]) + ")+", "", item)
    named = item.endswith((*_cost_words(), "金")) and item not in data["nameless_cost_words"]
    # "人才创业扶持资金 150 万元" names a part; "项目资金" is the whole, "资金" alone nothing
    whole = (re.fullmatch(data["sum_of_previous_pattern"], item) or re.fullmatch(data["sum_of_previous_pattern"] + "资金", item)
             or item.endswith(("项目资金", "专项资金", "财政资金", "项目经费", "专项经费")))
    return item if named and 2 <= len(item) <= _LONGEST_ITEM and not whole else ""


def _lump_sum_item(description: str, before: str, clause_start: int, at: int, found: list[Quantity], data: dict) -> str:
    """What a sum of money that is not per anything is for; "" when the words name nothing."""
    if re.fullmatch(data["cap_pattern"], before) and before.strip():
        # "B 类园区按 5% 补助，封顶 30 万元": the cap of that tier's reward
        part_start = _start_after(description, at, "；;：:。\n")
        opening = description[part_start:clause_start].split("按")[0].rstrip("，, ")
        tier = _tier_before(opening, len(opening), data["targets"])
        paid = re.search(r"奖补|奖励|补助|补贴|资助", description[part_start:at])
        return f"{tier}最高{paid.group(0) if paid else '金额'}"
    item = _item_cost(before, data)  # "其中会议培训费 14 万元"
    last_resort = ""
    counted = found[-1] if found and not found[-1].money and found[-1].start >= clause_start and found[-1].object else None
    if not item and counted and re.fullmatch(r"\s*(?:共|共计|合计)\s*(?:需|约)?\s*", before):
        # "培训 4 期共 12 万元": the sum for what was just counted
        return counted.object if counted.object.endswith(_cost_words()) else counted.object + "费用"
    # "全年需 32.64 万元": the year's sum for what the clause before prices
    if not item and re.fullmatch(data["sum_of_previous_pattern"], before):
        # "设备维保 1 年，费用 4 万元": the cost of what the clause before names;
        # "市级承担 15%，即 90 万元": the share it names; "每套 4.5 万元，小计 270 万元": the sum for the sets
        previous = re.split(r"[，,。；;]", description[:clause_start].rstrip("，,。；; "))[-1]
        previous_start = _start_after(description, max(clause_start - 1, 0), "，,。；;")
        since = min(previous_start, _start_after(description, at, "。；;\n"))
        if item := _summed_item([f for f in found if f.start >= since], previous_start, clause_start):
            return item
        named = _before_phrase(re.sub(r"[\d.]+\s*[\u4e00-\u9fff%]?$", "", previous.strip()), data)
        if re.search(r"\d", named):
            # "展板制作 0.8 万元，小计…": the item without its price; "一级 20 人每人 900 元、二级 50 人每人
            # 600 元，小计…": a list of priced grades names no one item, and the part's opening is looked for
            last_resort = named + "费用"
            named = re.sub(r"(?:每[\u4e00-\u9fff]{1,3})?[\d.]+\s*(?:万元|亿元|元)", "", named)
            listed_prices = [f for f in found if f.money and previous_start <= f.start < clause_start]
            named = "" if re.search(r"\d", named) or len(listed_prices) >= 2 else named
            parts = list(dict.fromkeys(f.object for f in listed_prices))
            if len(listed_prices) >= 2 and all(parts) and len("、".join(parts)) <= _LONGEST_ITEM:
                last_resort = "、".join(parts) + "合计"  # "车辆费 0.2 万元、检测费 0.3 万元，小计…"
        item = named + ("资金" if named.endswith(("承担", "负担")) else "费用") if len(named) >= 2 else ""
        if item and last_resort and any(f.object == item for f in found):
            item += "合计"  # "每期教材印制 2 万元，小计 8 万元": the sum over the 期, not the one price again
    if not item:
        item = _clause_item(description[clause_start:at], data)
    if not item and re.fullmatch(r"\s*(?:共计|合计|共|计)\s*", before):
        # "按审定价的 2% 支付保证金，合计 N 万元": the sum is for what the share is applied to do
        previous = re.split(r"[，,。；;]", description[:clause_start].rstrip("，,。；; "))[-1]
        share = re.fullmatch(r"\s*按[^，,]{0,12}?\d+(?:\.\d+)?\s*%(?:\s*(?:至|到|-|～|~)\s*\d+(?:\.\d+)?\s*%)?"
                             r"(?:的)?(?:比例|标准)?\s*([\u4e00-\u9fff]{2,12})\s*", previous)
        if share:
            item = share.group(1) if share.group(1).endswith(_cost_words()) else _strip(share.group(1), data) + "费用"
    sentence_start = _start_after(description, at, "。；;\n")
    priced = [f for f in found if f.per and f.start >= sentence_start]
    totalled = re.fullmatch(r"\s*(?:共|共计|合计|共需|计需|计)\s*", before)
    if not item and len(priced) >= 2 and priced[-1].per == priced[-2].per and totalled:
        # "示范区 1.2 万亩，每亩 A 600 元、B 200 元，合计 960 万元": the sum over the 亩 counted
        unit = _PER.findall(priced[-1].per)[0]
        area = next((f for f in reversed(found) if not f.money and f.object and f.start >= sentence_start and _same_unit(f.unit, unit)), None)
        item = area.object + "费用" if area else ""
    if not item and found and found[-1].per and totalled and not (len(priced) >= 2 and len({f.object for f in priced}) >= 2):
        item = (found[-1].object or "") + "费用合计"  # "每个补助 5 万元共 40 万元": the sum of that rate
    part_start = _start_after(description, at, "；;：:。\n")
    opening = re.split(r"[，,]", _QUOTES.sub("", description[part_start:at]))[0].strip()
    if item in data["bare_cost_words"] and part_start < clause_start and 2 <= len(opening) <= _LONGEST_ITEM \
            and not re.search(r"\d", opening):
        return _strip(opening, data) + item  # "…系统升级项目，新增模块 1 个，余款 26 万元": that project's 余款
    if not item and part_start < clause_start and (given := re.match(data["given_item_pattern"], opening)):
        # "对…的调解员发放补贴，一级…、二级…，小计 N 万元": what is given, and to whom
        item = _strip(given.group("thing"), data) + given.group("what")
        return item if item.endswith(_cost_words()) else item + "费用"
    if len(opening) > 20 and (whom := re.fullmatch(r"对[^，,]*的([\u4e00-\u9fff]{2,10})", opening)):
        opening = whom.group(1)  # "对完成…改造并通过验收的老旧电梯，每台…，计 N 万元": what is paid for
    if not item and part_start < clause_start and 2 <= len(opening) <= 20 and not re.search(r"\d|^每", opening):
        # "桥梁安全检测，造价约 8000 万元，按 0.6% 的费率计 48 万元": the part is named by its opening words
        item = opening if opening.endswith(_cost_words()) else _strip(opening, data) + "费用"
    if item and not re.sub(data["payment_suffix_pattern"], "", item) and (
            done := next((f for f in reversed(found) if not f.money and f.object and f.start >= part_start), None)):
        # "疏浚河道 4 条 12 公里，补助 60 万元": the 补助 for that work, not any 补助
        thing = re.sub(r"^每[\u4e00-\u9fff]", "", done.object)  # "每家书屋配书 2 套": the 书屋's
        return thing if thing.endswith(item) else thing + item
    return item or last_resort  # a clumsy name still keeps the sum in the table


def _item_after(after: str, data: dict) -> str:
    """"…万元用于教材印制", "…万元委托第三方评估": the item a sum is for, named after it."""
    if not re.match(data["money_for_pattern"], after):
        return ""
    item = re.sub(r"^\s*(?:专项|主要)?用于", "", _QUOTES.sub("", re.split(r"[，,。；;]", after)[0]))
    if len(tail := item.rsplit("等", 1)[-1]) >= 2:
        item = tail  # "用于春耕、秋种等宣传展板印制": the printing
    if re.search(r"\d", item):  # "组织 15 个部门开展业务培训 2 期": what is done, without its counts
        first_count = re.search(r"\d", item).start()
        acts = [a for a in re.finditer("|".join(data["action_verbs"]), item) if a.start() > first_count]
        item = re.sub(r"\d[\d.]*[\u4e00-\u9fff]?", "", item[acts[0].start():] if acts else item)
    item = _strip(re.sub(r"[（(][^）)]{0,6}[）)]", "", item), data)[:20]  # "35 台（套）": the bracket repeats the unit
    return item if item.endswith(_cost_words()) else item + "费用" if len(item) >= 2 else ""


def _summed_item(recent: list[Quantity], previous_start: int, clause_start: int) -> str:
    """What a sum right after prices and counts is for: "每套 4.5 万元，小计 270 万元" the sets priced,
    "驻场维护 12 个月，每月 2 万元，小计 24 万元" the upkeep counted; "每次租车 0.15 万元、误餐 0.1 万元，
    小计 3 万元" adds up the prices listed just before it, so it is for the thing counted before them.
    A sum stated earlier closes what came before it ("共需 600 万元，其中市级承担 15%，即 90 万元")."""
    listed = [f for f in recent if previous_start <= f.start < clause_start and f.money]
    if len(listed) >= 2 and not any(f.start >= clause_start for f in recent):
        recent = [f for f in recent if f.start < previous_start]
    for f in reversed(recent):
        if f.money and not f.per:
            return ""
        # "培训 2 期、每期 100 人，费用 8 万元": the money is for the training, not for one 期;
        # "每座造价 4.2 万元": a price word names nothing, the 候车亭 counted before it does
        thing = re.sub(r"^(?:平均|大约|约)|(?:平均|左右)$", "", re.sub(r"^(?:" + _PER.pattern + r")+", "", f.object))
        if len(thing) >= 2 and thing not in drafting_data()["price_words"]:
            return thing if thing.endswith(("费", "费用", "成本", "经费", "造价")) else thing + "费用"
    return ""


def _clause_item(head: str, data: dict) -> str:
    """"运维按每座每年 8 万元测算需 96 万元", "监测点 39 万元": a part of the money named by the
    words that open its clause; not the project's own money (项目资金)."""
    head = re.sub(r"^(?:另外|另|其中)?(?:安排|列支)?", "", _QUOTES.sub("", re.sub(r"\s+", "", head)))  # "另安排信息核查手续费"
    head = head.rsplit("用于", 1)[-1]  # "结余资金用于围墙修缮 12 万元": the repair, not the money
    opening = r"([\u4e00-\u9fff]{2,%d}?)(?:按|测算|需|共需|共|约|合计|计|为|\d|$)"
    m = re.match(opening % 20, head)
    item = _strip(m.group(1), data) if m else ""
    if not m and (acted := re.search("(?:" + "|".join(data["action_verbs"]) + r")([\u4e00-\u9fff]{2,16})$", head)):
        item = acted.group(1)  # "聘请第三方开展评定验收和宣传推广 12 万元": what is done, after its verb
    elif not m and (m := re.match(opening % _LONGEST_ITEM, head)):
        item = _strip(m.group(1), data)  # "成果入库及与…平台对接 16 万元": a long item with no verb to cut at
    if not 2 <= len(item) <= _LONGEST_ITEM or item.startswith("每") or item.endswith(("资金", "项目", "总额", "总计", "合计")):
        return ""  # "每人每天 4 元计算需…" is a rate, not an item
    return item if item.endswith(("费", "款", "金", "成本", "费用", "补助", "补贴", "奖补", "经费")) else item + "费用"


def _beneficiary(text: str) -> str:
    words = [(text.find(w), w) for w in drafting_data()["beneficiaries"] if w in text]
    return min(words)[1] if words else "服务对象"


# ---------------------------------------------------------------- suggestions

ORIGINS = ("similar", "corpus", "framework")
DEFAULT_TOTAL_COST_NAME = "项目总成本"  # for a library whose forms name no whole-cost row
TO_FILL = "待填"
_FROM_DRAFT = "数值取自草稿描述"
_FRAMEWORK_HINT = "指标框架"  # a template row's hint starts so ("指标框架：维修养护")


@dataclass
class SuggestedIndicator:
    level1: str
    level2: str
    name: str
    value: str
    support: int
    sources: list[str]
    source_values: list[str] = field(default_factory=list)
    origin: str = "similar"  # one of ORIGINS: a close past project, a matching row of any form, the framework
    hint: str = ""

    def to_json(self) -> dict:
        return {"level1": self.level1, "level2": self.level2, "name": self.name, "value": self.value,
                "support": self.support, "sources": self.sources, "origin": self.origin}


@dataclass
class Finding:
    row: int  # 1-based row of the draft table; 0 for the table as a whole
    rule: str
    message: str

    def to_json(self) -> dict:
        return {"row": self.row, "rule": self.rule, "message": self.message}


@dataclass
class Suggestion:
    similar: list[dict]
    indicators: list[SuggestedIndicator]
    checks: list[Finding]
    precedent: str = "close"
    followed: dict | None = None  # the past form search and meaning both put first, whose table the rows follow

    def precedent_note(self) -> str:
        if self.followed:
            return ("有相近的往年项目" if self.precedent == "close" else "只有部分相近的往年项目") + (
                f"；其中“{self.followed['name']}”（{self.followed['code']}）在检索和语义上都排第一，"
                "以下指标参照它的指标表，数值按本项目描述填写")
        return PRECEDENT_ZH[self.precedent]

    def to_json(self) -> dict:
        return {
            "precedent": self.precedent,
            "followed": self.followed["code"] if self.followed else None,
            "similar": [{"code": s["code"], "name": s["name"], "score": s["score"]} for s in self.similar],
            "indicators": [i.to_json() for i in self.indicators],
            "checks": [c.to_json() for c in self.checks],
        }


PRECEDENT_ZH = {
    "close": "有相近的往年项目，以下指标主要取自这些项目",
    "partial": "只有部分相近的往年项目，以下按指标框架给出，并补充往年表中与本项目用词相符的指标",
    "none": "没有找到相近的往年项目，以下按指标框架给出",
}
ORIGIN_ZH = {"similar": "相近项目", "corpus": "往年同类指标", "framework": "指标框架"}


def _same_indicator(a: str, b: str) -> bool:
    """Near-duplicate names: one inside the other (验收合格率 / 设备验收合格率) or very alike."""
    a, b = squash(a).rstrip("。."), squash(b).rstrip("。.")
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and short in long and len(short) * 2 >= len(long):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def _number_of(value: str) -> float | None:
    m = re.search(r"(\d+(?:\.\d+)?)", value)
    return float(m.group(1)) if m else None


def _as_rate(level2: str, name: str, value: str) -> str:
    """'99' under 满意度 or a …率 row is a rate whose % sign the form left out."""
    if (level2 == SATISFACTION_LEVEL2 or "率" in name) and re.fullmatch(r"\s*[≥>]?\s*\d+(\.\d+)?\s*", value):
        n = _number_of(value)
        if n is not None and 0 < n <= 100:
            return f"{n:g}%"
    return value


def _is_count(value: str) -> bool:
    """A number of things of one project (30 台, 5 万余人), not a rate, a date or a duration."""
    return (bool(_NUMBER.search(value)) and not _RATE.search(value) and not _DATE.search(value)
            and not re.search(r"\d\s*(年|个月)", value))  # "6 年" is a service life, "700 人/年" a count


_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


def _year_of(draft: Draft) -> int | None:
    """The year a draft is for: the one its name gives ("2022年…"), else the latest its description names."""
    for text in (draft.name, draft.description):
        years = [int(y) for y in _YEAR.findall(text)]
        if years:
            return max(years)
    return None


def _dates_moved(value: str, years: int) -> str:
    """A past form's "2021-12-20" or "2021 年 12 月底前" set for the draft's year: the same day of the
    year the draft is for, as a drafter copying the row would write it (a stale year reads as a mistake)."""
    def moved(m: re.Match) -> str:
        month, day = m.group(2), m.group(3)
        return f"{int(m.group(1)) + years}年" + (f"{int(month)}月" if month else "") + (f"{int(day)}日" if day else "")
    shifted = re.sub(r"(?<!\d)((?:19|20)\d\d)(?:\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{1,2}))?(?![\d.])|\s*年)", moved, value)
    return re.sub(r"(?<=[\d年月日])\s+(?=[\d年月日])", "", shifted) if shifted != value else value


def _reference_value(level2: str, name: str, values: list[str]) -> tuple[str, str]:
    """(value, hint) from the values similar projects used; their counts are theirs, not the draft's."""
    values = [_as_rate(level2, name, v) for v in values if v and squash(v) not in PLACEHOLDERS]
    if not values:
        return f"{TO_FILL}：请按本项目实际填写", ""
    rates = [v for v in values if "%" in v]
    if rates and len(rates) * 2 >= len(values):
        numbers = sorted(min(n, 100.0) for n in (_number_of(v) for v in rates) if n is not None)
        if numbers:
            typical = statistics.median_low(numbers)
            text = "100%" if typical >= 100 else f"≥{typical:g}%"
            if numbers[0] != numbers[-1]:
                text += f"（相似项目 {numbers[0]:g}%–{numbers[-1]:g}%）"
            return text, ""
    counts = defaultdict(int)
    for v in values:
        counts[v] += 1
    typical = max(counts, key=lambda v: (counts[v], -values.index(v)))
    # a sum of money is that project's whatever the 二级 ("实施项目成本支出 5000 万元" filed under 质量指标)
    if level2 == "成本指标" or (level2 in _COUNTED and _is_count(typical)) or re.search(r"\d\s*(?:元|万元|亿元)", typical):
        return f"{TO_FILL}：请按本项目填写（相似项目为 {typical}）", f"相似项目为 {typical}"
    return typical, ""


_COUNTED = ("数量指标", "经济效益指标", "社会效益指标", "生态效益指标")


def _cluster(rows: list[tuple[float, Declaration, object]]) -> list[dict]:
    """Group near-duplicate indicators of the same 二级 across projects."""
    clusters: list[dict] = []
    for weight, record, ind in rows:
        for c in clusters:
            if c["level2"] == ind.level2 and _same_indicator(c["name"], ind.name):
                break
        else:
            c = {"level1": ind.level1, "level2": ind.level2, "name": ind.name, "weight": 0.0, "sources": [], "values": []}
            clusters.append(c)
        if record.code not in c["sources"]:
            c["sources"].append(record.code)
            c["weight"] += weight
        c["values"].append(ind.value_annual)
    return clusters


def _names_who_is_served(term: str, data: dict) -> bool:
    """"残疾人", "幼儿园": who or where is served — also when the tokenizer cuts the group short ("残疾")."""
    return any(b in term or (len(term) >= 2 and len(b) > len(term) and b.startswith(term))
               for b in data["beneficiaries"] + data["served_places"])


def _row_matches(tokenizer, name: str, draft_terms: set[str], text: str) -> bool:
    """A past row fits the draft when most of what it names is in the draft's own words."""
    data = drafting_data()
    terms = [t for t in content_terms(tokenizer, name) if t not in data["measure_words"]]
    if not terms:
        return False  # only measure words (验收合格率): the framework gives those
    hit = [t for t in terms if t in draft_terms or t in text]
    # sharing only an activity (配备, 开展) says nothing about what is counted, nor does sharing only
    # who is served: a kindergarten's per-pupil funding row does not fit a kindergarten's cameras
    served = [t for t in hit if _names_who_is_served(t, data)]
    named = [t for t in hit if t not in data["action_verbs"] and t not in served]
    # what the row is about comes first: "生活垃圾资源化利用" is about household waste, whatever else it shares
    subject = next((t for t in terms if t not in data["action_verbs"]), None)
    # one short shared word ("宣传", "拨付") is how any two forms overlap, not what makes a row fit
    specific = len(named) >= 2 or any(len(t) >= 3 for t in named)
    return specific and subject in hit and len(hit) / len(terms) >= data["precedent"]["row_match"]


def _head(name: str) -> str:
    """What a count row counts: its name without a trailing measure word ("污水处理量" → "污水处理")."""
    for w in ("人数", "户数", "数量", "人次", "面积", "里程", "次数", "场次", "期数", "量", "数"):
        if name.endswith(w) and len(name) > len(w) + 1:
            return name[: -len(w)]
    return name


def _wan(yuan: float) -> str:
    return f"{round(yuan / 1e4, 4):g}万元"


def _per_unit(value: str) -> bool:
    return any(w in value for w in drafting_data()["per_unit_words"])


def _overlap(a: str, b: str) -> int:
    m = difflib.SequenceMatcher(None, a, b).find_longest_match(0, len(a), 0, len(b))
    return m.size


def _unit_of(values: list[str]) -> str:
    for v in values:
        m = re.search(r"\d\s*(" + "|".join(map(re.escape, drafting_data()["count_units"])) + ")", v)
        if m:
            return m.group(1)
    return ""


def _fill_from_draft(indicators: list[SuggestedIndicator], quantities: list[Quantity], amount: float | None,
                     beneficiary: str, subsidy: bool, total_cost_name: str = "") -> None:
    """The description's numbers go into the rows they belong to; money never split evenly across rows."""
    filled: set[int] = set()
    for q in (q for q in quantities if not q.money):
        candidates = []
        for n, i in enumerate(indicators):
            if n in filled or i.level2 not in _COUNTED or i.level2 == "生态效益指标":
                continue
            if not (i.value.startswith(TO_FILL) or _is_count(i.value)):
                continue
            unit = _unit_of(i.source_values).lstrip("万")  # "30万" says 10,000s, no unit: any count fits
            # a row of the very name counts the same thing whatever counter the past form used (个 for 处)
            if unit and unit != q.unit.lstrip("万") and squash(i.name) not in (squash(q.name), squash(q.object)):
                continue
            # the row must count what the draft counts: its head noun (the end of the name) in the draft's words
            head = _head(squash(i.name))
            if head[-2:] not in q.object + (q.name or beneficiary):
                continue
            candidates.append((max(_overlap(i.name, q.object), _overlap(i.name, q.name)), -n, n))
        if candidates:
            n = max(candidates)[2]
            indicators[n].value, indicators[n].hint = q.value(), _FROM_DRAFT
            filled.add(n)
        else:
            name = _distinct(q.name or beneficiary + (q.measure[1:] if beneficiary.endswith(q.measure[:1]) else q.measure),
                             q, indicators)
            indicators.append(SuggestedIndicator(L.LEVEL1_OUTPUT, "数量指标", name, q.value(),
                                                 0, [], origin="framework", hint=_FROM_DRAFT))
            filled.add(len(indicators) - 1)
    amounts = [q for q in quantities if q.money and not q.per]
    if amount is None and amounts:
        amount = max(q.yuan for q in amounts)
    costs = [i for i in indicators if i.level2 == "成本指标"]
    for i in (i for i in costs if i.name.endswith("率") and "%" not in i.value):
        i.value, i.hint = f"{TO_FILL}：按本项目填写（%）", ""  # "成本节约率" is a share, never a sum of money
    costs = [i for i in costs if not i.name.endswith("率")]
    per_unit_rows = [i for i in costs if _per_unit(i.name) or any(_per_unit(v) for v in i.source_values)]
    for q in _rates_into_rows([q for q in quantities if q.money and q.per], per_unit_rows):
        name = q.object if q.object and len(q.object) >= 2 else (f"{beneficiary}补助" if subsidy else "单位成本")
        if subsidy and q.object and not name.endswith(("补助", "补贴", "费", "成本")):
            name += "补助"  # "村卫生室" → "村卫生室补助标准"
        name = _distinct(name if name.endswith("标准") else name + "标准", q, indicators)
        indicators.append(SuggestedIndicator(L.LEVEL1_OUTPUT, "成本指标", name,
                                             q.value(), 0, [], origin="framework", hint=_FROM_DRAFT))
    past_costs = [i for i in costs if i not in per_unit_rows]
    for q in (q for q in quantities if q.money and not q.per and q.object and (amount is None or q.yuan < amount)):
        # a past form's row for this part of the money keeps its name and takes the draft's sum
        if row := _cost_row_for(q.object, [i for i in past_costs if i.hint != _FROM_DRAFT]):
            row.value, row.hint = f"≤{q.number_text}{q.unit}", _FROM_DRAFT
            continue
        name = f"{q.object}合计" if _sums_like_rows(q, indicators) else _distinct(q.object, q, indicators)
        indicators.append(SuggestedIndicator(L.LEVEL1_OUTPUT, "成本指标", name, f"≤{q.number_text}{q.unit}", 0, [],
                                             origin="framework", hint=_FROM_DRAFT))
    # the whole amount goes to a row that names money ("成本控制"), not to "配备人员"; when the draft
    # prices its parts and the past form split its cost into parts, not to one part ("宣传资料印制成本")
    parts_priced = len(past_costs) >= 2 and any(i.hint == _FROM_DRAFT for i in indicators if i.level2 == "成本指标")
    total_rows = sorted((i for i in past_costs if i.hint != _FROM_DRAFT),
                        key=lambda i: (not _names_the_whole(i.name), not re.search(r"成本|费|资金|金额|预算|投入|投资", i.name)))
    whole_named = bool(total_rows) and (_names_the_whole(total_rows[0].name) or not parts_priced)
    for n, i in enumerate(total_rows):
        if amount is None:
            i.value, i.hint = f"{TO_FILL}：按项目金额填写（万元）", ""
        elif n == 0 and whole_named:
            i.value, i.hint = f"≤{_wan(amount)}", "不超过项目金额"
        else:
            i.value, i.hint = f"{TO_FILL}：分项成本，各项合计不超过 {_wan(amount)}", ""
    for i in per_unit_rows:
        if i.hint != _FROM_DRAFT:
            unit = re.search(r"元\s*/\s*[\u4e00-\u9fff/]+|每[\u4e00-\u9fff]+", i.name + " " + " ".join(i.source_values))
            i.value = f"{TO_FILL}：按本项目单位成本填写" + (f"（{unit.group(0).replace(' ', '')}）" if unit else "")
            i.hint = ""
    if amount and not whole_named:
        # a past form's "成本控制" may hold a price per person: the whole then takes the other name, not a duplicate row
        taken = {squash(i.name) for i in indicators}
        name = next((n for n in (total_cost_name, DEFAULT_TOTAL_COST_NAME) if n and squash(n) not in taken), "项目资金总额")
        indicators.append(SuggestedIndicator(L.LEVEL1_OUTPUT, "成本指标", name, f"≤{_wan(amount)}", 0, [],
                                             origin="framework", hint="不超过项目金额"))
    has_unit_cost = any(q.money and q.per for q in quantities) or any(i.hint == _FROM_DRAFT for i in per_unit_rows)
    people = [q for q in quantities if not q.money and q.unit in drafting_data()["person_units"] and q.number > 0]
    if amount and people and not has_unit_cost:
        q = people[0]
        per = {"户": "户", "万户": "户", "人次": "人次", "万人次": "人次"}.get(q.unit, "人")
        count = q.number * (1e4 if q.unit.startswith("万") else 1)
        label = {"户": "户均成本", "人次": "每人次成本"}.get(per, "人均成本")
        indicators.append(SuggestedIndicator(L.LEVEL1_OUTPUT, "成本指标", label, f"≤{round(amount / count, 2):g}元/{per}", 0, [],
                                             origin="framework", hint=f"项目金额 ÷ {q.value()}"))


def _sums_like_rows(q: Quantity, indicators: list[SuggestedIndicator]) -> bool:
    """"春季餐费 a 万元…秋季餐费 b 万元…餐费 a+b 万元用于学生午餐": the sum of the like rows already made
    from the draft, a row of its own (the total of that part), not a third 餐费."""
    like = [i for i in indicators if i.hint == _FROM_DRAFT and i.level2 == "成本指标" and i.name.endswith(q.object)]
    sums = [re.fullmatch(r"≤(\d+(?:\.\d+)?)(元|万元|亿元)", i.value) for i in like]
    if len(like) < 2 or not all(sums):
        return False
    total = sum(float(m.group(1)) * _YUAN_PER_UNIT[m.group(2)] for m in sums)
    return abs(total - q.yuan) < 1e-6 * max(q.yuan, 1)


def _names_the_whole(name: str) -> bool:
    """"成本控制", "项目总成本", "预算资金": a cost row naming no part of the money."""
    return len(re.sub(r"成本|费用|经费|资金|金额|预算|投入|投资|控制|项目|总|支出|情况|的|率", "", squash(name))) <= 1


def _cost_row_for(item: str, rows: list[SuggestedIndicator]) -> SuggestedIndicator | None:
    """The past cost row naming the same part of the money as a sum the draft gives ("资料印刷费用"
    and "培训资料印刷成本"): sharing two characters once the cost words are left out."""
    cost_words = "|".join(sorted((*_cost_words(), "成本", "支出", "控制", "标准"), key=len, reverse=True))

    def bare(name: str) -> str:
        return re.sub(cost_words, "", squash(name))

    scored = [(_overlap(bare(i.name), bare(item)), -n, i) for n, i in enumerate(rows)]
    best = max(scored, default=None, key=lambda t: t[:2])
    return best[2] if best and best[0] >= 2 else None


def _rates_into_rows(rates: list[Quantity], rows: list[SuggestedIndicator]) -> list[Quantity]:
    """Fill per-unit rows with the draft's rates; return the rates no row takes. A rate goes first to
    the row naming what it is for ("80-89 周岁…每人 30 元；90-99 周岁…每人 100 元", "健康查体按 600
    元/人" to 体检费, not to 慰问金), best matches first; a rate naming no row takes the first row left
    of its unit."""
    def fits(q: Quantity) -> list[SuggestedIndicator]:
        per_chars = _PER.findall(q.per)
        return [i for i in rows if i.hint != _FROM_DRAFT and any(ch in i.name + "".join(i.source_values) for ch in per_chars)]

    def told(q: Quantity) -> str:
        return squash(q.object + q.counted + q.context)

    def named(text: str) -> str:  # "体检费" and "住房缴费" share only a word every cost has
        return re.sub("|".join((*_cost_words(), "标准", "元")), "", squash(text))

    def units(q: Quantity, row: SuggestedIndicator) -> int:  # "每人每月" fits a row of 元/人/月 better than one of 元/人
        return sum(ch in row.name + "".join(row.source_values) for ch in _PER.findall(q.per))

    scored = [(_overlap(named(i.name), named(told(q))), units(q, i), -n, -rows.index(i), n, i)
              for n, q in enumerate(rates) for i in fits(q)]
    # a shared word of two characters first, then the per-units, then the longer shared word
    pairs = sorted(scored, key=lambda p: (p[0] >= 2, p[1], p[0], p[2], p[3]), reverse=True)
    placed: set[int] = set()
    for overlap, _, _, _, n, row in pairs:
        if overlap >= 1 and n not in placed and row.hint != _FROM_DRAFT:
            row.value, row.hint = rates[n].value(), _FROM_DRAFT
            placed.add(n)
    left = []
    for n, q in enumerate(rates):
        if n in placed:
            continue
        if candidates := fits(q):
            best = max(candidates, key=lambda i: (_overlap(squash(i.name), told(q)), -candidates.index(i)))
            best.value, best.hint = q.value(), _FROM_DRAFT
        else:
            left.append(q)
    return left


def _sentence_work(sentence: str, data: dict) -> str:
    """"对 20 个书屋进行适老化改造，每个…" → "适老化改造"; "为 90 个书屋配置阅读屏…" → "配置": the work a sentence does."""
    if light := re.search(data["light_verb_pattern"], sentence):
        return re.split(r"[\d，,、]", light.group("work"))[0][:6]
    verbs = [(sentence.find(v), v) for v in data["action_verbs"] if v in sentence]
    return min(verbs)[1] if verbs else ""


def _distinct(name: str, q: Quantity, indicators: list[SuggestedIndicator]) -> str:
    """Two rates of one kind ("领军人才每人安家补贴 60 万元", "博士每人 18 万元") are two rows: the
    second is named by what its sentence counted (or the words opening it), never dropped as a
    repeat of the first."""
    def taken(candidate: str) -> bool:
        return any(i.name == candidate for i in indicators)

    if not taken(name):
        return name
    for qualifier in (q.counted, q.context):
        if qualifier and qualifier not in name and not taken(qualifier + name):
            return qualifier + name
    # parallel parts of one kind of thing ("20 个书屋适老化改造…；90 个书屋配置阅读屏…"): named by their work
    named_by_measure = re.fullmatch(r"(.+?)(标准|费用|经费|成本|数量|人数)", name)
    if q.work and q.work not in name and named_by_measure:
        worked = q.work.join(named_by_measure.groups())
        if not taken(worked):
            return worked
    # "东关街（新华路—柳园路）a 公里…；东关街（柳园路—花园路）b 公里": the stretch in brackets
    data = drafting_data()
    head, measure = _measure_ending(name, data)
    if q.aside and q.aside not in name and not taken(aside := f"{head}（{q.aside}）{measure}"):
        return aside
    # "宣传手册 n 种 m 册": the kinds and the copies, counted each in its own unit
    if not q.money and measure == data["default_measure"] and not taken(by_unit := head + q.unit.lstrip("万") + "数"):
        return by_unit
    # "为保洁员开展培训，每人 a 元；为保洁员配发护具，每人 b 元": the second is named by the work its lead clause does
    opened = re.match(r"(?:为|对|给|向)", q.lead)  # a clause doing work for someone, not "总体看"
    work = _QUOTES.sub("", q.lead[opened.end():]) if opened else ""
    for said in (q.object, q.counted):
        work = work.replace(said, "") if said else work
    work = _strip(work, data)
    if 2 <= len(work) <= 10 and work not in name and not taken(by_work := work + measure):
        return by_work
    if told := _told_by_clause(name, q.clause, indicators, data):
        return told
    # "钢瓶粘贴二维码标签，每只 b 元" after "加装角阀 n 只，每只 a 元": what the clause before names
    led = _before_phrase(q.lead, data) if q.lead and q.money else ""  # a price: "分区域看" leads no count
    if 2 <= len(led) <= 14 and led not in name and measure and not taken(by_lead := led + measure):
        return by_lead
    return name


def _measure_ending(name: str, data: dict) -> tuple[str, str]:
    """"东关街里程" → ("东关街", "里程"): the thing and the measure or cost word ending a row name."""
    endings = sorted({"标准", "费用", "经费", "成本", data["default_measure"], *data["unit_measures"].values()}, key=len, reverse=True)
    measure = next((w for w in endings if name.endswith(w) and len(name) > len(w)), "")
    return name[: len(name) - len(measure)], measure


def _told_by_clause(name: str, clause: str, rows: list[SuggestedIndicator], data: dict) -> str:
    """A row name taken by a like row, told apart by all the words of its clause ("按每人 b 元标准补助 m 人"
    beside "按每人 a 元标准补助 n 人": 每人b元标准补助人数), or "" when that does not."""
    measure = _measure_ending(name, data)[1]
    words = _strip(re.sub(data["unplaced"]["lead_words_pattern"], "", clause), data)
    # only a tier set by its price tells rows apart ("每人 a 元" / "每人 b 元"); what is left of the
    # words besides the price must still say something
    rest = re.sub(r"按|每[\u4e00-\u9fff]|\d+(?:\.\d+)?\s*(?:万|亿)?元", "", words)
    told = _with_measure(words, measure) if measure else words
    if (not re.search(r"\d\s*(?:万|亿)?元", words) or len(re.findall(r"[\u4e00-\u9fff]", rest)) < 2
            or "分别" in words or re.search(r"[和及与、]$", words) or len(words) > 20
            or squash(told) == squash(name) or any(squash(i.name) == squash(told) for i in rows)):
        return ""
    return told


def _told_by_tier(name: str, text: str, clause_start: int, rows: list[SuggestedIndicator], data: dict) -> str:
    """A row name taken by a like row, told apart by the tier its sentence opens with ("…其他险种参保 n 亩，
    每亩…，市级补贴 b%": 其他险种参保市级补贴比例), or "" when the clause is itself the opening one."""
    sentence_start = _start_after(text, clause_start, "。；;")
    opening_end = _end_before(text, sentence_start, "，,：:")
    if opening_end >= clause_start:
        return ""
    # the thing the tier is, in a few words ("…继续实施小麦物化成本保险" → 小麦物化成本保险)
    tier = _last_words(_before_phrase(re.sub(r"[（(][^（）()]*[）)]", "", re.split(r"\d", text[sentence_start:opening_end])[0]),
                                      data), 8)
    told = tier + name
    if len(tier) < 2 or tier in name or any(squash(i.name) == squash(told) for i in rows):
        return ""
    return told


def _opening(sentence: str) -> str:
    """"其中，采用分散式一体化设备处理的村庄 35 个": the words that open the sentence, up to 的 or a number."""
    data = drafting_data()
    if m := re.match(data["sentence_opening_pattern"], sentence):
        return m.group("words")
    # "阅览室购置书架…": what the sentence works on, before its first verb
    acted = re.match(r"(?:其中)?[，,\s]*([\u4e00-\u9fff]{2,8}?)(?:" + "|".join(data["action_verbs"]) + ")", sentence)
    return acted.group(1) if acted else ""


def _framework_rows(text: str, beneficiary: str) -> tuple[list[SuggestedIndicator], list[SuggestedIndicator], bool]:
    """(rows of the kinds of work the draft names, rows every project has, whether it is a subsidy)."""
    data = drafting_data()

    def make(row, kind):
        name = row["name"].replace("{beneficiary}", beneficiary)
        return SuggestedIndicator(L.LEVEL2_TO_LEVEL1[row["level2"]], row["level2"], name,
                                  row["value"].replace("{beneficiary}", beneficiary), 0, [], origin="framework",
                                  hint=f"{_FRAMEWORK_HINT}：{kind}")

    # "支部建设", "队伍建设" build no works: only what is left says which kinds of work the draft does
    text = re.sub("|".join(map(re.escape, data["not_kind_triggers"])), "", text)
    # "主要用于水电、教材、设备维修等支出": what a lump of funding pays for, not work the project does
    text = re.sub(data["spending_uses_pattern"], "", text)
    kinds = [k for k in data["kinds"] if any(t in text for t in k["triggers"])]
    kind_rows = [make(row, k["kind"]) for k in kinds for row in k["rows"]]
    common = [make(row, "通用") for row in data["common_rows"]]
    return kind_rows, common, any(k["kind"] == "补助发放" for k in kinds)


def _measurable(i: SuggestedIndicator) -> bool:
    return bool(_NUMBER.search(i.value)) and not i.value.startswith(TO_FILL)


def _add_unless_present(indicators: list[SuggestedIndicator], rows: list[SuggestedIndicator], only_missing: bool,
                        per_level2: int) -> None:
    for row in rows:
        same = [i for i in indicators if i.level2 == row.level2]
        if any(_same_indicator(i.name, row.name) for i in same):
            continue
        if only_missing and any(_measurable(i) for i in same):
            continue
        if len([i for i in same if _measurable(i)]) >= per_level2:
            continue
        indicators.append(row)


def suggest(index, draft: Draft, k_similar: int = 5, per_level2: int = 3) -> Suggestion:
    data = drafting_data()
    query = f"{draft.name} {draft.description}".strip()
    hits = index.search(query, k=max(k_similar, 12))
    closeness = draft_closeness(index, draft)
    by_meaning, by_title = meaning_search(index, draft), title_search(index, draft)
    features = precedent_features(index, draft, closeness, by_meaning, by_title)
    precedent = precedent_of(features)
    related = {code for code, s in closeness.items() if s >= data["precedent"]["partial"]}
    # a close precedent by meaning whose forms all share too few words would otherwise copy no rows
    close_by_words = precedent == "close" and any(h.code in related for h in hits[:k_similar])
    # a close draft that search, meaning and title all put nearest one form follows that form alone: the
    # rows its sibling forms (same unit, other work) share would otherwise outrank its own
    followed = (_agreed_nearest(hits, precedent_probability(features), by_meaning, by_title)
                if not close_by_words else nearest_agreed(hits, by_meaning, by_title))
    draft_terms = set(index.tokenizer(query))
    # without the title's agreement, a form is followed only if more of it speaks of the draft's work
    title_agrees = bool(by_title) and by_title[0].code == followed
    if followed and precedent != "close" and not speaks_of_draft(index, index.by_code[followed], draft_terms, query,
                                                                  strict=not title_agrees):
        followed = None
    if followed and precedent == "none":
        precedent = "partial"  # few shared words, but one form first by meaning and search alike
    similar = []
    for h in hits[:k_similar]:
        r = index.by_code[h.code]
        reasons = [f"“{L.FIELD_NAMES_ZH.get(h.field, '标题与概况' if h.field == 'meta' else h.field)}”内容相近",
                   f"草稿用词重合 {closeness[h.code]:.0%}"]
        if draft.category and r.category == draft.category:
            reasons.append("项目分类相同")
        if draft.project_type and r.project_type == draft.project_type:
            reasons.append("项目类型相同")
        if draft.department and draft.department in (r.department + r.unit):
            reasons.append("同一主管部门")
        similar.append({"code": r.code, "name": r.name, "score": round(h.score, 6), "why": "；".join(reasons),
                        "snippet": h.snippet, "similarity": round(closeness[h.code], 3)})

    beneficiary = _beneficiary(query)
    kind_rows, common_rows, subsidy = _framework_rows(query, beneficiary)
    if precedent == "close" or followed:
        # the close projects' own tables, as a reviewer would copy them; projects sharing none of
        # the draft's words contribute nothing even when the ranking lists them
        top_score = hits[0].score if hits else 1.0
        if followed:
            weighted = [(1.0, index.by_code[followed])]  # only the one form search and meaning agree on
        else:
            weighted = [(h.score / top_score, index.by_code[h.code]) for h in hits if h.code in related]
        clusters = _cluster([(w, r, ind) for w, r in weighted[:k_similar] for ind in r.indicators if ind.level2])
        wider = _cluster([(w, r, ind) for w, r in weighted for ind in r.indicators if ind.level2])
        chosen: list[dict] = []
        for level2 in L.LEVEL2_ORDER:
            group = _ranked(clusters, level2, index.tokenizer, draft_terms)
            if not group and (level2 in REQUIRED_OUTPUT_LEVEL2 or level2 == SATISFACTION_LEVEL2):
                group = _ranked(wider, level2)[:1]
            chosen.extend(group[:per_level2])
        origin = "similar"
    else:
        # rows of any form related to the draft whose names are the draft's own words
        mined = [(closeness[code], index.by_code[code], ind) for code in sorted(related, key=lambda c: -closeness[c])
                 for ind in index.by_code[code].indicators
                 if ind.level2 and _row_matches(index.tokenizer, ind.name, draft_terms, query)]
        clusters = _cluster(mined)
        chosen = []
        for level2 in L.LEVEL2_ORDER:
            chosen.extend(_ranked(clusters, level2)[:per_level2])
        origin = "corpus"
    indicators = []
    for c in chosen:
        value, hint = _reference_value(c["level2"], c["name"], c["values"])
        indicators.append(SuggestedIndicator(c["level1"], c["level2"], c["name"], value, len(c["sources"]), c["sources"],
                                             c["values"], origin=origin, hint=hint))
    draft_year = _year_of(draft)
    for i in indicators:
        years = {index.by_code[code].year for code in i.sources if code in index.by_code}
        if draft_year and len(years) == 1 and (year := years.pop()) and year < draft_year:
            i.value = _dates_moved(i.value, draft_year - year)
    _fill_from_draft(indicators, extract_quantities(draft.description), draft.amount_yuan, beneficiary, subsidy,
                     _profile(index).total_cost_name)
    _add_unless_present(indicators, kind_rows, only_missing=precedent == "close", per_level2=per_level2)
    _add_unless_present(indicators, common_rows, only_missing=True, per_level2=per_level2)
    _fill_targets(indicators, extract_targets(draft.description))
    indicators.extend(_unplaced_rows(indicators, draft))
    indicators = _ensure_framework(indicators)
    indicators = _make_checkable(indicators, draft.amount_yuan)
    return Suggestion(similar=similar, indicators=indicators, checks=check_indicators(draft.indicators, draft.amount_yuan),
                      precedent=precedent,
                      followed={"code": followed, "name": index.by_code[followed].name} if followed else None)


def speaks_of_draft(index, record: Declaration, draft_terms: set[str], query: str, strict: bool = False) -> bool:
    """Whether a past form a draft not judged close would follow is about the draft's work: one of its
    rows is in the draft's words, or the thing its rows keep returning to is named in the draft, or
    its rows return to nothing in particular. Search and meaning can agree on a form of the same field
    (health, water) whose rows all name what the draft never does (a disease, a patient group): its
    table would be another project's."""
    data = drafting_data()
    names = [i.name for i in record.indicators if i.level2]
    if sum(_row_matches(index.tokenizer, name, draft_terms, query) for name in names) >= (2 if strict else 1):
        return True
    # who is served (企业, 学生) and how they are paid (奖励, 补贴) say nothing of what the work is
    says_nothing = {*data["measure_words"], *data["action_verbs"], *data["beneficiaries"], *data["cost_words"]}
    rows_naming = Counter(t for name in names for t in set(content_terms(index.tokenizer, name))
                          if t not in says_nothing and not _names_who_is_served(t, data))
    recurring = [t for t, n in rows_naming.items() if n >= data["precedent"]["recurring_rows"]]
    if strict and recurring:  # only the thing the rows name most
        most = max(rows_naming[t] for t in recurring)
        recurring = [t for t in recurring if rows_naming[t] == most]
    return not recurring or any(t in draft_terms or t in query for t in recurring)


def _ranked(clusters: list[dict], level2: str, tokenizer=None, draft_terms: set[str] = frozenset()) -> list[dict]:
    """One 二级's past rows, those more forms share first, then the nearer forms'; with the draft's
    words (``draft_terms``, tokenised once by the caller), among rows still tied (one followed form's
    rows all are), the ones the draft's own words speak of first (a form lists more rows than are kept)."""
    def spoken(c: dict) -> int:
        return len(draft_terms & {t for t in tokenizer(c["name"]) if len(t) >= 2}) if draft_terms else 0

    return sorted((c for c in clusters if c["level2"] == level2), key=lambda c: (-len(c["sources"]), -c["weight"], -spoken(c)))


def _agreed_nearest(hits, probability: float, by_meaning: list, by_title: list) -> str | None:
    """The past form a draft not judged close follows: the one search and meaning both put first
    (`nearest_agreed`), when the model still gives it some chance of being close; below that floor,
    down to a lower one, when the title's meaning puts it first too. A draft of a new kind of work
    rarely has one form first in all three (`jixiao eval --suites precedent` tabulates both floors on
    the spent drafts sets)."""
    p = drafting_data()["precedent"]
    if probability >= p["agreed_probability"]:
        return nearest_agreed(hits, by_meaning)
    if probability >= p["title_agreed_probability"]:
        return nearest_agreed(hits, by_meaning, by_title)
    return None


def _ensure_framework(indicators: list[SuggestedIndicator]) -> list[SuggestedIndicator]:
    """Every suggestion covers all three 一级 and the required 二级, with a row to fill where needed."""
    present = {i.level2 for i in indicators}
    for level2 in (*REQUIRED_OUTPUT_LEVEL2, SATISFACTION_LEVEL2):
        if level2 not in present:
            indicators.append(SuggestedIndicator(L.LEVEL2_TO_LEVEL1[level2], level2, f"（请补充{level2}）",
                                                 f"{TO_FILL}：请按本项目实际填写", 0, [], origin="framework"))
    if not any(i.level1 == L.LEVEL1_BENEFIT for i in indicators):
        indicators.append(SuggestedIndicator(L.LEVEL1_BENEFIT, "社会效益指标", "（请补充社会效益指标）",
                                             f"{TO_FILL}：请按本项目实际填写", 0, [], origin="framework"))
    order = {level2: n for n, level2 in enumerate(L.LEVEL2_ORDER)}
    return sorted(indicators, key=lambda i: order.get(i.level2, 99))


def _rewrite(i: SuggestedIndicator, rules: set[str], amount: float | None) -> str | None:
    """A measurable value for a row the checks reject, or a '待填' saying what to write; None drops the row."""
    if rules & {"placeholder_row", "duplicate_row"}:
        return None
    if "satisfaction_not_rate" in rules:
        n = _number_of(i.value)
        return f"≥{min(n, 100):g}%" if n and n <= 100 else "≥90%"
    if "rate_over_100" in rules:
        return "100%"
    if "cost_inconsistent" in rules and amount:
        return f"≤{_wan(amount)}"
    if "timeliness_without_date_or_rate" in rules:
        return "100%" if "率" in i.name else f"{TO_FILL}：写明完成时间（如当年 12 月底前）或及时率（如 100%）"
    if i.level1 == L.LEVEL1_BENEFIT:
        return f"{TO_FILL}：写明可衡量的目标（如比率、数量），原表为“{i.value}”"
    return f"{TO_FILL}：填写数量、比率或日期，原表为“{i.value}”"


def _make_checkable(indicators: list[SuggestedIndicator], amount: float | None) -> list[SuggestedIndicator]:
    """No suggested row may fail the checks the user will run on it."""
    for _ in range(3):
        findings = check_indicators(
            [DraftIndicator(level1=i.level1, level2=i.level2, name=i.name, value=i.value) for i in indicators], amount)
        rules: dict[int, set[str]] = defaultdict(set)
        for f in findings:
            if f.row and f.rule != "to_fill":
                rules[f.row].add(f.rule)
        if not rules:
            break
        measurable = [i for n, i in enumerate(indicators, 1) if n not in rules and _measurable(i)]
        measurable_level2 = {i.level2 for i in measurable}
        measurable_level1 = {i.level1 for i in measurable}
        keep = []
        for n, i in enumerate(indicators, 1):
            if n in rules:
                if rules[n] == {"not_measurable"} and i.level2 in measurable_level2:
                    continue  # a directional phrase next to a measurable row of the same 二级 adds only work
                if rules[n] == {"not_measurable"} and i.origin == "corpus" and i.level1 in measurable_level1:
                    continue  # another project's row shared our words but no target to measure: nothing to reuse
                value = _rewrite(i, rules[n], amount)
                if value is None:
                    continue
                i.value = value
            keep.append(i)
        indicators = keep
    return indicators


# ---------------------------------------------------------------- checks


def _canonical_level2(text: str) -> str:
    s = squash(text)
    if s in L.LEVEL2_TO_LEVEL1:
        return s
    for key, canon in L.LEVEL2_KEYWORDS:
        if key in s:
            return canon
    return ""


def check_indicators(rows: list[DraftIndicator], amount_yuan: float | None) -> list[Finding]:
    findings: list[Finding] = []
    if not rows:
        return findings
    seen: dict[str, int] = {}
    present_level1, present_level2 = set(), set()
    cost_total = 0.0
    for n, row in enumerate(rows, 1):
        name, value = row.name.strip(), row.value.strip()
        level2 = _canonical_level2(row.level2)
        level1 = L.LEVEL2_TO_LEVEL1.get(level2) or L.LEVEL1_LABELS.get(squash(row.level1), "")
        label = f"第 {n} 行“{name or '（空）'}”"
        if squash(name) in PLACEHOLDERS or not name:
            findings.append(Finding(n, "placeholder_row", f"{label}是占位行，不是指标：请删除或填写具体指标。"))
            continue
        present_level1.add(level1)
        present_level2.add(level2)
        key = squash(name)
        if key in seen:
            findings.append(Finding(n, "duplicate_row", f"{label}与第 {seen[key]} 行重复：同一指标只应出现一次。"))
        seen.setdefault(key, n)
        if not value or squash(value) in PLACEHOLDERS:
            findings.append(Finding(n, "placeholder_row", f"{label}没有指标值：请填写可衡量的目标值。"))
            continue
        if value.startswith(TO_FILL):
            # a hole the suggestion left on purpose: a reminder, not a rejected value
            what = value[len(TO_FILL):].lstrip("：: ") or "请按本项目实际填写"
            findings.append(Finding(n, "to_fill", f"{label}尚待填写：{what}。"))
            continue
        vague = not _NUMBER.search(value) and any(w in value for w in VAGUE_VALUES)
        if vague and level1 in (L.LEVEL1_OUTPUT, L.LEVEL1_SATISFACTION):
            findings.append(Finding(n, "not_measurable", f"{label}的指标值“{value}”无法衡量：产出和满意度指标应给出数值，如数量、比率或日期。"))
        elif vague:
            findings.append(Finding(n, "not_measurable", f"{label}的指标值“{value}”只是方向性表述：建议量化（如提高的幅度、达到的水平），确实无法量化时写明可评判的标准。"))
        rates = [float(x) for x in re.findall(r"(\d+(?:\.\d+)?)\s*[%％]", value)]
        if any(x > 100 for x in rates) and "增长" not in name + value and "增" not in value:
            findings.append(Finding(n, "rate_over_100", f"{label}的指标值“{value}”超过 100%：完成率、合格率等比率最高为 100%。"))
        if level2 == "成本指标":
            # a unit price (元/吨, 每人每月) is not part of the project's total cost
            cost = None if _per_unit(value) or _per_unit(name) else cost_in_yuan(value)
            if cost is not None:
                cost_total += cost
                if amount_yuan and cost > amount_yuan + 0.5:
                    findings.append(Finding(n, "cost_inconsistent", f"{label}的成本“{value}”高于项目金额 {format_amount(amount_yuan)}。"))
        rate_by_name = "率" in name and bool(_NUMBER.search(value))  # "验收及时率 100": a rate without its % sign
        if level2 == "时效指标" and not (_DATE.search(value) or _RATE.search(value) or rate_by_name):
            findings.append(Finding(n, "timeliness_without_date_or_rate", f"{label}的指标值“{value}”没有完成时间或及时率：时效指标应写明日期（如 2021 年 12 月底前）或比率（如 100%）。"))
        if level2 == SATISFACTION_LEVEL2 and "%" not in value and "％" not in value:
            if _NUMBER.search(value):
                message = f"{label}的指标值“{value}”缺少百分号：满意度应表述为比率，如 ≥{_number_of(value):g}%。"
            else:
                message = f"{label}的指标值“{value}”不是比率：满意度应表述为百分比，如 ≥90%。"
            findings.append(Finding(n, "satisfaction_not_rate", message))
    if amount_yuan and cost_total > amount_yuan + 0.5 and not any(f.rule == "cost_inconsistent" for f in findings):
        findings.append(Finding(0, "cost_inconsistent", f"成本指标合计 {format_amount(cost_total)}，高于项目金额 {format_amount(amount_yuan)}。"))
    for level1 in L.LEVEL1_ORDER:
        if level1 not in present_level1:
            findings.append(Finding(0, "missing_level1", f"缺少一级指标“{level1}”：绩效指标应包括产出、效益和满意度三类。"))
    if L.LEVEL1_OUTPUT in present_level1:
        for level2 in REQUIRED_OUTPUT_LEVEL2:
            if level2 not in present_level2:
                findings.append(Finding(0, "missing_level2", f"产出指标缺少二级指标“{level2}”：数量、质量、时效、成本四类都应设置。"))
    if L.LEVEL1_SATISFACTION in present_level1 and SATISFACTION_LEVEL2 not in present_level2:
        findings.append(Finding(0, "missing_level2", "满意度指标缺少二级指标“服务对象满意度指标”。"))
    return findings


RULE_NAMES_ZH = {
    "missing_level1": "缺少一级指标",
    "missing_level2": "缺少必需的二级指标",
    "not_measurable": "指标值无法衡量",
    "cost_inconsistent": "成本与项目金额不符",
    "timeliness_without_date_or_rate": "时效指标没有日期或比率",
    "satisfaction_not_rate": "满意度不是比率",
    "rate_over_100": "比率超过 100%",
    "duplicate_row": "重复的指标行",
    "placeholder_row": "占位行或空值",
    "to_fill": "待填写",
}


def check_record(r: Declaration) -> list[Finding]:
    rows = [DraftIndicator(level1=i.level1, level2=i.level2, name=i.name, value=i.value_annual) for i in r.indicators]
    if not rows:
        return [Finding(0, "missing_level1", "表中没有解析出任何绩效指标。")]
    return check_indicators(rows, r.amount_yuan)


def corpus_report(records: list[Declaration]) -> dict:
    """The same checks over every form: what a reviewer would want to see first."""
    per_rule: dict[str, int] = defaultdict(int)
    forms = []
    for r in records:
        findings = check_record(r)
        for f in findings:
            per_rule[f.rule] += 1
        if findings:
            forms.append({"code": r.code, "name": r.name, "findings": [f.to_json() for f in findings]})
    return {"forms_checked": len(records), "forms_with_findings": len(forms), "per_rule": dict(per_rule), "forms": forms}


# ---------------------------------------------------------------- export


def table_rows(indicators: list[SuggestedIndicator], names: dict[str, str] | None = None) -> list[list[str]]:
    """The table as the form prints it, plus where each row came from (相近项目 / 往年同类指标 / 指标框架)."""
    rows = []
    for i in indicators:
        notes = []
        if i.sources:
            source_names = "、".join((names or {}).get(c, c) for c in i.sources[:3])
            notes.append(f"参考 {i.support} 个往年项目：{source_names}")
        if i.hint:
            notes.append(i.hint)
        rows.append([i.level1, i.level2, i.name, i.value, "；".join(notes), ORIGIN_ZH.get(i.origin, i.origin)])
    return rows


def to_csv(rows: list[list[str]]) -> str:
    from app.spreadsheet import escape_rows

    rows = escape_rows(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def to_xlsx(rows: list[list[str]], path, about: list[str] | None = None) -> None:
    """The table on the first sheet in the form's column order; how close the precedent was on a second."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from app.spreadsheet import escape_rows

    rows = escape_rows(rows)
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效指标"
    ws.append(list(EXPORT_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for column, width in zip("ABCDEF", (12, 20, 30, 24, 50, 14)):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if about:
        notes = wb.create_sheet("说明")
        for line in about:
            notes.append([line])
        notes.column_dimensions["A"].width = 100
    wb.save(path)


def about_lines(suggestion: Suggestion) -> list[str]:
    """What the export's second sheet says: the precedent and the past projects consulted."""
    lines = [f"往年先例：{suggestion.precedent}（{suggestion.precedent_note()}）"]
    lines += [f"相似项目：{s['name']}（{s['code']}）：{s['why']}" for s in suggestion.similar]
    return lines


# ---------------------------------------------------------------- the chat


def suggest_for_question(answerer, question: str):
    from app.answer_model import Answer, Citation

    topic = re.sub("|".join(map(re.escape, ("三级指标", "绩效指标", "指标", "一般", "设哪些", "怎么设", "怎么写", "怎么定", "参考", "？", "?"))), " ", question)
    suggestion = suggest(answerer.index, Draft(description=topic.strip() or question))
    names = {r.code: r.name for r in answerer.records}
    lines = [suggestion.precedent_note() + "。"]
    if suggestion.precedent != "none":
        lines.append("参考相似的往年项目：" + "；".join(f"{s['name']}（{s['code']}）" for s in suggestion.similar[:3]))
    lines += ["建议的绩效指标（请按本项目实际调整，“待填”的请补上本项目的数值）：",
              "| 一级指标 | 二级指标 | 三级指标 | 建议指标值 | 来源 | 参考项目数 |", "|---|---|---|---|---|---|"]
    for i in suggestion.indicators:
        lines.append(f"| {i.level1} | {i.level2} | {i.name} | {i.value} | {ORIGIN_ZH[i.origin]} | {i.support or '—'} |")
    used = list(dict.fromkeys(c for i in suggestion.indicators for c in i.sources))
    listed = [s["code"] for s in suggestion.similar[:3]] if suggestion.precedent != "none" else []
    lines.append("来源：" + ("；".join(f"{names[c]}｜{c}｜绩效指标" for c in used) if used
                            else "绩效指标框架（财预〔2020〕10号），没有引用往年申报表"))
    table = [dict(zip(EXPORT_COLUMNS, row)) for row in table_rows(suggestion.indicators, names)]
    citations = [Citation(c, names[c], "indicators") for c in used]
    citations += [Citation(c, names[c], "name") for c in listed if c not in used]
    return Answer(question, "\n".join(lines), False, "suggest", citations, table)
