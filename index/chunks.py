"""Chunks designed for this corpus: what a person would look up in a form.

Per form: one chunk of title and metadata, chunks of each long text field (split at
sentence ends), the lines of 项目实施进度计划, and the indicators grouped by 二级 ("一级-二级-三级: 指标值"). Every
chunk keeps the project code, the field it came from and its source lines.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from corpus import Declaration, format_amount
from corpus.labels import FIELD_NAMES_ZH

TEXT_FIELDS = ("overview", "basis", "legal_basis", "feasibility", "goal_longterm", "goal_annual")
MAX_CHARS = 260  # well inside the encoder's 512 tokens, and a readable snippet
_SENTENCE_END = re.compile(r"(?<=[。；！？;!?])")


@dataclass
class Chunk:
    id: int
    code: str
    seq: int
    field: str  # record field name ("meta" for the title and metadata)
    text: str  # what is indexed
    line_start: int
    line_end: int

    def to_dict(self) -> dict:
        return asdict(self)


def _pieces(text: str, limit: int = MAX_CHARS) -> list[str]:
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        while len(sentence) > limit:  # one very long sentence: hard split
            head, sentence = sentence[:limit], sentence[limit:]
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if current and len(current) + len(sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def meta_text(r: Declaration) -> str:
    parts = [
        f"项目名称：{r.name}",
        f"科室：{r.section or ''}",
        f"主管部门：{r.department}",
        f"项目实施单位：{r.unit}",
        f"项目类型：{r.project_type}",
        f"项目分类：{r.category or ''}",
        f"项目金额：{format_amount(r.amount_yuan)}",
        f"项目编号：{r.code}",
    ]
    return "；".join(parts)


def chunk_record(r: Declaration, start_id: int = 0) -> list[Chunk]:
    chunks: list[Chunk] = []
    whole = (r.source.line_start, r.source.line_end)

    def add(field: str, text: str, lines: tuple[int, int] = whole) -> None:
        chunks.append(Chunk(start_id + len(chunks), r.code, r.seq, field, text, *lines))

    add("meta", meta_text(r))
    for field in TEXT_FIELDS:
        for piece in _pieces(getattr(r, field)):
            add(field, f"{r.name}｜{FIELD_NAMES_ZH[field]}：{piece}")
    # what the money is for, line by line ("某某专家项目配套资金"): often the only place an item is named
    items = "；".join(s.content for s in r.schedule if s.content and s.content != r.name)
    for piece in _pieces(items):
        add("schedule", f"{r.name}｜{FIELD_NAMES_ZH['schedule']}：{piece}")
    groups: dict[tuple[str, str], list] = {}
    for ind in r.indicators:
        groups.setdefault((ind.level1, ind.level2), []).append(ind)
    for (level1, level2), rows in groups.items():
        body = "；".join(f"{level1}-{level2 or '未分类'}-{i.name}: {i.value_annual}" for i in rows)
        lines = [i.line for i in rows if i.line]
        add("indicators", f"{r.name}｜绩效指标：{body}", (min(lines), max(lines)) if lines else whole)
    return chunks


def chunk_records(records: list[Declaration]) -> list[Chunk]:
    chunks: list[Chunk] = []
    for r in records:
        chunks.extend(chunk_record(r, start_id=len(chunks)))
    return chunks


def form_text(r: Declaration) -> str:
    """The whole form as one text: the unit "find comparable projects" ranks.

    Per-field chunks find the one passage a known item is described by; a project that is
    comparable overall (same purpose, same kind of indicator table) shows it across many fields,
    which only a whole-form representation sees at once.
    """
    parts = [meta_text(r)]
    parts += [getattr(r, f) for f in TEXT_FIELDS]
    parts += [s.content for s in r.schedule]
    parts += [f"{i.level1}-{i.level2 or '未分类'}-{i.name}: {i.value_annual}" for i in r.indicators]
    return "\n".join(p for p in parts if p)
