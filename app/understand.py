"""Understanding: the one module that reads the raw question. It turns a question into a Plan —
the target (projects by name, code or description, the conversation's referent, or a scope of
filters), the asks (fields, or indicators with which value), the operation and the intent the
router dispatches on.

All words and patterns come from app/data/vocabulary.json (validated in app/vocabulary.py);
project names, departments, sections and years come from the records themselves.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from app.abbreviation import bare, find_abbreviated
from app.grounding import chinese_number
from app.vocabulary import Vocabulary, thresholds, vocabulary
from corpus import Declaration
from corpus.text import squash
from index.filters import Filters
from index.tokenize import general_tokenizer

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_AGGREGATE_OPS = ("max", "min", "count", "sum", "avg", "diff")


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


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    v = vocabulary()
    a = v.amount_patterns
    expand = {"number": a["number"], "unit": a["unit"]}
    compiled = {name: re.compile(a[name].format(**expand)) for name in
                ("more", "less", "more_after", "less_after", "exact", "exactly", "between")}
    compiled.update({name: re.compile(p) for name, p in v.date_patterns.items()})
    compiled["inclusive"] = re.compile(a["inclusive_words"])
    compiled["ordinal"] = re.compile(v.ordinal_pattern)
    compiled["parts"] = re.compile(v.part_separators)
    compiled["described"] = re.compile(v.described_pattern)
    compiled["top"] = re.compile(v.top_pattern)
    return compiled


@dataclass
class NameMatch:
    record: Declaration
    score: float
    span: tuple[int, int]  # where the name sits in the question
    first_item: bool = False  # only the first thing a listing name names ("甲设施建设" of "甲设施建设、乙…")


@dataclass
class Ask:
    """One part of a question: what it asks of a project, in its own words."""

    rest: str  # the words of this part; indicators are matched against them
    text: str  # the whole question (numbers it names point at rows: "90到99岁")
    fields: list[str] = field(default_factory=list)
    indicator_level2: str | None = None
    quantity: bool = False  # "多少/几…" without a field word: a number the form states
    units: list[list[str]] = field(default_factory=list)  # "每天多少吨" → [["吨"], ["日", "天"]]
    money: bool = False  # the value asked is money ("多少钱", "成本")
    measured: bool = False  # a measure word follows 多少/几 ("多少吨", "几台")
    measure_units: list[list[str]] = field(default_factory=list)  # of those, the ones after 多少/几
    value: str = "annual"  # which indicator value: annual | longterm | both
    part: bool = False  # one of several parts: it may name a piece of the project ("灯光…多少钱")
    apart: bool = False  # asked after a description: its words name a piece, not the project ("…的那个，围墙花多少")
    total: bool = False  # the project's whole amount, named in its own words ("某某经费总共多少，其中…")
    near: str = ""  # the clause a sibling part was answered from: its sentence is the likelier place

    @property
    def asks_value(self) -> bool:
        return bool(self.fields or self.indicator_level2 or self.quantity or self.units)


@dataclass
class Plan:
    text: str
    rest: str = ""  # the question without the matched project name or code
    topic: str = ""  # rest without the words that only say what is asked (fields, operations…)
    topic_marked: bool = False  # "跟污水处理有关的": the question marks its topic as a topic
    codes: list[str] = field(default_factory=list)
    names: list[NameMatch] = field(default_factory=list)
    several_named: bool = False  # the names are of different projects the question lists ("A和B一共")
    name_contains: str | None = None  # "名称里带“培训”的"
    asks: list[Ask] = field(default_factory=list)  # one per part of a multi-part question
    whole: Ask | None = None  # the whole question read as one ask
    op: str | None = None
    top_n: int | None = None
    rank: int | None = None  # "第二大的": the one project at that place of the ranking
    sort_by: str = "amount_yuan"  # what max/min rank by: amount, or the end/start date
    totals: bool = False  # groups are ranked by their summed amounts ("预算总额最高的科室")
    group_by: str | None = None  # "department" or "section": 哪个部门/各科室
    group_count: int | None = None  # "哪个科室只有一个项目": the groups of exactly this many projects
    group_values: list[str] = field(default_factory=list)  # "民政局和卫健委各几个": only these groups
    filters: Filters = field(default_factory=Filters)
    refusal: str | None = None
    drafting: bool = False
    followup: bool = False
    referent: bool = False  # "它", "这个项目": the project the conversation is about
    scope_followup: bool = False  # "这些", "其中": the projects the conversation listed
    same_organisation: bool = False  # "这家单位另外还有什么项目"
    within_organisation: bool = False  # "同一个局的某某呢": a project of the referent's organisation
    other_one: bool = False  # "另外一个项目": the organisation's other project
    compares: bool = False  # "哪个资助的人数多": among the projects just talked about
    back_to: bool = False  # "回到预算最高的那项", "回到某某那个": back to what the conversation had before
    item_rank: str | None = None  # "预算明细里哪样最高": "max" or "min" over the project's own items
    against_referent: bool = False  # "某某那个比它多多少": a project described, set against the one talked about
    listed_count: int | None = None  # "这两个": the number of projects pointed back to
    own_scope: bool = False  # the filters leave out the projects the conversation is about
    also_count: bool = False  # "一共几个？其中哪个最大": the count is asked too
    also_list: bool = False  # "都有哪些？哪个最贵": the whole list is asked too
    both_ends: bool = False  # "最大和最小的分别是哪个": both ends of the ranking
    sort: str | None = None  # "按金额从高到低排一下": "desc" or "asc"
    same_contact: bool = False  # "这位联系人还管哪些项目"
    listed_followup: bool = False  # "这三项": the projects the last answer listed, not all it ranged over
    ordinal: int | None = None  # "第二个"
    which_project: bool = False  # "…的是什么项目"
    indicator_count: bool = False  # "表里有多少条指标"
    description: str = ""  # "帮困难学生交学费的那个": the project named by what it does
    asked_of_description: str = ""  # what follows the description: "90到99岁每月多少"
    content: list[str] = field(default_factory=list)  # topic words that must be found in a form
    intent: str = "search"

    # The whole-question ask, for handlers that read the question as one part.
    @property
    def fields(self) -> list[str]:
        return self.whole.fields if self.whole else []

    @property
    def has_filters(self) -> bool:
        return self.filters.active()

    @property
    def asks_value(self) -> bool:
        return bool(self.whole and self.whole.asks_value)

    @property
    def has_target(self) -> bool:
        return bool(self.codes or self.names)


def _find_any(text: str, words: list[str]) -> str | None:
    for word in sorted(words, key=len, reverse=True):
        if word in text:
            return word
    return None


def _find_first_longest(text: str, words: list[str]) -> str | None:
    """The longest word found; of equally long ones the one written first ("卫健委系统" names the
    卫健委, not a "委系统")."""
    found = [(-len(w), text.find(w), w) for w in words if w in text]
    return min(found)[2] if found else None


def _name_variants(r: Declaration) -> list[tuple[str, bool]]:
    """The ways people write a project's name, each with whether it is only the first thing a
    listing name names."""
    variants = _whole_name_variants(r)
    return [(name, False) for name in variants] + [(name, True) for name in _first_items(variants)]


def _whole_name_variants(r: Declaration) -> list[str]:
    full = squash(r.name)
    variants = [full]
    for prefix in vocabulary().name_prefixes:  # people drop the city: "引进国外智力专项资金"
        if full.startswith(prefix) and len(full) - len(prefix) >= 4:
            variants.append(full.removeprefix(prefix))
    for sep in (":", "："):
        if sep in full:
            core = full.split(sep, 1)[1]
            if len(core) >= 4:
                variants.append(core)
    # people drop a closing remark in brackets: "…长效管理" for "…长效管理（含强制医疗执行）"
    for name in list(variants):
        bare = re.sub(r"[（(][^（）()]*[）)]$", "", name)
        if bare != name and len(bare) >= 6:
            variants.append(bare)
    return variants


def _first_items(variants: list[str]) -> list[str]:
    """A name listing several things is called by the first: "甲设施建设" for "甲设施建设、乙标线施划"."""
    firsts = [re.split(r"[、，,]", name)[0] for name in variants]
    return [f for f, name in zip(firsts, variants) if f != name and len(f) >= 6]


def match_names(question: str, records: list[Declaration], threshold: float | None = None,
                keep_other_numbers: bool = False) -> list[NameMatch]:
    """Projects whose name (or the part after "：") the question spells out, allowing typos."""
    t = thresholds()
    threshold = t.name_match if threshold is None else threshold
    q = squash(question)
    wanted, threshold = threshold, min(threshold, t.joined_name_match)  # a joined name may be spelled looser
    matches: list[NameMatch] = []
    for r in records:
        best: NameMatch | None = None
        best_spelled = 0
        for name, first_item in _name_variants(r):
            if len(name) < 3:
                continue
            sm = difflib.SequenceMatcher(None, q, name, autojunk=False)
            matching = sm.get_matching_blocks()
            blocks = _one_clause([b for b in matching if b.size >= 2], q)
            spelled = sum(b.size for b in blocks)
            score = spelled / len(name)
            # among the name's variants that match, the one spelling most of the question: a whole
            # listing name ("甲业务、乙管理经费") written without its 、, not its first item alone
            if blocks and score >= threshold and (best is None or (spelled, score) > (best_spelled, best.score)):
                # "河长制湖长制…" for "河制湖长制…": a first character matched alone, just before, belongs to the name
                lead = [b.a for b in matching if b.size == 1 and b.b < blocks[0].b and 0 <= blocks[0].a - b.a - 1 <= 2]
                span = (min([blocks[0].a, *lead]), blocks[-1].a + blocks[-1].size)
                # a name matched in pieces scattered over a long question is no match
                if span[1] - span[0] <= len(name) * t.name_span_stretch + 2:
                    best, best_spelled = NameMatch(r, score, span, first_item), spelled
        if best:
            matches.append(best)
    matches = list({m.record.code: m for m in (_spelled_further(q, m, records) for m in matches)}.values())
    loose, matches = [m for m in matches if m.score < wanted], [m for m in matches if m.score >= wanted]
    if keep_other_numbers:
        return [m for m in matches if _names_other_number(q, m)]
    matches = [m for m in matches if not _names_other_number(q, m)] or _numbered_series(q, records)
    if not matches:
        return []
    # "社区矫正那个业务工作经费": "业务工作经费" is spelled out, but so is more of a longer name holding it
    matches = [m for m in matches if not any(
        o is not m and squash(m.record.name) in squash(o.record.name) and o.span[0] <= m.span[0] < o.span[1] + len(squash(o.record.name))
        and o.score >= thresholds().name_match for o in matches)] or matches
    # "水利局业务、监督管理工作经费": a short name ("业务工作经费") scores higher but spells out far fewer of
    # the question's characters than the long name whose span holds it
    matches = [m for m in matches if not any(
        o is not m and o.span[0] <= m.span[0] and m.span[1] <= o.span[1] and o.score >= thresholds().name_match
        and _spelled(q, o.record) >= _spelled(q, m.record) + 4 for o in matches)] or matches
    top = max(m.score for m in matches)
    # Keep the best and those equally good (污水处理运营费 1 / 2 when the number is not given), but
    # not a short name spelled inside a longer one the question also spells ("业务工作经费" inside
    # "业务工作经费 04: 会计继续教育专项经费").
    best = [m for m in matches if m.score >= top - 1e-9]
    best = [m for m in best if not any(_inside(m.span, o.span) for o in best)]
    # "甲经费和乙经费分别多少" with 乙 misspelled: a second name joined to the first by 和/与/、 is named too
    best += [m for m in matches + loose if m not in best and _joined_to(q, m, best)]
    return sorted(best, key=lambda m: m.record.seq)


def _joined_to(q: str, m: NameMatch, named: list[NameMatch]) -> bool:
    if any(m.span[0] < o.span[1] and o.span[0] < m.span[1] for o in named):
        return False  # overlapping spans spell one name, not two
    joiner = vocabulary().name_joiner_pattern
    return any(re.fullmatch(joiner, q[min(m.span[1], o.span[1]) : max(m.span[0], o.span[0])]) for o in named)


def _spelled_further(q: str, m: NameMatch, records: list[Declaration]) -> NameMatch:
    """"某某经费01（机关建设那块）": a longer name holding the short one matched, which the question
    spells out much further (its number, its subject), is the one meant."""
    short, base = squash(m.record.name), _spelled(q, m.record)
    longer = [(r, _spelled(q, r)) for r in records if r is not m.record and short in squash(r.name)]
    best = max(longer, key=lambda pair: pair[1], default=None)
    return NameMatch(best[0], m.score, m.span) if best and best[1] >= base + 4 else m


def _spelled(q: str, r: Declaration) -> int:
    """How many characters of the question spell out the project's name (in runs of two or more)."""
    blocks = difflib.SequenceMatcher(None, q, squash(r.name), autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= 2)


_MASK = "□"  # stands in for a name already found, so the rest of the question is matched alone


def named_projects(question: str, records: list[Declaration]) -> list[NameMatch]:
    """Every project the question names, in the order named: one name, or several joined
    ("车辆购置费和办公设备购置费用", "仲裁经费1和2"). A further name must be spelled out almost whole."""
    found = match_names(question, records)
    if len(found) != 1:
        return found
    q = squash(question)
    while True:
        masked = q
        for m in found:
            masked = masked[: m.span[0]] + _MASK * (m.span[1] - m.span[0]) + masked[m.span[1]:]
        taken = {m.record.code for m in found}
        more = [m for m in match_names(masked, records) if m.record.code not in taken]
        if len(more) != 1 or more[0].score < thresholds().further_name_match:
            break
        found.append(more[0])
    found += _series_siblings(q, found, records)
    found += _shared_tail_siblings(q, found, records)
    return sorted(found, key=lambda m: m.span[0])


def _compared_pair(q: str, names: list[NameMatch], records: list[Declaration], v: Vocabulary) -> list[NameMatch] | None:
    """"甲那个跟乙比，哪个钱多", "A和B两个经费差多少", "A和B各报了多少": two projects set against each
    other or asked of each, one of them (or both) spelled short. The pair is the clause before the comparison, cut at its joiner; a side no
    name was found in is the project whose name spells most of it, clearly ahead of any other."""
    if len({m.record.code for m in names}) > 1 or not re.search(
            "|".join([v.difference_pattern, v.more_or_less_pattern, v.pair_each_pattern, *v.comparison_patterns.values()]), q):
        return None
    clause = re.split(f"[，,。？?；;]|{v.difference_pattern}|{v.which_one_pattern}|{v.pair_each_pattern}", q, maxsplit=1)[0]
    taken = [m.span for m in names]
    joints = [j for j in re.finditer(v.pair_joiner_pattern, clause) if j.start() >= 2 and len(clause) - j.end() >= 2
              and not any(a <= j.start() < b for a, b in taken)]
    if len(joints) != 1:
        return None
    cut = joints[0]
    sides = [(0, cut.start()), (cut.end(), len(clause))]
    pair = []
    for a, b in sides:
        inside = [m for m in names if a <= m.span[0] < b]
        side = re.sub(v.pair_side_trim_pattern, "", clause[a:b])
        pair.append(inside[0] if inside else _spelled_most(side, (a, b), records))
    if None in pair or pair[0].record.code == pair[1].record.code:
        return None
    return pair


def _spelled_most(side: str, span: tuple[int, int], records: list[Declaration]) -> NameMatch | None:
    if len(side) < 3:
        return None
    ranked = sorted(((_spelled(side, r), r) for r in records), key=lambda pair: -pair[0])
    (best, r), (second, _) = ranked[0], ranked[1]
    return NameMatch(r, best / len(squash(r.name)), span) if best >= 4 and best >= second + 2 else None


def _not_organisations(names: list[NameMatch], q: str, records: list[Declaration]) -> list[NameMatch]:
    """"某某销售管理中心名下的…": a project name ("某某销售") spelled as the start of an organisation the
    question names whole is the organisation, not the project."""
    organisations = _organisation_names(records)

    def inside_organisation(m: NameMatch) -> bool:
        spelled = q[m.span[0] : m.span[1]]
        return any(len(o) > len(spelled) and spelled in o and o in q[m.span[0]:] for o in organisations)
    return [m for m in names if not inside_organisation(m)]


def _merged_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans that overlap (a name spelled across another one's span) cut as one."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _shared_tail_siblings(q: str, found: list[NameMatch], records: list[Declaration]) -> list[NameMatch]:
    """"甲馆和乙馆的日常运行经费各多少": two heads joined by 和 before one ending name two projects,
    the one spelled out and another whose name ends the same way."""
    if len(found) != 1:
        return []
    m = found[0]
    own = squash(m.record.name)
    siblings = []
    for r in records:
        other = squash(r.name)
        shared = os.path.commonprefix([own[::-1], other[::-1]])[::-1]
        # "甲馆和乙馆的运行经费": the shared ending as the question spells it, the heads written whole
        for tail in (shared[i:] for i in range(len(shared) - 3) if r.code != m.record.code):
            if len(other) - len(tail) < 2 or len(own) - len(tail) < 2 or tail not in q:
                continue
            hit = _joined_heads(q, own[: -len(tail)], other[: -len(tail)], tail)
            # …not a 、 inside the name spelled out ("甲业务、乙管理经费" holds "业务、…经费")
            if hit and not (m.span[0] <= hit[0] and hit[1] <= m.span[1] and "、" in own):
                siblings.append(NameMatch(r, m.score, hit))
                break
    return siblings if len(siblings) == 1 else []


def _joined_heads(q: str, own_head: str, other_head: str, tail: str) -> tuple[int, int] | None:
    """Where the other head stands when the question joins the two heads before the shared tail."""
    joiner = vocabulary().name_joiner_pattern
    heads = {"own": _head_spellings(own_head), "other": _head_spellings(other_head)}
    for first, second in (("own", "other"), ("other", "own")):
        if hit := re.search(f"(?P<{first}>{heads[first]})(?:{joiner})(?P<{second}>{heads[second]})的?{re.escape(tail)}", q):
            return hit.span("other")
    return None


def _head_spellings(head: str) -> str:
    """A name's head as a question may shorten it: the whole, or its last three characters or more."""
    return "|".join(re.escape(head[i:]) for i in range(len(head)) if len(head) - i >= min(3, len(head)))


def _series_siblings(q: str, found: list[NameMatch], records: list[Declaration]) -> list[NameMatch]:
    """"仲裁经费1和2": the other numbers of a numbered name, written as bare numbers."""
    siblings = []
    for m in list(found):
        own = re.search(r"^(.*?)\s*(\d+)\W*$", m.record.name)
        tail = re.match(r"(?:(?:和|与|及|跟|、|,|，|还有)\s*(\d+|[一二两三四五六七八九])(?![\d万千百亿元年月日个项条人次]))+", q[m.span[1]:])
        if own and not tail:  # "运营费1比运营费2多多少": the other number after the end of the name, later on
            tail = _series_end_again(q[m.span[1]:], squash(own.group(1)))
        if not own or not tail:
            continue
        for number in re.findall(r"(\d+|[一二两三四五六七八九])", tail.group(0)):
            for r in records:
                other = re.fullmatch(re.escape(own.group(1)) + r"\s*(\d+)\W*", r.name)
                if other and int(other.group(1)) == int(cn_number(number)) and r.code != m.record.code:
                    siblings.append(NameMatch(r, m.score, (m.span[1], m.span[1] + tail.end())))
    return siblings


def _series_end_again(after: str, base: str) -> re.Match | None:
    """Where the question spells a numbered name's ending again (three characters or more) with a
    number of its own."""
    ends = "|".join(re.escape(base[i:]) for i in range(len(base) - 2))
    return re.search(f"(?:{ends})\\s*(\\d+)(?![\\d万千百亿元年月日个项条人次])", after) if ends else None


_CLAUSE_BREAK = re.compile(r"[，,。？?；;!！]")


def _one_clause(blocks: list, q: str) -> list:
    """The matched pieces of a name within the clause of its longest piece: in "围墙那个工程，围墙和
    道路硬化各多少" the second clause's words are what is asked, not more of the name."""
    if len(blocks) < 2:
        return blocks
    longest = max(blocks, key=lambda b: b.size)
    return [b for b in blocks if not _CLAUSE_BREAK.search(q[min(b.a, longest.a) : max(b.a + b.size, longest.a + longest.size)])]


def _inside(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return other[0] <= span[0] and span[1] <= other[1] and other[1] - other[0] > span[1] - span[0]


def _series_without_number(question: str, records: list[Declaration]) -> str | None:
    """"仲裁经费5" when the forms have 仲裁经费 1 and 2: a project that is not there."""
    loose = match_names(question, records, keep_other_numbers=True)
    if not loose:
        return None
    names = "、".join(m.record.name for m in loose)
    return f"语料中没有这个编号的项目：同名的只有 {names}。"


def _numbered_series(q: str, records: list[Declaration]) -> list[NameMatch]:
    """"运营费2", "仲裁经费1": the end of a numbered name with its number, when only one name has it."""
    found = []
    for r in records:
        name = squash(r.name)
        if m := re.search(r"([^\W\d]{3,})(\d+)$", name):
            core = m.group(1)
            for size in range(len(core), 2, -1):
                short = core[-size:] + m.group(2)
                if (at := q.find(short)) >= 0 and not q[at + len(short) : at + len(short) + 1].isdigit():
                    found.append((short, NameMatch(r, len(short) / len(name), (at, at + len(short)))))
                    break
    unique = [match for short, match in found if sum(short in squash(o.name) for o in records) == 1]
    return unique[:1]


def _names_other_number(q: str, m: NameMatch) -> bool:
    """The question puts a number after the name ("运营费3", "运营费二") that the name does not carry."""
    name = squash(m.record.name)
    own = re.search(r"(\d+)\W*$", name)
    after = re.match(r"\s*(\d+|[一二两三四五六七八九十])(?![\d万千百亿元年月日个项条人次])", q[m.span[1]:])
    if not own or not after:
        return False
    return int(cn_number(after.group(1))) != int(own.group(1))


def _department_spellings(department: str) -> list[str]:
    """The short ways a question writes a 主管部门: without the city, and "民政系统" for 民政局."""
    short = bare(department)
    if len(short) < 3:
        return []
    if not short.endswith("局"):
        return [short]
    return [short] + [short[:-1] + word for word in vocabulary().department_group_words]


_ORGANISATIONS: dict = {"records": None, "departments": {}, "names": set()}


def _departments(records: list[Declaration]) -> dict[str, str]:
    """Every way the question may name a 主管部门 → the department as printed (built once for the
    last record list seen, not for every question)."""
    if _ORGANISATIONS["records"] is not records:
        _ORGANISATIONS.update(records=records, departments=_department_names(records),
                              names={squash(bare(n)) for r in records for n in (r.unit, r.department)})
    return _ORGANISATIONS["departments"]


def _organisation_names(records: list[Declaration]) -> set[str]:
    """Every 实施单位 and 主管部门, bare and squashed (built with the department spellings)."""
    _departments(records)
    return _ORGANISATIONS["names"]


def _department_names(records: list[Declaration]) -> dict[str, str]:
    names: dict[str, str] = {}
    for r in records:
        d = r.department
        names[d] = d
        for spelling in _department_spellings(d):
            names.setdefault(spelling, d)
    for r in records:  # "产品质量监督检验所名下": a unit scopes like a department (Filters match either)
        short = bare(r.unit)
        if len(short) >= 4 and not re.search(r"[、，,]", short):
            names.setdefault(short, r.unit)
    for alias, d in vocabulary().department_aliases.items():
        names.setdefault(alias, d)
    return names


# ---------------------------------------------------------------------------- the plan


def understand(question: str, records: list[Declaration], tokenizer=None, state=None) -> Plan:
    """The plan for one question. ``tokenizer`` (the index's) picks content words; ``state`` is the
    conversation, whose referents and scope a follow-up may lean on."""
    v = vocabulary()
    text = _arabic_amounts(_spaced_clauses(normalize_question(question)[: thresholds().max_question_chars], v), v)
    p = Plan(text=text)
    squashed = re.sub(v.spoken_money_pattern, "多少钱", squash(text))
    for level, pattern in v.spoken_levels.items():  # "市里自己掏多少": the 市级 share
        squashed = re.sub(pattern, level, squashed)
    p.codes = [c for c in _patterns()["code"].findall(squashed) if any(r.code == c for r in records)]
    squashed = _read_name_words(p, squashed, v)
    p.names = _not_organisations(named_projects(squashed, records), squashed, records)
    p.names = _compared_pair(squashed, p.names, records, v) or p.names
    p.several_named = len({m.span for m in p.names}) > 1
    if not p.names and not p.codes and (series := _series_without_number(text, records)):
        p.refusal = series
    rest = squashed
    # the first thing of a listing name stays in the question: it may name the part asked ("…焚烧每吨多少")
    for a, b in sorted(_merged_spans([m.span for m in p.names if not m.first_item]), reverse=True):
        rest = rest[:a] + " " + rest[b:]
    for code in p.codes:
        rest = rest.replace(code, " ")
    rest = rest.replace(_MASK, " ")
    p.rest = rest
    _read_description(p, v)
    p.whole = read_ask(rest, text, v)
    _money_named(p, rest, squashed)
    _read_asks(p, rest, text, v)
    _read_operation(p, rest, v)
    _read_item_rank(p, rest, v, state)
    _one_projects_total(p, v)
    p.refusal = p.refusal or _refusal(rest, squashed, records, v, p, [r for r in records if state and r.code in state.codes])
    p.drafting = _find_any(rest, v.drafting_markers) is not None
    asked_kinds = _kinds_asked(rest, v, p.op)
    for ask in [p.whole, *p.asks]:
        ask.fields += [k for k in asked_kinds if k not in ask.fields]
    p.filters = _filters(rest, records, v, asked_kinds)
    p.filters.year = _budget_year(rest, records)
    p.filters.name_contains = p.name_contains
    rest = _without_abbreviated_scope(p, rest, records)
    _several_groups(p, rest, records, v)
    scoped = p.filters.apply(records) if p.op == "sum" and len(p.asks) > 1 else []
    if len(scoped) == 1 or (scoped and any(a.rest.lstrip().startswith("其中") and a.asks_value for a in p.asks[1:])):
        # "档案馆业务经费总共多少，另外…", "残联就业培训的项目总共多少，其中招聘会…": one project and its parts
        p.op = None
    if _absurd(p.filters):
        p.refusal = p.refusal or "问题中的金额超出了申报表可能的范围，请给出一个实际的金额。"
    _read_conversation(p, rest, v)
    _read_references(p, rest, v, state, records)
    p.topic = topic_of(rest, p.filters)
    p.topic_marked = re.search(v.topic_marker_pattern, rest) is not None
    p.content = content_words(p.topic, tokenizer) if tokenizer else []
    p.own_scope = _own_scope(p, records, state)
    p.intent = decide_intent(p, state)
    if p.intent in ("which_project", "lookup_in_scope") and _amount_fits_no_project(p.filters, records):
        # "每户花不到3000块的那个": an amount inside a description, not a bound on project amounts
        p.filters.min_amount = p.filters.max_amount = p.filters.amount = None
        p.intent = decide_intent(p, state)
    return p


def _read_asks(p: Plan, rest: str, text: str, v: Vocabulary) -> None:
    asked_words = p.asked_of_description or rest
    p.asks = _split_asks(asked_words, text, v) or [read_ask(asked_words, text, v) if p.asked_of_description else p.whole]
    p.asks = _parts_joined(p.asks, text, v)
    if p.asked_of_description:
        for ask in p.asks:
            ask.apart = True
    if len(p.asks) > 1 and re.match(v.inside_project_pattern, rest):
        for ask in p.asks:  # "某某经费里，A 多少，B 多少": pieces of that project's money, like "A 和 B 各多少"
            if not (ask.fields or ask.units or ask.indicator_level2):
                ask.part, ask.money = True, True


def _parts_joined(asks: list[Ask], text: str, v: Vocabulary) -> list[Ask]:
    """Parts that only set the scene for the next one: "补助比例里，市级占多少" (where to look), and
    "年度目标和中长期目标里各救助几人" (which goal's value of the measure asked, not the goal's text)."""
    joined: list[Ask] = []
    for ask in asks:
        if joined and not joined[-1].fields and re.search(v.context_part_pattern, joined[-1].rest.strip()) and not re.search(
                v.asking_word_pattern, joined[-1].rest):
            joined[-1] = read_ask(joined[-1].rest + ask.rest, text, v)  # "补助比例里，市级占多少": one part
        elif joined and (ask.measure_units or ask.quantity) and _only_goal_words(joined[-1], v):
            merged = read_ask(joined[-1].rest + ask.rest, text, v)
            merged.fields = [f for f in merged.fields if f != "goals"]
            joined[-1] = merged
        elif len(asks) > 1 and "goals" in ask.fields and ask.measure_units:
            # "年度目标与中长期目标各救助多少人", split by 各: each part one value of the count
            joined.append(replace(ask, fields=[f for f in ask.fields if f != "goals"]))
        else:
            joined.append(ask)
    # "年度目标里工程款和质保金各付多少": the place the first part looks in is every part's
    where = re.match(v.where_to_look_pattern, joined[0].rest) if len(joined) > 1 else None
    if where:
        joined[1:] = [a if where.group("where") in a.rest else _looking_in(where.group(0), a, joined[0], text, v) for a in joined[1:]]
    return joined


def _looking_in(where: str, ask: Ask, first: Ask, text: str, v: Vocabulary) -> Ask:
    """The part read again with the place to look in before it; the goal field its words now name
    is only a place, as it was for the first part."""
    carried = read_ask(where + ask.rest, text, v)
    carried.fields = [f for f in carried.fields if f in first.fields or f not in ask.fields + ["goals"]]
    return carried


def _only_goal_words(ask: Ask, v: Vocabulary) -> bool:
    if ask.fields != ["goals"] or ask.units:
        return False
    left = ask.rest
    for word in sorted(v.longterm_words + v.annual_words + v.goal_value_words, key=len, reverse=True):
        left = left.replace(word, "")
    return not re.sub(r"\W", "", left)


def _money_named(p: Plan, rest: str, squashed: str) -> None:
    """"某某补贴资金是多少": a name that is money, asked how much, asks for its amount."""
    asks_nothing = not (p.whole.fields or p.whole.units or p.whole.indicator_level2)
    if len(p.names) == 1 and asks_nothing and re.fullmatch(r"\W*(?:是|有|一共|总共|共|大概)?(?:多少|几)\W*", rest) and (
            re.search(r"(?:资金|经费|费用|费|补贴|补助|款|金)$", squashed[p.names[0].span[0] : p.names[0].span[1]])):
        p.whole.fields, p.whole.money = ["amount_yuan"], True


def _without_abbreviated_scope(p: Plan, rest: str, records: list[Declaration]) -> str:
    """The question without the short name its scope was read from ("计量所")."""
    if short := _abbreviated_scope(p.filters, rest, records):
        rest = rest.replace(short, " ")
        if p.names:  # "某所的某某专项经费有多少": who runs the project named, not a thing asked
            for ask in [p.whole, *p.asks]:
                ask.rest = ask.rest.replace(short, " ")
    return rest


def _read_references(p: Plan, rest: str, v: Vocabulary, state, records: list[Declaration]) -> None:
    """What the question points back to beyond "它": the project just ranked, a comparison among
    the projects just named, the organisation's or the contact's other projects."""
    # "预算最低的是谁负责" right after "哪个最贵" ranks the other way round: a new ranking, not the referent
    turned = state is not None and state.op in ("max", "min") and state.op != p.op
    # "里面金额最小的那个涉及多少人" after a list: ranked among the listed projects, then asked of the one found
    listed = state is not None and state.op not in ("max", "min") and len(state.codes) > 1
    if p.op in ("max", "min") and not turned and not listed and re.search(v.superlative_referent_pattern, rest) and any(
        set(a.fields) - {"amount_yuan"} or a.indicator_level2 or a.measure_units for a in p.asks
    ):
        if _is_the_extreme(p.op, state, records) and not p.back_to:
            p.op, p.top_n, p.referent = None, None, True  # "那个最小的联系人是谁": a value of the project just ranked
        else:
            p.back_to = True  # "预算最高那项的联系人呢" after another one: ranked again over the last list
    if not p.has_target and re.search(v.difference_pattern, rest) and _recent_projects(state) == 2:
        p.op, p.compares = "diff", True  # "它俩差了多少": the two projects just talked about
    if len(p.names) == 1 and p.referent and re.search(v.difference_pattern, rest) and state is not None and (
            len(state.codes) == 1 and state.codes[0] != p.names[0].record.code):
        p.op = "diff"  # "某某经费比它少多少": the project named against the one talked about
    _read_named_comparison(p, rest, v, state)
    if p.op in (None, "max", "min") and not p.top_n and not p.referent and state_has_several(state):
        # "哪个资助的人数多" after two projects: a comparison among them, by whatever is asked
        compared = next((op for op, pattern in v.comparison_patterns.items() if re.search(pattern, rest)), None)
        # …but a superlative the question says ("最多") is not turned round by a later "多少"
        p.op, p.compares = p.op or compared, compared is not None
    p.other_one = re.search(v.other_one_pattern, rest) is not None
    p.same_contact = re.search(v.same_contact_pattern, rest) is not None
    if p.ordinal and p.op == "count":
        p.op = None  # "第一个里面有几个人": a number on the form picked, not a count of projects
    if p.op == "count" and not p.has_target and _inside_the_one_project(rest, state, v):
        p.op, p.referent = None, True  # "里面应付工程款的有几个" after one project: a number on its form
    if m := re.search(v.listed_count_pattern, rest):
        p.listed_count = 2 if m.group(2) else int(cn_number(next(g for g in m.groups() if g)))
        p.listed_followup = p.scope_followup = True  # "三个合计是多少": the projects just talked about


def _is_the_extreme(op: str, state, records: list[Declaration]) -> bool:
    """Is the project talked about the largest (or smallest) of the last list of several projects?"""
    pool = (state.scope if len(state.scope) > 1 else state.last_list) if state is not None else []
    amounts = {r.code: r.amount_yuan or 0.0 for r in records if r.code in pool}
    if len(state.codes if state else []) != 1 or not amounts:
        return True
    extreme = (max if op == "max" else min)(amounts.values())
    return amounts.get(state.codes[0]) == extreme


def _read_named_comparison(p: Plan, rest: str, v: Vocabulary, state) -> None:
    """"甲比乙多多少", "甲和乙哪个钱多", "某某那个跟它比哪个贵": the projects the question names (with
    the one talked about, when it points back to it) set against each other."""
    named = set(p.codes) | {m.record.code for m in p.names}
    one_talked_about = state is not None and len(state.codes) == 1
    # "社区矫正那个比它少多少": a description set against the project talked about, in so many words
    described = not named and one_talked_about and bool(p.description) and re.search(v.against_pattern, rest) is not None
    if (p.referent or described) and one_talked_about:
        named.add(state.codes[0])
    if (len(named) < 2 and not described) or p.top_n or p.op not in (None, "diff", "max", "min"):
        return
    if (len(named) == 2 or described) and re.search(v.difference_pattern, rest):
        p.op, p.compares = "diff", True
    elif compared := (None if described else p.op) or next(
            (op for op, pattern in v.comparison_patterns.items() if re.search(pattern, rest)), None):
        p.op, p.compares = compared, True
    if described and p.compares:
        p.against_referent = True
        p.description = re.sub(v.compared_with_pattern, "", p.description)


def _recent_projects(state) -> int:
    if state is None:
        return 0
    return max(len(state.recent), len(state.scope) if state.op == "compare" else 0)


def state_has_several(state) -> bool:
    return state is not None and max(len(state.codes), len(state.scope)) > 1


def _one_projects_total(p: Plan, v: Vocabulary) -> None:
    """"某某经费总共多少？其中…", "那笔经费一共是多少": one project's amount, not a sum over several."""
    one = len({m.record.code for m in p.names} | set(p.codes)) == 1 or bool(p.description)
    if not one or p.op not in ("sum", None):
        return
    p.op = None
    for ask in p.asks:
        plain_total = re.search(r"(?:一共|总共|合计|共计|总计|加起来)\s*(?:是|有|要|需要|报了?|申请了?)?\s*多少\W*$", ask.rest)
        if not (ask.fields or ask.units or ask.money) and plain_total:  # not "墙一共砌多长"
            ask.fields.append("amount_yuan")


def _read_name_words(p: Plan, squashed: str, v: Vocabulary) -> str:
    """Read first: "名称里带“业务工作经费”" names words of names, not the project of that name."""
    if m := re.search(v.name_contains_pattern, squashed):
        p.name_contains = m.group("word").strip()
        squashed = squashed[: m.start()] + _MASK * (m.end() - m.start()) + squashed[m.end():]
    return squashed


def _own_scope(p: Plan, records: list[Declaration], state) -> bool:
    """"实施单位是某学校，这个项目叫什么": a scope of its own, which the project talked about is not in."""
    if state is None or not state.codes or not p.has_filters:
        return False
    return not any(p.filters.accepts(r) for r in records if r.code in state.codes)


def _amount_fits_no_project(f: Filters, records: list[Declaration]) -> bool:
    amount_set = any(x is not None for x in (f.min_amount, f.max_amount, f.amount))
    return amount_set and not f.apply(records)


def _absurd(f: Filters) -> bool:
    limit = thresholds().max_amount_yuan
    values = [x for x in (f.min_amount, f.max_amount, f.amount) if x is not None]
    return any(not math.isfinite(x) or x > limit for x in values)


def read_ask(words: str, text: str, v: Vocabulary) -> Ask:
    """What one part of a question asks: fields, an indicator group, units, money, which value."""
    spans = general_tokenizer().spans(words)
    ask = Ask(rest=words, text=text)
    ask.fields = _match_fields(words, v.fields, spans, v.field_patterns)
    ask.quantity = not ask.fields and _find_any(words, v.quantity_words) is not None
    ask.units, ask.money, ask.measured = _units(words, v, spans)
    ask.measure_units = ask.units[: _measure_count(words, v)]
    for noun, units in v.noun_units.items():
        if noun in words and units not in ask.measure_units:
            ask.measure_units.append(units)
            ask.units.append(units)
            ask.money = ask.money and "元" in units  # "比例里市级占多少": a share, not money
    for level2, hint_words in v.indicator_hints.items():
        if _find_any(words, hint_words):
            ask.indicator_level2 = level2
            break
    longterm = _find_any(words, v.longterm_words) is not None
    annual = _find_any(words, v.annual_words) is not None
    if longterm and (annual or _find_any(words, v.both_words)):
        ask.value = "both"
    elif longterm:
        ask.value = "longterm"
    if re.search(v.until_year_pattern, words):
        # "到2025年一共要拨多少": the long-term goal the form sets to that year, not this year's amount
        ask.value = "longterm" if ask.value == "annual" else ask.value
        if ask.fields in ([], ["amount_yuan"]) and not ask.indicator_level2:
            ask.fields = ["goals"]
    return ask


_PART_MARK = "\x00"  # marks an item split off before 各/分别: it names a piece of the project


def _arabic_amounts(text: str, v: Vocabulary) -> str:
    """"报了四十万的那个", "正好十万块", "每人30块钱": money said in Chinese numerals or in 块 is
    read like "40万", "30元", so the amount filters and the grounding see one spelling. "加一块"
    (add up) is no money."""
    def arabic(m: re.Match) -> str:
        value = chinese_number(m.group("number"))
        if value is None or (m.group("unit") == "块" and m.group("number") == "一"):
            return m.group(0)
        return f"{value:g}{m.group('unit')}"
    # "500万（含）以上": the bound is inclusive whichever way it is written
    text = re.sub(v.chinese_amount_pattern, arabic, re.sub(v.inclusive_mark_pattern, "", text))
    return re.sub(v.spoken_yuan_pattern, r"\g<number>元", text)  # "30 块" is what the forms print as 30 元


def _spaced_clauses(text: str, v: Vocabulary) -> str:
    """Chat input parts its questions with a space as often as with a comma ("经费多少 电话多少"):
    a space between two stretches that each ask something is a clause break. A space after a name
    ("某某经费 派了几个人") parts nothing."""
    pieces = re.split(r"(?<=[\u4e00-\u9fff\d)）]) (?=[\u4e00-\u9fff])", text)
    if len(pieces) < 2:
        return text
    out = pieces[0]
    for before, piece in zip(pieces, pieces[1:]):
        asks_both = re.search(v.spaced_question_pattern, before) and re.search(v.spaced_question_pattern, piece)
        out += ("，" if asks_both else " ") + piece
    return out


def _split_asks(rest: str, text: str, v: Vocabulary) -> list[Ask]:
    """A multi-part question's asks, each in its own words: "办几期、每期几天、每期多少人",
    "A 和 B 各要多少钱". One part (or none that asks anything) leaves the whole question."""
    clauses: list[str] = []
    for clause in (c for c in _part_clauses(rest) if c and c.strip()):
        head = re.split(r"各|分别", clause)[0]
        if clauses and head != clause and not re.search(r"和|与|及|跟|、", head):
            clauses[-1] += clause  # "城区的和农村的，预算各是多少": the items stand in the clause before
        else:
            clauses.append(clause)
    parts: list[str] = []
    for clause in clauses:
        pieces = _distribute(clause, v)
        if len(pieces) == 1:  # "联系人、电话": items not shared out by 各/分别 are asks of their own
            # …but not a list in brackets, which says what one thing covers ("开销（劳务、水电等）")
            shielded = re.sub(r"\([^()]*\)", lambda m: m.group(0).replace("、", _PART_MARK), clause)
            pieces = [p.replace(_PART_MARK, "、") for p in re.split(v.item_separator, shielded) if p.strip()]
        for piece in pieces:
            for counted in _counts_in_a_row(piece):
                parts += _on_and(counted, text, v)
    asks = []
    for part in parts:
        ask = read_ask(part.lstrip(_PART_MARK), text, v)
        ask.part = part.startswith(_PART_MARK)
        asks.append(ask)
    for before, ask in zip(asks, asks[1:]):
        if not ask.asks_value and before.asks_value and re.search(r"呢\W*$", ask.rest):
            # "学费每生每学期多少？住宿费呢？": the same question, of another item of the form
            ask.fields, ask.indicator_level2, ask.quantity = list(before.fields), before.indicator_level2, before.quantity
            ask.units, ask.measure_units = list(before.units), list(before.measure_units)
            ask.money, ask.measured, ask.value, ask.part = before.money, before.measured, before.value, True
    for ask in asks[1:]:
        if not ask.asks_value and re.search(v.request_pattern, ask.rest):
            ask.quantity = True  # "…多少钱，再查一下联系人": the thing requested is asked
    if any(a.asks_value for a in asks):
        for ask in asks:  # "总额、咨询费、联系人": an item of the list that is money is asked as money
            if not ask.asks_value and re.fullmatch(v.money_item_pattern, ask.rest.strip()):
                ask.quantity, ask.money, ask.part = True, True, True
    if len(asks) > 1:
        for ask in asks:
            if not ask.asks_value and re.search(r"呢\W*$", ask.rest):
                ask.quantity, ask.part = True, True  # "某某奖补呢？涉及几家？": asked as the conversation asked before
    for before, ask in zip(asks, asks[1:]):
        plain = not (ask.fields or ask.units or ask.money)
        # "总共多少" asks the money before _one_projects_total says so
        total = _find_any(before.rest, v.totalizers) is not None and not (before.fields or before.measure_units) and "几" not in ask.rest
        if plain and re.search(v.carried_money_pattern, ask.rest.strip()) and (before.money or "amount_yuan" in before.fields or total):
            ask.money = True  # "总共多少，其中大赛要多少", "…又是多少": a share of that money
    if any(a.part and a.money for a in asks):
        for ask in asks:  # "灯光、绿化各是多少": items shared out by 各 are asked in the same terms
            # …but not an item that names a count of its own ("班数、人数和人均成本分别多少")
            ask.money = ask.money or (ask.part and not re.search(v.count_item_pattern, ask.rest))
    asking = [a for a in asks if a.asks_value]
    if len(asking) < 2:
        return []
    return asking


def _part_clauses(rest: str) -> list[str]:
    """The question cut at its part separators — a separator word only where it stands as a word
    ("门票返还有多少" holds 还有 inside 返还, which asks one thing)."""
    bounds = {i for span in general_tokenizer().spans(rest) for i in span}
    clauses, start = [], 0
    for m in _patterns()["parts"].finditer(rest):
        if not re.match(r"\w", m.group(0)) or (m.start() in bounds and m.end() in bounds):
            clauses.append(rest[start : m.start()])
            start = m.end()
    return clauses + [rest[start:]]


def _counts_in_a_row(clause: str) -> list[str]:
    """"添几台空调几台电脑", "空调多少台电脑多少台": two counts asked with nothing between them."""
    found = list(_measure_pattern().finditer(clause))
    if len(found) < 2 or clause.startswith(_PART_MARK) or re.search(r"几\s*(?:月|日|号|点)", clause):
        return [clause]
    if len(re.sub(r"[\W\d的呢吗了]", "", clause[found[-1].end():])) >= 2:
        cuts = [m.start() for m in found[1:]]  # the thing counted follows its count: cut before each count
    else:
        cuts = [m.end() for m in found[:-1]]  # the thing counted comes first: cut after each count
    return [clause[a:b] for a, b in zip([0, *cuts], [*cuts, len(clause)])]


def _on_and(clause: str, text: str, v: Vocabulary) -> list[str]:
    """"建设面积和每平方米造价": two asks joined by 和, when each side asks something by itself."""
    if clause.startswith(_PART_MARK):
        return [clause]
    pieces = [p for p in re.split(r"和|以及|及", clause) if p.strip()]
    if len(pieces) > 1 and all(read_ask(p, text, v).asks_value for p in pieces):
        return pieces
    return [clause]


def _distribute(clause: str, v: Vocabulary) -> list[str]:
    """"灯光和绿化各花多少" → "灯光…花多少", "绿化…花多少" — unless the items are
    the two values of one indicator ("长期、年度各是多少")."""
    m = re.search(r"(各|分别)", clause)
    pair = re.search(rf"(?:和|与|跟|、)[^和与跟、]+?({v.pair_marker_pattern})", clause[: m.start()] if m else clause)
    if not m and not (pair and not _find_any(clause[pair.end(1):], v.totalizers)):
        return [clause]  # "A和B两个项目一共多少" sums, it does not share out
    head, tail = clause[: m.start()] if m else clause, clause[m.end():] if m else ""
    items = [i for i in re.split(r"和|与|及|跟|、", head) if i.strip()]
    if pair:  # "A和B这两个的电话各是多少": what follows the pair is asked of each
        paired = [i for i in re.split(r"和|与|及|跟|、", clause[: pair.start(1)]) if i.strip()]
        if len(paired) > 1 or not m:  # (a name already taken out leaves its side empty: as before)
            head, tail = clause[: pair.start(1)], clause[pair.end(1) : m.start() if m else len(clause)] + tail
            items = paired
    rates = "|".join(map(re.escape, sorted(v.rate_markers, key=len, reverse=True)))
    rate_words = "|".join(map(re.escape, v.rate_asking_words))  # "资助标准" is an item; "住宿费的标准" asks its rate
    if items and (shared := re.search(rf"(?:{rates}|的(?:{rate_words}))+$", items[-1])) and shared.start() > 0:
        # "报名费和考务费每人每科各多少", "…的标准各多少": the rate said after the last item is asked of every item
        items[-1], tail = items[-1][: shared.start()], shared.group(0) + tail
    value_words = sorted(v.longterm_words + v.annual_words + v.both_words, key=len, reverse=True)

    def only_value_words(item: str) -> bool:
        for w in value_words:
            item = item.replace(w, "")
        return len(re.sub(r"[\W的都]", "", item)) < 2

    # "长期、年度各是多少" asks two values of one thing; "住院人次和门诊人次年度各多少" two things
    if len(items) < 2 or any(only_value_words(i) for i in items):
        return [clause]
    return [_PART_MARK + item + tail for item in items]


def _read_description(p: Plan, v: Vocabulary) -> None:
    """"帮困难学生交学费的那个，每人多少": the project described, then what is asked of it."""
    p.which_project = any(re.search(pattern, p.rest) for pattern in v.which_project_patterns)
    if p.names or p.codes:
        return
    m = _patterns()["described"].match(p.rest)
    desc = m.group("desc").strip() if m else ""
    if "呢" not in p.rest:
        # "那引智那个项目…": a leading 那 opens the sentence ("and then"), it points at nothing — but
        # "那高中的那个呢" is the follow-up frame 那…呢, which picks among the projects talked about
        desc = re.sub(v.sentence_opener_pattern, "", desc)
    if m and _describes(desc, v):
        p.description = desc
        p.asked_of_description = m.group("ask")
        if more := re.match(v.described_tail_pattern, p.asked_of_description):
            # "质检所那个把劳务费都包在里面的大项目，总额多少": the description goes on after "那个"
            p.description += more.group("more")
            p.asked_of_description = more.group("ask")
    elif m := re.match(v.described_spend_pattern, p.rest):
        p.description = m.group("desc").strip()
        p.asked_of_description = "金额" + m.group("ask")  # the money for all of it: the project's amount


def _describes(desc: str, v: Vocabulary) -> bool:
    """"管廊那个", "给困难学生交学费的那个" describe a project; "刚才", "最大的", "第二个" point back."""
    pointing_back = re.search(v.superlative_referent_pattern, desc + "那个") or _patterns()["ordinal"].search(desc + "的那个") or (
        re.search(r"\d|号", desc)) or re.fullmatch(v.positional_pattern, desc + "那个")
    if pointing_back and len(desc) <= 4:
        return False  # "最大的那个", "第二个", "排第二的那个", "2号那个", "后面那个" point back
    if len(desc) >= 4:
        return True
    pointing = v.referent_markers + v.recall_markers + v.followup_markers + [w for ws in v.operations.values() for w in ws]
    return len(desc) >= 2 and not _find_any(desc, pointing) and desc not in v.generic_words


def _read_ranking_beside(p: Plan, rest: str, v: Vocabulary) -> None:
    """A ranking asked beside a count, a total or a list: each is answered."""
    if p.op in ("sum", "count") and (ranked := next((o for o in ("max", "min") if _find_any(rest, v.operations[o])), None)):
        # "共有几项，里头哪个最贵", "总额多少？里头哪个最高": both are answered
        p.also_count = p.op == "count" or (p.op == "sum" and _in_other_clauses(rest, v.operations["sum"], v.operations[ranked]))
        p.op = ranked  # "预算总额最高的科室": a ranking of totals
    if p.op in ("max", "min") and _in_other_clauses(rest, v.operations["list"], v.operations[p.op]):
        p.also_list, p.also_count = True, False  # "都有哪些项目，其中哪个最贵": the list, then the one ranked


def _read_operation(p: Plan, rest: str, v: Vocabulary) -> None:
    for op, words in v.operations.items():
        if _find_any(rest, words):
            p.op = op
            break
    p.totals = p.op == "sum"
    _read_ranking_beside(p, rest, v)
    # "前两年" is a time, not a top-N
    top = _find_any(re.sub(r"(前[一二两三四五六七八九十\d]+)(?=[年月天日周期次季])", " ", rest), list(v.top_words))
    if top and p.op in ("max", "min", "list", None) and re.search(r"最|前\s*[一二两三四五六七八九十\d]", rest):
        p.top_n = v.top_words[top]
        p.op = "min" if p.op == "min" else "max"
    if m := re.search(v.sort_pattern, rest):
        p.sort = "asc" if m.group("asc") else "desc"  # "排个序" alone: largest first
        p.op = p.op if p.op in ("count", "sum") else "list"
    if p.op in ("max", "min") and _find_any(rest, v.operations["max" if p.op == "min" else "min"]):
        p.both_ends = True  # "金额最高和最低的各是哪个"
    if m := re.search(v.bottom_rank_pattern, rest):
        p.rank = p.top_n = int(cn_number(m.group("n")))  # "倒数第二的": the second smallest
        p.op = "min"
    elif m := re.search(v.rank_pattern, rest):
        p.rank = p.top_n = int(cn_number(m.group("n")))
        p.op = "max" if m.group("high") else "min"
    elif m := _patterns()["top"].search(rest):
        n = int(cn_number(m.group(1)))
        if 1 < n <= 20 and (p.op in ("max", "min", "list", None)):
            p.top_n, p.op = n, "min" if p.op == "min" else "max"
    # "哪个部门项目最多" groups; "哪个单位干的" / "哪个单位实施" asks one project's 实施单位
    if re.search(v.group_department_pattern, rest):
        p.group_by = "department"
    elif re.search(v.group_section_pattern, rest) and "科" in rest:
        p.group_by = "section"
    if p.group_by and (m := re.search(v.group_count_pattern, rest)):
        p.group_count, p.op = int(cn_number(m.group(1))), p.op or "count"
    p.indicator_count = any(re.search(pattern, rest) for pattern in v.indicator_count_patterns)
    if re.search("最晚|最迟|最早", rest):
        p.sort_by = "start_date" if "开始" in rest else "end_date"
    if p.op is None and not p.names and not p.codes and _find_any(rest, v.totalizers):
        # "民政局总共申请了多少", "业务类的一共几项": the words around 一共 vary, the intent does not
        if "amount_yuan" in p.whole.fields:
            p.op = "sum"
        elif re.search(r"(?:几|多少)(?:个|项|张|份)?(?:项目|申报表|表|[?？。!！\s]*$)", rest):
            p.op = "count"
    forms_counted = "表" in rest and re.search(r"(?:几|多少)(?:张|份)", rest)  # "没填的表有多少张"
    if p.op is None and (re.search(r"(?:几|多少)(?:个|项|张|份)(?:项目|申报表|表)", rest) or forms_counted):
        p.op = "count"
    counted = re.search(r"(?:几|多少)个?([^\W\d个钱])", rest)  # "…有几个，总共报了多少钱" still counts
    if p.op == "count" and counted and counted.group(1) not in "项张份表":
        p.op = None  # "培训班学员几个人": a number on one form, not a count of projects
    if p.op == "sum" and p.description and not _find_any(p.description, v.scope_markers + v.listed_markers):
        p.op = None  # "…的那个项目总共要多少": one project's amount, not a sum over several
    if p.op == "count" and p.description and not re.search(v.counted_projects_pattern, p.asked_of_description or "") and not (
            _find_any(p.description, v.scope_markers + v.listed_markers)):
        p.op = None  # "…的那个，里面的工程有几个": a count inside that one project, not of projects
    if p.op == "avg" and p.description and not _find_any(p.asked_of_description or "", v.operations["avg"]):
        p.op = None  # "分十年平均拨付的那个…": how the money is paid, not an average asked


def _read_item_rank(p: Plan, rest: str, v: Vocabulary, state) -> None:
    """"这里面哪部分开支最大", "预算明细里哪样最高": the items of one project ranked by their money — the
    project named, described, or the one talked about — not a ranking of projects."""
    m = re.search(v.item_rank_pattern, rest)
    if not m or p.top_n:
        return
    one = len({m_.record.code for m_ in p.names} | set(p.codes)) == 1 or bool(p.description) or (
        not p.names and not p.codes and state is not None and len(state.codes) == 1)
    # a scope ("城管那个平台项目…") may still narrow to one project: its handler then ranks the items
    p.item_rank = "min" if (m.group("dir") or m.group("dir2")) in ("少", "便宜", "小", "低") else "max"
    for ask in [p.whole, *p.asks]:
        ask.money = True  # "那某某那块呢" next asks the money of another item
    if one:
        p.op, p.also_count, p.also_list = None, False, False
        p.referent = p.referent or not (p.names or p.codes or p.description)


def _in_other_clauses(text: str, words: list[str], others: list[str]) -> bool:
    """Do the words and the other words stand in different clauses of the text?"""
    clauses = [c for c in re.split(r"[，,。？?；;！!]", text) if c.strip()]
    first = next((n for n, c in enumerate(clauses) if _find_any(c, words)), None)
    second = next((n for n, c in enumerate(clauses) if _find_any(c, others)), None)
    return first is not None and second is not None and first != second


def _read_conversation(p: Plan, rest: str, v: Vocabulary) -> None:
    p.back_to = re.search(v.back_to_pattern, p.rest) is not None
    p.description = re.sub(v.back_to_pattern, "", p.description)
    if p.description and not _find_any(p.description, v.recall_markers) and not p.back_to:
        # "皮肤病防治院那个项目由谁做": "那个项目" closes a description of a new project
        rest = p.asked_of_description
    positional = re.search(v.positional_pattern, rest)
    rest = re.sub(r"前[一二两三四五六七八九十\d]+", " ", rest)  # "前两个项目" ranks, it points back to nothing
    p.followup = _find_any(rest, v.followup_markers) is not None
    p.referent = _find_any(rest, v.referent_markers) is not None
    p.scope_followup = _find_any(rest, v.scope_markers) is not None
    p.listed_followup = _find_any(rest, v.listed_markers) is not None
    p.same_organisation = re.search(v.same_organisation_pattern, rest) is not None
    p.within_organisation = re.search(v.within_organisation_pattern, p.rest) is not None
    if m := _patterns()["ordinal"].search(rest):
        p.ordinal = int(cn_number(next(g for g in m.groups() if g)))
    elif positional:
        p.ordinal = 1 if positional.group("first") else -1  # "后面那个": the last of those just listed


def content_words(topic: str, tokenizer) -> list[str]:
    """The topic's words that must be found in a form for it to be the one meant."""
    v = vocabulary()
    ignore = set(v.generic_words) | set(v.corpus_words) | {w for ws in v.fields.values() for w in ws}
    ignore |= {w for ws in v.operations.values() for w in ws} | {w for ws in v.indicator_hints.values() for w in ws}
    ignore |= set(v.followup_markers) | set(v.rate_markers) | set(v.referent_markers) | set(v.scope_markers)
    # "申报经费最低的是哪项", "申请896万的": how a project asks for money is not what it is about
    ignore |= set(v.declaring_verbs)
    words = []
    for w in tokenizer.words(topic):
        if len(w) < 2 or w in ignore or re.fullmatch(r"[\d.]+|(?:几|多少).?|第[一二两三四五六七八九十百\d]+[个项名条次期批张份]?|每[个支家项所座处名位]", w):
            continue
        words.append(w)
    return words


# ---------------------------------------------------------------------------- the intent


def decide_intent(p: Plan, state=None) -> str:
    """The route: one name per kind of answer, decided from the plan alone (and whether the
    conversation has something to refer back to)."""
    has_state = state is not None and bool(state.codes or state.scope)
    if p.refusal:
        return "refuse"
    if has_state and p.other_one and state.codes and not p.has_target:
        return "followup_other"
    if has_state and p.same_contact and state.codes and not p.has_target:
        return "followup_same_contact"
    if p.has_target:
        return "indicator_count" if p.indicator_count else "lookup"
    if p.against_referent:
        return "described_lookup"
    if has_state and p.same_organisation and len(state.codes) == 1 and not p.names:
        return "followup_same_organisation"
    if has_state and p.back_to and p.op in ("max", "min") and len(state.last_list) > 1 and not p.has_filters:
        return "followup_aggregate"  # "回到预算最高的那项": ranked again over the last list
    if has_state and _follows_up(p, state):
        return "followup_aggregate" if p.op in _AGGREGATE_OPS or p.top_n or p.sort else "followup_lookup"
    if p.drafting:
        return "drafting"
    if "indicators" in p.fields and not p.indicator_count and not p.description and (p.op or "项目" in p.rest or re.match("有|哪", p.rest)):
        return "indicator_search"
    if p.group_by and (p.group_values or p.op in ("max", "min", "count", "sum") or re.search("各|每个", p.rest)):
        return "group"
    if p.which_project and not any(a.asks_value for a in p.asks) and not p.op:
        return "which_project"
    if p.has_filters and not p.op and (p.asks_value or p.content) and not re.search(r"项目\W*$", p.rest):
        return "lookup_in_scope"
    if p.op or p.has_filters:
        return "aggregate"
    if p.which_project and not any(a.asks_value for a in p.asks):
        return "which_project"
    if p.asks_value or p.description or p.indicator_count:
        return "described_lookup"
    return "described_or_search"


def _only_refines(p: Plan) -> bool:
    f = p.filters
    names_scope = any((f.section, f.department, f.project_type, f.category, f.blank)) or bool(
        f.name_contains and not p.scope_followup)
    return not names_scope and not _find_any(p.rest, vocabulary().corpus_words) and bool(
        _find_any(p.rest, vocabulary().refine_markers) or p.followup)


def _inside_the_one_project(rest: str, state, v: Vocabulary) -> bool:
    """Does the question open with "里面/其中" while the conversation is on one project alone?"""
    one = state is not None and len(state.codes) == 1 and len(state.scope) <= 1
    return one and rest.lstrip().startswith(tuple(v.inside_markers))


def _follows_up(p: Plan, state) -> bool:
    """Does the question lean on the conversation? A new scope or description of its own says no."""
    if p.own_scope:
        return False
    own_scope = p.has_filters or (p.content and not (p.referent or p.scope_followup or p.ordinal))
    if p.listed_followup and (state.codes or state.scope) and not p.has_filters and not p.names:
        return True  # "这两个哪个大": the projects just talked about, listed or asked one by one
    if p.compares:
        return True
    if p.op in _AGGREGATE_OPS or p.top_n or p.op == "list":
        if _find_any(p.rest, vocabulary().whole_corpus_markers) and not (p.scope_followup or p.listed_followup):
            return False  # "选编里全部项目一共多少": the whole library, whatever was just listed
        if p.has_filters:
            # "其中超过一百万的有几个" right after a list narrows that list, unless it names its own scope
            return bool(state.scope) and _only_refines(p) and not p.content
        # a listing follows up only when it orders what was listed ("按金额从小到大排一下")
        return bool(state.scope) and (p.scope_followup or p.followup or not own_scope) and (p.op != "list" or bool(p.sort))
    if p.referent or p.ordinal or p.scope_followup:
        return True
    if p.description and not _find_any(p.description, vocabulary().recall_markers) and not p.back_to:
        return False  # "皮肤病防治院那个项目由谁做": a new project, described
    if not p.asks_value and p.followup and state.asks:
        return not own_scope
    if len(state.codes) == 1 and not p.has_filters and not p.which_project:
        return True  # the project talked about first; the handler falls back to a description
    return p.asks_value and not own_scope


# ---------------------------------------------------------------------------- pieces


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


def _units(rest: str, v: Vocabulary, words: list[tuple[int, int]] = ()) -> tuple[list[list[str]], bool, bool]:
    """The units a value must carry ("多少吨" → 吨, "每天" → 日/天), whether money is asked, and
    whether a measure word was."""
    units: list[list[str]] = []
    for m in _asked_measures(rest):
        units.append(v.measure_words[m.group(1)])
    measured = bool(units)
    for marker, chars in v.rate_markers.items():
        if marker in rest and chars not in units:
            units.append(chars)
    # "房租" asks for money; "住房租赁" only holds the characters
    money = any(
        not _crosses(m.start(), m.end(), words) for w in v.money_words for m in re.finditer(re.escape(w), rest)
    ) or re.search(v.money_pattern, rest) is not None
    if measured and money:
        # "这笔钱按几名学员测算": money only names the subject; what is asked is counted in 名
        first = min(m.start() for m in _asked_measures(rest))
        asking_money = [w for w in v.money_words if w in rest and re.search("多少|几", w)]
        later_money = [w for w in v.money_words if w in rest[first:]] or re.search(v.money_pattern, rest[first:])
        money = bool(asking_money or later_money)
    return units, money, measured


@lru_cache(maxsize=1)
def _measure_pattern() -> re.Pattern:
    """"多少吨", "几台", "几个人": a measure word right after the asking word."""
    measures = "|".join(sorted(map(re.escape, vocabulary().measure_words), key=len, reverse=True))
    return re.compile(rf"(?:多少|几)\s*(?:万|千|百)?\s*(?:个(?=人|学生|老人|孩子|户))?\s*({measures})")


def _measure_count(rest: str, v: Vocabulary) -> int:
    return len(_asked_measures(rest))


def _asked_measures(rest: str) -> list[re.Match]:
    """"多少吨", "几台" asked — not "那几个人" pointing at people already talked about."""
    return [m for m in _measure_pattern().finditer(rest) if rest[max(0, m.start() - 1) : m.start()] not in ("那", "这")]


def _kinds_asked(rest: str, v: Vocabulary, op: str | None) -> list[str]:
    """"算一次性的还是经常性的", "属不属于一次性" ask for the type (or category); they do not filter by it."""
    asked = []
    for key, mapping in (("project_type", v.project_types), ("category", v.categories)):
        words = [w for w in mapping if w in rest]
        if len({mapping[w] for w in words}) >= 2 or (words and not op and re.search("吗|还是|是不是|是否", rest)):
            asked.append(key)
    return asked


def topic_of(rest: str, filters: Filters | None = None) -> str:
    """The question's topic: what is left once the asking words and the filters are taken out."""
    v, filters = vocabulary(), filters or Filters()
    pats = _patterns()
    for name in ("between", "more", "less", "more_after", "less_after", "exact", "exactly", "end_from", "start_before", "end_after",
                 "end_before", "end_date", "end_in", "start_in", "ordinal", "top"):
        rest = pats[name].sub(" ", rest)
    asking = [v.sort_pattern, v.bottom_rank_pattern, v.request_pattern, v.more_or_less_pattern, v.against_pattern, v.back_to_pattern]
    for pattern in v.blank_patterns + v.indicator_count_patterns + asking:
        rest = re.sub(pattern, " ", rest)
    words = [w for ws in v.fields.values() for w in ws]
    words += list(v.top_words) + list(v.project_types) + list(v.categories)
    words += list(v.department_aliases) + list(v.section_aliases)
    words += [value for value in (filters.section, filters.department, filters.project_type, filters.category,
                                  filters.contact) if value]
    if filters.department:
        words.append(filters.department.removeprefix("聊城市"))
        words += _department_spellings(filters.department)
    words += [w for ws in v.operations.values() for w in ws]
    words += [w for ws in v.indicator_hints.values() for w in ws]
    words += list(v.followup_markers) + list(v.drafting_markers) + list(v.quantity_words) + list(v.rate_markers)
    words += v.referent_markers + v.scope_markers + v.longterm_words + v.annual_words + v.corpus_words
    topic = rest
    # longest first, then in a fixed order: a set's order changes from process to process
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        if len(word) >= 2:
            topic = topic.replace(word, " ")
    return re.sub(r"\s+", " ", topic).strip()


def _refusal(rest: str, squashed: str, records: list[Declaration], v: Vocabulary, p: Plan,
             talked_about: list[Declaration] = ()) -> str | None:
    unsupported = [re.escape(w) for w in v.unsupported_fields] + v.unsupported_patterns
    for pattern in unsupported:
        if m := re.search(pattern, rest):
            return f"申报表只记录预算金额和绩效目标，没有“{m.group(0)}”这类执行或评价信息，语料中无法回答。"
    for pattern in v.opinion_patterns:
        if m := re.search(pattern, rest):
            return f"“{m.group(0)}”是评价或看法，申报表只记录申报的预算和绩效目标，语料不能回答，也不作评判。"
    for pattern in v.role_patterns:
        if m := re.search(pattern, rest):
            return f"申报表只记录项目联系人，没有“{m.group(0)}”这类人员信息，语料中无法回答。"
    for word in v.unsupported_requests:
        if word in rest:
            return "这个问题与项目支出绩效目标申报表无关，语料中没有可以回答它的内容。"
    return _other_year(rest, records, v, p, talked_about) or _other_year_in_name(squashed, records, p) or _other_city(rest, records, v)


def _other_year_in_name(squashed: str, records: list[Declaration], p: Plan) -> str | None:
    """"2022年某某人才配套资金" matched to the form named "2020年某某人才配套资金": another year's form."""
    years = _corpus_years(records)
    for m in p.names:
        for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", squashed[m.span[0] : m.span[1]]):
            if int(y) not in years and y not in squash(m.record.name):
                return _no_such_year(records, f" {y} 年")
    return None


def _no_such_year(records: list[Declaration], year: str) -> str:
    have = "、".join(str(y) for y in _corpus_years(records)) or "未知"
    return f"语料只包含{_corpus_city(records)} {have} 年度的申报表，没有{year}的数据。"


def _budget_year(rest: str, records: list[Declaration]) -> int | None:
    """"2022年度有几个项目": one of the library's budget years, when it holds more than one (a year
    bound on the forms' own dates, "2022年结束", is not one)."""
    years = _corpus_years(records)
    if len(years) < 2:
        return None
    for m in re.finditer(r"(?<!\d)(20\d\d)\s*年(?:度)?(?!\s*\d{1,2}\s*月)(?!以[后前]|之[后前]|底|末|前|后|才|就|结束|开始)", rest):
        if int(m.group(1)) in years:
            return int(m.group(1))
    return None


def _corpus_years(records: list[Declaration]) -> list[int]:
    return sorted({r.year for r in records if r.year})


def _other_year(rest: str, records: list[Declaration], v: Vocabulary, p: Plan,
                talked_about: list[Declaration] = ()) -> str | None:
    """Questions about a year the library has no forms for; a date bound on the forms' own dates
    ("结束时间晚于2022年", "截至某年某月某日") or a year inside a described text is not one."""
    years = _corpus_years(records)
    # a named project is data asked about ("<another year>年<name>是多少")
    asks_data = p.whole.asks_value or p.op or p.names or _find_any(rest, ["申报表", "申报", "项目"])
    pats = _patterns()
    bounds = [b.span() for name in ("end_from", "end_after", "end_before", "end_in", "end_date", "start_in", "start_before")
              for b in pats[name].finditer(rest)]
    for m in pats["year"].finditer(rest):
        year = int(m.group(1))
        if any(a <= m.start() < b for a, b in bounds):
            continue  # "结束日期落在2022年的": a bound on the forms' own dates
        tail = rest[m.end() : m.end() + 8]
        if year in years or re.match(r"(以后|之后|后|以前|之前|前|底|末)?\s*(才|就)?\s*(结束|开始)|\d{1,2}月", tail):
            continue
        if not tail.startswith(("度", "的")) and (_form_wording(records, f"{year}年{tail[:3]}")
                                                 or _year_told_of(records, year, tail)):
            continue  # "<year>年某类配套几人": the form's own words about that year
        if pats["bound_before_year"].search(rest[: m.start()]) or _year_of_named_project(records, year, rest):
            continue
        if any(str(year) in squash(r.name) for r in talked_about):
            continue  # the project talked about carries that year in its name: its own cohort, not another year's forms
        if re.search(v.history_year_before, rest[: m.start()]) or re.search(v.history_year_after, rest[m.end() - 1 :].lstrip("年")):
            continue  # "从2017年起不再收费", "补发2019—2020年的补贴": what a 2021 form tells about earlier years
        if tail.startswith(("度", "的")) or asks_data:
            return _no_such_year(records, f" {year} 年")
    # a year, not an amount ("那2000万明年还给吗")
    named_year = re.search(r"(?<!\d)20\d{2}(?!\d)(?!\s*(?:万|元|亿|千|人|个|台|套|件|平方|米|吨|户|名|次))", rest)
    # "以前年度签的合同", "去年没付完的钱今年付": debts a 2021 form pays, not another year's forms
    # "去年招标、今年验收的那个": the year describes the project asked about, it asks no other year
    if named_year is None and re.search("去年|(?<!以)前年|明年", rest) and not re.search(
        "(?:去年|以前年度|往年)[^，。？?]{0,8}(?:尾款|欠款|未付|应付|没付|结清|合同|兑现|拖欠|补发|该付)", rest
    ) and not re.search(v.year_describing_pattern, rest) and not _relative_year_told_of(rest, records, years):
        return _no_such_year(records, "其他年度")
    return None


def _relative_year_told_of(rest: str, records: list[Declaration], years: list[int]) -> bool:
    """"去年高企补助那些奖补…": last year's things a form of the library tells of in its own words."""
    spellings = sorted(_departments(records), key=len, reverse=True)
    for m in re.finditer("去年|(?<!以)前年", rest):
        year = max(years, default=0) - (1 if m.group(0) == "去年" else 2)
        tail = rest[m.end() :]
        for spelling in spellings:  # "去年市场监管局报了多少": a bureau's forms of that year, not a thing told of
            tail = tail.replace(spelling, " ")
        if _year_told_of(records, year, tail.lstrip()[:8]):
            return True
    return False


_TEXTS: dict = {"records": None, "texts": []}


def _year_of_named_project(records: list[Declaration], year: int, rest: str) -> bool:
    """Is the year part of the name of a project the question names ("<year>年某某人才配套资金"
    is a form of this library)? Six characters of the name besides the year must be in the question,
    or the words right after the year must be the name's own ("<year>年余款")."""
    asked = squash(rest)
    after = re.search(rf"{year}年?度?的?([\u4e00-\u9fff]{{2,4}})", asked)
    generic = set(vocabulary().generic_words)
    for r in records:
        name = squash(r.name)
        if str(year) not in name:
            continue
        others = re.sub(rf"{year}年?度?", "|", name)
        if any(part[i : i + 6] in asked for part in others.split("|") for i in range(len(part) - 5)):
            return True
        own = others.split("|", 1)[1] if "|" in others else ""
        if after and any(after.group(1)[i : i + 2] in own and after.group(1)[i : i + 2] not in generic
                         for i in range(len(after.group(1)) - 1)):
            return True
    return False


def _year_told_of(records: list[Declaration], year: int, tail: str) -> bool:
    """Does a form tell of that year the very thing asked ("<year>年初级考生多少人" where a form
    writes "<year>年初级报名人数…")? A word of the question right after the year, other than an
    asking or generic word, within a few characters of the year in one clause of a form."""
    _form_wording(records, "")  # fills the cache
    v = vocabulary()
    asking = [w for words in v.fields.values() for w in words] + v.money_words + v.declared_amount_words
    generic = set(v.generic_words) | {w[i : i + 2] for w in asking for i in range(len(w) - 1)}
    cjk = re.sub(r"[^\u4e00-\u9fff]", "", tail)[:6]
    pairs = {cjk[i : i + 2] for i in range(len(cjk) - 1)}
    names = "|".join(squash(r.name) for r in records)  # a name's words after the year ask for that year's form
    pairs = {w for w in pairs if w not in generic and w not in names and not any(ch in v.year_asking_chars for ch in w)}
    return any(re.search(rf"{year}年[^，。；;]{{0,4}}?{w}", text) for w in pairs for text in _TEXTS["texts"])


def _form_wording(records: list[Declaration], phrase: str) -> bool:
    """Is the phrase printed in some form? (Texts cached for the last record list seen.)"""
    if _TEXTS["records"] is not records:
        _TEXTS.update(records=records, texts=[squash(r.model_dump_json(exclude={"source", "warnings"})) for r in records])
    return len(phrase) >= 7 and any(phrase in text for text in _TEXTS["texts"])


def _corpus_city(records: list[Declaration]) -> str:
    """The city the library is about, from the departments' own names (聊城市…)."""
    counts: dict[str, int] = {}
    for r in records:
        if m := re.match(r"(?:山东省)?(\w{2,3}市)", r.department):
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return max(counts, key=counts.get) if counts else "本地"


def _other_city(rest: str, records: list[Declaration], v: Vocabulary) -> str | None:
    city = _corpus_city(records)
    for other in v.other_cities:
        if other in rest and not _find_any(rest, [a for a in v.department_aliases if other in a]):
            if f"{other}市" in rest or not any(other in r.department or other in r.unit or other in r.name for r in records):
                return f"语料只包含{city}的申报表，没有{other}的数据。"
    return None


def _filters(rest: str, records: list[Declaration], v: Vocabulary, asked_kinds: list[str] = ()) -> Filters:
    f = Filters()
    sections = {r.section for r in records if r.section}
    for s in sorted(sections, key=lambda w: (-len(w), w)):
        if s in rest:
            f.section = s
            break
    else:
        alias = _find_any(rest, list(v.section_aliases))
        if alias:
            f.section = v.section_aliases[alias]
    departments = _departments(records)
    # "帮市委市政府审合同": the city's leadership in general, not the 市委 system's projects
    hit = _find_first_longest(re.sub("|".join(map(re.escape, v.no_department_phrases)), " ", rest), list(departments))
    if hit:
        f.department = departments[hit]
        if bare(f.department) + "本级" in rest and any(r.unit.endswith(bare(f.department) + "本级") for r in records):
            f.department = bare(f.department) + "本级"  # "司法局本级": the bureau's own unit, not its offices
    # "一次性项目", "经常性的"; not "一次性采血袋" or "一次性补偿金"
    word = _find_any(rest, list(v.project_types))
    if word and "project_type" not in asked_kinds and re.search(re.escape(word) + r"(?:项目|的|支出|类|$)", rest):
        f.project_type = v.project_types[word]
    word = _find_any(rest, list(v.categories))
    if word and "category" not in asked_kinds and re.search(re.escape(word) + r"(?:项目|的|支出|$)", rest):
        f.category = v.categories[word]
    _amount_filters(rest, f)
    _date_filters(rest, f)
    f.contact = _contact_named(rest, records, v)
    if _find_any(rest, v.blank_patterns):
        fields_named = _match_fields(rest, {k: v.fields[k] for k in ("category", "project_type", "contact", "phone")})
        if fields_named:
            f.blank = fields_named[0]
    return f


def _contact_named(rest: str, records: list[Declaration], v: Vocabulary) -> str | None:
    """"张三负责的项目": a person printed as 项目联系人. A two-character name counts only beside a word
    for the contact, since two characters are easily part of another word."""
    people = {p for r in records for p in re.split(r"[、，,；;\s]+", r.contact) if len(p) >= 2}
    named = [p for p in sorted(people, key=lambda w: (-len(w), w)) if p in rest]
    if not named:
        return None
    if len(named[0]) >= 3 or _find_any(rest, v.fields["contact"] + v.contact_roles):
        return named[0]
    return None


def _abbreviated_scope(f: Filters, rest: str, records: list[Declaration]) -> str | None:
    """"交巡警支队的项目": a short name, derived from the records' departments and units, scopes the
    question like a department's own name would; "民政局福彩中心": a unit written right after the
    bureau named narrows the bureau. Returns the short name as written."""
    after = _after_department(rest, f.department, records) if f.department else rest
    if after is None:
        return None
    found = find_abbreviated(after, sorted({r.department for r in records} | {r.unit for r in records}))
    if not found:
        return None
    short, meant = found
    scopes = {tuple(r.code for r in Filters(department=bare(n)).apply(records)) for n in meant}
    if len(scopes) != 1:
        return None  # two organisations fit: the question stays unscoped rather than guess
    if f.department and not (after.startswith(short) and set(next(iter(scopes))) < set(
            r.code for r in Filters(department=f.department).apply(records))):
        return None  # units listed as what the bureau includes ("含仲裁委、…") do not narrow it
    departments = [n for n in meant if any(r.department == n for r in records)]
    f.department = departments[0] if departments else bare(meant[0])
    return short


def _after_department(rest: str, department: str, records: list[Declaration]) -> str | None:
    """The question after the bureau's name and the words that may lead to one of its units
    ("民政局下面的…"); None when the bureau is not written out."""
    spelled = [w for w, d in _departments(records).items() if d == department and w in rest]
    if not spelled:
        return None
    end = max(rest.find(w) + len(w) for w in spelled)
    lead = re.match(vocabulary().unit_after_department_pattern, rest[end:])
    return rest[end + (lead.end() if lead else 0):]


def _several_groups(p: Plan, rest: str, records: list[Declaration], v: Vocabulary) -> None:
    """"教科文科和社保科分别有多少项目": two or more named scopes of one kind are compared, not one."""
    sections = {r.section for r in records if r.section} | set(v.section_aliases)
    named = _all_named(rest, sections)
    found = {v.section_aliases.get(s, s) for s in named}
    key = "section"
    if len(found) < 2:
        departments = _departments(records)
        named = _all_named(rest, list(departments))
        found = {departments[d] for d in named}
        key = "department"
        # "某某局开发利用科": an office inside the bureau narrows it, it is not a second group
        held = {d: {r.code for r in Filters(department=d).apply(records)} for d in found}

        def inside_another(d: str) -> bool:
            return any(o != d and (held[d] < held[o] or (held[d] == held[o] and d > o)) for o in found)

        found = {d for d in found if not inside_another(d)}
    if len(found) >= 2 and _joined_names(rest, named, v):
        p.group_by, p.group_values = key, sorted(found)
        setattr(p.filters, key, None)
        p.op = p.op if p.op in ("sum", "count", "max", "min") else ("sum" if "amount_yuan" in p.whole.fields else "count")


def _joined_names(rest: str, named: list[str], v: Vocabulary) -> bool:
    """Are the scopes named one after another, joined ("民政局和残联")? Not a scope the question
    mentions in passing ("司法局给市委…付费的那个")."""
    spans = sorted((rest.find(n), rest.find(n) + len(n)) for n in named)
    return all(re.fullmatch(f"的?(?:{v.name_joiner_pattern})", rest[a_end:b_start]) for (_, a_end), (b_start, _) in zip(spans, spans[1:]))


def _all_named(rest: str, names) -> list[str]:
    """Names found in the question, longest first, none inside another found one."""
    taken: list[tuple[int, int]] = []
    found = []
    for name in sorted(names, key=lambda w: (-len(w), w)):
        at = rest.find(name)
        if at >= 0 and not any(a <= at < b for a, b in taken):
            taken.append((at, at + len(name)))
            found.append(name)
    return found


def _amount_filters(rest: str, f: Filters) -> None:
    pats = _patterns()
    if m := pats["between"].search(rest):
        f.min_amount = _yuan(m.group(1), m.group(2) or m.group(4))
        f.max_amount = _yuan(m.group(3), m.group(4))
        return
    for name, bound in (("more", "min"), ("more_after", "min"), ("less", "max"), ("less_after", "max")):
        if m := pats[name].search(rest):
            # "超过/不到" exclude the bound; "以上/以下/不超过" include it
            strict = name in ("more", "less") and not pats["inclusive"].search(m.group(0))
            setattr(f, f"{bound}_amount", _yuan(m.group(1), m.group(2)))
            setattr(f, f"{bound}_strict", strict)
    if f.min_amount is None and f.max_amount is None:
        m = pats["exactly"].search(rest) or pats["exact"].search(rest)
        if m:  # "科技局那个8000万的项目", "正好10万元": an amount named as it is printed
            f.amount = _yuan(m.group(1), m.group(2))


def _date_filters(rest: str, f: Filters) -> None:
    pats = _patterns()
    if m := pats["end_from"].search(rest):  # "延续到2022年或以后": ends in that year or later
        f.end_after = f"{int(next(g for g in m.groups() if g)) - 1}-12-31"
    elif m := pats["end_date"].search(rest):
        f.end_on = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    elif m := pats["end_after"].search(rest):
        f.end_after = f"{next(g for g in m.groups() if g)}-12-31"
    elif m := pats["end_before"].search(rest):
        f.end_before = f"{next(g for g in m.groups() if g)}-01-01"
    elif m := pats["end_in"].search(rest):
        f.end_year = next(g for g in m.groups() if g)
    if m := pats["start_before"].search(rest):  # "2019年或更早" includes 2019; "2020年以前", "早于2020年" do not
        f.start_before = f"{int(m.group(1)) + 1}-01-01" if m.group(1) else f"{m.group(2) or m.group(3)}-01-01"
    elif m := pats["start_in"].search(rest):
        f.start_year = m.group(1)
