"""What an answer is: the answer text, its citations, and the conversation state follow-ups use.

Kept apart from the answering logic so that drafting, the page and eval can build or read answers
without importing the answerer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from corpus import Declaration, format_amount, format_date, format_period
from corpus.labels import FIELD_NAMES_ZH
from index.filters import Filters

FIELD_LABELS = dict(FIELD_NAMES_ZH, dates="项目起止时间", goals="项目绩效目标", meta="标题与基本信息")


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
    """What follow-ups refer back to.

    ``codes`` are the projects the last answer was about (the referents of "它", "第二个");
    ``scope`` is every project the last aggregate ranged over ("反过来最低的呢" ranges over it again);
    ``filters`` and ``topic`` say how that scope was chosen, so an answer can name it;
    ``asks`` are the last question's asks ("那计量经费呢" asks them of another project);
    ``earlier`` are the projects of the turn before the last, when they were others;
    ``last_list`` and ``talked`` outlive the turns: the last list of several projects and every
    project the conversation has been about ("回到预算最高的那项", "再说回某某那个").
    """

    codes: list[str] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    scope: list[str] = field(default_factory=list)
    topic: str = ""
    asks: list = field(default_factory=list)
    op: str | None = None
    earlier: list[str] = field(default_factory=list)  # the projects of the turn before: "这两个" after two lookups
    last_list: list[str] = field(default_factory=list)  # the last several projects ranged over: "回头看预算最高的那项"
    talked: list[str] = field(default_factory=list)  # every project of the conversation so far: "回到某某那个"

    @property
    def recent(self) -> list[str]:
        """The projects of this turn and the one before, once each, in the order talked about."""
        return list(dict.fromkeys(self.earlier + self.codes))


def cite(r: Declaration, field_name: str) -> str:
    return f"{r.name}｜{r.code}｜{FIELD_LABELS.get(field_name, field_name)}"


def citation_field(name: str) -> str:
    return {"dates": "start_date", "goals": "goal_annual", "meta": "name"}.get(name, name)


def field_value(r: Declaration, name: str) -> str:
    if name == "amount_yuan":
        return format_amount(r.amount_yuan)
    if name == "dates":
        return format_period(r.start_date, r.end_date)
    if name == "goals":
        return f"中(长)期目标：{r.goal_longterm}\n年度目标：{r.goal_annual}"
    if name == "schedule":
        return "；".join(
            f"{s.content}（{format_date(s.start_date)} 起，{format_amount(s.amount_yuan) if s.amount_yuan is not None else '—'}）"
            for s in r.schedule
        ) or "表中未填写"
    if name == "category":
        return r.category or "表中未填写"
    value = getattr(r, name)
    return str(value) if value not in (None, "") else "表中未填写"
