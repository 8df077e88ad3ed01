"""The chat brain: answers from the parsed records, exact numbers, every claim cited.

Facts, lists, counts and totals are computed from the records, never generated. When the
corpus cannot support an answer, the answer says so and offers close matches separately.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import asdict, dataclass, field

from app.understand import (
    MAX_QUESTION_CHARS,
    Understanding,
    understand,
    vocabulary,
)
from corpus import Declaration, Indicator, format_amount
from corpus.labels import FIELD_NAMES_ZH
from corpus.text import squash
from index.filters import Filters

FIELD_LABELS = dict(FIELD_NAMES_ZH, dates="项目起止时间", goals="项目绩效目标", meta="标题与基本信息")
# Fields whose words are unambiguous; "多少钱" may also ask for a cost indicator.
_STRONG_FIELDS = {"contact", "phone", "department", "department_code", "unit", "code", "project_type", "category",
                  "section", "dates", "basis", "overview", "legal_basis", "feasibility", "goals", "schedule"}
# "聊城市体育馆改造工程的联系人": a phrase that reads as a project's name (not "给…的那个项目")
_CLAIMED_NAME = re.compile(r"^((?![给为把用对向帮买])[^的那这]{2,40}?(?:项目|工程|经费|资金|补贴|专项))(?:的|是|有|要|归|批|花|总|预算|金额|联系|电话|实施|编号)")
_LONG_TEXT = {"basis", "overview", "legal_basis", "feasibility", "goals"}


@dataclass
class Citation:
    code: str
    name: str
    field: str


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    kind: str
    citations: list[Citation] = field(default_factory=list)
    table: list[dict] = field(default_factory=list)  # rows for a compact table in the page
    suggestions: list[dict] = field(default_factory=list)  # "您是否要找" — never the answer

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "kind": self.kind,
            "citations": [asdict(c) for c in self.citations],
        }


@dataclass
class Conversation:
    """What follow-ups refer back to: the projects of the last answer and how they were chosen."""

    codes: list[str] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)


def cite(r: Declaration, field_name: str) -> str:
    return f"{r.name}｜{r.code}｜{FIELD_LABELS.get(field_name, field_name)}"


def _field_value(r: Declaration, name: str) -> str:
    if name == "amount_yuan":
        return format_amount(r.amount_yuan)
    if name == "dates":
        return f"{r.start_date} 至 {r.end_date}"
    if name == "goals":
        return f"中(长)期目标：{r.goal_longterm}\n年度目标：{r.goal_annual}"
    if name == "schedule":
        return "；".join(
            f"{s.content}（{s.start_date or '—'} 起，{format_amount(s.amount_yuan) if s.amount_yuan is not None else '—'}）"
            for s in r.schedule
        ) or "表中未填写"
    if name == "category":
        return r.category or "表中未填写"
    value = getattr(r, name)
    return str(value) if value not in (None, "") else "表中未填写"


_FUNCTION_CHARS = "多少几个是的了吗呢要有和与及在把被给那这哪啥么什"


def _unit_fit(ind: Indicator, u: Understanding) -> int:
    """How many of the asked units the indicator's value shows; money where another measure
    was asked (a cost row for "处理多少吨"), or none where money was asked, counts against it."""
    value = squash(ind.value_annual)
    shown = value + squash(ind.name)
    fit = sum(1 for chars in u.units if any(ch in shown for ch in chars))
    is_money = "元" in value
    if u.money:
        fit += 1 if is_money else -1
    elif is_money and u.measured:
        fit -= 1  # "处理多少吨" asks for tonnes; "一年多少" alone may be money
    return fit if re.search(r"\d", value) else 0


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1) if not any(ch.isspace() for ch in text[i : i + 2])}


def _overlap(text: str, name: str) -> tuple[int, int, set[int]]:
    """(longest common run, characters shared in runs of 2+, their positions in text)."""
    if not text or not name:
        return 0, 0, set()
    blocks = difflib.SequenceMatcher(None, text, name, autojunk=False).get_matching_blocks()
    runs = [b for b in blocks if b.size >= 2]
    positions = {i for b in runs for i in range(b.a, b.a + b.size)}
    return max((b.size for b in blocks), default=0), sum(b.size for b in runs), positions


class Answerer:
    def __init__(self, index, llm=None):
        self.index = index
        self.records: list[Declaration] = index.records
        self.by_code = {r.code: r for r in self.records}
        self.llm = llm
        self._texts = {r.code: squash(_record_text(r)) for r in self.records}
        v = vocabulary()
        self._ignore = set(v["generic_words"]) | {w for ws in v["fields"].values() for w in ws}
        self._ignore |= {w for ws in v["operations"].values() for w in ws} | {w for ws in v["indicator_hints"].values() for w in ws}
        self._ignore |= set(v["followup_markers"]) | set(v["rate_markers"])
        self._df_cache: dict[str, int] = {}
        self._field_words: dict[str, list[str]] = v["fields"]
        # two to four characters of its own before the kind of organisation, not across 市/的/和
        suffixes = "|".join(map(re.escape, v["entity_suffixes"]))
        self._entity = re.compile(rf"([^\s\W\d市省县区的和与及]{{2,4}}?)(?:{suffixes})")
        understand("预热", self.records)  # loads jieba's general dictionary now, not on the first question

    # ------------------------------------------------------------------ entry point

    def ask(self, question: str, state: Conversation | None = None) -> tuple[Answer, Conversation]:
        state = state or Conversation()
        text = (question or "").strip()
        if not text:
            return self._refuse(question, "问题为空。请输入想了解的内容，例如“计量业务专项经费的金额是多少？”"), state
        u = understand(text, self.records)
        answer, state = self._route(question, u, state)
        if len(text) > MAX_QUESTION_CHARS and not answer.refused:
            answer.answer = f"（问题较长，只依据前 {MAX_QUESTION_CHARS} 个字理解。）\n" + answer.answer
        if self.llm is not None and not answer.refused:
            answer = self.llm.rephrase(answer, [self.by_code[c.code] for c in answer.citations if c.code in self.by_code])
        return answer, state

    def _route(self, question: str, u: Understanding, state: Conversation) -> tuple[Answer, Conversation]:
        if u.refusal:
            return self._refuse(question, u.refusal, self._suggest(u)), state
        projects = [self.by_code[c] for c in u.codes] or [m.record for m in u.names]
        content = self._content_words(u)
        if not projects and u.followup and state.codes and not content and not u.has_filters:
            if u.op in ("max", "min", "count", "sum", "avg"):
                chosen = [self.by_code[c] for c in state.codes]
                return self._aggregate(question, u, chosen, state.filters)
            projects = [self.by_code[c] for c in state.codes]
        if projects:
            answer = self._about_projects(question, u, projects)
            return answer, Conversation([r.code for r in projects])
        if u.drafting:
            return self._drafting(question, u), state
        # "有标准宗地数量指标的", "哪些项目设了…指标": projects by an indicator they carry
        if "indicators" in u.fields and (u.op or "项目" in u.rest or re.match("有|哪", u.rest)):
            found = self._indicator_search(question, u)
            if found is not None:
                return found
        grouped = u.op in ("max", "min", "count", "sum") or re.search("各|每个", u.rest)
        if u.group_by and grouped and not projects:
            return self._grouped(question, u, u.filters.apply(self.records)), state
        asks_value = bool(u.fields or u.indicator_level2 or u.quantity)
        if u.has_filters and not u.op and asks_value:
            scoped = u.filters.apply(self.records)
            if 0 < len(scoped) <= 3 and not content:
                # "消防支队项目的满意度指标": the filter names the project(s)
                return self._about_projects(question, u, scoped), Conversation([r.code for r in scoped])
            if scoped and content:
                # "北京办事处房租一年多少钱": the topic picks the project inside the filter's scope
                return self._identify_then_answer(question, u, content, scope=u.filters)
        if u.has_filters and not u.op and content and not re.search(r"项目\W*$", u.rest):
            # "政协党建经费对基层工作面貌的目标": a project inside the filter and one of its indicators
            if record := self._described_with_indicator(u, content, scope=u.filters):
                return self._about_projects(question, u, [record]), Conversation([record.code])
        if u.op or u.has_filters:
            chosen = u.filters.apply(self.records)
            if content and not u.has_filters:
                # "有哪些养老方面的项目": the scope is a topic, found by search, not the whole corpus
                chosen = self._topical(u, content)
                if not chosen:
                    return self._refuse(question, f"语料中没有与“{'、'.join(content)}”相关的项目。", self._suggest(u)), state
                counted = re.search(r"(?:几|多少)个?([^\W\d]{1,2})", u.rest)
                if len(chosen) == 1 and u.op == "count" and counted and not counted.group(1).startswith("项"):
                    # "行政处罚上网系统市直有几个部门在用": counts a thing on one form, not projects
                    return self._about_projects(question, u, chosen), Conversation([chosen[0].code])
                return self._aggregate(question, u, chosen, Filters(), topic="、".join(content))
            return self._aggregate(question, u, chosen, u.filters)
        if asks_value:
            return self._identify_then_answer(question, u, content)
        if content and (record := self._described_with_indicator(u, content)):
            # "档案馆裱糊档案的保存年限": no asking word, but a project and one of its indicators
            answer = self._about_projects(question, u, [record])
            answer.answer = f"（按描述匹配到的项目：{record.name}）\n" + answer.answer
            return answer, Conversation([record.code])
        return self._search(question, u, content), state

    # ------------------------------------------------------------------ single projects

    def _about_projects(self, question: str, u: Understanding, projects: list[Declaration]) -> Answer:
        if len(projects) == 1:
            r = projects[0]
            named = self._named_indicators(r, u)
            by_unit = self._unit_fitting(r, u) if u.units else []
            if set(u.fields) & _STRONG_FIELDS:
                fields = self._fields_outside_indicator_names(u, named)
                if set(fields) & _STRONG_FIELDS or not named:
                    return self._field_answer(question, projects, fields)
            asked = self._content_words(u)
            unexplained = asked and not u.fields and self._weighted_coverage(asked, r.code) < 0.5
            if unexplained and not named and not by_unit:
                # "采供血管理耗材的招标结果", "东昌湖维护费的拆迁补偿标准": the project is there, what is
                # asked about is not — its amount or cost row would be the nearest thing, not the answer
                missing = "、".join(w for w in asked if not self._covered(w, r.code))
                reason = f"{r.name}（{r.code}）的申报表中没有关于“{missing}”的内容，语料无法回答。"
                return self._refuse(question, reason, [{"code": r.code, "name": r.name}])
            indicators = self._matching_indicators(r, u, named, by_unit)
            if indicators:
                return self._indicator_answer(question, r, indicators)
            if u.fields:
                return self._field_answer(question, projects, u.fields)
            return self._project_card(question, r)
        fields = u.fields or ["amount_yuan"]
        return self._field_answer(question, projects, fields)

    def _fields_outside_indicator_names(self, u: Understanding, named: list[Indicator]) -> list[str]:
        """Fields whose asking words are not part of an indicator the question names:
        "上级主管部门满意度" asks for a satisfaction rate, not for the 主管部门."""
        names = [squash(i.name) for i in named]
        inside = {f for f in u.fields for w in self._field_words.get(f, []) if w in u.rest and any(w in n for n in names)}
        return [f for f in u.fields if f not in inside]

    def _named_indicators(self, r: Declaration, u: Understanding) -> list[Indicator]:
        """Indicators the question names in words of their own (not the project's)."""
        rest = re.sub(r"\d+", " ", u.rest)  # digits (项目 1 / 12319) do not name an indicator
        own_name = squash(r.name)
        # the name's words wherever they stand: "国企发展历程编纂" for "编纂聊城国企发展历程"
        by_name = _overlap(rest, own_name)[2] | {i + k for i in range(len(rest) - 1) if rest[i : i + 2] in own_name for k in (0, 1)}
        specific = []
        for ind in r.indicators:
            name = squash(ind.name)
            longest, shared, positions = _overlap(rest, name)
            # Only characters the project's own name does not explain ask for an indicator:
            # "电力管廊建设项目金额" describes the project; "每吨餐厨垃圾" asks for a cost.
            extra = len(positions - by_name)
            strong = (longest >= min(4, len(name)) and longest >= 3) or (shared >= 4 and shared * 2 >= len(name))
            if strong and extra >= 2:
                specific.append(((longest, shared), ind))
        if u.quantity or u.units:
            # "围墙建多少米": a row without a number ("推动") cannot answer how many
            specific = [(o, ind) for o, ind in specific if re.search(r"\d", ind.value_annual)]
        if not specific:
            return []
        best = max(o for o, _ in specific)
        return [ind for o, ind in specific if o == best]

    def _matching_indicators(
        self, r: Declaration, u: Understanding, named: list[Indicator], by_unit: list[Indicator]
    ) -> list[Indicator]:
        rest = re.sub(r"\d+", " ", u.rest)
        if named and (not by_unit or _unit_fit(named[0], u) >= _unit_fit(by_unit[0], u)):
            return named
        if by_unit:
            return by_unit
        if u.indicator_level2:
            group = [i for i in r.indicators if u.indicator_level2 in (i.level2, i.level1)]
            if group and not (set(u.fields) - {"indicators"} and u.indicator_level2 != "服务对象满意度指标"):
                return group
        if u.quantity:
            # "要维护多少档案": the counted thing shares words with the indicator but not with the
            # project's name; only when nothing else does, the name's own words count ("围墙建多少米"
            # for "围墙建设工程…": 围墙建设 = 403). Among equals, names that state a count come first.
            own_name = squash(r.name + r.unit)  # "儿童福利院围墙…": the unit describes the project too
            for own in (own_name, ""):
                asked = _pairs(rest) - _pairs(own)
                # single characters too: "印多少册" shares 印 and 册 with "印刷册数", no word
                asked_chars = set(rest) - set(own) - set(_FUNCTION_CHARS)
                scored = []
                for ind in r.indicators:
                    name = squash(ind.name)
                    shared = len(asked & _pairs(name))
                    chars = len(asked_chars & set(name))
                    if (shared or chars >= 2) and re.search(r"\d", ind.value_annual):
                        scored.append(((shared, chars, "数" in ind.name, ind.level2 == "数量指标"), ind))
                if scored:
                    best = max(k for k, _ in scored)
                    return [ind for k, ind in scored if k == best]
        if "indicators" in u.fields:
            return list(r.indicators)
        return []

    def _unit_fitting(self, r: Declaration, u: Understanding) -> list[Indicator]:
        """Indicators whose value carries the units asked ("每天处理多少吨" → "2.8万吨/ 日"), the one the
        question's words and numbers point to first ("90到99岁…每月多少钱" → "90-99 周岁": 每人每月 100 元)."""
        asked_numbers = set(re.findall(r"\d+", u.text))
        asked_chars = set(re.sub(r"[\d\s]", "", u.rest)) - set(_FUNCTION_CHARS)
        scored = []
        for ind in r.indicators:
            fit = _unit_fit(ind, u)
            if fit > 0:
                numbers = len(asked_numbers & set(re.findall(r"\d+", ind.name)))
                scored.append(((fit, numbers, len(asked_chars & set(squash(ind.name)))), ind))
        if not scored:
            return []
        best = max(k for k, _ in scored)
        return [ind for k, ind in scored if k == best]

    def _indicator_answer(self, question: str, r: Declaration, indicators: list[Indicator]) -> Answer:
        lines = [f"{r.name}（{r.code}）的绩效指标："]
        for i in indicators:
            value = i.value_annual or "表中未填写"
            lines.append(f"- {i.name}（{i.level1}-{i.level2 or '未分二级'}）：{value}")
        lines.append(f"来源：{cite(r, 'indicators')}")
        table = [{"一级指标": i.level1, "二级指标": i.level2, "三级指标": i.name, "指标值": i.value_annual} for i in indicators]
        return Answer(question, "\n".join(lines), False, "indicator", [Citation(r.code, r.name, "indicators")], table)

    def _field_answer(self, question: str, projects: list[Declaration], fields: list[str]) -> Answer:
        fields = [f for f in fields if f != "indicators"] or ["amount_yuan"]
        lines, citations, table = [], [], []
        for r in projects:
            head = f"{r.name}（{r.code}）"
            parts = []
            for f in fields:
                value = _field_value(r, f)
                parts.append(f"{FIELD_LABELS.get(f, f)}：{value}")
                citations.append(Citation(r.code, r.name, _citation_field(f)))
            if any(f in _LONG_TEXT for f in fields):
                lines.append(head + "\n" + "\n".join(parts))
            else:
                lines.append(head + "的" + "；".join(parts))
            table.append({"名称": r.name, "编号": r.code, **{FIELD_LABELS.get(f, f): _field_value(r, f) for f in fields}})
        if len(projects) > 1:
            lines.insert(0, f"有 {len(projects)} 个项目与问题中的名称同样吻合：")
        sources = "；".join(dict.fromkeys(cite(self.by_code[c.code], c.field) for c in citations))
        return Answer(question, "\n".join(lines) + f"\n来源：{sources}", False, "fact", citations, table)

    def _project_card(self, question: str, r: Declaration) -> Answer:
        text = (
            f"{r.name}（{r.code}）\n"
            f"- 科室：{r.section or '—'}；主管部门：{r.department}；实施单位：{r.unit}\n"
            f"- 项目金额：{format_amount(r.amount_yuan)}；项目类型：{r.project_type}；项目分类：{r.category or '表中未填写'}\n"
            f"- 起止时间：{r.start_date} 至 {r.end_date}；联系人：{r.contact}（{r.phone}）\n"
            f"- 概况：{r.overview[:120]}{'…' if len(r.overview) > 120 else ''}\n"
            f"来源：{cite(r, 'name')}"
        )
        return Answer(question, text, False, "project", [Citation(r.code, r.name, "name")])

    # ------------------------------------------------------------------ identification by description

    def _content_words(self, u: Understanding) -> list[str]:
        tokenizer = self.index.tokenizer
        words = []
        for w in tokenizer.words(u.topic):
            if len(w) < 2 or w in self._ignore or re.fullmatch(r"[\d.]+|(?:几|多少).?", w):
                continue
            words.append(w)
        return words

    def _covered(self, word: str, code: str) -> bool:
        text = self._texts[code]
        if word in text:
            return True
        if len(word) == 2 and re.search(re.escape(word[0]) + "." + re.escape(word[1]), text):
            return True  # "老人" in "老年人"
        if len(word) >= 3:
            tokenizer = self.index.tokenizer
            return any(word[i : i + 2] in text for i in range(len(word) - 1) if tokenizer.is_word(word[i : i + 2]))
        return False

    def _strictly_covered(self, word: str, code: str) -> bool:
        """Every character of word explained by it, or by dictionary words inside it, found in the
        project ("防洪工程" by 防洪 + 工程; not "体育馆" by 体育 alone)."""
        text = self._texts[code]
        if word in text:
            return True
        tokenizer = self.index.tokenizer
        covered = set()
        for i in range(len(word)):
            for j in range(i + 2, len(word) + 1):
                piece = word[i:j]
                if piece != word and tokenizer.is_word(piece) and piece in text:
                    covered.update(range(i, j))
        return len(covered) == len(word)

    def _df(self, word: str) -> int:
        if word not in self._df_cache:
            self._df_cache[word] = sum(1 for r in self.records if self._covered(word, r.code))
        return self._df_cache[word]

    def _weighted_coverage(self, words: list[str], code: str) -> float:
        """Share of the question's content, weighted by rarity in the corpus, found in one project."""
        n = len(self.records)
        weights = {w: math.log((n + 1) / (self._df(w) + 0.5)) for w in words}
        total = sum(weights.values())
        covered = sum(wt for w, wt in weights.items() if self._covered(w, code))
        return covered / total if total else 0.0

    def _unmatched_entities(self, topic: str, code: str) -> list[str]:
        """Organisations the question names that the project does not mention ("人民医院";
        not a kind of school like "中小学")."""
        r = self.by_code[code]
        identity = squash(r.name + r.unit + r.department)
        unmatched = []
        for m in self._entity.finditer(squash(topic)):
            own = m.group(1)  # typos and cut words tolerated: one pair of its characters is enough
            if not any(own[i : i + 2] in identity for i in range(len(own) - 1)):
                unmatched.append(m.group(0))
        return unmatched

    def _identify(self, u: Understanding, content: list[str], scope: Filters | None = None):
        """(project, missing words): the project a description points to, or why there is none."""
        hits = self.index.search(u.topic or u.rest, k=5, filters=scope)
        if not hits:
            return None, content, []
        top = hits[0]
        if entities := self._unmatched_entities(u.topic, top.code):
            return None, entities, hits
        claimed = _CLAIMED_NAME.match(u.rest)
        if claimed:
            # "机场扩建工程的联系人": a name the user believes exists — all of it must be there
            words = [w for w in self.index.tokenizer.words(claimed.group(1)) if w in content]
            missing = [w for w in words if not self._strictly_covered(w, top.code)]
            if missing:
                return None, missing, hits
        if self._weighted_coverage(content, top.code) < 0.5:
            return None, [w for w in content if not self._covered(w, top.code)], hits
        return self.by_code[top.code], [], hits

    def _described_with_indicator(self, u: Understanding, content: list[str], scope: Filters | None = None):
        """The project a description points to, when the question also names one of its indicators."""
        record = self._identify(u, content, scope)[0]
        return record if record is not None and self._named_indicators(record, u) else None

    def _identify_then_answer(
        self, question: str, u: Understanding, content: list[str], scope: Filters | None = None
    ) -> tuple[Answer, Conversation]:
        if not content:
            return self._refuse(question, "没有看出问的是哪个项目。请给出项目名称、编号或主管部门。", kind="clarify"), Conversation()
        record, missing, hits = self._identify(u, content, scope)
        if record is None:
            reason = f"语料中没有找到与“{'、'.join(missing)}”对应的项目，无法回答。"
            return self._refuse(question, reason, [{"code": h.code, "name": h.name} for h in hits[:3]]), Conversation()
        answer = self._about_projects(question, u, [record])
        answer.answer = f"（按描述匹配到的项目：{record.name}）\n" + answer.answer
        return answer, Conversation([record.code])

    def _search(self, question: str, u: Understanding, content: list[str]) -> Answer:
        if not content:
            return self._refuse(question, "没有看出要查找的内容。可以问某个项目的金额、联系人、指标，或按科室、部门统计。", kind="clarify")
        hits = self.index.search(u.topic, k=8)
        if not hits:
            return self._refuse(question, "语料中没有找到相关项目。")
        entities = self._unmatched_entities(u.topic, hits[0].code)
        if self._weighted_coverage(content, hits[0].code) < 0.4 or entities:
            missing = entities or [w for w in content if not self._covered(w, hits[0].code)]
            reason = f"语料中没有与“{'、'.join(missing)}”相关的申报表。"
            return self._refuse(question, reason, [{"code": h.code, "name": h.name} for h in hits[:3]])
        top = hits[0].score
        chosen = [h for h in hits if h.score >= top * 0.6][:5]
        lines = ["最相关的项目："]
        citations, table = [], []
        for h in chosen:
            r = self.by_code[h.code]
            lines.append(f"- {r.name}（{r.code}，{r.department}，{format_amount(r.amount_yuan)}）——匹配“{FIELD_LABELS.get(h.field, h.field)}”：{h.snippet}")
            citations.append(Citation(r.code, r.name, _citation_field(h.field)))
            table.append({"名称": r.name, "编号": r.code, "部门": r.department, "金额": format_amount(r.amount_yuan), "匹配字段": FIELD_LABELS.get(h.field, h.field)})
        return Answer(question, "\n".join(lines), False, "search", citations, table)

    def _topical(self, u: Understanding, content: list[str]) -> list[Declaration]:
        hits = self.index.search(u.topic or u.rest, k=20)
        if not hits or self._weighted_coverage(content, hits[0].code) < 0.5:
            return []
        top = hits[0].score
        return [self.by_code[h.code] for h in hits if h.score >= top * 0.6 and self._weighted_coverage(content, h.code) >= 0.5]

    def _indicator_search(self, question: str, u: Understanding) -> tuple[Answer, Conversation] | None:
        """Projects whose indicator table has an indicator the question names."""
        # the topic without asking words, or the whole question: "标准宗地数量" holds the asking word 数量
        phrases = [squash(re.sub(r"\d+", " ", text)) for text in (u.topic, u.rest) if text]
        found: list[tuple[int, Declaration, Indicator]] = []
        for r in self.records:
            best = None
            for ind in r.indicators:
                longest = max(_overlap(phrase, squash(ind.name))[0] for phrase in phrases)
                if longest >= 3 and (best is None or longest > best[0]):
                    best = (longest, ind)
            if best:
                found.append((best[0], r, best[1]))
        if not found:
            return None
        top = max(f[0] for f in found)
        if top < 3:
            return None
        chosen = [(r, ind) for score, r, ind in found if score == top]
        lines = [f"有 {len(chosen)} 个项目设了相关指标："]
        table, citations = [], []
        for r, ind in chosen:
            lines.append(f"- {r.name}（{r.code}）：{ind.name}（{ind.level1}-{ind.level2 or '未分二级'}）= {ind.value_annual or '表中未填写'}")
            table.append({"名称": r.name, "编号": r.code, "三级指标": ind.name, "指标值": ind.value_annual})
            citations.append(Citation(r.code, r.name, "indicators"))
        lines.append("来源：" + "；".join(cite(r, "indicators") for r, _ in chosen))
        return Answer(question, "\n".join(lines), False, "indicator_search", citations, table), Conversation([r.code for r, _ in chosen])

    # ------------------------------------------------------------------ aggregates

    def _aggregate(
        self, question: str, u: Understanding, chosen: list[Declaration], filters: Filters, topic: str | None = None
    ) -> tuple[Answer, Conversation]:
        scope = f"与“{topic}”相关的项目" if topic else filters.describe()
        if not chosen:
            answer = Answer(question, f"语料中没有符合条件（{scope}）的项目。", True, "aggregate")
            return answer, Conversation([], filters)
        op = u.op or "list"
        amounts = [r.amount_yuan or 0.0 for r in chosen]
        shown, field_name = chosen, filters.primary_field()
        if op in ("max", "min"):
            shown = sorted(chosen, key=lambda r: r.amount_yuan or 0.0, reverse=(op == "max"))[: u.top_n or 1]
            word = "最大" if op == "max" else "最小"
            head = f"在{scope}中，金额{word}的{'项目是' if (u.top_n or 1) == 1 else f' {len(shown)} 个项目是'}："
            field_name = "amount_yuan"
        elif op == "sum":
            head = f"{scope}共 {len(chosen)} 个项目，金额合计 {format_amount(sum(amounts))}（按各表“项目金额(元)”相加）："
            field_name = "amount_yuan"
        elif op == "avg":
            avg = sum(amounts) / len(amounts)
            head = f"{scope}共 {len(chosen)} 个项目，合计 {format_amount(sum(amounts))}，平均每个 {format_amount(round(avg, 2))}："
            field_name = "amount_yuan"
        else:  # count and list name the same projects
            head = f"{scope}共 {len(chosen)} 个项目："
        return self._listing(question, head, shown, field_name), Conversation([r.code for r in shown], filters)

    def _grouped(self, question: str, u: Understanding, chosen: list[Declaration]) -> Answer:
        """Counts and totals per 主管部门 or 科室, largest first."""
        key = u.group_by
        label = "主管部门" if key == "department" else "科室"
        groups: dict[str, list[Declaration]] = {}
        for r in chosen:
            groups.setdefault(getattr(r, key) or "（未知）", []).append(r)
        by_total = u.op == "sum" or (u.fields and "amount_yuan" in u.fields)
        def measure(rs):
            return sum(r.amount_yuan or 0 for r in rs) if by_total else len(rs)
        ordered = sorted(groups.items(), key=lambda kv: measure(kv[1]), reverse=(u.op != "min"))
        lines = [f"按{label}统计（{u.filters.describe()}，共 {len(chosen)} 个项目）：", f"| {label} | 项目数 | 金额合计 |", "|---|---|---|"]
        table = []
        for name, rs in ordered:
            total = sum(r.amount_yuan or 0 for r in rs)
            lines.append(f"| {name} | {len(rs)} | {format_amount(total)} |")
            table.append({label: name, "项目数": len(rs), "金额合计": format_amount(total)})
        if u.op in ("max", "min") and ordered:
            word = ("最多" if not by_total else "最大") if u.op == "max" else ("最少" if not by_total else "最小")
            name, rs = ordered[0]
            lines.insert(1, f"{'金额合计' if by_total else '项目数'}{word}的{label}是 {name}（{len(rs)} 个项目，合计 {format_amount(sum(r.amount_yuan or 0 for r in rs))}）。")
        lines.append(f"来源：各项目申报表的“{label}”与“项目金额(元)”。")
        citations = [Citation(r.code, r.name, key) for r in chosen]
        return Answer(question, "\n".join(lines), False, "aggregate", citations, table)

    def _listing(self, question: str, head: str, records: list[Declaration], field_name: str) -> Answer:
        lines = [head, "| 名称 | 编号 | 主管部门 | 金额 |", "|---|---|---|---|"]
        table = []
        for r in records:
            lines.append(f"| {r.name} | {r.code} | {r.department} | {format_amount(r.amount_yuan)} |")
            table.append({"名称": r.name, "编号": r.code, "主管部门": r.department, "金额": format_amount(r.amount_yuan)})
        citations = [Citation(r.code, r.name, field_name) for r in records]
        fields = dict.fromkeys([FIELD_LABELS.get(field_name, field_name), FIELD_LABELS["amount_yuan"]])
        lines.append("来源：各项目申报表的" + "、".join(f"“{f}”" for f in fields) + "。")
        return Answer(question, "\n".join(lines), False, "aggregate", citations, table)

    # ------------------------------------------------------------------ drafting and refusals

    def _drafting(self, question: str, u: Understanding) -> Answer:
        from app.drafting import suggest_for_question

        return suggest_for_question(self, question)

    def _suggest(self, u: Understanding) -> list[dict]:
        try:
            hits = self.index.search(u.text, k=3)
        except ValueError:
            hits = []
        return [{"code": h.code, "name": h.name} for h in hits]

    def _refuse(self, question: str, reason: str, suggestions: list[dict] | None = None, kind: str = "refusal") -> Answer:
        text = reason
        if suggestions:
            text += "\n您是否要找：" + "；".join(f"{s['name']}（{s['code']}）" for s in suggestions) + "（仅供参考，不是答案）"
        return Answer(question, text, True, kind, [], [], suggestions or [])


def _citation_field(name: str) -> str:
    return {"dates": "start_date", "goals": "goal_annual", "meta": "name"}.get(name, name)


def _record_text(r: Declaration) -> str:
    parts = [r.name, r.section or "", r.department, r.unit, r.project_type, r.category or "", r.basis, r.overview,
             r.legal_basis, r.feasibility, r.goal_longterm, r.goal_annual, r.remarks]
    parts += [s.content for s in r.schedule]
    parts += [f"{i.name}{i.value_annual}{i.note}" for i in r.indicators]
    return " ".join(parts)
