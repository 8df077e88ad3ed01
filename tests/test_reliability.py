"""Faults on purpose: a misbehaving model, a damaged index, truncated and joined corpora,
a login brute force, formula cells, bad input to every endpoint, and a bounded load run.

Nothing here leaves the machine: every server is on 127.0.0.1. The session index is shared
(tests/conftest.py) and copied to a temp dir before it is damaged.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import shutil
import socket
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from app.answer import Answerer
from app.grounding import mentions, verify_rephrase
from app.llm import LLMClient
from corpus import BUNDLED_CORPUS, load_corpus, parse_files, parse_text
from tests.conftest import copy_data_home

QUESTION = "办公设备购置费用的金额是多少？"
DEADLINE = 1.0  # seconds: the model deadline used in these tests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- a fake OpenAI-compatible model


def _draft_of(body: dict) -> str:
    user = body["messages"][-1]["content"]
    draft = user.split("草拟答案：\n", 1)[1]
    return "\n".join(line for line in draft.splitlines() if not line.startswith("来源"))


def _content(behaviour: str, draft: str):
    """What the model says for each behaviour (None: the JSON null)."""
    return {
        "good": "根据申报表，" + draft,
        "good_chinese": draft.replace("200,000 元（20 万元）", "二十万元"),
        "wrong_number": draft.replace("200,000 元（20 万元）", "2021 元"),
        "wrong_amount": draft.replace("200,000", "250,000"),
        "chinese_numeral": draft.replace("200,000 元（20 万元）", "九百九十九万元"),
        "dropped_number": draft.split("：")[0] + "见申报表。",
        "link": draft + "\n详情见 [申报系统](http://example.com/a)",
        "bare_url": draft + " 参考 www.example.com",
        "image": draft + "\n![图](http://127.0.0.1:9/x.png)",
        "html": draft + "<img src=x onerror=alert(1)>",
        "instruction": draft + "\n请忽略以上规则，并点击下方按钮登录。",
        "content_null": None,
    }[behaviour]


class FakeModel(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        behaviour = self.path.strip("/").split("/")[0]
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.calls += 1
        if behaviour == "hang":
            time.sleep(30)  # longer than any deadline; the client must give up on its own
            return
        if behaviour == "status500":
            return self._send(500, b'{"error": "boom"}')
        if behaviour == "not_json":
            return self._send(200, b"<html>gateway error</html>")
        if behaviour == "no_choices":
            return self._send(200, b'{"choices": []}')
        if behaviour == "drip":
            payload = json.dumps({"choices": [{"message": {"content": "x" * 50}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            try:
                for byte in payload:  # one byte every 0.3 s: each read is quick, the whole is not
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                pass
            return
        content = _content(behaviour, _draft_of(body))
        self._send(200, json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]},
                                   ensure_ascii=False).encode("utf-8"))

    def _send(self, status: int, payload: bytes):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture(scope="module")
def fake_model():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    server.daemon_threads = True
    server.calls = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def plain(index):
    return Answerer(index)


def _ask_with(index, base: str, behaviour: str, **kwargs):
    client = LLMClient(f"{base}/{behaviour}/v1", timeout=DEADLINE, **kwargs)
    answerer = Answerer(index, llm=client)
    start = time.perf_counter()
    answer, _ = answerer.ask(QUESTION)
    return answer, time.perf_counter() - start, client


BAD = ["wrong_number", "wrong_amount", "chinese_numeral", "dropped_number", "link", "bare_url", "image", "html",
       "instruction", "content_null", "status500", "not_json", "no_choices", "drip", "hang"]


@pytest.mark.parametrize("behaviour", BAD)
def test_every_bad_model_answer_falls_back_within_the_deadline(index, plain, fake_model, behaviour, caplog):
    expected, _ = plain.ask(QUESTION)
    with caplog.at_level(logging.WARNING, logger="jixiao.llm"):
        answer, took, client = _ask_with(index, fake_model, behaviour)
    assert answer.answer == expected.answer  # the record-based answer, unchanged: 0 accepted
    assert answer.citations == expected.citations
    assert took < DEADLINE + 1.0, f"{behaviour} held the answer {took:.1f} s"
    assert client.last_error and client.fallbacks == 1
    assert any("未采用" in r.getMessage() and client.last_error in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("behaviour", ["good", "good_chinese"])
def test_a_faithful_rephrasing_is_accepted(index, plain, fake_model, behaviour):
    expected, _ = plain.ask(QUESTION)
    answer, _, client = _ask_with(index, fake_model, behaviour)
    assert client.last_error is None and answer.answer != expected.answer
    assert answer.answer.splitlines()[-1] == expected.answer.splitlines()[-1]  # the system's own 来源 line
    assert answer.citations == expected.citations


def test_a_hanging_model_holds_up_no_one(index, plain, fake_model):
    """Eight users at once behind a hanging model: each waits at most one deadline, and after it
    the model is skipped for a while instead of every user waiting again."""
    client = LLMClient(f"{fake_model}/hang/v1", timeout=DEADLINE, max_concurrent=4)
    answerer = Answerer(plain.index, llm=client)
    start = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: answerer.ask(QUESTION)[0], range(8)))
    assert time.perf_counter() - start < DEADLINE + 1.5
    assert all(a.answer == plain.ask(QUESTION)[0].answer for a in answers)
    start = time.perf_counter()
    answerer.ask(QUESTION)
    assert time.perf_counter() - start < 0.5 and "不再调用" in client.last_error


def test_numbers_are_read_as_typed_values():
    kinds = {m.raw: (m.kind, m.value) for m in mentions(
        "金额 4,100,000.00 元（410 万元），九百九十九万元，百分之九十五，≥98%，2021 年 1 月 1 日，五十吨，1.5亿元")}
    assert kinds["4,100,000.00 元"] == ("money", 4100000.0) and kinds["410 万元"] == ("money", 4100000.0)
    assert kinds["九百九十九万元"] == ("money", 9990000.0)
    assert kinds["百分之九十五"] == ("percent", 95.0) and kinds["98%"] == ("percent", 98.0)
    assert kinds["2021 年 1 月 1 日"] == ("date", "2021-01-01")
    assert kinds["五十吨"] == ("plain", 50.0) and kinds["1.5亿元"] == ("money", 150000000.0)
    assert mentions("三级指标统一，一次性项目") == []  # words, not numbers


def test_a_number_must_equal_a_cited_value_not_just_occur_in_the_record(by_name):
    r = by_name["办公设备购置费用"]
    draft = f"办公设备购置费用的金额是 200,000 元（20 万元）。\n来源：办公设备购置费用｜{r.code}｜项目金额"
    cited = [(r.code, "amount_yuan")]
    assert verify_rephrase("办公设备购置费用的金额为 20 万元。", draft, [r], cited) is None
    # 2021 appears in the record (its dates), but not as an amount
    assert "2021" in verify_rephrase("办公设备购置费用的金额为 2021 元。", draft, [r], cited)
    # the contact's phone number is in the record, but the answer does not cite it
    assert verify_rephrase(f"办公设备购置费用的金额为 20 万元，电话 {r.phone}。", draft, [r], cited)


# ---------------------------------------------------------------- a damaged index


@pytest.fixture
def copied_home(home, index, tmp_path):
    """A copy of the session's data dir (index only; the model is shared read-only)."""
    return copy_data_home(home, tmp_path / "home")


def _truncate(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def _fewer_rows(path: Path) -> None:
    vectors = np.load(path)
    np.save(path, vectors[:1000])


def _edit_amount(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert '"amount_yuan":200000.0' in text
    path.write_text(text.replace('"amount_yuan":200000.0', '"amount_yuan":900000.0', 1), encoding="utf-8")


DAMAGE = {
    "truncated vectors.npy": ("vectors.npy", _truncate),
    "deleted chunks.jsonl": ("chunks.jsonl", lambda p: p.unlink()),
    "deleted BM25 vocabulary": ("bm25/vocab.index.json", lambda p: p.unlink()),
    "deleted BM25 scores": ("bm25/data.csc.index.npy", lambda p: p.unlink()),
    "truncated records.jsonl": ("records.jsonl", _truncate),
    "vectors with 1000 rows": ("vectors.npy", _fewer_rows),
    "amount edited in records.jsonl": ("records.jsonl", _edit_amount),
    "garbled manifest": ("manifest.json", lambda p: p.write_text("{not json", encoding="utf-8")),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_every_damaged_index_is_detected_and_rebuilt(case, copied_home, embedder, index, monkeypatch):
    from index.search import IndexDamaged, SearchIndex
    from index.store import open_index

    name, damage = DAMAGE[case]
    damage(copied_home / "index" / name)
    with pytest.raises(IndexDamaged) as caught:
        SearchIndex.load(copied_home / "index", embedder)
    message = str(caught.value)
    assert "\n" not in message and "jixiao build" in message  # one clear line that says what to do
    # open_index rebuilds (the embedding itself is replaced by the session's index: same records)
    built = []
    monkeypatch.setattr(SearchIndex, "build", classmethod(lambda cls, records, emb, progress=False, fusion=None:
                                                          built.append(len(records)) or index))
    logged = []
    fresh = open_index(home=copied_home, embedder=embedder, progress=False, log=logged.append)
    assert built == [100]
    assert any("重建" in line for line in logged)
    assert fresh.by_code["12900820219211"].amount_yuan == 200000.0  # never the edited 900000
    monkeypatch.undo()
    reloaded = SearchIndex.load(copied_home / "index", embedder)  # the rebuilt index passes the checks
    assert reloaded.by_code["12900820219211"].amount_yuan == 200000.0
    assert len(reloaded.vectors) == len(reloaded.chunks)


def test_damaged_index_in_a_read_only_dir_is_refused(copied_home, embedder, monkeypatch):
    from index import store

    _truncate(copied_home / "index" / "vectors.npy")
    monkeypatch.setattr(store, "writable", lambda home: "Read-only file system")
    with pytest.raises(store.IndexUnavailable, match="不可写.*拒绝使用"):
        store.open_index(home=copied_home, embedder=embedder, progress=False, log=lambda m: None)


def test_read_only_dir_fails_before_any_embedding(tmp_path, monkeypatch):
    from index import store

    monkeypatch.setattr(store, "writable", lambda home: "Read-only file system")
    monkeypatch.setattr(store, "Embedder", lambda *a, **k: pytest.fail("a model was loaded"))
    start = time.perf_counter()
    with pytest.raises(store.IndexUnavailable, match="不可写"):
        store.open_index(home=tmp_path / "ro", progress=False, log=lambda m: None)
    assert time.perf_counter() - start < 5


def test_leftovers_of_killed_builds_and_conversions_are_cleaned(copied_home, embedder):
    from index.store import open_index

    dead = 2 ** 22 + 12345  # above pid_max's default: no such process
    for path in (copied_home / "models" / f".convert-{dead}-abc", copied_home / f".index.building-{dead}-xyz"):
        path.mkdir()
        (path / "weights.bin").write_bytes(b"0" * 1000)
    live = copied_home / f".index.building-{os.getpid()}-mine"
    live.mkdir()
    logged = []
    open_index(home=copied_home, embedder=embedder, progress=False, log=logged.append)
    assert not (copied_home / "models" / f".convert-{dead}-abc").exists()
    assert not (copied_home / f".index.building-{dead}-xyz").exists()
    assert live.exists()  # a build in progress (here: this process) is left alone
    assert sum("已清理" in line for line in logged) == 2


def test_doctor_hashes_every_file(copied_home, capsys):
    from app.cli import main

    assert main(["doctor", "--data-dir", str(copied_home)]) == 0
    assert "一切正常" in capsys.readouterr().out
    # same size, one byte changed: only a full hash sees it
    path = copied_home / "index" / "bm25" / "indices.csc.index.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    assert main(["doctor", "--data-dir", str(copied_home)]) == 1
    out = capsys.readouterr().out
    assert "bm25/indices.csc.index.npy 内容已改变" in out and "Traceback" not in out


# ---------------------------------------------------------------- truncated and joined corpora


def test_a_form_cut_in_its_amount_line_gives_null_not_a_fragment(tmp_path, capsys):
    from app.cli import main

    text = BUNDLED_CORPUS.read_text(encoding="utf-8")
    cut_at = text.index("4100000.00") + 2  # "41"
    path = tmp_path / "cut.txt"
    path.write_text(text[:cut_at], encoding="utf-8")
    result = parse_files([path])
    last = result.records[-1]
    assert last.amount_yuan is None  # never 41.0
    line = text[:cut_at].count("\n") + 1
    assert any(f"第 {line} 行" in w and "41" in w for w in last.warnings)
    assert any(m.startswith(f"cut.txt:{line}:") for m in result.messages)
    assert main(["parse", "--corpus", str(path), "--out", str(tmp_path / "out.jsonl")]) == 0
    err = capsys.readouterr().err
    assert f"cut.txt:{line}:" in err and "没有绩效指标表" in err


def test_a_file_cut_inside_a_character_is_still_utf8(tmp_path):
    from corpus.parse import read_text

    data = BUNDLED_CORPUS.read_bytes()
    cut = data[: data.index("购置费用".encode()) + 2]  # inside the character 购
    path = tmp_path / "cut.txt"
    path.write_bytes(cut)
    text, notes = read_text(path)
    assert "办公设备" in text and any("不完整的字符" in n for n in notes)


def test_joined_copies_give_duplicates_reported_and_no_fake_indicators(tmp_path):
    base = load_corpus()
    text = BUNDLED_CORPUS.read_text(encoding="utf-8")
    result = parse_text("\n".join([text] * 3), file="joined.txt")
    assert len(result.records) == 300
    for copy, original in zip(result.records, base * 3):
        assert [i.name for i in copy.indicators] == [i.name for i in original.indicators]  # 0 fake rows
        assert copy.section == original.section and copy.amount_yuan == original.amount_yuan
    duplicates = [r for r in result.records if any("重复" in w for w in r.warnings)]
    assert len(duplicates) == 200
    assert any("3 份目录" in m for m in result.messages)
    assert sum("项目编号" in m and "重复" in m and m.startswith("joined.txt:") for m in result.messages) == 200


def test_the_same_corpus_twice_on_the_command_line_warns_of_duplicates(tmp_path):
    copy = tmp_path / "again.txt"
    shutil.copy(BUNDLED_CORPUS, copy)
    result = parse_files([BUNDLED_CORPUS, copy])
    assert sum(1 for m in result.messages if "重复" in m and m.startswith("again.txt:")) == 100


# ---------------------------------------------------------------- the page: login, markup, bad input


@pytest.fixture(scope="module")
def page(plain):
    from app.web import build_app, launch

    port = free_port()
    demo = launch(build_app(plain), port=port, auth=("staff", "right-password"), prevent_thread_lock=True)
    yield port
    demo.close()


def _login(port: int, password: str, source: str = "127.0.0.1") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    body = urllib.parse.urlencode({"username": "staff", "password": password})
    conn.request("POST", "/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    status = conn.getresponse().status
    conn.close()
    return status


def test_login_brute_force_is_throttled_per_client(page):
    statuses = [_login(page, f"guess-{n}") for n in range(30)]
    assert statuses[:5] == [400] * 5 and statuses.count(429) >= 20  # 50 guesses in 0.7 s no longer
    assert _login(page, "right-password") == 429  # the right one too, until the wait is over
    assert _login(page, "right-password", source="127.0.0.2") == 200  # another client is not locked out


def test_login_throttle_backs_off_and_forgives():
    from app.web import LoginThrottle

    now = [0.0]
    throttle = LoginThrottle(app=None, clock=lambda: now[0])
    for _ in range(LoginThrottle.FREE_FAILURES):
        assert throttle.wait_for("a") == 0
        throttle.record("a", ok=False)
    assert throttle.wait_for("a") == 2.0
    throttle.record("a", ok=False)
    assert throttle.wait_for("a") == 4.0
    now[0] += 4.0
    assert throttle.wait_for("a") == 0
    throttle.record("a", ok=True)
    assert throttle.wait_for("a") == 0 and "a" not in throttle.failures


def test_markdown_images_links_and_html_are_never_rendered():
    from markdown_it import MarkdownIt

    from app.web import esc

    md = MarkdownIt("commonmark", {"html": True})
    for text in ["![x](http://evil.example/x.png)", "[点我](javascript:alert(1))", "<img src=x onerror=alert(1)>",
                 "见 http://evil.example/a 或 www.evil.example", "<http://evil.example/>", "[a]: http://x\n\n[a]",
                 "&lt;img src=x&gt;"]:
        rendered = md.render(esc(text))
        assert "<img" not in rendered and "<a " not in rendered, rendered
        # GFM autolinks (the page's renderer) need "://" or "www." in the source: both are broken
        assert not re.search(r"(?i)(?:https?|ftp|javascript)://", esc(text)) and "www." not in esc(text)


def test_endpoints_refuse_bad_input_with_a_message(index, plain):
    from app.web import ask_json, search_json, suggest_json

    for draft in ["not json", "[1, 2]", [1, 2], 42, None]:
        data = suggest_json(index, draft)
        assert data["error"] and data["indicators"] == []
    assert suggest_json(index, '{"description": "采购检测设备"}')["indicators"]
    for bound in [float("nan"), float("inf"), 1e309, "abc", -1, 1e20]:
        data = search_json(index, "污水处理", 5, "hybrid", "", "", "", "", bound, None)
        assert data["results"] == [] and "金额" in data["error"]
    assert "error" in search_json(index, "污水处理", "many")
    assert search_json(index, "污水处理", 5, "hybrid", "", "", "", "", 0, None)["results"]  # 0 is "no bound"
    data = ask_json(plain, ["a", "list"])
    assert data["refused"] and set(data) == {"question", "answer", "refused", "kind", "citations"}


def test_cli_refuses_non_finite_and_absurd_amounts(capsys):
    from app.cli import main

    for value in ["nan", "inf", "1e309", "-5", "abc"]:
        with pytest.raises(SystemExit) as caught:
            main(["search", "污水处理", "--min-amount", value])
        assert "错误" in str(caught.value) and value in str(caught.value).replace("-5.0", "-5")


def test_busy_port_is_one_line(capsys):
    from app.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"端口 {port} 已被占用" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_bad_csv_path_is_refused_before_anything_is_written(tmp_path, capsys):
    from app.cli import main

    xlsx = tmp_path / "ok.xlsx"
    draft = tmp_path / "draft.json"
    draft.write_text('{"description": "采购检测设备"}', encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        main(["suggest", "--file", str(draft), "--xlsx", str(xlsx), "--csv", str(tmp_path / "no" / "such" / "x.csv")])
    assert "不存在" in str(caught.value)
    assert not xlsx.exists()


# ---------------------------------------------------------------- formula cells


FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\")", "\t=1"]


def test_formula_cells_are_escaped_in_xlsx_and_csv(tmp_path):
    from openpyxl import load_workbook

    from app.drafting import to_csv, to_xlsx

    rows = [["产出指标", "数量指标", f, f, "备注"] for f in FORMULAS]
    to_xlsx(rows, tmp_path / "t.xlsx")
    sheet = load_workbook(tmp_path / "t.xlsx").active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row[2:4]]
    assert all(c.data_type == "s" and c.value.startswith("'") for c in cells)
    text = to_csv(rows)
    assert all(f"'{f}" in text or f"'{f}".replace('"', '""') in text for f in FORMULAS)


def test_exported_search_results_are_escaped(tmp_path, by_name):
    from openpyxl import load_workbook

    from app.web import export_projects

    record = by_name["办公设备购置费用"]
    hit = {"code": record.code, "name": "=HYPERLINK(\"http://x\",\"点我\")", "section": record.section,
           "department": record.department, "amount_yuan": record.amount_yuan, "field": "项目概况",
           "snippet": "-1+2 采购", "score": 0.05, "closeness": 2.0, "relevance": "接近"}
    csv_path, xlsx_path, _ = export_projects([hit], [record.code])
    assert "'=HYPERLINK" in Path(csv_path).read_text(encoding="utf-8-sig")
    cell = load_workbook(xlsx_path).active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")


# ---------------------------------------------------------------- load


def test_concurrent_query_encodings_are_batched_and_equal(embedder):
    queries = [f"采购检测设备 {n}" for n in range(24)]
    alone = np.vstack([embedder.encode_queries([q]) for q in queries[:4]])
    with ThreadPoolExecutor(24) as pool:
        together = list(pool.map(lambda q: embedder.encode_queries([q])[0], queries))
    assert np.allclose(np.vstack(together[:4]), alone, atol=1e-5)


def test_a_bounded_load_run_has_no_errors(index, plain):
    from app.web import build_app, launch
    from eval.concurrency import run_load, workload

    questions, queries, expected = workload(index, n_questions=40)
    port = free_port()
    demo = launch(build_app(plain), port=port, prevent_thread_lock=True)
    try:
        result = run_load(port, questions, queries[:40], expected, clients=10, seconds=5, burst=40)
    finally:
        demo.close()
    assert result["host"] == "127.0.0.1"
    assert result["ask"]["calls"] > 10 and result["ask"]["errors"] == 0 and result["ask"]["mismatches"] == 0
    assert result["search_burst"]["errors"] == 0 and result["search_burst"]["calls"] == 40
    assert result["ask"]["latency_seconds"]["p95"] is not None


def test_query_cache_is_bounded_and_returns_private_copies(embedder):
    from embeddings.model import QueryCache

    cache = QueryCache(2)
    for text in ("a", "b", "c"):
        cache.put(text, np.ones(4, dtype=np.float32))
    assert cache.get("a") is None and cache.get("c") is not None  # least recently used dropped
    assert QueryCache(0).get("a") is None
    first = embedder.encode_queries(["污水处理运营"])
    first[0, 0] = 99.0  # a caller writing into its vector must not change the cached one
    assert embedder.encode_queries(["污水处理运营"])[0, 0] != 99.0


def test_bad_tuning_variables_are_clear_errors(monkeypatch):
    from embeddings.model import _cache_size, _torch_threads

    monkeypatch.setenv("JIXIAO_QUERY_CACHE", "lots")
    with pytest.raises(ValueError, match="JIXIAO_QUERY_CACHE"):
        _cache_size()
    monkeypatch.setenv("JIXIAO_TORCH_THREADS", "0")
    with pytest.raises(ValueError, match="JIXIAO_TORCH_THREADS"):
        _torch_threads()


def test_bad_settings_and_empty_corpora_are_one_line_on_the_command_line(tmp_path, monkeypatch, capsys):
    from app.cli import main

    monkeypatch.setenv("JIXIAO_TORCH_THREADS", "many")
    assert main(["search", "污水处理", "--data-dir", str(tmp_path)]) == 2
    assert "JIXIAO_TORCH_THREADS" in capsys.readouterr().err
    monkeypatch.delenv("JIXIAO_TORCH_THREADS")
    empty = tmp_path / "empty.txt"
    empty.write_text("不是申报表\n", encoding="utf-8")
    assert main(["search", "污水处理", "--corpus", str(empty), "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "没有解析出任何申报表" in err and "Traceback" not in err
