"""The page: named endpoints through gradio_client, login, and a real browser through every tab."""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
from pathlib import Path

import pytest

from app.answer import Answerer
from app.web import build_app, launch

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync"]


# English words Gradio or the app could leave in the page (built-in labels, mode names, hints).
ENGLISH_UI = {"hybrid", "bm25", "dense", "drop", "files", "here", "sheet", "clear", "copy", "submit", "loading",
              "error", "search", "export", "upload", "conversation", "share", "settings", "built", "with", "use", "via"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def answerer(index):
    return Answerer(index)


@pytest.fixture(scope="module")
def server(answerer):
    port = free_port()
    demo = launch(build_app(answerer, notice="测试启动"), port=port, prevent_thread_lock=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server, verbose=False)


def test_ask_endpoint_returns_the_cli_json(client, answerer):
    data = client.predict("计量业务专项经费的金额是多少？", api_name="/ask")
    expected, _ = answerer.ask("计量业务专项经费的金额是多少？")
    assert data == expected.to_json()
    assert data["citations"][0]["code"] == "12900420212629"


def test_search_endpoint(client):
    data = client.predict("污水处理", 5, "hybrid", "", "", "", "", None, None, api_name="/search")
    assert set(data) == {"query", "took_ms", "results"}
    assert [r["name"] for r in data["results"][:2]] == ["污水处理运营费 1", "污水处理运营费 2"]
    assert set(data["results"][0]) == {"code", "name", "score", "field", "snippet"}
    filtered = client.predict("污水处理", 5, "hybrid", "教科文科", "", "", "", None, None, api_name="/search")
    assert all(r["name"] != "污水处理运营费 1" for r in filtered["results"])
    empty = client.predict("   ", api_name="/search")
    assert empty["results"] == [] and "查询为空" in empty["error"]


def test_suggest_endpoint(client):
    data = client.predict({"description": "采购检验检测仪器设备", "amount_yuan": 300000}, api_name="/suggest")
    assert set(data) == {"precedent", "followed", "similar", "indicators", "checks"}
    assert {i["level1"] for i in data["indicators"]} == {"产出指标", "效益指标", "满意度指标"}
    assert {i["origin"] for i in data["indicators"]} <= {"similar", "corpus", "framework"}
    bad = client.predict({"name": "没有概况"}, api_name="/suggest")
    assert "description" in bad["error"]


def test_login_when_configured(answerer):
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    port = free_port()
    demo = launch(build_app(answerer), port=port, auth=("finance", "s3cret"), prevent_thread_lock=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        with pytest.raises(AuthenticationError):
            Client(url, verbose=False)
        authed = Client(url, auth=("finance", "s3cret"), verbose=False)
        assert authed.predict("信访维稳的金额", api_name="/ask")["refused"] is False
    finally:
        demo.close()


# ---------------------------------------------------------------- the real browser


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (scripts/run.sh does) for the browser test")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:  # Debian's chromium through executable_path; nothing is downloaded
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    target = os.environ.get("JIXIAO_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=True)


def test_every_tab_in_a_real_browser(server, browser, answerer):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    outside, dialogs = [], []
    page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else outside.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server, wait_until="load")
    page.wait_for_selector("#question textarea", timeout=60_000)
    assert page.locator("#startup-notice").inner_text().strip()

    # 问答: streamed answer, its citation, a follow-up
    page.fill("#question textarea", "计量业务专项经费的金额是多少？")
    page.click("#send")
    page.wait_for_selector("#chat >> text=6,657,000 元", timeout=30_000)
    page.wait_for_selector("#citations >> text=12900420212629", timeout=30_000)
    # the toolbar over the chat (label, clear button) does not cover the first message
    first = page.locator("#chat .message-row").first.bounding_box()
    for item in page.locator("#chat .icon-button-wrapper button").all():
        b = item.bounding_box()
        if b:
            assert b["y"] + b["height"] <= first["y"] or first["x"] + first["width"] <= b["x"] \
                or b["x"] + b["width"] <= first["x"], (b, first)
    page.fill("#question textarea", "它的联系人叫什么？")
    page.click("#send")
    page.wait_for_selector("#chat >> text=岳建疆", timeout=30_000)
    shot(page, "qa")
    # a table answer: its "来源：…" line is a paragraph under the table, not one more row of it
    page.fill("#question textarea", "各科室的项目数和金额")
    page.click("#send")
    last = page.locator("#chat .bot-row").last
    expect(last.locator("table")).to_contain_text("教科文科", timeout=60_000)
    expect(last.locator("p", has_text="来源：")).to_have_count(1, timeout=30_000)
    assert last.locator("td", has_text="来源").count() == 0
    shot(page, "qa-table")

    # questions are text: markup typed by a user is shown, never run
    page.fill("#question textarea", '<img src=x onerror=alert(1)>信访维稳的金额')
    page.click("#send")
    page.wait_for_selector("#chat >> text=600,000 元", timeout=30_000)
    assert "<img src=x onerror=alert(1)>" in page.locator("#chat").inner_text()
    assert dialogs == []

    # 找可比项目: Chinese mode names, empty amount boxes, search, compare side by side, export the ticked rows
    page.get_by_role("tab", name="找可比项目").click()
    modes = page.locator("#search-mode").inner_text()
    assert all(label in modes for label in ("混合", "关键词 BM25", "向量"))
    assert not any(word in modes for word in ("hybrid", "bm25", "dense"))
    for box in ("#min-amount", "#max-amount"):
        assert page.locator(f"{box} textarea, {box} input").first.input_value() == ""
        assert page.locator(f"{box} textarea, {box} input").first.get_attribute("placeholder") == "不限"
    page.fill("#search-query textarea", "采购检验检测仪器设备")
    page.click("#search-button")
    page.wait_for_selector("#search-results >> text=专用设备购置费", timeout=30_000)
    expect(page.locator("#search-note")).to_contain_text("找到")
    expect(page.locator("#search-results")).to_contain_text("接近")
    # every column, 片段 last, inside the table's visible width
    frame_box = page.locator("#search-results").bounding_box()
    for header in ("匹配字段", "片段"):
        cell = page.locator("#search-results th", has_text=header).first.bounding_box()
        assert cell["x"] + cell["width"] <= frame_box["x"] + frame_box["width"] + 1, header
    page.click("#compare-button")
    page.wait_for_selector("#comparison >> text=测算依据", timeout=30_000)
    # the 字段 column is as wide as its words, not one character
    field_cell = page.locator("#comparison td", has_text="主管部门").first
    lines = field_cell.evaluate("c => { const r = document.createRange(); r.selectNodeContents(c); "
                                "return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size }")
    assert lines == 1 and field_cell.bounding_box()["width"] > 50
    # a long 测算依据 is cut with an ellipsis, a short one shown whole
    codes = page.locator("#comparison tr", has_text="编号").first.locator("td").all_inner_texts()[1:]
    cells = page.locator("#comparison tr", has_text="测算依据").first.locator("td").all_inner_texts()[1:]
    for code, cell in zip(codes, cells):
        basis = answerer.by_code[code.strip()].basis
        assert cell.strip() == basis.strip() if len(basis) <= 200 else (cell.endswith("…") and len(cell) <= 200)
    # export: only the ticked rows, with the snippet and the scores, in a Chinese-named sheet
    page.locator("#compare-pick label").nth(1).click()  # untick the second of the two ticked by default
    page.click("#export-button")
    expect(page.locator("#export-note")).to_contain_text("已导出勾选的 1 个项目", timeout=30_000)
    with page.expect_download() as download:
        page.locator("#export-xlsx a").first.click()
    from openpyxl import load_workbook

    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == ["可比项目"]
    rows = list(book["可比项目"].values)
    assert rows[0][:2] == ("名称", "编号") and {"片段", "检索得分", "接近程度", "相关度"} <= set(rows[0])
    assert len(rows) == 2 and rows[1][0] == "业务工作经费 06: 仪器设备购置" and rows[1][rows[0].index("片段")]
    shot(page, "compare")

    # nothing close: the page says so instead of listing loosely related projects as if they matched
    page.fill("#search-query textarea", "执法记录仪")
    page.locator("#search-mode label", has_text="向量").click()
    page.click("#search-button")
    expect(page.locator("#search-note")).to_contain_text("没有找到很接近的项目", timeout=30_000)
    expect(page.locator("#search-results")).to_contain_text("相关度低")
    # the earlier export and comparison are not this search's
    assert page.locator("#export-note").inner_text().strip() == "" and "测算依据" not in page.locator("#comparison").inner_text()
    shot(page, "search-none-close")

    # 起草指标: a draft, its suggested table and the checks
    page.get_by_role("tab", name="起草指标").click()
    page.fill("#draft-name textarea", "食品检测设备购置")
    page.fill("#draft-description textarea", "为食品检测实验室采购液相色谱仪等检验检测设备")
    amount = page.locator("#draft-amount textarea, #draft-amount input").first
    assert amount.input_value() == ""  # empty, not 0
    amount.fill("600000")
    page.click("#suggest-button")
    page.wait_for_selector("#similar-projects >> text=专用设备购置费", timeout=30_000)
    expect(page.locator("#suggested-table")).to_contain_text("满意度指标", timeout=30_000)
    page.wait_for_selector("#checks >> text=/未发现问题|第/", timeout=30_000)
    assert "【" not in page.locator("#checks").inner_text()  # plain Chinese, rule codes only in the tooltip
    # the editable table's drop hint (screen-reader text) follows the page's language
    hint = page.locator("#suggested-table .drop-hint")
    assert "拖放" in hint.inner_text() and "Drop" not in hint.inner_text()
    # every column of the suggested table on screen, and no note running past its cell
    frame_box = page.locator("#suggested-table").bounding_box()
    for header in ("备注", "来源"):
        cell = page.locator("#suggested-table th", has_text=header).first.bounding_box()
        assert cell["x"] + cell["width"] <= frame_box["x"] + frame_box["width"] + 1, header
    assert page.locator("#suggested-table td").evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1).length") == 0
    shot(page, "draft")
    page.fill("#draft-name textarea", "城市口袋公园建设")
    page.fill("#draft-description textarea", "在老城区新建口袋公园 8 处，项目资金 600 万元")
    page.click("#suggest-button")
    page.wait_for_selector("#similar-projects >> text=没有找到相近的往年项目，以下按指标框架给出", timeout=30_000)
    expect(page.locator("#suggested-table")).to_contain_text("指标框架", timeout=30_000)

    # 总览: charts and the check report
    page.get_by_role("tab", name="总览").click()
    page.wait_for_selector("#plot-section-count canvas, #plot-section-count svg", timeout=30_000)
    page.wait_for_selector("text=指标检查", timeout=30_000)
    expect(page.locator("#checks-findings")).to_contain_text("行“", timeout=30_000)
    findings = page.locator("#checks-findings").inner_text()
    assert "【" not in findings and not re.search(r"[a-z]+_[a-z_]+", findings)
    # the 问题 column wraps: no cell's text runs past its edge
    cut = page.locator("#checks-findings td").evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1).length")
    assert cut == 0
    page.locator("#checks-findings").scroll_into_view_if_needed()
    shot(page, "overview")
    # no English words left in what the page shows (proper names aside: BM25, XLSX, CSV, API)
    for tab in ("问答", "找可比项目", "起草指标", "总览"):
        page.get_by_role("tab", name=tab).click()
        text = page.locator("body").inner_text()
        words = set(re.findall(r"[A-Za-z]{3,}", text)) - {"BM25", "XLSX", "CSV", "API", "COD", "ICP", "MS", "PPP"}
        assert not {w for w in words if w.lower() in ENGLISH_UI}, (tab, words & ENGLISH_UI)

    assert outside == [], f"the page asked for outside resources: {outside[:5]}"
    page.close()


# ---------------------------------------------------------------- page helpers


def test_a_line_after_a_table_is_not_a_row_of_it():
    from app.web import detach_after_tables

    text = "| 科室 | 项目数 |\n|---|---|\n| 工贸科 | 9 |\n来源：各项目申报表的“科室”"
    assert detach_after_tables(text) == "| 科室 | 项目数 |\n|---|---|\n| 工贸科 | 9 |\n\n来源：各项目申报表的“科室”"
    assert detach_after_tables("金额：600,000 元\n来源：信访维稳") == "金额：600,000 元\n来源：信访维稳"


def test_cut_text_ends_with_an_ellipsis():
    from app.web import clip

    assert clip("短文本", 10) == "短文本"
    cut = clip("很长的测算依据" * 50, 200)
    assert len(cut) == 200 and cut.endswith("…")


def test_amount_boxes_read_empty_as_no_amount():
    from app.web import box_amount
    from index.filters import AmountError

    assert box_amount("", "最低金额") is None and box_amount(None, "最低金额") is None
    assert box_amount("1,000,000", "最低金额") == 1_000_000 and box_amount(" 600000元", "项目金额") == 600_000
    with pytest.raises(AmountError, match="最高金额"):
        box_amount("很多", "最高金额")


def test_search_export_writes_the_ticked_rows_in_a_chinese_sheet(index):
    from openpyxl import load_workbook

    from app.web import export_projects, search_json, search_rows

    rows, none_close = search_rows(index, search_json(index, "污水处理", 5))
    assert not none_close and rows[0]["relevance"] == "接近"
    csv_path, xlsx_path, note = export_projects(rows, [rows[1]["code"]])
    book = load_workbook(xlsx_path)
    assert book.sheetnames == ["可比项目"]
    table = list(book["可比项目"].values)
    assert len(table) == 2 and table[1][1] == rows[1]["code"]
    assert table[1][table[0].index("片段")] == rows[1]["snippet"]
    assert table[1][table[0].index("检索得分")] == rows[1]["score"]
    assert "1 个项目" in note
    assert export_projects(rows, []) == (None, None, "请先在上面勾选要导出的项目。")


def test_a_first_start_answers_at_once_with_a_loading_page_and_frees_the_port():
    import socket
    import urllib.error
    import urllib.request

    from app.web import LoadingPage

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    page = LoadingPage("127.0.0.1", port).start()
    try:
        with pytest.raises(urllib.error.HTTPError) as reply:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
        assert reply.value.code == 503
        text = reply.value.read().decode("utf-8")
        assert "正在准备" in text and 'http-equiv="refresh"' in text
    finally:
        page.stop()
    with socket.socket() as again:  # the page itself then takes the same port
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


def test_new_sessions_build_component_configs_lazily_with_the_same_values(monkeypatch):
    import gradio as gr
    from gradio import state_holder

    from app import gradio_sessions

    with gr.Blocks() as demo:
        gr.Markdown("说明")
        box = gr.Textbox(value="初始", label="问题")
        gr.Dropdown(["甲", "乙"], value="甲", label="科室")
    eager = {k: demo.default_config.config_for_block(k, [], v)
             for k, v in demo.default_config.blocks.items() if k in demo.blocks}
    assert gradio_sessions.install(), "this Gradio's SessionState is not the one the patch mirrors"
    calls = []
    original = demo.default_config.config_for_block  # a static method in Gradio 6

    def counted(config, *args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(type(demo.default_config), "config_for_block", counted)
    session = state_holder.SessionState(demo)
    assert calls == []  # nothing built when the session starts
    assert box._id in session.config_values and session.config_values[box._id] == eager[box._id]
    assert calls == [box._id]
    assert dict(session.config_values.items()) == eager and list(session.config_values) == list(eager)


def test_lazy_config_values_behave_like_a_dict():
    from app.gradio_sessions import LazyConfigValues

    built = []
    values = LazyConfigValues(lambda k: built.append(k) or {"props": {"value": k}}, [3, 1, 2])
    assert len(values) == 3 and 1 in values and 9 not in values and built == []
    values[2] = {"props": {"value": "set"}}
    assert values[1] == {"props": {"value": 1}} and built == [1]
    assert values.get(9) is None
    assert list(values.items()) == [(3, {"props": {"value": 3}}), (1, {"props": {"value": 1}}), (2, {"props": {"value": "set"}})]
