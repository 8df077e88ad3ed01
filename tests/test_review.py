"""The page's 审核 tab: a declaration file read, checked and compared before it joins the library,
and added from the page (behind the login when there is one) — in a real browser too."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from app.answer import Answerer
from app.review import adding_refused, comparable, review_file
from app.web import Live, add_to_library, build_app, launch, review_markdown
from corpus import BUNDLED_CORPUS
from corpus.library import Library
from eval.library_bench import next_year_text
from tests.conftest import copy_data_home
from tests.test_web import CHROMIUM, ENGLISH_UI, FLAGS, free_port, shot


@pytest.fixture(scope="module")
def next_year_file(tmp_path_factory):
    text, made = next_year_text(2, step=10)
    path = tmp_path_factory.mktemp("review") / "2022-申报表.txt"
    path.write_text(text, encoding="utf-8")
    return path, made


@pytest.fixture
def lib_live(home, index, embedder, tmp_path):
    """A library of its own (a copy of the session's data directory) and the page's live index over it."""
    from index.store import open_index

    lib_home = copy_data_home(home, tmp_path / "home")
    return lib_home, Live(Answerer(open_index(home=lib_home, embedder=embedder, rebuild=False, progress=False,
                                              log=lambda m: None)))


def test_a_new_file_is_read_checked_and_compared_before_anything_is_added(index, next_year_file):
    path, made = next_year_file
    review = review_file(path, [])
    assert [r.code for r in review.records] == [m["code"] for m in made] and review.refused is None
    forms, checks, sides = review_markdown(Live(Answerer(index)), review)
    assert made[0]["code"] in forms and "绩效指标" in forms and "解析提示" in forms
    assert checks.count("**1.") == 1 and checks.count("**2.") == 1
    original = index.by_code[made[0]["original_code"]]
    assert original in comparable(index, review.records[0])  # last year's form is the closest past project
    assert "（本表）" in sides and original.code in sides


def test_a_file_the_library_would_refuse_says_why(index, tmp_path):
    from app.web import _entries_for, review_status

    entries = _entries_for(Live(Answerer(index)), None)
    review = review_file(BUNDLED_CORPUS, entries)
    assert len(review.records) == 100 and "已在资料库中" in review.refused and "--replace" in review.refused
    assert "暂不能加入资料库" in review_status(review)
    assert review_file(BUNDLED_CORPUS, entries, replace=True).refused is None
    garbage = tmp_path / "x.txt"
    garbage.write_text("不是申报表\n", encoding="utf-8")
    bad = review_file(garbage, entries)
    assert bad.records == [] and "没有找到任何申报表" in review_status(bad)
    assert "请先选择" in review_status(review_file(None, entries))


def test_who_may_add():
    assert adding_refused(True, "staff", "10.0.0.8") is None
    assert "登录" in adding_refused(True, None, "127.0.0.1")
    assert adding_refused(False, None, "127.0.0.1") is None
    assert "JIXIAO_AUTH" in adding_refused(False, None, "10.0.0.8")  # no login: only this machine


def test_adding_from_the_page_serves_the_new_forms_at_once(lib_live, next_year_file):
    lib_home, live = lib_live
    path, made = next_year_file
    old = live.answerer
    note = add_to_library(live, lib_home, path, replace=False)
    assert note.startswith("已加入资料库：2 张申报表") and "102 张" in note
    assert live.answerer is not old and len(live.index.records) == 102
    answer, _ = live.answerer.ask(f"{made[0]['name']}的联系人是谁")
    assert answer.citations[0].code == made[0]["code"]
    assert "已在资料库中" in add_to_library(live, lib_home, path, replace=False)  # a second time: refused
    with Library.open(lib_home) as library:
        assert len(library.entries()) == 102 and library.years() == [2021, 2022]


# ---------------------------------------------------------------- the real browser, behind the login


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def test_review_and_add_in_a_browser_behind_the_login(lib_live, next_year_file, browser, tmp_path):
    from playwright.sync_api import expect

    lib_home, live = lib_live
    path, made = next_year_file
    upload = tmp_path / path.name
    shutil.copy(path, upload)
    port = free_port()
    demo = launch(build_app(live.answerer, library_home=lib_home), port=port, auth=("staff", "right-password"),
                  prevent_thread_lock=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    try:
        page.goto(f"http://127.0.0.1:{port}/", wait_until="load")
        page.locator("input[type=text], input:not([type])").first.fill("staff")
        page.locator("input[type=password]").fill("right-password")
        page.keyboard.press("Enter")
        page.wait_for_selector("#question textarea", timeout=60_000)
        page.get_by_role("tab", name="审核").click()
        words = set(re.findall(r"[A-Za-z]{3,}", page.locator("body").inner_text()))
        assert not {w for w in words if w.lower() in ENGLISH_UI}, words  # Gradio's upload box speaks Chinese too
        page.locator("#review-file input[type=file]").set_input_files(str(upload))
        expect(page.locator("#review-status")).to_contain_text("可以加入资料库", timeout=60_000)
        expect(page.locator("#review-form")).to_contain_text(made[0]["code"])
        page.get_by_role("tab", name="与可比项目对照").click()
        expect(page.locator("#review-compare")).to_contain_text("（本表）", timeout=30_000)
        shot(page, "review")
        page.click("#review-add")
        expect(page.locator("#review-add-note")).to_contain_text("已加入资料库：2 张申报表", timeout=120_000)
        page.get_by_role("tab", name="问答").click()
        page.fill("#question textarea", f"{made[0]['name']}的金额是多少？")
        page.click("#send")
        page.wait_for_selector(f"#citations >> text={made[0]['code']}", timeout=60_000)
    finally:
        page.close()
        demo.close()
    with Library.open(lib_home) as library:
        assert {m["code"] for m in made} <= {e.code for e in library.entries()}
