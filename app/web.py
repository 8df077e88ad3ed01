"""The page: 问答, 找可比项目, 起草指标, 总览 — a Gradio Blocks app over the same APIs as the CLI.

Everything shown that came from a user or from the corpus is escaped: the page renders text,
never markup from questions or forms. Nothing is fetched from outside the machine.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import sys
import threading
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no outside requests

import gradio as gr  # noqa: E402
import pandas as pd  # noqa: E402

from app.answer import FIELD_LABELS, Answer, Answerer, Conversation  # noqa: E402
from app.drafting import (  # noqa: E402
    EXPORT_COLUMNS,
    DraftError,
    DraftIndicator,
    check_indicators,
    corpus_report,
    parse_draft,
    suggest,
    table_rows,
    to_xlsx,
)
from corpus import Declaration, format_amount, format_period  # noqa: E402
from corpus import labels as L  # noqa: E402
from app.spreadsheet import escape_frame  # noqa: E402
from index.filters import AmountError, Filters, check_amount  # noqa: E402
from index.search import SearchError  # noqa: E402

TITLE = "绩效助手 · 项目支出绩效目标申报表"
EXAMPLES = [
    "计量业务专项经费的金额是多少？",
    "社会保障科报了几个项目，合计多少？",
    "预算在3000万以上的有哪几个",
    "东昌湖维护费的联系人及联系电话",
    "买检验仪器的项目，绩效指标怎么设？",
]
GUIDE = (
    "依据{what}回答。数字照表原样给出，每个回答都注明出处（名称｜项目编号｜字段）；"
    "语料里没有的内容会直接说明。全部在本机运行。"
)


def guide(records: list[Declaration]) -> str:
    """The page's opening line, from the records served: "聊城市 2021 年度 100 张项目支出绩效目标申报表"."""
    years = "、".join(str(y) for y in sorted({r.year for r in records if r.year}))
    cities: dict[str, int] = {}
    for r in records:  # the city the departments' own names are of (聊城市…)
        if m := re.match(r"(?:山东省)?(\w{2,3}市)", r.department):
            cities[m.group(1)] = cities.get(m.group(1), 0) + 1
    city = max(cities, key=cities.get) if cities else ""
    what = [city, f"{years} 年度" if years else "", f"{len(records)} 张项目支出绩效目标申报表"]
    return GUIDE.format(what=" ".join(w for w in what if w))
_EXPORT_DIR = Path(tempfile.mkdtemp(prefix="jixiao-export-"))
# Shown in Chinese; the values underneath stay the CLI's and the API's mode names.
SEARCH_MODES = [("混合", "hybrid"), ("关键词 BM25", "bm25"), ("向量", "dense")]
SEARCH_COLUMNS = ["名称", "编号", "部门", "金额", "相关度", "匹配字段", "片段"]
EXPORT_SHEET = "可比项目"


# Markdown that would make the browser fetch or link something: image and link brackets, and
# the bare-URL forms that GFM turns into links ("http://", "www.").
_MD_LINK_CHARS = re.compile(r"([\[\]!])")
_BARE_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):(?=//)|\b(www)\.")


def esc(text: str) -> str:
    """Text from users, forms and the model, safe to show in Markdown: no tags, no images, no links."""
    out = html.escape(str(text or ""), quote=False)
    out = _MD_LINK_CHARS.sub(r"\\\1", out)
    return _BARE_URL.sub(lambda m: f"{m.group(1)}\\:" if m.group(1) else f"{m.group(2)}\\.", out)


# ---------------------------------------------------------------- JSON endpoints (same as the CLI)


def ask_json(answerer: Answerer, question: str) -> dict:
    if not isinstance(question, str):
        return {"question": str(question)[:200], "answer": "问题应为一段文字，例如“计量业务专项经费的金额是多少？”",
                "refused": True, "kind": "refusal", "citations": []}
    answer, _ = answerer.ask(question)
    return answer.to_json()


def _text_arg(value, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SearchError(f"{name}应为文字。")
    return value


def search_json(index, query: str, k: int = 10, mode: str = "hybrid", section: str = "", department: str = "",
                project_type: str = "", category: str = "", min_amount: float | None = None,
                max_amount: float | None = None) -> dict:
    start = time.perf_counter()
    try:
        query = _text_arg(query, "查询")
        try:
            k = int(k)
        except (TypeError, ValueError, OverflowError):
            raise SearchError(f"返回数量“{k}”不是整数。请填写 1 到 100 之间的数。") from None
        if not 1 <= k <= 100:
            raise SearchError(f"返回数量 {k} 应在 1 到 100 之间。")
        try:
            # a bound of 0 (what API callers send for "none") means no bound
            low = check_amount(min_amount, "最低金额") or None
            high = check_amount(max_amount, "最高金额") or None
        except AmountError as exc:
            raise SearchError(str(exc)) from None
        filters = Filters(section=_text_arg(section, "科室") or None, department=_text_arg(department, "主管部门") or None,
                          project_type=_text_arg(project_type, "项目类型") or None,
                          category=_text_arg(category, "项目分类") or None, min_amount=low, max_amount=high)
        hits = index.search(query, k=k, mode=_text_arg(mode, "检索方式") or "hybrid", filters=filters)
    except SearchError as exc:
        return {"query": query if isinstance(query, str) else str(query)[:200], "took_ms": 0.0, "results": [], "error": str(exc)}
    return {"query": query, "took_ms": round((time.perf_counter() - start) * 1000, 2), "results": [h.to_json() for h in hits]}


def suggest_json(index, draft) -> dict:
    """/suggest: a JSON object (or a string holding one); anything else is a clear error, never a traceback."""
    empty = {"similar": [], "indicators": [], "checks": []}
    if isinstance(draft, str):
        try:
            draft = json.loads(draft)
        except ValueError as exc:
            return dict(empty, error=f"草稿不是合法的 JSON（{exc.msg if hasattr(exc, 'msg') else exc}）。"
                                      "需要 JSON 对象，例如 {\"description\": \"采购检测设备\"}。")
    if not isinstance(draft, dict):
        return dict(empty, error=f"草稿应为 JSON 对象（收到的是{_KIND_NAMES.get(type(draft).__name__, type(draft).__name__)}），"
                                 "例如 {\"description\": \"采购检测设备\"}。")
    try:
        result = suggest(index, parse_draft(draft))
    except DraftError as exc:
        return dict(empty, error=str(exc))
    return result.to_json()


_KIND_NAMES = {"list": "列表", "int": "数字", "float": "数字", "bool": "真假值", "NoneType": "空值", "str": "文字"}


# ---------------------------------------------------------------- rendering


def citation_cards(answerer: Answerer, answer: Answer) -> str:
    if not answer.citations:
        return ""
    cards = []
    for c in answer.citations[:12]:
        r = answerer.by_code.get(c.code)
        if r is None:
            continue
        quoted = _quoted(r, c.field)
        cards.append(
            f"**{esc(r.name)}**｜{esc(r.code)}\n\n"
            f"- 主管部门：{esc(r.department)}；金额：{esc(format_amount(r.amount_yuan))}\n"
            f"- 引用字段：{esc(FIELD_LABELS.get(c.field, c.field))}" + (f"：{esc(quoted)}" if quoted else "")
        )
    more = f"\n\n……另有 {len(answer.citations) - 12} 个项目" if len(answer.citations) > 12 else ""
    return "\n\n---\n\n".join(cards) + more


def clip(text: str, limit: int) -> str:
    """At most `limit` characters; a cut text ends in "…" so nobody reads it as the whole."""
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quoted(r: Declaration, field: str) -> str:
    if field == "indicators":
        return "；".join(f"{i.name} {i.value_annual}" for i in r.indicators[:6])
    if field in ("amount_yuan", "name", "code"):
        return ""
    return clip(getattr(r, field, ""), 160)


_TABLE_LINE = re.compile(r"^\s*\|")


def detach_after_tables(text: str) -> str:
    """A blank line after every Markdown table: a line that follows a table directly (the
    "来源：…" under a table answer) would otherwise render as one more row of it."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and _TABLE_LINE.match(out[-1]) and line.strip() and not _TABLE_LINE.match(line):
            out.append("")
        out.append(line)
    return "\n".join(out)


def compare_markdown(records: list[Declaration]) -> str:
    if not records:
        return "请先在结果中勾选要比较的项目。"
    head = "| 字段 | " + " | ".join(esc(r.name) for r in records) + " |"
    lines = [head, "|---|" + "---|" * len(records)]
    lines.append("| 编号 | " + " | ".join(esc(r.code) for r in records) + " |")
    lines.append("| 主管部门 | " + " | ".join(esc(r.department) for r in records) + " |")
    lines.append("| 金额 | " + " | ".join(esc(format_amount(r.amount_yuan)) for r in records) + " |")
    lines.append("| 测算依据 | " + " | ".join(esc(clip(r.basis, 200)).replace("|", "｜") for r in records) + " |")
    for level1 in L.LEVEL1_ORDER:
        cells = []
        for r in records:
            rows = [f"{i.name}：{i.value_annual}" for i in r.indicators if i.level1 == level1]
            cells.append(esc("；".join(rows)).replace("|", "｜") or "—")
        lines.append(f"| {level1} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def export_projects(found: list[dict], codes: list[str]) -> tuple[str | None, str | None, str]:
    """The ticked results (in result order) with the matched field, the snippet and the scores,
    as CSV and XLSX; (None, None, why) when nothing is ticked."""
    chosen = set(codes or [])
    rows = [hit for hit in found or [] if hit["code"] in chosen]
    if not rows:
        return None, None, "请先在上面勾选要导出的项目。"
    frame = escape_frame(pd.DataFrame([
        {"名称": h["name"], "编号": h["code"], "科室": h["section"], "部门": h["department"], "金额(元)": h["amount_yuan"],
         "匹配字段": h["field"], "片段": h["snippet"], "检索得分": h["score"], "接近程度": h["closeness"],
         "相关度": h["relevance"]} for h in rows]))
    stamp = int(time.time() * 1000)
    csv_path = _EXPORT_DIR / f"可比项目-{stamp}.csv"
    xlsx_path = _EXPORT_DIR / f"可比项目-{stamp}.xlsx"
    frame.to_csv(csv_path, index=False, encoding="utf-8-sig")
    frame.to_excel(xlsx_path, index=False, sheet_name=EXPORT_SHEET)
    return str(csv_path), str(xlsx_path), f"已导出勾选的 {len(rows)} 个项目。"


def search_rows(index, data: dict) -> tuple[list[dict], bool]:
    """The page's view of one /search answer: each hit with its project's details and how close it
    is (app/relevance.py); and whether nothing at all is close."""
    from app.relevance import applies_to, closeness_by_project, relevance

    cue = applies_to(index) and bool(data["results"])
    threshold = relevance().min_closeness
    close = closeness_by_project(index, data["query"]) if cue else {}
    rows = []
    for hit in data["results"]:
        r = index.by_code[hit["code"]]
        value = close.get(hit["code"], 0.0)
        rows.append({"code": r.code, "name": r.name, "section": r.section, "department": r.department,
                     "amount_yuan": r.amount_yuan, "field": FIELD_LABELS.get(hit["field"], hit["field"]),
                     "snippet": hit["snippet"], "score": hit["score"], "closeness": round(value, 3) if cue else None,
                     "relevance": ("接近" if value >= threshold else "相关度低") if cue else ""})
    none_close = cue and all(row["relevance"] == "相关度低" for row in rows)
    return rows, none_close


def checks_markdown(findings) -> str:
    """Plain Chinese messages; the rule's code only in the tooltip, for whoever reads the JSON."""
    if not findings:
        return "未发现问题。"
    return "\n".join(f'- <span title="{esc(f.rule)}">{esc(f.message)}</span>' for f in findings)


# ---------------------------------------------------------------- the app


class Live:
    """The answerer (and its index) the page serves now. A form added on the 审核 tab swaps in the
    library's new index for every later request; requests already running finish on the old one."""

    def __init__(self, answerer: Answerer):
        self.answerer = answerer

    @property
    def index(self):
        return self.answerer.index

    def swap(self, index) -> None:
        self.answerer = Answerer(index, llm=self.answerer.llm)


def build_app(answerer: Answerer, notice: str | None = None, library_home: Path | None = None) -> gr.Blocks:
    """The page over an answerer; with library_home (the data directory) its 审核 tab can add forms to the library."""
    live = Live(answerer)  # handlers use live.index / live.answerer: an addition swaps them for later requests
    records = answerer.records
    sections = sorted({r.section for r in records if r.section})
    departments = sorted({r.department for r in records})
    types = sorted({r.project_type for r in records if r.project_type and not r.project_type.isdigit()})
    categories = sorted({r.category for r in records if r.category and not r.category.isdigit()})

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"# {TITLE}\n{guide(records)}")
        if notice:
            gr.Markdown(f"> {esc(notice)}", elem_id="startup-notice")

        # ------------------------------------------------------------ 问答
        with gr.Tab("问答", id="qa"):
            state = gr.State(Conversation())
            with gr.Row():
                with gr.Column(scale=3):
                    # No share / copy-all buttons: their tooltips are English in Gradio 6 ("Copy
                    # conversation"); each message keeps its own copy button.
                    # No floating "对话" label either: it covered whatever scrolled under it.
                    chat = gr.Chatbot(label="对话", show_label=False, height=460, elem_id="chat", sanitize_html=True,
                                      buttons=[])
                    with gr.Row():
                        question = gr.Textbox(placeholder="例如：计量业务专项经费的金额是多少？", show_label=False,
                                              scale=5, elem_id="question")
                        send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
                    gr.Examples(EXAMPLES, inputs=question, label="示例问题")
                with gr.Column(scale=2):
                    gr.Markdown("### 出处")
                    cards = gr.Markdown("回答引用的申报表会显示在这里。", elem_id="citations")

            def respond(message, history, conversation):
                history = list(history or [])
                message = (message or "").strip()
                history.append({"role": "user", "content": esc(message) or "（空）"})
                answer, conversation = live.answerer.ask(message, conversation)
                text = detach_after_tables(esc(answer.answer))
                shown = ""
                history.append({"role": "assistant", "content": ""})
                for start in range(0, len(text), 24):  # stream the answer as it is written out
                    shown = text[: start + 24]
                    history[-1] = {"role": "assistant", "content": shown}
                    yield history, conversation, gr.update(), ""
                    time.sleep(0.01)
                history[-1] = {"role": "assistant", "content": text}
                yield history, conversation, citation_cards(live.answerer, answer) or "（本回答没有引用项目）", ""

            for trigger in (send.click, question.submit):
                trigger(respond, [question, chat, state], [chat, state, cards, question], api_visibility="private")

        # ------------------------------------------------------------ 找可比项目
        with gr.Tab("找可比项目", id="compare"):
            with gr.Row():
                query = gr.Textbox(label="描述要找的项目", placeholder="例如：采购检验检测仪器设备", scale=4, elem_id="search-query")
                mode = gr.Radio(SEARCH_MODES, value="hybrid", label="检索方式", scale=2, elem_id="search-mode")
                k = gr.Slider(1, 30, value=10, step=1, label="返回数量", scale=1)
            with gr.Row():
                f_section = gr.Dropdown([""] + sections, value="", label="科室")
                f_department = gr.Dropdown([""] + departments, value="", label="主管部门")
                f_type = gr.Dropdown([""] + types, value="", label="项目类型")
                f_category = gr.Dropdown([""] + categories, value="", label="项目分类")
                # Text boxes, not gr.Number: Gradio 6's number box turns an empty value into 0 in the
                # browser (value ??= 0), and an empty box must read as "no bound".
                f_min = gr.Textbox(label="最低金额（元）", placeholder="不限", elem_id="min-amount")
                f_max = gr.Textbox(label="最高金额（元）", placeholder="不限", elem_id="max-amount")
            search_btn = gr.Button("查找", variant="primary", elem_id="search-button")
            search_note = gr.Markdown(elem_id="search-note")
            # Widths add up to the table's width, so 匹配字段 and 片段 stay on screen; long cells wrap.
            results = gr.Dataframe(headers=SEARCH_COLUMNS, interactive=False, wrap=True, elem_id="search-results",
                                   column_widths=["14%", "12%", "12%", "11%", "7%", "8%", "36%"])
            picked = gr.CheckboxGroup(label="勾选项目（用于并排比较和导出）", choices=[], elem_id="compare-pick")
            with gr.Row():
                compare_btn = gr.Button("并排比较", elem_id="compare-button")
                export_btn = gr.Button("导出勾选的项目（CSV / XLSX）", elem_id="export-button")
            export_note = gr.Markdown(elem_id="export-note")
            comparison = gr.Markdown(elem_id="comparison")
            with gr.Row():
                csv_file = gr.File(label="CSV", elem_id="export-csv")
                xlsx_file = gr.File(label="XLSX", elem_id="export-xlsx")
            found = gr.State([])

            def run_search(q, m, kk, sec, dep, typ, cat, lo, hi):
                data = search_json(live.index, q, kk, m, sec, dep, typ, cat, amount_text(lo), amount_text(hi))
                cleared = ("", None, None, "")  # an earlier export or comparison belongs to an earlier search
                if "error" in data:
                    return (gr.update(value=[]), gr.update(choices=[], value=[]), f"⚠️ {esc(data['error'])}", []) + cleared
                hits, none_close = search_rows(live.index, data)
                rows = [[h["name"], h["code"], h["department"], format_amount(h["amount_yuan"]), h["relevance"], h["field"],
                         h["snippet"]] for h in hits]
                choices = [(f"{h['name']}（{h['code']}）", h["code"]) for h in hits]
                if not rows:
                    note = "没有符合条件的项目。"
                elif none_close:
                    note = (f"⚠️ **没有找到很接近的项目**：以下 {len(rows)} 个项目与描述的相关度都低，仅供参考"
                            f"（{data['took_ms']:.0f} 毫秒）。")
                else:
                    note = f"找到 {len(rows)} 个项目（{data['took_ms']:.0f} 毫秒）。"
                return (rows, gr.update(choices=choices, value=[c[1] for c in choices[:2]]), note, hits) + cleared

            search_btn.click(run_search, [query, mode, k, f_section, f_department, f_type, f_category, f_min, f_max],
                             [results, picked, search_note, found, export_note, csv_file, xlsx_file, comparison],
                             api_visibility="private")
            query.submit(run_search, [query, mode, k, f_section, f_department, f_type, f_category, f_min, f_max],
                         [results, picked, search_note, found, export_note, csv_file, xlsx_file, comparison],
                             api_visibility="private")
            compare_btn.click(lambda codes: compare_markdown([live.index.by_code[c] for c in codes or []]), picked, comparison,
                              api_visibility="private")
            export_btn.click(export_projects, [found, picked], [csv_file, xlsx_file, export_note], api_visibility="private")

        # ------------------------------------------------------------ 起草指标
        with gr.Tab("起草指标", id="draft"):
            with gr.Row():
                d_name = gr.Textbox(label="项目名称", elem_id="draft-name")
                d_amount = gr.Textbox(label="项目金额（元）", placeholder="可不填，例如 600000", elem_id="draft-amount")
                d_category = gr.Dropdown([""] + categories, value="", label="项目分类")
                d_type = gr.Dropdown([""] + types, value="", label="项目类型")
            d_description = gr.Textbox(label="项目概况（必填）", lines=3, elem_id="draft-description",
                                       placeholder="例如：为食品检测实验室采购液相色谱仪等检测设备")
            suggest_btn = gr.Button("建议绩效指标", variant="primary", elem_id="suggest-button")
            similar_md = gr.Markdown(elem_id="similar-projects")
            # Widths that keep 备注 and 来源 on screen; long notes wrap instead of being cut off.
            table = gr.Dataframe(headers=list(EXPORT_COLUMNS), interactive=True, wrap=True, elem_id="suggested-table",
                                 label="建议的指标表（可直接编辑）", column_widths=["9%", "9%", "19%", "19%", "32%", "12%"])
            with gr.Row():
                check_btn = gr.Button("检查当前表格", elem_id="check-button")
                download_btn = gr.Button("生成 XLSX")
            checks_md = gr.Markdown(elem_id="checks")
            draft_file = gr.File(label="下载指标表")

            def run_suggest(name, description, amount, category, project_type):
                try:
                    amount = box_amount(amount, "项目金额")
                    draft = parse_draft({"name": name or "", "description": description or "", "amount_yuan": amount,
                                         "category": category or None, "project_type": project_type or None})
                except (DraftError, AmountError) as exc:
                    return f"⚠️ {esc(exc)}", gr.update(), ""
                result = suggest(live.index, draft)
                lines = [f"**{result.precedent_note()}**", "",
                         "**相似的往年项目**" if result.precedent != "none" else "**最接近的往年项目**（都不相近，没有采用它们的指标）"] + [
                    f"- {esc(s['name'])}（{esc(s['code'])}）：{esc(s['why'])}" for s in result.similar
                ]
                rows = table_rows(result.indicators, {r.code: r.name for r in live.index.records})
                findings = check_indicators(_rows_to_draft(rows), amount)
                return "\n".join(lines), rows, checks_markdown(findings)

            def run_checks(frame, amount):
                try:
                    amount = box_amount(amount, "项目金额")
                except AmountError as exc:
                    return f"⚠️ {esc(exc)}"
                return checks_markdown(check_indicators(_rows_to_draft(_frame_rows(frame)), amount))

            def run_download(frame):
                path = _EXPORT_DIR / f"绩效指标-{int(time.time() * 1000)}.xlsx"
                to_xlsx(_frame_rows(frame), path)
                return str(path)

            suggest_btn.click(run_suggest, [d_name, d_description, d_amount, d_category, d_type],
                              [similar_md, table, checks_md], api_visibility="private")
            check_btn.click(run_checks, [table, d_amount], checks_md, api_visibility="private")
            table.input(run_checks, [table, d_amount], checks_md, api_visibility="private")
            download_btn.click(run_download, table, draft_file, api_visibility="private")

        # ------------------------------------------------------------ 总览
        with gr.Tab("总览", id="overview"):
            by_section = pd.DataFrame(
                [{"科室": s, "项目数": sum(1 for r in records if r.section == s),
                  "金额(万元)": round(sum(r.amount_yuan or 0 for r in records if r.section == s) / 1e4, 2)} for s in sections]
            )
            by_department = pd.DataFrame(
                [{"主管部门": d.removeprefix("聊城市"), "项目数": sum(1 for r in records if r.department == d),
                  "金额(万元)": round(sum(r.amount_yuan or 0 for r in records if r.department == d) / 1e4, 2)} for d in departments]
            ).sort_values("金额(万元)", ascending=False)
            total = sum(r.amount_yuan or 0 for r in records)
            gr.Markdown(f"共 **{len(records)}** 张申报表，**{len(sections)}** 个科室，**{len(departments)}** 个主管部门，"
                        f"金额合计 **{esc(format_amount(total))}**。")
            with gr.Row():
                gr.BarPlot(by_section, x="科室", y="项目数", title="各科室项目数", x_label_angle=-30, sort="-y",
                           elem_id="plot-section-count")
                gr.BarPlot(by_section, x="科室", y="金额(万元)", title="各科室金额（万元）", x_label_angle=-30, sort="-y",
                           elem_id="plot-section-amount")
            gr.BarPlot(by_department.head(15), x="主管部门", y="金额(万元)", title="金额最大的 15 个主管部门（万元）",
                       x_label_angle=-30, sort="-y", elem_id="plot-department")
            largest = sorted(records, key=lambda r: r.amount_yuan or 0, reverse=True)[:10]
            gr.Dataframe(pd.DataFrame([{"名称": r.name, "编号": r.code, "主管部门": r.department,
                                        "金额": format_amount(r.amount_yuan)} for r in largest]),
                         label="金额最大的 10 个项目", interactive=False, wrap=True)
            report = corpus_report(records)
            rule_names = {"not_measurable": "指标值无法衡量", "satisfaction_not_rate": "满意度不是比率",
                          "missing_level2": "缺少必需的二级指标", "cost_inconsistent": "成本与金额不符",
                          "timeliness_without_date_or_rate": "时效指标无日期或比率", "missing_level1": "缺少一级指标",
                          "duplicate_row": "重复行", "placeholder_row": "占位行"}
            rules = pd.DataFrame([{"规则": rule_names.get(k, k), "发现数": v} for k, v in report["per_rule"].items()])
            gr.Markdown(f"### 指标检查\n用起草检查的同一套规则检查全部申报表：{report['forms_with_findings']} 张表有值得复核之处。")
            gr.BarPlot(rules, x="规则", y="发现数", title="各规则发现数", sort="-y", elem_id="plot-checks")
            findings = pd.DataFrame([{"项目": f["name"], "编号": f["code"], "问题": f2["message"]}
                                     for f in report["forms"] for f2 in f["findings"]])
            # Filled when a browser opens the page, not part of the page's default config: Gradio
            # copies that config into every session, and each /ask or /search call through the
            # HTTP API is a session of its own (this table alone was 120 KB of it, per call).
            findings_table = gr.Dataframe(headers=list(findings.columns), label="检查发现（全部）", interactive=False,
                                          wrap=True, max_height=400, elem_id="checks-findings",
                                          column_widths=["22%", "14%", "64%"])
            demo.load(lambda: findings, None, findings_table, api_visibility="private")

        # ------------------------------------------------------------ 审核
        review_tab(live, library_home, demo)

        # ------------------------------------------------------------ named API endpoints
        def api_ask(question: str) -> dict:
            return ask_json(live.answerer, question)

        # Answers take milliseconds and share one read-only index: many run at once instead of
        # queueing behind each other (a slow model call is bounded by its own deadline).
        gr.api(api_ask, api_name="ask", api_description="问答：返回 {question, answer, refused, kind, citations}",
               concurrency_limit=ASK_CONCURRENCY, concurrency_id="ask")

        def api_search(query: str, k: int = 10, mode: str = "hybrid", section: str = "", department: str = "",
                       project_type: str = "", category: str = "", min_amount: float | None = None,
                       max_amount: float | None = None) -> dict:
            return search_json(live.index, query, k, mode, section, department, project_type, category, min_amount, max_amount)

        def api_suggest(draft: dict) -> dict:
            return suggest_json(live.index, draft)

        gr.api(api_search, api_name="search", api_description="检索：返回 {query, took_ms, results}",
               concurrency_limit=SEARCH_CONCURRENCY, concurrency_id="search")
        gr.api(api_suggest, api_name="suggest", api_description="起草：返回 {similar, indicators, checks}",
               concurrency_limit=SEARCH_CONCURRENCY, concurrency_id="suggest")
    return demo


# ---------------------------------------------------------------- 审核: a declaration file before it joins the library


REVIEW_GUIDE = ("上传一份申报表文件（.txt 文本导出；安装相应读取模块后也可用 .pdf、.docx、.xlsx），查看解析出的表、"
                "解析提示、指标检查和资料库中可比的项目；确认无误后加入资料库（加入后问答和检索立即包含它）。")
_SHOWN_FORMS = 5  # forms of one file rendered in full; the rest are counted


def _entries_for(live: Live, home: Path | None):
    """The library's entries (from its database), or — without one — the served records as entries."""
    from corpus.library import Entry, Library, LibraryError, library_path

    if home is not None and library_path(home).exists():
        try:
            with Library.open(home, read_only=True) as library:
                return library.entries()
        except LibraryError:
            pass
    return [Entry(r.seq, r.code, r.year, r.name, r.section, r.department, r.amount_yuan, r.source.file, "", "")
            for r in live.index.records]


def form_markdown(r: Declaration, n: int) -> str:
    """One parsed form for a reviewer: its fields, its indicator table and the parser's warnings."""
    fields = [("项目编号", r.code), ("年度", r.year or "表上未写明"), ("科室", r.section or "—"), ("主管部门", r.department),
              ("项目实施单位", r.unit), ("联系人 / 电话", f"{r.contact} / {r.phone}"), ("项目类型", r.project_type),
              ("项目分类", r.category or "—"), ("项目起止时间", format_period(r.start_date, r.end_date)),
              ("项目金额", format_amount(r.amount_yuan) or "—"), ("项目概况", clip(r.overview, 300))]
    lines = [f"### {n}. {esc(r.name or '（无名称）')}", "", "| 字段 | 内容 |", "|---|---|"]
    lines += [f"| {label} | {esc(str(value)).replace('|', '｜') or '—'} |" for label, value in fields]
    lines += ["", f"**绩效指标**（{len(r.indicators)} 行）", "", "| 一级指标 | 二级指标 | 三级指标 | 指标值 |", "|---|---|---|---|"]
    lines += [f"| {esc(i.level1)} | {esc(i.level2 or '—')} | {esc(i.name).replace('|', '｜')} | "
              f"{esc(i.value_annual).replace('|', '｜') or '—'} |" for i in r.indicators]
    lines += ["", "**解析提示**：" + ("无" if not r.warnings else "")]
    lines += [f"- {esc(w)}" for w in r.warnings]
    return "\n".join(lines)


def review_markdown(live: Live, review) -> tuple[str, str, str]:
    """(the parsed forms, their checks, each beside its comparable projects) for the 审核 tab."""
    from app.review import comparable, findings

    if not review.records:
        return "", "", ""
    shown = review.records[:_SHOWN_FORMS]
    more = f"\n\n……另有 {len(review.records) - len(shown)} 张表未展开。" if len(review.records) > len(shown) else ""
    forms = "\n\n---\n\n".join(form_markdown(r, n) for n, r in enumerate(shown, 1)) + more
    checks = "\n\n".join(f"**{n}. {esc(r.name or '（无名称）')}**\n\n{checks_markdown(findings(r))}" for n, r in enumerate(shown, 1))
    sides = []
    for n, r in enumerate(shown, 1):
        others = comparable(live.index, r)
        mine = r.model_copy(update={"name": f"{r.name}（本表）"})
        sides.append(f"**{n}. {esc(r.name)}** 与资料库中可比的项目\n\n" +
                     (compare_markdown([mine] + others) if others else "资料库中没有可比的项目。"))
    return forms, checks, "\n\n".join(sides)


def review_status(review) -> str:
    if not review.records and review.refused:
        return f"⚠️ {esc(review.refused)}"
    years = "、".join(sorted({str(r.year) for r in review.records if r.year})) or "年度未写明"
    head = f"{esc(review.file)}：解析出 {len(review.records)} 张申报表（{years}）。"
    notes = "".join(f"\n- 提示：{esc(m)}" for m in review.messages)
    if review.refused:
        return f"{head}\n\n⚠️ **暂不能加入资料库**：\n\n{esc(review.refused)}{notes}"
    return f"{head}可以加入资料库。{notes}"


def review_tab(live: Live, home: Path | None, demo: gr.Blocks) -> None:
    """The 审核 tab: upload → parsed form, warnings, checks, comparable projects → add to the library."""
    from app.review import adding_refused, review_file

    with gr.Tab("审核", id="review"):
        gr.Markdown(REVIEW_GUIDE)
        with gr.Row():
            upload = gr.File(label="申报表文件", file_types=[".txt", ".pdf", ".docx", ".xlsx"], type="filepath",
                             elem_id="review-file")
            with gr.Column():
                replace = gr.Checkbox(label="项目编号已在资料库中时，用本表替换旧表", value=False, elem_id="review-replace")
                add_btn = gr.Button("加入资料库", variant="primary", elem_id="review-add")
                add_note = gr.Markdown(elem_id="review-add-note")
        status = gr.Markdown(elem_id="review-status")
        with gr.Tab("解析结果"):
            form_md = gr.Markdown(elem_id="review-form")
        with gr.Tab("指标检查"):
            checks_md = gr.Markdown(elem_id="review-checks")
        with gr.Tab("与可比项目对照"):
            compare_md = gr.Markdown(elem_id="review-compare")

        def run_review(path, replace_old):
            review = review_file(Path(path) if path else None, _entries_for(live, home), replace=bool(replace_old))
            return (review_status(review), *review_markdown(live, review), "")

        def run_add(path, replace_old, request: gr.Request):
            if home is None:
                return "⚠️ 本页面没有连接资料库，不能添加。请用 jixiao serve 启动页面，或在命令行用 jixiao add 添加。"
            refused = adding_refused(bool(demo.auth), getattr(request, "username", None),
                                     getattr(getattr(request, "client", None), "host", None))
            if refused or not path:
                return f"⚠️ {esc(refused or '请先选择一个申报表文件。')}"
            return add_to_library(live, home, Path(path), bool(replace_old))

        for trigger in (upload.change, replace.change):
            trigger(run_review, [upload, replace], [status, form_md, checks_md, compare_md, add_note], api_visibility="private")
        add_btn.click(run_add, [upload, replace], add_note, api_visibility="private")


def add_to_library(live: Live, home: Path, path: Path, replace: bool) -> str:
    """Add the file's forms to the library (all or none) and serve the new index from now on."""
    from corpus.library import LibraryError
    from index.library import add_files

    try:
        result = add_files(home, [path], replace=replace, embedder=live.index.embedder, log=lambda msg: None)
    except LibraryError as exc:
        return f"⚠️ {esc(exc)}"
    live.swap(result.index)
    years = "、".join(map(str, result.years))
    replaced = f"（其中 {len(result.replaced)} 张替换了旧表）" if result.replaced else ""
    return (f"已加入资料库：{len(result.added)} 张申报表{replaced}。资料库现有 {result.forms} 张（年度：{years}），"
            "问答和检索已包含新表；总览和筛选选项在重启页面后更新。")


def amount_text(value) -> str:
    """An amount as typed: thousands separators and spaces dropped, so "1,000,000" is read as typed."""
    return re.sub(r"[,，\s]", "", str(value or "")).removesuffix("元")


def box_amount(value, label: str) -> float | None:
    """An amount box's text as 元; empty is None (no amount / no bound)."""
    return check_amount(amount_text(value) or None, label)


def _frame_rows(frame) -> list[list[str]]:
    if frame is None:
        return []
    if isinstance(frame, pd.DataFrame):
        values = frame.fillna("").astype(str).values.tolist()
    else:
        values = [[str(c) for c in row] for row in frame]
    width = len(EXPORT_COLUMNS)
    return [row[:width] + [""] * (width - len(row[:width])) for row in values if any(str(c).strip() for c in row)]


def _rows_to_draft(rows: list[list[str]]) -> list[DraftIndicator]:
    return [DraftIndicator(level1=r[0], level2=r[1], name=r[2], value=r[3], note=r[4]) for r in rows]


# Layout the components' own options cannot give.
CSS = """
/* the chat's toolbar (clear button) floats over the top of the message list: keep the first
   message below it */
#chat .bubble-wrap { padding-top: 44px; }
/* side-by-side comparison: the field names stay one line, never one character per line */
#comparison table th:first-child, #comparison table td:first-child,
#review-compare table th:first-child, #review-compare table td:first-child,
#review-form table td:first-child { white-space: nowrap; width: 7em; min-width: 7em; }
#comparison table, #review-compare table { table-layout: auto; width: 100%; }
/* long cells wrap inside their column instead of running off the right edge */
#search-results td, #checks-findings td, #suggested-table td { white-space: normal; word-break: break-word; }
"""

ASK_CONCURRENCY = 64  # /ask: milliseconds each; more than the users of one office at once
SEARCH_CONCURRENCY = 64  # /search, /suggest: concurrent queries are encoded as one batch, so more at once is cheaper
UI_CONCURRENCY = 16  # the page's own events (chat streaming, tables)
MAX_THREADS = 128  # worker threads for all of the above together
# Sessions whose state Gradio keeps (least recently used dropped). Every API call is a session of
# its own, so the default of 10,000 let memory grow by a third in a 60 s load test; a browser
# session in use is refreshed on each event and stays.
SESSION_CAPACITY = 1000


class LoginThrottle:
    """ASGI middleware: per client address, a few wrong passwords are free, then each further
    attempt must wait longer (doubling, at most MAX_WAIT seconds). A success clears the count."""

    FREE_FAILURES = 5
    MAX_WAIT = 300.0
    MAX_CLIENTS = 10_000  # bounded memory under a spray from many addresses

    def __init__(self, app, clock=time.monotonic):
        self.app = app
        self.clock = clock
        self.failures: dict[str, tuple[int, float]] = {}  # client → (failures, time of the last one)
        self.lock = threading.Lock()

    def wait_for(self, client: str) -> float:
        with self.lock:
            count, last = self.failures.get(client, (0, 0.0))
        if count < self.FREE_FAILURES:
            return 0.0
        wait = min(self.MAX_WAIT, 2.0 ** (count - self.FREE_FAILURES + 1))
        return max(0.0, last + wait - self.clock())

    def record(self, client: str, ok: bool) -> None:
        with self.lock:
            if ok:
                self.failures.pop(client, None)
                return
            count, _ = self.failures.pop(client, (0, 0.0))
            self.failures[client] = (count + 1, self.clock())
            while len(self.failures) > self.MAX_CLIENTS:
                self.failures.pop(next(iter(self.failures)))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST" or not scope.get("path", "").rstrip("/").endswith("/login"):
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.wait_for(client)
        if wait > 0:
            body = json.dumps({"detail": f"登录失败次数过多，请 {math.ceil(wait)} 秒后再试。"}, ensure_ascii=False).encode("utf-8")
            await send({"type": "http.response.start", "status": 429,
                        "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                    (b"retry-after", str(math.ceil(wait)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        code = status.get("code", 500)
        if code < 300:
            self.record(client, ok=True)
        elif code in (400, 401, 403):
            self.record(client, ok=False)


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, auth=None, prevent_thread_lock: bool = False):
    from starlette.middleware import Middleware

    from app import gradio_sessions

    gradio_sessions.install()  # every API call is a new session: build its page config lazily
    demo.queue(default_concurrency_limit=UI_CONCURRENCY)
    # Gradio's own start lines are English and mention public share links, which this app never makes
    demo.launch(server_name=host, server_port=port, auth=auth, share=False, ssr_mode=False, show_error=True, css=CSS,
                prevent_thread_lock=True, quiet=True, footer_links=["api"],
                max_threads=MAX_THREADS, app_kwargs={"middleware": [Middleware(LoginThrottle)]},
                state_session_capacity=SESSION_CAPACITY)
    if not prevent_thread_lock:
        print(f"绩效助手已就绪：http://{host}:{port}（只在本机提供，不会生成公开链接；按 Ctrl+C 停止）", file=sys.stderr, flush=True)
        demo.block_thread()
    return demo


def auth_from_env() -> tuple[str, str] | None:
    value = os.environ.get("JIXIAO_AUTH")
    if not value:
        return None
    user, _, password = value.partition(":")
    if not user or not password:
        raise SystemExit("错误：JIXIAO_AUTH 应写成 用户名:密码。")
    return user, password


def _cap_malloc_arenas(arenas: int = 2) -> None:
    """Fewer glibc malloc arenas for a threaded server.

    glibc gives worker threads arenas of their own (up to 8 per core); with dozens of request
    threads the page's memory grew by half in a 60 s load test and kept growing. Two arenas held
    it within a few percent at the same throughput. No-op where glibc is not the allocator."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


_LOADING_HTML = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="5"><title>绩效助手 · 正在准备</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto;line-height:1.7">
<h1>绩效助手正在准备</h1>
<p>首次启动要在本机转换向量模型、构建检索索引，约需 1–2 分钟，之后启动会直接加载。</p>
<p>本页每 5 秒自动刷新，准备好后会显示问答页面。</p></body></html>"""


class LoadingPage:
    """While a first start converts the model and builds the index, the address already answers
    with a page that says so and reloads itself, instead of refusing the connection."""

    def __init__(self, host: str, port: int):
        import http.server

        body = _LOADING_HTML.encode("utf-8")

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                self.send_response(503)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Retry-After", "5")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # the console shows the build's own progress
                pass

        self._server = http.server.ThreadingHTTPServer((host, port), Handler)
        self._thread = None

    def start(self) -> LoadingPage:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def serve(host: str = "127.0.0.1", port: int = 7860, home=None, model=None, prevent_thread_lock: bool = False,
          backend: str | None = None, milvus_uri: str | None = None):
    """Load (or build) the index once, then serve the page. Returns the running Blocks."""
    _cap_malloc_arenas()
    from app.llm import client_from_env
    from index.search import SearchIndex
    from index.backend_config import open_search_index
    from index.store import index_dir
    from embeddings import data_dir

    existed = SearchIndex.read_manifest(index_dir(data_dir(home))) is not None
    loading = None if existed else LoadingPage(host, port).start()
    try:
        index = open_search_index(home=home, model=model, backend=backend, milvus_uri=milvus_uri)
    finally:
        if loading is not None:
            loading.stop()
    notice = None if existed else "首次启动：已在本机构建检索索引（之后启动会直接加载）。"
    demo = build_app(Answerer(index, llm=client_from_env()), notice, library_home=data_dir(home))
    return launch(demo, host, port, auth_from_env(), prevent_thread_lock)
