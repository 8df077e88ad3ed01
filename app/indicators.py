"""Which rows of a form's indicator table (or which of its fields) one ask of a question means.

Scored by what the question shares with the indicator's own name, by the units and money the
question asks for, and by the indicator group it names; the project's own name does not count,
since it describes the project, not the row.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from app.abbreviation import bare
from app.understand import Ask
from app.vocabulary import everyday_words, thresholds, vocabulary
from corpus import Declaration, Indicator, format_amount
from corpus.parse import cost_in_yuan
from corpus.text import squash

# Fields whose words are unambiguous; "多少钱" may also ask for a cost indicator.
STRONG_FIELDS = {"contact", "phone", "department", "department_code", "unit", "code", "project_type", "category",
                 "section", "dates", "basis", "overview", "legal_basis", "feasibility", "goals", "schedule"}
_FUNCTION_CHARS = "多少几个是的了吗呢要有和与及在把被给那这哪啥么什"


@dataclass
class Selection:
    """What one ask gets from one project: fields, indicator rows, or the words the form lacks."""

    fields: list[str] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    passages: list[tuple[str, str]] = field(default_factory=list)  # (field, the clause that states it)
    value: str = "annual"

    @property
    def empty(self) -> bool:
        return not (self.fields or self.indicators or self.missing or self.passages)

    @property
    def found(self) -> bool:
        return bool(self.fields or self.indicators or self.passages)


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1) if not any(ch.isspace() for ch in text[i : i + 2])}


def overlap(text: str, name: str) -> tuple[int, int, set[int]]:
    """(longest common run, characters shared in runs of 2+, their positions in text)."""
    if not text or not name:
        return 0, 0, set()
    blocks = difflib.SequenceMatcher(None, text, name, autojunk=False).get_matching_blocks()
    runs = [b for b in blocks if b.size >= 2]
    positions = {i for b in runs for i in range(b.a, b.a + b.size)}
    return max((b.size for b in blocks), default=0), sum(b.size for b in runs), positions


def unit_fit(ind: Indicator, ask: Ask) -> int:
    """How many of the asked units the indicator's value shows; money where another measure
    was asked (a cost row for "处理多少吨"), or none where money was asked, counts against it."""
    value = squash(ind.value_annual or ind.value_longterm)
    shown = value + squash(ind.name)
    # a measure asked after 多少/几 ("多少人") must be in the value; a rate ("每场") may be in the name
    fit = sum(1 for chars in ask.units if any(ch in shown for ch in chars))
    # a bare number under a name that says what it measures ("改造面积 2500" for "多少平方米")
    implied = [u for noun, units in vocabulary().noun_units.items() if noun in squash(ind.name) for u in units] if (
        re.fullmatch(r"[\d.,]+", value)) else []
    fit += sum(1 for chars in ask.measure_units if any(ch in value or ch in implied for ch in chars))
    # a bare number on a cost row is money ("每生每年 1200" under 成本指标)
    if ask.measure_units and not ask.money and "%" in value:
        return 0  # "发放率 ≥99%" does not say how many
    is_money = "元" in value or (
        ind.level2 == "成本指标" and "率" not in ind.name and re.fullmatch(r"[\d.,≤≥<>=]+", value) is not None)
    if ask.money:
        fit += 1 if is_money else -1
    elif is_money and ask.measured:
        fit -= 1  # "处理多少吨" asks for tonnes; "一年多少" alone may be money
    return fit if re.search(r"\d", value) else 0


def select(r: Declaration, ask: Ask, asked: list[str], coverage) -> Selection:
    """The fields or rows of ``r`` that ``ask`` means. ``asked`` are the ask's content words and
    ``coverage(words, code)`` how much of them the form explains."""
    if ask.total:
        return Selection(fields=["amount_yuan"], value=ask.value)
    named = named_indicators(r, ask)
    by_unit = unit_fitting(r, ask) if ask.units else []
    fields = [f for f in ask.fields if not (f == "goals" and named and (ask.quantity or ask.measured or re.search("多少|几", ask.rest)))]
    stated = next((w for w in vocabulary().stated_totals if w in ask.rest), None)
    if stated and (passage := next(((f, sent) for f, sent in _sentences(r) if stated in squash(sent)), None)):
        # "总投资多少": the whole investment the form's text states, of which the declared amount may be a part
        return Selection(passages=[passage], value=ask.value)
    declared = "amount_yuan" in fields and any(w in ask.rest for w in vocabulary().declared_amount_words)
    if declared and not ask.money:
        ask = replace(ask, money=True)  # "报了多少" asks for money, of the project or of an item it names
    if declared and not ask.part and not _item_stated(r, ask, asked):
        return Selection(fields=fields, value=ask.value)  # "一年开销报了多少": what the form declares
    if fields == ["dates"] and (when := _when(r, ask)) is not None:
        return when
    if set(fields) & STRONG_FIELDS:
        fields = fields_outside_indicator_names(ask, named, fields)
        if set(fields) & STRONG_FIELDS or not named:
            return Selection(fields=fields, value=ask.value)
    indicators = matching_indicators(r, ask, named, by_unit)
    passage = stated_in_text(r, ask, asked)
    # a row chosen only for its unit, sharing no word with the question, is weaker evidence than a
    # sentence that names the thing asked
    unrelated = asked and not named and indicators and not any(_pairs(w) & _pairs(squash(i.name)) for w in asked for i in indicators) and (
        passage is not None and any(w in squash(passage[1]) for w in asked))
    # "一共要建多长" over several rows: a sentence stating the total ("共计 8 公里") answers it
    total = len(indicators) > 1 and passage and _totals(ask.rest) and _totals(passage[1])
    # "每人每年多少钱": a sentence stating the rate beats a row that states only a total
    rate = passage and _shows_rate(squash(passage[1]), ask) and not any(
        _shows_rate(squash(i.name + i.value_annual), ask) for i in indicators)
    # "经费里全民健身那项给了多少": the sentence names the part whole, no row does
    part = squash(subpart(ask.rest))
    named_part = passage and part and part in squash(passage[1]) and not any(part in squash(i.name) for i in indicators)
    # "几台考试电脑": the sentence names all the row names and more ("购置考试电脑 30 台" beside "电脑及家具数量")
    # (words the project's own name explains tell nothing apart)
    telling = [w for w in asked if w not in squash(r.name)]
    row_cover = {w for w in telling if any(w in squash(i.name) for i in indicators)}
    more_exact = bool(passage) and {w for w in telling if w in squash(passage[1])} > row_cover and _gives_the_kind(passage[1], ask)
    # "要添几台考试机": a row counting several things together ("电脑及家具数量 60") is not the count of one
    # that a sentence gives in the asked unit ("考试电脑 30 台")
    combined = bool(passage) and bool(indicators) and all(
        re.search(r"及|和|与|、", i.name) and not any(ch in i.value_annual for chars in ask.measure_units for ch in chars)
        for i in indicators) and any(_measured(squash(passage[1]), ch) for chars in ask.measure_units for ch in chars)
    better_in_text = unrelated or total or rate or named_part or more_exact or combined
    if passage and (not _fits(indicators, ask) or better_in_text) and not (indicators and "indicators" in ask.fields):
        # "比赛要花多少": the amount is written in 测算依据, not in an indicator row
        return Selection(passages=[passage], value=ask.value)
    unexplained = asked and not fields and coverage(asked, r.code) < thresholds().ask_coverage
    if unexplained and not named and not by_unit:
        # the project is there, what is asked about is not — its amount or cost row would be the
        # nearest thing, not the answer
        return Selection(missing=asked)
    if indicators:
        return Selection(indicators=indicators, value=ask.value)
    # "…那个，多少？": how much the project is, with nothing else named
    return Selection(fields=fields or (["amount_yuan"] if not asked and _bare_how_much(ask) else []), value=ask.value)


def _bare_how_much(ask: Ask) -> bool:
    """"…的那个，多少？": nothing asked but how much."""
    return re.fullmatch(vocabulary().bare_how_much_pattern, re.split(r"[，,]", ask.rest)[-1]) is not None


def _item_stated(r: Declaration, ask: Ask, asked: list[str]) -> bool:
    """Does a sentence of the form state the money of an item the question names apart from the
    project ("某某平台里运维外包报了多少")? Then that item is asked, not the declared amount."""
    said = min((ask.rest.find(w) for w in vocabulary().declared_amount_words if w in ask.rest), default=-1)
    # only the words right before the asking word name an item ("…，申报了多少钱" names none)
    segment = re.split(r"[^\w\s]", ask.rest[:said])[-1] if said >= 0 else ""
    name = squash(r.name)
    named = [w for w in asked if len(w) >= 2 and w in segment and w not in name and not re.search(r"[年月日天]", w)]
    # the clause is looked for by the words of that segment alone: words before a comma describe the project
    passage = stated_in_text(r, ask, [w for w in asked if w in segment]) if named else None
    return passage is not None and any(_says(w, squash(passage[1])) for w in named)


def _says(word: str, text: str) -> bool:
    """Is the word in the text as written, or as the forms print it ("比赛" where the form says 大赛)?"""
    return word in text or any(printed in text for printed in everyday_words().get(word, ()))


def _timed_row(r: Declaration, ask: Ask) -> Indicator | None:
    """The one time-limit row whose name shares most of the question's own words (not the project's)."""
    # the words that ask "when" (截止, 什么时候) and 项目 name no step of the work
    asking = {p for w in [*vocabulary().fields.get("dates", []), "项目", "什么时候", "啥时候", "完成"] for p in _pairs(w)}
    asked = _pairs(squash(ask.rest)) - _pairs(squash(r.name)) - asking
    scored = [(len(asked & _pairs(squash(i.name))), i) for i in r.indicators if _is_time(i.value_annual or i.value_longterm)]
    scored = sorted((pair for pair in scored if pair[0]), key=lambda pair: -pair[0])
    return scored[0][1] if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]) else None


def _when(r: Declaration, ask: Ask) -> Selection | None:
    """"复审什么时候完成": the time-limit row that says when; "测评什么时候开始": its line of the plan."""
    if timed := _timed_row(r, ask):
        return Selection(indicators=[timed], value=ask.value)
    if step := _scheduled_step(r, ask):
        return Selection(passages=[step], value=ask.value)
    return None


def _scheduled_step(r: Declaration, ask: Ask) -> tuple[str, str] | None:
    """The one line of 项目实施进度计划 whose content shares most of the question's words (beside the
    project's name and organisation), with its start date and amount as the form gives them."""
    if re.search(vocabulary().project_period_pattern, ask.rest) or not re.search(vocabulary().step_start_pattern, ask.rest):
        return None  # "项目起止时间怎么填的": the project's own period; a step's line tells only when it starts
    asking = {p for w in [*vocabulary().fields.get("dates", []), "项目", "什么时候", "啥时候", "开始"] for p in _pairs(w)}
    # the rest of the question, without the project's name: a step the name lists may be asked by its words
    asked = _pairs(squash(ask.rest)) - _pairs(squash(r.unit + r.department)) - asking
    # a line carrying the whole amount is the project itself, not a step of it
    steps = [s for s in r.schedule if s.start_date and s.amount_yuan != r.amount_yuan]
    scored = sorted(((len(asked & _pairs(squash(s.content))), s) for s in steps), key=lambda pair: -pair[0])
    if not scored or not scored[0][0] or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    step = scored[0][1]
    amount = f"，{_yuan_as_listed(step.amount_yuan)}" if step.amount_yuan else ""
    return "schedule", f"{step.content}：{step.start_date} 开始{amount}"


def _is_time(value: str) -> bool:
    """"2021年4月底", "6月30日前", "11月底": a value that is a point in time."""
    return re.search(r"\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*(?:底|前|以前|之前|末|中旬|上旬|下旬)?|年底|季度", value) is not None


def _gives_the_kind(text: str, ask: Ask) -> bool:
    """Does the sentence give the kind of value asked: money, the rate ("每人每天"), the total ("一共")?"""
    text = squash(text)
    return ((not ask.money or _MONEY.search(text) is not None) and (not _rates(ask) or _shows_rate(text, ask))
            and (not _totals(ask.rest) or _totals(text)))


def _fits(indicators: list[Indicator], ask: Ask) -> bool:
    """Do the chosen rows carry what was asked? A bare number fits any measure (the unit is in the
    name: "租用服务器数量 50"); a value printed with another unit does not ("7 天" for "多少钱")."""
    if not indicators:
        return False
    value = squash(indicators[0].value_annual or indicators[0].value_longterm)
    printed_unit = re.sub(r"[\d.≥≤<>=～~\-—,，]", "", value)
    if not re.search(r"\d", value):
        return not (ask.money or ask.measure_units)
    if not printed_unit and ask.money:
        # a bare number is money only on a cost row ("律师费 90000"), not a count ("举办大赛 1")
        return indicators[0].level2 == "成本指标" or bool(re.search("费|资金|金额|成本|价|元", indicators[0].name))
    if not printed_unit:
        return True
    if ask.money:
        return _MONEY.search(value) is not None or printed_unit in ("万", "万元")  # not "5 万人份"
    if ask.measure_units:
        if "%" in printed_unit:
            return False  # "发放率 ≥99%" does not say how many people
        counted = re.sub(r"每.", "", printed_unit)  # "每人每月 30 元" counts 元, not people
        if counted and not any(ch in counted for chars in ask.measure_units for ch in chars):
            return False
        shown = printed_unit + squash(indicators[0].name)
        return any(ch in shown for chars in ask.measure_units for ch in chars)
    return True


# "48 万元", "20000 元", "150 万：" and "1400 万地方配套资金" without 元 — not "2.2 万人次", "3 万余亩"
_MONEY = re.compile(r"\d\s*(?:万|亿)?\s*元|\d\s*万(?![余多人次户亩吨台套件名个只头株棵册份张平方米公里千瓦辆座家所册篇条])")
_TEXT_FIELDS = ("basis", "overview", "goal_annual", "goal_longterm", "feasibility", "remarks")


def _stating(clauses: list[str], ask: Ask) -> str | None:
    """From the clause that names the thing to the first one that gives a number of the asked kind.
    Money is often a few clauses on ("20 场次，每次 50 人，每次 4 天，每人每天 400 元"), never past
    the start of the next item."""
    for j, clause in enumerate(clauses[: 5 if ask.money else 3]):
        if j and re.match(vocabulary().item_start_pattern, clause):
            break
        text = re.sub(r"^\d{1,2}[、.)）]", "", squash(clause))  # "3、运维服务费": a list number is no value
        # a year ("2021 年举办大赛") is not the value asked
        counted_in_words = bool(ask.measure_units) and any(_measured(text, ch) for chars in ask.measure_units for ch in chars)
        if not (re.search(r"\d", re.sub(r"(?:19|20)\d\d年", "", text)) or counted_in_words) or (ask.money and not _MONEY.search(text)):
            continue
        if ask.measure_units and not any(_measured(text, ch) for chars in ask.measure_units for ch in chars):
            continue  # "2900 人", not the 人 of "老年人"
        if _totals(ask.rest) and not _totals(text) and (total := _item_total(clauses, j)) != j:
            j = total  # "起草报告一共多少": "包含印刷费…，总费用 10 万元"
        elif _totals(ask.rest) and not _totals(text):
            # "一共花多少": "每次 15 万，共 90 万" — on to the clause that sums it, when one follows
            j = next((k for k in range(j + 1, min(j + 3, len(clauses)))
                      if (_totals(squash(clauses[k])) or re.search(r"共\s*\d", clauses[k])) and re.search(r"\d", clauses[k])
                      and (not ask.money or _MONEY.search(squash(clauses[k])))), j)
        elif ask.money and not _rates(ask) and (listed := re.search(vocabulary().listing_costs_pattern, text)) and not (
                _pairs(listed.group("cost")) & _pairs(squash(ask.rest))):
            j = _item_total(clauses, j)  # "起草报告：包含印刷费 2.7 万元，…，总费用 10 万元": the item's total
        elif ask.money and not _rates(ask) and re.search(r"每[\u4e00-\u9fff]{1,4}[\d.]+(?:万)?元", text):
            # "校长那部分花多少": "每人每天 400 元" is the rate; the clause after it gives the sum ("约需 20 万元")
            j = next((k for k in range(j + 1, min(j + 3, len(clauses)))
                      if _MONEY.search(squash(clauses[k])) and "每" not in clauses[k]), j)
        return "，".join(c.strip() for c in clauses[: j + 1])
    return None


def _item_total(clauses: list[str], j: int) -> int:
    """The clause summing the item whose costs start at clause j, if one follows before the next item."""
    for k in range(j + 1, min(j + 8, len(clauses))):
        text = squash(clauses[k])
        if re.match(vocabulary().item_start_pattern, clauses[k]):
            break
        if (_totals(text) or re.search(vocabulary().item_total_pattern, text)) and _MONEY.search(text):
            return k
    return j


def _measured(text: str, unit: str) -> bool:
    """A number counted in the unit: "2900 人", "使用 10 年" — not the date "2021 年 12 月"."""
    # "共租赁三套": a count in Chinese numerals too, but not "一套" alone, which prices one of them
    chinese = r"(?<![第统唯一二两三四五六七八九十])(?:[二两三四五六七八九十百千][一二两三四五六七八九十百千]*|一[十百千][一二三四五六七八九十百千]*)"
    for m in re.finditer(rf"(\d+|{chinese})\s*(?:万|千|百|余|多)?\s*{re.escape(unit)}", text):
        if not (unit == "年" and re.fullmatch(r"(?:19|20)\d\d", m.group(1))):
            return True
    return False


def stated_in_text(r: Declaration, ask: Ask, asked: list[str]) -> tuple[str, str] | None:
    """The clause of the form's own text that states what the ask names, with a number of the
    asked kind ("需资金 48 万元" for "培训要花多少"); None when no clause names it. A measure asked
    after words that only describe the project ("…老人补贴发给多少人") takes the first clause
    stating that measure, and a rate so asked ("每人每年多少钱") the first clause stating that rate."""
    found = _stated(r, ask, asked)
    # …but not when the words name one of the things the name lists ("围墙…及道路硬化": the wall's
    # length is not the road's)
    if found is None and asked and (ask.measure_units or _per_head_money(ask)) and not any(
            _one_listed_item(w, r.name) for w in asked):
        found = _stated(r, ask, [])  # "一个学员一天给多少钱": the clause stating that rate
    return found


def _per_head_money(ask: Ask) -> bool:
    """Money asked per person, per student… ("每人每年多少钱"), not merely per year."""
    return ask.money and any(not set(chars) & set("年月日天周季") for chars in _rates(ask))


def _stated(r: Declaration, ask: Ask, asked: list[str]) -> tuple[str, str] | None:
    name = squash(r.name)
    if not (ask.quantity or ask.money or ask.measured or "amount_yuan" in ask.fields):
        return None
    # "总面积": the measured noun itself names the clause, though it is an asking word too
    asked = list(asked) + [n for n in vocabulary().noun_units
                           if n in ask.rest and n not in asked and not n.startswith("多")]  # "多长" is no noun
    # Only words the project's own name does not explain say which clause is meant ("<the name>多少钱"
    # asks for the whole project) — unless the ask is one part of several or asks a unit.
    # "计量所的计量经费" names the project; after a description the unit's words name the work ("技术推广")
    described_by = squash(r.name + ("" if ask.apart else r.unit) + r.department)
    outside = [w for w in asked if w not in described_by]
    # "马颊河建了几座闸" of the 徒骇河马颊河 project: a word of the name breaks a tie between clauses
    own_words = [w for w in asked if w in name] if ask.measure_units else []
    own_words = own_words if len(own_words) == 1 else []  # the whole name asked picks no part of it
    if ask.apart:  # after a description, one item of a name that lists several ("…设备及空调购置") is a part
        outside += [w for w in asked if w not in outside and _one_listed_item(w, r.name)]
    if part := _named_part(r, ask, asked, described_by):
        asked = _naming_the_part(asked, outside, part, r)
    elif not ask.part:  # one of several parts is named in the project's own words ("围墙和道路硬化各多少")
        asked = outside if outside or not (ask.measure_units or _rates(ask)) else asked
    if not asked and not (ask.measure_units or _per_head_money(ask)):
        return None
    # with nothing named but a measure ("今年补贴多少人"), the first clause stating that measure
    least = (1 if ask.part else 2) if asked else 0  # a part named apart ("硬化路") may share one pair
    asks_total = _totals(ask.rest)
    # one part of several ("围墙和道路硬化各花多少") may be named in the project's own words
    own = set() if (ask.part or part) else _pairs(name)

    # "每平米", "每人每月" say the measure, which `rate` scores; they would otherwise outweigh the
    # word that tells the clauses apart ("低保户" among several per-square-metre rates)
    naming = [w for w in asked if not w.startswith("每")] or asked
    unit_fit = _per_unit_fit(ask)

    def named(clause: str) -> float:
        text = squash(clause)
        whole = sum(len(w) for w in naming if _says(w, text))
        partial = {p for w in naming if w not in text for p in _pairs(w)} - own
        # the form's own year is what is budgeted; "2020 年度发放约 2800 人" is last year's
        years = set(re.findall(r"(?<!\d)(20\d\d)(?!\d)", text))
        year = 0.5 if str(r.year) in years else -1 if years else 0
        total = 1 if asks_total and _totals(text) else 0
        rate = 1 if _shows_rate(text, ask) else 0  # "每人每年多少": the clause stating it per person, per year
        per_unit = unit_fit if re.search(vocabulary().per_unit_pattern, text) else 0
        return whole + len(partial & _pairs(text)) + year + total + rate + per_unit + 0.5 * sum(w in text for w in own_words)

    best = None
    for name, sentence in _sentences(r):
        clauses = re.split(r"(?<!\d)[，,](?!\d)", sentence)
        for i, clause in enumerate(clauses):
            score = named(_with_list_head(clauses, i)) + _level_fit(clause, sentence, ask) + _place_fit(name, ask) + (
                1.0 if ask.near and ask.near in sentence else 0.0)  # the sentence a sibling part was answered from
            if score < least or (best is not None and score <= best[0]):
                continue
            stated = _stating(clauses[i:], ask)
            if stated:
                best = (score, name, stated)
    return (best[1], best[2]) if best else None


def _one_listed_item(part: str, name: str) -> bool:
    """Is the part (a word or a phrase) one of several things a name lists ("空调" of "…设备及空调购置",
    "老年体育" of "…经费（含全民健身、老年体育）")?"""
    items = _listed_items(name)
    return len(items) > 1 and sum(squash(part) in i or i in squash(part) for i in items) == 1


def _listed_items(name: str) -> list[str]:
    """The things a name lists ("…设备及空调购置", "…经费（含全民健身、老年体育）")."""
    own = re.split(r"[：:]", squash(name))[-1]  # "乡村振兴专项资金：…" files the project, lists nothing
    return [i for i in re.split(r"[、及和与（）()]|含", own) if len(i) >= 2]


def _place_fit(field: str, ask: Ask) -> float:
    """"年度目标里…多少": a sentence of the field the question says to look in fits better."""
    return 1.5 if field in _fields_named(ask.rest) else 0.0


@lru_cache(maxsize=256)
def _fields_named(rest: str) -> tuple[str, ...]:
    places = vocabulary().text_field_words
    named = next((w for w in sorted(places, key=len, reverse=True) if w in rest), None)
    return tuple(places[named]) if named else ()


@lru_cache(maxsize=256)
def _levels_named(rest: str) -> tuple[str, ...]:
    return tuple(level for level in vocabulary().government_levels if level in rest)


def _level_fit(clause: str, sentence: str, ask: Ask) -> float:
    """"市级比例多少" in "省级 30%，市级 14%": where a sentence gives shares by level of government,
    the clause for the level asked fits and one for another level does not."""
    levels = vocabulary().government_levels
    asked = _levels_named(ask.rest)
    if not asked or not any(level in sentence for level in levels if level not in asked):
        return 0.0
    text = squash(clause)
    if any(level in text for level in asked):
        return 1.5
    return -1.5 if any(level in text for level in levels) else 0.0


def _with_list_head(clauses: list[str], i: int) -> str:
    """"补助比例：省级 30%，市级 14%": a clause that goes on a list carries the list's head."""
    before = re.split(r"[：:]", clauses[i - 1]) if i else []
    return before[0] + clauses[i] if len(before) > 1 else clauses[i]


def _per_unit_fit(ask: Ask) -> float:
    """How a clause stating a value per unit fits: "某某补助安排了多少" asks the item's total, not its
    rate per person; "收费标准多少" asks the rate though no 每 is said."""
    if any(w in ask.rest for w in vocabulary().rate_asking_words):
        return 0.5
    return -0.5 if ask.money and not _rates(ask) else 0.0


def _named_part(r: Declaration, ask: Ask, asked: list[str], described_by: str) -> str:
    """"…经费里老年体育那块": the part of the project the question names, or ""."""
    part = subpart(ask.rest)
    described = re.match(vocabulary().describing_clause_pattern, ask.rest)
    if part and described and part not in described.group("asked") and any(w in described.group("asked") for w in asked):
        return ""  # "甲费和乙费那块，甲费标准多少": the part sets the scene, the clause after it names the thing
    if part and _pairs(squash(part)) <= _pairs(described_by) and not _one_listed_item(part, r.name) and not any(
            squash(part) == squash(step.content) for step in r.schedule):  # "某某经费那一项": a line of the plan
        return ""  # "某某补贴那块，大豆的多少": "那块" points at the project itself, not a part of it
    return part  # a part the name itself mentions ("（含全民健身、老年体育）") is a part too


def _naming_the_part(asked: list[str], outside: list[str], part: str, r: Declaration) -> list[str]:
    """"里面棉花的补贴": the part's words the project's name does not explain tell the clause,
    unless the part is one of the things the name lists."""
    inside = [w for w in asked if w in part]
    telling = [] if _shares_a_listed_item(part, r.name) else [w for w in inside if w in outside]
    chosen = telling or inside or asked
    if not any(w in part for w in chosen) and any(squash(part) in squash(s) for _, s in _sentences(r)):
        return [squash(part)]  # "里X费用那块": words cut wrongly (里 glued to X) miss a part the form spells whole
    return chosen


def _shares_a_listed_item(part: str, name: str) -> bool:
    """Does the part spell much of one of the things a name lists ("规上工业企业研发机构奖补" of
    "…、规模以上工业企业研发机构全覆盖、…"), though not word for word?"""
    items = _listed_items(name)
    return len(items) > 1 and sum(len(_pairs(squash(part)) & _pairs(i)) >= 3 for i in items) == 1


def subpart(rest: str) -> str:
    """The words naming a part of the project: "老年体育" in "里老年体育那块安排了多少"."""
    v = vocabulary()
    for marker in v.subpart_markers:
        if (at := rest.find(marker)) > 0:
            return re.split(r"[里中，,、的]", rest[:at])[-1] or rest[:at]
    m = re.search(v.subpart_pattern, rest)
    return m.group("part") if m else ""


def _rates(ask: Ask) -> list[list[str]]:
    """The rates asked ("每人", "一年"): units that are not the measure counted."""
    return [u for u in ask.units if u not in ask.measure_units]


def _shows_rate(text: str, ask: Ask) -> bool:
    """"每人每年 3 万元", "元/生/年", "按日 135 吨", "日均 2.8 万吨": the text states the value per
    every rate asked."""
    rates = _rates(ask)
    return bool(rates) and all(any(
        re.search(rf"(?:每|/|·)(?:个|位|名)?{re.escape(ch)}|(?:按照?|平均每?){re.escape(ch)}|{re.escape(ch)}均", text)
        for ch in chars) for chars in rates)


def _totals(text: str) -> bool:
    v = vocabulary()
    return any(w in text for w in v.totalizers + v.total_measures)


def _sentences(r: Declaration):
    """(field, sentence) of the form's own texts, and each line of 项目实施进度计划 with its amount
    ("心理健康服务费：20000 元"), where many forms split the money by item."""
    for name in _TEXT_FIELDS:
        yield from ((name, sentence) for sentence in _under_headings(re.split(r"[；;。\n]", getattr(r, name) or "")))
    for item in r.schedule:
        # a line carrying the whole amount splits nothing: it is the project, not a part of it
        if item.amount_yuan is not None and item.amount_yuan != r.amount_yuan:
            yield "schedule", f"{item.content}：{_yuan_as_listed(item.amount_yuan)}"


def _yuan_as_listed(yuan: float) -> str:
    """A plan line's amount as the form lists it: "20000 元", "1500.5 元"."""
    return f"{yuan:.2f}".rstrip("0").rstrip(".") + " 元"


def _under_headings(sentences: list[str]) -> list[str]:
    """"1、重点课题调研。依据…。每人每次 5000 元，…花费 20 万元。2、…": a numbered heading with the
    sentences under it, as one sentence, so that the heading names the money that follows."""
    out: list[str] = []
    heading = False
    for sentence in sentences:
        numbered = re.match(r"\s*\d{1,2}[、.)）]", sentence)
        if heading and not numbered and sentence.strip():
            out[-1] += "，" + sentence
            continue
        heading = bool(numbered and re.fullmatch(r"\s*\d{1,2}[、.)）]\s*[^\d，,]{2,14}\s*", sentence))
        out.append(sentence)
    return out


def fields_outside_indicator_names(ask: Ask, named: list[Indicator], fields: list[str]) -> list[str]:
    """Fields whose asking words are not part of an indicator the question names:
    "上级主管部门满意度" asks for a satisfaction rate, not for the 主管部门."""
    names = [squash(i.name) for i in named]
    words = vocabulary().fields
    # only where the question spells more of the row's name than the field word ("上级主管部门满意度")
    inside = {f for f in fields for w in words.get(f, []) if w in ask.rest
              and any(w in n and overlap(ask.rest, n)[0] > len(w) for n in names)}
    return [f for f in fields if f not in inside]


def named_indicators(r: Declaration, ask: Ask) -> list[Indicator]:
    """Indicators the question names in words of their own (not the project's)."""
    rest = re.sub(r"\d+", " ", ask.rest)  # digits (项目 1 / 12319) do not name an indicator
    own_name = squash(r.name)
    # the name's words wherever they stand: "国企发展历程编纂" for "编纂聊城国企发展历程"
    by_name = overlap(rest, own_name)[2] | {i + k for i in range(len(rest) - 1) if rest[i : i + 2] in own_name for k in (0, 1)}
    # so is the organisation that runs it, spelled out ("渔业技术推广站的…经费" names no 渔业技术推广 row;
    # "渔技站的…渔业技术推广多少亩" does)
    for org in {squash(bare(r.unit)), squash(bare(r.department))} - {""}:
        spelled = next((org[-n:] for n in range(len(org), 3, -1) if org[-n:] in rest), "")
        if spelled:
            start = rest.find(spelled)
            by_name |= set(range(start, start + len(spelled)))
    specific, weaker = [], []
    for ind in r.indicators:
        name = squash(ind.name)
        longest, shared, positions = overlap(rest, name)
        # Only characters the project's own name does not explain ask for an indicator:
        # "<the name> 预算" describes the project; "每吨处理费" asks for a cost.
        extra = len(positions - by_name)
        strong = (longest >= min(4, len(name)) and longest >= 3) or (shared >= 4 and shared * 2 >= len(name))
        if strong and extra >= 2:
            specific.append(((longest, shared), ind))
        elif longest >= 3 and extra >= 3 and (not ask.money or "元" in ind.value_annual + ind.value_longterm):
            weaker.append(((longest, shared), ind))  # a run of three the name does not explain ("小广告")
    specific = specific or ([] if ask.units else weaker)  # a unit asked finds its row by the unit
    if ask.quantity or ask.units:
        # "栏杆装多少米": a row without a number ("推动") cannot answer how many
        specific = [(o, ind) for o, ind in specific if re.search(r"\d", ind.value_annual + ind.value_longterm)]
    if not specific:
        return []
    if "率" not in rest:  # "新增床位定了多少" means the count, not its 合格率 or 及时率
        specific = [(o, ind) for o, ind in specific if "率" not in ind.name] or specific
    best = max(o for o, _ in specific)
    return [ind for o, ind in specific if o == best]


def matching_indicators(r: Declaration, ask: Ask, named: list[Indicator], by_unit: list[Indicator]) -> list[Indicator]:
    if len(named) > 1 and (ask.money or ask.units):
        # "编制要多少钱" names both a 完成率 and a 成本 row: the one with the asked unit
        named = [i for i in named if unit_fit(i, ask) > 0] or named
    if named and (not by_unit or unit_fit(named[0], ask) >= unit_fit(by_unit[0], ask)):
        return named
    if by_unit:
        return by_unit
    if ask.indicator_level2:
        group = [i for i in r.indicators if ask.indicator_level2 in (i.level2, i.level1)]
        if group and not (set(ask.fields) - {"indicators"} and ask.indicator_level2 != "服务对象满意度指标"):
            return group
    if ask.quantity:
        if counted := counted_indicators(r, ask):
            return counted
    if "indicators" in ask.fields:
        return list(r.indicators)
    return []


def counted_indicators(r: Declaration, ask: Ask) -> list[Indicator]:
    """"要修多少台设备": the counted thing shares words with the indicator but not with the
    project's name; only when nothing else does, the name's own words count ("栏杆装多少米"
    for "栏杆安装工程…"). Among equals, names that state a count come first."""
    rest = re.sub(r"\d+", " ", ask.rest)
    own_name = squash(r.name + r.unit)  # the unit describes the project too
    # a bare "多少" of the project itself asks its amount, not a row that happens to repeat its name
    for own in (own_name,) if _bare_how_much(ask) else (own_name, ""):
        asked = _pairs(rest) - _pairs(own)
        # single characters too: "印多少册" shares 印 and 册 with "印刷册数", no word
        asked_chars = set(rest) - set(own) - set(_FUNCTION_CHARS)
        scored = []
        for ind in r.indicators:
            name = squash(ind.name)
            shared = len(asked & _pairs(name))
            chars = len(asked_chars & set(name))
            if (shared or chars >= 2) and re.search(r"\d", ind.value_annual + ind.value_longterm):
                scored.append(((shared, chars, "数" in ind.name, ind.level2 == "数量指标"), ind))
        if scored:
            best = max(k for k, _ in scored)
            return [ind for k, ind in scored if k == best]
    return []


def unit_fitting(r: Declaration, ask: Ask) -> list[Indicator]:
    """Indicators whose value carries the units asked ("每天多少吨" → a "万吨/日" value), the one the
    question's words and numbers point to first ("60到70岁每月多少钱" → the row named "60-70 岁")."""
    asked_numbers = set(re.findall(r"\d+", ask.text))
    asked_chars = set(re.sub(r"[\d\s]", "", ask.rest)) - set(_FUNCTION_CHARS)
    scored = []
    for ind in r.indicators:
        fit = unit_fit(ind, ask)
        if fit > 0:
            numbers = len(asked_numbers & set(re.findall(r"\d+", ind.name)))
            # "发给多少名学生": among rows fitting as well, one that counts ("受助高中生数") first
            counts = bool(ask.measure_units and not ask.money and ("数" in ind.name or ind.level2 == "数量指标"))
            scored.append(((fit, numbers, counts, len(asked_chars & set(squash(ind.name)))), ind))
    if not scored:
        return []
    best = max(k for k, _ in scored)
    return [ind for k, ind in scored if k == best]


def rows_naming(records: list[Declaration], phrases: list[str]) -> list[tuple[Declaration, Indicator]]:
    """Projects whose indicator table has the indicator the phrases name (longest shared run ≥ 3)."""
    found: list[tuple[int, Declaration, Indicator]] = []
    for r in records:
        best = None
        for ind in r.indicators:
            longest = max(overlap(phrase, squash(ind.name))[0] for phrase in phrases)
            if longest >= 3 and (best is None or longest > best[0]):
                best = (longest, ind)
        if best:
            found.append((best[0], r, best[1]))
    if not found:
        return []
    top = max(f[0] for f in found)
    return [(r, ind) for score, r, ind in found if score == top]


def money_items(r: Declaration, where: str) -> list[tuple[str, float, str]]:
    """The project's items with their money, as (label, yuan, the item as shown): the 实施进度计划's
    rows, or the 测算依据's clauses that each state one sum ("垃圾桶监管设备 1071150 元", as printed)."""
    if where == "schedule":
        return [(s.content, s.amount_yuan, f"{s.content}：{format_amount(s.amount_yuan)}") for s in r.schedule if s.amount_yuan]
    v = vocabulary()
    items = []
    for clause in re.split(r"[，,；;。\n]|\s(?=\d+\s*[、.．])", r.basis or ""):
        sums = list(re.finditer(v.item_money_pattern, clause))
        if len(sums) != 1:
            continue
        label = re.sub(v.item_number_prefix_pattern, "", clause[: sums[0].start()]).strip(" ：:")
        if len(squash(label)) >= 2:
            items.append((label, cost_in_yuan(sums[0].group(0)), re.sub(v.item_number_prefix_pattern, "", clause).strip()))
    return items
