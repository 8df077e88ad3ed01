"""The page: named endpoints through gradio_client, login, and a real browser through every tab."""

from __future__ import annotations

import os
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
    assert set(data) == {"precedent", "similar", "indicators", "checks"}
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


def test_every_tab_in_a_real_browser(server, browser):
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
    page.fill("#question textarea", "它的联系人是谁？")
    page.click("#send")
    page.wait_for_selector("#chat >> text=岳建疆", timeout=30_000)
    shot(page, "qa")

    # questions are text: markup typed by a user is shown, never run
    page.fill("#question textarea", '<img src=x onerror=alert(1)>信访维稳的金额')
    page.click("#send")
    page.wait_for_selector("#chat >> text=600,000 元", timeout=30_000)
    assert "<img src=x onerror=alert(1)>" in page.locator("#chat").inner_text()
    assert dialogs == []

    # 找可比项目: search, compare side by side
    page.get_by_role("tab", name="找可比项目").click()
    page.fill("#search-query textarea", "采购检验检测仪器设备")
    page.click("#search-button")
    page.wait_for_selector("#search-results >> text=专用设备购置费", timeout=30_000)
    page.click("#compare-button")
    page.wait_for_selector("#comparison >> text=测算依据", timeout=30_000)
    shot(page, "compare")

    # 起草指标: a draft, its suggested table and the checks
    page.get_by_role("tab", name="起草指标").click()
    page.fill("#draft-name textarea", "食品检测设备购置")
    page.fill("#draft-description textarea", "为食品检测实验室采购液相色谱仪等检验检测设备")
    page.fill("#draft-amount input", "600000")
    page.click("#suggest-button")
    page.wait_for_selector("#similar-projects >> text=专用设备购置费", timeout=30_000)
    expect(page.locator("#suggested-table")).to_contain_text("满意度指标", timeout=30_000)
    page.wait_for_selector("#checks >> text=/未发现问题|第/", timeout=30_000)
    assert "【" not in page.locator("#checks").inner_text()  # plain Chinese, rule codes only in the tooltip
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
    shot(page, "overview")

    assert outside == [], f"the page asked for outside resources: {outside[:5]}"
    page.close()
