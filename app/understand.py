"""Understanding a question: which projects, which field or indicator, which filters and operation.

All the words live in data/vocabulary.json; this module only applies them. Project names,
departments, sections and indicator names come from the records themselves.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from corpus import Declaration
from corpus.text import squash
from index.filters import Filters
from index.tokenize import ChineseTokenizer

MAX_QUESTION_CHARS = 500  # understanding looks at the head of a very long question
_CODE = re.compile(r"(?<!\d)(\d{14}|\d{17})(?!\d)")
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*年")
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十百千]+)"
_UNIT = r"\s*(亿|万|千|百)?\s*元?"
_MORE = re.compile(rf"(?:不低于|不少于|至少|(?<!不)(?:超过|大于|高于|多于)|≥|>|＞)\s*{_NUM}{_UNIT}")
_LESS = re.compile(rf"(?:不到|不足|不超过|不高于|不多于|(?<!不)(?:少于|低于|小于)|≤|<|＜)\s*{_NUM}{_UNIT}")
_MORE_AFTER = re.compile(rf"{_NUM}{_UNIT}\s*(?:以上|之上|及以上)")
_LESS_AFTER = re.compile(rf"{_NUM}{_UNIT}\s*(?:以下|之下|以内)")
_EXACT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(亿|万)\s*元?\s*(?:的|那个|这个)")
_BETWEEN = re.compile(rf"{_NUM}\s*(亿|万)?\s*(?:元)?\s*(?:到|至|-|~|—)\s*{_NUM}{_UNIT}\s*之间")
# "2021年以后结束", "结束时间晚于2021年底"
_END_AFTER = re.compile(
    r"(20\d{2})\s*年\s*(?:底|末)?\s*(?:以后|之后|后)\s*(?:才)?\s*结束"
    r"|结束(?:时间|日期)?\s*(?:在|是)?\s*(?:晚于|迟于)\s*(20\d{2})\s*年?\s*(?:底|末)?"
    r"|结束(?:时间|日期)?\s*(?:在|是)\s*(20\d{2})\s*年\s*(?:底|末)?\s*(?:以后|之后)"
)
# "2021年以前结束", "结束时间早于2021年"
_END_BEFORE = re.compile(
    r"(20\d{2})\s*年\s*(?:以前|之前|前)\s*(?:就)?\s*结束"
    r"|结束(?:时间|日期)?\s*(?:在|是)?\s*早于\s*(20\d{2})\s*年?"
    r"|结束(?:时间|日期)?\s*(?:在|是)\s*(20\d{2})\s*年\s*(?:以前|之前)"
)
_DATE_BOUND_BEFORE_YEAR = re.compile(r"(?:晚于|迟于|早于|结束(?:时间|日期)?(?:在|是))\s*$")
_END_IN = re.compile(r"(20\d{2})\s*年\s*(?:底)?\s*(?:就|才|已)?\s*结束")
_START_IN = re.compile(r"(20\d{2})\s*年\s*开始")


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return json.loads(resources.files("app").joinpath("data/vocabulary.json").read_text(encoding="utf-8"))


def normalize_question(text: str) -> str:
    """NFKC (half-width punctuation, full-width digits), no control characters, one space."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def cn_number(text: str) -> float:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return float(total + current)


def _yuan(number: str, unit: str | None) -> float:
    return cn_number(number) * {"亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2, None: 1.0, "": 1.0}[unit]


@dataclass
class NameMatch:
    record: Declaration
    score: float
    span: tuple[int, int]  # where the name sits in the question


@dataclass
class Understanding:
    text: str
    codes: list[str] = field(default_factory=list)
    names: list[NameMatch] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    indicator_level2: str | None = None
    op: str | None = None
    top_n: int | None = None
    group_by: str | None = None  # "department" or "section": 哪个部门/各科室
    filters: Filters = field(default_factory=Filters)
    followup: bool = False
    refusal: str | None = None
    drafting: bool = False
    quantity: bool = False  # "多少/几…" without a field word: a number the form states
    units: list[list[str]] = field(default_factory=list)  # "每天处理多少吨" → [["吨"], ["日", "天"]]
    money: bool = False  # the value asked is money ("多少钱", "成本")
    measured: bool = False  # a measure word follows 多少/几 ("多少吨", "几台")
    rest: str = ""  # the question without the matched project name
    topic: str = ""  # rest without the words that only say what is asked (fields, operations…)

    @property
    def has_filters(self) -> bool:
        return self.filters.active()


def _find_any(text: str, words: list[str]) -> str | None:
    for word in sorted(words, key=len, reverse=True):
        if word in text:
            return word
    return None


def _name_variants(r: Declaration) -> list[str]:
    full = squash(r.name)
    variants = [full]
    for prefix in ("聊城市", "市直"):  # people drop the city: "引进国外智力专项资金"
        if full.startswith(prefix) and len(full) - len(prefix) >= 4:
            variants.append(full.removeprefix(prefix))
    for sep in (":", "："):
        if sep in full:
            core = full.split(sep, 1)[1]
            if len(core) >= 4:
                variants.append(core)
    return variants


def match_names(question: str, records: list[Declaration], threshold: float = 0.8) -> list[NameMatch]:
    """Projects whose name (or the part after "：") the question spells out, allowing typos."""
    q = squash(question)
    matches: list[NameMatch] = []
    for r in records:
        best: NameMatch | None = None
        for name in _name_variants(r):
            if len(name) < 3:
                continue
            sm = difflib.SequenceMatcher(None, q, name, autojunk=False)
            blocks = [b for b in sm.get_matching_blocks() if b.size >= 2]
            matched = sum(b.size for b in blocks)
            score = matched / len(name)
            if blocks and score >= threshold and (best is None or score > best.score):
                span = (blocks[0].a, blocks[-1].a + blocks[-1].size)
                # a name matched in pieces scattered over a long question is no match
                if span[1] - span[0] <= len(name) * 1.6 + 2:
                    best = NameMatch(r, score, span)
        if best:
            matches.append(best)
    if not matches:
        return []
    top = max(m.score for m in matches)
    # Keep the best and those equally good (污水处理运营费 1 / 2 when the number is not given).
    return sorted([m for m in matches if m.score >= top - 1e-9], key=lambda m: m.record.seq)


def _departments(records: list[Declaration]) -> dict[str, str]:
    """Every way the question may name a 主管部门 → the department as printed."""
    names: dict[str, str] = {}
    for r in records:
        d = r.department
        names[d] = d
        short = d.removeprefix("山东省").removeprefix("聊城市").removeprefix("中国人民政治协商会议")
        if len(short) >= 3:
            names.setdefault(short, d)
    for alias, d in vocabulary()["department_aliases"].items():
        names.setdefault(alias, d)
    return names


@lru_cache(maxsize=1)
def _plain_tokenizer() -> ChineseTokenizer:
    """jieba's general dictionary: asking words are everyday language, and the corpus' own terms
    ("系统对接") would hide how a question reads ("系统/对/接听")."""
    return ChineseTokenizer()


def understand(question: str, records: list[Declaration]) -> Understanding:
    v = vocabulary()
    text = normalize_question(question)[:MAX_QUESTION_CHARS]
    u = Understanding(text=text)
    squashed = squash(text)

    u.codes = [c for c in _CODE.findall(squashed) if any(r.code == c for r in records)]
    u.names = match_names(text, records)
    rest = squashed
    if u.names:
        a, b = u.names[0].span
        rest = squashed[:a] + " " + squashed[b:]
    for code in u.codes:
        rest = rest.replace(code, " ")
    u.rest = rest

    # What the question asks for, looked for outside the project's own name.
    u.refusal = _refusal(rest, squashed, records, v)
    u.drafting = _find_any(rest, v["drafting_markers"]) is not None
    words = _plain_tokenizer().spans(rest)
    u.fields = _match_fields(rest, v["fields"], words, v["field_patterns"])
    u.quantity = not u.fields and _find_any(rest, v["quantity_words"]) is not None
    u.units, u.money, u.measured = _units(rest, v, words)
    for level2, words in v["indicator_hints"].items():
        if _find_any(rest, words):
            u.indicator_level2 = level2
            break
    for op, words in v["operations"].items():
        if _find_any(rest, words):
            u.op = op
            break
    top = _find_any(rest, list(v["top_words"]))
    if top and u.op in ("max", "min", "list", None) and ("最" in rest or "前" in rest):
        u.top_n = v["top_words"][top]
        u.op = "min" if u.op == "min" else "max"

    if re.search(r"(哪个|哪些|各个|各|每个)(部门|主管部门|单位)", rest):
        u.group_by = "department"
    elif re.search(r"(哪个|哪些|各个|各|每个)科室?", rest) and "科" in rest:
        u.group_by = "section"
    asked_kinds = _kinds_asked(rest, v, u.op)
    u.fields += [k for k in asked_kinds if k not in u.fields]
    u.filters = _filters(rest, records, v, asked_kinds)
    if u.op is None and not u.names and not u.codes and _find_any(rest, v["totalizers"]):
        # "司法局一共报了多少钱", "发展类项目一共几个": the words around 一共 vary, the intent does not
        if "amount_yuan" in u.fields:
            u.op = "sum"
        elif re.search(r"(?:几|多少)个?(?:项目|[?？。!！\s]*$)", rest):
            u.op = "count"
    u.followup = _find_any(rest, v["followup_markers"]) is not None
    u.topic = _strip_vocabulary(rest, v, u.filters)
    return u


def _crosses(start: int, end: int, words: list[tuple[int, int]]) -> bool:
    """Does a word of the sentence straddle [start, end)? "对接听效率" reads 对/接听/效率, not 对接."""
    return any((a < start < b or a < end < b) and not (a <= start and end <= b) for a, b in words)


def _match_fields(
    rest: str, fields: dict[str, list[str]], words: list[tuple[int, int]] = (), patterns: dict[str, list[str]] | None = None
) -> list[str]:
    """Fields asked for: longest phrases first, no two claiming the same characters
    ("主管部门编号" is department_code, not also code), none cutting a word of the sentence in two."""
    phrases = sorted(((w, f) for f, ws in fields.items() for w in ws), key=lambda p: -len(p[0]))
    claimed = [False] * len(rest)
    found: list[str] = []
    for word, name in phrases:
        start = rest.find(word)
        while start >= 0:
            span = range(start, start + len(word))
            if not any(claimed[i] for i in span) and not _crosses(start, start + len(word), words):
                for i in span:
                    claimed[i] = True
                if name not in found:
                    found.append(name)
                break
            start = rest.find(word, start + 1)
    # "谁在具体实施", "哪个单位具体承担": asking words with others between them
    for name, regexes in (patterns or {}).items():
        for pattern in regexes:
            m = re.search(pattern, rest)
            if m and not any(claimed[m.start() : m.end()]) and name not in found:
                found.append(name)
    return found


def _units(rest: str, v: dict, words: list[tuple[int, int]] = ()) -> tuple[list[list[str]], bool, bool]:
    """The units a value must carry ("多少吨" → 吨, "每天" → 日/天), whether money is asked, and
    whether a measure word was."""
    units: list[list[str]] = []
    measures = "|".join(sorted(map(re.escape, v["measure_words"]), key=len, reverse=True))
    for m in re.finditer(rf"(?:多少|几)\s*(?:万|千|百)?\s*({measures})", rest):
        units.append(v["measure_words"][m.group(1)])
    measured = bool(units)
    for marker, chars in v["rate_markers"].items():
        if marker in rest and chars not in units:
            units.append(chars)
    # "房租" asks for money; "住房租赁" only holds the characters
    money = any(
        not _crosses(m.start(), m.end(), words) for w in v["money_words"] for m in re.finditer(re.escape(w), rest)
    )
    return units, money, measured


def _kinds_asked(rest: str, v: dict, op: str | None) -> list[str]:
    """"是经常性的还是一次性的", "是一次性项目吗" ask for the type (or category); they do not filter by it."""
    asked = []
    for key, mapping in (("project_type", v["project_types"]), ("category", v["categories"])):
        words = [w for w in mapping if w in rest]
        if len({mapping[w] for w in words}) >= 2 or (words and not op and re.search("吗|还是|是不是|是否", rest)):
            asked.append(key)
    return asked


def _strip_vocabulary(rest: str, v: dict, filters: Filters) -> str:
    """The question's topic: what is left once the asking words and the filters are taken out."""
    for pattern in (_BETWEEN, _MORE, _LESS, _MORE_AFTER, _LESS_AFTER, _EXACT, _END_AFTER, _END_BEFORE, _END_IN, _START_IN):
        rest = pattern.sub(" ", rest)
    words = [w for ws in v["fields"].values() for w in ws]
    words += list(v["top_words"]) + list(v["project_types"]) + list(v["categories"])
    words += list(v["department_aliases"]) + list(v["section_aliases"])
    words += [value for value in (filters.section, filters.department, filters.project_type, filters.category) if value]
    if filters.department:
        words.append(filters.department.removeprefix("聊城市"))
    words += [w for ws in v["operations"].values() for w in ws]
    words += [w for ws in v["indicator_hints"].values() for w in ws]
    words += list(v["followup_markers"]) + list(v["drafting_markers"]) + list(v["quantity_words"]) + list(v["rate_markers"])
    topic = rest
    for word in sorted(set(words), key=len, reverse=True):
        if len(word) >= 2:
            topic = topic.replace(word, " ")
    return re.sub(r"\s+", " ", topic).strip()


def _refusal(rest: str, squashed: str, records: list[Declaration], v: dict) -> str | None:
    unsupported = [re.escape(w) for w in v["unsupported_fields"]] + v["unsupported_patterns"]
    for pattern in unsupported:
        if m := re.search(pattern, rest):
            return f"申报表只记录预算金额和绩效目标，没有“{m.group(0)}”这类执行或评价信息，语料中无法回答。"
    for word in v["unsupported_requests"]:
        if word in rest:
            return "这个问题与项目支出绩效目标申报表无关，语料中没有可以回答它的内容。"
    asks_data = _find_any(rest, [w for k in ("amount_yuan", "indicators") for w in v["fields"][k]]) or _find_any(
        rest, [w for ws in v["operations"].values() for w in ws] + ["申报表", "申报"]
    )
    for m in _YEAR.finditer(rest):
        year = int(m.group(1))
        tail = rest[m.end() : m.end() + 6]
        if year == 2021 or re.match(r"(以后|之后|后|以前|之前|前|底)?\s*(才|就)?\s*(结束|开始)", tail):
            continue
        if _DATE_BOUND_BEFORE_YEAR.search(rest[: m.start()]):
            continue  # "结束时间晚于2022年": a bound on 2021 forms' dates, not another year
        # "2020 年没付完的款" describes a 2021 form; "2022 年的预算", "2019年的污水处理运营费" or
        # "2020 年度" ask for another year (a year inside a project's name was matched with the name).
        if tail.startswith(("度", "的")) or asks_data:
            return f"语料只包含聊城市 2021 年度的申报表，没有 {year} 年的数据。"
    if re.search(r"(?<!\d)20\d{2}(?!\d)", rest) is None and "去年" in rest:
        return "语料只包含聊城市 2021 年度的申报表，没有其他年度的数据。"
    for city in v["other_cities"]:
        if city in rest and not _find_any(rest, [a for a in v["department_aliases"] if city in a]):
            if f"{city}市" in rest or not any(city in r.department or city in r.unit or city in r.name for r in records):
                return f"语料只包含聊城市的申报表，没有{city}的数据。"
    return None


def _filters(rest: str, records: list[Declaration], v: dict, asked_kinds: list[str] = ()) -> Filters:
    f = Filters()
    sections = {r.section for r in records if r.section}
    for s in sorted(sections, key=len, reverse=True):
        if s in rest:
            f.section = s
            break
    else:
        alias = _find_any(rest, list(v["section_aliases"]))
        if alias:
            f.section = v["section_aliases"][alias]
    departments = _departments(records)
    hit = _find_any(rest, list(departments))
    if hit:
        f.department = departments[hit]
    # "一次性项目", "经常性的"; not "一次性采血袋" or "一次性补偿金"
    word = _find_any(rest, list(v["project_types"]))
    if word and "project_type" not in asked_kinds and re.search(re.escape(word) + r"(?:项目|的|支出|类|$)", rest):
        f.project_type = v["project_types"][word]
    word = _find_any(rest, list(v["categories"]))
    if word and "category" not in asked_kinds and re.search(re.escape(word) + r"(?:项目|的|支出|$)", rest):
        f.category = v["categories"][word]
    m = _BETWEEN.search(rest)
    if m:
        f.min_amount = _yuan(m.group(1), m.group(2) or m.group(4))
        f.max_amount = _yuan(m.group(3), m.group(4))
    else:
        for pattern, bound in ((_MORE, "min"), (_MORE_AFTER, "min"), (_LESS, "max"), (_LESS_AFTER, "max")):
            m = pattern.search(rest)
            if m:
                # "超过/不到" exclude the bound; "以上/以下/不超过" include it
                strict = pattern in (_MORE, _LESS) and not re.search("不低于|不少于|至少|不超过|不高于|不多于", m.group(0))
                setattr(f, f"{bound}_amount", _yuan(m.group(1), m.group(2)))
                setattr(f, f"{bound}_strict", strict)
    if f.min_amount is None and f.max_amount is None:
        m = _EXACT.search(rest)
        if m:  # "科技局那个8000万的项目": an amount named as it is printed
            f.amount = _yuan(m.group(1), m.group(2))
    if m := _END_AFTER.search(rest):
        f.end_after = f"{next(g for g in m.groups() if g)}-12-31"
    elif m := _END_BEFORE.search(rest):
        f.end_before = f"{next(g for g in m.groups() if g)}-01-01"
    elif m := _END_IN.search(rest):
        f.end_year = m.group(1)
    if m := _START_IN.search(rest):
        f.start_year = m.group(1)
    return f
